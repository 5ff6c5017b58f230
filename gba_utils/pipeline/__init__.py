"""The build layer: what makes the site from the notebooks.

:mod:`.plan` (jobs and page names) → :mod:`.cache` (run, re-render or skip) → :mod:`.kernels` (execution) →
:mod:`.pages` (HTML) and :mod:`.assets` / :mod:`.exports` (what pages share) → :mod:`.orchestrate` (``build``,
``refresh``). :mod:`.figure_map` writes the README's table of outputs.
"""

from __future__ import annotations

import importlib
import sys

# jsonschema (pulled in by nbformat's validator) imports the checkers of string formats that are installed, and
# rfc3987_syntax compiles a lark grammar at import time (~1.5 s per process, measured with `python -X importtime`);
# isoduration (with arrow) and the RFC 3339 and 3986 validators add about 40 ms more. Notebook schemas use no
# "format" keyword, so the build does without them; this runs before any module of the build imports nbformat.
# jupyterlab brings them in through jupyter-events, in its own process.
for _name in ("rfc3987_syntax", "isoduration", "rfc3339_validator", "rfc3986_validator"):
    sys.modules.setdefault(_name, None)
del _name

__all__ = ["Job", "Result", "Summary", "build", "refresh"]
_LAZY = {"Job": ".plan", "Result": ".orchestrate", "Summary": ".orchestrate", "build": ".orchestrate", "refresh": ".orchestrate"}


def __getattr__(name: str):
    """The build's API, imported on first use: a worker that only renders pages never loads the orchestration."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)
