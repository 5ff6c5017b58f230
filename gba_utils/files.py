"""Writing files whole, and naming contents by their hash.

The lowest layer: every module that writes a page, a download, a manifest or a notebook uses :func:`atomic_write`, so
a reader (or a browser) never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha(data: bytes) -> str:
    """Short content hash (16 hex digits of SHA-256): cache keys, page hashes, data versions."""
    return hashlib.sha256(data).hexdigest()[:16]


def atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600 files; pages are for reading
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
