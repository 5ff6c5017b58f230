"""Search and the table explorer in a real browser (Debian's Chromium through Playwright, like tests/test_browser.py):
from file://, with the network switched off, in both editions, by keyboard, at a desktop's and a phone's width, and
with text from the data that tries to run."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import test_browser
from test_browser import AXE, AXE_RUN, AXE_TAGS, LANGUAGE_SLIPS

from gba_utils import languages

pytestmark = [pytest.mark.browser, pytest.mark.kernel]
#: The same fixtures as the site's other browser tests: the whole site (built once, a no-op when current) and Chromium.
site, browser = test_browser.site, test_browser.browser

ZH, EN = languages.get("zh"), languages.get("en")


def offline(chromium, path: Path, width: int = 1366, javascript: bool = True):
    """A page opened from file:// in a context with the network off; returns (page, errors, requests off file://)."""
    context = chromium.new_context(
        viewport={"width": width, "height": 900}, offline=True, java_script_enabled=javascript, service_workers="block"
    )
    page = context.new_page()
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file://", "data:")) else None)
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, outside


def search(page, query: str) -> list[dict]:
    """Type a query into the header's box; return the results as shown (href, lang, label, text, marks)."""
    page.fill("#gba-search-q", query)
    page.wait_for_function(
        "q => document.querySelector('form.gba-search').dataset.query === q && !document.querySelector('.gba-search-panel').hidden",
        arg=query,
    )
    return page.evaluate(
        """() => [...document.querySelectorAll('.gba-search-results a.gba-hit')].map(a => ({
            href: a.getAttribute('href'), lang: a.lang, url: a.href,
            label: (a.querySelector('.gba-hit-lang') || {}).textContent || '',
            where: a.querySelector('.gba-hit-where').textContent,
            marks: [...a.querySelectorAll('mark')].map(m => m.textContent)}))"""
    )


def resolves(page_path: Path, href: str) -> bool:
    """The result's link leads to a page of the site and to an element with its anchor."""
    url = urlparse(href)
    target = (page_path.parent / unquote(url.path)).resolve()
    if not target.exists():
        return False
    text = target.read_text(encoding="utf-8")
    return not url.fragment or f'id="{url.fragment}"' in text or f'id="{unquote(url.fragment)}"' in text


def test_search_finds_chinese_and_english_in_both_editions_offline(site, browser):
    page, errors, outside = offline(browser, site / "zh" / "02_cases.html")
    assert page.is_visible("#gba-search-q")
    hits = search(page, "粤省心")
    assert hits and all(h["lang"] == ZH.html_lang for h in hits)  # this edition's results first, and here only these
    assert any(h["href"] == "../zh/02_cases.html#tab-2-3" for h in hits)  # the case catalogue lists the hotline
    assert all("粤省心" in h["marks"] for h in hits)  # the three characters marked as one match
    assert all(resolves(site / "zh" / "02_cases.html", h["href"]) for h in hits)
    assert ZH.ui["search_found"].split("{")[0] in page.inner_text(".gba-search-status")

    hits = search(page, "数字人民币")
    assert any(h["href"] == "../zh/02_cases.html#tab-2-3" and "数字人民币" in h["marks"] for h in hits)
    assert any(h["href"].startswith("../zh/01_background.html") for h in hits)
    assert all(resolves(site / "zh" / "02_cases.html", h["href"]) for h in hits)
    assert page.evaluate(LANGUAGE_SLIPS) == []

    hits = search(page, "政务服务")
    assert len(hits) > 3 and "政务服务" in hits[0]["marks"]

    en_page, en_errors, en_outside = offline(browser, site / "en" / "05_audit.html")
    hits = search(en_page, "Blockchains")  # capitalised and plural: finds "blockchain"
    assert any(h["href"] == "../en/02_cases.html#tab-2-3" for h in hits)
    assert all(any(m.lower().startswith("blockchain") for m in h["marks"]) for h in hits)
    assert all(resolves(site / "en" / "05_audit.html", h["href"]) for h in hits)
    hits = search(en_page, "hotlines")
    assert any("hotline" in " ".join(h["marks"]).lower() for h in hits)

    hits = search(en_page, "粤省心")  # found in the other edition only: each result says so, in its own language
    assert hits and all(h["lang"] == ZH.html_lang and h["label"] == ZH.name for h in hits)
    assert en_page.evaluate(LANGUAGE_SLIPS) == []
    hits = search(en_page, "亿元")  # printed forms English pages keep in Chinese, then the Chinese edition
    langs = [h["lang"] for h in hits]
    assert EN.html_lang in langs and ZH.html_lang in langs
    assert langs == sorted(langs, key=lambda lang: lang != EN.html_lang)  # this edition's results first
    assert all(not h["label"] for h in hits if h["lang"] == EN.html_lang)
    assert en_page.evaluate(LANGUAGE_SLIPS) == []  # Chinese in the English panel is marked as Chinese
    for p, errs, out in ((page, errors, outside), (en_page, en_errors, en_outside)):
        assert not errs and not out, (errs, out)
        index_ms = int(p.get_attribute("form.gba-search", "data-index-ms"))
        assert 0 <= index_ms < 5000, index_ms
        p.context.close()


def test_search_says_when_nothing_is_found_in_the_page_language(site, browser):
    for lang in (ZH, EN):
        page, errors, _ = offline(browser, site / lang.code / "03_problems.html")
        assert search(page, "qzxvwq") == []
        assert page.inner_text(".gba-search-status") == lang.ui["search_none"].format(q="qzxvwq")
        assert page.inner_text(".gba-search-live") == lang.ui["search_none"].format(q="qzxvwq")  # announced
        assert not errors
        page.context.close()


def test_search_by_keyboard(site, browser):
    page, errors, _ = offline(browser, site / "en" / "01_background.html")
    page.focus("#gba-search-q")
    hits = search(page, "blockchain")
    assert len(hits) >= 3
    active = "() => document.activeElement.getAttribute('href') || document.activeElement.id"
    page.keyboard.press("ArrowDown")
    assert page.evaluate(active) == hits[0]["href"]
    page.keyboard.press("ArrowDown")
    assert page.evaluate(active) == hits[1]["href"]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(active) == "gba-search-q"
    page.keyboard.press("Escape")
    assert page.is_hidden(".gba-search-panel") and page.evaluate(active) == "gba-search-q"
    page.keyboard.press("ArrowDown")  # opens the list again
    page.wait_for_selector(".gba-search-panel", state="visible")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    target = hits[1]["url"]
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    fragment = unquote(urlparse(target).fragment)
    assert page.evaluate("id => !!document.getElementById(id)", fragment), fragment
    assert not errors
    page.context.close()


def test_search_panel_passes_axe_and_fits_a_phone(site, browser):
    axe = AXE.read_text(encoding="utf-8")
    for lang, query in ((ZH, "数字人民币"), (EN, "e-CNY")):
        for width in (1366, 390):
            page, errors, _ = offline(browser, site / lang.code / "02_cases.html", width)
            assert search(page, query)
            box = page.locator(".gba-search-panel").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert page.evaluate(LANGUAGE_SLIPS) == [], (lang.code, width)
            assert not errors  # (before axe, which reads the stylesheet with a request file:// refuses)
            page.add_script_tag(content=axe)
            assert page.evaluate(AXE_RUN, AXE_TAGS) == [], (lang.code, width)
            page.context.close()


def test_without_javascript_there_is_no_search_box_and_tables_are_whole(site, browser):
    page, _, _ = offline(browser, site / "en" / "02_cases.html", javascript=False)
    assert page.is_hidden("form.gba-search")
    assert page.locator("#tab-2-3 tbody tr").count() == 34 and page.locator(".gba-explore").count() == 0
    page.context.close()


def test_print_hides_search_and_explorer(site, browser):
    page, _, _ = offline(browser, site / "zh" / "02_cases.html")
    search(page, "粤省心")
    page.emulate_media(media="print")
    assert page.is_hidden("form.gba-search") and page.locator(".gba-explore").first.is_hidden()
    page.context.close()


def _catalogue(lang: str):
    import gba_utils
    from gba_utils import analysis
    from gba_utils.research.labels import Labeller

    ds = gba_utils.load()
    return ds, analysis.catalogue(ds.cases, ds.case_technologies, Labeller.of(ds, lang))


def _shown(page, anchor: str) -> list[list[str]]:
    """The table's rows as shown (not the row that says none matches)."""
    return page.evaluate(
        "a => [...document.querySelectorAll('#' + a + ' tbody tr:not(:has(td.dt-empty))')]"
        ".map(r => [...r.cells].map(c => c.textContent))",
        anchor,
    )


def test_explorer_filters_and_sorts_the_case_catalogue(site, browser):
    ds, cat = _catalogue("en")
    page, errors, outside = offline(browser, site / "en" / "02_cases.html")
    wrap = page.locator("#tab-2-3")
    assert len(_shown(page, "tab-2-3")) == len(ds.cases) == 34
    assert wrap.locator(".gba-explore-count").inner_text() == EN.ui["explore_count"].format(shown=34, total=34)

    # free text: the rows holding "shenzhen" anywhere (city, applicant, name), counted from the data
    expected = int(cat.apply(lambda r: any("shenzhen" in str(v).lower() for v in r), axis=1).sum())
    wrap.get_by_label(EN.ui["explore_text"]).fill("Shenzhen")
    page.wait_for_function(f"() => document.querySelectorAll('#tab-2-3 tbody tr').length === {expected}")
    assert expected < 34 and all(any("shenzhen" in c.lower() for c in row) for row in _shown(page, "tab-2-3"))
    assert wrap.locator(".gba-explore-count").inner_text() == EN.ui["explore_count"].format(shown=expected, total=34)
    wrap.get_by_label(EN.ui["explore_text"]).fill("")
    page.wait_for_function("() => document.querySelectorAll('#tab-2-3 tbody tr').length === 34")

    def pick(column: str, option: str, count: int):
        wrap.get_by_label(EN.columns[column], exact=True).select_option(option)
        rows = _shown(page, "tab-2-3")
        assert len(rows) == count, (column, option, len(rows), count)
        return rows

    assert pick("city_code", "Shenzhen", int((ds.cases["city_code"] == "shenzhen").sum()))
    pick("city_code", "", 34)
    rows = pick("domain", "Digital society", int((ds.cases["domain"] == "society").sum()))  # a star marks an inferred one
    assert all(r[3].rstrip("*") == "Digital society" for r in rows)
    with_blockchain = set(ds.case_technologies.loc[ds.case_technologies["technology"] == "blockchain", "case_id"])
    rows = pick("technologies", "Blockchain", len(with_blockchain & set(ds.cases[ds.cases["domain"] == "society"]["case_id"])))
    pick("domain", "", len(with_blockchain))  # a list column: a case is in every technology it lists
    assert {r[0] for r in _shown(page, "tab-2-3")} == with_blockchain
    pick("technologies", "", 34)

    # sorting: by the case's name, then the other way; the button's name says what it does, in English
    button = wrap.locator("thead th").nth(1).locator(".dt-column-order")
    assert button.get_attribute("aria-label") == "Case" + EN.ui["explore_sort"]
    sort_is = "s => document.querySelectorAll('#tab-2-3 thead th')[1].getAttribute('aria-sort') === s"
    button.click()
    page.wait_for_function(sort_is, arg="ascending")
    names = [r[1] for r in _shown(page, "tab-2-3")]
    assert page.evaluate(
        "n => n.every((x, i) => i === 0 || n[i - 1].localeCompare(x, 'en', {numeric: true, sensitivity: 'base'}) <= 0)", names
    )
    assert names != list(cat["name"])
    assert wrap.locator("thead th").nth(1).get_attribute("aria-sort") == "ascending"
    button.press("Enter")  # by keyboard too
    page.wait_for_function(sort_is, arg="descending")
    assert [r[1] for r in _shown(page, "tab-2-3")] == names[::-1]
    wrap.get_by_role("button", name=EN.ui["explore_reset"]).click()
    assert [r[0] for r in _shown(page, "tab-2-3")] == list(cat["case_id"])  # the original order again
    assert not errors and not outside
    page.context.close()


def test_explorer_speaks_the_page_language_and_passes_axe_with_filters_on(site, browser):
    ds, cat = _catalogue("zh")
    axe = AXE.read_text(encoding="utf-8")
    for width in (1366, 390):
        page, errors, _ = offline(browser, site / "zh" / "02_cases.html", width)
        wrap = page.locator("#tab-2-3")
        assert wrap.get_by_label(ZH.ui["explore_text"]).count() == 1
        wrap.get_by_label(ZH.columns["city_code"], exact=True).select_option("深圳市")
        assert len(_shown(page, "tab-2-3")) == int((ds.cases["city_code"] == "shenzhen").sum())
        wrap.locator("thead th").nth(0).locator(".dt-column-order").click()
        labels = page.evaluate("[...document.querySelectorAll('.dt-column-order')].map(b => b.getAttribute('aria-label'))")
        assert all(re.search(r"：点击(反向排序|排序|恢复原来的顺序)$", x) for x in labels), labels
        assert page.evaluate(LANGUAGE_SLIPS) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        wrap.get_by_label(ZH.ui["explore_text"]).fill("没有这种案例")
        page.wait_for_function("() => document.querySelector('#tab-2-3 td.dt-empty') !== null")
        assert wrap.locator("td.dt-empty").inner_text() == ZH.ui["explore_none"]
        assert not errors
        page.add_script_tag(content=axe)
        assert page.evaluate(AXE_RUN, AXE_TAGS) == [], width
        page.context.close()


def test_explorer_is_on_the_long_tables_only(site, browser):
    expected = {
        "01_background.html": {"tab-1-1", "tab-1-2"},
        "02_cases.html": {"tab-2-3", "tab-2-4"},
        "05_audit.html": {"tab-5-1", "tab-5-2", "tab-5-3"},
        "03_problems.html": set(),
    }
    for name, anchors in expected.items():
        html = (site / "en" / name).read_text(encoding="utf-8")
        wraps = re.findall(r'<div [^>]*class="gba-table-wrap"[^>]*>', html)
        marked = {re.search(r'id="([^"]+)"', w).group(1) for w in wraps if "data-explore-selects=" in w}
        assert marked == anchors, name
        assert ("dataTables.min.js" in html) == bool(anchors), name  # the library only where a table uses it
        assert html.count('src="../assets/search.js"') == 1


def test_the_published_index_holds_every_page_of_both_editions(site):
    import json

    from gba_utils.pipeline import search as S

    text = (site / S.INDEX_FILE).read_text(encoding="utf-8")
    payload = json.loads(text.split(" = ", 1)[1].rstrip(";\n"))
    urls = [p["url"] for p in payload["pages"]]
    on_disk = sorted(p.relative_to(site).as_posix() for p in site.glob("*/*.html"))
    assert urls == on_disk  # the whole site (no other views in it), both editions
    for doc in payload["docs"]:  # every anchor the results link exists in its page
        page = payload["pages"][doc["p"]]
        assert not doc["a"] or f'id="{doc["a"]}"' in (site / page["url"]).read_text(encoding="utf-8"), (page["url"], doc["a"])
    assert S.index_script([S.documents(site, u) for u in urls]) == text.encode("utf-8")  # the pages' text, rebuilt


def _map_links(page) -> list[dict]:
    """The links of the page's map (the figure whose chart links city profiles): href, accessible name, tooltip."""
    return page.evaluate(
        """() => [...document.querySelectorAll('figure.gba-figure svg a')].map(a => ({
            href: a.getAttribute('href') || a.getAttribute('xlink:href'),
            title: (a.querySelector(':scope > title') || {}).textContent || ''}))"""
    )


#: Notes the link each activation (a click, or Enter on a focused link) reaches and, while ``__holdLinks``, keeps the
#: page where it is.
HELD_LINKS = """() => {
    window.__activated = []; window.__holdLinks = true;
    document.addEventListener('click', e => {
        const a = e.target.closest('a');
        if (!a || !window.__holdLinks) return;
        window.__activated.push(a.getAttribute('href') || a.getAttribute('xlink:href'));
        e.preventDefault();
    }, true);
}"""


def _page_title(path: Path) -> str:
    """The page's title (its ``h1``) as a reader sees it, read from the file."""
    import html

    found = re.search(r'<h1 class="page-title">(.*?)</h1>', path.read_text(encoding="utf-8"), re.S)
    assert found, path
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_each_city_on_the_map_leads_to_its_profile_and_names_itself(site, browser):
    from gba_utils.data.codes import city_codes

    codes = city_codes()
    for lang in (ZH, EN):
        for name in ("index.html", "02_cases.html"):
            page, errors, outside = offline(browser, site / lang.code / name)
            links = _map_links(page)
            assert sorted(link["href"] for link in links) == sorted(f"10_city_profile__city-{c}.html" for c in codes), name
            said = "|".join(
                re.escape(lang.text[k]).replace(r"\{city\}", "(.+)").replace(r"\{n\}", r"\d+")
                for k in ("tip_city", "tip_city_one")
            )
            # what Chromium tells a screen reader (Playwright's own role engine does not see SVG links)
            tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
            named = [n.get("name", {}).get("value") for n in tree if n.get("role", {}).get("value") == "link"]
            shapes = page.locator("figure.gba-figure svg a")
            for i, link in enumerate(links):
                assert re.fullmatch(said, link["title"]), link  # "Shenzhen: 3 cases", in the page's language
                assert named.count(link["title"]) == 1, link  # the link is named by its title
                shapes.nth(i).focus()  # and reached by the keyboard
                assert page.evaluate("() => document.activeElement.getAttribute('xlink:href')") == link["href"]
            assert page.evaluate(LANGUAGE_SLIPS) == []
            if name == "02_cases.html":
                # Enter on each city activates that city's link (a listener notes which and keeps the page here:
                # coming back to this long page eleven times took most of this test's time), and the profile it
                # names is the city's own
                page.evaluate(HELD_LINKS)
                for i, link in enumerate(links):
                    shapes.nth(i).focus()
                    page.keyboard.press("Enter")
                    heading = _page_title(site / lang.code / link["href"])
                    assert link["title"].split(lang.label_sep)[0].strip() in heading, (link, heading)
                assert page.evaluate("window.__activated") == [link["href"] for link in links]
                page.evaluate("window.__holdLinks = false")
                # and one of them is followed for real, in the same window, by the keyboard
                shapes.nth(0).focus()
                page.keyboard.press("Enter")
                page.wait_for_url(re.compile(re.escape(links[0]["href"]) + "$"))
                heading = page.inner_text("h1.page-title")
                assert links[0]["title"].split(lang.label_sep)[0].strip() in heading, (links[0], heading)
                page.go_back()
                # and by the pointer, on the city's label too (drawn over the shape, it lets the click through)
                guangzhou = [i for i, link in enumerate(links) if link["href"].endswith("city-guangzhou.html")][0]
                shapes.nth(guangzhou).click()
                page.wait_for_url(re.compile(r"10_city_profile__city-guangzhou\.html$"))
                page.go_back()
                assert len(page.context.pages) == 1  # nothing opened a new window
            assert not errors and not outside, (errors, outside)
            page.context.close()


def test_heatmap_cells_tell_the_values_of_the_table_behind_the_chart(site, browser):
    for lang in (ZH, EN):
        page, errors, _ = offline(browser, site / lang.code / "02_cases.html")
        shown = page.evaluate(
            """() => {
              const fig = document.getElementById('fig-2-3');
              const tips = [...fig.querySelectorAll('svg g > title')].map(t => t.textContent);
              const rows = [...fig.querySelectorAll('details.gba-data-table tr')].map(r => [...r.cells].map(c => c.textContent.trim()));
              return {tips, rows, link: !!fig.querySelector('details.gba-data-table > summary'),
                      csv: !!fig.querySelector('a.gba-take[href$=".csv"]')};
            }"""
        )
        head, *body = shown["rows"]
        expected = [lang.say("tip_cell", row=r[0], column=c, n=v) for r in body for c, v in zip(head[1:], r[1:])]
        assert shown["tips"] == expected and len(expected) >= 9
        assert shown["link"] and shown["csv"]  # the same values one click away, for the keyboard and screen readers
        assert not errors
        page.context.close()
