"""Reader-facing HTML: one page per executed notebook, and the index.

Pages are rendered with nbconvert's ``basic`` template (body only, no CDN scripts), wrapped in our own Jinja2 page with
navigation, a table of contents and a footer. Narrative cells tagged ``lang-<code>`` are kept for their language and
dropped for the others; code is hidden unless the build asks for it. The words of the page furniture come from the
language record (:mod:`gba_utils.languages`); navigation and the index come from the build's record of its pages.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import html
import importlib
import importlib.util
import json
import re
import sys
import threading
import types
from pathlib import Path

import jinja2
import nbformat
from markupsafe import Markup

from .. import languages, paths
from ..contents import ALL_NOTEBOOKS, CHAPTERS, FRONT, PROFILE, REPORT_TITLE_ZH, REPORT_URL, pdf_edition
from ..data import codes, data_version, switches
from ..data.schema import BY_NAME, TABLES
from ..files import atomic_write, sha
from ..research.outputs import BY_KEY, DATA_FOR
from ..research.params import PARAMETERS
from . import exhibits, search
from .plan import Job, narrative_title, notebook_json

HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)<a class="anchor-link"', re.S)


def template_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the build folder between processes (Jinja2's bytecode cache: keyed by each template's
    source, written atomically): compiling nbconvert's and our page templates is most of a process's first page."""
    folder = paths.BUILD / "cache" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(paths.TEMPLATES)),
        bytecode_cache=template_cache(),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def select_cells(nb: nbformat.NotebookNode, lang: str, show_code: bool) -> nbformat.NotebookNode:
    """Keep cells of ``lang`` (and untagged ones); drop parameter cells unless code is shown."""
    nb = copy.deepcopy(nb)
    other = languages.other_tags(lang)
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
    return narrative_title(nb.cells)


def toc(body: str) -> list[dict]:
    return [{"level": int(lvl), "id": hid, "text": re.sub(r"<[^>]+>", "", text)} for lvl, hid, text in HEADING.findall(body)]


def _classes(tag) -> list[str]:
    return tag.get("class") or []


#: The CSS selections nbconvert's HTMLExporter makes on every page it renders, as BeautifulSoup's ``find_all``.
_SELECTIONS = {
    "img:not([alt])": lambda soup: soup.find_all(lambda t: t.name == "img" and not t.has_attr("alt")),
    **{
        f".jp-Notebook div.{name}": lambda soup, name=name: [
            t for t in soup.find_all("div", class_=name) if any("jp-Notebook" in _classes(p) for p in t.parents if p.name)
        ]
        for name in ("jp-Cell-inputWrapper", "jp-OutputArea-output")
    },
}


class _LoadedOnUse(types.ModuleType):
    """A module that imports itself on its first attribute lookup, and is then the real module's namespace."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        with _loading:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, name)


def _lazy_soupsieve() -> None:
    """Make soupsieve load when first used rather than when BeautifulSoup is imported: it compiles its CSS grammar as
    it is imported, 50 ms of every process that parses HTML, and the build's own parsing selects nothing with CSS
    (see :func:`_soup_class`). BeautifulSoup keeps the module to call it; the stand-in becomes the real module at its
    first use. (The standard library's LazyLoader would do this, but Python 3.11's import statement reads the module's
    ``__spec__`` through it, which loads it.)"""
    if "soupsieve" in sys.modules or "bs4" in sys.modules:
        return
    spec = importlib.util.find_spec("soupsieve")
    if spec is None:
        return
    stand_in = _LoadedOnUse("soupsieve")
    stand_in.__spec__, stand_in.__path__ = spec, list(spec.submodule_search_locations or [])
    sys.modules["soupsieve"] = stand_in


@functools.cache
def _soup_class():
    """BeautifulSoup for nbconvert's HTMLExporter, making its three CSS selections with ``find_all``: soupsieve
    compiles its CSS grammar in every process on first use (a tenth of a second, most of what a one-cell render costs
    a markdown edit). Any other selector goes to soupsieve; a test compares the two on every page."""
    _lazy_soupsieve()
    from bs4 import BeautifulSoup

    class Soup(BeautifulSoup):
        def select(self, selector, *args, **kwargs):
            if selector in _SELECTIONS and not args and not kwargs:
                return _SELECTIONS[selector](self)
            return super().select(selector, *args, **kwargs)

    return Soup


#: The exporter's options that shape a markdown cell's HTML (its other options are nbconvert's defaults).
ANCHOR_LINK_TEXT = "¶"
_loading = threading.RLock()  # nbconvert's modules are loaded by one thread at a time (see _markdown_kit)


@functools.cache
def _exporter(show_code: bool):
    """One nbconvert exporter per worker process (loading its templates is the slow part)."""
    with _loading:
        _lazy_soupsieve()
        from nbconvert import HTMLExporter
        from nbconvert.exporters import html as nbconvert_html

    nbconvert_html.BeautifulSoup = _soup_class()  # the build's own process and workers only

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text=ANCHOR_LINK_TEXT,
    )
    exporter.environment.bytecode_cache = template_cache()
    return exporter


def _no_sanitizer(*args, **kwargs):
    raise RuntimeError("nbconvert's HTML sanitizer is not loaded with its markdown renderer (see pages._markdown_kit)")


@functools.cache
def _markdown_kit():
    """nbconvert's markdown renderer (``MarkdownWithMath``, ``IPythonRenderer``) and its ``strip_files_prefix``: the
    code an exporter runs on a markdown cell, without the exporter.

    Importing the nbconvert package imports every exporter, preprocessor and filter, nbclient and jupyter_client with
    them: most of the second a markdown edit costs. When the package is not imported yet, its two filter modules are
    loaded from nbconvert's own files under empty stand-ins for their packages (the HTML sanitizer the strings module
    names, and bleach behind it, stand in as a function that refuses and an empty module, as markdown never calls
    them), and the stand-ins are removed at once, so a later ``import nbconvert`` loads the whole package as usual.
    A test renders every markdown cell of every notebook both ways and compares the bytes."""
    with _loading:
        _lazy_soupsieve()
        if "nbconvert" in sys.modules:
            from nbconvert.filters import markdown_mistune, strings
        else:
            root = Path(importlib.util.find_spec("nbconvert").origin).parent
            shells = {}
            for name, folder in (("nbconvert", root), ("nbconvert.filters", root / "filters")):
                shells[name] = types.ModuleType(name)
                shells[name].__path__ = [str(folder)]
            shells["nbconvert.preprocessors"] = types.ModuleType("nbconvert.preprocessors")
            shells["nbconvert.preprocessors.sanitize"] = sanitize = types.ModuleType("nbconvert.preprocessors.sanitize")
            sanitize._get_default_css_sanitizer = _no_sanitizer
            if "bleach" not in sys.modules:  # the sanitizer's library: the strings module imports it, markdown never uses it
                shells["bleach"] = types.ModuleType("bleach")
            sys.modules.update(shells)
            try:
                markdown_mistune = importlib.import_module("nbconvert.filters.markdown_mistune")
                strings = sys.modules["nbconvert.filters.strings"]
            finally:
                for name in [n for n in sys.modules if n == "nbconvert" or n.startswith("nbconvert.")]:
                    del sys.modules[name]
                if sys.modules.get("bleach") is shells.get("bleach"):
                    del sys.modules["bleach"]
    return markdown_mistune.MarkdownWithMath, markdown_mistune.IPythonRenderer, strings.strip_files_prefix


def markdown_cell(cell) -> str:
    """The HTML the exporter makes of a markdown cell (with an id, without attachments), made as its ``basic`` template
    and its post-processing do: the cell's source through nbconvert's markdown renderer and ``strip_files_prefix``, in
    the template's markup, parsed and written out by BeautifulSoup with missing image descriptions filled in."""
    markdown, renderer, strip_files_prefix = _markdown_kit()
    value = strip_files_prefix(
        markdown(
            renderer=renderer(
                escape=False,
                attachments={},
                embed_images=False,  # the exporter's defaults for these three, as _exporter leaves them
                exclude_anchor_links=False,
                path="",
                anchor_link_text=ANCHOR_LINK_TEXT,
            )
        ).render(cell.source)
    )
    anchor = f'id="{html.escape("cell-id=" + cell.id)}"'  # notebooks of nbformat 4.5 and later: every cell has an id
    tags = "".join(html.escape(f" celltag_{tag}") for tag in cell.metadata.get("tags", []))
    soup = _soup_class()(
        f'<div {anchor} class="cell border-box-sizing text_cell rendered{tags}"><div class="inner_cell">\n'
        f'<div class="text_cell_render border-box-sizing rendered_html">\n{value}\n</div>\n</div>\n</div>\n\n\n',
        features="html.parser",
    )
    for img in soup.find_all(lambda t: t.name == "img" and not t.has_attr("alt")):
        img.attrs["alt"] = "No description has been provided for this image"
    return str(soup)


def _render_cell(nb: nbformat.NotebookNode, cell, show_code: bool) -> str:
    if cell.cell_type == "markdown" and not cell.get("attachments") and cell.get("id"):  # ids: nbformat 4.5 and later
        return markdown_cell(cell)
    return _exporter(show_code).from_notebook_node(_alone(nb, cell))[0]


def render_body(nb: nbformat.NotebookNode, show_code: bool, store: Path | None = None) -> str:
    """The HTML nbconvert makes of ``nb``'s cells, made cell by cell: nbconvert's body of a notebook is its cells'
    bodies one after another (a test keeps this true for every page), so each cell's HTML can be kept.

    ``store`` (a file) keeps the page's cells between builds, keyed by everything that shapes a cell's HTML (the cell,
    the exporter's options, the notebook's language, the versions in :data:`RENDERERS`): a markdown edit renders the
    cell it changed and takes the others from the store, and a page whose cells all come from it does not import
    nbconvert at all. Each write keeps only the page's current cells."""
    shape = json.dumps([show_code, nb.metadata.get("language_info", {}), _renderer_versions()], sort_keys=True)
    kept: dict[str, str] = {}
    if store is not None and store.is_file():
        with contextlib.suppress(OSError, ValueError):
            kept = json.loads(store.read_text(encoding="utf-8"))
    keys = [sha((shape + json.dumps(c, sort_keys=True, ensure_ascii=False)).encode("utf-8")) for c in nb.cells]
    made: dict[str, str] = {}
    for key, cell in zip(keys, nb.cells):
        if key not in made:
            made[key] = kept[key] if key in kept else _render_cell(nb, cell, show_code)
    if store is not None and made != kept:
        with contextlib.suppress(OSError):
            atomic_write(store, json.dumps(made, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return "".join(made[k] for k in keys)


#: Packages whose versions shape the HTML nbconvert makes of a cell (part of the key of each kept cell).
RENDERERS = ("nbconvert", "mistune", "pygments", "beautifulsoup4", "bleach", "jinja2", "markupsafe")


@functools.cache
def _renderer_versions() -> dict[str, str]:
    from importlib import metadata

    out = {}
    for name in RENDERERS:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def _alone(nb: nbformat.NotebookNode, cell) -> nbformat.NotebookNode:
    """``nb`` with ``cell`` as its only cell (the notebook's metadata shape how nbconvert renders a cell)."""
    one = copy.copy(nb)
    one.cells = [cell]
    return one


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


def title_of(job: Job, nb: nbformat.NotebookNode | None) -> str:
    """A page's title: its notebook's heading (from ``nb``, else from the notebook's source), and the city it is about
    (names from cities.csv, no pandas needed)."""
    params = dict(job.params)
    lang = languages.get(job.lang)
    title = page_title(nb) if nb is not None else _source_title(job.notebook, job.lang)
    if params.get("city", "all") != "all":
        title += f"{lang.ui['title_sep']}{codes.city_name(params['city'], lang.city_name_column, params.get('data_dir'))}"
    return title


def _package_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("gba-digital-governance")
    except metadata.PackageNotFoundError:
        return "0"


def repository_url() -> str | None:
    """The repository's public address, when the project declares one (``[project.urls] Repository``)."""
    from importlib import metadata

    try:
        urls = metadata.metadata("gba-digital-governance").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        name, _, url = entry.partition(",")
        if name.strip().lower() in ("repository", "source", "homepage"):
            return url.strip()
    return None


def view_text(job: Job, data_dir) -> list[str]:
    """The parameters that make this page a particular view, in the page's language (City: Shenzhen)."""
    lang = languages.get(job.lang)
    shown = []
    for key, value in job.named_params:
        if key == "city":
            value = codes.city_name(value, lang.city_name_column, data_dir)
        elif key == "decisions":  # switches are codes, in any language: shown as code
            shown.append(Markup(f"{html.escape(lang.ui.get(key, key))}{lang.label_sep}<code>{html.escape(str(value))}</code>"))
            continue
        else:
            value = codes.label(key, value, lang.col("label"), data_dir) if key == "domain" else value
        shown.append(f"{lang.ui.get(key, key)}{lang.label_sep}{value}")
    return shown


def switched_text(job: Job, data_dir) -> list[dict]:
    """The decisions this page switches to an alternative, for the notice at its top: each as its code
    (``D07=by-subject``) and the alternative's label in the page's language (empty when the page shows the data as
    coded)."""
    value = dict(job.params).get("decisions") or ""
    if not value:
        return []
    lang, known = languages.get(job.lang), switches.alternatives(data_dir)
    return [
        {"code": f"{d}={a}", "label": known.get(d, {}).get(a, {}).get(lang.col("label"), "")} for d, a in switches.parse(value)
    ]


def citation(lang, version: str) -> str:
    """How to cite, as HTML: the report's Chinese title marked as Chinese where the page is in another language."""
    title = html.escape(REPORT_TITLE_ZH)
    if lang.script != "Hans":
        title = f'<span lang="{languages.get("zh").html_lang}">{title}</span>'
    text = html.escape(lang.say("citation", title_zh="\x00", package="\x01", version="\x02"))
    package = f"<code>gba-digital-governance {html.escape(_package_version())}</code>"
    return text.replace("\x00", title).replace("\x01", package).replace("\x02", f"<code>{version}</code>")


def _source_title(notebook: str, lang: str) -> str:
    """A notebook's title in one language, read from its source as it is now (the front page lists pages rendered
    elsewhere; the parsed source is kept by the hash of its bytes)."""
    return narrative_title(notebook_json(paths.NOTEBOOKS / f"{notebook}.ipynb")["cells"], lang)


def front_html(job: Job, site: set[str], ds_dir) -> str:
    """The lists the front page carries below its notebook: every page of the site in this language, and the data."""
    lang = languages.get(job.lang)
    here = [Job.from_page(p) for p in sorted(site) if p.startswith(f"{job.out_dir}/")]
    chapters, profiles, views = [], [], []
    cities = codes.city_codes(ds_dir)
    for other in here:
        if other.notebook == FRONT:
            continue
        entry = {"href": f"{other.slug}.html", "title": title_of(other, None), "params": other.named_params}
        if other.notebook == PROFILE and set(dict(other.named_params)) == {"city"}:
            entry["order"] = cities.index(dict(other.params)["city"]) if dict(other.params).get("city") in cities else 99
            entry["title"] = codes.city_name(dict(other.params)["city"], lang.city_name_column, ds_dir)
            profiles.append(entry)
        elif not other.named_params:
            chapters.append(entry | {"order": CHAPTERS.index(other.notebook) if other.notebook in CHAPTERS else 99})
        else:
            views.append(entry | {"order": ALL_NOTEBOOKS.index(other.notebook)})
    up = "../" * len(Path(job.out_dir).parts)
    tables = [
        {
            "name": t.name,
            "title": getattr(t, f"title_{lang.column_suffix}"),
            "csv": f"{up}data/{t.name}.csv",
            "xlsx": f"{up}data/{t.name}.xlsx",
        }
        for t in TABLES
    ]
    return (
        _env()
        .get_template("front.html.j2")
        .render(
            ui=lang.ui,
            lang=lang,
            chapters=sorted(chapters, key=lambda e: e["order"]),
            profiles=sorted(profiles, key=lambda e: e["order"]),
            views=sorted(views, key=lambda e: (e["order"], e["href"])),
            tables=tables,
            up=up,
            datapackage=(Path(ds_dir) / "datapackage.json").exists(),
            # the PDF editions the build makes (this language's first), and how to cite the work
            pdfs=[
                {"lang": languages.get(code), "href": f"{up}{pdf_edition(code)}"}
                for code in (job.lang, *languages.others(job.lang))
                if pdf_edition(code) in site
            ],
            cite=exhibits.work_citations(lang, data_version(ds_dir), _package_version()),
        )
    )


TABLE_WRAP = '<div class="gba-table-wrap" id="{anchor}"'
HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)


def _column(item, heads: list[str], key: str, lang) -> str:
    """The position of the data column ``key`` among a table's headers (found by its header in ``lang``)."""
    header = lang.columns.get(key, key)
    hits = [i for i, h in enumerate(heads) if h == header]
    if len(hits) != 1:
        raise ValueError(
            f"table {item.key!r}: explore names the column {key!r}, whose header {header!r} appears {len(hits)} times "
            f"in the table's headers {heads}; expected once"
        )
    return str(hits[0])


def mark_explorable(nb: nbformat.NotebookNode, lang) -> bool:
    """Mark the long tables readers may sort and filter (``explore`` in the outputs registry) for the page's script:
    ``data-explore-selects`` and ``data-explore-lists`` on the table's wrapper hold the positions of the columns that
    get a drop-down. Columns are found by their header in the page's language; a registry entry naming a column the
    table does not have (or has twice) is an error. Returns whether the page has such a table."""
    found = False
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = out.get("metadata", {}).get("gba", {})
            item = BY_KEY.get(meta.get("key", "")) if meta.get("kind") == "table" else None
            text = out.get("data", {}).get("text/html", "")
            if item is None or item.explore is None or "<table" not in text:  # a table with no rows is a note
                continue
            heads = [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in HEADER_CELL.findall(text.split("</thead>")[0])]
            selects = " ".join(_column(item, heads, k, lang) for k in item.explore.selects)
            lists = " ".join(_column(item, heads, k, lang) for k in item.explore.lists)
            marker = TABLE_WRAP.format(anchor=meta["anchor"])
            if marker not in text:
                raise ValueError(f"table {item.key!r}: no {marker}> in its output, so it cannot be explored")
            out.data["text/html"] = text.replace(
                marker, f'{marker} data-explore-selects="{selects}" data-explore-lists="{lists}"', 1
            )
            found = True
    return found


def script_strings(lang) -> str:
    """The words the page's scripts say (search and the table explorer), as JSON that is safe inside ``<script>``."""
    strings = {k: v for k, v in lang.ui.items() if k.startswith(("search_", "explore_"))}
    strings["list_sep"] = lang.list_sep
    strings["lang_names"] = {languages.get(c).html_lang: languages.get(c).name for c in languages.LANGS}
    return search.js_escape(json.dumps(strings, ensure_ascii=False, sort_keys=True))


def render_page(
    nb: nbformat.NotebookNode, job: Job, site: set[str], cells: Path | None = None
) -> tuple[str, str, dict[str, bytes]]:
    """HTML of one executed notebook, its title, and the files it brings (figures to take away, by path in the site).

    ``site`` holds the paths of every page of the site it belongs to; ``cells`` is where the HTML of the page's cells
    is kept between builds (see :func:`render_body`)."""
    lang = languages.get(job.lang)
    shown = select_cells(nb, job.lang, job.show_code)
    explore = mark_explorable(shown, lang)
    refs = exhibits.references(shown)
    shown, files = exhibits.assemble(exhibits.drop_facts(shown), job, site)
    body = render_body(shown, job.show_code, cells)
    body = exhibits.resolve(link_notebooks(body, job, site), refs, lang.ui["omitted"])
    params = dict(job.params)
    title = title_of(job, shown)
    near = job.neighbours(site)
    data_dir = paths.data_dir(params.get("data_dir"))
    version = data_version(data_dir)
    up = "../" * len(Path(job.out_dir).parts)
    front_page = f"{job.out_dir}/{FRONT}.html"
    home = (f"{FRONT}.html" if job.notebook == FRONT else f"{up}{front_page}") if front_page in site else None
    downloads = [
        {
            "name": t,
            "title": getattr(BY_NAME[t], f"title_{lang.column_suffix}"),
            "csv": f"{up}data/{t}.csv",
            "xlsx": f"{up}data/{t}.xlsx",
        }
        for t in DATA_FOR.get(job.notebook, ())
    ]
    html_text = (
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
            profile=job.notebook == PROFILE,
            prev={"href": f"{near['prev'].slug}.html"} if near["prev"] else None,
            next={"href": f"{near['next'].slug}.html"} if near["next"] else None,
            home_href=home,
            twins=[{"lang": languages.get(t.lang), "href": f"{up}{t.page}"} for t in near["twins"]],
            css_href=f"{up}assets/gba.css",
            up=up,
            explore=explore,
            script_strings=script_strings(lang),
            edition=params.get("edition"),
            version=version,
            citation=citation(lang, version),
            view=view_text(job, data_dir),
            switched=switched_text(job, data_dir),
            report_url=REPORT_URL,
            repository_href=repository_url() or (f"{home}#data" if home else None),
            front=front_html(job, site, data_dir) if job.notebook == FRONT else "",
        )
    )
    return html_text, title, files


def write_index(ds, pages: list[dict], pdfs: dict[str, str] | None = None) -> bytes:
    """The site's root page: it offers each language's edition (its front page, or its first page without one) and
    its PDF edition when the build makes one (``pdfs``: language -> path in the site)."""
    editions = []
    for code in languages.LANGS:
        built = [p["job"].page for p in pages if p["job"].out_dir == code]
        if built:
            front = f"{code}/{FRONT}.html"
            edition = {"lang": languages.get(code), "href": front if front in built else built[0]}
            editions.append(edition | {"pdf": (pdfs or {}).get(code)})
    return _env().get_template("index.html.j2").render(editions=editions, version=ds.version).encode("utf-8")
