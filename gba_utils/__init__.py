"""Shared code of the GBA Digital Governance Report 2022 notebooks.

The public API is small:

- :func:`load` - read and validate every table, return a :class:`Dataset`.
- :func:`setup` - what a notebook calls first: check parameters, load, theme; returns a Report.
- :func:`build` - execute the notebooks and render the HTML (also ``gba-report build``).
- :mod:`figures`, :mod:`analysis` - figure functions and derived tables.
- :mod:`errors` - the exception hierarchy.
"""
from __future__ import annotations

import importlib

from . import errors, paths

__all__ = ["Dataset", "Report", "analysis", "audit", "build", "errors", "figures", "load", "paths", "setup", "theme"]
_LAZY = {"analysis": ".analysis", "audit": ".audit", "figures": ".figures", "theme": ".theme",
         "Dataset": ".data", "load": ".data", "Report": ".report", "setup": ".report"}


def __getattr__(name: str):
    """Heavy modules (pandas, matplotlib) load on first use, so the command line starts fast."""
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name], __name__)
        return module if _LAZY[name] == f".{name}" else getattr(module, name)
    raise AttributeError(name)


def build(*args, **kwargs):
    """Execute notebooks and render HTML; see :func:`gba_utils.pipeline.build`."""
    from .pipeline import build as _build

    return _build(*args, **kwargs)
