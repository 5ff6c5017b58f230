"""Downloads for readers: every table as CSV and XLSX, safe to open in a spreadsheet.

Spreadsheet programs treat a cell starting with ``=``, ``+``, ``-`` or ``@`` as a
formula. In the CSV copies such *text* cells get a leading apostrophe (the usual
defence against CSV injection); in the XLSX copies every text cell is stored as a
string, so nothing becomes a formula. Numbers stay numbers. The files are
byte-stable: a fixed workbook date, and XlsxWriter's fixed zip timestamps.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime
from pathlib import Path

from ..data.reading import decode
from ..data.schema import TABLES, Table
from ..files import atomic_write

RISKY = ("=", "+", "-", "@", "\t", "\r")
FIXED = datetime(2022, 1, 1)


def neutralise(value: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(RISKY) else value


def _rows(path: Path, table: Table) -> tuple[list[str], list[list[str]]]:
    text = decode(path.read_bytes(), path.name)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def _numeric(table: Table, header: list[str]) -> list[tuple[int, type]]:
    """``(position, int or float)`` of each column of ``header`` that the schema types as a number."""
    types = {f.name: f.type for f in table.fields}
    return [(j, int if types[n] == "integer" else float) for j, n in enumerate(header) if types.get(n) in ("integer", "number")]


def _typed(numeric: list[tuple[int, type]], width: int, row: list[str]) -> list:
    """The cells of ``row`` (as many as the header has columns) with those of number columns as numbers (a cell that is
    blank or not a number stays text)."""
    out = row[:width]
    for j, kind in numeric:
        if j < len(out) and out[j].strip():
            try:
                out[j] = kind(out[j])
            except ValueError:
                pass
    return out


def csv_bytes(table: Table, header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    numeric = _numeric(table, header)
    for row in rows:
        w.writerow([c if isinstance(c, (int, float)) else neutralise(c) for c in _typed(numeric, len(header), row)])
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(table: Table, header: list[str], rows: list[list[str]]) -> bytes:
    import xlsxwriter

    # XlsxWriter rather than openpyxl: it writes the same workbook in half the time (34,000 synthetic cases: 3.9 s
    # against 7.8 s), which was the longest part of a first build on that much data. Every text cell is written as a
    # string, so nothing becomes a formula, an error value, a number or a link, whatever the text starts with.
    # In memory, XlsxWriter dates every part of the zip 1980-01-01 and the workbook's created and modified times come
    # from ``created``: the same rows give the same bytes, with no rewrite of the zip afterwards (tests/test_exports.py)
    raw = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    wb = xlsxwriter.Workbook(raw, options)
    wb.set_properties({"author": "gba-digital-governance", "created": FIXED})
    ws = wb.add_worksheet(table.name[:31])
    ws.freeze_panes(1, 0)
    text, number = ws.write_string, ws.write_number
    for j, name in enumerate(header):
        text(0, j, name)
    numeric = _numeric(table, header)
    for i, row in enumerate(rows, start=1):
        for j, (value, cell) in enumerate(zip(_typed(numeric, len(header), row), row)):
            if isinstance(value, str):
                if value:  # an empty cell stays empty, as in the CSV
                    text(i, j, value)
            elif math.isfinite(value):
                number(i, j, value)
            else:  # "nan" or "inf" in a number column: a workbook holds no such number, so the text as written
                text(i, j, cell)
    wb.close()
    return raw.getvalue()


def export_all(data_dir: Path, out_dir: Path) -> list[str]:
    """Write every table as CSV and XLSX, plus datapackage.json, into ``out_dir``."""
    written = []
    for table in TABLES:
        header, rows = _rows(data_dir / table.path, table)
        atomic_write(out_dir / f"{table.name}.csv", csv_bytes(table, header, rows))
        atomic_write(out_dir / f"{table.name}.xlsx", xlsx_bytes(table, header, rows))
        written += [f"{table.name}.csv", f"{table.name}.xlsx"]
    pkg = data_dir / "datapackage.json"
    if pkg.exists():
        atomic_write(out_dir / "datapackage.json", pkg.read_bytes())
        written.append("datapackage.json")
    return written
