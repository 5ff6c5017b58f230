"""Reader-facing HTML: one page per executed notebook, an index, a shared stylesheet and web font.

Pages are rendered with nbconvert's ``basic`` template (body only, no CDN scripts),
wrapped in our own Jinja2 page with navigation, a table of contents and a footer.
Narrative cells tagged ``lang-zh`` / ``lang-en`` are kept or dropped by language;
code is hidden unless the build asks for it.
"""
from __future__ import annotations

import copy
import html as htmllib
import re
from pathlib import Path

import jinja2
import nbformat

from . import paths
from .data import data_version

SITE_TITLE = {"zh": "粤港澳大湾区数字治理研究报告2022 · 开放复现", "en": "GBA Digital Governance Report 2022 · open reproduction"}
LANG_NAME = {"zh": "中文", "en": "English"}
CITATION = {
    "zh": "普华永道、中山大学数字治理研究中心：《粤港澳大湾区数字治理研究报告2022》，2022。开放复现：gba-digital-governance 0.1.0，数据版本 {version}。",
    "en": "PwC China and SYSU Center for Digital Governance (2022). Greater Bay Area Digital Governance Research Report 2022 [粤港澳大湾区数字治理研究报告2022]. Open reproduction: gba-digital-governance 0.1.0, data version {version}.",
}
FONT_FILE = "noto-sans-sc-subset.woff"


import functools


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(paths.TEMPLATES)), autoescape=True,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def select_cells(nb: nbformat.NotebookNode, lang: str, show_code: bool) -> nbformat.NotebookNode:
    """Keep cells of ``lang`` (and untagged ones); drop parameter cells unless code is shown."""
    nb = copy.deepcopy(nb)
    other = "lang-en" if lang == "zh" else "lang-zh"
    keep = []
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if other in tags:
            continue
        if not show_code and tags & {"parameters", "injected-parameters"}:
            continue
        if not show_code and cell.cell_type == "code" and not cell.get("outputs"):
            continue
        keep.append(cell)
    nb.cells = keep
    return nb


def page_title(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return "Report"


HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)<a class="anchor-link"', re.S)


def toc(body: str) -> list[dict]:
    return [{"level": int(lvl), "id": hid, "text": re.sub(r"<[^>]+>", "", text)} for lvl, hid, text in HEADING.findall(body)]


@functools.cache
def _exporter(show_code: bool):
    """One nbconvert exporter per worker process (loading its templates is the slow part)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="basic", exclude_input=not show_code, exclude_input_prompt=True,
                        exclude_output_prompt=True, anchor_link_text="¶")


def render_body(nb: nbformat.NotebookNode, show_code: bool) -> str:
    body, _ = _exporter(show_code).from_notebook_node(nb)
    return body


#: pages whose links to other chapters keep the page's own parameters (chapters link to chapters of the same view)
NOTEBOOK_LINKED = ("00_overview", "01_background", "02_cases", "03_problems", "04_recommendations", "05_audit")
NB_LINK = re.compile(r'href="(\d\d_[a-z_]+)\.ipynb(#[^"]*)?"')


def link_notebooks(body: str, slugs: dict[str, str]) -> str:
    """Links between notebooks (``02_cases.ipynb``) become links between pages of the same build."""
    def repl(m):
        slug = slugs.get(m.group(1))
        return f'href="{slug}.html{m.group(2) or ""}"' if slug else m.group(0)

    return NB_LINK.sub(repl, body)


def _siblings(job) -> list:
    """Pages in reading order: every chapter with the same parameters, or every city's profile."""
    from dataclasses import replace

    from .params import CITY_CODES
    from .pipeline import NOTEBOOK_ORDER, PROFILE

    if job.notebook == PROFILE:
        return [replace(job, params=tuple(sorted({**dict(job.params), "city": c}.items()))) for c in CITY_CODES]
    return [replace(job, notebook=name) for name in NOTEBOOK_ORDER]


def _city_name(city: str, lang: str, data_dir) -> str:
    """A city's name for a page title, read straight from cities.csv: the build workers never load pandas, and the
    table was validated before any notebook ran."""
    import csv

    with open(paths.data_dir(data_dir) / "cities.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["city_code"] == city:
                return row["name_zh_hans" if lang == "zh" else "name_en"]
    return city


def render_page(nb: nbformat.NotebookNode, job, site: Path, jobs=()) -> tuple[str, Path]:
    """HTML of one executed notebook and the path it belongs at."""
    lang = job.lang
    shown = select_cells(nb, lang, job.show_code)
    siblings = _siblings(job)
    from .pipeline import ALL_NOTEBOOKS

    slugs = {name: name for name in ALL_NOTEBOOKS} | {j.notebook: j.slug for j in siblings if j.notebook == job.notebook or job.notebook in NOTEBOOK_LINKED}
    body = link_notebooks(render_body(shown, job.show_code), slugs)
    idx = next((i for i, j in enumerate(siblings) if j.slug == job.slug), 0)
    params = dict(job.params)
    title = page_title(shown)
    if params.get("city", "all") != "all":
        title += f" · {_city_name(params['city'], lang, params.get('data_dir'))}"
    prev_job = siblings[idx - 1] if idx > 0 else None
    next_job = siblings[idx + 1] if idx + 1 < len(siblings) else None
    twin_lang = "en" if lang == "zh" else "zh"
    twin_dir = job.out_dir.replace(lang, twin_lang, 1) if job.out_dir.startswith(lang) else twin_lang
    version = data_version(paths.data_dir(params.get("data_dir")))
    depth = len(Path(job.out_dir).parts)
    up = "../" * depth
    from .catalog import DATA_FOR

    from .schema import BY_NAME

    downloads = [{"name": t, "title": getattr(BY_NAME[t], f"title_{lang}"), "csv": f"{up}data/{t}.csv", "xlsx": f"{up}data/{t}.xlsx"}
                 for t in DATA_FOR.get(job.notebook, ())]
    html = _env().get_template("page.html.j2").render(
        downloads=downloads,
        lang=lang, title=title, site_title=SITE_TITLE[lang], body=body, toc=toc(body),
        prev={"href": f"{prev_job.slug}.html"} if prev_job else None,
        next={"href": f"{next_job.slug}.html"} if next_job else None,
        index_href=f"{up}index.html", twin_href=f"{up}{twin_dir}/{job.slug}.html", twin_lang=LANG_NAME[twin_lang],
        css_href=f"{up}assets/gba.css", edition=params.get("edition"), version=version,
        citation=CITATION[lang].format(version=version), params={k: v for k, v in params.items() if k != "data_dir"},
    )
    return html, site / job.out_dir / f"{job.slug}.html"


def write_index(site: Path, ds, summary) -> None:
    """The landing page linking every built page in both languages, the stylesheet and the web font."""
    from .pipeline import atomic_write

    assets = Path(paths.TEMPLATES)
    atomic_write(site / "assets" / "gba.css", (assets / "gba.css").read_bytes())
    from .pipeline import ALL_NOTEBOOKS, PROFILE

    pages = []  # every page on disk, so a partial build keeps the others listed
    for lang in ("zh", "en"):
        for path in sorted((site / lang).glob("*.html"), key=lambda p: (p.stem[:2], p.stem)):
            notebook, *extra = path.stem.split("__")
            if notebook not in ALL_NOTEBOOKS:
                continue
            pages.append({"lang": lang, "notebook": notebook, "slug": path.stem, "href": f"{lang}/{path.name}",
                          "title": _title_of(path), "params": dict(p.split("-", 1) for p in extra if "-" in p),
                          "profile": notebook == PROFILE})
    from .params import CITY_CODES

    def order(p):
        city = p["params"].get("city", "all")
        return (p["lang"], p["profile"], ALL_NOTEBOOKS.index(p["notebook"]), CITY_CODES.index(city) if city in CITY_CODES else -1, p["slug"])

    pages.sort(key=order)
    from .schema import TABLES

    html = _env().get_template("index.html.j2").render(
        tables=[t.name for t in TABLES], pages=pages, version=ds.version, edition=ds.edition, citation_zh=CITATION["zh"].format(version=ds.version),
        citation_en=CITATION["en"].format(version=ds.version), n_cases=len(ds.cases), n_claims=len(ds.claims),
    )
    atomic_write(site / "index.html", html.encode("utf-8"))


def _title_of(path: Path) -> str:
    if not path.exists():
        return path.stem
    m = re.search(r"<h1 class=\"page-title\">(.*?)</h1>", path.read_text(encoding="utf-8"), re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", m.group(1))) if m else path.stem


def site_characters(data_dirs=()) -> str:
    """Every character a page can show: notebooks, data tables, package code and templates (a superset of the pages).

    Known before any notebook runs, so the web font can be made while the notebooks execute.
    """
    chars = set("0123456789.,;:!?()[]%-–—·，。；：！？（）《》“”、")
    sources = list(paths.NOTEBOOKS.glob("*.ipynb")) + list(Path(paths.TEMPLATES).glob("*")) + list(Path(__file__).parent.glob("*.py"))
    for d in {paths.data_dir(x) for x in data_dirs} | {paths.DATA}:
        sources += list(d.glob("*.csv"))
    for src in sorted(sources):
        chars |= set(src.read_text(encoding="utf-8", errors="ignore"))
    chars = {c for c in chars if c.isprintable()}
    return "".join(sorted(chars))


def write_assets(site: Path, data_dir: Path, chars: str) -> None:
    """What every page shares: the web font and the data downloads (run beside the kernels)."""
    from .exports import export_all

    export_all(data_dir, site / "data")
    write_font(site, chars)


def write_font(site: Path, chars: str | None = None) -> str:
    """Subset the bundled Noto Sans SC to ``chars`` and ship it once as WOFF; skipped when unchanged."""
    import hashlib
    import io

    from fontTools import subset

    from .pipeline import atomic_write
    from .theme import font_path

    chars = chars if chars is not None else site_characters()
    digest = hashlib.sha256(chars.encode("utf-8")).hexdigest()[:16]
    target = site / "assets" / FONT_FILE
    stamp = paths.BUILD / "cache" / "font.json"
    if target.exists() and stamp.exists() and stamp.read_text() == f"{digest} {target.stat().st_size}":
        return "cached"
    options = subset.Options()
    options.flavor = "woff"  # zlib: 11% larger than WOFF2, but WOFF2's brotli costs 1.3 s more CPU per build
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG"]
    font = subset.load_font(io.BytesIO(font_path().read_bytes()), options)
    sub = subset.Subsetter(options)
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    font.close()
    atomic_write(target, buf.getvalue())
    atomic_write(stamp, f"{digest} {len(buf.getvalue())}".encode())
    for old in target.parent.glob(f"{Path(FONT_FILE).stem}.*"):  # a font of an earlier format (WOFF2) no page links
        if old.name != FONT_FILE and not old.name.startswith("."):
            old.unlink()
    return "written"
