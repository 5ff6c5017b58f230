"""Notebook parameters: their names, types, allowed values, and a strict check.

papermill only logs a warning for a parameter the notebook does not declare; here an
unknown name, a misspelt value or a wrong type is a :class:`ParameterError` that
lists what is allowed, raised before any notebook runs.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from .errors import ParameterError

CITY_CODES = (
    "guangzhou", "shenzhen", "zhuhai", "foshan", "huizhou", "dongguan",
    "zhongshan", "jiangmen", "zhaoqing", "hong_kong", "macao",
)
DOMAINS = ("government", "society", "economy")
LANGS = ("zh", "en")
EDITIONS = (2022,)


@dataclass(frozen=True)
class Param:
    name: str
    type: type
    default: object
    choices: tuple | None = None
    help: str = ""
    nullable: bool = False


PARAMETERS: dict[str, Param] = {
    p.name: p
    for p in (
        Param("lang", str, "zh", LANGS, "language of labels, tables and narrative"),
        Param("city", str, "all", ("all",) + CITY_CODES, "restrict cases, claims and policies to one of the 9+2 cities"),
        Param("domain", str, "all", ("all",) + DOMAINS, "restrict cases (and their outcomes) to one domain"),
        Param("edition", int, 2022, EDITIONS, "edition (year) of the report"),
        Param("data_dir", str, None, None, "folder holding the data tables (None: the bundled data/)", nullable=True),
    )
}


def _suggest(value, choices) -> str:
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check(params: dict, notebook: str | None = None, declared: set[str] | None = None) -> dict:
    """Return the full, checked parameter set (defaults filled in) or raise ParameterError.

    ``declared`` limits the names to those a notebook's parameters cell defines.
    """
    allowed = set(PARAMETERS) if declared is None else set(declared) & set(PARAMETERS) | set(declared)
    for name in params:
        if name not in allowed:
            raise ParameterError(name, params[name], f"a known parameter: one of {sorted(allowed)}{_suggest(name, allowed)}", notebook)
    out = {}
    for name, spec in PARAMETERS.items():
        if declared is not None and name not in declared:
            continue
        value = params.get(name, spec.default)
        if value is None and spec.nullable:
            out[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, spec.type):
            raise ParameterError(name, value, f"a value of type {spec.type.__name__}" + (f": one of {list(spec.choices)}" if spec.choices else ""), notebook)
        if spec.choices is not None and value not in spec.choices:
            raise ParameterError(name, value, f"one of {list(spec.choices)}{_suggest(value, spec.choices)}", notebook)
        if name == "data_dir":
            if "\x00" in value or not Path(value).expanduser().is_dir():
                raise ParameterError(name, value, "an existing folder holding the data tables", notebook)
        out[name] = value
    return out
