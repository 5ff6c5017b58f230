"""Downloads cannot smuggle formulas into a spreadsheet, and are byte-stable."""

import io
import re
import zipfile

from openpyxl import load_workbook

from gba_utils import paths
from gba_utils.data.schema import BY_NAME
from gba_utils.pipeline.exports import csv_bytes, export_all, neutralise, xlsx_bytes

RISKY = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://x")']


def rows_with(values):
    table = BY_NAME["claims"]
    header = table.columns
    base = {c: "x" for c in header} | {"edition": "2022", "value": "-5", "ref_year": "2020"}
    return table, header, [[(v if c == "subject_en" else base[c]) for c in header] for v in values]


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("广州") == "广州"


def test_csv_text_cells_are_neutralised_numbers_are_not():
    table, header, rows = rows_with(RISKY)
    text = csv_bytes(table, header, rows).decode("utf-8")
    for v in RISKY:
        assert "'" + v.replace('"', '""') in text
    assert ",-5.0," in text or ",-5," in text


#: Text a spreadsheet writer could turn into something else: an error value, a number, a link.
LOOKALIKES = ["#N/A", "#DIV/0!", "007", "1e3", "http://example.org/x", "mailto:a@example.org"]


def test_xlsx_never_holds_a_formula():
    table, header, rows = rows_with(RISKY + LOOKALIKES)
    wb = load_workbook(io.BytesIO(xlsx_bytes(table, header, rows)))
    ws = wb.active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    col = header.index("subject_en") + 1
    written = [ws.cell(r, col) for r in range(2, 2 + len(RISKY + LOOKALIKES))]
    assert [c.value for c in written] == RISKY + LOOKALIKES  # text, as it was: no number, no error value
    assert all(c.data_type == "s" and c.hyperlink is None for c in written)
    assert ws.cell(2, header.index("value") + 1).value == -5.0  # numbers stay numbers
    assert ws.cell(1, col).value == "subject_en" and ws.freeze_panes == "A2"  # the header row stays in view
    assert ws.title == "claims"


def test_xlsx_keeps_a_number_cell_it_cannot_hold_as_its_text():
    table, header, rows = rows_with(["x", "y"])
    rows[0][header.index("value")], rows[1][header.index("value")] = "nan", "inf"
    ws = load_workbook(io.BytesIO(xlsx_bytes(table, header, rows))).active
    col = header.index("value") + 1
    assert [ws.cell(2, col).value, ws.cell(3, col).value] == ["nan", "inf"]


def test_exports_are_byte_stable(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    export_all(paths.DATA, a)
    export_all(paths.DATA, b)
    names = sorted(p.name for p in a.iterdir())
    assert "cases.xlsx" in names and "datapackage.json" in names
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_a_workbook_holds_no_date_of_the_machine_or_the_moment(tmp_path):
    """Two runs in the same second would agree even with a clock in the file: every date in it is fixed instead."""
    table, header, rows = rows_with(["x"])
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(table, header, rows))) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode("utf-8")
        stamps = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core)
        assert sorted(stamps) == [("created", "2022-01-01T00:00:00Z"), ("modified", "2022-01-01T00:00:00Z")]
        years = {y for i in z.infolist() for y in re.findall(rb"\b20[2-9][0-9]-[01][0-9]-[0-3][0-9]", z.read(i))}
        assert years <= {b"2022-01-01"}, years
