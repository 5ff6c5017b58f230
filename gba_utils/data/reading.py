"""Reading the CSV tables: encodings, headers, records and cells, with every problem reported.

Cells are read as text; types are checked and converted by :mod:`gba_utils.data.validation`. A file never stops the
reading of the others, and a bad record never stops the reading of the rest of its file: :func:`read_table` returns
the records it could read and the problems it met, so one round of validation can list every problem of every table.
The frame is indexed by the line on which each record starts, so every later problem names the line a researcher sees
in an editor; cells whose text was normalised keep their original text for messages (:attr:`Read.original`).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem
from ..paths import relative
from .schema import MAX_CELL, Table

if TYPE_CHECKING:  # pandas loads with the first table; decoding alone (the downloads) does not need it
    import pandas as pd

BOM = b"\xef\xbb\xbf"
#: Byte-order marks of encodings other than UTF-8, longest first.
OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    (b"\xff\xfe", "UTF-16 (little-endian)"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
)
#: Whitespace trimmed from both ends of every cell (ASCII, no-break and ideographic spaces).
TRIM = " \t\r\n\u00a0\u3000\ufeff"
#: Control characters no cell may hold: C0 (tab and newline are allowed in free text), DEL and C1.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Tab and newline: allowed only in free-text columns.
LAYOUT = re.compile(r"[\t\n]")
SAVE_AS = "save it again as 'CSV UTF-8 (comma delimited)'"


class EncodingIssue(ValueError):
    """The bytes of a file are not UTF-8; ``problem`` says what they are."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _hex(raw: bytes) -> str:
    return raw.hex(" ")


def decode(raw: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM), or :class:`EncodingIssue` naming the encoding found; never a guess."""
    for bom, encoding in OTHER_BOMS:
        if raw.startswith(bom):
            raise EncodingIssue(
                Problem(
                    name,
                    1,
                    None,
                    _hex(bom),
                    f"UTF-8 text; the file is {encoding} (its byte-order mark is {_hex(bom)}) - {SAVE_AS}",
                    "encoding",
                )
            )
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if raw.count(b"\x00") > len(raw) // 4:
            hint = f"UTF-8 text; every other byte is zero, as in UTF-16 without a byte-order mark - {SAVE_AS}"
        else:
            try:
                raw.decode("gb18030")
                hint = (
                    "UTF-8 text; the file decodes as GBK/GB18030, the encoding Excel uses for 'CSV' on Chinese Windows"
                    f" - {SAVE_AS}"
                )
            except UnicodeDecodeError:
                hint = "UTF-8 text; these bytes are not valid UTF-8 (nor GBK)"
        raise EncodingIssue(Problem(name, line, None, _hex(raw[exc.start : exc.start + 4]), hint, "encoding")) from None


def _normalise_code(value: str) -> str:
    """NFKC turns full-width digits and letters (１２, ＡＢ) into ASCII; used for codes and numbers only."""
    return unicodedata.normalize("NFKC", value)


@dataclass
class Read:
    """What :func:`read_table` could read of one file."""

    frame: pd.DataFrame | None  # text cells (None for missing cells), indexed by line; None when nothing was readable
    problems: list[Problem] = field(default_factory=list)
    original: dict[tuple[int, str], str] = field(default_factory=dict)  # (line, column) -> text as in the file
    missing_columns: set[str] = field(default_factory=set)


def _records(text: str, name: str, problems: list[Problem]):
    """(first line, last line, cells) of every record; problems of quoting and cell size are added to ``problems``."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = str(exc)
            if "field larger than field limit" in message:
                problems.append(Problem(name, start, None, None, f"cells of at most {MAX_CELL:,} characters", "cell-size"))
            elif "unexpected end of data" in message:
                problems.append(
                    Problem(
                        name,
                        start,
                        None,
                        None,
                        "a closing quote for the quote opened on this line (the file ends inside a quoted cell)",
                        "unclosed-quote",
                    )
                )
                return
            elif "expected after" in message:  # a quote opened in a cell ran on to a later quote
                problems.append(
                    Problem(
                        name,
                        start,
                        None,
                        None,
                        f"a closing quote for the quote opened on this line (it runs on "
                        f'to line {reader.line_num}; a quote inside a cell is written twice: "")',
                        "unclosed-quote",
                    )
                )
            else:
                problems.append(Problem(name, start, None, None, f"well-formed CSV ({message})", "csv"))
            start = reader.line_num + 1
            continue
        yield start, reader.line_num, row
        start = reader.line_num + 1


def read_table(path: Path, table: Table, name: str | None = None) -> Read:
    """Read one table as text; return the readable records and every problem of the file (nothing is raised).

    ``name`` is how messages name the file (default: its path from the repository root)."""
    import pandas as pd

    name = name or relative(path)
    if not path.exists():
        return Read(None, [Problem(name, None, None, None, f"the file of table '{table.name}' to exist", "file")])
    try:
        text = decode(path.read_bytes(), name)
    except EncodingIssue as issue:
        return Read(None, [issue.problem])
    except OSError as exc:
        return Read(None, [Problem(name, None, None, None, f"a readable file ({exc.strerror})", "file")])
    if not text.strip():
        return Read(None, [Problem(name, None, None, "", f"a header row with columns {table.columns}", "empty-file")])

    problems: list[Problem] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_CELL * 100))  # larger cells are reported as problems, not as a traceback
    try:
        records = list(_records(text, name, problems))
    finally:
        csv.field_size_limit(limit)
    if not records:
        return Read(None, problems + [Problem(name, 1, None, None, f"a header row with columns {table.columns}", "empty-file")])
    header = [h.strip(TRIM) for h in records[0][2]]
    expected = table.columns
    missing = {col for col in expected if col not in header}
    for col in expected:
        if col in missing:
            problems.append(Problem(name, 1, col, None, "this column in the header", "missing-column"))
    for col in header:
        if col not in expected:
            problems.append(Problem(name, 1, col, col, f"one of the columns {expected}", "unknown-column"))
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        problems.append(Problem(name, 1, ",".join(dup), ",".join(dup), "each column once", "duplicate-column"))
        header = [h if header.index(h) == i else f"{h}#{i}" for i, h in enumerate(header)]

    kept, lines, original = [], [], {}
    # what each column's cells need, worked out once per column rather than once per cell
    fields = [table.field(col) if col in expected else None for col in header]
    layout_checked = [f is None or not f.text for f in fields]
    normalised = [f is not None and (f.type in ("integer", "number") or bool(f.vocab or f.ref or f.pattern)) for f in fields]
    columns = list(zip(header, layout_checked, normalised))
    controls = CONTROL.search(text) is not None  # one search of the file spares one per cell when it has none
    crlf = "\r" in text
    for first, last, row in records[1:]:
        if not any(cell.strip(TRIM) for cell in row):
            continue  # blank line
        if len(row) != len(header):
            hint = f"{len(header)} cells like the header"
            if last > first:  # a quote opened inside a cell ran over the following lines
                hint += f" (the record runs from line {first} to line {last}: a quote opened on line {first} may not be closed)"
            problems.append(Problem(name, first, None, len(row), hint, "ragged-row"))
            continue
        cells = []
        for (col, layout, normal_form), cell in zip(columns, row):
            cell = (cell.replace("\r\n", "\n") if crlf else cell).strip(TRIM)
            if len(cell) > MAX_CELL:
                problems.append(
                    Problem(
                        name,
                        first,
                        col,
                        f"{cell[:40]}… ({len(cell):,} characters)",
                        f"a cell of at most {MAX_CELL:,} characters",
                        "cell-size",
                    )
                )
                cell = ""
            bad = (controls and CONTROL.search(cell)) or (
                LAYOUT.search(cell) if layout and ("\n" in cell or "\t" in cell) else None
            )
            if bad:
                at = first + cell[: bad.start()].count("\n")
                problems.append(
                    Problem(
                        name,
                        at,
                        col,
                        f"U+{ord(bad.group()):04X}",
                        "text without control characters (tab and newline only in free-text columns)",
                        "control-character",
                    )
                )
            if normal_form and not cell.isascii():  # NFKC leaves ASCII as it is
                normal = _normalise_code(cell)
                if normal != cell:
                    original[(first, col)] = cell
                cell = normal
            cells.append(cell)
        kept.append(cells)
        lines.append(first)
    frame = pd.DataFrame(kept, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    frame = frame.replace({"": None})
    for col in missing:
        frame[col] = None
    if frame.empty and table.rows_required:
        problems.append(Problem(name, None, None, None, "at least one row (the file has a header only)", "no-rows"))
    return Read(frame[expected], problems, original, missing)
