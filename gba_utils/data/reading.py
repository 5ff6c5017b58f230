"""Reading the CSV tables: encodings, headers and cells, with every problem reported.

Cells are read as text; types are checked and converted by :mod:`gba_utils.validate`.
The frame returned is indexed by the line number of each record in the file, so
every later problem can name the line a researcher sees in an editor.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataError, EncodingProblem, Problem
from ..paths import relative
from .schema import Table

if TYPE_CHECKING:  # pandas loads with the first table; decoding alone (the downloads) does not need it
    import pandas as pd

BOM = b"\xef\xbb\xbf"
#: Whitespace trimmed from both ends of every cell (ASCII, no-break and ideographic spaces).
TRIM = " \t\r\n\u00a0\u3000\ufeff"


def decode(raw: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM) or a clear :class:`EncodingProblem`; never a guess."""
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "UTF-8 text"
        try:
            raw.decode("gb18030")
            hint += (
                "; the file decodes as GBK/GB18030, the encoding Excel uses for 'CSV' on Chinese Windows"
                " - save it again as 'CSV UTF-8 (comma delimited)'"
            )
        except UnicodeDecodeError:
            hint += "; the bytes are not valid in UTF-8 or GBK either"
        raise EncodingProblem([Problem(name, line, None, raw[exc.start : exc.start + 4].hex(" "), hint, "encoding")]) from None


def _normalise_code(value: str) -> str:
    """NFKC turns full-width digits and letters (１２, ＡＢ) into ASCII; used for codes and numbers only."""
    return unicodedata.normalize("NFKC", value)


def read_table(path: Path, table: Table) -> pd.DataFrame:
    """Read one table as text. Raises :class:`DataError` listing every structural problem."""
    import pandas as pd

    name = relative(path)
    if not path.exists():
        raise DataError([Problem(name, None, None, None, f"the file of table '{table.name}' to exist", "file")])
    text = decode(path.read_bytes(), name)
    if not text.strip():
        raise DataError([Problem(name, None, None, "", f"a header row with columns {table.columns}", "empty-file")])

    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    header = [h.strip(TRIM) for h in next(reader)]
    expected = table.columns
    for col in expected:
        if col not in header:
            problems.append(Problem(name, 1, col, None, "this column in the header", "missing-column"))
    for col in header:
        if col not in expected:
            problems.append(Problem(name, 1, col, col, f"one of the columns {expected}", "unknown-column"))
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        problems.append(Problem(name, 1, ",".join(dup), dup, "each column once", "duplicate-column"))

    records, lines = [], []
    start = reader.line_num + 1
    for row in reader:
        line = start
        start = reader.line_num + 1
        if not any(cell.strip(TRIM) for cell in row):
            continue  # blank line
        if len(row) != len(header):
            problems.append(Problem(name, line, None, len(row), f"{len(header)} cells like the header", "ragged-row"))
            continue
        records.append([cell.strip(TRIM) for cell in row])
        lines.append(line)
    if problems:
        raise DataError(problems)

    frame = pd.DataFrame(records, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    frame = frame.replace({"": None})
    for f in table.fields:
        if f.type in ("integer", "number") or f.vocab or f.ref or f.pattern:
            frame[f.name] = frame[f.name].map(lambda v: _normalise_code(v) if isinstance(v, str) else v)
    return frame[expected]
