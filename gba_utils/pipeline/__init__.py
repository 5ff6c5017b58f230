"""The build layer: what makes the site from the notebooks.

:mod:`.plan` (jobs and page names) → :mod:`.cache` (run, re-render or skip) → :mod:`.kernels` (execution) →
:mod:`.pages` (HTML) and :mod:`.assets` / :mod:`.exports` (what pages share) → :mod:`.orchestrate` (``build``,
``refresh``). :mod:`.figure_map` writes the README's table of outputs.
"""

from __future__ import annotations

import importlib

from .. import lean_imports

# jsonschema (pulled in by nbformat's validator) imports the checkers of string formats that are installed; the build
# checks only notebook schemas, which use no "format" keyword, so it does without all of them (see lean_imports). This
# runs before any module of the build imports nbformat. jupyterlab brings them in through jupyter-events, in its own
# process.
lean_imports.skip(lean_imports.SLOW + lean_imports.UNUSED_BY_THE_BUILD)

__all__ = ["Job", "Result", "Summary", "build", "refresh"]
_LAZY = {"Job": ".plan", "Result": ".orchestrate", "Summary": ".orchestrate", "build": ".orchestrate", "refresh": ".orchestrate"}


def __getattr__(name: str):
    """The build's API, imported on first use: a worker that only renders pages never loads the orchestration."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)
