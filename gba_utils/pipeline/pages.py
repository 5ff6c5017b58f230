"""Reader-facing HTML: one page per executed notebook, and the index.

Pages are rendered with nbconvert's ``basic`` template (body only, no CDN scripts), wrapped in our own Jinja2 page with
navigation, a table of contents and a footer. Narrative cells tagged ``lang-<code>`` are kept for their language and
dropped for the others; code is hidden unless the build asks for it. The words of the page furniture come from the
language record (:mod:`gba_utils.languages`); navigation and the index come from the build's record of its pages.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path

import jinja2
import nbformat

from .. import languages, paths
from ..contents import ALL_NOTEBOOKS, CHAPTERS, PROFILE
from ..data import codes, data_version
from ..data.schema import BY_NAME, TABLES
from ..research.outputs import DATA_FOR
from ..research.params import PARAMETERS
from .plan import Job

HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)<a class="anchor-link"', re.S)


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(paths.TEMPLATES)),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def select_cells(nb: nbformat.NotebookNode, lang: str, show_code: bool) -> nbformat.NotebookNode:
    """Keep cells of ``lang`` (and untagged ones); drop parameter cells unless code is shown."""
    nb = copy.deepcopy(nb)
    other = {languages.get(code).tag for code in languages.others(lang)}
    keep = []
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & other:
            continue
        if not show_code and tags & {"parameters", "injected-parameters"}:
            continue
        if not show_code and cell.cell_type == "code" and not cell.get("outputs"):
            continue
        keep.append(cell)
    nb.cells = keep
    return nb


def page_title(nb: nbformat.NotebookNode) -> str:
    """The first level-1 heading of the notebook's narrative."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return "Report"


def toc(body: str) -> list[dict]:
    return [{"level": int(lvl), "id": hid, "text": re.sub(r"<[^>]+>", "", text)} for lvl, hid, text in HEADING.findall(body)]


@functools.cache
def _exporter(show_code: bool):
    """One nbconvert exporter per worker process (loading its templates is the slow part)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="¶",
    )


def render_body(nb: nbformat.NotebookNode, show_code: bool) -> str:
    body, _ = _exporter(show_code).from_notebook_node(nb)
    return body


NB_ANCHOR = re.compile(r'<a href="(\d\d_[a-z_]+)\.ipynb(#[^"]*)?">(.*?)</a>', re.S)


def link_notebooks(body: str, job: Job, site: set[str]) -> str:
    """Links between notebooks (``02_cases.ipynb``) become links between pages of the site.

    A chapter links the chapter of the same view (same city, same domain) when the site has it, else the chapter's
    default page; a link to a page the site does not have is left as plain text.
    """

    def repl(m):
        name, fragment, text = m.group(1), m.group(2) or "", m.group(3)
        same_view = job.sibling(notebook=name) if job.notebook in CHAPTERS and name in CHAPTERS else None
        for target in (same_view, Job(name, tuple(sorted({**dict(job.params), **_defaults()}.items())), job.out_dir)):
            if target is not None and target.page in site:
                return f'<a href="{target.slug}.html{fragment}">{text}</a>'
        return text

    return NB_ANCHOR.sub(repl, body)


def _defaults() -> dict:
    return {k: p.default for k, p in PARAMETERS.items() if k not in ("lang", "data_dir")}


def title_of(job: Job, nb: nbformat.NotebookNode) -> str:
    """A page's title: its notebook's heading, and the city it is about (names from cities.csv, no pandas needed)."""
    params = dict(job.params)
    title = page_title(nb)
    if params.get("city", "all") != "all":
        title += f" · {codes.city_name(params['city'], languages.get(job.lang).city_name_column, params.get('data_dir'))}"
    return title


def render_page(nb: nbformat.NotebookNode, job: Job, site: set[str]) -> tuple[str, str]:
    """HTML of one executed notebook and its title; ``site`` holds the paths of every page of the site it belongs to."""
    lang = languages.get(job.lang)
    shown = select_cells(nb, job.lang, job.show_code)
    body = link_notebooks(render_body(shown, job.show_code), job, site)
    params = dict(job.params)
    title = title_of(job, shown)
    near = job.neighbours(site)
    version = data_version(paths.data_dir(params.get("data_dir")))
    up = "../" * len(Path(job.out_dir).parts)
    downloads = [
        {
            "name": t,
            "title": getattr(BY_NAME[t], f"title_{lang.column_suffix}"),
            "csv": f"{up}data/{t}.csv",
            "xlsx": f"{up}data/{t}.xlsx",
        }
        for t in DATA_FOR.get(job.notebook, ())
    ]
    html = (
        _env()
        .get_template("page.html.j2")
        .render(
            downloads=downloads,
            lang=lang,
            ui=lang.ui,
            title=title,
            site_title=lang.ui["site_title"],
            body=body,
            toc=toc(body),
            prev={"href": f"{near['prev'].slug}.html"} if near["prev"] else None,
            next={"href": f"{near['next'].slug}.html"} if near["next"] else None,
            index_href=f"{up}index.html",
            twins=[{"lang": languages.get(t.lang), "href": f"{up}{t.page}"} for t in near["twins"]],
            css_href=f"{up}assets/gba.css",
            edition=params.get("edition"),
            version=version,
            citation=lang.say("citation", version=version),
            params={k: v for k, v in params.items() if k != "data_dir"},
        )
    )
    return html, title


def write_index(ds, pages: list[dict]) -> bytes:
    """The landing page linking every page of the site in every language; ``pages`` is the build's record of them.

    Each record has ``job`` (a :class:`Job`) and ``title``.
    """
    order_cities = codes.city_codes(ds.directory)

    def order(p):
        job = p["job"]
        city = dict(job.params).get("city", "all")
        return (
            languages.LANGS.index(job.lang),
            job.notebook == PROFILE,
            ALL_NOTEBOOKS.index(job.notebook),
            order_cities.index(city) if city in order_cities else -1,
            job.slug,
        )

    listed = [
        {
            "lang": p["job"].lang,
            "href": p["job"].page,
            "title": p["title"],
            "profile": p["job"].notebook == PROFILE,
            "params": dict(p["job"].named_params),
        }
        for p in sorted(pages, key=order)
    ]
    editions = [(languages.get(code), [p for p in listed if p["lang"] == code]) for code in languages.LANGS]
    return (
        _env()
        .get_template("index.html.j2")
        .render(
            tables=[t.name for t in TABLES],
            editions=editions,
            version=ds.version,
            edition=ds.edition,
            citations=[languages.get(code).say("citation", version=ds.version) for code in languages.LANGS],
            n_cases=len(ds.cases),
            n_claims=len(ds.claims),
            datapackage=(ds.directory / "datapackage.json").exists(),
        )
        .encode("utf-8")
    )
