"""PDF editions: each language's front page and chapters as one PDF, printed by Chromium from the staged pages.

An edition is made from the pages the build has just staged and from the site's own print stylesheet: the ``<main>`` of
each page (front page, then the chapters in :data:`gba_utils.contents.EDITION_PAGES` order) goes into one document
behind a title page and a table of contents (``templates/edition.html.j2``); Debian's Chromium, driven by Playwright
(no browser download), prints it. The stylesheet's ``@page`` rules give A4 pages numbered "n / N"; headings, captions,
figures and table rows are kept whole (``@media print`` in ``gba.css``).

- **Links.** A link between two pages of the edition becomes a link inside the PDF; ids are prefixed per chapter so two
  chapters' headings never collide (figure and table anchors, ``fig-2-3``, are unique already and keep their names);
  a link to a file that is not in the edition (a city profile, a CSV) is left as its text, so the PDF carries no
  path of the machine that printed it. Links to the web stay links.
- **Contents with page numbers.** Chromium does not implement ``target-counter()``, so the edition is printed twice:
  the first print says on which page each chapter and section starts (the PDF's named destinations, read with pypdf),
  those numbers are written into the contents and the page is printed again (the numbers take the width their
  placeholders took, so nothing moves; checked, and printed once more if it did). Chromium adds the outline
  (bookmarks) from the headings and tags the PDF with its language.
- **Fonts.** Chinese is set in the site's web-font subset. Skia (Chromium's PDF writer) embeds TrueType outlines as a
  real font but turns CFF outlines, which Noto Sans SC has, into Type 3 glyph procedures; so the print uses the same
  subset with its outlines converted to TrueType (fontTools' cu2qu, as fontTools' ``otf2ttf`` snippet does; cached in
  ``build/pdf/``). Other text uses the fonts of a private fontconfig (Liberation, else DejaVu), so the result does not
  depend on what else the machine has installed.
- **Byte-stable.** Chromium writes two things that change from one print to the next: the time of printing in the
  Info dictionary (``/CreationDate`` and ``/ModDate``), overwritten with spaces of the same length, and the DOM node
  ids it names structure elements by in the tagged PDF's structure tree (``/ID (node00000239)`` and the ``/IDTree``
  keys), renumbered by rank at the same width; every offset in the file stays valid and the PDF is otherwise the bytes Chromium wrote.
- **Cache.** An edition's inputs are hashed (the assembled HTML, which holds every page and the stylesheet; the print
  font; the fontconfig and its fonts; Chromium's version; this module; the versions of playwright and pypdf). When the
  site's manifest records the same hash, the published PDF is carried into the new version (a hard link) and Chromium
  is not started. Every print is also kept in ``build/pdf/store/`` under its hash (the newest :data:`KEEP_PRINTS` of
  each language), so an edition whose inputs come back (an edit undone, a build after ``--no-pdf`` builds) is not
  printed again.

Without Chromium or Playwright the site is built and published without PDF editions (and without links to them);
:func:`missing` says how to get them.
"""

from __future__ import annotations

import contextlib
import html as htmllib
import importlib.util
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import jinja2

from .. import languages, paths
from ..contents import EDITION_PAGES, REPORT_TITLE_ZH, pdf_edition
from ..files import atomic_write, sha
from .pages import citation

#: How to get what the PDF editions need (the build prints it when they cannot be made).
HOW_TO_GET = (
    "install Chromium (Debian/Ubuntu: apt-get install chromium) or set GBA_CHROMIUM=/path/to/chromium, and the Python "
    "package playwright (pip install playwright; it drives the installed browser and downloads nothing), then build again"
)
#: Chromium's command line, as the browser tests use it (root in a container needs --no-sandbox).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Fonts for the text the web font does not set (English body text, code), first found first.
FONT_DIRS = ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu")
SANS = ("Liberation Sans", "DejaVu Sans")
MONO = ("Liberation Mono", "DejaVu Sans Mono")
#: Prints kept in the store per language (``build/pdf/store/<lang>-<inputs>.pdf`` and its ``.json`` record).
KEEP_PRINTS = 4
#: Seconds Chromium may take to load or print one edition (a loaded 2-core machine prints one in about 5 s).
TIMEOUT = 180


class PdfFailed(RuntimeError):
    """Chromium could not print an edition (the build says so and leaves the site as it was)."""


# ------------------------------------------------------------------ is the tool there?


def chromium() -> str | None:
    """The Chromium to print with: ``GBA_CHROMIUM`` when set (a path, or a name on PATH), else chromium on PATH."""
    chosen = os.environ.get("GBA_CHROMIUM")
    if chosen is not None:
        found = shutil.which(chosen)
        return found if found and os.path.isfile(found) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing() -> str | None:
    """Why PDF editions cannot be made here (a sentence saying what to install), or None when they can."""
    lacking = []
    if chromium() is None:
        chosen = os.environ.get("GBA_CHROMIUM")
        lacking.append(f"GBA_CHROMIUM={chosen} is not an executable file" if chosen is not None else "Chromium is not installed")
    for module, name in (("playwright", "playwright"), ("pypdf", "pypdf")):
        if importlib.util.find_spec(module) is None:
            lacking.append(f"the Python package {name} is missing")
    return f"{'; '.join(lacking)}: to make them, {HOW_TO_GET}" if lacking else None


def planned(pages: set[str] | frozenset[str]) -> dict[str, str]:
    """``{lang: path of its PDF in the site}`` for every language whose front page and chapters the site has, when
    PDFs can be made here (else empty)."""
    wanted = {code: pdf_edition(code) for code in languages.LANGS if all(f"{code}/{n}.html" in pages for n in EDITION_PAGES)}
    return wanted if wanted and missing() is None else {}


def wanted(pages: set[str] | frozenset[str]) -> list[str]:
    """The languages whose edition the site could have (its pages are there), whether or not the tool is."""
    return [code for code in languages.LANGS if all(f"{code}/{n}.html" in pages for n in EDITION_PAGES)]


# ------------------------------------------------------------------ the edition as one HTML document

MAIN = re.compile(r'<main id="content"[^>]*>(.*)</main>', re.S)
PAGE_TITLE = re.compile(r'<h1 class="page-title">(.*?)</h1>', re.S)
VERSION_META = re.compile(r'<meta name="gba-data-version" content="([0-9a-f]+)">')
DOWNLOADS = re.compile(r'<aside class="downloads".*?</aside>', re.S)
SITE_ONLY = re.compile(r'<section class="[^"]*\bgba-site-only\b[^"]*".*?</section>', re.S)
SVG = re.compile(r"(<svg\b.*?</svg>)", re.S)
ID = re.compile(r'(\sid=")([^"]+)(")')
REFS = re.compile(r'(\s(?:aria-labelledby|aria-describedby|for)=")([^"]+)(")')
ANCHOR = re.compile(r'<a\b([^>]*?)\shref="([^"]*)"([^>]*)>(.*?)</a>', re.S)
XLINK = re.compile(r"<a\b[^>]*\sxlink:href=\"[^\"]*\"[^>]*>(.*?)</a>", re.S)
H2 = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.S)
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
UNIQUE = ("fig-", "tab-")  # anchors made unique across the site by the notebooks themselves


@dataclass
class Chapter:
    page: str  # path in the site, "zh/02_cases.html"
    key: str  # its id in the edition, "e3"
    title: str = ""
    body: str = ""
    ids: dict[str, str] = field(default_factory=dict)  # the page's id -> its id in the edition
    sections: list[dict] = field(default_factory=list)


def _text(fragment: str) -> str:
    """The words of an HTML fragment as plain text (the template escapes them again)."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _main(text: str, page: str) -> str:
    found = MAIN.search(text)
    if not found:
        raise PdfFailed(f"{page}: no <main> element to print")
    return SITE_ONLY.sub("", DOWNLOADS.sub("", found.group(1)))


def _outside_svg(body: str, change) -> str:
    """Apply ``change`` to the HTML around the inline SVGs (whose ids and links are their own)."""
    return "".join(part if i % 2 else change(part) for i, part in enumerate(SVG.split(body)))


def _chapters(stage: Path, code: str) -> list[Chapter]:
    chapters = []
    for i, name in enumerate(EDITION_PAGES):
        page = f"{code}/{name}.html"
        text = (stage / page).read_text(encoding="utf-8")
        ch = Chapter(page, f"e{i}")
        ch.body = _main(text, page)
        title = PAGE_TITLE.search(ch.body)
        ch.title = _text(title.group(1)) if title else name
        outside = "".join(SVG.split(ch.body)[::2])
        ch.ids = {old: f"{ch.key}--{old}" for _, old, _ in ID.findall(outside) if not old.startswith(UNIQUE)}
        chapters.append(ch)
    return chapters


def _link(ch: Chapter, by_page: dict[str, Chapter]):
    folder = posixpath.dirname(ch.page)

    def repl(m):
        before, href, after, text = m.groups()
        raw = htmllib.unescape(href)
        if raw.startswith(("http://", "https://", "mailto:")):
            return m.group(0)
        path, _, fragment = raw.partition("#")
        target = ch if not path else by_page.get(posixpath.normpath(posixpath.join(folder, path)))
        if target is None:
            return text  # a file the edition does not hold: its words stay, the link goes
        anchor = target.ids.get(fragment, fragment) if fragment else target.key
        return f'<a{before} href="#{htmllib.escape(anchor, quote=True)}"{after}>{text}</a>'

    return repl


def _rewrite(ch: Chapter, by_page: dict[str, Chapter]) -> str:
    def change(part: str) -> str:
        part = ID.sub(lambda m: m.group(1) + ch.ids.get(m.group(2), m.group(2)) + m.group(3), part)
        part = REFS.sub(lambda m: m.group(1) + " ".join(ch.ids.get(v, v) for v in m.group(2).split()) + m.group(3), part)
        return ANCHOR.sub(_link(ch, by_page), part)

    body = _outside_svg(ch.body, change)
    return SVG.sub(lambda m: XLINK.sub(lambda a: a.group(1), m.group(1)), body)  # a chart's links lead to other pages


@dataclass
class Edition:
    lang: str
    path: str  # in the site
    html: str
    targets: list[str]  # the ids the contents lists, in order
    version: str


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(paths.TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )


def _package_version() -> str:
    try:
        return metadata.version("gba-digital-governance")
    except metadata.PackageNotFoundError:
        return "0"


def edition(stage: Path, code: str, font_url: str) -> Edition:
    """The edition of language ``code`` as one HTML document, from the pages staged in ``stage``."""
    lang = languages.get(code)
    chapters = _chapters(stage, code)
    by_page = {ch.page: ch for ch in chapters}
    front = (stage / chapters[0].page).read_text(encoding="utf-8")
    version = VERSION_META.search(front)
    version = version.group(1) if version else ""
    targets = []
    for ch in chapters:
        ch.body = _rewrite(ch, by_page)
        ch.sections = [{"id": hid, "text": _text(text)} for hid, text in H2.findall(ch.body)]
        targets += [ch.key] + [s["id"] for s in ch.sections]
    css = FONT_FACE.sub("", (Path(paths.TEMPLATES) / "gba.css").read_text(encoding="utf-8"))
    css = f'@font-face {{ font-family: "GBA Noto Sans SC"; src: url("{font_url}") format("truetype"); }}\n{css}'
    report = htmllib.escape(REPORT_TITLE_ZH)
    if lang.script != "Hans":
        report = f'{htmllib.escape(lang.ui["report"])} (<span lang="{languages.get("zh").html_lang}">{report}</span>)'
    text = (
        _env()
        .get_template("edition.html.j2")
        .render(
            lang=lang,
            ui=lang.ui,
            css=css,
            chapters=chapters,
            version=version,
            package=_package_version(),
            report=report,
            citation=citation(lang, version),
        )
    )
    return Edition(code, pdf_edition(code), text, targets, version)


# ------------------------------------------------------------------ fonts


def _otf_to_ttf(data: bytes) -> bytes:
    """The font with its CFF outlines converted to TrueType (quadratic) outlines; after fontTools' otf2ttf snippet."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # saved with the subset's own dates: the same bytes every time
    font.flavor = None
    if "CFF " not in font:
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements"):
        setattr(maxp, attr, 0)
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = max((len(getattr(g, "components", []) or []) for g in glyf.glyphs.values()), default=0)
    maxp.compile(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def print_font(woff: Path) -> Path:
    """The site's web font with TrueType outlines, made once per web font (cached in ``build/pdf/``)."""
    data = woff.read_bytes()
    target = paths.BUILD / "pdf" / f"print-font-{sha(data)[:16]}.ttf"
    if not target.exists():
        atomic_write(target, _otf_to_ttf(data))
    return target


def fontconfig(folder: Path) -> Path:
    """A fontconfig holding only the fonts the edition may use for text the web font does not set."""
    dirs = "".join(f"<dir>{d}</dir>" for d in FONT_DIRS if Path(d).is_dir())

    def prefer(families):
        return "".join(f"<family>{f}</family>" for f in families)

    aliases = "".join(
        f"<alias><family>{generic}</family><prefer>{prefer(families)}</prefer></alias>"
        for generic, families in (("sans-serif", SANS), ("sans", SANS), ("serif", SANS), ("system-ui", SANS), ("monospace", MONO))
    )
    conf = folder / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?>\n<fontconfig>{dirs}<cachedir>{paths.BUILD / "pdf" / "fontconfig"}</cachedir>{aliases}</fontconfig>\n',
        encoding="utf-8",
    )
    return conf


def _font_files() -> list[list]:
    return [[p.name, p.stat().st_size] for d in FONT_DIRS if Path(d).is_dir() for p in sorted(Path(d).iterdir())]


def chromium_version(binary: str) -> str:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PdfFailed(f"{binary} --version failed: {exc}") from None
    return out.stdout.strip() or out.stderr.strip()


def inputs(ed: Edition, font: bytes, browser: str) -> str:
    """The content hash of everything that shapes one edition's bytes."""
    versions = {}
    for name in ("playwright", "pypdf"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    parts = {
        "html": sha(ed.html.encode("utf-8")),
        "font": sha(font),
        "fonts": sha(json.dumps([FONT_DIRS, SANS, MONO, _font_files()]).encode()),
        "browser": browser,
        "code": sha(Path(__file__).read_bytes()),
        "versions": versions,
    }
    return sha(json.dumps(parts, sort_keys=True).encode())


# ------------------------------------------------------------------ printing

DATES = re.compile(rb"/(?:CreationDate|ModDate)\s*\((?:\\.|[^\\)])*\)")


def fix_dates(data: bytes) -> bytes:
    """Overwrite the Info dictionary's ``/CreationDate`` and ``/ModDate`` with spaces of the same length.

    The dictionary is found through the trailer and the cross-reference table (pypdf), so only that object is touched;
    a PDF without such entries comes back unchanged.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    info = reader.trailer.get("/Info")
    if info is None:
        return data
    offset = reader.xref.get(info.generation, {}).get(info.idnum)
    if offset is None:
        return data
    end = data.index(b"endobj", offset)
    obj = DATES.sub(lambda m: b" " * len(m.group(0)), data[offset:end])
    return data[:offset] + obj + data[end:]


NODE_ID = re.compile(rb"\(node(\d{8})\)")


def fix_node_ids(data: bytes) -> bytes:
    """Renumber the structure tree's ``(node########)`` names 1, 2, 3, ... in the order of their values.

    In a tagged PDF Chromium names structure elements after its internal DOM node ids (each element's ``/ID`` and the
    keys of the tree's ``/IDTree``), which count every node the browser process has made, so they shift from one
    print to the next. Mapped by rank, every name keeps its width (every offset in the file stays valid), every
    reference still meets its element, and the ID tree stays sorted; two prints of the same pages give the same bytes.
    """
    order = {old: b"%08d" % rank for rank, old in enumerate(sorted(set(NODE_ID.findall(data)), key=int), 1)}
    return NODE_ID.sub(lambda m: b"(node" + order[m.group(1)] + b")", data)


def destinations(data: bytes) -> dict[str, int]:
    """Each named destination of a PDF (a link target: an id of the edition) and its page, counted from 1."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return {name.lstrip("/"): reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}


FILL = """numbers => {
  const spans = [...document.querySelectorAll('.edition-page')];
  spans.forEach((span, i) => { span.textContent = numbers[i]; });
  return spans.length;
}"""


async def _print_one(browser, ed: Edition, folder: Path) -> tuple[bytes, int]:
    source = folder / f"edition-{ed.lang}.html"
    source.write_text(ed.html, encoding="utf-8")
    page = await browser.new_page()
    page.set_default_timeout(TIMEOUT * 1000)
    try:
        await page.goto(source.as_uri(), wait_until="load")
        await page.evaluate("document.fonts.ready")
        options = {"prefer_css_page_size": True, "print_background": True, "outline": True, "tagged": True}
        numbers = None
        for _ in range(3):  # the numbers of a print written into the contents; again if that moved anything
            data = await page.pdf(**options)
            found = destinations(data)
            now = [str(found.get(t, "")) for t in ed.targets]
            if numbers == now:
                break
            if "" in now:
                raise PdfFailed(f"{ed.path}: the print has no page for {ed.targets[now.index('')]!r}")
            numbers = now
            await page.evaluate(FILL, numbers)
        else:
            raise PdfFailed(f"{ed.path}: the page numbers of the contents did not settle")
    finally:
        await page.close()
    from pypdf import PdfReader

    return fix_node_ids(fix_dates(data)), len(PdfReader(io.BytesIO(data)).pages)


async def _print_all(editions: list[Edition], binary: str, folder: Path) -> list[tuple[bytes, int, float]]:
    import asyncio

    from playwright.async_api import async_playwright

    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig(folder))}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=binary, args=ARGS, env=env, headless=True)
        try:

            async def timed(ed):
                start = time.perf_counter()
                data, pages = await _print_one(browser, ed, folder)
                return data, pages, time.perf_counter() - start

            return list(await asyncio.gather(*(timed(ed) for ed in editions)))
        finally:
            await browser.close()


def _run(coro):
    """Run ``coro`` in a fresh event loop, in a thread of its own when the caller already runs one (a notebook)."""
    import asyncio  # here: a build that prints no PDF does not pay for importing it

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures as cf

    with cf.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@dataclass
class Made:
    records: dict[str, dict]  # path in the site -> {"inputs", "pages", "bytes"} (for the site's manifest)
    lines: list[str]  # for the build summary


def write_editions(stage: Path, editions: dict[str, str], previous: dict, carry) -> Made:
    """Make (or carry over) the PDF edition of each language in ``editions`` into ``stage``.

    ``previous`` is what the current site's manifest records of its PDFs; ``carry(rel)`` links the current site's file
    into the stage and says whether it could. Raises :class:`PdfFailed` when Chromium cannot print one.
    """
    made = Made({}, [])
    if not editions:
        return made
    binary = chromium()
    if binary is None:
        raise PdfFailed(missing() or "Chromium is missing")
    font = print_font(stage / "assets" / "noto-sans-sc-subset.woff")
    font_bytes = font.read_bytes()
    browser = chromium_version(binary)
    todo = []
    for code, rel in editions.items():
        ed = edition(stage, code, font.resolve().as_uri())
        digest = inputs(ed, font_bytes, browser)
        old = previous.get(rel, {})
        if old.get("inputs") == digest and carry(rel):
            made.records[rel] = old
            made.lines.append(
                f"pdf {rel}: cached, {old.get('pages', '?')} pages, {old.get('bytes', 0) / 1e6:.1f} MB (up to date)"
            )
        elif (kept := _kept(code, digest)) is not None:
            data, record = kept
            atomic_write(stage / rel, data)
            made.records[rel] = record
            made.lines.append(f"pdf {rel}: from the store of prints, {record['pages']} pages, {len(data) / 1e6:.1f} MB")
        else:
            todo.append((ed, digest))
    if not todo:
        return made
    (paths.BUILD / "pdf").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=paths.BUILD / "pdf", prefix="print-") as tmp:
        try:
            printed = _run(_print_all([ed for ed, _ in todo], binary, Path(tmp)))
        except PdfFailed:
            raise
        except Exception as exc:  # Playwright's errors (a browser that does not start, a timeout) name what happened
            raise PdfFailed(f"Chromium ({binary}) could not print the PDF editions: {str(exc).splitlines()[0]}") from None
    for (ed, digest), (data, pages, seconds) in zip(todo, printed):
        atomic_write(stage / ed.path, data)
        made.records[ed.path] = {"inputs": digest, "pages": pages, "bytes": len(data)}
        made.lines.append(f"pdf {ed.path}: printed in {seconds:.1f}s, {pages} pages, {len(data) / 1e6:.1f} MB")
        _keep(ed.lang, data, made.records[ed.path])
    return made


def _store() -> Path:
    return paths.BUILD / "pdf" / "store"


def _kept(code: str, digest: str) -> tuple[bytes, dict] | None:
    """A print of these inputs from the store, with its record, when the store has a whole one."""
    base = _store() / f"{code}-{digest}"
    try:
        data = base.with_suffix(".pdf").read_bytes()
        kept = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        record, whole = kept["record"], kept["sha"] == sha(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not whole or record.get("inputs") != digest:
        return None  # not the print its record describes
    with contextlib.suppress(OSError):
        os.utime(base.with_suffix(".json"))  # the newest used are the ones kept
    return data, record


def _keep(code: str, data: bytes, record: dict) -> None:
    """Keep a print in the store (the PDF first, its record last, so a record always has its whole PDF), and only the
    newest :data:`KEEP_PRINTS` of its language. A store that cannot be written only costs a later print."""
    base = _store() / f"{code}-{record['inputs']}"
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(base.with_suffix(".pdf"), data)
        kept = {"record": record, "sha": sha(data)}
        atomic_write(base.with_suffix(".json"), json.dumps(kept, sort_keys=True).encode("utf-8"))
        records = sorted(base.parent.glob(f"{code}-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in records[KEEP_PRINTS:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".pdf").unlink(missing_ok=True)
    except OSError:
        pass


__all__ = ["HOW_TO_GET", "PdfFailed", "chromium", "edition", "missing", "planned", "wanted", "write_editions"]
