"""Notebook parameters: their names, types, allowed values, and a strict check.

papermill only logs a warning for a parameter the notebook does not declare; here an unknown name, a misspelt value or
a wrong type is a :class:`ParameterError` that lists what is allowed, raised before any notebook runs.

Allowed values come from one source each: languages from :mod:`gba_utils.languages`, cities, domains and editions
from the data folder the parameters name (``cities.csv``, ``labels.csv``, ``cases.csv``), so a new edition or city
is a change of data, not of code. The coding decisions a page may switch (``decisions``) come from
``decision_alternatives.csv`` and are checked by :func:`gba_utils.data.switches.canonical`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import languages
from ..data import codes, switches
from ..errors import ParameterError

ALL = "all"


@dataclass(frozen=True)
class Param:
    name: str
    type: type
    default: object
    #: allowed values, or a function of the data folder giving them (None: any value of the type)
    choices: tuple | Callable[[str | None], tuple] | None = None
    help: str = ""
    nullable: bool = False
    #: checks a value against the data folder and returns it in one spelling, raising SwitchError (instead of a
    #: membership test in ``choices``, which then only lists the values for help)
    normalise: Callable[[object, str | None], object] | None = None

    def allowed(self, data_dir: str | None = None) -> tuple | None:
        """The allowed values, read from ``data_dir`` when they come from the data (None when the folder holds none:
        then validation, not this check, reports the missing or broken table)."""
        if not callable(self.choices):
            return self.choices
        found = self.choices(data_dir)
        return (ALL,) + found if found and self.default == ALL else found or None


PARAMETERS: dict[str, Param] = {
    p.name: p
    for p in (
        Param("lang", str, languages.DEFAULT, languages.LANGS, "language of labels, tables and narrative"),
        Param("city", str, ALL, codes.city_codes, "restrict cases, claims and policies to one of the 9+2 cities"),
        Param("domain", str, ALL, lambda d: codes.vocabulary("domain", d), "restrict cases (and their outcomes) to one domain"),
        Param("edition", int, 2022, codes.editions, "edition (year) of the report"),
        Param("data_dir", str, None, None, "folder holding the data tables (None: the bundled data/)", nullable=True),
        Param(
            "decisions",
            str,
            "",
            switches.choices,
            "coding decisions switched to an alternative, DECISION=ALTERNATIVE joined by commas ('': as coded)",
            normalise=switches.canonical,
        ),
    )
}


def _suggest(value, choices) -> str:
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check(params: dict, notebook: str | None = None, declared: set[str] | None = None) -> dict:
    """Return the full, checked parameter set (defaults filled in) or raise ParameterError.

    ``declared`` limits the names to those a notebook's parameters cell defines. ``data_dir`` is checked first: the
    allowed cities, domains and editions are those of that folder.
    """
    allowed = set(PARAMETERS) if declared is None else set(declared) & set(PARAMETERS) | set(declared)
    for name in params:
        if name not in allowed:
            raise ParameterError(
                name, params[name], f"a known parameter: one of {sorted(allowed)}{_suggest(name, allowed)}", notebook
            )
    order = ["data_dir"] + [n for n in PARAMETERS if n != "data_dir"]
    out = {}
    for name in order:
        spec = PARAMETERS[name]
        if declared is not None and name not in declared:
            continue
        value = params.get(name, spec.default)
        if value is None and spec.nullable:
            out[name] = None
            continue
        choices = spec.allowed(out.get("data_dir"))
        if isinstance(value, bool) or not isinstance(value, spec.type):
            raise ParameterError(
                name, value, f"a value of type {spec.type.__name__}" + (f": one of {list(choices)}" if choices else ""), notebook
            )
        if spec.normalise is not None:
            try:
                value = spec.normalise(value, out.get("data_dir"))
            except switches.SwitchError as err:
                raise ParameterError(name, value, err.expected, notebook) from None
        elif choices is not None and value not in choices:
            raise ParameterError(name, value, f"one of {list(choices)}{_suggest(value, choices)}", notebook)
        if name == "data_dir":
            if "\x00" in value or not Path(value).expanduser().is_dir():
                raise ParameterError(name, value, "an existing folder holding the data tables", notebook)
        out[name] = value
    return {name: out[name] for name in PARAMETERS if name in out}
