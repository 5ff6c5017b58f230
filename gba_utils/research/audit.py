"""The audit: recount the report's case statistics and set its numbers against each other.

Checks are data: ``data/audit_checks.csv`` lists them (kind, claims, tolerances), and
each *kind* is one function registered in :data:`KINDS`. Two families are derived
from the data itself and need no row: every chapter-2 count (``case_aggregates.csv``)
is recounted, and every claim marked ``same_as`` is compared with its first statement.

Every result shows the claims it uses, the arithmetic, the tolerance and a verdict (the words of the arithmetic are
written between ``⟦`` and ``⟧`` and put in the reader's language by :meth:`~gba_utils.labels.Labeller.phrase`):
``consistent``, ``rounded_generously``, ``inconsistent`` or ``cannot_check``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .. import languages
from ..data.filters import recount, split
from .labels import Labeller

CONSISTENT, GENEROUS, INCONSISTENT, CANNOT = "consistent", "rounded_generously", "inconsistent", "cannot_check"
VERDICT_ORDER = (INCONSISTENT, GENEROUS, CANNOT, CONSISTENT)


@dataclass
class Outcome:
    check_id: str
    kind: str
    titles: dict[str, str]  # title in each language, keyed by language code
    claims: list[str]
    arithmetic: str
    verdict: str
    tolerance: str = ""
    outside: list[str] = field(default_factory=list)


def fmt(x: float) -> str:
    """Numbers for arithmetic lines: thousands separators, at most 4 significant decimals."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "?"
    if abs(x) >= 1e9:
        return f"{x:.4g}".replace("e+", "e")
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.1f}"


def judge(computed: float, stated: float, qualifier: str = "exact", strict: float = 0.0, loose: float = 0.0) -> str:
    """Verdict for a computed value against a stated one, given the stated hedge and two tolerances.

    ``exact``/``about``: |c - s| <= strict is consistent, <= loose rounded generously.
    ``over``: c >= s is consistent (c >= s - loose generous); ``under`` mirrors it.
    ``nearly``: s - strict <= c <= s is consistent; within loose of s rounded generously.
    ``at_least`` behaves like ``over``.
    """
    d = computed - stated
    if qualifier in ("over", "at_least"):
        return CONSISTENT if d >= -strict else GENEROUS if d >= -loose else INCONSISTENT
    if qualifier == "under":
        return CONSISTENT if d <= strict else GENEROUS if d <= loose else INCONSISTENT
    if qualifier == "nearly":
        if -strict <= d <= 0:
            return CONSISTENT
        return GENEROUS if -loose <= d <= strict else INCONSISTENT
    return CONSISTENT if abs(d) <= strict else GENEROUS if abs(d) <= loose else INCONSISTENT


HEDGE = {"exact": "=", "over": ">", "at_least": "≥", "under": "<", "nearly": "≈↑", "about": "≈"}

Kind = Callable[[pd.Series, list[pd.Series], list[pd.Series]], tuple[str, str, str]]
KINDS: dict[str, Kind] = {}


def kind(name: str):
    """Register the function that runs checks of one kind (returns arithmetic, verdict, tolerance text)."""

    def deco(fn):
        KINDS[name] = fn
        return fn

    return deco


def _tol(row, key: str) -> float:
    v = row.get(key)
    return 0.0 if v is None or pd.isna(v) else float(v)


@kind("sum")
def _sum(row, c, o):
    *parts, whole = c
    total = sum(float(p["value"]) for p in parts)
    text = " + ".join(fmt(p["value"]) for p in parts) + f" = {fmt(total)}; {whole['claim_id']} = {fmt(whole['value'])}"
    return (
        text,
        judge(total, float(whole["value"]), "exact", _tol(row, "strict"), _tol(row, "loose")),
        f"±{fmt(_tol(row, 'strict'))}",
    )


@kind("part_le_whole")
def _part(row, c, o):
    part = c[0]
    whole = c[1] if len(c) > 1 else o[0]
    wid = whole["claim_id"] if "claim_id" in whole else whole["ref_id"]
    ok = float(part["value"]) <= float(whole["value"])
    share = 100 * float(part["value"]) / float(whole["value"])
    return (f"{fmt(part['value'])} ≤ {fmt(whole['value'])} ({wid}): {share:.1f} %", CONSISTENT if ok else INCONSISTENT, "—")


@kind("share")
def _share(row, c, o):
    part, whole, stated = c
    pct = 100 * float(part["value"]) / float(whole["value"])
    q = stated["qualifier"]
    text = f"{fmt(part['value'])} ÷ {fmt(whole['value'])} = {pct:.1f} %; ⟦stated⟧ {HEDGE.get(q, '')} {fmt(stated['value'])} %"
    return (
        text,
        judge(pct, float(stated["value"]), q, _tol(row, "strict"), _tol(row, "loose")),
        f"{fmt(_tol(row, 'strict'))} / {fmt(_tol(row, 'loose'))} ⟦pp⟧",
    )


@kind("rate_period")
def _rate(row, c, o):
    total, daily, period = c
    days = float(total["value"]) / float(daily["value"])
    per_days = float(period["value"]) * {"year": 365.25, "month": 30.44, "day": 1.0}.get(period["unit"], float("nan"))
    q = period["qualifier"]
    text = (
        f"{fmt(total['value'])} ÷ {fmt(daily['value'])}⟦per_day⟧ = {days:.1f} ⟦d⟧; "
        f"⟦stated_period⟧ {HEDGE.get(q, '')} {fmt(period['value'])} ⟦unit:{period['unit']}⟧ = {per_days:.1f} ⟦d⟧"
    )
    return text, judge(days, per_days, q, _tol(row, "strict"), _tol(row, "loose")), f"{fmt(_tol(row, 'strict'))} ⟦d⟧"


@kind("per_capita")
def _per_capita(row, c, o):
    daily, stated = c
    if not o:
        return f"{fmt(daily['value'])}⟦per_day⟧: ⟦no_population⟧", CANNOT, "—"
    pop = o[0]
    rate = float(daily["value"]) / float(pop["value"]) * 1e4
    text = f"{fmt(daily['value'])} ÷ {fmt(pop['value'])} ({pop['ref_id']}, {int(pop['year'])}) × 10,000 = {rate:.2f}; ⟦stated⟧ {fmt(stated['value'])}"
    return (
        text,
        judge(rate, float(stated["value"]), stated["qualifier"], _tol(row, "strict"), _tol(row, "loose")),
        f"±{fmt(_tol(row, 'strict'))} / ±{fmt(_tol(row, 'loose'))}",
    )


@kind("implied_base")
def _implied(row, c, o):
    value, share = c
    base = float(value["value"]) / (float(share["value"]) / 100)
    text = f"{fmt(value['value'])} ÷ {fmt(share['value'])} % = {fmt(base)}"
    if not o:
        return text + "; ⟦no_reference⟧", CANNOT, "—"
    ref = o[0]
    rel = base / float(ref["value"]) - 1
    text += f"; {ref['ref_id']} ({int(ref['year'])}) = {fmt(ref['value'])}: {100 * rel:+.1f} %"
    return (
        text,
        judge(
            rel, 0.0, share["qualifier"] if share["qualifier"] == "about" else "exact", _tol(row, "strict"), _tol(row, "loose")
        ),
        f"±{100 * _tol(row, 'strict'):g} % / ±{100 * _tol(row, 'loose'):g} %",
    )


@kind("conflict")
def _conflict(row, c, o):
    a, b = c
    ratio = max(float(a["value"]), float(b["value"])) / min(float(a["value"]), float(b["value"]))
    text = f"{a['claim_id']} {fmt(a['value'])} ⟦vs⟧ {b['claim_id']} {fmt(b['value'])}: ⟦ratio⟧ {ratio:.1f}"
    return (
        text,
        CONSISTENT if ratio <= _tol(row, "strict") or ratio == 1 else INCONSISTENT,
        f"⟦ratio⟧ ≤ {fmt(_tol(row, 'strict'))}",
    )


@kind("growth_needed")
def _growth(row, c, o):
    actual, target, growth = c
    years = int(target["ref_year"]) - int(actual["ref_year"])
    need = 100 * ((float(target["value"]) / float(actual["value"])) ** (1 / years) - 1)
    text = (
        f"({fmt(target['value'])} ÷ {fmt(actual['value'])})^(1/{years}) − 1 = {need:.1f} %⟦per_year⟧ "
        f"({int(actual['ref_year'])}→{int(target['ref_year'])}); ⟦growth_in⟧{int(growth['ref_year'])}⟦year_growth⟧: {fmt(growth['value'])} %"
    )
    return text, CONSISTENT if need <= float(growth["value"]) else INCONSISTENT, "⟦needed_le_observed⟧"


@kind("target_in_period")
def _period(row, c, o):
    lo, hi = (int(x) for x in str(row["expected"]).split("-"))
    years = [int(x["ref_year"]) if pd.notna(x["ref_year"]) else None for x in c]
    ok = all(y is not None and lo <= y <= hi for y in years)
    text = f"⟦target_years⟧ {', '.join(str(y) for y in years)} ⟦within⟧ {lo}–{hi}"
    return text, CONSISTENT if ok else INCONSISTENT, "—"


def run_listed(checks: pd.DataFrame, claims: pd.DataFrame, outside: pd.DataFrame) -> list[Outcome]:
    by_claim = claims.set_index("claim_id")
    by_ref = outside.set_index("ref_id")
    out = []
    for _, row in checks.iterrows():
        c = [by_claim.loc[i].copy() for i in split(row["claim_ids"])]
        for i, s in zip(split(row["claim_ids"]), c):
            s["claim_id"] = i
        o = [by_ref.loc[i].copy() for i in split(row.get("outside_ids"))]
        for i, s in zip(split(row.get("outside_ids")), o):
            s["ref_id"] = i
        text, verdict, tol = KINDS[row["kind"]](row, c, o)
        out.append(
            Outcome(
                row["check_id"],
                row["kind"],
                _titles(row),
                split(row["claim_ids"]),
                text,
                verdict,
                tol,
                split(row.get("outside_ids")),
            )
        )
    return out


def run_same_as(claims: pd.DataFrame) -> list[Outcome]:
    """Every quantity stated twice: the values must agree (a different hedge is noted)."""
    by_claim = claims.set_index("claim_id")
    out = []
    for _, c in claims[claims["same_as"].notna()].iterrows():
        first = by_claim.loc[c["same_as"]]
        same = float(c["value"]) == float(first["value"]) and c["unit"] == first["unit"]
        hedge = (
            ""
            if c["qualifier"] == first["qualifier"]
            else f"; ⟦hedges_differ⟧ (⟦qualifier:{first['qualifier']}⟧ ⟦vs⟧ ⟦qualifier:{c['qualifier']}⟧)"
        )
        text = f"{c['same_as']} ({first['section_id']}) {first['value_printed']} = {c['claim_id']} ({c['section_id']}) {c['value_printed']}{hedge}"
        verdict = (GENEROUS if hedge else CONSISTENT) if same else INCONSISTENT
        titles = {
            code: languages.get(code).say("stated_twice", subject=first[languages.get(code).col("subject")])
            for code in languages.LANGS
        }
        out.append(
            Outcome(f"S-{c['claim_id']}", "same_quantity", titles, [c["same_as"], c["claim_id"]], text, verdict, "⟦equal⟧")
        )
    return out


def run_recount(cases: pd.DataFrame, claims: pd.DataFrame, aggregates: pd.DataFrame) -> list[Outcome]:
    """Every chapter-2 count recounted from the cases (the recount validation runs too)."""
    out = []
    for r in recount(cases, claims, aggregates).to_dict("records"):
        counted = f"⟦cases_where⟧{r['filter']}⟦cases_where_end⟧" if r["filter"] else "⟦all_cases⟧"
        out.append(
            Outcome(
                f"C-{r['claim_id']}",
                "recount",
                _titles(r, "subject"),
                [r["claim_id"]],
                f"{counted} = {r['recounted']}; ⟦printed⟧ {r['value_printed']}",
                CONSISTENT if r["match"] else INCONSISTENT,
                "⟦exact⟧",
            )
        )
    return out


def _titles(row, base: str = "title") -> dict[str, str]:
    """``{language: text}`` from a row's ``<base>_<suffix>`` columns, one per language of the site."""
    return {code: row[languages.get(code).col(base)] for code in languages.LANGS}


def run(ds, labels=None) -> pd.DataFrame:
    """Every check of the dataset as one frame, inconsistencies first.

    The arithmetic and tolerances are written in the language of ``labels`` (a :class:`~gba_utils.labels.Labeller`;
    English when none is given).
    """
    if labels is None:
        labels = Labeller.of(ds, "en")
    outcomes = (
        run_listed(ds.audit_checks, ds.claims, ds.outside_references)
        + run_same_as(ds.claims)
        + run_recount(ds.cases, ds.claims, ds.case_aggregates)
    )
    sections = ds.claims.set_index("claim_id")["section_id"]
    frame = pd.DataFrame(
        [
            {
                "check_id": o.check_id,
                "kind": o.kind,
                **{languages.get(code).col("title"): o.titles[code] for code in languages.LANGS},
                "claims": "; ".join(o.claims),
                "sections": "; ".join(dict.fromkeys(sections[c] for c in o.claims)),
                "outside": "; ".join(o.outside),
                "arithmetic": labels.phrase(o.arithmetic),
                "tolerance": labels.phrase(o.tolerance),
                "verdict": o.verdict,
            }
            for o in outcomes
        ]
    )
    frame["order"] = frame["verdict"].map(VERDICT_ORDER.index)
    return frame.sort_values(["order", "check_id"], kind="stable").drop(columns="order").reset_index(drop=True)


def verdict_table(results: pd.DataFrame, labels) -> pd.DataFrame:
    """Results for reading: check, claims and sections, arithmetic, tolerance, verdict (labelled)."""
    title = labels.col("title")
    return pd.DataFrame(
        {
            "check_id": results["check_id"],
            "kind": results["kind"].map(lambda k: labels("check_kind", k)),
            "check_title": results[title],
            "claims": results["claims"] + results["outside"].map(lambda o: f"; {o}" if o else ""),
            "section_id": results["sections"],
            "arithmetic": results["arithmetic"],
            "tolerance": results["tolerance"],
            "verdict": results["verdict"].map(lambda v: labels("verdict", v)),
        }
    )


def verdict_counts(results: pd.DataFrame, labels) -> pd.DataFrame:
    """Kinds × verdicts, labelled, for a stacked bar chart."""
    t = pd.crosstab(results["kind"], results["verdict"])
    t = t.reindex(columns=[v for v in VERDICT_ORDER], fill_value=0)
    t.index = [labels("check_kind", k) for k in t.index]
    t.columns = [labels("verdict", v) for v in t.columns]
    return t


def decisions_table(decisions: pd.DataFrame, labels) -> pd.DataFrame:
    topic = labels.col("topic")
    return pd.DataFrame(
        {
            "decision_id": decisions["decision_id"],
            "topic": decisions[topic],
            "options": decisions["options_en"],
            "evidence": decisions["evidence_en"],
            "section_id": decisions["evidence_sections"],
            "choice": decisions["choice_en"],
        }
    )


def outside_table(outside: pd.DataFrame, labels) -> pd.DataFrame:
    subject = labels.col("subject")
    return pd.DataFrame(
        {
            "ref_id": outside["ref_id"],
            "subject": outside[subject],
            "value": [
                d if u == "date" and isinstance(d, str) else fmt(v)
                for v, u, d in zip(outside["value"], outside["unit"], outside["date"])
            ],
            "unit": outside["unit"].map(lambda u: labels("unit", u)),
            "ref_year": outside["year"].astype(str),
            "source": outside["source"],
        }
    )
