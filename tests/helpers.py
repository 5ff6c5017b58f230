"""Helpers to edit CSV tables in tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8", newline: str = "\n") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def set_cell(path: Path, key_col: str, key: str, column: str, value: str) -> int:
    """Set one cell; return the 1-based line number of the changed record."""
    rows = read_rows(path)
    header = rows[0]
    for i, row in enumerate(rows[1:], start=2):
        if row[header.index(key_col)] == key:
            row[header.index(column)] = value
            write_rows(path, rows)
            return i
    raise KeyError(key)
