"""Shared fixtures: the bundled dataset, and a scratch copy of the data folder to break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import gba_utils
from gba_utils import paths


@pytest.fixture(scope="session")
def ds():
    return gba_utils.load()


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A copy of data/ that a test may damage; the real data is never touched."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA, target, ignore=shutil.ignore_patterns("_draft", "README.md", "datapackage.json"))
    return target
