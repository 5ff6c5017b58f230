"""Shared code of the GBA Digital Governance Report 2022 notebooks.

The public API is small:

- :func:`load` - read and validate every table, return a :class:`Dataset`.
- :func:`setup` - what a notebook calls first: check parameters, load, theme; returns a :class:`Session`.
- :func:`build` - execute the notebooks and render the HTML (also ``gba-report build``).
- :mod:`analysis`, :mod:`audit`, :mod:`figures`, :mod:`labels`, :mod:`sensitivity`, :mod:`theme` - what notebooks call
  (the research layer).
- :mod:`errors` - the exception hierarchy.

The package has four layers, each importing only from those below it (checked by import-linter in ``make test``):
``cli`` → ``pipeline`` (the build) → ``research`` (what notebooks call) → ``data`` (schema, reading, validation,
loading) → the core (``paths``, ``errors``, ``files``, ``languages``, ``contents``). See ``docs/architecture.md``.
"""

from __future__ import annotations

import importlib

from . import errors, paths

__all__ = [
    "Dataset",
    "Session",
    "analysis",
    "audit",
    "build",
    "errors",
    "figures",
    "labels",
    "load",
    "paths",
    "sensitivity",
    "setup",
    "theme",
]
#: Names of the public API and the module that holds each (loaded on first use, so the command line starts fast).
_LAZY = {
    "analysis": ".research.analysis",
    "audit": ".research.audit",
    "figures": ".research.figures",
    "labels": ".research.labels",
    "sensitivity": ".research.sensitivity",
    "theme": ".research.theme",
    "Dataset": ".data.loading",
    "load": ".data.loading",
    "Session": ".research.session",
    "setup": ".research.session",
}


def __getattr__(name: str):
    """Heavy modules (pandas, matplotlib) load on first use, so the command line starts fast."""
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name], __name__)
        return module if _LAZY[name].endswith(f".{name}") else getattr(module, name)
    raise AttributeError(name)


def build(*args, **kwargs):
    """Execute notebooks and render HTML; see :func:`gba_utils.pipeline.orchestrate.build`."""
    from .pipeline.orchestrate import build as _build

    return _build(*args, **kwargs)
