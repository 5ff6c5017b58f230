"""The built site in a real browser (Debian's Chromium, driven by Playwright; no browser download).

Runs with a font configuration that holds no CJK font, like a reader's machine without
one: Chinese must still be drawn, from the site's own web font. Skips with a message
when Chromium is not installed.
"""

from __future__ import annotations

import html as htmllib
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from helpers import read_rows, set_cell, shared_site, write_rows

from gba_utils.pipeline import orchestrate as pipeline
from gba_utils.pipeline.pdf import ARGS as CHROMIUM_ARGS

CHROMIUM = os.environ.get("GBA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip(
        "browser tests need Chromium: `apt-get install chromium` (Debian) or set GBA_CHROMIUM=/path/to/chromium",
        allow_module_level=True,
    )
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the Python package; no browser download)")

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

#: Chromium's command line: the one the PDF editions are printed with
ARGS = CHROMIUM_ARGS


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The whole site (what `make reports` makes), built into build/test-site and kept there (see helpers.shared_site)."""
    return shared_site(tmp_path_factory.mktemp("site"))


def site_pages() -> list[str]:
    """Every page the whole site holds, known before it is built: the root chooser, then per language its front
    page, every chapter and a profile per city."""
    from gba_utils.pipeline.plan import plan

    return ["index.html", *sorted(j.page for j in plan(city_profiles=True))]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    fonts = tmp_path_factory.mktemp("fonts")
    dirs = "".join(f"<dir>{d}</dir>" for d in ("/usr/share/fonts/truetype/dejavu",) if Path(d).exists())
    (fonts / "fonts.conf").write_text(f'<?xml version="1.0"?><fontconfig>{dirs}<cachedir>{fonts}/cache</cachedir></fontconfig>')
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts / "fonts.conf")}
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, env=env, headless=True)
        yield b
        b.close()


def pages(site: Path) -> list[Path]:
    from gba_utils.contents import CHAPTERS, FRONT
    from gba_utils.data.codes import city_codes

    found = sorted(site.rglob("*.html"))
    # the root chooser, then per language: its front page, every chapter and a profile per city
    assert len(found) == 1 + 2 * len((FRONT,) + CHAPTERS) + 2 * len(city_codes())
    return found


def visit(browser, path: Path, width: int = 1366):
    """Open a page; return (page, console errors, requests that left the file system)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file://", "data:")) else None)
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")
    return page, errors, outside


#: Text a reader meets (text nodes, SVG tooltips, alt, title and aria-label) in the language of its nearest
#: ``lang`` attribute: CJK in English text, English words (4+ lower-case letters; codes and acronyms pass) in
#: Chinese text, and half-width punctuation right after a Chinese character. Code elements are exempt.
LANGUAGE_SLIPS = r"""() => {
  const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;
  const WORD = /\b[a-z]{4,}\b/;
  const HALF = /[\u3400-\u9fff][,:;?!]/;
  const slips = [];
  const exempt = el => el.closest('code, pre, kbd, samp, script, style');
  const look = (text, el, where) => {
    const lang = ((el.closest('[lang]') || {}).getAttribute?.('lang') || '').toLowerCase();
    const t = text.trim();
    if (!t) return;
    if (lang.startsWith('en') && CJK.test(t)) slips.push(['CJK in English', where, t.slice(0, 60)]);
    if (lang.startsWith('zh') && WORD.test(t)) slips.push(['English in Chinese', where, t.slice(0, 60)]);
    if (lang.startsWith('zh') && HALF.test(t)) slips.push(['half-width punctuation', where, t.slice(0, 60)]);
  };
  const walk = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const el = walk.currentNode.parentElement;
    if (el && !exempt(el)) look(walk.currentNode.data, el, el.tagName.toLowerCase());
  }
  for (const el of document.querySelectorAll('[alt], [title], [aria-label]'))
    for (const a of ['alt', 'title', 'aria-label'])
      if (el.hasAttribute(a) && !exempt(el)) look(el.getAttribute(a), el, '@' + a);
  return slips;
}"""

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
AXE_RUN = """async tags => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => [v.id, v.nodes.length, v.nodes.slice(0, 2).map(n => n.target.join(' '))]);
}"""


def test_the_site_holds_exactly_the_planned_pages(site):
    assert [p.relative_to(site).as_posix() for p in pages(site)] == sorted(site_pages())


def check_page(site: Path, browser, rel: str) -> None:
    """One visit per width: no error, no request out, images decode, every text in the page's language (or marked),
    no page-wide sideways scrolling on a phone, and zero axe-core violations (WCAG 2.2 A/AA and best practice) at
    1366 px and 390 px."""
    axe = AXE.read_text(encoding="utf-8")
    path, name = site / rel, rel
    for width in (1366, 390):
        page, errors, outside = visit(browser, path, width)
        assert not errors, (name, errors)
        assert not outside, (name, outside)
        broken = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length")
        assert broken == 0, name
        assert all(page.evaluate("[...document.images].map(i => i.alt)")), name
        if width == 1366:
            assert page.evaluate(LANGUAGE_SLIPS) == [], name
        else:
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways on a phone"
            assert page.evaluate(LAST_LINE) != 1, f"{name}: the site's title leaves one character alone on a line"
        page.add_script_tag(content=axe)
        assert page.evaluate(AXE_RUN, AXE_TAGS) == [], (name, width)
        page.close()


#: How many characters the last line of the site's title holds (0 when the page has none).
LAST_LINE = """() => {
  const el = document.querySelector('.site-title');
  const text = el && el.firstChild;
  if (!text || text.nodeType !== Node.TEXT_NODE) return 0;
  const tops = [];
  for (let i = 0; i < text.length; i++) {
    const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
    const box = r.getBoundingClientRect();
    if (box.width && text.data[i].trim()) tops.push(Math.round(box.top));
  }
  return tops.filter(t => t === Math.max(...tops)).length;
}"""


# Every page is checked by one of the two classes below, one per language. `make test` runs pytest-xdist with
# --dist loadscope, which hands each class to a worker as a whole (and each file's other tests to one worker), so the
# two editions are checked side by side. (--dist loadgroup would say this with marks, but pytest 9.2 breaks it:
# pytest-dev/pytest-xdist#1386.)
class TestEveryChinesePage:
    @pytest.mark.parametrize("rel", [p for p in site_pages() if not p.startswith("en/")])
    def test_loads_offline_reads_in_its_language_and_passes_axe_at_two_widths(self, site, browser, rel):
        check_page(site, browser, rel)


class TestEveryEnglishPage:
    @pytest.mark.parametrize("rel", [p for p in site_pages() if p.startswith("en/")])
    def test_loads_offline_reads_in_its_language_and_passes_axe_at_two_widths(self, site, browser, rel):
        check_page(site, browser, rel)


def test_the_language_check_catches_slips(site, browser):
    """The check above fails on what it is meant to catch (a check that cannot fail proves nothing)."""
    page, _, _ = visit(browser, site / "en" / "00_overview.html")
    page.evaluate(
        """() => {
        const p = document.createElement('p'); p.textContent = '超过7000万'; document.querySelector('main').append(p);
        const q = document.createElement('p'); q.lang = 'zh-Hans'; q.textContent = '城市: 深圳 and more words';
        document.querySelector('main').append(q);
        const ok = document.createElement('span'); ok.lang = 'zh-Hans'; ok.textContent = '深圳市'; p.append(ok);
    }"""
    )
    kinds = sorted({k for k, _, _ in page.evaluate(LANGUAGE_SLIPS)})
    assert kinds == ["CJK in English", "English in Chinese", "half-width punctuation"]
    page.close()


def test_vendored_axe_is_the_pinned_unmodified_release():
    import hashlib

    record = (AXE.parent / "VERSION").read_text(encoding="utf-8")
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() in record and "4.14.1" in record
    assert "Mozilla Public License" in (AXE.parent / "LICENSE").read_text(encoding="utf-8")


def test_every_figure_is_sharp_and_can_be_opened_full_size(site, browser):
    for path in [site / lang / f"{n}.html" for lang in ("zh", "en") for n in ("index", "01_background", "02_cases")]:
        page, _, _ = visit(browser, path, 390)
        figures = page.evaluate(
            """() => [...document.querySelectorAll('figure.gba-figure')].map(f => ({
              id: f.id, vector: !!f.querySelector('svg'), caption: !!f.querySelector('figcaption'),
              full: [...f.querySelectorAll('a[href]')].some(a => a.getAttribute('href').endsWith('.svg')),
              img: [...f.querySelectorAll('img')].map(i => i.naturalWidth / i.getBoundingClientRect().width),
            }))"""
        )
        assert figures, path.name
        for f in figures:
            assert f["caption"] and f["full"], (path.name, f)
            assert f["vector"] or all(r >= 2 for r in f["img"]), (path.name, f)
        page.close()


#: Each figure and table as the reader meets it: its permalink, its take-away links and its citation.
EXHIBITS = r"""() => [...document.querySelectorAll('figure.gba-figure, .gba-table-wrap[id]')].map(f => {
  const cap = f.querySelector('.gba-caption, caption');
  const cite = f.querySelector(':scope > figcaption > details.gba-cite, :scope > details.gba-cite');
  return {
    id: f.id, figure: f.tagName === 'FIGURE',
    number: cap && cap.querySelector('.gba-number') ? cap.querySelector('.gba-number').textContent : '',
    caption: cap ? cap.textContent : '',
    permalink: [...f.querySelectorAll('a.permalink')].map(a => a.getAttribute('href')),
    take: Object.fromEntries([...f.querySelectorAll('.gba-takeaway a[download]')].map(a =>
      [a.textContent.trim(), a.href])),
    dataHead: [...f.querySelectorAll('.gba-data-table thead th')].map(th => th.textContent.trim()),
    cite: cite ? {summary: cite.querySelector('summary').textContent, open: cite.open} : null,
  };
})"""


def test_every_figure_and_table_offers_its_image_data_and_citation(site, browser):
    """Every figure offers SVG, PNG and CSV files that exist and are what they say, and every table its CSV; each has
    a short permalink that takes keyboard focus, and a citation (line and BibTeX, in the page's language) naming its
    number, title, permalink and data version, shown when the reader opens it."""
    from gba_utils import languages
    from gba_utils.contents import CHAPTERS, FRONT

    seen = {"figure": 0, "table": 0}
    for code in ("zh", "en"):
        ui = languages.get(code).ui
        for name in (FRONT, *CHAPTERS):
            path = site / code / f"{name}.html"
            page, errors, _ = visit(browser, path, 390)
            version = page.get_attribute('meta[name="gba-data-version"]', "content")
            for ex in page.evaluate(EXHIBITS):
                where = (code, name, ex["id"])
                kind = "figure" if ex["figure"] else "table"
                seen[kind] += 1
                assert re.fullmatch(r"(fig|tab)-(\d+|index)-\d+", ex["id"]), where  # short, readable, not percent-encoded
                assert ex["permalink"] == [f"#{ex['id']}"], where
                link = page.locator(f'[id="{ex["id"]}"] a.permalink').first
                link.focus()
                assert link.evaluate("a => a === document.activeElement"), where
                box = link.bounding_box()
                assert box and box["width"] >= 16 and box["height"] >= 16, (where, box)
                files = {k: Path(unquote(urlparse(v).path)) for k, v in ex["take"].items()}
                if ex["figure"]:
                    assert set(files) == {"SVG", "PNG", "CSV"}, (where, files)
                    assert files["PNG"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", where
                    svg = files["SVG"].read_text(encoding="utf-8")
                    assert svg.startswith("<?xml") and "<svg" in svg and "</svg>" in svg, where
                else:
                    assert set(files) == {"CSV"}, (where, files)
                csv_head = files["CSV"].read_text(encoding="utf-8").splitlines()[0]
                if ex["dataHead"]:
                    assert csv_head.split(",") == ex["dataHead"], (where, csv_head, ex["dataHead"])
                assert ex["cite"] == {"summary": ui[f"cite_{kind}"], "open": False}, (where, ex["cite"])
                block = page.locator(f'[id="{ex["id"]}"] details.gba-cite').first
                block.locator("summary").click()
                line = block.locator(".gba-cite-line")
                assert line.is_visible() and block.locator("pre.gba-bibtex").is_visible(), where
                text, bib = line.inner_text(), block.locator("pre.gba-bibtex").inner_text()
                for part in (ex["number"], f"{code}/{name}.html#{ex['id']}", version):
                    assert part and part in text and part.replace("_", "\\_").replace("#", "\\#") in bib, (where, part)
                title = ex["caption"].split(ex["number"], 1)[-1].rstrip("#").strip(" .:：。")
                assert title[:12] in text, (where, title, text)
                assert bib.startswith("@misc{") and "title" in bib and version in bib, where
            assert not errors, (code, name, errors)
            page.close()
    assert seen["figure"] >= 10 and seen["table"] >= 10, seen


def test_table_headers_stick_while_the_table_scrolls(site, browser):
    for width in (1366, 390):
        page, _, _ = visit(browser, site / "en" / "02_cases.html", width)
        region = page.locator(".gba-scroll").filter(has=page.locator("tbody tr:nth-child(30)")).first
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
        assert region.get_attribute("aria-labelledby") or region.get_attribute("aria-label")
        region.evaluate("r => r.scrollTop = 600")
        box, head = region.bounding_box(), region.locator("thead th").first.bounding_box()
        assert region.evaluate("r => r.scrollTop") >= 600, "the region does not scroll"
        assert abs(head["y"] - box["y"]) <= 2, (width, head, box)
        page.close()


def test_a_chapter_prints_with_page_numbers(site, browser, tmp_path):
    from pypdf import PdfReader

    for path in (site / "en" / "03_problems.html", site / "zh" / "02_cases.html"):
        page, _, _ = visit(browser, path)
        pdf = tmp_path / f"{path.parent.name}-{path.stem}.pdf"
        pdf.write_bytes(page.pdf(prefer_css_page_size=True))
        page.close()
        reader = PdfReader(pdf)
        n = len(reader.pages)
        assert 2 <= n <= 30, n  # a chapter prints in a sensible number of A4 pages
        for i, sheet in enumerate(reader.pages, 1):
            assert re.search(rf"(^|\n)\s*{i}\s*/\s*{n}\s*($|\n)", sheet.extract_text()), (pdf.name, i)
        assert abs(float(reader.pages[0].mediabox.width) - 595) < 2  # A4


def test_every_internal_link_resolves(site):
    for path in pages(site):
        html = path.read_text(encoding="utf-8")
        for href in map(htmllib.unescape, re.findall(r'href="([^"]+)"', html)):
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            url = urlparse(href)
            target = (path.parent / unquote(url.path)).resolve() if url.path else path
            assert target.exists(), (path.name, href)
            if url.fragment and target.suffix == ".html":
                text = target.read_text(encoding="utf-8")  # browsers match the raw fragment first, then the decoded one
                assert f'id="{url.fragment}"' in text or f'id="{unquote(url.fragment)}"' in text, (path.name, href)


def test_twins_link_each_other(site):
    for path in (site / "zh").glob("*.html"):
        twin_href = re.search(r'<a class="twin"[^>]*href="([^"]+)"', path.read_text(encoding="utf-8")).group(1)
        twin = (path.parent / twin_href).resolve()
        assert twin == (site / "en" / path.name).resolve()
        back = re.search(r'<a class="twin"[^>]*href="([^"]+)"', twin.read_text(encoding="utf-8")).group(1)
        assert (twin.parent / back).resolve() == path.resolve()


def test_chinese_is_drawn_with_the_bundled_web_font(site, browser):
    page, _, _ = visit(browser, site / "zh" / "02_cases.html")
    page.evaluate("document.fonts.load('16px \"GBA Noto Sans SC\"', '广州深圳')")
    assert page.evaluate("document.fonts.check('16px \"GBA Noto Sans SC\"', '广州深圳')")
    measure = """f => { const c = document.createElement('canvas').getContext('2d'); c.font = f; return c.measureText('广州深圳').width; }"""
    with_font = page.evaluate(measure, '16px "GBA Noto Sans SC"')
    fallback = page.evaluate(measure, "16px monospace")
    assert 60 <= with_font <= 68, with_font  # four full-width glyphs at 16 px
    used = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert used.startswith('"GBA Noto Sans SC"')
    page.close()
    assert fallback < 60, f"the test machine has a CJK system font ({fallback}px): the no-CJK condition is not met"


def test_text_from_data_is_escaped(tmp_path, data_copy, browser, monkeypatch):
    """Text from the data that tries to run stays text: in the page, the search index and its results, the table
    explorer's rows and menus, and the charts' tooltips (a city on the map, a cell of a heatmap)."""
    from gba_utils import paths

    # a build folder of its own, so nothing made from this marked-up data is ever in the shared one (where each data
    # folder's runs are kept apart too, cache.scope: this page has the default page's name, en/02_cases)
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    evil = '<script>window.__xss = 1</script><img src=x onerror="window.__xss=2">'
    set_cell(data_copy / "cases.csv", "case_id", "C2022-10", "name_en", f"Zyxwv {evil}")
    tech = '<img src=y onerror="window.__xss=3">Blockchain'
    rows = read_rows(data_copy / "labels.csv")
    for row in rows:
        if row[:2] == ["technology", "blockchain"]:
            row[3] = tech
    write_rows(data_copy / "labels.csv", rows)
    city = 'Shenzhen<img src=z onerror="window.__xss=4">'
    set_cell(data_copy / "cities.csv", "city_code", "shenzhen", "name_en", city)
    site = tmp_path / "site"
    summary = pipeline.build(["02_cases"], langs=("en",), params={"data_dir": str(data_copy)}, site=site, jobs=1, progress=False)
    assert summary.ok, summary.render()
    index = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "<script" not in index and "<img" not in index and "\\u003cscript\\u003e" in index

    page, errors, outside = visit(browser, site / "en" / "02_cases.html")
    assert page.evaluate("window.__xss === undefined")
    assert f"Zyxwv {evil}" in page.inner_text("body")

    # search: the result's snippet shows the markup as text
    page.fill("#gba-search-q", "zyxwv")
    page.wait_for_function("() => document.querySelector('form.gba-search').dataset.query === 'zyxwv'")
    results = page.locator(".gba-search-results")
    assert evil in results.inner_text()
    assert results.locator("img, script").count() == 0

    # the explorer: a filtered row and a menu option, as text
    wrap = page.locator("#tab-2-3")
    wrap.get_by_label("Find in the table").fill("zyxwv")
    page.wait_for_function("() => document.querySelectorAll('#tab-2-3 tbody tr').length === 1")
    assert evil in wrap.locator("tbody").inner_text()
    menu = wrap.get_by_label("Technologies", exact=True)
    assert tech in menu.inner_text()
    menu.select_option(tech)
    wrap.locator("thead th").nth(1).locator(".dt-column-order").click()

    # tooltips: the city's link on the map and the heatmap's cells carry the names as text
    titles = page.evaluate("() => [...document.querySelectorAll('svg title')].map(t => t.textContent)")
    assert any(t.startswith(city + ":") for t in titles), "the map's tooltip of the city"
    assert any(t.startswith(tech + " × ") for t in titles), "the technology × domain heatmap's tooltip"
    assert page.locator("figure svg img, figure svg script").count() == 0
    page.locator("#fig-2-6 svg").hover()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss === undefined")

    # the take-away and the citations: every "cite this" opened, nothing runs; the table's CSV holds the name as text
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__xss === undefined") and not page.query_selector("main img[src=x]")
    csvs = page.eval_on_selector_all(".gba-table-wrap .gba-takeaway a[download]", "as => as.map(a => a.href)")
    texts = [Path(unquote(urlparse(h).path)).read_text(encoding="utf-8") for h in csvs]
    assert any(evil.replace('"', '""') in t for t in texts), csvs
    assert not errors and not outside, (errors, outside)
    page.close()


def test_every_map_carries_its_boundary_credit(site):
    """data/geo/SOURCE.md: the attribution goes with every figure made from the boundaries."""
    maps = 0
    for path in pages(site):
        html = path.read_text(encoding="utf-8")
        for figure in re.findall(r'<figure class="gba-figure".*?</figure>', html, flags=re.S):
            if "10_city_profile__city-" in figure.split("<figcaption")[0]:  # the map links each city to its profile
                maps += 1
                assert "Apache ECharts 4.9.0" in figure and "Apache License 2.0" in figure.replace("</span> 2.0", " 2.0")
    assert maps >= 2 + 2 + 2 * 11  # front page and chapter 2 in each language, and every city profile


def test_a_switched_page_says_so_at_its_top_reads_in_its_language_and_passes_axe(tmp_path, data_copy, browser):
    """A page built with a decision switched: the notice at its top names the switch (escaped: labels are data), and
    the page, its sensitivity table and its notes pass the same checks as every other page, in both languages."""
    set_cell(
        data_copy / "decision_alternatives.csv",
        "alternative",
        "by-subject",
        "label_en",
        "<script>window.__xss = 1</script>By subject alone",
    )
    site = tmp_path / "site"
    summary = pipeline.build(
        ["02_cases", "05_audit"],
        params={"data_dir": str(data_copy), "decisions": "D07=by-subject"},
        site=site,
        jobs=2,
        progress=False,
    )
    assert summary.ok, summary.render()
    axe = AXE.read_text(encoding="utf-8")
    for lang in ("zh", "en"):
        for name in ("02_cases__decisions-D07=by-subject.html", "05_audit__decisions-D07=by-subject.html"):
            for width in (1366, 390):
                page, errors, outside = visit(browser, site / lang / name, width)
                assert not errors and not outside, (lang, name, errors, outside)
                assert page.evaluate("window.__xss === undefined")
                notice = page.locator("main > .gba-switched").first
                assert notice.is_visible() and "D07=by-subject" in notice.inner_text()
                box, heading = notice.bounding_box(), page.locator("main h2").first.bounding_box()
                assert box["y"] < heading["y"], "the notice is above the first section"
                if lang == "en":
                    assert "<script>window.__xss = 1</script>By subject alone" in notice.inner_text()
                if width == 1366:
                    assert page.evaluate(LANGUAGE_SLIPS) == [], (lang, name)
                else:
                    assert page.evaluate("document.documentElement.scrollWidth") <= width, (lang, name)
                page.add_script_tag(content=axe)
                assert page.evaluate(AXE_RUN, AXE_TAGS) == [], (lang, name, width)
                page.close()
