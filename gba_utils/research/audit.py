"""The audit: recount the report's case statistics and set its numbers against each other.

Checks are data: ``data/audit_checks.csv`` lists them (kind, claims or policies, outside records, tolerances), and
each *kind* is one function registered in :data:`KINDS`; it gets the check's row, its claims, its outside records and a
:class:`Context` (the policies it names, and the coded tables a kind may count in). Two families are derived
from the data itself and need no row: every chapter-2 count (``case_aggregates.csv``)
is recounted, and every claim marked ``same_as`` is compared with its first statement.

Every result shows the claims it uses, the arithmetic, the tolerance and a verdict (the words of the arithmetic are
written between ``⟦`` and ``⟧`` and put in the reader's language by :meth:`~gba_utils.labels.Labeller.phrase`):
``consistent``, ``rounded_generously``, ``inconsistent`` or ``cannot_check``.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .. import languages
from ..data.filters import recount, select, split
from . import numbers
from .labels import Labeller
from .text import mixed, with_codes

CONSISTENT, GENEROUS, INCONSISTENT, CANNOT = "consistent", "rounded_generously", "inconsistent", "cannot_check"
#: A recount that differs from the report on purpose, with the decision that says why (cases added after it).
EXPLAINED = "explained"
VERDICT_ORDER = (INCONSISTENT, GENEROUS, EXPLAINED, CANNOT, CONSISTENT)


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
    policies: list[str] = field(default_factory=list)


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


@dataclass
class Context:
    """What a check may use besides its claims and outside records: the policies it names and the dataset's tables."""

    policies: list[pd.Series] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    labels: Labeller | None = None  # the reader's language; None writes values as printed and filters as codes


#: A kind is called with the check's row, its claims, its outside records and a :class:`Context`.
Kind = Callable[[pd.Series, list[pd.Series], list[pd.Series], Context], tuple[str, str, str]]
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
def _sum(row, c, o, x=None):
    *parts, whole = c
    total = sum(float(p["value"]) for p in parts)
    text = " + ".join(fmt(p["value"]) for p in parts) + f" = {fmt(total)}; {whole['claim_id']} = {fmt(whole['value'])}"
    return (
        text,
        judge(total, float(whole["value"]), "exact", _tol(row, "strict"), _tol(row, "loose")),
        f"±{fmt(_tol(row, 'strict'))}",
    )


@kind("part_le_whole")
def _part(row, c, o, x=None):
    part = c[0]
    whole = c[1] if len(c) > 1 else o[0]
    wid = whole["claim_id"] if "claim_id" in whole else whole["ref_id"]
    ok = float(part["value"]) <= float(whole["value"])
    share = 100 * float(part["value"]) / float(whole["value"])
    return (f"{fmt(part['value'])} ≤ {fmt(whole['value'])} ({wid}): {share:.1f}%", CONSISTENT if ok else INCONSISTENT, "—")


@kind("share")
def _share(row, c, o, x=None):
    part, whole, stated = c
    pct = 100 * float(part["value"]) / float(whole["value"])
    q = stated["qualifier"]
    text = f"{fmt(part['value'])} ÷ {fmt(whole['value'])} = {pct:.1f}%; ⟦stated⟧ {HEDGE.get(q, '')} {fmt(stated['value'])}%"
    return (
        text,
        judge(pct, float(stated["value"]), q, _tol(row, "strict"), _tol(row, "loose")),
        f"{fmt(_tol(row, 'strict'))} / {fmt(_tol(row, 'loose'))} ⟦pp⟧",
    )


@kind("rate_period")
def _rate(row, c, o, x=None):
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
def _per_capita(row, c, o, x=None):
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
def _implied(row, c, o, x=None):
    value, share = c
    base = float(value["value"]) / (float(share["value"]) / 100)
    text = f"{fmt(value['value'])} ÷ {fmt(share['value'])}% = {fmt(base)}"
    if not o:
        return text + "; ⟦no_reference⟧", CANNOT, "—"
    ref = o[0]
    rel = base / float(ref["value"]) - 1
    text += f"; {ref['ref_id']} ({int(ref['year'])}) = {fmt(ref['value'])}: {100 * rel:+.1f}%"
    return (
        text,
        judge(
            rel, 0.0, share["qualifier"] if share["qualifier"] == "about" else "exact", _tol(row, "strict"), _tol(row, "loose")
        ),
        f"±{100 * _tol(row, 'strict'):g}% / ±{100 * _tol(row, 'loose'):g}%",
    )


@kind("conflict")
def _conflict(row, c, o, x=None):
    a, b = c
    ratio = max(float(a["value"]), float(b["value"])) / min(float(a["value"]), float(b["value"]))
    text = f"{a['claim_id']} {fmt(a['value'])} ⟦vs⟧ {b['claim_id']} {fmt(b['value'])}: ⟦ratio⟧ {ratio:.1f}"
    return (
        text,
        CONSISTENT if ratio <= _tol(row, "strict") or ratio == 1 else INCONSISTENT,
        f"⟦ratio⟧ ≤ {fmt(_tol(row, 'strict'))}",
    )


@kind("growth_needed")
def _growth(row, c, o, x=None):
    actual, target, growth = c
    years = int(target["ref_year"]) - int(actual["ref_year"])
    need = 100 * ((float(target["value"]) / float(actual["value"])) ** (1 / years) - 1)
    text = (
        f"({fmt(target['value'])} ÷ {fmt(actual['value'])})^(1/{years}) − 1 = {need:.1f}%⟦per_year⟧ "
        f"({int(actual['ref_year'])}→{int(target['ref_year'])}); ⟦growth_in⟧{int(growth['ref_year'])}⟦year_growth⟧: {fmt(growth['value'])}%"
    )
    return text, CONSISTENT if need <= float(growth["value"]) else INCONSISTENT, "⟦needed_le_observed⟧"


@kind("target_in_period")
def _period(row, c, o, x=None):
    lo, hi = (int(x) for x in str(row["expected"]).split("-"))
    years = [int(x["ref_year"]) if pd.notna(x["ref_year"]) else None for x in c]
    ok = all(y is not None and lo <= y <= hi for y in years)
    text = f"⟦target_years⟧ {', '.join(str(y) for y in years)} ⟦within⟧ {lo}–{hi}"
    return text, CONSISTENT if ok else INCONSISTENT, "—"


def worst(verdicts) -> str:
    """The verdict that weighs most (inconsistent before rounded generously before cannot check before consistent)."""
    return min(verdicts, key=VERDICT_ORDER.index, default=CANNOT)


#: Unit of a date difference at each printed precision (YYYY, YYYY-MM, YYYY-MM-DD), in the phrasebook.
PRECISION = {1: "yr", 2: "mo", 3: "d"}
SAME = {1: "same_year", 2: "same_month", 3: "same_day"}


def date_difference(printed: str, outside: str) -> tuple[int, int]:
    """How much later the printed ISO date is than the outside one, at the coarser precision of the two.

    Returns ``(difference, precision)`` with precision 1 (years), 2 (months) or 3 (days); a printed month that contains
    the outside day differs by 0.
    """
    p = [int(v) for v in str(printed).split("-")]
    q = [int(v) for v in str(outside).split("-")]
    n = min(len(p), len(q))
    if n == 1:
        return p[0] - q[0], 1
    if n == 2:
        return (p[0] * 12 + p[1]) - (q[0] * 12 + q[1]), 2
    return (datetime.date(*p) - datetime.date(*q)).days, 3


def _said(claim: pd.Series, x: Context | None = None) -> str:
    """A claim's value in an arithmetic line: as printed (hedge in place); for a reader of a language that shows
    normalised numbers, its rendering with the printed form after it in brackets (marked as Chinese on the page)."""
    form = numbers.printed(claim)
    labels = x.labels if x else None
    if labels is None or labels.language.number_style == "printed":
        return form
    return f"{numbers.shown(claim, labels.lang)} ({form})"


def _date_said(printed: str, iso: str, x: Context | None = None) -> str:
    """A printed date with its ISO form: ``2022年4月 (2022-04)``; ISO first for readers of other languages."""
    labels = x.labels if x else None
    if labels is None or labels.language.number_style == "printed":
        return f"{printed} ({iso})"
    return f"{iso} ({printed})"


def _where(flt: str, x: Context | None, table: str = "cases") -> str:
    """A filter in the reader's words when a language is known, else as written."""
    return x.labels.conditions(flt, table) if x and x.labels else flt


def _dated(subject: pd.Series) -> tuple[str, str, str]:
    """(id, printed form, ISO date) of a policy or a date claim."""
    if "claim_id" in subject.index:
        return subject["claim_id"], numbers.printed(subject), subject.get("date")
    return subject["policy_id"], subject.get("date_printed"), subject.get("date")


@kind("outside_date")
def _outside_date(row, c, o, x=None):
    """A date the report prints (for a policy, or a date claim) against the date of an outside record.

    Each policy and claim is compared with the first outside record, at the precision printed; the verdict is the worst of
    them. Further outside records are shown for context only.
    """
    subjects = (x.policies if x else []) + list(c)
    strict, loose = _tol(row, "strict"), _tol(row, "loose")
    if not o or not subjects:
        return "⟦no_reference⟧", CANNOT, "—"
    parts, verdicts = [], []
    for s in subjects:
        sid, printed, iso = _dated(s)
        line = []
        for i, ref in enumerate(o):
            if not isinstance(iso, str) or not isinstance(ref.get("date"), str):
                line.append(f"{ref['ref_id']}: ⟦no_date⟧")
                if i == 0:
                    verdicts.append(CANNOT)
                continue
            diff, precision = date_difference(iso, ref["date"])
            said = (
                f"⟦{SAME[precision]}⟧"
                if diff == 0
                else f"⟦printed_later⟧ {diff} ⟦{PRECISION[precision]}⟧"
                if diff > 0
                else f"⟦printed_earlier⟧ {-diff} ⟦{PRECISION[precision]}⟧"
            )
            line.append(f"{ref['ref_id']} {ref['date']}: {said}" + (" ⟦context_only⟧" if i else ""))
            if i == 0:
                verdicts.append(judge(abs(diff), 0, "exact", strict, loose))
        parts.append(f"{sid} ⟦printed⟧ {_date_said(printed, iso, x)} ⟦vs⟧ " + "; ".join(line))
    return " | ".join(parts), worst(verdicts), f"±{fmt(strict)} / ±{fmt(loose)} ⟦at_printed_precision⟧"


@kind("outside_value")
def _outside_value(row, c, o, x=None):
    """A claim against a figure from outside the report, within a relative tolerance, read with the claim's hedge."""
    claim = c[0]
    strict, loose = _tol(row, "strict"), _tol(row, "loose")
    tol = f"±{100 * strict:g} % / ±{100 * loose:g} %"
    if not o:
        return f"{claim['claim_id']} {fmt(claim['value'])}: ⟦no_reference⟧", CANNOT, "—"
    ref = o[0]
    if ref["unit"] != claim["unit"]:
        return f"⟦unit:{claim['unit']}⟧ ⟦vs⟧ ⟦unit:{ref['unit']}⟧: ⟦units_differ⟧", CANNOT, tol
    stated, outside = float(claim["value"]), float(ref["value"])
    q = claim["qualifier"]
    text = (
        f"{ref['ref_id']} ({int(ref['year'])}) {fmt(outside)} ⟦vs⟧ {claim['claim_id']} {HEDGE.get(q, '')} {fmt(stated)}: "
        f"{100 * (outside / stated - 1):+.1f} %"
    )
    return text, judge(outside, stated, q, strict * stated, loose * stated), tol


#: Minutes in a unit of time, so that two durations of different units can be divided.
MINUTES = {"minute": 1.0, "hour": 60.0, "day": 1440.0, "month": 30.44 * 1440, "year": 365.25 * 1440}
BOUND = re.compile(r"^\s*(?:(>=|<=|>|<)\s*(-?[\d.]+)|(-?[\d.]+)\s*-\s*(-?[\d.]+))\s*$")


def within_bound(value: float, expected: str, strict: float = 0.0, loose: float = 0.0) -> str:
    """Verdict for ``value`` against a bound written ``>1``, ``>=1``, ``<5``, ``<=5`` or ``lo-hi``.

    The bound is widened by ``strict`` (relative) for 'consistent' and by ``loose`` for 'rounded generously'.
    ``ValueError`` when ``expected`` is none of these.
    """
    m = BOUND.match(str(expected))
    if not m:
        raise ValueError(f"a bound such as '>1', '>=1', '<=5' or '2-40', got {expected!r}")
    if m.group(1):
        op, x = m.group(1), float(m.group(2))
        lo, hi, closed = (x, math.inf, op == ">=") if op.startswith(">") else (-math.inf, x, op == "<=")
    else:
        lo, hi, closed = float(m.group(3)), float(m.group(4)), True

    def inside(slack: float) -> bool:
        a = lo - abs(lo) * slack if math.isfinite(lo) else lo
        b = hi + abs(hi) * slack if math.isfinite(hi) else hi
        return a <= value <= b if closed or slack else a < value < b

    return CONSISTENT if inside(strict) else GENEROUS if inside(loose) else INCONSISTENT


def _operand(claim: pd.Series, show_unit: bool) -> str:
    hedge = "" if claim["qualifier"] == "exact" else f"{HEDGE.get(claim['qualifier'], '')} "
    unit = f" ⟦unit:{claim['unit']}⟧" if show_unit else ""
    return f"{claim['claim_id']} {hedge}{fmt(claim['value'])}{unit}"


def _judged(row, text: str, value: float) -> tuple[str, str, str]:
    """The arithmetic so far, judged against the row's bound (``expected``); cannot be checked without one."""
    expected = row.get("expected")
    if expected is None or (isinstance(expected, float) and math.isnan(expected)) or not str(expected).strip():
        return text + "; ⟦no_reference⟧", CANNOT, "—"
    strict, loose = _tol(row, "strict"), _tol(row, "loose")
    verdict = within_bound(value, str(expected), strict, loose)
    return text + f"; ⟦bound⟧ {str(expected).strip()}", verdict, f"±{100 * strict:g} % / ±{100 * loose:g} %"


@kind("ratio")
def _ratio(row, c, o, x=None):
    """One claim divided by another (durations converted to one unit), against the row's bound if it gives one."""
    a, b = c
    ua, ub = a["unit"], b["unit"]
    scale = MINUTES[ua] / MINUTES[ub] if ua in MINUTES and ub in MINUTES else 1.0
    r = float(a["value"]) * scale / float(b["value"])
    text = f"{_operand(a, ua != ub)} ÷ {_operand(b, ua != ub)} = {fmt(r)}"
    return _judged(row, text, r)


def period_days(start: str, end: str) -> int:
    """Days from the first day of the ``start`` period to the last day of the ``end`` period (ISO, any precision)."""
    s = [int(v) for v in str(start).split("-")] + [1, 1]
    e = [int(v) for v in str(end).split("-")]
    first = datetime.date(s[0], s[1], s[2])
    if len(e) == 3:
        last = datetime.date(*e)
    elif len(e) == 2:
        last = datetime.date(e[0] + e[1] // 12, e[1] % 12 + 1, 1) - datetime.timedelta(days=1)
    else:
        last = datetime.date(e[0], 12, 31)
    return (last - first).days + 1


@kind("period_rate")
def _period_rate(row, c, o, x=None):
    """Counts over a period whose start and end are date claims (the last two claims): the rate per day."""
    *counts, start, end = c
    total = sum(float(k["value"]) for k in counts)
    days = period_days(start["date"], end["date"])
    rate = total / days
    text = (
        " + ".join(fmt(k["value"]) for k in counts)
        + f" = {fmt(total)}; ÷ {days} ⟦d⟧ ({start['date']}–{end['date']}) = {fmt(rate)}⟦per_day⟧"
    )
    return _judged(row, text, rate)


@kind("lost_in_restatement")
def _lost(row, c, o, x=None):
    """A statement and its restatement (in that order): same value, and what the restatement drops of the printed form.

    A dropped unit (the restatement's printed number is the start of the first one's) is inconsistent: the restated
    number no longer says what it counts. A dropped or changed hedge is rounding generously. A different value is
    inconsistent.
    """
    first, again = c
    text = f"{first['claim_id']} {_said(first, x)} ⟦vs⟧ {again['claim_id']} {_said(again, x)}"
    if float(first["value"]) != float(again["value"]) or first["unit"] != again["unit"]:
        return text + ": ⟦values_differ⟧", INCONSISTENT, "⟦equal⟧"
    a, b = str(first["value_printed"]), str(again["value_printed"])
    if a != b and a.startswith(b):
        return text + f": ⟦unit_dropped⟧ {a[len(b) :]}", INCONSISTENT, "⟦equal⟧"
    if first["qualifier"] != again["qualifier"]:
        lost = "⟦hedge_dropped⟧" if again["qualifier"] == "exact" else "⟦hedges_differ⟧"
        return (
            text + f": {lost} (⟦qualifier:{first['qualifier']}⟧ ⟦vs⟧ ⟦qualifier:{again['qualifier']}⟧)",
            GENEROUS,
            "⟦equal⟧",
        )
    return text + ": ⟦nothing_dropped⟧", CONSISTENT, "⟦equal⟧"


@kind("target_as_current")
def _target_as_current(row, c, o, x=None):
    """Claims the report presents as achieved (in the section named in ``expected``): are they coded as actual?

    A claim coded as a target or forecast is inconsistent with being presented as current; the check is consistent
    when every claim is coded actual.
    """
    where = str(row.get("expected") or "").strip()
    parts = [
        f"{k['claim_id']} ⟦kind:{k['kind']}⟧" + (f" {int(k['ref_year'])}" if pd.notna(k.get("ref_year")) else " ⟦no_year⟧")
        for k in c
    ]
    text = "; ".join(parts) + f"; ⟦presented_as_current⟧ §{where}"
    return text, CONSISTENT if all(k["kind"] == "actual" for k in c) else INCONSISTENT, "⟦all_actual⟧"


def _aggregate_filter(row, claim: pd.Series, x) -> str | None:
    """The recount filter of a printed count: its row of case_aggregates, else the check's ``expected``."""
    aggregates = x.tables.get("case_aggregates") if x else None
    if aggregates is not None:
        mine = aggregates.loc[aggregates["claim_id"] == claim["claim_id"], "filter"]
        if len(mine):
            return mine.iloc[0] if isinstance(mine.iloc[0], str) else ""
    expected = row.get("expected")
    return expected if isinstance(expected, str) else None


@kind("applicant_table")
def _applicant_table(row, c, o, x=None):
    """A printed case count against the cases whose unit the chapter-2 applicant table lists (applicant_table_printed)."""
    claim = c[0]
    cases = x.tables.get("cases") if x else None
    flt = _aggregate_filter(row, claim, x)
    if cases is None or flt is None:
        return "⟦no_reference⟧", CANNOT, "—"
    counted = cases[select(cases, flt)]
    listed = counted["applicant_table_printed"].map(lambda v: isinstance(v, str) and bool(v.strip()))
    missing = ", ".join(counted.loc[~listed, "case_id"]) or "—"
    text = (
        f"⟦cases_where⟧{_where(flt, x)}⟦cases_where_end⟧ = {len(counted)}; ⟦in_applicant_table⟧ = {int(listed.sum())}; "
        f"⟦printed⟧ {_said(claim, x)}; ⟦not_in_applicant_table⟧: {missing}"
    )
    return text, CONSISTENT if int(listed.sum()) == float(claim["value"]) else INCONSISTENT, "⟦exact⟧"


TABLE_COUNT = re.compile(r"^([a-z_]+)(?:\.([a-z_]+))?(?::(.*))?$")


@kind("table_count")
def _table_count(row, c, o, x=None):
    """A printed count against a coded table: ``expected`` is ``table:filter`` (rows) or ``table.column[:filter]``
    (distinct values of the column among the rows)."""
    claim = c[0]
    m = TABLE_COUNT.match(str(row.get("expected") or "").strip())
    if not m or not x or m.group(1) not in x.tables:
        return "⟦no_reference⟧", CANNOT, "—"
    table, column, flt = m.group(1), m.group(2), m.group(3) or ""
    rows = x.tables[table][select(x.tables[table], flt)]
    where = f" ⟦rows_where⟧ {_where(flt, x, table)}" if flt else ""
    labels = x.labels
    name = labels.table(table) if labels else table
    if column:
        n = rows[column].nunique()
        col = labels.column(column) if labels else f"{table}.{column}"
        text = f"⟦distinct_in⟧ {name}{labels.language.label_sep if labels else '.'}{col}{where}⟦distinct_end⟧ = {n}"
    else:
        n = len(rows)
        text = f"⟦rows_in⟧ {name}{where}⟦rows_end⟧ = {n}"
    text += f"; {claim['claim_id']} ⟦printed⟧ {_said(claim, x)} = {fmt(claim['value'])}"
    return text, CONSISTENT if n == float(claim["value"]) else INCONSISTENT, "⟦exact⟧"


def run_listed(
    checks: pd.DataFrame,
    claims: pd.DataFrame,
    outside: pd.DataFrame,
    policies: pd.DataFrame | None = None,
    tables: dict[str, pd.DataFrame] | None = None,
    labels: Labeller | None = None,
) -> list[Outcome]:
    """Every check of ``audit_checks.csv``, each by the function of its kind.

    ``policies`` is needed by checks that name policies; ``tables`` (name -> frame) by kinds that count in the coded
    tables (cases, case aggregates, cities).
    """
    by_claim = claims.set_index("claim_id")
    by_ref = outside.set_index("ref_id")
    by_policy = policies.set_index("policy_id") if policies is not None else pd.DataFrame()
    out = []
    for _, row in checks.iterrows():
        c = _rows(by_claim, split(row.get("claim_ids")), "claim_id")
        o = _rows(by_ref, split(row.get("outside_ids")), "ref_id")
        p = _rows(by_policy, split(row.get("policy_ids")), "policy_id")
        text, verdict, tol = KINDS[row["kind"]](row, c, o, Context(p, tables or {}, labels))
        out.append(
            Outcome(
                row["check_id"],
                row["kind"],
                _titles(row),
                split(row.get("claim_ids")),
                text,
                verdict,
                tol,
                split(row.get("outside_ids")),
                split(row.get("policy_ids")),
            )
        )
    return out


def _rows(frame: pd.DataFrame, ids: list[str], key: str) -> list[pd.Series]:
    """The rows of ``ids`` (in that order), each carrying its id under ``key``."""
    rows = []
    for i in ids:
        s = frame.loc[i].copy()
        s[key] = i
        rows.append(s)
    return rows


def run_same_as(claims: pd.DataFrame, lang: str = "en") -> list[Outcome]:
    """Every quantity stated twice: the values must agree (a different hedge is noted). Values are written as a
    reader of ``lang`` reads them (:func:`gba_utils.research.numbers.shown`)."""
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
        text = (
            f"{c['same_as']} ({first['section_id']}) {numbers.shown(first, lang)} = "
            f"{c['claim_id']} ({c['section_id']}) {numbers.shown(c, lang)}{hedge}"
        )
        verdict = (GENEROUS if hedge else CONSISTENT) if same else INCONSISTENT
        titles = {
            code: languages.get(code).say("stated_twice", subject=first[languages.get(code).col("subject")])
            for code in languages.LANGS
        }
        out.append(
            Outcome(f"S-{c['claim_id']}", "same_quantity", titles, [c["same_as"], c["claim_id"]], text, verdict, "⟦equal⟧")
        )
    return out


def run_recount(
    cases: pd.DataFrame,
    claims: pd.DataFrame,
    aggregates: pd.DataFrame,
    labels: Labeller | None = None,
    recounted: pd.DataFrame | None = None,
) -> list[Outcome]:
    """Every chapter-2 count recounted from the cases (the recount validation runs too); the filter in words.

    ``recounted`` is :func:`~gba_utils.data.filters.recount` of the same tables when the caller has it already.
    """
    out = []
    rows = recount(cases, claims, aggregates) if recounted is None else recounted
    for r in rows.to_dict("records"):
        where = labels.conditions(r["filter"]) if labels is not None else r["filter"]
        counted = f"⟦cases_where⟧{where}⟦cases_where_end⟧" if r["filter"] else "⟦all_cases⟧"
        printed = r["value_printed"] if labels is None or labels.language.number_style == "printed" else fmt(r["printed"])
        out.append(
            Outcome(
                f"C-{r['claim_id']}",
                "recount",
                _titles(r, "subject"),
                [r["claim_id"]],
                f"{counted} = {r['recounted']}; ⟦printed⟧ {printed}"
                + (f"; ⟦explained_by⟧ {r['differs_by']}" if r["differs_by"] else ""),
                CONSISTENT if r["match"] else EXPLAINED if r["differs_by"] else INCONSISTENT,
                "⟦exact⟧",
            )
        )
    return out


def _titles(row, base: str = "title") -> dict[str, str]:
    """``{language: text}`` from a row's ``<base>_<suffix>`` columns, one per language of the site."""
    return {code: row[languages.get(code).col(base)] for code in languages.LANGS}


#: The tables a kind of check may count in (:attr:`Context.tables`).
COUNTED = ("cases", "case_aggregates", "cities")


def outcomes(ds, labels: Labeller, checks: pd.DataFrame | None = None) -> list[Outcome]:
    """The outcome of every check of ``checks`` (default: every row of ``audit_checks.csv``), each by its kind."""
    tables = {name: getattr(ds, name) for name in COUNTED}
    return run_listed(
        ds.audit_checks if checks is None else checks, ds.claims, ds.outside_references, ds.policies, tables, labels
    )


def results(outcomes: list[Outcome], ds, labels: Labeller) -> pd.DataFrame:
    """Outcomes as one frame for reading, inconsistencies first (arithmetic and tolerances in the reader's words)."""
    sections = ds.claims.set_index("claim_id")["section_id"]
    # a policy's date is printed where the report first cites it: the first of its sections (they are in report order)
    policy_sections = ds.policies.set_index("policy_id")["section_ids"].map(lambda v: split(v)[0])
    frame = pd.DataFrame(
        [
            {
                "check_id": o.check_id,
                "kind": o.kind,
                **{languages.get(code).col("title"): o.titles[code] for code in languages.LANGS},
                "claims": "; ".join(o.claims),
                "policies": "; ".join(o.policies),
                "sections": "; ".join(dict.fromkeys([policy_sections[p] for p in o.policies] + [sections[c] for c in o.claims])),
                "outside": "; ".join(o.outside),
                "arithmetic": labels.phrase(o.arithmetic),
                "tolerance": labels.phrase(o.tolerance),
                "verdict": o.verdict,
            }
            for o in outcomes
        ],
        columns=[
            "check_id",
            "kind",
            *[languages.get(c).col("title") for c in languages.LANGS],
            "claims",
            "policies",
            "sections",
            "outside",
            "arithmetic",
            "tolerance",
            "verdict",
        ],
    )
    frame["order"] = frame["verdict"].map(VERDICT_ORDER.index)
    return frame.sort_values(["order", "check_id"], kind="stable").drop(columns="order").reset_index(drop=True)


def run(ds, labels=None) -> pd.DataFrame:
    """Every check of the dataset as one frame, inconsistencies first.

    The arithmetic and tolerances are written in the language of ``labels`` (a :class:`~gba_utils.labels.Labeller`;
    English when none is given).
    """
    if labels is None:
        labels = Labeller.of(ds, "en")
    every = (
        outcomes(ds, labels) + run_same_as(ds.claims, labels.lang) + run_recount(ds.cases, ds.claims, ds.case_aggregates, labels)
    )
    return results(every, ds, labels)


def verdict_table(results: pd.DataFrame, labels) -> pd.DataFrame:
    """Results for reading: check, claims and sections, arithmetic, tolerance, verdict (labelled)."""
    title = labels.col("title")
    return pd.DataFrame(
        {
            "check_id": results["check_id"],
            "kind": results["kind"].map(lambda k: labels("check_kind", k)),
            "check_title": results[title],
            "claims": [
                own_words(labels.language.item_sep.join(i for part in (p, c, o) for i in split(part)), labels)
                for p, c, o in zip(results["policies"], results["claims"], results["outside"])
            ],
            "section_id": results["sections"],
            "arithmetic": results["arithmetic"].map(lambda t: own_words(t, labels)),
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


def own_words(text, labels):
    """Our notes for a reader of the page's language: printed forms quoted in another script are marked with their
    language; in Chinese text, codes written in Latin letters are marked as code."""
    return with_codes(text) if labels.language.script == "Hans" else mixed(text, labels.lang, base=labels.lang)


def decisions_table(decisions: pd.DataFrame, labels) -> pd.DataFrame:
    """The decisions log in the page's language."""
    return pd.DataFrame(
        {
            "decision_id": decisions["decision_id"],
            "topic": decisions[labels.col("topic")].map(lambda t: own_words(t, labels)),
            "options": decisions[labels.col("options")].map(lambda t: own_words(t, labels)),
            "evidence": decisions[labels.col("evidence")].map(lambda t: own_words(t, labels)),
            "section_id": decisions["evidence_sections"],
            "choice": decisions[labels.col("choice")].map(lambda t: own_words(t, labels)),
        }
    )


def outside_table(outside: pd.DataFrame, labels) -> pd.DataFrame:
    """Figures from outside the report, with their full citations (titles kept in their own language, marked)."""
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
            "source": outside["source"].map(lambda t: mixed(t, labels.lang, base="en")),  # citations are in English
        }
    )


def findings(results: pd.DataFrame, labels) -> pd.DataFrame:
    """The checks that find the report inconsistent with itself: what, the arithmetic, where."""
    bad = results[results["verdict"] == INCONSISTENT]
    return pd.DataFrame(
        {
            "check_id": bad["check_id"],
            "check_title": bad[labels.col("title")],
            "arithmetic": bad["arithmetic"].map(lambda t: own_words(t, labels)),
            "section_id": bad["sections"],
        }
    ).reset_index(drop=True)


def summary(results: pd.DataFrame, labels) -> str:
    """One sentence on what the audit found, counted from its results."""
    counts = results["verdict"].value_counts()
    return labels.say(
        "audit_summary",
        n=len(results),
        k=int(counts.get(INCONSISTENT, 0)),
        g=int(counts.get(GENEROUS, 0)),
        c=int(counts.get(CANNOT, 0)),
    )


def arithmetic(results: pd.DataFrame, check_id: str) -> str:
    """The arithmetic of one check, as the page shows it."""
    return results.set_index("check_id").loc[check_id, "arithmetic"]


def count(results: pd.DataFrame, verdict: str) -> int:
    """How many checks reached ``verdict``."""
    return int((results["verdict"] == verdict).sum())


def titles_of(results: pd.DataFrame, verdict: str, labels) -> str:
    """The titles of the checks that reached ``verdict``, in the page's language."""
    titles = results.loc[results["verdict"] == verdict, labels.col("title")]
    return labels.language.item_sep.join(titles) or labels.ui("none")
