"""The no-op shortcut (gba_utils/pipeline/fastpath.py) answers only when nothing the build reads has changed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from gba_utils import cli, paths
from gba_utils.pipeline import fastpath

REQUEST = {"notebooks": ["01_background"], "lang": "zh", "params": {}, "force": False, "out": "site"}


@pytest.fixture()
def repo(tmp_path, monkeypatch):
    """Small stand-ins for notebooks/, data/, the package and build/, and a published site (a link to a version)."""
    for name in ("NOTEBOOKS", "DATA", "PACKAGE"):
        folder = tmp_path / name.lower()
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "file.txt").write_text(f"{name} v1", encoding="utf-8")
        monkeypatch.setattr(paths, name, folder)
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    monkeypatch.delenv("GBA_DATA_DIR", raising=False)
    version = tmp_path / ".versions" / "v0001"
    (version / "zh").mkdir(parents=True)
    (version / "zh" / "page.html").write_text("<p>page</p>", encoding="utf-8")
    site = tmp_path / "site"
    site.symlink_to(version)
    return site


def test_the_shortcut_answers_a_repeated_request_with_the_recorded_summary(repo):
    assert fastpath.lookup(REQUEST, repo) is None  # nothing recorded yet
    fastpath.record(REQUEST, repo, "1 pages ok\nsite up to date: site")
    assert fastpath.lookup(REQUEST, repo) == "1 pages ok\nsite up to date: site"
    assert fastpath.lookup({**REQUEST, "lang": "en"}, repo) is None  # another request is another build
    assert fastpath.lookup(REQUEST, repo.parent / "other-site") is None


@pytest.mark.parametrize("folder", ["NOTEBOOKS", "DATA", "PACKAGE"])
def test_any_changed_input_file_misses_the_shortcut(repo, folder):
    fastpath.record(REQUEST, repo, "summary")
    target = getattr(paths, folder) / "sub" / "file.txt"
    st = target.stat()
    target.write_text(f"{folder} v2", encoding="utf-8")  # same size, other bytes
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same time: contents are compared, not times
    assert fastpath.lookup(REQUEST, repo) is None


def test_a_file_edited_while_the_build_ran_is_not_recorded_as_built(repo):
    """The inputs are taken before the build reads them and recorded with its result: an edit saved during the build
    (after the build read the file) sends the next build the long way."""
    taken = fastpath.inputs(REQUEST)
    (paths.NOTEBOOKS / "sub" / "file.txt").write_text("saved while the build ran", encoding="utf-8")
    fastpath.record(REQUEST, repo, "summary", taken)
    assert fastpath.lookup(REQUEST, repo) is None
    fastpath.record(REQUEST, repo, "summary", fastpath.inputs(REQUEST))
    assert fastpath.lookup(REQUEST, repo, fastpath.inputs(REQUEST)) == fastpath.lookup(REQUEST, repo) == "summary"


def test_a_new_or_removed_input_file_misses_the_shortcut(repo):
    fastpath.record(REQUEST, repo, "summary")
    (paths.DATA / "new.csv").write_text("a\n1\n", encoding="utf-8")
    assert fastpath.lookup(REQUEST, repo) is None
    (paths.DATA / "new.csv").unlink()
    assert fastpath.lookup(REQUEST, repo) == "summary"
    (paths.NOTEBOOKS / "sub" / "file.txt").unlink()
    assert fastpath.lookup(REQUEST, repo) is None


def test_a_page_edited_by_hand_or_a_site_moved_misses_the_shortcut(repo, tmp_path):
    fastpath.record(REQUEST, repo, "summary")
    page = repo / "zh" / "page.html"
    page.write_text("<p>edited by hand</p>", encoding="utf-8")
    assert fastpath.lookup(REQUEST, repo) is None
    fastpath.record(REQUEST, repo, "summary")
    other = tmp_path / ".versions" / "v0002"
    shutil.copytree(repo.resolve(), other)
    repo.unlink()
    repo.symlink_to(other)  # the same files under another version: the link is part of the fingerprint
    assert fastpath.lookup(REQUEST, repo) is None


def test_a_removed_cache_manifest_misses_the_shortcut(repo):
    cache = paths.BUILD / "cache"
    cache.mkdir(parents=True)
    (cache / "page.json").write_text("{}", encoding="utf-8")
    fastpath.record(REQUEST, repo, "summary")
    (cache / "page.json").unlink()
    assert fastpath.lookup(REQUEST, repo) is None


def test_force_and_other_data_folders_never_take_the_shortcut(repo, monkeypatch):
    for request in ({**REQUEST, "force": True}, {**REQUEST, "params": {"data_dir": "/elsewhere"}}):
        fastpath.record(request, repo, "summary")
        assert fastpath.lookup(request, repo) is None
    fastpath.record(REQUEST, repo, "summary")
    monkeypatch.setenv("GBA_DATA_DIR", "/elsewhere")
    assert fastpath.lookup(REQUEST, repo) is None


def test_a_damaged_record_is_ignored_not_fatal(repo):
    fastpath.record(REQUEST, repo, "summary")
    (paths.BUILD / "cache" / fastpath.RECORD).write_text("{not json", encoding="utf-8")
    assert fastpath.lookup(REQUEST, repo) is None
    fastpath.record(REQUEST, repo, "summary")  # and rewritten whole by the next complete build
    assert fastpath.lookup(REQUEST, repo) == "summary"


def test_the_no_op_summary_is_what_a_real_no_op_prints():
    from gba_utils.pipeline.orchestrate import Result, Summary
    from gba_utils.pipeline.plan import plan

    jobs = plan(["01_background"], ("zh", "en"))
    ran = Summary(
        results=[Result(j, True, 3.2, j.page, 2048, action="run", reason="data changed") for j in jobs],
        seconds=9.0,
        site="reports",
        published="v0002",
    )
    noop = Summary(results=[Result(j, True, 0.0, j.page, 2048, action="skip", reason="up to date") for j in jobs], site="reports")
    assert ran.as_noop() == noop.render()
    n = len(jobs)
    assert f"{n} pages ok (0 executed, {n} from cache)" in ran.as_noop() and "site up to date: reports" in ran.as_noop()


@pytest.mark.kernel
def test_the_command_line_takes_the_shortcut_only_when_nothing_changed(tmp_path, capsys, monkeypatch):
    # a build folder of its own (GBA_BUILD_DIR, which the whole process below reads too): other tests writing the
    # shared one's caches at the same time would rightly make the shortcut miss
    monkeypatch.setenv("GBA_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    site = tmp_path / "site"
    args = ["build", "01_background", "--lang", "en", "--out", str(site), "--no-progress"]
    assert cli.main(args) == 0
    first = capsys.readouterr().out
    assert cli.SHORTCUT not in first
    assert cli.main(args) == 0
    second = capsys.readouterr().out
    assert second.endswith(cli.SHORTCUT + "\n") and re.search(r"(\d+) pages ok \(0 executed, \1 from cache\)", second)
    (site / "en" / "01_background.html").write_text("edited by hand", encoding="utf-8")
    assert cli.main(args) == 0
    third = capsys.readouterr().out
    assert cli.SHORTCUT not in third and "rendered" in third  # the full check found the page and re-rendered it
    # a whole process, as a user runs it
    out = subprocess.run(
        [sys.executable, "-m", "gba_utils.cli", *args], capture_output=True, text=True, check=True, cwd=paths.ROOT
    ).stdout
    assert out.endswith(cli.SHORTCUT + "\n")


def test_a_changed_gba_variable_misses_the_shortcut(repo, monkeypatch):
    monkeypatch.delenv("GBA_CHROMIUM", raising=False)
    fastpath.record(REQUEST, repo, "summary")
    monkeypatch.setenv("GBA_CHROMIUM", "none")  # a build without the PDF editions is another build
    assert fastpath.lookup(REQUEST, repo) is None
