"""What a coding decision changes, computed rather than written down.

A switch sets a decision of ``decisions.csv`` to one of its alternatives (:mod:`gba_utils.data.switches`). For a set of
switches :func:`effects` compares the switched data with the data as coded on three things:

- the printed chapter-2 counts that stop reproducing (the recount of ``case_aggregates.csv``);
- the audit verdicts that move (:mod:`gba_utils.research.audit`: the checks of ``audit_checks.csv`` and the quantities
  stated twice; a check the switch removes or adds counts as moved; the recounts are the first item, not repeated here);
- the figures and tables whose data change. :data:`RECIPES` computes the data behind each output of the registry
  (:mod:`gba_utils.research.outputs`) the way its notebook does, for each page's default view and for every city's
  profile, so no kernel runs; a test keeps each recipe equal to what its notebook shows.

Only what a switch can reach is computed again: the baseline records which tables each output's data and each audit
check read, and an output (or check) is recomputed only when the switch edits one of them. :func:`table` does this for
every switchable alternative of the data, for the audit page; :func:`note` says what the switches of a page change.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import paths
from ..contents import PROFILE
from ..data import switches
from ..data.filters import recount
from ..data.loading import Dataset, switch
from ..files import atomic_write
from ..layers import runs_in_kernels
from . import analysis as A
from . import audit
from .labels import Labeller
from .outputs import BY_KEY, ITEMS
from .session import Session

ALL = A.ALL
#: Tables every output reads through its labeller (names of codes, cities, districts and sections).
LABELLED = frozenset({"labels", "cities", "districts", "sections"})


# ---------------------------------------------------------------- reading the data behind each output


class _Tracked:
    """A dataset that records which of its tables are read (``read``)."""

    def __init__(self, ds: Dataset):
        self.__dict__.update(_ds=ds, read=set())

    def __getattr__(self, name: str):
        ds = self.__dict__["_ds"]
        if name in ds.tables:
            self.__dict__["read"].add(name)
        return getattr(ds, name)

    def reading(self, make: Callable[[], object]) -> tuple[object, set]:
        """``make()`` and the tables it read, recorded apart from (and then restored to) what was read so far."""
        before = set(self.read)
        self.read.clear()
        try:
            return make(), set(self.read)
        finally:
            self.read.clear()
            self.read |= before


class View(Session):
    """A :class:`~gba_utils.research.session.Session` that publishes nothing and derives its filtered tables when first
    read, so what an output reads is known: a derived table is recorded as ``("view", name)``, the tables it is made
    from as its own dependencies. Its derived tables are the Session's (a test compares them)."""

    def __init__(self, notebook: str, params: dict, ds: _Tracked, labels: Labeller):
        self.notebook, self.params, self.ds, self.labels = notebook, params, ds, labels
        self.lang, self.city, self.domain = params["lang"], params["city"], params["domain"]
        self._numbers = {"figure": 0, "table": 0}
        self.derived: dict[str, tuple[object, set]] = {}

    def _get(self, name: str, make: Callable[[], object]):
        if name not in self.derived:
            self.derived[name] = self.ds.reading(make)
        self.ds.read.add(("view", name))
        return self.derived[name][0]

    @property
    def cases(self) -> pd.DataFrame:
        return self._get("cases", lambda: A.filter_cases(self.ds.cases, self.city, self.domain))

    @property
    def claims(self) -> pd.DataFrame:
        return self._get("claims", lambda: A.filter_claims(self.ds.claims, self.ds.cases, self.city, self.domain))

    @property
    def policies(self) -> pd.DataFrame:
        return self._get("policies", lambda: A.filter_policies(self.ds.policies, self.ds.cities, self.city))

    @property
    def technologies(self) -> pd.DataFrame:
        return self._get(
            "technologies",
            lambda: self.ds.case_technologies[self.ds.case_technologies["case_id"].isin(set(self.cases["case_id"]))],
        )

    @property
    def case_links(self) -> pd.DataFrame:
        return self._get("case_links", lambda: self.ds.case_links[self.ds.case_links["case_id"].isin(set(self.cases["case_id"]))])

    def map_counts(self) -> pd.Series:
        return self._get("map_counts", lambda: Session.map_counts(self))


@dataclass(frozen=True)
class Recipe:
    """How the data behind one output are made, as its notebook makes them (``R`` a :class:`View`, ``P`` a
    :class:`Probe` for what several outputs share: the recount, the audit's results)."""

    make: Callable[[View, Probe], pd.DataFrame]
    per_city: bool = False  # an output of the city profile: made once per city
    #: what the data depend on, when the function reads the whole dataset but uses only what the view derives from it
    #: (``city_facts`` counts the city's cases, claims and policies); None: what it reads. A test checks the shortcut
    #: against recomputing everything.
    depends: frozenset | None = None


def _claims(R, sections, units=None):
    return A.claims_table(A.select_claims(R.claims, sections=sections, **({"units": units} if units else {})), R.labels)


#: The data behind every output of the registry (the ``data=`` of a figure, the frame of a table), by key.
RECIPES: dict[str, Recipe] = {
    "home-headline": Recipe(lambda R, P: A.headline(R.ds, R.cases, R.labels)),
    "home-findings": Recipe(lambda R, P: audit.findings(P.results, R.labels)),
    "home-map": Recipe(lambda R, P: A.city_counts(R.ds.cities, R.map_counts(), R.labels)),
    "overview-headline": Recipe(lambda R, P: A.headline(R.ds, R.cases, R.labels)),
    "overview-domain-tier": Recipe(lambda R, P: A.crosstab(R.cases, "domain", "tier", R.labels, "domain", "tier")),
    "bg-policy-timeline": Recipe(lambda R, P: A.policy_table(R.policies, R.labels)),
    "bg-policies": Recipe(lambda R, P: A.policy_table(R.policies, R.labels)),
    "bg-money": Recipe(lambda R, P: _claims(R, ("1", "2.5.3"), ("CNY",))),
    "bg-infrastructure": Recipe(lambda R, P: _claims(R, ("1.2.1", "1.2.2", "2.5.3"))),
    "bg-talent": Recipe(lambda R, P: _claims(R, ("1.2.3",), ("percent",))),
    "bg-talent-table": Recipe(lambda R, P: _claims(R, ("1.2.3",))),
    "cases-recount": Recipe(lambda R, P: A.recount_table(P.recount, R.labels)),
    "cases-breakdowns": Recipe(
        lambda R, P: A.panels_table(A.chapter2_panels(R.cases, P.recount, R.labels, show_printed=not R.filter_text), R.labels)
    ),
    "cases-places": Recipe(lambda R, P: A.place_counts(P.recount, R.labels)),
    "cases-region-level": Recipe(
        lambda R, P: A.region_level_table(R.cases, R.labels).reset_index(names=R.labels.column("region_code"))
    ),
    "cases-domain-tier": Recipe(lambda R, P: A.crosstab(R.cases, "domain", "tier", R.labels, "domain", "tier")),
    "cases-city-domain": Recipe(
        lambda R, P: A.crosstab(R.cases.dropna(subset=["city_code"]), "city_code", "domain", R.labels, "city", "domain")
    ),
    "cases-tech-domain": Recipe(lambda R, P: A.technology_domain(R.cases, R.technologies, R.labels)),
    "cases-map": Recipe(lambda R, P: A.city_counts(R.ds.cities, R.map_counts(), R.labels)),
    "cases-catalogue": Recipe(lambda R, P: A.catalogue(R.cases, R.technologies, R.labels)),
    "cases-outcomes": Recipe(lambda R, P: A.outcomes(R.claims, R.cases, R.labels)),
    "problems-tree": Recipe(lambda R, P: A.problem_tree(R.ds.problems, R.labels)),
    "problems-evidence": Recipe(
        lambda R, P: A.problem_evidence(R.ds.problems, R.case_links, R.ds.problem_recommendation, R.cases, R.labels)
    ),
    "problems-evidence-table": Recipe(
        lambda R, P: A.problem_evidence_table(R.ds.problems, R.case_links, R.ds.problem_recommendation, R.cases, R.labels)
    ),
    "problems-institutions": Recipe(lambda R, P: A.claims_table(A.select_claims(R.ds.claims, sections=("3",)), R.labels)),
    "problems-jurisdictions": Recipe(
        lambda R, P: A.crosstab(R.policies, "kind", "jurisdiction", R.labels, "policy_kind", "scope")
    ),
    "recs-measures": Recipe(lambda R, P: A.measure_table(R.ds.recommendations, R.ds.measures, R.labels)),
    "recs-matrix": Recipe(lambda R, P: A.link_matrix(R.ds.problem_recommendation, R.ds.problems, R.ds.recommendations, R.labels)),
    "recs-cases": Recipe(lambda R, P: A.practising_cases(R.case_links, R.cases, R.ds.measures, R.labels)),
    "recs-cases-by-rec": Recipe(
        lambda R, P: A.practice_by_rec(R.case_links, R.cases, R.ds.measures, R.ds.recommendations, R.labels)
    ),
    "recs-conclusion": Recipe(
        lambda R, P: A.conclusion_table(
            R.ds.problems, R.ds.recommendations, R.ds.measures, R.ds.problem_recommendation, R.case_links, R.cases, R.labels
        )
    ),
    "audit-verdicts": Recipe(lambda R, P: audit.verdict_counts(P.results, R.labels)),
    "audit-checks": Recipe(lambda R, P: audit.verdict_table(P.results, R.labels)),
    "audit-decisions": Recipe(lambda R, P: audit.decisions_table(R.ds.decisions, R.labels)),
    "audit-outside": Recipe(lambda R, P: audit.outside_table(R.ds.outside_references, R.labels)),
    "profile-facts": Recipe(
        lambda R, P: A.city_facts(R.ds, R.city, R.labels),
        per_city=True,
        depends=frozenset({"cities", ("view", "cases"), ("view", "claims"), ("view", "policies")}),
    ),
    "profile-map": Recipe(lambda R, P: A.city_counts(R.ds.cities, R.map_counts(), R.labels), per_city=True),
    "profile-cases": Recipe(lambda R, P: A.catalogue(R.cases, R.technologies, R.labels), per_city=True),
    "profile-outcomes": Recipe(lambda R, P: A.outcomes(R.claims, R.cases, R.labels), per_city=True),
    "profile-indicators": Recipe(lambda R, P: A.city_claims(R.claims, R.city, R.labels), per_city=True),
    "profile-policies": Recipe(lambda R, P: A.policy_table(R.policies, R.labels), per_city=True),
}
#: Outputs of the registry without a recipe, and why.
NO_RECIPE: dict[str, str] = {
    "audit-sensitivity": "this table itself: it describes what the alternatives change, from the alternatives' data",
}


def fingerprint(frame: pd.DataFrame | pd.Series) -> str:
    """What two outputs must share to show the same data: the frame as CSV text (index, headers and cells)."""
    return frame.map(str).to_csv(lineterminator="\n")


def _same(a, b) -> bool:
    """Whether two outputs' data are the same: equal frames (or series); of the same types, unequal ones differ; of
    other types, they are compared as text."""
    if a is b:
        return True
    if a.shape != b.shape:
        return False
    if a.equals(b):
        return True
    types = (a.dtypes, b.dtypes) if isinstance(a, pd.DataFrame) else (pd.Series([a.dtype]), pd.Series([b.dtype]))
    if list(types[0]) == list(types[1]):
        return False
    return fingerprint(a) == fingerprint(b)


# ---------------------------------------------------------------- one dataset, probed


class Probe:
    """The data behind the outputs for one dataset in one language, computed when asked and kept, with the tables each
    read. ``base`` is the probe of the data as coded: what a switch cannot reach is taken from it."""

    def __init__(self, ds: Dataset, lang: str, base: Probe | None = None, exact: bool = False):
        self.ds, self.lang, self.base, self.exact = ds, lang, base, exact
        self.tracked = _Tracked(ds)
        #: whether what a switch cannot reach may be taken from the base (not when it renames codes: every output and
        #: every check's arithmetic uses the names)
        self.reuse = base is not None and not exact and not (LABELLED & ds.changed)
        self.labels = base.labels if base is not None and not (LABELLED & ds.changed) else Labeller.of(ds, lang)
        self.changed: frozenset = ds.changed
        self._shared: dict[str, tuple[object, set]] = {}
        self.outputs: dict[tuple[str, str], tuple[pd.DataFrame, set]] = {}  # (key, city) -> (data, what it read)
        self._same_derived: dict[tuple[str, str], bool] = {}
        self._views: dict[str, View] = {}

    def view(self, notebook: str, city: str = ALL) -> View:
        """The view of a page (the derived tables depend on the city and domain only, so pages share them)."""
        if city not in self._views:
            params = {"lang": self.lang, "city": city, "domain": ALL, "edition": self.ds.edition, "data_dir": None}
            self._views[city] = View(notebook, params, self.tracked, self.labels)
        return self._views[city]

    def _derived_same(self, city: str, name: str) -> bool:
        """Whether a derived table of a view (``cases`` of Shenzhen's view, say) is what it is as coded."""
        if (city, name) not in self._same_derived:
            mine, theirs = self.view(PROFILE, city), self.base.view(PROFILE, city)
            if name not in theirs.derived:
                same = False
            elif not (theirs.derived[name][1] & self.changed):
                same = True
            else:
                getattr(mine, name) if name != "map_counts" else mine.map_counts()
                same = _same(mine.derived[name][0], theirs.derived[name][0])
            self._same_derived[(city, name)] = same
        return self._same_derived[(city, name)]

    def _shared_same(self, name: str) -> bool:
        """Whether a value several outputs share (the recount, the audit's results) is what it is as coded."""
        if ("shared", name) not in self._same_derived:
            mine, theirs = getattr(self, name), getattr(self.base, name)
            frames = (pd.DataFrame, pd.Series)
            self._same_derived[("shared", name)] = isinstance(mine, frames) and isinstance(theirs, frames) and _same(mine, theirs)
        return self._same_derived[("shared", name)]

    def _share(self, name: str, make: Callable[[], object]):
        """A value several outputs use, made once; an output that uses it records ``("shared", name)``."""
        if name not in self._shared:
            self._shared[name] = self.tracked.reading(make)
        self.tracked.read.add(("shared", name))
        return self._shared[name][0]

    @property
    def recount(self) -> pd.DataFrame:
        """The chapter-2 recount (:func:`gba_utils.data.filters.recount`)."""
        return self._share("recount", self._recount)

    def _recount(self) -> pd.DataFrame:
        ds = self.tracked
        if self.reuse and not ({"cases", "case_aggregates"} & self.changed):
            printed = {("claims", c) for c in self.base.ds.case_aggregates["claim_id"]}
            if not (printed & self.edited):  # it reads the claims that print the counts, and the cases
                ds.read.update({"cases", "claims", "case_aggregates"})
                return self.base.recount
        return recount(ds.cases, ds.claims, ds.case_aggregates)

    @functools.cached_property
    def edited(self) -> set[tuple[str, str]]:
        """``{(table, row key)}`` of every row the switches edit, remove or add."""
        return _edited(self.ds) if self.base is not None else set()

    @property
    def outcomes(self) -> dict[str, audit.Outcome]:
        """Every outcome of the audit by check id (listed checks, quantities stated twice, recounts)."""
        return self._share("outcomes", self._outcomes)

    def _outcomes(self) -> dict[str, audit.Outcome]:
        ds, base = self.tracked, self.base
        listed = ds.audit_checks
        if base is None:  # the checks one by one, to learn which of the counted tables each reads
            listed_out, self.check_reads = [], {}
            for cid in listed["check_id"]:
                tables = _Counting({name: getattr(self.ds, name) for name in audit.COUNTED})
                listed_out += audit.run_listed(
                    listed[listed["check_id"] == cid],
                    self.ds.claims,
                    self.ds.outside_references,
                    self.ds.policies,
                    tables,
                    self.labels,
                )
                self.check_reads[cid] = tables.read
            ds.read.update({"audit_checks", "claims", "outside_references", "policies"}, *self.check_reads.values())
        elif not self.reuse:
            listed_out = audit.outcomes(ds, self.labels)
        else:  # only the checks this switch can reach
            edited, reads = self.edited, base.check_reads
            rerun = {
                cid
                for cid, named in zip(listed["check_id"], _named(listed))
                if named & edited
                or reads.get(cid, set()) & self.changed
                or ("audit_checks", cid) in edited
                or cid not in base.outcomes
            }
            fresh = {o.check_id: o for o in audit.outcomes(ds, self.labels, listed[listed["check_id"].isin(rerun)])}
            listed_out = [fresh[cid] if cid in rerun else base.outcomes[cid] for cid in listed["check_id"]]
        if self.reuse and "claims" not in self.changed:
            same = [o for k, o in base.outcomes.items() if k.startswith("S-")]
        else:
            same = audit.run_same_as(ds.claims, self.lang)
        if self.reuse and self.recount is base.recount:
            counted = [o for k, o in base.outcomes.items() if k.startswith("C-")]
        else:
            counted = audit.run_recount(ds.cases, ds.claims, ds.case_aggregates, self.labels, recounted=self.recount)
        return {o.check_id: o for o in listed_out + same + counted}

    @property
    def results(self) -> pd.DataFrame:
        """The audit's results as :func:`gba_utils.research.audit.run` gives them."""
        return self._share("results", lambda: audit.results(list(self.outcomes.values()), self.tracked, self.labels))

    def output(self, key: str, city: str = ALL) -> tuple[pd.DataFrame, set]:
        """The data behind one output (a profile's for one city) and what it read: tables, and the derived tables of
        its view as ``("view", name)``. An output none of whose inputs a switch changes is taken from the base."""
        if (key, city) not in self.outputs:
            if self.base is not None:
                frame, read = self.base.output(key, city)
                tables = {r for r in read if isinstance(r, str)}
                derived = [r for r in read if not isinstance(r, str)]
                if (
                    self.exact is False
                    and not (tables & self.changed)
                    and all(
                        self._shared_same(name) if kind == "shared" else self._derived_same(city, name) for kind, name in derived
                    )
                ):
                    self.outputs[(key, city)] = (frame, read)  # nothing it reads is changed
                    return self.outputs[(key, city)]
            view = self.view(BY_KEY[key].notebook, city)
            recipe = RECIPES[key]
            frame, read = self.tracked.reading(lambda: recipe.make(view, self))
            if recipe.depends is not None:
                read = set(recipe.depends)
            self.outputs[(key, city)] = (frame, read | LABELLED)
        return self.outputs[(key, city)]

    def every_output(self) -> dict[tuple[str, str], pd.DataFrame]:
        """The data behind every output by ``(key, city)``: city ``all``, except for the profile (one per city)."""
        cities = list(self.ds.cities["city_code"])
        return {
            (key, city): self.output(key, city)[0]
            for key, recipe in RECIPES.items()
            for city in (cities if recipe.per_city else [ALL])
        }


class _Counting(dict):
    """The tables a check may count in, recording which it reads."""

    def __init__(self, tables):
        super().__init__(tables)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def _named(checks: pd.DataFrame) -> list[set]:
    """What each check of ``audit_checks.csv`` names: ``{(table, id)}`` of its claims, policies and outside records."""
    from ..data.filters import split

    return [
        {("claims", c) for c in split(cl)} | {("policies", p) for p in split(po)} | {("outside_references", o) for o in split(ou)}
        for cl, po, ou in zip(checks["claim_ids"], checks["policy_ids"], checks["outside_ids"])
    ]


def _edited(ds: Dataset) -> set[tuple[str, str]]:
    """``{(table, row key)}`` of every row the switches of ``ds`` edit, remove or add."""
    chosen = switches.parse(ds.switched)
    edits = switches.selected(ds.coded.decision_edits, chosen, ds.edition)
    return set(zip(edits["table"], edits["key"]))


# ---------------------------------------------------------------- effects of a switch


@dataclass
class Effects:
    """What a set of switches changes, against the data as coded."""

    switched: str  # the switches, canonical ('D07=by-subject')
    edits: int  # rows of decision_edits.csv
    counts: list[dict] = field(default_factory=list)  # printed counts that no longer reproduce: claim_id, printed, was, now
    verdicts: list[dict] = field(default_factory=list)  # check_id, before, after (None: the check is not there)
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (key, city) of outputs whose data change


def effects(base: Probe, chosen: list[tuple[str, str]], exact: bool = False) -> Effects:
    """What switching ``chosen`` (``[("D07", "by-subject")]``) changes against ``base`` (a probe of the data as coded).

    Outputs and checks that read nothing the switches change are taken from ``base``; ``exact`` recomputes everything
    (slower; the tests compare the two).
    """
    ds = switch(base.ds, chosen)
    probe = Probe(ds, base.lang, base, exact)
    out = Effects(ds.switched, len(switches.selected(base.ds.decision_edits, chosen, ds.edition)))
    if {"cases", "claims", "case_aggregates"} & ds.changed:
        was = base.recount.set_index("claim_id")
        for r in probe.recount.itertuples(index=False):
            if r.claim_id in was.index and bool(was.loc[r.claim_id, "match"]) and not r.match:
                out.counts.append(
                    {
                        "claim_id": r.claim_id,
                        "printed": float(r.printed),
                        "was": int(was.loc[r.claim_id, "recounted"]),
                        "now": int(r.recounted),
                    }
                )
    before, after = base.outcomes, probe.outcomes
    for cid in list(before) + [c for c in after if c not in before]:
        if cid.startswith("C-"):
            continue  # the recounts: the counts above
        b, a = before.get(cid), after.get(cid)
        if (b.verdict if b else None) != (a.verdict if a else None):
            out.verdicts.append({"check_id": cid, "before": b.verdict if b else None, "after": a.verdict if a else None})
    for key, recipe in RECIPES.items():
        for city in list(base.ds.cities["city_code"]) if recipe.per_city else [ALL]:
            if not _same(probe.output(key, city)[0], base.output(key, city)[0]):
                out.outputs.append((key, city))
    return out


#: Effects of every alternative, by data version and edition: they hold codes only (claims, checks, outputs), so a
#: kernel that builds the audit page in both languages computes them once.
_EVERY: dict[tuple[str, int], list[tuple[dict, Effects]]] = {}
#: The language the outputs are compared in. Edits change codes and values, never one language's text alone (the
#: names an edit sets come in both languages), so which language is chosen does not matter.
COMPARED_IN = "en"
#: Where the effects are kept between kernels (the audit page in the other language, a rebuild): one file per data
#: version, edition and version of this package's code, so nothing stale is ever read.
STORE = paths.BUILD / "sensitivity"


def every_effect(ds: Dataset) -> list[tuple[dict, Effects]]:
    """The effects of every switchable alternative of ``ds`` (as coded), one at a time: ``(alternative row, effects)``."""
    if ds.switched:
        ds = ds.coded
    key = (ds.version, ds.edition)
    if key not in _EVERY:
        _EVERY.clear()
        _EVERY[key] = _stored(ds)
    return _EVERY[key]


@functools.cache
def code_version() -> str:
    """A hash of the package's Python source that may run in a kernel: the effects are a function of it and of the
    data (an edit to the build's own code, :data:`gba_utils.layers.HOST_ONLY`, keeps the stored effects)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if runs_in_kernels(rel):
            digest.update(rel.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


#: How many stored versions (data x edition x code) are kept; older ones are removed when a new one is made.
KEEP_STORED = 4


def _stored(ds: Dataset) -> list[tuple[dict, Effects]]:
    """The effects of every alternative, shared between kernels through files: one per alternative, in a folder per
    data version, edition and code version, so nothing stale is ever read.

    Kernels that ask at once (the audit page in both languages, started together) share the work rather than wait for
    each other: each takes the alternatives no other kernel holds (a lock per alternative, never waited for while there
    are free ones), then waits only for those still being made elsewhere. Without a writable build folder (an
    installed package) everything is computed here."""
    rows = _switchable(ds)
    folder = STORE / f"{ds.version}-{ds.edition}-{code_version()}"
    try:
        fresh = not folder.is_dir()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return _every_effect(ds, rows)
    if fresh:
        _prune(folder)
    work = _Work(ds)
    out: dict[int, Effects] = {}
    held_elsewhere = []
    for i, row in enumerate(rows):  # first pass: what is stored, or free to make here
        name = f"{row['decision_id']}={row['alternative']}"
        path = folder / f"{name}.json"
        if path.is_file():
            out[i] = _read_effect(path)
            continue
        with _locked(path, wait=False) as got:
            if not got:
                held_elsewhere.append(i)
                continue
            out[i] = _read_effect(path) if path.is_file() else work.make(row, path)
    for i in held_elsewhere:  # then wait for what other kernels were making (or make it, if they died)
        row = rows[i]
        path = folder / f"{row['decision_id']}={row['alternative']}.json"
        with _locked(path, wait=True):
            out[i] = _read_effect(path) if path.is_file() else work.make(row, path)
    return [(row, out[i]) for i, row in enumerate(rows)]


class _Work:
    """The baseline probe (made on first need: a kernel that finds everything stored never makes it) and the making
    and storing of one alternative's effects."""

    def __init__(self, ds: Dataset):
        self.ds, self._base = ds, None

    def effect(self, row: dict) -> Effects:
        if self._base is None:
            self._base = Probe(self.ds, COMPARED_IN)
            self._base.every_output()
            self._base.outcomes  # noqa: B018 - the baseline, once
        return effects(self._base, [(row["decision_id"], row["alternative"])])

    def make(self, row: dict, path: Path) -> Effects:
        e = self.effect(row)
        with contextlib.suppress(OSError):
            atomic_write(path, json.dumps(dataclasses.asdict(e), ensure_ascii=False).encode("utf-8"))
        return e


@contextlib.contextmanager
def _locked(path: Path, wait: bool):
    """An exclusive lock on ``path`` + ``.lock``; yields whether it was had (``wait=False`` does not wait for it)."""
    with open(path.with_suffix(".lock"), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read_effect(path: Path) -> Effects:
    return _effects_of(json.loads(path.read_text(encoding="utf-8")))


def _prune(keep: Path) -> None:
    """Remove all but the newest :data:`KEEP_STORED` stored versions (``keep`` among them)."""
    folders = sorted((f for f in STORE.iterdir() if f.is_dir() and f != keep), key=lambda f: f.stat().st_mtime)
    for old in folders[: max(0, len(folders) - (KEEP_STORED - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    for old in STORE.glob("*.json"):  # the one-file store of earlier versions
        with contextlib.suppress(OSError):
            old.unlink()
            old.with_suffix(".lock").unlink(missing_ok=True)


def _effects_of(kept: dict) -> Effects:
    return Effects(kept["switched"], kept["edits"], kept["counts"], kept["verdicts"], [tuple(o) for o in kept["outputs"]])


def _switchable(ds: Dataset) -> list[dict]:
    alts = ds.decision_alternatives
    return alts[alts["status"] == switches.SWITCHABLE].to_dict("records")


def _every_effect(ds: Dataset, rows: list[dict]) -> list[tuple[dict, Effects]]:
    work = _Work(ds)
    return [(row, work.effect(row)) for row in rows]


# ---------------------------------------------------------------- in the reader's words


def _numbered() -> dict[str, tuple[str, int]]:
    """Each output's kind and number on its page (the order of the registry, as the pages number them)."""
    seen: dict[tuple[str, str], int] = {}
    out = {}
    for item in ITEMS:
        seen[(item.notebook, item.kind)] = seen.get((item.notebook, item.kind), 0) + 1
        out[item.key] = (item.kind, seen[(item.notebook, item.kind)])
    return out


def outputs_text(outputs: list[tuple[str, str]], labels: Labeller) -> str:
    """``Chapter 2: Table 1, Figure 3; City profile (Guangzhou, Shenzhen): Table 2`` in the reader's language."""
    numbered, lang = _numbered(), labels.language
    pages: dict[str, dict[str, list[str]]] = {}
    for key, city in outputs:
        item = BY_KEY[key]
        kind, n = numbered[key]
        entry = pages.setdefault(item.notebook, {})
        name = lang.caption_number.format(word=labels.ui(kind), n=n)
        cities = entry.setdefault(name, [])
        if city != ALL:
            cities.append(city)
    parts = []
    for notebook, entries in pages.items():
        page = labels.ui(f"page_{notebook}")
        if notebook == PROFILE:
            cities = sorted({c for cs in entries.values() for c in cs}, key=list(labels.order("city")).index)
            page = labels.say("page_cities", page=page, cities=lang.list_sep.join(labels("city", c) for c in cities))
        parts.append(labels.say("page_items", page=page, items=lang.list_sep.join(entries)))
    return lang.item_sep.join(parts)


def counts_text(e: Effects, ds: Dataset, labels: Labeller) -> str:
    subjects = ds.claims.set_index("claim_id")[labels.col("subject")]
    return labels.language.item_sep.join(
        labels.say(
            "sens_count", claim=c["claim_id"], subject=subjects[c["claim_id"]], printed=audit.fmt(c["printed"]), now=c["now"]
        )
        for c in e.counts
    )


def verdicts_text(e: Effects, labels: Labeller) -> str:
    def verdict(v):
        return labels("verdict", v) if v else labels.ui("not_checked")

    return labels.language.item_sep.join(
        labels.say("sens_verdict", check=v["check_id"], before=verdict(v["before"]), after=verdict(v["after"]))
        for v in e.verdicts
    )


def table(ds: Dataset, labels: Labeller) -> pd.DataFrame:
    """For every switchable alternative of the data: what it would change (printed counts no longer reproduced, audit
    verdicts that move, figures and tables whose data change), in the reader's language."""
    decisions = ds.decisions.set_index("decision_id")
    rows = []
    if ds.switched:
        ds = ds.coded  # what each alternative changes against the data as coded
    for alt, e in every_effect(ds):
        none = labels.ui("none")
        rows.append(
            {
                "decision": audit.own_words(
                    labels.say(
                        "sens_decision", id=alt["decision_id"], topic=decisions.loc[alt["decision_id"], labels.col("topic")]
                    ),
                    labels,
                ),
                "alternative": audit.own_words(
                    labels.say("sens_alternative", label=alt[labels.col("label")], code=alt["alternative"]), labels
                ),
                "counts_lost": audit.own_words(counts_text(e, ds, labels) or none, labels),
                "verdicts_moved": audit.own_words(verdicts_text(e, labels) or none, labels),
                "outputs_changed": audit.own_words(outputs_text(e.outputs, labels) or none, labels),
            }
        )
    return pd.DataFrame(rows, columns=["decision", "alternative", "counts_lost", "verdicts_moved", "outputs_changed"])


def summary(ds: Dataset, labels: Labeller) -> dict[str, str]:
    """Counts for the narrative: decisions, those with a switchable alternative, switchable alternatives, and the
    decisions the data cannot switch (their ids)."""
    alts = ds.decision_alternatives
    switchable = alts[alts["status"] == switches.SWITCHABLE]
    decided = set(switchable["decision_id"])
    fixed = [d for d in ds.decisions["decision_id"] if d not in decided]
    return {
        "decisions": str(len(ds.decisions)),
        "switchable_decisions": str(len(decided)),
        "alternatives": str(len(switchable)),
        "fixed": labels.language.list_sep.join(fixed) or labels.ui("none"),
    }


def note(ds: Dataset, labels: Labeller) -> str:
    """What the switches of ``ds`` change against the data as coded, in one or two sentences of the reader's language."""
    if not ds.switched:
        return ""
    chosen = switches.parse(ds.switched)
    alts = ds.decision_alternatives.set_index(["decision_id", "alternative"])
    named = labels.language.item_sep.join(
        labels.say("switch_named", id=d, label=alts.loc[(d, a), labels.col("label")]) for d, a in chosen
    )
    base = Probe(ds.coded, COMPARED_IN)
    e = effects(base, chosen)
    parts = []
    if e.counts:
        parts.append(labels.say("switched_counts", n=len(e.counts), items=counts_text(e, ds.coded, labels)))
    if e.verdicts:
        parts.append(labels.say("switched_verdicts", n=len(e.verdicts), items=verdicts_text(e, labels)))
    if e.outputs:
        parts.append(labels.say("switched_outputs", n=len(e.outputs), items=outputs_text(e.outputs, labels)))
    changes = labels.language.item_sep.join(parts) if parts else labels.ui("switched_nothing")
    return labels.say("switched_note", switches=named, changes=changes)
