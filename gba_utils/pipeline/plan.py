"""Planning a build: which pages, with which parameters, under which names.

A :class:`Job` is one page: one notebook with one checked set of parameters. :func:`plan` expands what the caller asks
for (notebooks × languages × a parameter grid, plus one profile per city) into jobs, checking every parameter first;
:meth:`Job.slug` is the page's name, the one place page names are made. Nothing here imports papermill or pandas, so
planning (and a build with nothing to do) starts fast.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .. import languages, paths
from ..contents import ALL_NOTEBOOKS, CHAPTERS, FRONT, PROFILE, page_name
from ..data import codes
from ..errors import GBAError, UnknownNotebook
from ..files import sha
from ..research.params import PARAMETERS, check

#: Parameters that never appear in a page's name: the language is the page's folder, and a site is built from one
#: data folder (every page of it shows the same data). Every other parameter that differs from its default does.
UNNAMED = ("lang", "data_dir")


@dataclass(frozen=True)
class Job:
    notebook: str  # stem, e.g. "02_cases"
    params: tuple[tuple[str, object], ...]
    out_dir: str  # folder of the page, relative to the site root (e.g. "zh")
    show_code: bool = False

    @property
    def lang(self) -> str:
        return dict(self.params)["lang"]

    @property
    def named_params(self) -> list[tuple[str, object]]:
        """The parameters that make this page differ from the notebook's default view (they name the page)."""
        return [(k, v) for k, v in self.params if k not in UNNAMED and v != PARAMETERS[k].default]

    @property
    def slug(self) -> str:
        """The page's file name without ``.html``: the notebook, then each named parameter (``02_cases__city-shenzhen``)."""
        return page_name(self.notebook, self.named_params)

    @property
    def page(self) -> str:
        """The page's path relative to the site root."""
        return f"{self.out_dir}/{self.slug}.html"

    def sibling(self, **changes) -> Job:
        """The same page with other parameters (another city, another language) or another notebook."""
        notebook = changes.pop("notebook", self.notebook)
        params = {**dict(self.params), **changes}
        out_dir = self.out_dir.replace(self.lang, params["lang"], 1) if self.out_dir.startswith(self.lang) else params["lang"]
        return replace(self, notebook=notebook, params=tuple(sorted(params.items())), out_dir=out_dir)

    def reading_order(self) -> list[Job]:
        """Pages in reading order around this one: every chapter with the same parameters, or every city's profile."""
        if self.notebook == PROFILE:
            return [self.sibling(city=c) for c in codes.city_codes(dict(self.params).get("data_dir"))]
        return [self.sibling(notebook=name) for name in CHAPTERS]

    def neighbours(self, site: set[str]) -> dict:
        """The pages this one links to that are in ``site`` (page paths): previous, next, its twins in other languages.

        A page links only pages that exist: a view built alone (one chapter for one city, say) has no previous or next
        page unless its neighbours were built with the same parameters.
        """
        order = self.reading_order()
        idx = next((i for i, j in enumerate(order) if j.slug == self.slug), None)
        prev = order[idx - 1] if idx is not None and idx > 0 else None
        nxt = order[idx + 1] if idx is not None and idx + 1 < len(order) else None
        twins = [self.sibling(lang=code) for code in languages.others(self.lang)]
        return {
            "prev": prev if prev and prev.page in site else None,
            "next": nxt if nxt and nxt.page in site else None,
            "twins": [t for t in twins if t.page in site],
        }

    @classmethod
    def from_page(cls, page: str) -> Job:
        """The job of a page path (``zh/02_cases__city-shenzhen.html``): the inverse of :attr:`page` for its named
        parameters, the others at their defaults."""
        out_dir, _, name = page.rpartition("/")
        notebook, *named = name.removesuffix(".html").split("__")
        params = {k: p.default for k, p in PARAMETERS.items() if k not in ("data_dir",)}
        for part in named:
            key, _, value = part.partition("-")
            params[key] = PARAMETERS[key].type(value) if key in PARAMETERS else value
        params["lang"] = out_dir.split("/")[0]
        return cls(notebook, tuple(sorted(params.items())), out_dir)

    def to_json(self) -> dict:
        return {
            "notebook": self.notebook,
            "params": [list(p) for p in self.params],
            "out_dir": self.out_dir,
            "show_code": self.show_code,
        }

    @classmethod
    def from_json(cls, record: dict) -> Job:
        return cls(record["notebook"], tuple((k, v) for k, v in record["params"]), record["out_dir"], record["show_code"])


HEADING_1 = re.compile(r"^#\s+(.+)$", re.M)


def narrative_title(cells, lang: str | None = None) -> str:
    """The first level-1 heading of a notebook's narrative: of its markdown cells for ``lang`` (untagged ones and those
    tagged for ``lang``; all when ``lang`` is None). ``cells`` as nodes or as the notebook's JSON."""
    other = languages.other_tags(lang)
    for cell in cells:
        if cell["cell_type"] != "markdown" or other.intersection(cell.get("metadata", {}).get("tags", [])):
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if m := HEADING_1.search(source):
            return m.group(1).strip()
    return "Report"


_PARSED: dict[str, dict] = {}  # sha of a notebook's bytes -> its JSON, oldest first


def notebook_json(path: Path) -> dict:
    """A notebook's JSON, parsed once per version of its bytes (kept by their hash, the 32 newest): planning a build
    and deciding each of its jobs read every notebook, a chapter once per language and view, and the committed outputs
    make one a megabyte and more. Read only; callers never change what it returns."""
    data = Path(path).read_bytes()
    digest = sha(data)
    if digest not in _PARSED:
        if len(_PARSED) >= 32:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[digest] = json.loads(data.decode("utf-8"))
    return _PARSED[digest]


def declared_parameters(notebook: Path) -> dict:
    """Names and defaults of a notebook's ``parameters`` cell (the same cell papermill looks for).

    Parsed with ``ast`` rather than ``papermill.inspect_notebook`` so that planning a build costs no papermill import.
    """
    nb = notebook_json(notebook)
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise GBAError(f"{paths.relative(notebook)}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    src = cells[0]["source"] if isinstance(cells[0]["source"], str) else "".join(cells[0]["source"])
    out = {}
    for node in ast.parse(src).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def expand(matrix: dict | None) -> list[dict]:
    """Every combination of a parameter grid: {'city': ['a', 'b'], 'lang': ['zh', 'en']} -> four dicts."""
    if not matrix:
        return [{}]
    keys = sorted(matrix)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(matrix[k] for k in keys))]


def plan(
    notebooks=None,
    langs=languages.LANGS,
    params: dict | None = None,
    show_code: bool = False,
    city_profiles: bool = False,
    matrix: dict | None = None,
) -> list[Job]:
    """Jobs for ``notebooks`` × ``langs`` × the ``matrix`` grid with extra ``params`` (plus one profile per city).

    Every parameter is checked first. A ``lang`` in the matrix replaces ``langs``.
    """
    names = list(CHAPTERS) if notebooks is None else list(notebooks)
    if FRONT not in names and (paths.NOTEBOOKS / f"{FRONT}.ipynb").exists():
        names.insert(0, FRONT)  # every site has its front page in each language it is built in
    grid = expand(matrix)
    if matrix and "lang" in matrix:
        langs = (None,)
    runs = [(name, {**(params or {}), **cell}) for cell in grid for name in names]
    if city_profiles:  # one profile per city, for every other cell of the grid (its languages, say)
        runs += [
            (PROFILE, {**(params or {}), **cell, "city": code})
            for cell in grid
            for code in codes.city_codes({**(params or {}), **cell}.get("data_dir"))
        ]
    jobs = []
    for name, extra in runs:
        path = paths.NOTEBOOKS / f"{name}.ipynb"
        if not path.exists():
            close = difflib.get_close_matches(str(name), ALL_NOTEBOOKS, n=1)
            raise UnknownNotebook(
                f"no notebook {name!r}: expected one of {list(ALL_NOTEBOOKS)}"
                + (f" (did you mean {close[0]!r}?)" if close else "")
            )
        declared = set(declared_parameters(path))
        if name == FRONT:  # the front page is one per language: the views asked for are listed on it, not applied
            extra = {k: v for k, v in extra.items() if k in declared}
        for lang in langs:
            merged = {**extra, "lang": lang} if lang is not None else dict(extra)
            checked = check(merged, notebook=name, declared=declared)
            job = Job(name, tuple(sorted(checked.items())), checked["lang"], show_code)
            if job not in jobs:
                jobs.append(job)
    return jobs


def read_notebook(path: Path):
    """A notebook the project wrote or committed, as a NotebookNode, without ``nbformat.read``'s schema validation
    (a jsonschema pass of about 30 ms a notebook, which re-rendering a page paid for its source and its executed copy,
    and the front page for every chapter's title). Notebooks from elsewhere are validated where they come in."""
    from nbformat import reader

    return reader.reads(Path(path).read_text(encoding="utf-8"))  # JSON to nodes, lines joined; no schema pass
