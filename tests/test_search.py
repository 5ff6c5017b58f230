"""The Python side of search and the table explorer: documents cut from a page, the index script (escaped, byte-stable),
the tables marked for the explorer, the vendored libraries. No kernel, no browser (tests/test_reader_features.py
drives them in Chromium)."""

from __future__ import annotations

import hashlib
import json
import re

import nbformat
import pytest

from gba_utils import languages, paths
from gba_utils.pipeline import pages, search
from gba_utils.pipeline.plan import Job
from gba_utils.research.outputs import BY_KEY, ITEMS, Explore

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><title>Ignored — Site</title><script>var notText = 1;</script></head>
<body>
<header class="site-header"><a class="site-title" href="index.html">Site</a><nav><a href="x.html">Next</a></nav></header>
<main id="content">
<h1 class="page-title">Chapter 2: the cases</h1>
<aside class="downloads"><a href="../data/cases.csv">CSV</a></aside>
<div class="text_cell_render"><h1 id="Chapter-2">Chapter 2: the cases<a class="anchor-link" href="#Chapter-2">¶</a></h1>
<p>Opening text about   the <strong>cases</strong>.</p></div>
<h2 id="Recounting">Recounting the counts<a class="anchor-link" href="#Recounting">¶</a></h2>
<p>The Luohu pilot is named <span lang="zh-Hans">罗湖数字人民币试点</span> in the report.</p>
<div class="gba-table-wrap" id="tab-2-3"><div class="gba-scroll" role="region" tabindex="0"><table class="gba-table">
<caption class="gba-caption"><span class="gba-number">Table 3</span>. Case catalogue <a class="permalink" href="#tab-2-3">#</a></caption>
<thead><tr><th>Id</th><th>Case</th></tr></thead>
<tbody><tr><td>C2022-03</td><td>Luohu e-CNY pilot</td></tr><tr><td>C2022-05</td><td>Yuancang blockchain</td></tr></tbody>
</table></div><p class="gba-source">Source: the report</p>
<details class="gba-made"><summary>How this was made</summary><ul><li>gba_utils.analysis.catalogue</li></ul></details></div>
<p>Text after the table still belongs to its section.</p>
<figure class="gba-figure" id="fig-2-1"><div class="gba-figure-scroll"><svg role="img" aria-label="Cases per city: Guangzhou 20">
<text>axis label</text><path d="M0 0"/></svg></div><figcaption><p class="gba-caption"><span class="gba-number">Figure 1</span>.
Cases by city</p><p class="gba-takeaway"><a href="f.svg">SVG</a></p>
<details class="gba-data-table"><summary>Data</summary><table><tr><td>hidden number 999</td></tr></table></details>
</figcaption></figure>
<h3 id="Empty">A heading with nothing under it</h3>
<h3 id="Last">Last<br>words</h3><p hidden>not shown</p><p>Final text.</p>
</main>
<footer class="site-footer">Footer text</footer>
</body></html>
"""


def test_a_page_is_cut_into_sections_tables_and_figures_as_readers_see_them():
    found = search.page_documents(PAGE, "en/02_cases.html")
    assert found["url"] == "en/02_cases.html" and found["lang"] == "en" and found["title"] == "Chapter 2: the cases"
    docs = {d["a"]: d for d in found["docs"]}
    assert list(docs) == ["", "Recounting", "tab-2-3", "fig-2-1", "Empty", "Last"]
    assert docs[""]["t"] == "Opening text about the cases."  # no hidden h1, no downloads, whitespace collapsed
    rec = docs["Recounting"]
    assert rec["h"] == "Recounting the counts"
    assert rec["t"] == (
        "The Luohu pilot is named 罗湖数字人民币试点 in the report. Text after the table still belongs to its section."
    )
    start = rec["t"].index("罗湖")
    assert rec["x"] == [[start, 9, "zh-Hans"]]  # the run kept in Chinese is marked, as the page marks it
    table = docs["tab-2-3"]
    assert table["h"] == "Table 3. Case catalogue"  # the caption, without its permalink
    assert table["t"] == "Id · Case | C2022-03 · Luohu e-CNY pilot | C2022-05 · Yuancang blockchain"
    figure = docs["fig-2-1"]
    assert figure["h"] == "Figure 1. Cases by city"
    assert figure["t"] == "Cases per city: Guangzhou 20"  # the alt text, not the SVG's labels nor its data table
    assert docs["Empty"] == {"a": "Empty", "h": "A heading with nothing under it", "t": ""}
    assert docs["Last"]["h"] == "Last words" and docs["Last"]["t"] == "Final text."
    everything = json.dumps(found, ensure_ascii=False)
    for left_out in ("How this was made", "hidden number", "axis label", "not shown", "Source: the report", "Footer",
                     "notText", "SVG", "¶", "#", "Next"):  # fmt: skip
        assert left_out not in everything, left_out


def test_the_index_script_is_escaped_and_byte_stable():
    evil = '</script><script>window.__xss=1</script><!-- <img src=x onerror="x()"> & \u2028'
    a = {"url": "zh/a.html", "title": "A", "lang": "zh-Hans", "docs": [{"a": "s", "h": evil, "t": evil}]}
    b = {"url": "en/b.html", "title": "B", "lang": "en", "docs": [{"a": "", "h": "", "t": "plain"}]}
    script = search.index_script([a, b])
    assert script == search.index_script([b, a])  # pages in path order whatever order they come in
    text = script.decode("utf-8")
    assert not re.search(r"[<>&\u2028\u2029]", text.split("\n", 1)[1])  # after the comment line: no raw < > & or LS
    payload = json.loads(text.split(" = ", 1)[1].rstrip(";\n"))  # the escapes are JSON escapes: the data survive
    assert [p["url"] for p in payload["pages"]] == ["en/b.html", "zh/a.html"]
    assert payload["docs"][1]["t"] == evil and payload["docs"][1]["p"] == 1
    assert payload["pages"][1]["kind"] == "chapter"
    assert text.startswith("/*") and f"window.{search.GLOBAL} = " in text and "\r" not in text
    # escaping on its own: a </script> in the data cannot end the script that carries it
    assert search.js_escape('"</script>"') == '"\\u003c/script\\u003e"'


def test_documents_are_kept_per_page_and_read_again_only_when_the_page_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "en" / "02_cases.html").write_text(PAGE, encoding="utf-8")
    first = search.write_index(site, ["en/02_cases.html"])
    memos = list((tmp_path / "build" / "cache" / "search").glob("*.json"))
    assert len(memos) == 1
    memos[0].write_text(memos[0].read_text(encoding="utf-8").replace("Final text.", "From the memo."), encoding="utf-8")
    assert b"From the memo." in search.write_index(site, ["en/02_cases.html"])  # same page bytes: the memo is used
    (site / "en" / "02_cases.html").write_text(PAGE.replace("Final text.", "New text."), encoding="utf-8")
    again = search.write_index(site, ["en/02_cases.html"])
    assert b"New text." in again and b"From the memo." not in again and again != first
    assert (site / search.INDEX_FILE).read_bytes() == again


def test_which_pages_are_indexed():
    assert search.indexed(Job.from_page("zh/02_cases.html"))
    assert search.indexed(Job.from_page("en/index.html"))
    assert search.indexed(Job.from_page("en/10_city_profile__city-shenzhen.html"))
    assert not search.indexed(Job.from_page("en/02_cases__city-shenzhen.html"))  # a view repeats its chapter


def _table_output(key: str, anchor: str, headers: list[str]) -> nbformat.NotebookNode:
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    html = (
        f'<div class="gba-table-wrap" id="{anchor}"><div class="gba-scroll"><table class="gba-table">'
        f"<thead><tr>{head}</tr></thead><tbody><tr>{'<td>x</td>' * len(headers)}</tr></tbody></table></div></div>"
    )
    return nbformat.v4.new_output(
        "display_data", data={"text/html": html}, metadata={"gba": {"kind": "table", "key": key, "anchor": anchor}}
    )


def test_explorable_tables_are_marked_with_their_filter_columns():
    en = languages.get("en")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("R.table(...)")
    cols = ["Id", "Case", "Tier", "Domain", "Level", "City", "Applicant", "Technologies"]
    cell.outputs = [_table_output("cases-catalogue", "tab-2-3", cols), _table_output("cases-recount", "tab-2-1", ["A"])]
    nb.cells = [cell]
    assert pages.mark_explorable(nb, en)
    marked, plain = cell.outputs[0].data["text/html"], cell.outputs[1].data["text/html"]
    assert '<div class="gba-table-wrap" id="tab-2-3" data-explore-selects="5 3 2 4 7" data-explore-lists="7">' in marked
    assert "data-explore" not in plain  # a table the registry does not open stays as it was
    nb.cells[0].outputs = [_table_output("cases-recount", "tab-2-1", ["A"])]
    assert not pages.mark_explorable(nb, en)


def test_an_explore_entry_naming_a_missing_column_is_an_error(monkeypatch):
    from dataclasses import replace

    monkeypatch.setitem(BY_KEY, "cases-catalogue", replace(BY_KEY["cases-catalogue"], explore=Explore(("region_code",))))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("R.table(...)")
    cell.outputs = [_table_output("cases-catalogue", "tab-2-3", ["Id", "Case", "City"])]
    nb.cells = [cell]
    with pytest.raises(ValueError, match=r"table 'cases-catalogue': explore names the column 'region_code'"):
        pages.mark_explorable(nb, languages.get("en"))


def test_every_explore_entry_names_columns_with_headers_in_every_language():
    for item in ITEMS:
        if item.explore is None:
            continue
        assert set(item.explore.lists) <= set(item.explore.selects), item.key
        for code in languages.LANGS:
            heads = languages.get(code).columns
            assert all(k in heads for k in item.explore.selects), (item.key, code)


def test_the_scripts_strings_come_from_the_language_records_and_are_safe_in_a_script():
    for code in languages.LANGS:
        lang = languages.get(code)
        strings = json.loads(pages.script_strings(lang))
        assert strings["search_none"] == lang.ui["search_none"] and strings["list_sep"] == lang.list_sep
        assert set(strings["lang_names"]) == {languages.get(c).html_lang for c in languages.LANGS}
        assert "<" not in pages.script_strings(lang)


@pytest.mark.parametrize(("name", "file", "version", "licence"), [
    ("minisearch", "minisearch.umd.js", "7.2.0", "Luca Ongaro"),
    ("datatables", "dataTables.min.js", "3.1.5", "SpryMedia"),
])  # fmt: skip
def test_vendored_libraries_are_the_pinned_unmodified_releases(name, file, version, licence):
    folder = paths.TEMPLATES / "vendor" / name
    record = (folder / "VERSION").read_text(encoding="utf-8")
    assert f"{file} sha256: {hashlib.sha256((folder / file).read_bytes()).hexdigest()}" in record
    assert version in record.splitlines()[0]
    text = (folder / "LICENSE").read_text(encoding="utf-8")
    assert "MIT" in text or "Permission is hereby granted" in text
    assert licence in text
