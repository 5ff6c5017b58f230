"""The no-op shortcut: answer "nothing changed" before the build's modules are even imported.

A no-op build already starts no kernel and writes nothing, but as a whole command it paid about 0.7 s of CPU for
imports (nbformat, jsonschema, jupyter_client, the plan's data codes) before it could say so. This module, which uses
the standard library only, records after every complete build a *fingerprint* of everything the build's own
up-to-date test reads, and a later ``gba-report build`` with the same request compares fingerprints first.

The fingerprint is deliberately a superset of what :func:`gba_utils.pipeline.cache.decide` and the site check
consider, so it can only be too cautious, never wrong:

- the request (notebooks, languages, parameters, options, output folder), as the command line parsed it;
- the bytes of every file under ``notebooks/``, ``data/`` and the ``gba_utils`` package (code, templates, language
  files, fonts), and ``pyproject.toml`` / ``constraints.txt``;
- the installed distributions and their versions (the names of the ``*.dist-info`` folders), the interpreter;
- the published site: where ``reports`` points and the size and modification time of every file in it, and the
  build's cache manifests (a page edited by hand, or a cache folder removed, misses the shortcut);
- the tools a build looks for on ``PATH`` (Chromium for the PDF editions) and the ``GBA_*`` environment variables.

``--force``, another data folder (``-p data_dir=…`` or ``GBA_DATA_DIR``) and any failed page skip the shortcut. On a hit the command prints
the summary the last complete build would print as a no-op, marked as coming from the shortcut.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import sysconfig
from pathlib import Path

from .. import paths
from ..files import atomic_write

#: Where the fingerprints live, one per site folder.
RECORD = "fastpath.json"
#: Executables whose presence changes what a build makes.
TOOLS = ("chromium", "chromium-browser", "google-chrome")


def _record_file() -> Path:
    return paths.BUILD / "cache" / RECORD


def _tree(h, root: Path, contents: bool, skip=("__pycache__", ".ipynb_checkpoints")) -> None:
    """Feed every file under ``root`` (sorted) into ``h``: its bytes, or its size and modification time."""
    if not root.exists():
        h.update(f"missing {root}\n".encode())
        return
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip)
        for name in sorted(files):
            p = os.path.join(top, name)
            rel = os.path.relpath(p, root)
            if contents:
                with open(p, "rb") as fh:
                    h.update(f"{rel}\0".encode() + hashlib.sha256(fh.read()).digest())
            else:
                st = os.stat(p)
                h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())


def _distributions(h) -> None:
    for where in sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        try:
            names = sorted(n for n in os.listdir(where) if n.endswith(".dist-info"))
        except OSError:
            names = []
        h.update(("\n".join(names) + "\n").encode())


def inputs(request: dict) -> str:
    """The hash of the request and of everything the build reads as its input (all but the site and the cache): taken
    before a build and recorded with its result, so a file edited while the build ran sends the next build the long way
    rather than being recorded as built."""
    h = hashlib.sha256()
    h.update(json.dumps(request, sort_keys=True, default=str).encode())
    h.update(f"{sys.version}\0{sys.executable}\0".encode())
    for tool in TOOLS:
        h.update(f"{tool}={shutil.which(tool)}\n".encode())
    for name in sorted(k for k in os.environ if k.startswith("GBA_")):  # GBA_CHROMIUM, GBA_DATA_DIR, ...
        h.update(f"{name}={os.environ[name]}\n".encode())
    _distributions(h)
    for root in (paths.NOTEBOOKS, paths.DATA, paths.PACKAGE):
        _tree(h, Path(root), contents=True)
    for name in ("pyproject.toml", "constraints.txt"):
        f = paths.ROOT / name
        h.update(name.encode() + (hashlib.sha256(f.read_bytes()).digest() if f.exists() else b"missing"))
    return h.hexdigest()


def fingerprint(request: dict, site: Path, taken: str | None = None) -> str:
    """The hash of the request and of everything a no-op build's up-to-date test reads (see the module docs);
    ``taken``: the :func:`inputs` part, when it was taken already."""
    h = hashlib.sha256()
    h.update((taken or inputs(request)).encode())
    h.update(f"site {site} -> {os.path.realpath(site)}\n".encode())
    _tree(h, Path(os.path.realpath(site)), contents=False)
    cache = paths.BUILD / "cache"
    if cache.exists():
        for p in sorted(cache.glob("*.json")):
            if p.name != RECORD:
                st = p.stat()
                h.update(f"{p.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def eligible(request: dict) -> bool:
    """Requests the shortcut may answer: not forced, and reading only the repository's own data folder."""
    return not request.get("force") and "data_dir" not in dict(request.get("params") or {}) and not os.environ.get("GBA_DATA_DIR")


def _key(site: Path) -> str:
    return os.path.abspath(site)


def lookup(request: dict, site: Path, taken: str | None = None) -> str | None:
    """The recorded no-op summary when nothing the build reads has changed since it was recorded, else ``None``
    (``taken``: the request's :func:`inputs`, when the caller took them)."""
    if not eligible(request):
        return None
    try:
        entry = json.loads(_record_file().read_text(encoding="utf-8")).get(_key(site))
    except (OSError, ValueError):
        return None
    if not entry or entry.get("fingerprint") != fingerprint(request, site, taken):
        return None
    return entry.get("summary")


def record(request: dict, site: Path, summary: str, taken: str | None = None) -> None:
    """After a complete build: remember its fingerprint and the summary a no-op would print. ``taken``: the request's
    :func:`inputs` as they were before the build (else as they are now)."""
    if not eligible(request):
        return
    try:
        book = json.loads(_record_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        book = {}
    book[_key(site)] = {"fingerprint": fingerprint(request, site, taken), "summary": summary}
    atomic_write(_record_file(), json.dumps(book, sort_keys=True, indent=1).encode("utf-8"))


def forget() -> None:
    """Drop every recorded fingerprint (tests, and ``make clean`` by removing build/)."""
    _record_file().unlink(missing_ok=True)
