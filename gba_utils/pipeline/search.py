"""The site's search index: what readers can find, in both editions, from ``file://`` and offline.

Python reads each rendered page (its HTML, after the pipeline made it, so the index holds what readers see: the
narrative with its computed values, the captions, the tables' cells, the alt text of figures) and cuts it into
documents, one per section (``h2``/``h3``/``h4`` with an ``id``) and one per table and figure (their anchors
``tab-2-3``, ``fig-2-3``). Left out: the page furniture (header, navigation, footer, the downloads box), code, the
hidden "How this was made" details, the data tables behind charts (the chart's alt text and caption stand for them),
the boilerplate source line under every exhibit, permalinks and heading anchors.

The documents of the whole site travel as one script, ``assets/search-index.js``, which defines a global
(``window.GBA_SEARCH``): a page loads it with a ``<script>`` element when the reader first uses the search box, so it
works from ``file://`` where ``fetch`` of a local file is refused. MiniSearch (vendored, ``assets/vendor/minisearch/``)
indexes them in the browser; ``assets/search.js`` holds the tokenizer (Chinese as overlapping character bigrams,
Latin words lower-cased with English plurals folded) and the results list.

The script is byte-stable: pages in path order, documents in page order, keys sorted, no dates. Text from the data is
inert: ``<``, ``>``, ``&`` and the JavaScript line separators are written as ``\\uXXXX`` escapes, so no
``</script>`` or comment opener in a case name can end the script.

Extraction costs about 40 ms per 100 KB of page (2.6 s for the 36 pages of a full site, 6.8 MB of HTML, on one
core); it runs in the build's workers beside the page it reads, and its result is kept per page hash in
``build/cache/search/``, so a build re-reads only the pages it rendered.
"""

from __future__ import annotations

import functools
import json
from html.parser import HTMLParser
from pathlib import Path

from .. import paths
from ..contents import FRONT, PROFILE
from ..files import atomic_write, sha

#: Where the index is written in the site, and the global it defines.
INDEX_FILE = "assets/search-index.js"
GLOBAL = "GBA_SEARCH"
FORMAT = 1

#: Elements whose text readers do not see on the page, or that is not content.
SKIP_TAGS = frozenset({"script", "style", "svg", "template", "noscript", "button", "select", "textarea", "h1", "nav"})
#: Classes of elements left out: hidden details, take-away links, permalinks, heading anchors, downloads, code cells,
#: the source line every exhibit repeats, the credit line every map carries.
SKIP_CLASSES = frozenset(
    {"gba-made", "gba-data-table", "gba-takeaway", "permalink", "anchor-link", "downloads", "input", "prompt", "gba-source",
     "gba-credit"}
)  # fmt: skip
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section",
        "summary", "table", "tbody", "thead", "tfoot", "ul",
    }
)  # fmt: skip
SECTION_HEADINGS = frozenset({"h2", "h3", "h4"})
CODE_TAGS = frozenset({"code", "kbd", "samp", "pre"})
#: Between table cells and between rows (neutral punctuation: the same in both languages).
CELL_SEP, ROW_SEP = " · ", " | "
_STRENGTH = {"": 0, " ": 1, CELL_SEP: 2, ROW_SEP: 3}


class _Text:
    """Text as it reads, whitespace collapsed, with the runs marked in a language other than the page's and the runs
    of code (identifiers such as ``region_code``, which the page sets as code and the results do too)."""

    def __init__(self, page_lang: str):
        self.page_lang = page_lang
        self.chunks: list[str] = []
        self.length = 0
        self.ranges: list[list] = []  # [start, length, lang]
        self.gap = ""

    def brk(self, sep: str = " ") -> None:
        if self.chunks and _STRENGTH[sep] > _STRENGTH[self.gap]:
            self.gap = sep

    def add(self, s: str, lang: str, code: bool = False) -> None:
        if not s:
            return
        lead, trail = s[0].isspace(), s[-1].isspace()
        s = " ".join(s.split())
        if not s:
            self.brk(" ")
            return
        if self.chunks:
            gap = self.gap or (" " if lead else "")
            if gap:
                self.chunks.append(gap)
                self.length += len(gap)
        self.gap = " " if trail else ""
        if (lang and lang != self.page_lang) or code:
            run = [self.length, len(s), lang if lang != self.page_lang else ""] + ([1] if code else [])
            last = self.ranges[-1] if self.ranges else None
            if last and last[2:] == run[2:] and last[0] + last[1] == self.length:
                last[1] += len(s)
            else:
                self.ranges.append(run)
        self.chunks.append(s)
        self.length += len(s)

    def value(self) -> tuple[str, list[list]]:
        return "".join(self.chunks), self.ranges


class _Doc:
    def __init__(self, anchor: str, page_lang: str):
        self.anchor = anchor
        self.heading = _Text(page_lang)
        self.text = _Text(page_lang)


class _Extractor(HTMLParser):
    """Cuts the ``<main>`` of one page into documents (see the module's docstring)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page_lang = ""
        self.title = _Text("")
        self.stack: list[dict] = []  # open elements: tag, lang, and what closing them does
        self.in_main = False
        self.skip_depth = 0  # > 0 while inside a left-out element
        self.docs: list[_Doc] = []
        self.section: _Doc | None = None  # the section being read
        self.exhibit: _Doc | None = None  # a table or figure inside it
        self.heading: _Doc | None = None  # a section heading being read (its doc starts when it ends)
        self.caption_depth = 0
        self.in_title = False
        self.cells = 0

    # -------------------------------------------------------------- helpers
    @property
    def lang(self) -> str:
        return self.stack[-1]["lang"] if self.stack else self.page_lang

    @property
    def code(self) -> bool:
        return bool(self.stack) and self.stack[-1]["code"]

    def _current(self) -> _Doc:
        return self.exhibit or self.section

    def _target(self) -> _Text | None:
        if self.in_title:
            return self.title
        if self.heading is not None:
            return self.heading.heading
        doc = self._current()
        if doc is None:
            return None
        return doc.heading if (self.exhibit is not None and self.caption_depth) else doc.text

    def _new_section(self, anchor: str) -> _Doc:
        doc = _Doc(anchor, self.page_lang)
        self.docs.append(doc)
        return doc

    # -------------------------------------------------------------- parser events
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.page_lang = a.get("lang") or ""
            self.title.page_lang = self.page_lang
            return
        if tag == "main":
            self.in_main = True
            self.section = self._new_section("")
        if not self.in_main:
            return
        classes = set((a.get("class") or "").split())
        lang = a.get("lang") or self.lang
        if tag in VOID:
            if tag == "br" and not self.skip_depth and (t := self._target()):
                t.brk()
            return
        code = tag in CODE_TAGS or self.code
        entry = {"tag": tag, "lang": lang, "code": code, "end": []}
        self.stack.append(entry)
        if self.skip_depth:
            self.skip_depth += 1
            return
        if tag == "h1" and "page-title" in classes:
            self.in_title = True
            entry["end"].append("title")
            return
        if tag == "svg" and a.get("aria-label") and self.exhibit is not None:
            self.exhibit.text.brk()
            self.exhibit.text.add(a["aria-label"], lang)  # a chart's alt text: what it shows, in words
        if tag in SKIP_TAGS or classes & SKIP_CLASSES or "hidden" in a or a.get("aria-hidden") == "true":
            self.skip_depth = 1
            return
        if tag in SECTION_HEADINGS and a.get("id") and self.exhibit is None:
            self.heading = _Doc(a["id"], self.page_lang)
            entry["end"].append("heading")
        elif (("gba-table-wrap" in classes and tag == "div") or ("gba-figure" in classes and tag == "figure")) and a.get("id"):
            self.exhibit = _Doc(a["id"], self.page_lang)
            self.docs.append(self.exhibit)
            entry["end"].append("exhibit")
        elif "gba-caption" in classes and self.exhibit is not None:
            self.caption_depth += 1
            entry["end"].append("caption")
        target = self._target()
        if target is None:
            return
        if tag == "tr":
            target.brk(ROW_SEP)
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                target.brk(CELL_SEP)
            self.cells += 1
        elif tag in BLOCK:
            target.brk()

    def handle_startendtag(self, tag, attrs):
        if tag in VOID or not self.in_main:
            self.handle_starttag(tag, attrs)
        # a self-closed non-void element (inside SVG, skipped) opens and closes nothing

    def handle_endtag(self, tag):
        if not self.in_main or tag in VOID:
            return
        if tag == "main":
            self.in_main = False
            self.stack.clear()
            return
        if not any(e["tag"] == tag for e in self.stack):
            return  # a stray end tag
        while self.stack:
            entry = self.stack.pop()
            if self.skip_depth:
                self.skip_depth -= 1
            for what in entry["end"]:
                if what == "title":
                    self.in_title = False
                elif what == "heading":
                    heading, self.heading = self.heading, None
                    self.section = self._new_section(heading.anchor)
                    self.section.heading = heading.heading
                elif what == "exhibit":
                    self.exhibit = None
                    self.caption_depth = 0
                elif what == "caption":
                    self.caption_depth -= 1
            if not self.skip_depth and entry["tag"] in BLOCK | {"td", "th"} and (t := self._target()):
                t.brk()
            if entry["tag"] == tag:
                break

    def handle_data(self, data):
        if not self.in_main or self.skip_depth:
            return
        target = self._target()
        if target is not None:
            target.add(data, self.lang, self.code)


def page_documents(html: str, url: str) -> dict:
    """The search documents of one page: ``{"url", "title", "lang", "docs": [{"a", "h", "hx", "t", "x"}]}``.

    ``a`` is the anchor (``""`` for the top of the page), ``h`` the heading (a section's heading, a table's or
    figure's caption), ``t`` the text; ``hx`` and ``x`` list the runs of ``h`` and ``t`` in another language than the
    page's as ``[start, length, lang]`` (``lang`` empty for the page's own), with a fourth item ``1`` for code (the
    results mark them, as the page does). Sections without text are left out.
    """
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    docs = []
    for doc in parser.docs:
        heading, hx = doc.heading.value()
        text, x = doc.text.value()
        if not text and not (heading and doc.anchor):
            continue
        entry = {"a": doc.anchor, "h": heading, "t": text}
        if hx:
            entry["hx"] = hx
        if x:
            entry["x"] = x
        docs.append(entry)
    return {"url": url, "title": parser.title.value()[0], "lang": parser.page_lang, "docs": docs}


# ------------------------------------------------------------------ per-page memo and the site's index


def indexed(job) -> bool:
    """Whether a page's text goes into the index: the front pages, the chapters and the city profiles of both
    editions; not the other views a build may add (a chapter filtered to one city repeats its chapter's text)."""
    named = dict(job.named_params)
    return not named or (job.notebook == PROFILE and set(named) == {"city"})


@functools.cache
def _extractor_version() -> str:
    return sha(Path(__file__).read_bytes())


def _memo_path(page_sha: str) -> Path:
    return paths.BUILD / "cache" / "search" / f"{page_sha}-{_extractor_version()}.json"


def documents(site: Path, rel: str, page: bytes | None = None) -> dict:
    """The documents of the page ``rel`` of ``site``, from the memo when this page was read before."""
    page = page if page is not None else (site / rel).read_bytes()
    memo = _memo_path(sha(page + rel.encode()))
    if memo.exists():
        try:
            return json.loads(memo.read_text(encoding="utf-8"))
        except ValueError:
            pass  # a damaged memo is read again
    found = page_documents(page.decode("utf-8"), rel)
    atomic_write(memo, json.dumps(found, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return found


def js_escape(text: str) -> str:
    """JSON that is safe inside a script: no ``</script>``, ``<!--`` or ``]]>`` can form, no line separators."""
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _kind(url: str) -> str:
    """What kind of page: a city profile or a front page repeats what a chapter says, so their results rank lower."""
    notebook = url.rpartition("/")[2].removesuffix(".html").split("__")[0]
    return {PROFILE: "profile", FRONT: "front"}.get(notebook, "chapter")


def index_script(pages: list[dict]) -> bytes:
    """The script that carries the documents of ``pages`` (as :func:`page_documents` makes them), sorted by URL."""
    ordered = sorted(pages, key=lambda p: p["url"])
    payload = {
        "format": FORMAT,
        "pages": [{"url": p["url"], "title": p["title"], "lang": p["lang"], "kind": _kind(p["url"])} for p in ordered],
        "docs": [{"p": i, **d} for i, p in enumerate(ordered) for d in p["docs"]],
    }
    body = js_escape(json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    return (
        "/* The site's search documents, made by gba-report build (gba_utils/pipeline/search.py); read by search.js. */\n"
        f"window.{GLOBAL} = {body};\n"
    ).encode()


def write_index(site: Path, pages: list[str]) -> bytes:
    """Write ``assets/search-index.js`` for the pages ``pages`` (paths in ``site``); return its bytes."""
    data = index_script([documents(site, rel) for rel in sorted(pages)])
    atomic_write(site / INDEX_FILE, data)
    return data
