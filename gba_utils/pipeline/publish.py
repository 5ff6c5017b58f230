"""Publishing the site as a whole, so that readers never see half of it.

What readers open, ``reports/`` (or the ``--out`` folder), is a symbolic link to one complete version of the site in a
store beside it (``.reports.versions/v0007/``). A build prepares the next version in a staging folder in the same
store: pages that did not change are hard-linked from the current version, new pages are written there, then the
index and the site's manifest (``site.json``: every page, its parameters, title and data version) are written and the
whole folder is checked (:func:`check_site`). Only then does the link move to the new version, in one ``rename``; the
old version is removed afterwards. A build that fails, is interrupted or is killed at any instant leaves the link where
it was, so a reader opening ``reports/index.html`` always sees one consistent site; a staging folder left by a killed
build is removed by the next build.
"""

from __future__ import annotations

import fcntl
import html as htmllib
import json
import os
import posixpath
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..errors import OutputNotWritable
from ..files import atomic_write

MANIFEST = "site.json"
#: What a folder built by an earlier gba-report holds (a plain folder, before sites had versions).
SIGNATURE = ("index.html", "assets/gba.css")
STAGE_PREFIX = "stage-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SiteStore:
    """The versions of one site and the link readers open."""

    def __init__(self, site: Path):
        self.link = Path(os.path.abspath(site))
        self.store = self.link.parent / f".{self.link.name}.versions"
        self._lock = None

    # ------------------------------------------------------------------ what readers see
    def current(self) -> Path | None:
        """The folder readers see now (None before the first build)."""
        if self.link.is_symlink():
            target = self.link.resolve()
            return target if target.is_dir() else None
        if self.link.is_dir() and all((self.link / s).exists() for s in SIGNATURE):
            return self.link  # a site built before sites had versions: served as it is until the next publish
        return None

    def manifest(self) -> dict:
        """The current site's manifest (empty for a site without one)."""
        current = self.current()
        path = current / MANIFEST if current else None
        if path is None or not path.exists():
            return {}
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    # ------------------------------------------------------------------ before anything is built
    def preflight(self) -> None:
        """Raise :class:`OutputNotWritable` unless a new version can be written and published here."""
        where = self.link
        if where.exists() and not where.is_symlink():
            if not where.is_dir():
                raise OutputNotWritable(f"{where} exists and is not a folder: choose another --out")
            if any(where.iterdir()) and not all((where / s).exists() for s in SIGNATURE):
                raise OutputNotWritable(
                    f"{where} is a folder that gba-report did not build (no {SIGNATURE[0]} and "
                    f"{SIGNATURE[1]}): choose another --out, or empty it"
                )
        try:
            self.store.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.store, prefix=".probe-"):
                pass
            with tempfile.NamedTemporaryFile(dir=self.link.parent, prefix=f".{self.link.name}.probe-"):
                pass
        except OSError as exc:
            raise OutputNotWritable(f"cannot write the site at {where}: {exc.strerror} ({exc.filename or self.store})") from None

    def lock(self) -> None:
        """Hold this site until :meth:`unlock` (a second build of the same site waits for the first)."""
        self.store.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.store / ".lock", "w")  # noqa: SIM115 - closed by unlock()
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.sweep()  # whatever this build does (even nothing), it clears what killed builds left

    def unlock(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    # ------------------------------------------------------------------ the next version
    def sweep(self) -> None:
        """Remove staging folders left by builds that were killed (their process is gone) or by this process."""
        for old in self.store.glob(f"{STAGE_PREFIX}*"):
            pid = old.name[len(STAGE_PREFIX) :].split("-")[0]
            if not pid.isdigit() or not _pid_alive(int(pid)) or int(pid) == os.getpid():
                shutil.rmtree(old, ignore_errors=True)

    def stage(self) -> Path:
        """A fresh staging folder (stale ones, left by killed builds, are removed first)."""
        self.store.mkdir(parents=True, exist_ok=True)
        self.sweep()
        return Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=self.store))

    def carry(self, rel: str, stage: Path) -> bool:
        """Put the current version's file ``rel`` into ``stage`` (a hard link: files are replaced, never edited)."""
        current = self.current()
        source = current / rel if current else None
        if source is None or not source.is_file():
            return False
        target = stage / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
        return True

    def publish(self, stage: Path) -> Path:
        """Make ``stage`` what readers see, in one step; remove the versions nobody sees any more. Returns the version."""
        numbers = [int(p.name[1:]) for p in self.store.glob("v[0-9]*") if p.name[1:].isdigit()]
        version = self.store / f"v{max(numbers, default=0) + 1:04d}"
        os.rename(stage, version)
        os.chmod(version, 0o755)  # mkdtemp makes 0700 folders; a site is for reading
        legacy = None
        if self.link.exists() and not self.link.is_symlink():  # an old plain folder: moved aside, then replaced by the link
            legacy = self.store / f"legacy-{os.getpid()}"
            os.rename(self.link, legacy)
        tmp = self.link.parent / f".{self.link.name}.link-{os.getpid()}"
        tmp.unlink(missing_ok=True)
        os.symlink(os.path.relpath(version, self.link.parent), tmp)
        os.replace(tmp, self.link)  # the one step: rename(2) replaces the link atomically
        for old in [*self.store.glob("v[0-9]*"), *self.store.glob("legacy-*")]:
            if old != version:
                shutil.rmtree(old, ignore_errors=True)
        return version

    def discard(self, stage: Path) -> None:
        shutil.rmtree(stage, ignore_errors=True)


def write_manifest(stage: Path, manifest: dict) -> None:
    atomic_write(stage / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))


# ------------------------------------------------------------------ the consistency check

HREF = re.compile(r'(?:href|src)="([^"]+)"')
VERSION_META = re.compile(r'<meta name="gba-data-version" content="([0-9a-f]+)">')


def check_site(folder: Path) -> list[str]:
    """Everything that would make ``folder`` not one consistent site; empty when it may be published.

    Every page the manifest lists exists and no other page does; every page shows the manifest's data version; the
    index, the stylesheet and the font exist; every link between files of the site resolves.
    """
    problems = []
    path = folder / MANIFEST
    if not path.exists():
        return [f"{MANIFEST} is missing"]
    manifest = json.loads(path.read_text(encoding="utf-8"))
    listed = set(manifest.get("pages", {}))
    # one walk of the folder; links are then checked as strings (the stage holds files and folders, no symbolic links)
    files, folders = set(), {""}
    for top, dirs, names in os.walk(folder):
        base = os.path.relpath(top, folder).replace(os.sep, "/")
        base = "" if base == "." else base + "/"
        folders.update(base + d for d in dirs)
        files.update(base + n for n in names)
    on_disk = {p for p in files if p.endswith(".html")} - {"index.html"}
    problems += [f"{p}: listed in {MANIFEST} but missing" for p in sorted(listed - on_disk)]
    problems += [f"{p}: on disk but not listed in {MANIFEST}" for p in sorted(on_disk - listed)]
    for rel in ("index.html", "assets/gba.css"):
        if rel not in files:
            problems.append(f"{rel} is missing")
    version = manifest.get("data_version")
    for rel in sorted(p for p in files if p.endswith(".html")):
        text = (folder / rel).read_text(encoding="utf-8")
        if rel in listed:
            found = VERSION_META.search(text)
            if not found or found.group(1) != version:
                problems.append(f"{rel}: data version {found.group(1) if found else 'missing'}, the site's is {version}")
        here = posixpath.dirname(rel)
        for href in map(htmllib.unescape, HREF.findall(text)):
            if href.startswith(("#", "//", "mailto:", "data:")):  # most of a page's links: its own anchors
                continue
            url = urlparse(href)
            if url.scheme or not url.path:
                continue
            target = posixpath.normpath(posixpath.join(here, unquote(url.path)))
            target = "" if target == "." else target
            if target == ".." or target.startswith(("../", "/")) or (target not in files and target not in folders):
                problems.append(f"{rel}: link to {href} does not resolve inside the site")
    return problems
