"""``python -m gba_utils.warm``: the last step of ``make setup``; does once what every first process would pay.

On a fresh machine the first pages took 23-24 s each against about 1 s warm. Two costs cause it, and both belong in
setup rather than in the first build:

- **Bytecode.** uv installs without compiling (pip compiles every module it installs, most of which nothing here
  imports, which is much of why it is slow). A process that finds no ``.pyc`` compiles each module it imports, and
  where ``PYTHONDONTWRITEBYTECODE`` is set (common in containers) it does so again in every kernel, every build
  worker and every test process. Importing what the build, the kernels and the tests import, with bytecode writing
  switched on for this process only, leaves a ``.pyc`` for exactly those modules: a few seconds, against about 40 s
  for ``compileall`` over the whole environment.
- **Matplotlib's font list,** built on its first import for each user and kept in its cache folder.

The list below is what a build and ``make test`` import (checked with ``python -X importtime``); a module missing
from it only costs its compile time once, so the list is a speed-up, never a condition for correctness.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import py_compile
import sys
import time
import warnings

#: What the build's main process, its workers, the kernels and the tests import beyond the standard library.
MODULES = (
    "numpy",
    "pandas",
    "pandas.io.formats.style",
    "pandera.pandas",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "matplotlib_inline.backend_inline",
    "seaborn",
    "PIL.Image",
    "fontTools.subset",
    "fontTools.ttLib",
    "jinja2",
    "openpyxl",
    "xlsxwriter",
    "tqdm",
    "nbformat",
    "nbclient",
    "nbconvert",
    "nbconvert.exporters.html",
    "papermill",
    "papermill.engines",
    "jupyter_client.manager",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython",
    "zmq",
    "frictionless",
)
#: Imported only where the test extras are installed.
TEST_MODULES = (
    "pytest",
    "_pytest.python",
    "xdist",
    "nbval.plugin",
    "playwright.sync_api",
    "pypdf",
    "ruff",
    "importlinter",
)


def _gba_modules() -> list[str]:
    import gba_utils

    return sorted(m.name for m in pkgutil.walk_packages(gba_utils.__path__, "gba_utils.") if not m.name.endswith(".warm"))


def warm(modules=MODULES + TEST_MODULES, out=sys.stdout) -> dict:
    """Import ``modules`` and every ``gba_utils`` module with bytecode writing on; build matplotlib's font list.

    Returns ``{"imported": n, "missing": [names], "seconds": s}``; a module that is not installed is listed, not fatal.
    """
    start = time.perf_counter()
    before, sys.dont_write_bytecode = sys.dont_write_bytecode, False
    missing = []
    imported = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecation notices of third-party imports are not ours to show here
        for name in [*modules, *_gba_modules()]:
            try:
                importlib.import_module(name)
                imported += 1
            except ImportError:
                missing.append(name)
        # the modules this one needed before it could switch writing on (the package, its paths and errors)
        for module in [m for n, m in sys.modules.items() if n == "gba_utils" or n.startswith("gba_utils.")]:
            source = getattr(module, "__file__", None)
            if source and source.endswith(".py") and not os.path.exists(importlib.util.cache_from_source(source)):
                py_compile.compile(source, cfile=importlib.util.cache_from_source(source), doraise=False, quiet=1)
        from matplotlib import font_manager

        font_manager.findfont("DejaVu Sans")  # builds and caches the font list on first use
    sys.dont_write_bytecode = before
    seconds = time.perf_counter() - start
    print(f"warm: {imported} modules compiled and imported, matplotlib's font list ready ({seconds:.1f} s)", file=out)
    if missing:
        print(f"warm: not installed here (skipped): {', '.join(missing)}", file=out)
    return {"imported": imported, "missing": missing, "seconds": seconds}


if __name__ == "__main__":
    warm()
