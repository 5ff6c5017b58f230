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
from .plan import Job

HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)<a class="anchor-link"', re.S)
NB_LINK = re.compile(r'href="(\d\d_[a-z_]+)\.ipynb(#[^"]*)?"')


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


def link_notebooks(body: str, slugs: dict[str, str]) -> str:
    """Links between notebooks (``02_cases.ipynb``) become links between pages of the same build."""

    def repl(m):
        slug = slugs.get(m.group(1))
        return f'href="{slug}.html{m.group(2) or ""}"' if slug else m.group(0)

    return NB_LINK.sub(repl, body)


def title_of(job: Job, nb: nbformat.NotebookNode) -> str:
    """A page's title: its notebook's heading, and the city it is about (names from cities.csv, no pandas needed)."""
    params = dict(job.params)
    title = page_title(nb)
    if params.get("city", "all") != "all":
        title += f" · {codes.city_name(params['city'], languages.get(job.lang).city_name_column, params.get('data_dir'))}"
    return title


def render_page(nb: nbformat.NotebookNode, job: Job, site: Path, jobs=()) -> tuple[str, Path, str]:
    """HTML of one executed notebook, the path it belongs at, and its title."""
    lang = languages.get(job.lang)
    shown = select_cells(nb, job.lang, job.show_code)
    siblings = job.reading_order()
    # chapters link to chapters of the same view; a profile links to the default chapters
    slugs = {name: name for name in ALL_NOTEBOOKS} | {
        j.notebook: j.slug for j in siblings if j.notebook == job.notebook or job.notebook in CHAPTERS
    }
    body = link_notebooks(render_body(shown, job.show_code), slugs)
    idx = next((i for i, j in enumerate(siblings) if j.slug == job.slug), 0)
    params = dict(job.params)
    title = title_of(job, shown)
    prev_job = siblings[idx - 1] if idx > 0 else None
    next_job = siblings[idx + 1] if idx + 1 < len(siblings) else None
    twins = [(languages.get(code), job.sibling(lang=code)) for code in languages.others(job.lang)]
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
            prev={"href": f"{prev_job.slug}.html"} if prev_job else None,
            next={"href": f"{next_job.slug}.html"} if next_job else None,
            index_href=f"{up}index.html",
            twins=[{"lang": t, "href": f"{up}{j.page}"} for t, j in twins],
            css_href=f"{up}assets/gba.css",
            edition=params.get("edition"),
            version=version,
            citation=lang.say("citation", version=version),
            params={k: v for k, v in params.items() if k != "data_dir"},
        )
    )
    return html, site / job.page, title


def write_index(site: Path, ds, pages: list[dict]) -> bytes:
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
        )
        .encode("utf-8")
    )
