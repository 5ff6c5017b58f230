"""Imports this project's own processes do without: what jsonschema's string-format checkers would load.

jsonschema, which nbformat's validator imports, registers a checker for each string format whose library is installed.
``rfc3987_syntax`` (for the ``iri`` formats, brought in by jupyter-events for JupyterLab) compiles a lark grammar when
it is imported: about 1 s of every process that imports nbformat, measured with ``python -X importtime``. No schema
checked here uses the ``iri`` formats (notebook schemas use no ``format`` at all; the citation file's schema uses
``uri`` and ``date``), so a process that imports this module first skips that import, and jsonschema simply has no
``iri`` checker. JupyterLab runs in its own process and keeps them all.

Importing this module blocks :data:`SLOW`; the build also blocks :data:`UNUSED_BY_THE_BUILD` (:mod:`gba_utils.pipeline`).
pytest loads it before its plugins (``-p gba_utils.lean_imports`` in pyproject.toml), because nbval imports nbformat
while plugins load, before any conftest runs.
"""

from __future__ import annotations

import sys

#: What no schema checked in this project needs and what costs most to import.
SLOW = ("rfc3987_syntax",)
#: The other format libraries (durations, RFC 3339 dates, RFC 3986 URIs: about 40 ms together), which the build's
#: schemas (notebooks) never use; the tests keep them (the citation file's schema checks ``uri``).
UNUSED_BY_THE_BUILD = ("isoduration", "rfc3339_validator", "rfc3986_validator")


def skip(names: tuple[str, ...]) -> None:
    """Make ``import name`` fail with ImportError for each of ``names`` not yet imported (the way jsonschema asks)."""
    for name in names:
        sys.modules.setdefault(name, None)


skip(SLOW)
