"""Citing the work and its parts: CITATION.cff and .zenodo.json, BibTeX escaping, the citation beside every figure and
table, a table's CSV taken from its HTML. No kernel, no browser."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from gba_utils import languages, paths
from gba_utils.pipeline import exhibits

ROOT = paths.ROOT
SCHEMA = Path(__file__).parent / "vendor" / "cff-schema" / "schema-1.2.0.json"


class _CffLoader(yaml.SafeLoader):
    """YAML as cffconvert reads it: timestamps stay text (the schema wants dates as strings)."""


_CffLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def cff_problems(text: str) -> list[str]:
    """What `cffconvert --validate` reports, as messages (empty when valid): the CFF 1.2.0 schema, with formats."""
    data = yaml.load(text, Loader=_CffLoader)
    if not isinstance(data, dict):
        return ["not a YAML mapping"]
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def cff() -> dict:
    return yaml.load((ROOT / "CITATION.cff").read_text(encoding="utf-8"), Loader=_CffLoader)


def test_citation_cff_is_valid_cff_1_2_0():
    assert cff_problems((ROOT / "CITATION.cff").read_text(encoding="utf-8")) == []


def test_the_cff_check_keeps_the_format_checkers_its_schema_uses():
    """pytest loads gba_utils.lean_imports first, which blocks only what the iri formats need: the uri and date checks
    of the CFF schema still run (a checker that is missing passes every value without a word)."""
    checkers = jsonschema.FormatChecker().checkers
    assert {"uri", "date"} <= set(checkers)
    broken = (ROOT / "CITATION.cff").read_text(encoding="utf-8").replace("https://", "https:// not a uri ")
    assert any("is not a 'uri'" in p for p in cff_problems(broken))
    assert "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None, "the 1 s import was not skipped"


def test_the_cff_check_catches_what_cffconvert_would():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert cff_problems(text.replace("cff-version: 1.2.0", "cff-version: 1.2")), "a wrong cff-version passes"
    assert cff_problems(re.sub(r"(?m)^authors:\n  - name: .*\n", "", text)), "a CFF without authors passes"
    assert cff_problems(text.replace("license: CC-BY-4.0", "license: CC-BY")), "an unknown licence id passes"
    assert cff_problems(text.replace("type: dataset", "type: report")), "a wrong type passes"


def test_the_vendored_schema_is_the_recorded_file():
    import hashlib

    record = (SCHEMA.parent / "VERSION").read_text(encoding="utf-8")
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() in record and "cffconvert 2.0.0" in record


def test_citation_names_this_reproduction_and_the_report():
    meta = cff()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["version"] == project["version"]
    assert meta["title"] == languages.get("en").ui["site_title"]  # the title the site gives itself
    assert meta["license"] == "CC-BY-4.0"
    assert [a["name"] for a in meta["authors"]] == [languages.get("en").ui["cite_authors"]]
    assert "The GBA digital governance reproduction contributors" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    report, code, echarts = meta["references"]
    assert report["type"] == "report" and report["year"] == 2022
    assert report["title"] == "粤港澳大湾区数字治理研究报告2022" == languages.get("zh").ui["cite_report_title"]
    assert languages.get("en").ui["cite_report_title"] in report["notes"]
    names = " ".join(a["name"] for a in report["authors"])
    assert "PwC China" in names and "中山大学数字治理研究中心" in names
    assert code["license"] == "MIT" and code["version"] == project["version"]
    assert echarts["license"] == "Apache-2.0" and echarts["version"] == "4.9.0"
    licence = languages.get("en").ui["licence_text"]  # the footer says the same
    assert "CC BY 4.0" in licence and "MIT" in licence


def test_zenodo_json_is_valid_and_agrees_with_citation_cff():
    record = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    meta = cff()
    assert record["title"] == meta["title"] and record["version"] == meta["version"]
    assert [c["name"] for c in record["creators"]] == [a["name"] for a in meta["authors"]]
    assert record["license"].lower() == meta["license"].lower()
    assert record["upload_type"] == "dataset" == meta["type"]
    assert record["keywords"] == meta["keywords"]
    assert record["description"] and all(r["identifier"] and r["relation"] for r in record["related_identifiers"])
    assert {r["identifier"] for r in record["related_identifiers"]} == {meta["references"][0]["url"]}


# ------------------------------------------------------------------ BibTeX


def test_bibtex_escapes_what_bibtex_reads_as_syntax():
    assert exhibits.bibtex_escape("a {b} 50% & #1 x_y $ ^ ~ \\") == (r"a \{b\} 50\% \& \#1 x\_y \$ \^{} \~{} \textbackslash{}")
    entry = exhibits.bibtex("misc", "k", [("title", "}{ unbalanced { %"), ("note", "")], authors=("A & B",))
    body = entry.split("\n", 1)[1]
    unescaped = re.sub(r"\\[{}]", "", body)
    assert unescaped.count("{") == unescaped.count("}") - 1  # the closing brace of the entry
    assert "note" not in entry and r"{{A \& B}}" in entry


def _block(lang: str, title: str) -> str:
    place = {"page": "en/02_cases.html#fig-2-1", "page_title": "Chapter 2 <b>", "version": "abc123"}
    return exhibits._cite_block(languages.get(lang), "figure", "Figure 1", title, place)


def test_a_citation_escapes_titles_for_html_and_bibtex():
    block = _block("en", "Cases in <script>alert(1)</script> & {Zhuhai}_50%#")
    assert "<script>" not in block and "&lt;script&gt;" in block and "<b>" not in block
    bib = block.split('<pre class="gba-bibtex"><code>')[1]
    assert r"\{Zhuhai\}\_50\%\#" in bib and r"\&amp;" in bib  # BibTeX-escaped, then HTML-escaped
    assert "en/02\\_cases.html\\#fig-2-1" in bib and "abc123" in bib
    line = re.search(r'<p class="gba-cite-line">(.*?)</p>', block).group(1)
    assert "<code>en/02_cases.html#fig-2-1</code>" in line and "<code>abc123</code>" in line


def test_a_citation_is_in_the_page_language_and_marks_the_other_script():
    zh, en = _block("zh", "按城市的案例数"), _block("en", "Cases by city (深圳)")
    assert "引用本图" in zh and "数据版本" in zh and "Cite this figure" not in zh
    assert "Cite this figure" in en and "data version" in en
    assert '<span lang="zh-Hans">深圳</span>' in en


def test_the_front_page_citations_name_the_work_in_each_language():
    for code in languages.LANGS:
        lang = languages.get(code)
        entries = exhibits.work_citations(lang, "abc123", "0.1.0")
        assert [e["key"] for e in entries] == ["reproduction", "dataset", "report"]
        text = "".join(e["bibtex"] for e in entries)
        assert "abc123" in text and "0.1.0" in text and "year        = {2022}" in text
        assert lang.ui["publisher_sysu"] in text and lang.ui["cite_report_title"] in text


# ------------------------------------------------------------------ a table's CSV


def test_a_tables_csv_is_read_from_its_html_and_is_safe_for_spreadsheets():
    html = (
        '<div class="gba-table-wrap" id="tab-2-1"><table class="gba-table"><caption>Table 1 <a>#</a></caption>'
        '<thead><tr><th scope="col">Case</th><th>Value</th></tr></thead><tbody>'
        '<tr><td><a href="x.html">A &amp; <span lang="zh-Hans">深圳</span></a></td><td class="num">-3</td></tr>'
        "<tr><td>=HYPERLINK(1)</td><td>+5.0 %</td></tr><tr><td>two<br>lines</td><td>@x</td></tr></tbody></table></div>"
    )
    rows = exhibits.table_rows(html)
    assert rows == [["Case", "Value"], ["A & 深圳", "-3"], ["=HYPERLINK(1)", "+5.0 %"], ["two lines", "@x"]]
    assert exhibits.csv_text(rows).splitlines() == ["Case,Value", "A & 深圳,-3", "'=HYPERLINK(1),'+5.0 %", "two lines,'@x"]


def test_a_figures_csv_loses_a_bare_row_number_column_only():
    assert exhibits._figure_csv(",City,Cases\n0,Shenzhen,3\n1,Zhuhai,2\n") == "City,Cases\nShenzhen,3\nZhuhai,2\n"
    kept = ",Government,Society\nShenzhen,3,1\nZhuhai,2,0\n"  # a crosstab's row labels are data
    assert exhibits._figure_csv(kept) == kept
    shown = exhibits._data_table(",City,Cases\n0,Shenzhen,3\n", languages.get("en"))  # the page's table agrees
    assert '<th scope="col"></th>' not in shown and "<td>0</td>" not in shown and "Shenzhen" in shown


@pytest.mark.parametrize("code", languages.LANGS)
def test_every_citation_word_is_in_the_language_record(code):
    lang = languages.get(code)
    for key in ("cite_exhibit", "cite_where", "cite_note", "cite_work_note"):
        assert key in lang.text
    for key in ("cite_figure", "cite_table", "take_table", "pdf_link", "pdf_contents", "cite_authors"):
        assert lang.ui[key]
