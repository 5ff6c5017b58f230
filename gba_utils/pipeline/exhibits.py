"""Figures and tables as readers meet them in the site: inline SVG inside ``<figure>``, with a caption, the table
behind the chart one click away, the figure to take away (SVG, PNG, CSV) and how to cite it; each table with its data
as CSV and how to cite it.

A notebook shows a figure as two outputs (see :meth:`gba_utils.research.session.Session.figure`): the image bundle
(SVG, PNG, CSV, alt text) and its caption. :func:`assemble` turns each pair into one HTML output for the page and
lists the files to write beside it. Links inside a chart (a city on the map leads to its profile) are kept only when
the site has the page they lead to. A table's CSV is read from its own HTML (what the reader sees, in the page's
language), so the build's workers need no pandas.

**Citations.** "Cite this figure" (or table) gives a line of text and a BibTeX entry naming its number, title, page
(its path in the site, with the permalink) and the data version, in the page's language; :func:`work_citations` gives
the entries for the work as a whole (the front page). Every value is escaped for BibTeX (:func:`bibtex_escape`) and
then for HTML; text in the other script is marked with its ``lang``.
"""

from __future__ import annotations

import base64
import csv
import functools
import html
import io
import re
from html.parser import HTMLParser
from importlib import metadata

import nbformat

from .. import languages, paths
from ..data import data_version
from ..research.text import CJK_RUN, mixed

LETTERS = re.compile(r"[^\W\d_]")
XLINK = re.compile(r'<a xlink:href="([^"]+)"[^>]*>(.*?)</a>', re.S)
#: A reference in the narrative: ``[Figure 3](#fig:cases-map)``, ``[Table 1](#tab:cases-recount)``, ``[Guangzhou](#fact:top_city)``.
REFERENCE = re.compile(r'<a href="#(fig|tab|fact):([\w-]+)">(.*?)</a>', re.S)
#: The same in a markdown source (``gba-report refresh`` writes the current values into the committed notebooks).
MD_REFERENCE = re.compile(r"\[([^\]]*)\]\(#(fig|tab|fact):([\w-]+)\)")


class UnknownReference(ValueError):
    """The narrative refers to a figure, table or fact the notebook does not make."""


def references(nb: nbformat.NotebookNode) -> dict[tuple[str, str], dict]:
    """What the narrative may refer to: ``{("fig", key): {"text": "Figure 3", "anchor": "fig-2-3"}, ("fact", name): ...}``."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = out.get("metadata", {}).get("gba", {})
            if meta.get("kind") in ("figure", "table"):
                kind = "fig" if meta["kind"] == "figure" else "tab"
                head = meta.get("head") or out.get("data", {}).get("text/plain", "").split("\u3000")[0]
                found[(kind, meta["key"])] = {"text": head, "anchor": meta.get("anchor", "")}
            elif meta.get("kind") == "fact":
                found[("fact", meta["name"])] = {"text": meta["value"], "anchor": ""}
    return found


def resolve(body: str, refs: dict, omitted: str) -> str:
    """Put the current numbers and values into the narrative's references; a reference to nothing is an error, a
    figure left out under a filter reads as such."""

    def repl(m):
        kind, key, _text = m.groups()
        ref = refs.get((kind, key))
        if ref is None:
            if kind == "fact":
                raise UnknownReference(f"the narrative refers to the fact {key!r}, which no code cell states (R.fact)")
            return html.escape(omitted)
        if kind == "fact":
            return f'<span class="gba-fact">{html.escape(ref["text"])}</span>'
        return f'<a href="#{ref["anchor"]}">{html.escape(ref["text"])}</a>'

    return REFERENCE.sub(repl, body)


def drop_facts(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Facts are for the narrative; their own outputs are not shown on the page."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("metadata", {}).get("gba", {}).get("kind") != "fact"]
    return nb


def _data_table(text: str, lang) -> str:
    """The CSV behind a chart as a small HTML table (the build's workers carry no pandas), without pandas' bare row
    numbers, like the CSV a reader takes away."""
    rows = _without_row_numbers(list(csv.reader(io.StringIO(text))))
    if not rows:
        return ""

    def cell(text: str) -> str:
        if not LETTERS.search(text):  # a number belongs to no language: a screen reader reads it in the page's
            return html.escape(text)
        marked = mixed(text, lang.code)  # printed forms kept in the report's own language are marked as such
        return marked.html() if hasattr(marked, "html") else html.escape(text)

    head = "".join(f'<th scope="col">{cell(h)}</th>' for h in rows[0])
    body = "\n".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in r) + "</tr>" for r in rows[1:])
    return f'<table class="gba-table gba-data">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'


def _links(svg: str, site: set[str], folder: str) -> str:
    """Keep a chart's links only to pages the site has (``folder`` is the page's folder in the site)."""

    def keep(m):
        target = m.group(1)
        return m.group(0) if f"{folder}/{target.split('#')[0]}" in site else m.group(2)

    return XLINK.sub(keep, svg)


def _svg_role(svg: str, alt: str) -> str:
    role = "group" if "<a " in svg else "img"  # a chart with links keeps its links reachable; one without is one image
    return svg.replace("<svg ", f'<svg role="{role}" aria-label="{html.escape(alt, quote=True)}" focusable="false" ', 1)


def assemble(nb: nbformat.NotebookNode, job, site: set[str]) -> tuple[nbformat.NotebookNode, dict[str, bytes]]:
    """The notebook with each figure as one ``<figure>`` output, and the take-away files ``{path in the site: bytes}``."""
    lang = languages.get(job.lang)
    ui = lang.ui
    files: dict[str, bytes] = {}
    folder = job.out_dir
    base = f"figures/{job.out_dir}/{job.slug}"
    up = "../" * (len(job.out_dir.split("/")) + 2)  # from figures/<lang>/<slug>/ back to the site root
    page_up = "../" * len(job.out_dir.split("/"))
    version = data_version(paths.data_dir(dict(job.params).get("data_dir")))
    heading = page_heading(nb)

    def where(anchor: str) -> dict:
        return {"page": f"{job.page}#{anchor}", "page_title": heading, "version": version}

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs, new = cell.get("outputs", []), []
        i = 0
        while i < len(outputs):
            out = outputs[i]
            meta = out.get("metadata", {}).get("gba", {})
            if meta.get("kind") != "figure":
                new.append(out)
                i += 1
                continue
            caption = outputs[i + 1] if i + 1 < len(outputs) else None
            cap_meta = caption.get("metadata", {}).get("gba", {}) if caption is not None else {}
            cap_html = caption.data.get("text/html", "") if cap_meta.get("kind") == "caption" else ""
            i += 2 if cap_html else 1
            anchor, alt = meta["anchor"], meta.get("alt", "")
            svg = _svg_role(_links(out.data["image/svg+xml"], site, folder), alt)
            stem = f"{base}/{anchor}"
            standalone = _standalone(_links(out.data["image/svg+xml"], site, folder), f"{up}{folder}/")
            files[f"{stem}.svg"] = ('<?xml version="1.0" encoding="utf-8"?>\n' + standalone).encode("utf-8")
            files[f"{stem}.png"] = base64.b64decode(out.data["image/png"])
            takeaway = [(f"{page_up}{stem}.svg", "SVG", ui["take_svg"]), (f"{page_up}{stem}.png", "PNG", ui["take_png"])]
            data = ""
            if "text/csv" in out.data:
                files[f"{stem}.csv"] = _figure_csv(out.data["text/csv"]).encode("utf-8")
                takeaway.append((f"{page_up}{stem}.csv", "CSV", ui["take_csv"]))
                data = (
                    f'<details class="gba-data-table"><summary>{html.escape(ui["data_table"])}</summary>'
                    f'<div class="gba-scroll" role="region" tabindex="0" aria-label="{html.escape(ui["data_table"])}">'
                    f"{_data_table(out.data['text/csv'], lang)}</div></details>"
                )
            links = " ".join(
                f'<a class="gba-take" href="{href}" download title="{html.escape(what)}">{name}</a>'
                for href, name, what in takeaway
            )
            cite = _cite_block(lang, "figure", meta.get("head", ""), meta.get("title", ""), where(anchor))
            figure = (
                f'<figure class="gba-figure" id="{anchor}">\n'
                f'<div class="gba-figure-scroll" tabindex="0" role="region" aria-label="{html.escape(meta.get("head", ""))}">{svg}</div>\n'
                f"<figcaption>{cap_html}"
                f'<p class="gba-takeaway"><span>{html.escape(ui["take_away"])}</span> {links} '
                f'<a class="gba-take" href="{page_up}{stem}.svg">{html.escape(ui["full_size"])}</a></p>{data}{cite}</figcaption>\n'
                "</figure>"
            )
            new.append(nbformat.from_dict({"output_type": "display_data", "data": {"text/html": figure}, "metadata": {}}))
        cell.outputs = [_table(out, lang, base, page_up, where, files) for out in new]
    return nb, files


def _table(out, lang, base: str, page_up: str, where, files: dict[str, bytes]):
    """A table output with its data as CSV beside the page and how to cite it (other outputs pass unchanged)."""
    meta = out.get("metadata", {}).get("gba", {})
    text = out.get("data", {}).get("text/html", "") if meta.get("kind") == "table" else ""
    if not text.endswith("</div>"):
        return out
    anchor, ui = meta["anchor"], lang.ui
    head, title = _caption_parts(text, meta.get("head", ""), lang)
    extra = ""
    rows = table_rows(text)
    if rows:
        files[f"{base}/{anchor}.csv"] = csv_text(rows).encode("utf-8")
        extra = (
            f'<p class="gba-takeaway"><span>{html.escape(ui["take_table"])}</span> '
            f'<a class="gba-take" href="{page_up}{base}/{anchor}.csv" download title="{html.escape(ui["take_table_csv"])}">CSV</a></p>'
        )
    extra += _cite_block(lang, "table", head, title, where(anchor))
    out = nbformat.from_dict(dict(out))
    out.data = {**out.data, "text/html": text[: -len("</div>")] + extra + "</div>"}
    return out


CAPTION = re.compile(r'<span class="gba-number">(.*?)</span>(.*?)\s*<a class="permalink"', re.S)


def _caption_parts(text: str, head: str, lang) -> tuple[str, str]:
    found = CAPTION.search(text)
    if not found:
        return head, ""
    title = html.unescape(re.sub(r"<[^>]+>", "", found.group(2)))
    return html.unescape(found.group(1)), title.removeprefix(lang.caption_sep).strip()


# ------------------------------------------------------------------ a table's data as CSV


class _Cells(HTMLParser):
    """The header and body rows of the first ``<table>`` in some HTML, as text (the caption left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.depth = 0
        self.cell: list[str] | None = None
        self.skip = 0
        self.done = False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "table":
            self.depth += 1
        elif self.depth == 1 and tag == "caption":
            self.skip += 1
        elif self.depth == 1 and tag == "tr":
            self.rows.append([])
        elif self.depth == 1 and tag in ("td", "th") and self.rows:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if self.done:
            return
        if tag == "table":
            self.depth -= 1
            self.done = self.depth == 0
        elif tag == "caption" and self.skip:
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and not self.skip:
            self.cell.append(data)


def table_rows(text: str) -> list[list[str]]:
    """The rows of the first table in ``text`` (its header first), as the reader sees them."""
    parser = _Cells()
    parser.feed(text)
    parser.close()
    return [r for r in parser.rows if r]


RISKY = ("=", "+", "-", "@", "\t", "\r")  # as in gba_utils.pipeline.exports: what a spreadsheet runs as a formula


def _safe(cell: str) -> str:
    if cell.startswith(RISKY):
        try:
            float(cell.replace(",", ""))
            return cell  # a number (-3, +5.0) stays a number
        except ValueError:
            return "'" + cell
    return cell


def csv_text(rows: list[list[str]]) -> str:
    """CSV of ``rows``, safe to open in a spreadsheet (text that would run as a formula gets a leading apostrophe)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[_safe(c) for c in row] for row in rows])
    return buf.getvalue()


def _figure_csv(text: str) -> str:
    """A chart's CSV as a reader takes it away: a bare row number column (pandas' default index) left out, text cells
    made safe for spreadsheets."""
    return csv_text(_without_row_numbers(list(csv.reader(io.StringIO(text)))))


def _without_row_numbers(rows: list[list[str]]) -> list[list[str]]:
    """``rows`` without a first column that has no header and counts 0, 1, 2, ... (pandas' default index)."""
    if rows and rows[0] and rows[0][0] == "" and [r[0] for r in rows[1:] if r] == [str(i) for i in range(len(rows) - 1)]:
        return [r[1:] for r in rows]
    return rows


# ------------------------------------------------------------------ citations

BIBTEX_SPECIAL = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "%": r"\%",
        "&": r"\&",
        "#": r"\#",
        "_": r"\_",
        "$": r"\$",
        "^": r"\^{}",
        "~": r"\~{}",
    }
)


def bibtex_escape(text: str) -> str:
    """``text`` as a BibTeX field value: braces, ``%``, ``&``, ``#``, ``_`` and the other special characters escaped,
    line breaks folded."""
    return " ".join(str(text).split()).translate(BIBTEX_SPECIAL)


def bibtex(kind: str, key: str, fields: list[tuple[str, str]], authors: tuple[str, ...] = ()) -> str:
    """A BibTeX entry; ``authors`` are corporate names, each kept whole (``{{PwC China} and {...}}``)."""
    body = []
    if authors:
        body.append(("author", " and ".join("{" + bibtex_escape(a) + "}" for a in authors)))
    body += [(name, bibtex_escape(value)) for name, value in fields if value]
    width = max(len(n) for n, _ in body)
    lines = ",\n".join(f"  {name:<{width}} = {{{value}}}" for name, value in body)
    return f"@{kind}{{{re.sub(r'[^A-Za-z0-9_:.-]', '-', key)},\n{lines}\n}}\n"


def marked(text: str, lang) -> str:
    """``text`` as HTML, runs of Chinese script marked with their ``lang`` on a page in another script."""
    if lang.script == "Hans":
        return html.escape(text)
    hans = next((languages.get(c) for c in languages.LANGS if languages.get(c).script == "Hans"), None)
    if hans is None:
        return html.escape(text)
    out, last = [], 0
    for m in CJK_RUN.finditer(text):
        out += [html.escape(text[last : m.start()]), f'<span lang="{hans.html_lang}">{html.escape(m.group())}</span>']
        last = m.end()
    return "".join(out) + html.escape(text[last:])


@functools.cache
def package_version() -> str:
    try:
        return metadata.version("gba-digital-governance")
    except metadata.PackageNotFoundError:
        return "0"


def _sentence(lang, key: str, code: dict[str, str], **values) -> str:
    """A sentence of the language record as HTML: ``values`` escaped and marked, ``code`` set as code."""
    marks = {name: f"\x00{i}\x00" for i, name in enumerate(code)}
    text = lang.say(key, **marks, **values)
    out = marked(text, lang)
    for name, mark in marks.items():
        out = out.replace(html.escape(mark), f"<code>{html.escape(code[name])}</code>")
    return out


def _cite_block(lang, kind: str, head: str, title: str, place: dict) -> str:
    """ "Cite this figure/table": a line of text and a BibTeX entry (``place``: page, page_title, version)."""
    ui = lang.ui
    package = f"gba-digital-governance {package_version()}"
    code = {"page": place["page"], "package": package, "version": place["version"]}
    line = _sentence(lang, "cite_exhibit", code, head=head, title=title, site=ui["site_title"], page_title=place["page_title"])
    entry = bibtex(
        "misc",
        f"gba-{place['page'].replace('/', '-').replace('.html#', '-')}",
        [
            ("title", f"{head}{lang.caption_sep}{title}".strip()),
            ("howpublished", lang.say("cite_where", site=ui["site_title"], page_title=place["page_title"], page=place["page"])),
            ("note", lang.say("cite_note", package=package, version=place["version"])),
        ],
        authors=(ui["cite_authors"],),
    )
    label = ui["cite_figure" if kind == "figure" else "cite_table"]
    return (
        f'<details class="gba-cite"><summary>{html.escape(label)}</summary>'
        f'<p class="gba-cite-line">{line}</p><pre class="gba-bibtex"><code>{marked(entry, lang)}</code></pre></details>'
    )


def work_citations(lang, version: str, package: str) -> list[dict]:
    """BibTeX for the work as a whole, in ``lang``: the reproduction, its dataset, and the report it reproduces."""
    ui = lang.ui
    from ..contents import REPORT_URL

    authors = (ui["cite_authors"],)
    entries = [
        (
            "reproduction",
            ui["cite_reproduction"],
            bibtex(
                "misc",
                "gba-dg-reproduction",
                [
                    ("title", ui["site_title"]),
                    ("version", package),
                    (
                        "note",
                        lang.say("cite_work_note", package=f"gba-digital-governance {package}", licences=ui["cite_licences"]),
                    ),
                ],
                authors,
            ),
        ),
        (
            "dataset",
            ui["cite_dataset"],
            bibtex(
                "misc",
                f"gba-dg-data-{version}",
                [
                    ("title", ui["cite_dataset_title"]),
                    ("howpublished", ui["site_title"]),
                    ("note", lang.say("cite_note", package=f"gba-digital-governance {package}", version=version)),
                ],
                authors,
            ),
        ),
        (
            "report",
            ui["cite_report"],
            bibtex(
                "techreport",
                "pwc-sysu-2022-gba-digital-governance",
                [
                    ("title", ui["cite_report_title"]),
                    ("institution", lang.list_sep.join((ui["publisher_pwc"], ui["publisher_sysu"]))),
                    ("year", "2022"),
                    ("language", ui["cite_language"]),
                    ("url", REPORT_URL),
                ],
                (ui["publisher_pwc"], ui["publisher_sysu"]),
            ),
        ),
    ]
    return [{"key": key, "label": label, "bibtex": marked(entry, lang)} for key, label, entry in entries]


def page_heading(nb: nbformat.NotebookNode) -> str:
    """The first level-1 heading of the (language-selected) notebook's narrative."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return ""


def _standalone(svg: str, to_pages: str) -> str:
    """The SVG as a file of its own: links inside it point at pages relative to where the file lies."""
    return XLINK.sub(lambda m: f'<a xlink:href="{to_pages}{m.group(1)}">{m.group(2)}</a>', svg)
