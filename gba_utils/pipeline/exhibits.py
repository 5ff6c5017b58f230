"""Figures as readers meet them in the site: inline SVG inside ``<figure>``, with a caption, the table behind the
chart one click away, and the figure to take away (SVG, PNG, CSV).

A notebook shows a figure as two outputs (see :meth:`gba_utils.research.session.Session.figure`): the image bundle
(SVG, PNG, CSV, alt text) and its caption. :func:`assemble` turns each pair into one HTML output for the page and
lists the files to write beside it. Links inside a chart (a city on the map leads to its profile) are kept only when
the site has the page they lead to.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re

import nbformat

from .. import languages
from ..research.text import mixed

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
    """The CSV behind a chart as a small HTML table (the build's workers carry no pandas)."""
    rows = list(csv.reader(io.StringIO(text)))
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
                files[f"{stem}.csv"] = out.data["text/csv"].encode("utf-8")
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
            figure = (
                f'<figure class="gba-figure" id="{anchor}">\n'
                f'<div class="gba-figure-scroll" tabindex="0" role="region" aria-label="{html.escape(meta.get("head", ""))}">{svg}</div>\n'
                f"<figcaption>{cap_html}"
                f'<p class="gba-takeaway"><span>{html.escape(ui["take_away"])}</span> {links} '
                f'<a class="gba-take" href="{page_up}{stem}.svg">{html.escape(ui["full_size"])}</a></p>{data}</figcaption>\n'
                "</figure>"
            )
            new.append(nbformat.v4.new_output("display_data", data={"text/html": figure}))
        cell.outputs = new
    return nb, files


def _standalone(svg: str, to_pages: str) -> str:
    """The SVG as a file of its own: links inside it point at pages relative to where the file lies."""
    return XLINK.sub(lambda m: f'<a xlink:href="{to_pages}{m.group(1)}">{m.group(2)}</a>', svg)
