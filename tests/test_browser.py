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
from helpers import set_cell

from gba_utils.pipeline import orchestrate as pipeline

CHROMIUM = os.environ.get("GBA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip(
        "browser tests need Chromium: `apt-get install chromium` (Debian) or set GBA_CHROMIUM=/path/to/chromium",
        allow_module_level=True,
    )
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the Python package; no browser download)")

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    summary = pipeline.build(site=site, jobs=2, progress=False, city_profiles=True)
    assert summary.ok, summary.render()
    return site


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
    from gba_utils.contents import CHAPTERS
    from gba_utils.data.codes import city_codes

    found = sorted(site.rglob("*.html"))
    assert len(found) == 1 + 2 * len(CHAPTERS) + 2 * len(city_codes())
    return found


def visit(browser, path: Path):
    """Open a page; return (page, console errors, requests that left the file system)."""
    page = browser.new_page()
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file://", "data:")) else None)
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")
    return page, errors, outside


def test_every_page_loads_offline_without_errors_and_images_decode(site, browser):
    for path in pages(site):
        page, errors, outside = visit(browser, path)
        assert not errors, (path.name, errors)
        assert not outside, (path.name, outside)
        broken = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length")
        assert broken == 0, path.name
        alts = page.evaluate("[...document.images].map(i => i.alt)")
        assert all(alts), path.name
        page.close()


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


def test_text_from_data_is_escaped(tmp_path, data_copy, browser):
    set_cell(
        data_copy / "cases.csv",
        "case_id",
        "C2022-10",
        "name_en",
        '<script>window.__xss = 1</script><img src=x onerror="window.__xss=2">',
    )
    site = tmp_path / "site"
    summary = pipeline.build(["02_cases"], langs=("en",), params={"data_dir": str(data_copy)}, site=site, jobs=1, progress=False)
    assert summary.ok, summary.render()
    page, errors, outside = visit(browser, site / "en" / "02_cases.html")
    assert page.evaluate("window.__xss === undefined")
    assert "<script>window.__xss = 1</script>" in page.inner_text("body")
    assert not outside
    page.close()
