"""Helpers to edit CSV tables in tests."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8", newline: str = "\n") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def set_cell(path: Path, key_col: str, key: str, column: str, value: str) -> int:
    """Set one cell; return the 1-based line number of the changed record."""
    rows = read_rows(path)
    header = rows[0]
    for i, row in enumerate(rows[1:], start=2):
        if row[header.index(key_col)] == key:
            row[header.index(column)] = value
            write_rows(path, rows)
            return i
    raise KeyError(key)


def shared_site(snapshot_dir=None):
    """The whole site (what `make reports` makes), built into build/test-site and kept there: when nothing changed
    since the last run, the content-hash cache makes this a no-op, and the browser looks at the same bytes. Test
    workers (pytest-xdist) that need it at the same time take turns under a lock: the first builds, the others find it
    current (two builds racing would publish two versions, and the second removes the one the first worker reads)."""
    import fcntl

    from gba_utils import paths
    from gba_utils.pipeline import orchestrate

    site = paths.BUILD / "test-site"
    site.parent.mkdir(parents=True, exist_ok=True)
    with open(paths.BUILD / "test-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        summary = orchestrate.build(site=site, jobs=2, progress=False, city_profiles=True)
        assert summary.ok, summary.render()
        if snapshot_dir is None:
            return site.resolve()
        # a snapshot of this version for the calling test module, made of hard links (instant): other tests build
        # other sites from the shared build folder, which can make a later call here re-render and publish a new
        # version, removing the one a test in the other worker is reading
        snapshot = Path(snapshot_dir) / "site"
        shutil.copytree(site.resolve(), snapshot, copy_function=_link_or_copy)
        return snapshot


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)
