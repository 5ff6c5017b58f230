"""The build layer: what makes the site from the notebooks.

:mod:`.plan` (jobs and page names) → :mod:`.cache` (run, re-render or skip) → :mod:`.kernels` (execution) →
:mod:`.pages` (HTML) and :mod:`.assets` / :mod:`.exports` (what pages share) → :mod:`.orchestrate` (``build``,
``refresh``). :mod:`.figure_map` writes the README's table of outputs.
"""

from __future__ import annotations

import importlib
import sys

# jsonschema (pulled in by nbformat's validator) imports rfc3987_syntax when it is installed, and that module compiles
# a lark grammar at import time (~1.5 s per process, measured with `python -X importtime`). Notebook schemas use no IRI
# formats, so the build does without it; this runs before any module of the build imports nbformat. jupyterlab brings
# the module in through jupyter-events.
sys.modules.setdefault("rfc3987_syntax", None)

__all__ = ["Job", "Result", "Summary", "build", "refresh"]
_LAZY = {"Job": ".plan", "Result": ".orchestrate", "Summary": ".orchestrate", "build": ".orchestrate", "refresh": ".orchestrate"}


def __getattr__(name: str):
    """The build's API, imported on first use: a worker that only renders pages never loads the orchestration."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)
