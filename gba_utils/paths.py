"""Every path the project uses, in one place.

Notebooks, the build and the tests ask this module for paths; nothing else joins
path segments by hand. Paths are resolved from the package's own location, so a
notebook runs the same whatever the working directory of its kernel is.

The data have one copy in the repository, ``data/``. A wheel installs that folder as
``gba_utils/dataset`` (``package-dir`` in ``pyproject.toml``), so an installed package
reads the copy it carries; a checkout (or an editable install) reads ``data/``.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
#: Repository root (the folder holding ``pyproject.toml``); for an installed package, the folder it is installed in.
ROOT = _PACKAGE.parent
#: True when running from a checkout of the repository (``data/`` beside the package), False for an installed wheel.
CHECKOUT = (ROOT / "pyproject.toml").is_file() and (ROOT / "data" / "datapackage.json").is_file()


def _installed_data() -> Path:
    from importlib import resources  # only an installed package needs it (20 ms of every command's start-up)

    return Path(str(resources.files(__package__).joinpath("dataset")))


#: The bundled data: tidy CSV tables, codebook, ``datapackage.json`` (``data/``, or the installed ``gba_utils/dataset``).
DATA = ROOT / "data" if CHECKOUT else _installed_data()
#: Derived geometry shipped with the data (see ``data/geo/SOURCE.md``).
GEO = DATA / "geo"
#: The parameterised chapter notebooks (committed with default outputs).
NOTEBOOKS = ROOT / "notebooks"
#: Rendered HTML for readers.
REPORTS = ROOT / "reports"
#: Scratch space of the build: executed notebooks (kept for debugging), caches; ``$GBA_BUILD_DIR`` moves it.
BUILD = Path(os.environ["GBA_BUILD_DIR"]).resolve() if os.environ.get("GBA_BUILD_DIR") else ROOT / "build"
#: The package's own folder (its code, templates, language files and fonts).
PACKAGE = _PACKAGE
#: Templates and static files of the HTML build.
TEMPLATES = _PACKAGE / "templates"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data directory: ``override`` if given, else ``$GBA_DATA_DIR``, else the bundled data (:data:`DATA`)."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("GBA_DATA_DIR")
    return Path(env).expanduser().resolve() if env else DATA


def relative(path: str | os.PathLike, follow_links: bool = True) -> str:
    """``path`` relative to the repository root when inside it (never print absolute paths).

    ``follow_links=False`` keeps a symbolic link's own name (``reports``, not the version it points at).
    """
    p = Path(path).resolve() if follow_links else Path(os.path.abspath(path))
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return p.name


def shown(folder: str | os.PathLike, name: str) -> str:
    """How messages name the file ``name`` of a data folder: from the repository root when the folder is inside it
    (``data/geo/gba_cities.geojson``), else from the folder itself (``geo/gba_cities.geojson``)."""
    path = Path(folder).resolve() / name
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return Path(name).as_posix()
