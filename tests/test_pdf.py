"""The PDF editions: made by Chromium from the staged pages, part of the published site, cached, byte-stable; a build
without Chromium still publishes the site and says how to get them."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from helpers import shared_site

from gba_utils import languages, paths
from gba_utils.cli import main
from gba_utils.contents import CHAPTERS, EDITION_PAGES, pdf_edition
from gba_utils.pipeline import orchestrate, pdf

pypdf = pytest.importorskip("pypdf")


# ------------------------------------------------------------------ without a browser


def test_without_chromium_the_reason_says_how_to_get_it(monkeypatch):
    monkeypatch.setenv("GBA_CHROMIUM", "/nowhere/chromium")
    why = pdf.missing()
    assert "GBA_CHROMIUM=/nowhere/chromium is not an executable file" in why and "apt-get install chromium" in why
    full = {f"{code}/{name}.html" for code in languages.LANGS for name in EDITION_PAGES}
    assert pdf.planned(full) == {} and pdf.wanted(full) == list(languages.LANGS)


def test_editions_are_planned_only_for_languages_with_every_chapter(monkeypatch):
    if pdf.missing():
        pytest.skip(pdf.missing())
    full = {f"{code}/{name}.html" for code in languages.LANGS for name in EDITION_PAGES}
    assert pdf.planned(full) == {code: pdf_edition(code) for code in languages.LANGS}
    assert list(pdf.planned(full - {f"en/{CHAPTERS[-1]}.html"})) == ["zh"]


def test_gba_report_pdf_without_chromium_fails_with_the_way_to_get_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("GBA_CHROMIUM", "/nowhere/chromium")
    assert main(["pdf", "--out", str(tmp_path / "site"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "apt-get install chromium" in err and "GBA_CHROMIUM" in err and "the site was not changed" in err
    assert not (tmp_path / "site").exists()


def _tiny_pdf(**info) -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_print_font_is_the_same_bytes_whenever_it_is_made(tmp_path, monkeypatch):
    """The print font (the web font with TrueType outlines) is made in each build folder; saved with the clock's time
    in its head table, two build folders printed PDFs that differed in those bytes."""
    from fontTools.misc import timeTools

    from gba_utils.pipeline.assets import FONT_FILE, write_font

    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    (tmp_path / "site" / "assets").mkdir(parents=True)
    write_font(tmp_path / "site", "数字治理GBA")
    woff = (tmp_path / "site" / "assets" / FONT_FILE).read_bytes()
    first = pdf._otf_to_ttf(woff)
    later = timeTools.timestampNow() + 86400 * 400
    monkeypatch.setattr(timeTools, "timestampNow", lambda: later)
    import fontTools.ttLib.tables._h_e_a_d as head

    monkeypatch.setattr(head, "timestampNow", lambda: later, raising=False)
    assert pdf._otf_to_ttf(woff) == first


def test_the_print_dates_are_blanked_in_place():
    one = _tiny_pdf(**{"/Title": "t", "/CreationDate": "D:20261201133537+00'00'", "/ModDate": "D:20261201133539+00'00'"})
    two = one.replace(b"20261201133537", b"20250101000000").replace(b"20261201133539", b"20250101000001")
    fixed = pdf.fix_dates(one)
    assert len(fixed) == len(one) and fixed == pdf.fix_dates(two) and b"CreationDate" not in fixed
    meta = pypdf.PdfReader(io.BytesIO(fixed)).metadata  # offsets still right: the file reads as before
    assert meta.title == "t" and meta.creation_date is None and "/ModDate" not in meta
    assert pdf.fix_dates(_tiny_pdf(**{"/Title": "t"})) == _tiny_pdf(**{"/Title": "t"})


def test_the_edition_keeps_text_from_the_pages_inert_and_escaped_once(tmp_path):
    """Titles and headings reach the contents as text: what a page escaped stays escaped, and is not escaped twice."""
    bad = "&lt;script&gt;window.x=1&lt;/script&gt; &amp; it&#39;s &lt;img src=x onerror=alert(1)&gt;"
    for i, name in enumerate(EDITION_PAGES):
        page = tmp_path / "en" / f"{name}.html"
        page.parent.mkdir(exist_ok=True)
        page.write_text(
            '<html><head><meta name="gba-data-version" content="abc123"></head><body><main id="content">'
            f'<h1 class="page-title">T{i} {bad}</h1><h2 id="s{i}">S{i} {bad}<a class="anchor-link" href="#s{i}">#</a></h2>'
            "</main></body></html>",
            encoding="utf-8",
        )
    text = pdf.edition(tmp_path, "en", "file:///font.ttf").html
    assert "<script>" not in text and "<img src=x" not in text and "&amp;lt;" not in text and "&amp;#39;" not in text
    contents = text.split('<nav class="edition-toc"', 1)[1].split("</nav>", 1)[0]
    for i in range(len(EDITION_PAGES)):
        assert f"T{i} {bad}" in contents and f"S{i} {bad}" in contents, i


def test_chromiums_dom_node_ids_are_renumbered_by_rank():
    """The tagged PDF names structure elements after DOM node ids that shift between prints; by rank they do not."""
    one = b"<</S /TH /ID (node00000239)>> <</S /TH /ID (node00000120)>> /IDTree <</Names [(node00000120) 5 0 R (node00000239) 6 0 R]>>"
    two = one.replace(b"239", b"246").replace(b"120", b"127")
    fixed = pdf.fix_node_ids(one)
    assert fixed == pdf.fix_node_ids(two) and len(fixed) == len(one)
    assert fixed == (
        b"<</S /TH /ID (node00000002)>> <</S /TH /ID (node00000001)>> /IDTree <</Names [(node00000001) 5 0 R (node00000002) 6 0 R]>>"
    )


# ------------------------------------------------------------------ the editions of the whole site

CHROMIUM_MISSING = pdf.missing()
needs_chromium = pytest.mark.skipif(bool(CHROMIUM_MISSING), reason=f"PDF editions cannot be made here: {CHROMIUM_MISSING}")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The whole site as tests/test_browser.py builds it, under the same lock (see helpers.shared_site)."""
    return shared_site(tmp_path_factory.mktemp("site"))


def _reader(site: Path, code: str):
    return pypdf.PdfReader(site / pdf_edition(code))


def _title(site: Path, page: str) -> str:
    text = (site / page).read_text(encoding="utf-8")
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", re.search(r'<h1 class="page-title">(.*?)</h1>', text, re.S).group(1))).strip()


def _page_texts(path: Path) -> list[str]:
    """The text of each page: pdftotext when installed (a second a file), else pypdf (a minute a file, CJK fonts)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return [page.extract_text() for page in pypdf.PdfReader(path).pages]
    import subprocess

    out = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return out.split("\f")[: len(pypdf.PdfReader(path).pages)]  # pdftotext ends every page with a form feed


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@needs_chromium
@pytest.mark.browser
@pytest.mark.kernel
def test_each_language_has_a_pdf_with_every_chapter_contents_and_page_numbers(site):
    for code in languages.LANGS:
        reader = _reader(site, code)
        n = len(reader.pages)
        assert 25 <= n <= 110, (code, n)  # front page and six chapters in a sensible number of A4 pages
        assert abs(float(reader.pages[0].mediabox.width) - 595) < 2
        texts = _page_texts(site / pdf_edition(code))
        assert len(texts) == n, (code, len(texts), n)
        for i, text in enumerate(texts, 1):
            assert re.search(rf"(^|\n)\s*{i}\s*/\s*{n}\s*($|\n)", text), (code, i)
        whole = _squash("".join(texts))
        destinations = pdf.destinations((site / pdf_edition(code)).read_bytes())
        contents = _squash(texts[1])
        for i, name in enumerate(EDITION_PAGES):
            title = _squash(_title(site, f"{code}/{name}.html"))
            assert title in whole, (code, name)
            start = destinations[f"e{i}"]
            assert title in _squash(texts[start - 1]), (code, name, start)  # the chapter starts where it says
            assert re.search(re.escape(title) + r"\.*" + str(start), contents), (code, name, start)  # the contents say so
        assert reader.metadata.title.startswith(languages.get(code).ui["site_title"])
        assert reader.metadata.creation_date is None and "/ModDate" not in reader.metadata
        assert reader.outline, "no bookmarks"
        assert str(reader.trailer["/Root"]["/Lang"]) == languages.get(code).html_lang
    zh = _squash("".join(_page_texts(site / pdf_edition("zh"))))
    assert "粤港澳大湾区" in zh and "案例目录" in zh


def _pdftotext(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext is not installed (Debian: apt-get install poppler-utils; .ci/run installs it)")
    import subprocess

    return subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True).stdout


@needs_chromium
@pytest.mark.browser
@pytest.mark.kernel
def test_pdftotext_reads_every_chapter_title_and_the_chinese_text(site):
    """What a reader's tool gets out of each edition: every chapter's title, Chinese text as Chinese characters
    (a font without its Unicode map, or glyphs drawn as pictures, would give nothing or boxes here), no HTML left over."""
    for code in languages.LANGS:
        text = _pdftotext(site / pdf_edition(code))
        whole = _squash(text)
        for name in EDITION_PAGES:
            title = _squash(_title(site, f"{code}/{name}.html"))
            assert whole.count(title) >= 2, (code, name, "the title is in the contents and at its chapter")
        assert "粤港澳大湾区数字治理研究报告2022" in whole, code  # the report's title, in Chinese in both editions
        assert not re.search(r"&(#\d+|[a-z]+);", text), (code, re.search(r".{0,40}&(#\d+|[a-z]+);.{0,20}", text))
        assert "\ufffd" not in text and "<span" not in text and "</" not in text, code
    zh = _squash(_pdftotext(site / pdf_edition("zh")))
    for words in ("案例目录", "数字政府", "深圳", "问题与不足"):
        assert words in zh, words
    assert len(re.findall(r"[\u4e00-\u9fff]", zh)) > 10000  # the edition is in Chinese, not only its headings


def _fonts(reader) -> dict[str, dict]:
    found = {}
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            found[str(font.get("/BaseFont", font.get("/Name", "Type3")))] = font
    return found


@needs_chromium
@pytest.mark.browser
@pytest.mark.kernel
def test_every_font_is_embedded_and_chinese_is_a_real_font(site):
    for code in languages.LANGS:
        fonts = _fonts(_reader(site, code))
        assert fonts
        for name, font in fonts.items():
            if font["/Subtype"] == "/Type3":
                continue  # glyphs drawn in the file itself
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), (code, name)
        assert any("NotoSansSC" in name for name in fonts), (code, sorted(fonts))
        assert not any(font["/Subtype"] == "/Type3" for font in fonts.values()), "Chinese fell back to Type 3 glyphs"


@needs_chromium
@pytest.mark.browser
@pytest.mark.kernel
def test_the_front_pages_link_both_editions_and_the_manifest_records_them(site):
    import json

    for code in languages.LANGS:
        front = (site / code / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]+\.pdf)"', front)
        assert links == [f"../{pdf_edition(c)}" for c in (code, *languages.others(code))], links
        assert all((site / code / link).resolve().is_file() for link in links)
    root = (site / "index.html").read_text(encoding="utf-8")  # the language chooser offers each PDF in its section
    for code in languages.LANGS:
        section = re.search(rf'<section class="edition" lang="{languages.get(code).html_lang}">(.*?)</section>', root, re.S)
        assert f'<a class="edition-pdf" href="{pdf_edition(code)}"' in section.group(1), code
    manifest = json.loads((site / "site.json").read_text(encoding="utf-8"))
    for code in languages.LANGS:
        record = manifest["pdfs"][pdf_edition(code)]
        assert record["bytes"] == (site / pdf_edition(code)).stat().st_size and record["inputs"]


@needs_chromium
@pytest.mark.browser
@pytest.mark.kernel
def test_a_new_print_is_byte_identical_and_unchanged_inputs_are_carried(site, tmp_path, monkeypatch):
    """Print the editions again from the same pages, in another process of Chromium: the same bytes. Then with the
    manifest's record of the inputs, the build carries the published files and starts no browser."""
    import json

    stage = tmp_path / "stage"
    shutil.copytree(site, stage)
    for code in languages.LANGS:
        (stage / pdf_edition(code)).unlink()
    monkeypatch.setattr(pdf, "_store", lambda: tmp_path / "store")  # an empty store of prints: Chromium prints
    editions = {code: pdf_edition(code) for code in languages.LANGS}
    made = pdf.write_editions(stage, editions, {}, carry=lambda rel: False)
    assert all("printed" in line for line in made.lines), made.lines
    for rel in editions.values():
        assert (stage / rel).read_bytes() == (site / rel).read_bytes(), rel

    async def no_browser(*args):
        raise AssertionError("Chromium was started although nothing changed")

    monkeypatch.setattr(pdf, "_print_all", no_browser)
    previous = json.loads((site / "site.json").read_text(encoding="utf-8"))["pdfs"]
    carried = []
    again = pdf.write_editions(stage, editions, previous, carry=lambda rel: carried.append(rel) or True)
    assert carried == list(editions.values()) and all("cached" in line for line in again.lines)

    # with no site to carry from (a build after --no-pdf builds, an edit undone), the store of prints has them
    for rel in editions.values():
        (stage / rel).unlink()
    kept = pdf.write_editions(stage, editions, {}, carry=lambda rel: False)
    assert all("from the store of prints" in line for line in kept.lines), kept.lines
    assert kept.records == {rel: previous[rel] for rel in editions.values()}
    for rel in editions.values():
        assert (stage / rel).read_bytes() == (site / rel).read_bytes(), rel


def test_the_store_of_prints_gives_back_only_whole_prints_of_the_same_inputs_and_keeps_the_newest(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    record = {"inputs": "a" * 64, "pages": 3, "bytes": 9}
    pdf._keep("en", b"%PDF-1.4\n", record)
    assert pdf._kept("en", "a" * 64) == (b"%PDF-1.4\n", record)
    assert pdf._kept("zh", "a" * 64) is None and pdf._kept("en", "b" * 64) is None
    (tmp_path / "pdf" / "store" / f"en-{'a' * 64}.pdf").write_bytes(b"%PDF-1.")  # cut short
    assert pdf._kept("en", "a" * 64) is None
    for i in range(pdf.KEEP_PRINTS + 2):
        pdf._keep("en", b"%PDF", {"inputs": f"{i:064d}", "pages": 1, "bytes": 4})
    names = sorted(p.name for p in (tmp_path / "pdf" / "store").iterdir())
    newest = [f"{i:064d}" for i in range(2, pdf.KEEP_PRINTS + 2)]
    assert names == sorted([f"en-{d}.json" for d in newest] + [f"en-{d}.pdf" for d in newest]), names


@needs_chromium
@pytest.mark.browser
@pytest.mark.kernel
def test_links_inside_the_edition_stay_inside_and_no_path_of_the_machine_is_in_it(site):
    for code in languages.LANGS:
        data = (site / pdf_edition(code)).read_bytes()
        assert b"file:" not in data and str(paths.ROOT).encode() not in data and b".reports" not in data
        reader = pypdf.PdfReader(io.BytesIO(data))
        uris = {
            str(a.get_object()["/A"].get("/URI"))
            for page in reader.pages
            for a in page.get("/Annots", []) or []
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]
        }
        assert all(u.startswith(("http://", "https://", "mailto:")) for u in uris), uris


@pytest.mark.kernel
def test_a_build_without_chromium_publishes_the_site_and_says_how_to_get_the_pdfs(tmp_path, monkeypatch):
    monkeypatch.setenv("GBA_CHROMIUM", str(tmp_path / "no-chromium-here"))
    # a build folder of its own, seeded with the shared one's runs (so pages re-render rather than execute): another
    # test worker building its site from the shared folder at the same time would otherwise make this site's pages
    # look stale to the second build below
    private = tmp_path / "build"
    for sub in ("cache", "executed", "sensitivity"):
        if (paths.BUILD / sub).is_dir():
            shutil.copytree(paths.BUILD / sub, private / sub, ignore=shutil.ignore_patterns("*.lock", "fastpath.json"))
    monkeypatch.setattr(paths, "BUILD", private)
    site = tmp_path / "site"
    summary = orchestrate.build(site=site, jobs=2, progress=False)
    assert summary.ok and summary.published, summary.render()
    out = summary.render()
    assert "PDF editions not made" in out and "apt-get install chromium" in out and "GBA_CHROMIUM" in out
    assert not (site / "pdf").exists()
    for page in [f"{code}/index.html" for code in languages.LANGS] + ["index.html"]:
        assert ".pdf" not in (site / page).read_text(encoding="utf-8"), page
    again = orchestrate.build(site=site, jobs=2, progress=False)  # nothing to do: still says it
    assert not again.published and "PDF editions not made" in again.render()


@needs_chromium
@pytest.mark.kernel
def test_no_pdf_builds_the_site_without_the_editions_even_where_chromium_is(tmp_path, monkeypatch, capsys):
    private = tmp_path / "build"  # as above: this test's own build folder, seeded with the shared runs
    for sub in ("cache", "executed", "sensitivity"):
        if (paths.BUILD / sub).is_dir():
            shutil.copytree(paths.BUILD / sub, private / sub, ignore=shutil.ignore_patterns("*.lock", "fastpath.json"))
    monkeypatch.setattr(paths, "BUILD", private)

    async def no_browser(*args):
        raise AssertionError("Chromium was started for a build asked to leave the PDF editions out")

    monkeypatch.setattr(pdf, "_print_all", no_browser)
    site = tmp_path / "site"
    assert main(["build", "--no-pdf", "--lang", "en", "--no-progress", "-j", "2", "--out", str(site)]) == 0
    out = capsys.readouterr().out
    assert "PDF editions not made: left out on request (--no-pdf)" in out, out
    assert not (site / "pdf").exists()
    for page in ("en/index.html", "index.html"):
        assert ".pdf" not in (site / page).read_text(encoding="utf-8"), page
