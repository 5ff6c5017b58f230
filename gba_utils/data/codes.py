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


def city_codes(folder: str | Path | None = None) -> tuple[str, ...]:
    """The 9+2 city codes, in the order of ``cities.csv``."""
    return tuple(dict.fromkeys(r["city_code"] for r in rows("cities", folder) if r.get("city_code")))


def editions(folder: str | Path | None = None) -> tuple[int, ...]:
    """Editions present in ``cases.csv`` (the report years the data can build)."""
    found = {int(r["edition"]) for r in rows("cases", folder) if str(r.get("edition", "")).strip().isdigit()}
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
