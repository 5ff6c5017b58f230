"""Shared code of the GBA Digital Governance Report 2022 notebooks.

The public API is small:

- :func:`load` - read and validate every table, return a :class:`Dataset`.
- :func:`setup` - what a notebook calls first: check parameters, load, theme; returns a Report.
- :func:`build` - execute the notebooks and render the HTML (also ``gba-report build``).
- :mod:`figures`, :mod:`analysis` - figure functions and derived tables.
- :mod:`errors` - the exception hierarchy.
"""
from __future__ import annotations

from . import analysis, audit, errors, figures, paths, theme
from .data import Dataset, load
from .report import Report, setup

__all__ = ["Dataset", "Report", "analysis", "audit", "build", "errors", "figures", "load", "paths", "setup", "theme"]


def build(*args, **kwargs):
    """Execute notebooks and render HTML; see :func:`gba_utils.pipeline.build`."""
    from .pipeline import build as _build

    return _build(*args, **kwargs)
