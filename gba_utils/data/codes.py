"""Codes the build and the parameter check need before (or without) loading the data: editions, cities.

Read with the standard library's ``csv`` module, so planning a build and naming its pages costs no pandas import. The
tables are validated in full before any notebook runs (:func:`gba_utils.data.load`).
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from ..paths import data_dir


@functools.cache
def _rows(path: Path, mtime: float) -> tuple[dict, ...]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return tuple(csv.DictReader(fh))


def rows(table: str, folder: str | Path | None = None) -> tuple[dict, ...]:
    """Rows of one table as dicts of text (empty when the file is missing: validation reports that)."""
    path = data_dir(folder) / f"{table}.csv"
    try:
        return _rows(path, path.stat().st_mtime)
    except (OSError, csv.Error, UnicodeDecodeError):
        return ()


@functools.cache
def _column(path: Path, mtime: float, column: str) -> frozenset[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        if column not in header:
            return frozenset()
        j = header.index(column)
        return frozenset(row[j] for row in reader if len(row) > j)


def column_values(table: str, column: str, folder: str | Path | None = None) -> frozenset[str]:
    """The distinct texts of one column of a table (empty when the file or the column is missing), read without making
    a dict per row: ``cases.csv`` may hold tens of thousands of rows, and every kernel checks its parameters."""
    path = data_dir(folder) / f"{table}.csv"
    try:
        return _column(path, path.stat().st_mtime, column)
    except (OSError, csv.Error, UnicodeDecodeError):
        return frozenset()


def city_codes(folder: str | Path | None = None) -> tuple[str, ...]:
    """The 9+2 city codes, in the order of ``cities.csv``."""
    return tuple(dict.fromkeys(r["city_code"] for r in rows("cities", folder) if r.get("city_code")))


def editions(folder: str | Path | None = None) -> tuple[int, ...]:
    """Editions present in ``cases.csv`` (the report years the data can build)."""
    found = {int(v) for v in column_values("cases", "edition", folder) if v.strip().isdigit()}
    return tuple(sorted(found))


def city_name(city: str, column: str, folder: str | Path | None = None) -> str:
    """A city's name from the ``cities.csv`` column ``column`` (the code itself when the city is unknown)."""
    for r in rows("cities", folder):
        if r.get("city_code") == city:
            return r.get(column) or city
    return city


def vocabulary(name: str, folder: str | Path | None = None) -> tuple[str, ...]:
    """Codes of one ``labels.csv`` vocabulary, in display order."""
    found = [
        (int(r["sort"]) if str(r.get("sort", "")).isdigit() else 0, r["code"])
        for r in rows("labels", folder)
        if r.get("vocabulary") == name
    ]
    return tuple(code for _, code in sorted(found))


def label(vocabulary: str, code: str, column: str, folder: str | Path | None = None) -> str:
    """The label of a code from ``labels.csv`` in the column ``column`` (``label_zh``); the code when unknown."""
    for r in rows("labels", folder):
        if r.get("vocabulary") == vocabulary and r.get("code") == code:
            return r.get(column) or code
    return code
