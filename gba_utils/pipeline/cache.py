"""Content-hash cache: a notebook is re-executed only when something it depends on changed.

A job's *execution inputs* are the source of its code cells, its parameters, the
source of the modules of ``gba_utils`` that run inside the kernel, every data file,
and the versions of the packages that shape its output. Its *render inputs* are the
whole notebook (markdown included), the templates and the HTML code. The manifest
of the last successful run of each job lives in ``build/cache/``; comparing it with
the current inputs gives the action and a reason a person can read:

- ``run``: execute and render (``data/cases.csv changed``, ``code cells changed``, ...);
- ``render``: reuse the cached outputs, re-render (``markdown changed``);
- ``skip``: nothing changed and the page on disk is the one the last run wrote (its hash is in the manifest, so
  two sites built from one build folder, or a page edited by hand, never pass for current).

Markdown edits and presentation tags never re-execute a notebook.
"""

from __future__ import annotations

import copy
import json
import sys
from importlib import metadata
from pathlib import Path

from .. import languages, paths
from ..contents import ALL_NOTEBOOKS, CHAPTERS, FRONT
from ..files import atomic_write, sha
from ..layers import HOST_ONLY
from .plan import narrative_title, notebook_json

#: Packages whose versions shape what a notebook outputs.
SHAPING = (
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "pandera",
    "ipykernel",
    "ipython",
    "nbformat",
    "nbclient",
    "papermill",
    "pylopdf-fonts-zh-cn",
    "pillow",
)
PACKAGE = Path(__file__).resolve().parent.parent
#: Parts that shape how a page is rendered from its executed notebook.
RENDERING = ("pipeline/pages.py", "pipeline/plan.py", "pipeline/exhibits.py", "research/outputs.py", "data/codes.py")

_MEMO: dict = {}


def reset() -> None:
    """Forget hashes computed earlier in this process (a build calls it first: files may have changed since)."""
    _MEMO.clear()


def _files(folder: Path, pattern: str) -> dict[str, str]:
    key = (str(folder), pattern)
    if key not in _MEMO:
        _MEMO[key] = {paths.relative(p): sha(p.read_bytes()) for p in sorted(folder.glob(pattern)) if p.is_file()}
    return _MEMO[key]


def _package(parts: tuple[str, ...], inside: bool) -> dict[str, str]:
    """Hashes of the package's modules whose path (relative to the package) starts with one of ``parts`` (or none)."""
    if "package" not in _MEMO:
        _MEMO["package"] = {p.relative_to(PACKAGE).as_posix(): sha(p.read_bytes()) for p in sorted(PACKAGE.rglob("*.py"))}
    return {f"gba_utils/{k}": v for k, v in _MEMO["package"].items() if k.startswith(parts) == inside}


def code_inputs() -> dict[str, str]:
    """Hashes of every module of this package and of the language files: the code a worker process and its kernel
    imported when they started."""
    return {**_package((), False), **_languages()}


def _languages() -> dict[str, str]:
    return _files(languages.FOLDER, "*.toml")


def package_versions() -> dict[str, str]:
    if "versions" in _MEMO:
        return _MEMO["versions"]
    out = {"python": sys.version.split()[0]}
    for name in SHAPING:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    _MEMO["versions"] = out
    return out


def execution_inputs(nb_json: dict, params: dict) -> dict[str, str]:
    code = [
        c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        for c in nb_json["cells"]
        if c["cell_type"] == "code"
    ]
    inputs = {
        "code cells": sha(json.dumps(code).encode()),
        "parameters": sha(json.dumps(params, sort_keys=True, default=str).encode()),
    }
    inputs |= _package(HOST_ONLY, inside=False) | _languages()  # what kernels run
    data_dir = paths.data_dir(params.get("data_dir"))
    inputs |= _files(data_dir, "*.csv") | _files(data_dir / "geo", "*.geojson")
    inputs["package versions"] = sha(json.dumps(package_versions(), sort_keys=True).encode())
    return inputs


def _links(job, site: set[str]) -> str:
    """Which of the pages this one may link to the site has (a neighbour or twin built later changes the page)."""
    if job.notebook == FRONT:  # the front page lists every page of the site, by its title in the page's language
        listed = sorted({p.rpartition("/")[2].removesuffix(".html").split("__")[0] for p in site} & set(ALL_NOTEBOOKS))
        titles = {name: narrative_title(_notebook_json(name)["cells"], job.lang) for name in listed}
        return sha(json.dumps([sorted(site), titles], ensure_ascii=False, sort_keys=True).encode())
    near = job.neighbours(site)
    pages = [j.page if j else "" for j in (near["prev"], near["next"])] + [t.page for t in near["twins"]]
    chapters = sorted(
        p for name in CHAPTERS for p in (job.sibling(notebook=name).page, f"{job.out_dir}/{name}.html") if p in site
    )
    return sha(json.dumps([pages, chapters]).encode())


def render_inputs(nb_json: dict, show_code: bool, links: str = "", lang: str | None = None) -> dict[str, str]:
    """What shapes a page beyond its run: its cells' types, sources and tags (for ``lang``, the cells its page can show:
    an edit to another language's narrative leaves it as it was), the options, the links, the rendering code."""
    other = languages.other_tags(lang)
    cells = [
        (c["cell_type"], c["source"], tags)
        for c in nb_json["cells"]
        if not other.intersection(tags := c.get("metadata", {}).get("tags", []))
    ]
    inputs = {"markdown": sha(json.dumps(cells).encode()), "show_code": str(show_code), "links": links}
    inputs |= _package(RENDERING, inside=True) | _languages()
    inputs |= _files(Path(paths.TEMPLATES), "*")
    return inputs


def scope(job) -> str:
    """The folder, under ``build/executed/`` and ``build/cache/``, of a job's cached run: the page's folder (``en``),
    inside ``data-<hash of the data folder's path>/`` when the job reads data other than the bundled data.

    A page's name leaves its data folder out (the site shows one data folder), so without this a build from a copy of
    the data and a build from the bundled data, run at the same time in one build folder, would write the same
    executed notebook and manifest, and either could render the other's. Builds one after another were always safe:
    the manifest's data hashes send a page built from other data back to ``run``."""
    folder = paths.data_dir(dict(job.params).get("data_dir"))
    if folder.resolve() == paths.DATA.resolve():
        return job.out_dir
    return f"data-{sha(str(folder).encode())[:12]}/{job.out_dir}"


def executed_path(job) -> Path:
    """Where a job's executed notebook is kept (the cache re-renders from it; a failed one stays for debugging)."""
    return paths.BUILD / "executed" / scope(job) / f"{job.slug}.ipynb"


def cells_path(job) -> Path:
    """Where the HTML of a page's cells is kept between builds (:func:`gba_utils.pipeline.pages.render_body`)."""
    return paths.BUILD / "cache" / scope(job) / f"{job.slug}.cells.json"


def manifest_path(job) -> Path:
    """Where the inputs, page hash, title and run time of a job's last successful run are kept."""
    return paths.BUILD / "cache" / scope(job) / f"{job.slug}.json"


def _changed(old: dict, new: dict) -> str | None:
    diff = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    if not diff:
        return None
    if len(diff) > 3:
        return f"{diff[0]}, {diff[1]} and {len(diff) - 2} more changed"
    return ", ".join(diff) + " changed"


def _notebook_json(notebook: str) -> dict:
    return notebook_json(paths.NOTEBOOKS / f"{notebook}.ipynb")


def decide(job, current: Path | None, site: set[str], force: bool = False) -> tuple[str, str]:
    """('run' | 'render' | 'skip', reason) for one job; ``current`` is the folder readers see now, ``site`` the pages of
    the site being built."""
    nb_json = _notebook_json(job.notebook)
    params = dict(job.params)
    manifest = manifest_path(job)
    executed = executed_path(job)
    if force:
        return "run", "--force"
    if not manifest.exists() or not executed.exists():
        return "run", "no previous run"
    old = json.loads(manifest.read_text(encoding="utf-8"))
    why = _changed(old.get("execution", {}), execution_inputs(nb_json, params))
    if why:
        return "run", why
    why = _changed(old.get("render", {}), render_inputs(nb_json, job.show_code, _links(job, site), job.lang))
    page = current / job.page if current else None
    if why:
        return "render", why.replace("markdown changed", "markdown or tags changed").replace(
            "links changed", "pages it links changed"
        )
    if page is None or not page.exists():
        return "render", "page missing"
    if old.get("page") != sha(page.read_bytes()):  # another site built from this build folder, or an edited page
        return "render", "page on disk is not the last one built"
    return "skip", "up to date"


def snapshot(job, site: set[str]) -> dict:
    """The inputs of a job as they are now (taken before it runs, recorded after it succeeds)."""
    nb_json = _notebook_json(job.notebook)
    return {
        "execution": execution_inputs(nb_json, dict(job.params)),
        "render": render_inputs(nb_json, job.show_code, _links(job, site), job.lang),
    }


def record(job, inputs: dict, page: bytes, title: str = "", seconds: float | None = None) -> None:
    """Store the inputs of a successful run, a hash of the page it wrote and its title (after the page is written),
    and how long it took to execute (``seconds``; a re-render keeps the time of the last execution)."""
    manifest = {**inputs, "page": sha(page), "title": title}
    if seconds is None:
        seconds = recorded_seconds(job)
    if seconds:
        manifest["seconds"] = round(seconds, 1)
    atomic_write(manifest_path(job), json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode())


def recorded_seconds(job) -> float:
    """How long the last execution of ``job`` took (0 when it never ran here): the build starts the longest first."""
    manifest = manifest_path(job)
    try:
        return float(json.loads(manifest.read_text(encoding="utf-8")).get("seconds", 0))
    except (OSError, ValueError, TypeError):
        return 0.0


def recorded_title(job) -> str:
    """The title of the page the last successful run of ``job`` wrote."""
    manifest = manifest_path(job)
    return json.loads(manifest.read_text(encoding="utf-8")).get("title", "") if manifest.exists() else ""


def merge_outputs(source, executed):
    """The current notebook (new markdown, same code) with the outputs of a cached run."""
    merged = copy.deepcopy(source)
    done = [c for c in executed.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    code = [c for c in merged.cells if c.cell_type == "code"]
    if len(code) != len(done):
        raise ValueError("cached run does not match the notebook's code cells")
    for new, old in zip(code, done):
        new.outputs = old.outputs
        new.execution_count = old.execution_count
    if injected:
        idx = next((i for i, c in enumerate(merged.cells) if "parameters" in c.metadata.get("tags", [])), -1)
        merged.cells.insert(idx + 1, injected[0])
    return merged
