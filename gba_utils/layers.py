"""Which parts of the package run inside a kernel, and which only in the build's own processes.

What a page shows can depend only on what its kernel runs, so an edit to a host-only module never makes a page run
again (:mod:`gba_utils.pipeline.cache`), nor the audit's sensitivity table be made again
(:func:`gba_utils.research.sensitivity.code_version`). The layers contract in ``pyproject.toml`` keeps the modules that
kernels import from importing these.
"""

from __future__ import annotations

#: Parts of gba_utils (paths relative to the package) that never run inside a kernel: they render or orchestrate, set
#: up or start JupyterLab, or write the codebook. Every other module shapes outputs.
HOST_ONLY = ("pipeline/", "cli.py", "data/codebook.py", "warm.py", "lab.py")


def runs_in_kernels(rel: str) -> bool:
    """Whether the module at ``rel`` (relative to the package, ``research/audit.py``) may run inside a kernel."""
    return not rel.startswith(HOST_ONLY)
