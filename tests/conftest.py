"""Shared fixtures: the bundled dataset, and a scratch copy of the data folder to break on purpose."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import gba_utils
from gba_utils import paths

# The builds of a test process keep their worker processes and warm kernels for the next build whose inputs are the
# same (gba_utils.pipeline.orchestrate._workers): starting them costs a small build more than its pages. A test that
# needs a new pool sets GBA_KEEP_WORKERS=0 (tests/test_build.py compares the two).
os.environ.setdefault("GBA_KEEP_WORKERS", "1")


@pytest.fixture(scope="session")
def ds():
    return gba_utils.load()


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A copy of data/ that a test may damage; the real data is never touched."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA, target, ignore=shutil.ignore_patterns("_draft", "README.md", "datapackage.json"))
    return target
