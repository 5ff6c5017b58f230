"""The content-hash cache, the parameter matrix and a Dask executor."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from helpers import set_cell

from gba_utils import paths
from gba_utils.contents import FRONT
from gba_utils.pipeline import cache, plan
from gba_utils.pipeline import orchestrate as pipeline


@pytest.fixture()
def sandbox(tmp_path, monkeypatch):
    """Notebooks and build folder of our own, so editing a notebook touches nothing real."""
    nbdir = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, nbdir)
    monkeypatch.setattr(paths, "NOTEBOOKS", nbdir)
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    return tmp_path


def reasons(summary):
    return {(r.job.notebook, r.job.lang): (r.action, r.reason) for r in summary.results}


@pytest.mark.kernel
def test_second_build_skips_and_markdown_edit_only_rerenders(sandbox):
    site = sandbox / "site"
    first = pipeline.build(["00_overview"], langs=("en",), site=site, jobs=1, progress=False)
    assert reasons(first)[("00_overview", "en")] == ("run", "no previous run")
    second = pipeline.build(["00_overview"], langs=("en",), site=site, jobs=1, progress=False)
    assert reasons(second)[("00_overview", "en")] == ("skip", "up to date")

    nb_path = paths.NOTEBOOKS / "00_overview.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    en = next(c for c in nb.cells if "lang-en" in c.metadata.get("tags", []) and c.source.startswith("## "))
    en.source = "## A heading edited by a researcher\n"
    nbformat.write(nb, nb_path)
    third = pipeline.build(["00_overview"], langs=("en",), site=site, jobs=1, progress=False)
    action, reason = reasons(third)[("00_overview", "en")]
    assert action == "render" and "markdown" in reason
    assert "A heading edited by a researcher" in (site / "en" / "00_overview.html").read_text(encoding="utf-8")

    forced = pipeline.build(["00_overview"], langs=("en",), site=site, jobs=1, progress=False, force=True)
    assert reasons(forced)[("00_overview", "en")] == ("run", "--force")


def test_the_longest_pages_start_first_by_the_time_they_last_took(sandbox, monkeypatch):
    """Workers take the jobs that took longest last time first, so that a long page does not start at the end."""
    from concurrent.futures import Future
    from types import SimpleNamespace

    from gba_utils.pipeline import cache, orchestrate
    from gba_utils.pipeline.plan import plan

    jobs = plan(["00_overview", "03_problems", "05_audit"], ("en",))
    took = {"00_overview": 1.0, "03_problems": 2.0, "05_audit": 30.0}
    for job in jobs:
        cache.record(job, {"execution": {}, "render": {}}, b"<p>", "t", took.get(job.notebook, 0.5))
    cache.record(jobs[0], {"execution": {}, "render": {}}, b"<p>", "t")  # a re-render keeps the time it last ran
    assert cache.recorded_seconds(jobs[0]) == took.get(jobs[0].notebook, 0.5)

    submitted = []

    class Recorder:
        def submit(self, fn, job, *args):
            submitted.append(job.notebook)
            done = Future()
            done.set_result(orchestrate.Result(job, True, 0.0))
            return done

    monkeypatch.setattr(orchestrate, "write_assets", lambda *a, **k: None)
    ds = SimpleNamespace(directory=paths.DATA)
    orchestrate._run(jobs, {j: ("run", "") for j in jobs}, sandbox, frozenset(), orchestrate.Summary(), 2, False,
                     Recorder(), False, ds, None, None, False, False)  # fmt: skip
    assert submitted[:2] == ["05_audit", "03_problems"]


@pytest.mark.kernel
def test_two_sites_sharing_a_build_folder_never_pass_for_current(sandbox):
    """Site B built after an edit must not make site A's older page look up to date."""
    one = dict(notebooks=["03_problems"], langs=("en",), jobs=1, progress=False)
    pipeline.build(site=sandbox / "a", **one)
    nb_path = paths.NOTEBOOKS / "03_problems.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    en = next(c for c in nb.cells if "lang-en" in c.metadata.get("tags", []) and c.source.startswith("## "))
    en.source = "## Edited before site b was built\n"
    nbformat.write(nb, nb_path)
    assert reasons(pipeline.build(site=sandbox / "b", **one))[("03_problems", "en")][0] == "render"
    again = pipeline.build(site=sandbox / "a", **one)
    assert reasons(again)[("03_problems", "en")] == ("render", "page on disk is not the last one built")
    assert "Edited before site b was built" in (sandbox / "a" / "en" / "03_problems.html").read_text(encoding="utf-8")
    assert reasons(pipeline.build(site=sandbox / "a", **one))[("03_problems", "en")] == ("skip", "up to date")


@pytest.mark.kernel
def test_data_change_reruns_and_says_which_file(sandbox, data_copy):
    site = sandbox / "site"
    params = {"data_dir": str(data_copy)}
    pipeline.build(["00_overview"], langs=("zh",), params=params, site=site, jobs=1, progress=False)
    set_cell(data_copy / "cases.csv", "case_id", "C2022-05", "name_en", "Renamed case")
    again = pipeline.build(["00_overview"], langs=("zh",), params=params, site=site, jobs=1, progress=False)
    action, reason = reasons(again)[("00_overview", "zh")]
    assert action == "run" and "cases.csv changed" in reason


@pytest.mark.kernel
def test_each_data_folder_keeps_its_own_cached_runs(sandbox, data_copy):
    """A page built from a copy of the data and the same page built from the bundled data keep their executed
    notebooks and manifests apart: builds in one build folder, even at the same time, never read each other's run,
    and going back to the copy finds its run still current."""
    copy = {"data_dir": str(data_copy)}
    one = dict(notebooks=["00_overview"], langs=("en",), jobs=1, progress=False)
    first = pipeline.build(site=sandbox / "copy", params=copy, **one)
    assert reasons(first)[("00_overview", "en")] == ("run", "no previous run")
    bundled = pipeline.build(site=sandbox / "bundled", **one)
    assert reasons(bundled)[("00_overview", "en")][0] == "run"
    mine, theirs = first.results[0].job, bundled.results[0].job
    assert mine.page == theirs.page  # the same page name: only the cache's folders tell them apart
    assert cache.executed_path(mine) != cache.executed_path(theirs) and cache.manifest_path(mine) != cache.manifest_path(theirs)
    assert cache.executed_path(mine).is_file() and cache.executed_path(theirs).is_file()
    assert reasons(pipeline.build(site=sandbox / "copy", params=copy, **one))[("00_overview", "en")] == ("skip", "up to date")


@pytest.mark.kernel
def test_code_edit_reruns_only_that_notebook(sandbox):
    site = sandbox / "site"
    pipeline.build(["00_overview", "03_problems"], langs=("en",), site=site, jobs=1, progress=False)
    nb_path = paths.NOTEBOOKS / "03_problems.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"][-1]
    code.source = code.source + "\n# a comment"
    nbformat.write(nb, nb_path)
    again = reasons(pipeline.build(["00_overview", "03_problems"], langs=("en",), site=site, jobs=1, progress=False))
    assert again[("00_overview", "en")][0] == "skip"
    assert again[("03_problems", "en")] == ("run", "code cells changed")


def test_an_edit_to_one_languages_narrative_changes_only_that_languages_pages(sandbox):
    """A page's render inputs hold the cells it can show: an edit to the English narrative of chapter 3 changes the
    English page's inputs and not the Chinese page's; a changed English title changes what the English front page
    lists (its titles), and the Chinese front page's inputs stay as they were."""
    import json

    site = {f"{lang}/{name}.html" for lang in ("zh", "en") for name in (FRONT, "03_problems", "04_recommendations")}
    jobs = {(name, lang): plan.Job(name, (("lang", lang),), lang) for name in (FRONT, "03_problems") for lang in ("zh", "en")}

    def inputs():
        cache.reset()
        return {key: cache.snapshot(job, site)["render"] for key, job in jobs.items()}

    before = inputs()
    path = paths.NOTEBOOKS / "03_problems.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    english = [c for c in nb["cells"] if c["cell_type"] == "markdown" and "lang-en" in c["metadata"].get("tags", [])]
    english[-1]["source"] = "".join(english[-1]["source"]) + "\n\nAn added sentence."
    path.write_text(json.dumps(nb), encoding="utf-8")
    after = inputs()
    assert after[("03_problems", "zh")] == before[("03_problems", "zh")]
    assert after[("03_problems", "en")]["markdown"] != before[("03_problems", "en")]["markdown"]
    assert after[(FRONT, "en")] == before[(FRONT, "en")], "the front page lists titles, not sentences"

    title = next(c for c in english if "".join(c["source"]).startswith("# "))
    title["source"] = "# Chapter 3: a title edited by a researcher\n"
    path.write_text(json.dumps(nb), encoding="utf-8")
    edited = inputs()
    assert edited[(FRONT, "en")]["links"] != before[(FRONT, "en")]["links"]
    assert edited[(FRONT, "zh")] == before[(FRONT, "zh")]
    from gba_utils.pipeline import pages

    assert pages._source_title("03_problems", "en") == "Chapter 3: a title edited by a researcher"


def test_matrix_gives_non_colliding_pages():
    jobs = plan.plan(["02_cases"], matrix={"city": ["shenzhen", "guangzhou"], "lang": ["zh", "en"], "domain": ["all", "society"]})
    assert len(jobs) == 8 + 2  # and the front page of each language, which takes neither city nor domain
    assert [j.notebook for j in jobs].count(FRONT) == 2
    assert len({(j.out_dir, j.slug) for j in jobs}) == 10
    assert {j.out_dir for j in jobs} == {"zh", "en"}


def test_city_profiles_follow_the_grid_languages():
    """Every chapter x city x language, a profile per city and a front page in each language: 156 distinct pages."""
    from gba_utils.contents import PROFILE
    from gba_utils.data.codes import city_codes

    cities = city_codes()
    jobs = plan.plan(None, city_profiles=True, matrix={"city": list(cities), "lang": ["zh", "en"]})
    assert len({(j.out_dir, j.slug) for j in jobs}) == len(jobs) == 6 * 11 * 2 + 11 * 2 + 2
    profiles = [j for j in jobs if j.notebook == PROFILE]
    assert {(j.lang, dict(j.params)["city"]) for j in profiles} == {(lang, c) for lang in ("zh", "en") for c in cities}


def test_merge_outputs_keeps_new_markdown_and_old_outputs():
    src = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("new"), nbformat.v4.new_code_cell("1")])
    old = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("old"),
            nbformat.v4.new_code_cell("1", outputs=[nbformat.v4.new_output("stream", text="x")]),
        ]
    )
    merged = cache.merge_outputs(src, old)
    assert merged.cells[0].source == "new" and merged.cells[1].outputs[0]["text"] == "x"


@pytest.mark.kernel
def test_dask_executor_runs_the_same_jobs(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        summary = pipeline.build(
            ["00_overview", "04_recommendations"],
            langs=("en",),
            site=tmp_path / "site",
            executor=client.get_executor(),
            progress=False,
        )
    assert summary.ok, summary.render()
    assert {r.action for r in summary.results} == {"run"}
    assert (tmp_path / "site" / "en" / "04_recommendations.html").exists()


@pytest.mark.parametrize("name", ["02_cases", "05_audit"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_rendered_cell_by_cell_are_what_nbconvert_makes_of_the_whole_notebook(name, lang, tmp_path, monkeypatch):
    """The committed notebooks carry their outputs (figures, tables, the sensitivity table): rendered cell by cell, with
    and without the store of cells, each gives the bytes of one nbconvert pass over the whole notebook; a markdown edit
    renders the cell it changed and nothing else, and a page whose cells are all stored does not call nbconvert."""
    from gba_utils.pipeline import pages

    nb = pages.select_cells(nbformat.read(paths.NOTEBOOKS / f"{name}.ipynb", as_version=4), lang, False)
    assert sum(bool(c.get("outputs")) for c in nb.cells) >= 3
    whole = pages._exporter(False).from_notebook_node(nb)[0]
    store = tmp_path / "cells.json"
    assert pages.render_body(nb, False) == whole
    assert pages.render_body(nb, False, store) == whole and store.is_file()

    rendered = []
    real, real_markdown = pages._exporter(False), pages.markdown_cell

    class Counting:
        def from_notebook_node(self, one):
            rendered.append([c.source for c in one.cells])
            return real.from_notebook_node(one)

    monkeypatch.setattr(pages, "_exporter", lambda show_code: Counting())
    monkeypatch.setattr(pages, "markdown_cell", lambda cell: rendered.append(["markdown", cell.source]) or real_markdown(cell))
    assert pages.render_body(nb, False, store) == whole and rendered == []
    edited = [c for c in nb.cells if c.cell_type == "markdown"][-1]
    edited.source += "\n\nAn edited sentence."
    body = pages.render_body(nb, False, store)
    assert rendered == [["markdown", edited.source]] and "An edited sentence." in body
    assert body == real.from_notebook_node(nb)[0]


#: Markdown the committed notebooks may not have yet: what nbconvert's renderer and BeautifulSoup treat specially.
MARKDOWN_CASES = [
    "# 第三章 问题与不足\n\n## A heading: with (punctuation) & more\n\ntext",
    "Inline math $x^2 < y$ and a block:\n\n$$\n\\sum_i a_i > 0\n$$\n\n\\begin{align}a &= b\\end{align}",
    "```python\nprint('<b>')\n```\n\n    indented code\n\n`inline <code>`",
    "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- one\n- two\n  1. nested\n\n> quoted *em* **strong** ~~gone~~",
    '<span lang="zh-Hans">中文</span> &nbsp;&amp;&quot; <br> <div class="x" id=y>raw</div>',
    '[a file](files/data/cases.csv) ![a figure](files/fig.png) <img src=\'x.png\'> <img src="y.png" alt="y">',
    "[a chapter](02_cases.ipynb#fig-2-3) <https://example.org> [ref][1]\n\n[1]: https://example.org/ref",
    "",
    "Line one  \nline two\\\nthree\n\n***\n\n<!-- a comment -->",
]


def test_markdown_cells_rendered_without_the_exporter_are_the_exporters_bytes(tmp_path):
    """A markdown cell is rendered with nbconvert's own renderer but without its exporter (pages.markdown_cell): for
    every markdown cell of every notebook and for markup made to test the edges (math, code, tables, raw HTML and
    entities, files/ links, images without a description, tags that need escaping), the bytes
    are the exporter's. In a fresh process, where the renderer is loaded under stand-ins for nbconvert's packages, and
    here, where nbconvert is imported; and nbconvert imported after the stand-ins still works whole."""
    import json
    import subprocess
    import sys

    from gba_utils.pipeline import pages

    cells = []
    for path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                cell.id = f"{path.stem}-{cell.id}"  # ids are unique within a notebook only
                cells.append(cell)
    for i, source in enumerate(MARKDOWN_CASES):
        cell = nbformat.v4.new_markdown_cell(source, id=f"case-{i}")
        cell.metadata.tags = ["lang-en", "a&b<c>", 'q"uote'] if i % 2 else []
        cells.append(cell)
    assert len(cells) > 100
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})
    nb_path = tmp_path / "cells.ipynb"
    nb_path.write_text(json.dumps(nb), encoding="utf-8")

    script = (
        "import json, sys, nbformat\n"
        "from gba_utils.pipeline import pages\n"
        f"nb = nbformat.reads(open({str(nb_path)!r}, encoding='utf-8').read(), as_version=4, capture_validation_error={{}})\n"
        "fast = [pages.markdown_cell(c) for c in nb.cells]\n"
        "loaded = sorted(n for n in sys.modules if n.split('.')[0] in ('nbconvert', 'bleach') or n == 'soupsieve.css_parser')\n"
        "whole = [pages._exporter(False).from_notebook_node(pages._alone(nb, c))[0] for c in nb.cells]\n"
        "print(json.dumps({'loaded': loaded, 'fast': fast, 'whole': whole}))\n"
    )
    out = json.loads(subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout)
    assert out["loaded"] == [], "nbconvert's packages or bleach were left in sys.modules, or soupsieve was loaded"
    assert out["whole"][0] and len(out["fast"]) == len(cells)
    for i, (fast, whole) in enumerate(zip(out["fast"], out["whole"])):
        assert fast == whole, (i, cells[i].source[:80])
    here = [pages.markdown_cell(c) for c in cells]
    assert here == out["whole"]


def test_the_exporters_css_selections_find_what_soupsieve_finds():
    """nbconvert's HTMLExporter selects images without alt text and focusable cells with CSS; the build makes the same
    selections with find_all (soupsieve is slow to start). On every committed page, and on markup made to match."""
    from bs4 import BeautifulSoup

    from gba_utils.pipeline import pages

    Soup = pages._soup_class()
    made_to_match = (
        '<div class="jp-Notebook x"><div><div class="jp-Cell-inputWrapper a">1</div></div>'
        '<div class="jp-OutputArea-output">2</div><img src="a.png"><img alt="" src="b.png"></div>'
        '<div class="jp-Cell-inputWrapper">outside</div><img src="c.png">'
    )
    bodies = [made_to_match]
    for path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = pages.select_cells(nbformat.read(path, as_version=4), "en", False)
        bodies.append(pages._exporter(False).from_notebook_node(nb)[0])
    for body in bodies:
        for selector in pages._SELECTIONS:
            ours = [str(t) for t in Soup(body, features="html.parser").select(selector)]
            theirs = [str(t) for t in BeautifulSoup(body, features="html.parser").select(selector)]
            assert ours == theirs, selector
    soup = Soup(made_to_match, features="html.parser")
    assert [len(soup.select(s)) for s in pages._SELECTIONS] == [2, 1, 1]
