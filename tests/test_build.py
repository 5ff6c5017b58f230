"""The build: parameters pass through, failures are reported and contained, outputs are byte-stable."""

import shutil

import nbformat
import pytest
from helpers import set_cell

from gba_utils import paths
from gba_utils.cli import main
from gba_utils.errors import DataError, ParameterError
from gba_utils.pipeline import kernels
from gba_utils.pipeline import orchestrate as B


@pytest.mark.kernel
def test_build_with_non_default_parameters(tmp_path):
    site = tmp_path / "site"
    summary = B.build(
        ["02_cases"], langs=("en",), params={"city": "shenzhen", "domain": "society"}, site=site, jobs=1, progress=False
    )
    assert summary.ok, summary.render()
    page = site / "en" / "02_cases__city-shenzhen__domain-society.html"
    html = page.read_text(encoding="utf-8")
    assert "City: Shenzhen · Domain: Digital society" in html
    assert '<span class="dl">Innovation cases (<a href="../data/cases.csv">CSV</a>' in html  # named for readers
    assert (
        "Baguang CIM park-management platform" in html and "Nansha" not in html.split("Case catalogue")[-1].split("Outcomes")[0]
    )
    front = (site / "en" / "index.html").read_text(encoding="utf-8")  # the edition's front page lists the views built
    assert 'href="02_cases__city-shenzhen__domain-society.html"' in front
    assert 'href="en/index.html"' in (site / "index.html").read_text(encoding="utf-8")  # the chooser opens the edition
    assert (site / "assets" / "gba.css").exists() and (site / "assets" / "noto-sans-sc-subset.woff").stat().st_size > 1000
    import re

    # nothing loads from elsewhere (links to the publisher's site are links, not resources); the only scripts are the
    # site's own (search, the table explorer) and the strings they say
    assert not re.search(r'src="(https?:)?//|<link[^>]*href="(https?:)?//', html)
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts and all(
        re.fullmatch(r' (src="\.\./assets/[\w/.-]+\.js" defer|type="application/json" id="gba-ui")', s) for s in scripts
    )
    assert "02_cases" in summary.render() and "KB" in summary.render()


def test_unknown_parameter_stops_before_anything_runs(tmp_path):
    with pytest.raises(ParameterError, match="did you mean 'shenzhen'"):
        B.build(["02_cases"], params={"city": "shenzen"}, site=tmp_path, progress=False)
    assert not any(tmp_path.iterdir())
    assert main(["build", "02_cases", "-p", "city=shenzen", "--no-progress"]) == 2


def test_broken_data_stops_before_anything_runs(tmp_path, data_copy):
    set_cell(data_copy / "cases.csv", "case_id", "C2022-01", "tier", "gold")
    site = tmp_path / "site"
    with pytest.raises(DataError, match="gold"):
        B.build(["00_overview"], params={"data_dir": str(data_copy)}, site=site, progress=False)
    assert not site.exists()


FAILING = """
lang = "zh"
city = "all"
domain = "all"
edition = 2022
data_dir = None
"""


@pytest.mark.kernel
def test_failing_notebook_keeps_the_last_good_page_and_the_executed_copy(tmp_path, monkeypatch):
    """Same data, a notebook breaks: its last good page stays in the new site; other data: the whole site stays."""
    nbdir, site, build_dir = tmp_path / "notebooks", tmp_path / "site", tmp_path / "build"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Broken", id="md"),
        nbformat.v4.new_code_cell(FAILING.strip(), id="params"),
        nbformat.v4.new_code_cell("x = 1", id="ok"),
    ]
    nb.cells[1].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, nbdir / "00_overview.ipynb")
    monkeypatch.setattr(paths, "NOTEBOOKS", nbdir)
    monkeypatch.setattr(paths, "BUILD", build_dir)
    assert B.build(["00_overview"], langs=("zh",), site=site, jobs=1, progress=False).ok
    good = (site / "zh" / "00_overview.html").read_bytes()
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('boom')", id="bad"))
    nbformat.write(nb, nbdir / "00_overview.ipynb")
    summary = B.build(["00_overview"], langs=("zh",), site=site, jobs=1, progress=False)
    assert not summary.ok
    result = summary.results[0]
    assert "ValueError: boom" in result.error and "cell" in result.error and result.status == "kept"
    assert (site / "zh" / "00_overview.html").read_bytes() == good
    kept = build_dir / "executed" / "zh" / "00_overview.ipynb"
    assert kept.exists() and "boom" in kept.read_text(encoding="utf-8")
    text = summary.render()
    assert "kept 00_overview" in text and "'lang': 'zh'" in text and "executed notebook kept" in text


def test_normalise_strips_run_dependent_metadata():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1")
    cell.metadata.update(
        {"papermill": {"duration": 1.2}, "execution": {"iopub.status.busy": "2026-01-01"}, "tags": ["injected-parameters"]}
    )
    nb.cells = [cell]
    nb.metadata["papermill"] = {"start_time": "now", "input_path": "/abs/path"}
    out = kernels.normalise(nb, {"kernelspec": {"name": "python3"}})
    assert out.metadata == {"kernelspec": {"name": "python3"}}
    assert out.cells[0].metadata == {"tags": ["injected-parameters"]} and out.cells[0].id == "injected-parameters"


@pytest.mark.kernel
def test_two_builds_are_byte_identical(tmp_path):
    sites = [tmp_path / "a", tmp_path / "b"]
    for site in sites:
        assert B.build(["00_overview", "04_recommendations"], site=site, jobs=2, progress=False, force=True).ok
    files = sorted(p.relative_to(sites[0]) for p in sites[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(sites[1]) for p in sites[1].rglob("*") if p.is_file())
    for rel in files:
        assert (sites[0] / rel).read_bytes() == (sites[1] / rel).read_bytes(), rel


def test_cli_validate():
    assert main(["validate"]) == 0


def test_cli_exit_code_for_bad_data(tmp_path, data_copy, capsys):
    from helpers import set_cell as _set

    _set(data_copy / "cases.csv", "case_id", "C2022-01", "domain", "digital")
    assert main(["build", "00_overview", "-p", f"data_dir={data_copy}", "--out", str(tmp_path / "site"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "the site was not changed" in err and "'digital'" in err and "cases.csv" in err
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "did not validate." in err and "site" not in err.split("\n")[0]


@pytest.mark.kernel
def test_warm_kernel_pages_equal_fresh_kernel_pages(tmp_path):
    """A worker's kernel is reused (and reset) between notebooks; its pages must match a fresh kernel's byte for byte."""
    names = ["02_cases", "00_overview", "05_audit"]
    fresh, warm = tmp_path / "fresh", tmp_path / "warm"
    assert B.build(names, langs=("en",), site=fresh, jobs=1, progress=False, force=True, isolated=True).ok
    assert B.build(names, langs=("en",), site=warm, jobs=1, progress=False, force=True).ok
    for name in names:
        assert (fresh / "en" / f"{name}.html").read_bytes() == (warm / "en" / f"{name}.html").read_bytes(), name


@pytest.mark.kernel
def test_kept_workers_serve_the_next_build_with_the_pages_a_new_pool_makes(tmp_path, monkeypatch, data_copy):
    """GBA_KEEP_WORKERS=1: a build takes the worker pool (and its warm kernels) of an earlier build with the same inputs.
    The pages are byte-identical to a new pool's, even after the kept kernels built other data; a changed environment
    gets a pool of its own; a build that stops on an error gives its pool up."""
    names = ["00_overview", "03_problems"]

    def build(site, **params):
        return B.build(names, langs=("en",), params=params, site=tmp_path / site, progress=False, force=True)

    B.close_kept_workers()  # pools other tests of this process left
    monkeypatch.setenv(B.KEEP_WORKERS, "0")
    assert build("new").ok and not B._KEPT
    monkeypatch.setenv(B.KEEP_WORKERS, "1")
    set_cell(data_copy / "cases.csv", "case_id", "C2022-09", "name_en", "Canton Tower digital twin (edited)")
    assert build("other", data_dir=str(data_copy)).ok  # the kept kernels load and draw other data first
    [pool] = [kept[0] for kept in B._KEPT.values()]
    assert build("kept").ok
    assert [kept[0] for kept in B._KEPT.values()] == [pool]  # the same pool served it
    files = sorted(p.relative_to(tmp_path / "new") for p in (tmp_path / "new").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "kept") for p in (tmp_path / "kept").rglob("*") if p.is_file())
    for rel in files:
        assert (tmp_path / "new" / rel).read_bytes() == (tmp_path / "kept" / rel).read_bytes(), rel

    monkeypatch.setenv("GBA_SOMETHING_NEW", "1")  # what the workers inherited is not what a new one would
    assert build("env").ok
    assert len(B._KEPT) == 2 and pool in [kept[0] for kept in B._KEPT.values()]

    def stop(*args, **kwargs):
        raise RuntimeError("stopped on purpose")

    monkeypatch.setattr(B.cf, "as_completed", stop)  # the build fails while its jobs run
    with pytest.raises(RuntimeError, match="on purpose"):
        build("stopped")
    assert len(B._KEPT) == 1 and pool in [kept[0] for kept in B._KEPT.values()]
    B.close_kept_workers()
    assert not B._KEPT


def test_web_font_is_a_subset_and_replaces_an_older_format(tmp_path, monkeypatch):
    from fontTools.ttLib import TTFont

    from gba_utils.pipeline.assets import FONT_FILE, write_font

    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "noto-sans-sc-subset.woff2").write_bytes(b"from an earlier build")
    assert write_font(site, "数字治理GBA") == "written"
    assert [p.name for p in (site / "assets").iterdir()] == [FONT_FILE]
    font = TTFont(site / "assets" / FONT_FILE)
    assert font.flavor == "woff"
    assert {ord(c) for c in "数字治理GBA"} <= set(font.getBestCmap()) and ord("湾") not in font.getBestCmap()
    assert write_font(site, "数字治理GBA") == "cached"


def test_the_characters_a_page_can_show_come_from_the_files_as_they_are_now(tmp_path, monkeypatch):
    """The web font's characters are kept per file by the hash of its bytes: a second reading gives the same set, and a
    character added to a notebook (or a character gone) is seen at once, as a first reading would see it."""
    from gba_utils.pipeline.assets import site_characters

    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    notebooks = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, notebooks)
    monkeypatch.setattr(paths, "NOTEBOOKS", notebooks)
    first = site_characters()
    assert (tmp_path / "build" / "cache" / "characters.json").is_file()
    assert site_characters() == first and "湾" in first and "\n" not in first
    assert "鼹" not in first and "\U0001f9ed" not in first
    (notebooks / "extra.ipynb").write_text('{"cells": [{"source": "鼹 \U0001f9ed"}]}', encoding="utf-8")
    assert set(site_characters()) == set(first) | {"鼹", "\U0001f9ed"}
    (notebooks / "extra.ipynb").unlink()
    assert site_characters() == first
    (tmp_path / "build" / "cache" / "characters.json").write_text("{not json", encoding="utf-8")
    assert site_characters() == first  # a damaged memo is read again from the files


@pytest.mark.kernel
def test_warm_kernel_reset_forgets_variables_figures_and_settings(tmp_path, monkeypatch):
    """What one notebook leaves behind in a warm kernel must not reach the next."""
    import os

    from jupyter_core.utils import run_sync

    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    monkeypatch.setattr(os, "environ", {**os.environ, **kernels.kernel_env()})
    try:
        _, kc = kernels.warm_kernel()
        left = (
            "import matplotlib as mpl, matplotlib.pyplot as plt, pandas as pd\nmpl.rcParams['lines.linewidth'] = 9.5\n"
            "pd.set_option('display.precision', 2)\nleftover = 1\nplt.figure()"
        )
        assert run_sync(kc.execute_interactive)(left, timeout=60, output_hook=lambda m: None)["content"]["status"] == "ok"
        _, kc = kernels.warm_kernel()
        seen = []
        probe = (
            "import matplotlib as mpl, matplotlib.pyplot as plt, pandas as pd\n"
            "print(mpl.rcParams['lines.linewidth'], 'leftover' in globals(), len(plt.get_fignums()), pd.get_option('display.precision'))"
        )
        run_sync(kc.execute_interactive)(probe, timeout=60, output_hook=lambda m: seen.append(m["content"].get("text", "")))
        assert "".join(seen).split() == ["1.5", "False", "0", "6"]
    finally:
        kernels.close_warm_kernel()


def test_notebooks_read_without_the_schema_pass_equal_nbformats_reading():
    from gba_utils.pipeline.plan import read_notebook

    for path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        assert read_notebook(path) == nbformat.read(path, as_version=4), path.name


@pytest.mark.kernel
def test_downloads_are_carried_over_only_while_the_data_and_the_code_that_writes_them_are_unchanged(tmp_path, monkeypatch):
    """A rebuild of the same data takes the published downloads as they are, also when something else of the site
    changed (a vendored script); a change to what writes them (the export code, the schema, the workbook writer)
    writes them again, even when every page is current."""
    from gba_utils.pipeline import assets

    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    made = []
    export_all = assets.export_all
    monkeypatch.setattr(assets, "export_all", lambda *a: made.append(1) or export_all(*a))
    one = dict(notebooks=["00_overview"], langs=("en",), site=tmp_path / "site", jobs=1, progress=False)
    assert B.build(**one).ok and len(made) == 1
    assert B.build(force=True, **one).ok and len(made) == 1  # the same data, the same code: carried over
    static = assets.static_inputs()
    monkeypatch.setattr(B, "static_inputs", lambda: {**static, "gba_utils/templates/vendor/x.js": "edited"})
    summary = B.build(**one)
    assert summary.ok and summary.published and len(made) == 1  # the site is made again, its downloads carried
    downloads = assets.downloads_inputs()
    newer = {**downloads, assets.DOWNLOADS_WRITER: "0.0.0"}
    monkeypatch.setattr(B, "static_inputs", lambda: {**static, **newer})
    monkeypatch.setattr(B, "downloads_inputs", lambda: newer)
    summary = B.build(**one)
    assert summary.ok and summary.published and len(made) == 2  # pages current, downloads written again
    assert (tmp_path / "site" / "data" / "cases.xlsx").stat().st_size > 0
