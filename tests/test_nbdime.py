"""Reviewing notebook changes: `make nbdime` (run by `make setup`) makes `git diff` show notebooks cell by cell.

Runs the Makefile's step in a scratch git repository holding the Makefile, .gitattributes and one notebook, with this
environment standing in for .venv, and a HOME of its own so the user's global git configuration is never read or
written. Then a markdown cell is changed and `git diff` must print nbdime's diff, with a PATH that does not hold the
environment (the drivers are configured by absolute path).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gba_utils import paths

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
if not (BIN / "nbdime").exists():
    pytest.skip(f"nbdime is not installed beside {sys.executable}: run `make setup`", allow_module_level=True)
if not (shutil.which("make") and shutil.which("git")):
    pytest.skip("needs GNU make and git", allow_module_level=True)

OLD, NEW = "Chapter 2 is the core of the report.", "Chapter 2 is the heart of the report."


@pytest.fixture()
def repo(tmp_path) -> tuple[Path, dict]:
    repo, home = tmp_path / "repo", tmp_path / "home"
    (repo / "notebooks").mkdir(parents=True)
    home.mkdir()
    for name in ("Makefile", ".gitattributes", "pyproject.toml", "constraints.txt"):
        shutil.copy(paths.ROOT / name, repo / name)
    shutil.copy(paths.NOTEBOOKS / "02_cases.ipynb", repo / "notebooks" / "scratch.ipynb")
    (repo / ".venv").mkdir()
    (repo / ".venv" / "bin").symlink_to(BIN)
    (repo / ".venv" / ".installed").touch()  # newer than pyproject.toml and constraints.txt: make installs nothing
    tools = {Path(shutil.which(t)).parent for t in ("make", "git", "sh")}
    env = {
        "HOME": str(home),
        "PATH": os.pathsep.join(sorted(map(str, tools))),  # not the environment's bin: the drivers must not need it
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "LANG": "C.UTF-8",
    }
    git(repo, env, "init", "-q")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-qm", "scratch")
    return repo, env


def git(repo: Path, env: dict, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_setup_runs_the_nbdime_step():
    done = subprocess.run(["make", "-n", "setup"], cwd=paths.ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert "nbdime config-git --enable" in done.stdout


def test_git_diff_shows_a_changed_markdown_cell_the_nbdime_way(repo):
    repo, env = repo
    done = subprocess.run(["make", "-s", "nbdime"], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "git diff and git merge now read notebooks cell by cell" in done.stdout

    local = git(repo, env, "config", "--local", "--get", "diff.jupyternotebook.command").strip()
    assert local == f"'{repo / '.venv' / 'bin'}'/git-nbdiffdriver diff"
    assert git(repo, env, "config", "--local", "--get", "merge.jupyternotebook.driver").startswith(f"'{repo / '.venv' / 'bin'}'/")
    assert not (Path(env["HOME"]) / ".gitconfig").exists(), "nothing goes to the user's global git configuration"
    assert git(repo, env, "check-attr", "diff", "merge", "--", "notebooks/scratch.ipynb").split() == [
        "notebooks/scratch.ipynb:", "diff:", "jupyternotebook", "notebooks/scratch.ipynb:", "merge:", "jupyternotebook",
    ]  # fmt: skip

    path = repo / "notebooks" / "scratch.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert OLD in nb.cells[1].source and nb.cells[1].cell_type == "markdown"
    nb.cells[1].source = nb.cells[1].source.replace(OLD, NEW)
    nbformat.write(nb, path)

    plain = git(repo, env, "diff", "--no-ext-diff", "notebooks/scratch.ipynb")
    assert '"source": [' in plain and "## modified" not in plain  # git's own diff: lines of JSON
    diff = re.sub(r"\x1b\[[0-9;]*m", "", git(repo, env, "diff", "notebooks/scratch.ipynb"))  # nbdime always colours
    assert diff.startswith("nbdiff "), diff[:300]
    lines = diff.splitlines()
    assert "## modified /cells/1/source:" in lines
    assert [line for line in lines if line.startswith("-") and OLD in line]
    assert [line for line in lines if line.startswith("+") and NEW in line]
    assert '"source"' not in diff and "## modified /cells/1/source:" == next(x for x in lines if x.startswith("##")), diff[:1000]
