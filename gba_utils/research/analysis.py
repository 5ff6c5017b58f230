"""Tables derived from the dataset: filters, recounts, cross-tabulations, catalogues.

Pure functions of data frames (no display, no I/O), unit-tested in ``tests/``.
"""

from __future__ import annotations

import pandas as pd

from ..data import filters
from ..data.filters import split
from . import numbers
from .labels import Labeller
from .params import ALL
from .text import Rich, Span

# ------------------------------------------------------------------ filters


def filter_cases(cases: pd.DataFrame, city: str = ALL, domain: str = ALL) -> pd.DataFrame:
    """Cases implemented in ``city`` (its city_code) and of ``domain``."""
    out = cases
    if city != ALL:
        out = out[out["city_code"] == city]
    if domain != ALL:
        out = out[out["domain"] == domain]
    return out


def filter_claims(claims: pd.DataFrame, cases: pd.DataFrame, city: str = ALL, domain: str = ALL) -> pd.DataFrame:
    """Claims about the selected city (by scope, or through a case there) and, with a domain, only case outcomes of that domain."""
    out = claims
    kept_cases = set(filter_cases(cases, city, domain)["case_id"])
    if city != ALL:
        out = out[(out["scope"] == city) | out["case_id"].isin(kept_cases)]
    if domain != ALL:
        out = out[out["case_id"].isin(kept_cases)]
    return out


def filter_policies(policies: pd.DataFrame, cities: pd.DataFrame, city: str = ALL) -> pd.DataFrame:
    """Policies that concern a city: its own, its jurisdiction's (Guangdong, HK or Macao), national ones for the
    Guangdong cities, and documents of global scope (a worldwide study) for every city."""
    if city == ALL:
        return policies
    juris = cities.set_index("city_code").loc[city, "jurisdiction"]
    keep = {city, juris, "cn", "global"} if juris == "guangdong" else {city, juris, "global"}
    return policies[policies["jurisdiction"].isin(keep)]


def describe_filter(labels: Labeller, city: str = ALL, domain: str = ALL) -> str:
    """'City: Shenzhen · Domain: Digital society', or '' when nothing is filtered."""
    parts = []
    if city != ALL:
        parts.append(f"{labels.ui('city')}{labels.language.label_sep}{labels('city', city)}")
    if domain != ALL:
        parts.append(f"{labels.ui('domain')}{labels.language.label_sep}{labels('domain', domain)}")
    return " · ".join(parts)


# ------------------------------------------------------------------ chapter 2 recount


def recount(cases: pd.DataFrame, claims: pd.DataFrame, aggregates: pd.DataFrame) -> pd.DataFrame:
    """Every chapter-2 aggregate: printed value, recounted value, verdict. One row per aggregate.

    The same recount validation runs (:func:`gba_utils.data.filters.recount`), without its bookkeeping columns.
    """
    return filters.recount(cases, claims, aggregates).drop(columns=["line", "error"])


def breakdown(
    cases: pd.DataFrame, column: str, labels: Labeller, vocab: str, printed: dict[str, float] | None = None
) -> pd.DataFrame:
    """Counts of cases by one coded column in vocabulary order, beside printed values where given."""
    order = [c for c in labels.order(vocab) if c in set(cases[column].dropna()) or (printed and c in printed)]
    counts = cases[column].value_counts()
    return pd.DataFrame(
        {
            "code": order,
            "label": [labels(vocab, c) for c in order],
            "recounted": [int(counts.get(c, 0)) for c in order],
            "printed": [float(printed[c]) if printed and c in printed else float("nan") for c in order],
        }
    )


def printed_by(recounted: pd.DataFrame, column: str, filters: dict[str, str] | None = None) -> dict[str, float]:
    """Printed values of aggregates whose filter is exactly ``column=<code>`` (plus fixed ``filters``)."""
    out = {}
    fixed = filters or {}
    for _, r in recounted.iterrows():
        conds = dict(p.split("=") for p in split(r["filter"].replace("&", ";")))
        if column in conds and {k: v for k, v in conds.items() if k != column} == fixed:
            out[conds[column]] = r["printed"]
    return out


def region_level_table(cases: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    """Cases by region (as chapter 2 counts them) × administrative level."""
    order_levels = labels.order("admin_level")
    t = pd.crosstab(cases["region_code"], cases["admin_level"]).reindex(columns=order_levels, fill_value=0)
    t = t.loc[sorted(t.index, key=lambda c: (c != "guangdong", -t.loc[c].sum(), c))]
    t.index = [labels("scope", c) for c in t.index]
    t.columns = [labels("admin_level", c) for c in t.columns]
    return t


def crosstab(cases: pd.DataFrame, row: str, col: str, labels: Labeller, row_vocab: str, col_vocab: str) -> pd.DataFrame:
    """Labelled count matrix of two coded columns, in vocabulary order, without empty rows."""
    t = pd.crosstab(cases[row], cases[col])
    rows = [c for c in labels.order(row_vocab) if c in t.index]
    cols = [c for c in labels.order(col_vocab) if c in t.columns] or list(t.columns)
    t = t.reindex(index=rows, columns=cols, fill_value=0)
    t.index = [labels(row_vocab, c) for c in t.index]
    t.columns = [labels(col_vocab, c) for c in t.columns]
    return t.astype(int)


def technology_domain(cases: pd.DataFrame, technologies: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    """Technologies × domain: number of cases using each technology, most used first."""
    merged = technologies.merge(cases[["case_id", "domain"]], on="case_id")
    if merged.empty:
        return pd.DataFrame()
    t = pd.crosstab(merged["technology"], merged["domain"])
    cols = [c for c in labels.order("domain") if c in t.columns]
    t = t.reindex(columns=cols, fill_value=0)
    t = t.loc[sorted(t.index, key=lambda c: (-t.loc[c].sum(), labels.order("technology").index(c)))]
    t.index = [labels("technology", c) for c in t.index]
    t.columns = [labels("domain", c) for c in t.columns]
    return t.astype(int)


def catalogue(cases: pd.DataFrame, technologies: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    """The case catalogue with labelled codes and a technology list."""
    name = labels.col("name")
    sep = labels.language.list_sep
    techs = technologies.groupby("case_id")["technology"].agg(lambda s: sep.join(labels("technology", t) for t in s))
    out = pd.DataFrame(
        {
            "case_id": cases["case_id"],
            "name": cases[name],
            "tier": cases["tier"].map(lambda c: labels("tier", c)),
            "domain": cases["domain"].map(lambda c: labels("domain", c))
            + cases["domain_source"].map(lambda s: "" if s == "stated" else "*"),
            "admin_level": cases["admin_level"].map(lambda c: labels("admin_level", c)),
            "city_code": cases["city_code"].map(lambda c: labels("city", c)),
            "applicant_printed": cases[labels.col("applicant")],
            "technologies": cases["case_id"].map(lambda c: techs.get(c, "")),  # also when no case has one
        }
    )
    return out.reset_index(drop=True)


def printed_forms(claims: pd.DataFrame, labels: Labeller) -> pd.Series:
    """The forms as the report prints them (hedge and value), marked as Chinese."""
    text = claims["qualifier_printed"].fillna("") + claims["value_printed"].fillna("")
    return text.map(lambda t: Span(t, "zh") if t else "")


def value_columns(claims: pd.DataFrame, labels: Labeller) -> dict[str, pd.Series]:
    """How a table shows a claim's value: as printed where the language reads the report's own forms; else in the
    reader's language (``value``) beside the printed form, kept and marked (``value_printed``)."""
    if labels.language.number_style == "printed":
        return {"value_printed": claims["qualifier_printed"].fillna("") + claims["value_printed"].fillna("")}
    return {"value": numbers.shown_column(claims, labels.lang), "value_printed": printed_forms(claims, labels)}


def outcomes(claims: pd.DataFrame, cases: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    """Numbers the report gives for each case (first statement of each quantity only)."""
    sel = claims[claims["case_id"].isin(set(cases["case_id"])) & claims["same_as"].isna()]
    name, subject = labels.col("name"), labels.col("subject")
    names = cases.set_index("case_id")[name]
    out = pd.DataFrame(
        {
            "case_id": sel["case_id"],
            "name": sel["case_id"].map(names),
            "subject": sel[subject],
            **value_columns(sel, labels),
            "kind": sel["kind"].map(lambda c: labels("kind", c)),
            "section_id": sel["section_id"],
            "claim_id": sel["claim_id"],
        }
    )
    return out.sort_values(["case_id", "claim_id"]).reset_index(drop=True)


def claims_table(claims: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    """Claims for reading: indicator, printed value (with its hedge), kind, year, section."""
    subject = labels.col("subject")
    return pd.DataFrame(
        {
            "claim_id": claims["claim_id"],
            "subject": claims[subject],
            **value_columns(claims, labels),
            "kind": claims["kind"].map(lambda c: labels("kind", c)),
            "ref_year": claims["ref_year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
            "section_id": claims["section_id"],
        }
    ).reset_index(drop=True)


def policy_table(policies: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    name, sets = labels.col("name"), labels.col("sets")
    out = pd.DataFrame(
        {
            "policy": policies[name],
            "date": policies["date"].fillna(""),
            "jurisdiction": policies["jurisdiction"].map(lambda c: labels("scope", c)),
            "policy_kind": policies["kind"].map(lambda c: labels("policy_kind", c)),
            "sets": policies[sets],
            "section_id": policies["section_ids"].map(lambda s: split(s)[0]),
        }
    )
    return out.sort_values(["date", "policy"], key=lambda s: s.replace("", "9999") if s.name == "date" else s).reset_index(
        drop=True
    )


# ------------------------------------------------------------------ overview


def headline(ds, cases: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    """Key counts of the report and of this dataset (cases as filtered)."""
    rows = [
        (labels.ui("cases"), len(cases)),
        *[(labels("tier", t), int((cases["tier"] == t).sum())) for t in labels.order("tier")],
        *[(labels("domain", d), int((cases["domain"] == d).sum())) for d in labels.order("domain")],
        *[(labels("applicant_type", a), int((cases["applicant_type"] == a).sum())) for a in labels.order("applicant_type")],
        (labels.ui("numeric_claims"), len(ds.claims)),
        (labels.ui("policies_cited"), len(ds.policies)),
        (
            labels.ui("problem_areas"),
            f"{int(ds.problems['parent_id'].isna().sum())} / {int(ds.problems['parent_id'].notna().sum())}",
        ),
        (labels.ui("recs_measures"), f"{len(ds.recommendations)} / {len(ds.measures)}"),
        (labels.ui("decisions_logged"), len(ds.decisions)),
    ]
    return pd.DataFrame(rows, columns=["subject", "n"]).astype({"n": str})


# ------------------------------------------------------------------ chapter 3


def problem_tree(problems: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    t, s = labels.col("title"), labels.col("summary")
    return pd.DataFrame(
        {
            "problem_id": problems["problem_id"],
            "problem": problems[t],
            "summary": problems[s],
            "section_id": problems["section_id"],
        }
    ).reset_index(drop=True)


def _area(problem_id: str) -> str:
    return problem_id.split(".")[0]


def problem_evidence(
    problems: pd.DataFrame, links: pd.DataFrame, answers: pd.DataFrame, cases: pd.DataFrame, labels: Labeller
) -> pd.DataFrame:
    """Per problem area: cases illustrating it, and cases practising a measure that answers it (distinct cases)."""
    kept = set(cases["case_id"])
    ill = links[(links["target_type"] == "problem") & links["case_id"].isin(kept)].assign(
        area=lambda d: d["target_id"].map(_area)
    )
    meas_area = (
        answers.dropna(subset=["measure_id"])
        .assign(area=lambda d: d["problem_id"].map(_area))[["measure_id", "area"]]
        .drop_duplicates()
    )
    prac = links[(links["target_type"] == "measure") & links["case_id"].isin(kept)].merge(
        meas_area, left_on="target_id", right_on="measure_id"
    )
    t = labels.col("title")
    areas = problems[problems["parent_id"].isna()]
    col_ill, col_prac = labels.ui("illustrate"), labels.ui("practise")
    out = pd.DataFrame(
        {
            col_ill: [ill.loc[ill["area"] == a, "case_id"].nunique() for a in areas["problem_id"]],
            col_prac: [prac.loc[prac["area"] == a, "case_id"].nunique() for a in areas["problem_id"]],
        },
        index=[f"{a} {n}" for a, n in zip(areas["problem_id"], areas[t])],
    )
    return out


def problem_evidence_table(
    problems: pd.DataFrame, links: pd.DataFrame, answers: pd.DataFrame, cases: pd.DataFrame, labels: Labeller
) -> pd.DataFrame:
    """Per sub-problem: the cases that illustrate it and those practising a measure that answers it."""
    name, t = labels.col("name"), labels.col("title")
    names = cases.set_index("case_id")[name]
    kept = set(cases["case_id"])
    sep = labels.language.item_sep
    rows = []
    for _, p in problems[problems["parent_id"].notna()].iterrows():
        pid = p["problem_id"]
        ill = links[(links["target_type"] == "problem") & (links["target_id"] == pid) & links["case_id"].isin(kept)]["case_id"]
        meas = set(answers.loc[answers["problem_id"] == pid, "measure_id"].dropna())
        prac = links[(links["target_type"] == "measure") & links["target_id"].isin(meas) & links["case_id"].isin(kept)]["case_id"]
        rows.append(
            {
                "problem_id": pid,
                "problem": p[t],
                "illustrates": sep.join(f"{names[c]}" for c in sorted(set(ill))),
                "practises": sep.join(f"{names[c]}" for c in sorted(set(prac))),
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ chapter 4


def measure_table(recs: pd.DataFrame, measures: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    t = labels.col("title")
    rec_title = recs.set_index("rec_id")[t]
    return pd.DataFrame(
        {
            "rec_id": measures["rec_id"].map(lambda r: f"{r} {rec_title[r]}"),
            "measure_id": measures["measure_id"],
            "measure": measures[t],
        }
    ).reset_index(drop=True)


def link_matrix(answers: pd.DataFrame, problems: pd.DataFrame, recs: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    """Problem areas × recommendations: number of links (area- and measure-level); stated pairs in ``attrs``."""
    t = labels.col("title")
    a = answers.assign(area=answers["problem_id"].map(_area))
    areas = problems[problems["parent_id"].isna()]
    m = pd.crosstab(a["area"], a["rec_id"]).reindex(index=list(areas["problem_id"]), columns=list(recs["rec_id"]), fill_value=0)
    stated = {(r.area, r.rec_id) for r in a[a["link"] == "stated"].itertuples()}
    row_lab = {p: f"{p} {n}" for p, n in zip(areas["problem_id"], areas[t])}
    col_lab = {r: r for r in recs["rec_id"]}
    m.index = [row_lab[i] for i in m.index]
    m.columns = [col_lab[c] for c in m.columns]
    m = m.astype(int)
    m.attrs["stated"] = {(row_lab[p], col_lab[r]) for p, r in stated}
    return m


def practising_cases(links: pd.DataFrame, cases: pd.DataFrame, measures: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    name, t, reason = labels.col("name"), labels.col("title"), labels.col("reason")
    prac = links[(links["target_type"] == "measure") & links["case_id"].isin(set(cases["case_id"]))]
    mt = measures.set_index("measure_id")[t]
    names = cases.set_index("case_id")[name]
    out = pd.DataFrame(
        {
            "measure_id": prac["target_id"],
            "measure": prac["target_id"].map(mt),
            "case_id": prac["case_id"],
            "name": prac["case_id"].map(names),
            "reason": prac[reason],
        }
    )
    return out.sort_values(["measure_id", "case_id"]).reset_index(drop=True)


def practice_by_rec(
    links: pd.DataFrame, cases: pd.DataFrame, measures: pd.DataFrame, recs: pd.DataFrame, labels: Labeller
) -> pd.DataFrame:
    """Recommendations × domain: distinct cases practising at least one of the recommendation's measures."""
    t = labels.col("title")
    prac = links[(links["target_type"] == "measure")].merge(
        measures[["measure_id", "rec_id"]], left_on="target_id", right_on="measure_id"
    )
    prac = prac.merge(cases[["case_id", "domain"]], on="case_id")[["rec_id", "case_id", "domain"]].drop_duplicates()
    m = pd.crosstab(prac["rec_id"], prac["domain"]).reindex(
        index=list(recs["rec_id"]), columns=labels.order("domain"), fill_value=0
    )
    m.index = [f"{r} {n}" for r, n in zip(recs["rec_id"], recs[t])]
    m.columns = [labels("domain", c) for c in m.columns]
    return m.astype(int)


def conclusion_table(
    problems: pd.DataFrame,
    recs: pd.DataFrame,
    measures: pd.DataFrame,
    answers: pd.DataFrame,
    links: pd.DataFrame,
    cases: pd.DataFrame,
    labels: Labeller,
) -> pd.DataFrame:
    """Each problem area beside the recommendation the report states for it, its measures and practising cases."""
    t = labels.col("title")
    stated = answers[(answers["link"] == "stated") & answers["measure_id"].isna()]
    kept = set(cases["case_id"])
    rows = []
    for _, s in stated.iterrows():
        p = problems.set_index("problem_id").loc[s["problem_id"]]
        r = recs.set_index("rec_id").loc[s["rec_id"]]
        ms = set(measures.loc[measures["rec_id"] == s["rec_id"], "measure_id"])
        n_cases = links[(links["target_type"] == "measure") & links["target_id"].isin(ms) & links["case_id"].isin(kept)][
            "case_id"
        ].nunique()
        rows.append(
            {
                "problem": f"{s['problem_id']} {p[t]}",
                "rec_id": f"{s['rec_id']} {r[t]}",
                "measures_n": str(len(ms)),
                "cases_n": str(n_cases),
            }
        )
    return pd.DataFrame(rows)


def in_sections(section_ids: pd.Series, prefixes) -> pd.Series:
    """True where a section id is one of ``prefixes`` or lies inside one (``2.5`` contains ``2.5.3``)."""
    return section_ids.map(lambda s: any(s == p or s.startswith(p + ".") for p in prefixes))


def select_claims(claims: pd.DataFrame, sections=(), units=None, kinds=None, first_only: bool = True) -> pd.DataFrame:
    """Claims in some sections (and their sub-sections), of some units and kinds; repeats dropped by default."""
    mask = pd.Series(True, index=claims.index)
    if sections:
        mask &= in_sections(claims["section_id"], sections)
    if units is not None:
        mask &= claims["unit"].isin(units)
    if kinds is not None:
        mask &= claims["kind"].isin(kinds)
    if first_only:
        mask &= claims["same_as"].isna()
    return claims[mask]


def chapter2_panels(
    cases: pd.DataFrame, recounted: pd.DataFrame, labels: Labeller, show_printed: bool = True
) -> list[tuple[str, pd.DataFrame]]:
    """The four single-column breakdowns of chapter 2, recounted beside the printed counts (when ``show_printed``)."""
    panels = []
    for column, vocab in (
        ("admin_level", "admin_level"),
        ("applicant_type", "applicant_type"),
        ("domain", "domain"),
        ("tier", "tier"),
    ):
        printed = printed_by(recounted, column) if show_printed else None
        panels.append(
            (
                labels.column(column) if column != "admin_level" else labels.column("admin_level"),
                breakdown(cases, column, labels, vocab, printed),
            )
        )
    return panels


def panels_table(panels: list[tuple[str, pd.DataFrame]], labels: Labeller) -> pd.DataFrame:
    """The data behind :func:`chapter2_panels` as one table: dimension, category, recounted, printed."""
    rows = [
        {
            labels.ui("dimension"): name,
            labels.ui("category"): r["label"],
            labels.ui("coded"): int(r["recounted"]),
            labels.ui("printed"): "" if pd.isna(r["printed"]) else int(r["printed"]),
        }
        for name, table in panels
        for _, r in table.iterrows()
    ]
    return pd.DataFrame(rows)


def place_counts(recounted: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    """Chapter-2 counts by city and district (aggregates whose filter names a region or district)."""
    sel = recounted[recounted["filter"].str.contains("region_code=|district_code=", regex=True)]
    subject = labels.col("subject")
    return pd.DataFrame({"label": sel[subject], "recounted": sel["recounted"], "printed": sel["printed"]}).reset_index(drop=True)


def recount_table(recounted: pd.DataFrame, labels: Labeller) -> pd.DataFrame:
    subject = labels.col("subject")
    return pd.DataFrame(
        {
            "claim_id": recounted["claim_id"],
            "check": recounted[subject],
            "printed": recounted["value_printed"]
            if labels.language.number_style == "printed"
            else recounted["printed"].map(lambda v: numbers.plain(v)),
            "recounted": recounted["recounted"].astype(str),
            "verdict": recounted["match"].map(lambda m: labels.ui("match") if m else labels.ui("mismatch")),
            "section_id": recounted["section_id"],
        }
    )


# ------------------------------------------------------------------ city profiles


def city_counts(cities: pd.DataFrame, counts: pd.Series, labels: Labeller) -> pd.DataFrame:
    """Cases per city (every one of the 9+2, zero included), labelled: the data behind a map."""
    n = counts.reindex(cities["city_code"]).fillna(0).astype(int)
    return pd.DataFrame(
        {labels.column("city_code"): [labels("city", c) for c in cities["city_code"]], labels.ui("count"): n.to_numpy()}
    )


def city_facts(ds, city: str, labels: Labeller) -> pd.DataFrame:
    """One row per city (all cities when ``city`` is 'all'): names, jurisdiction, counts of cases, claims and policies."""
    rows = []
    codes = list(ds.cities["city_code"]) if city == ALL else [city]
    for code in codes:
        c = ds.cities.set_index("city_code").loc[code]
        cases = filter_cases(ds.cases, city=code)
        tiers = labels.language.list_sep.join(
            f"{labels('tier', t)} {int((cases['tier'] == t).sum())}" for t in labels.order("tier") if (cases["tier"] == t).any()
        ) or labels.ui("none")
        rows.append(
            {
                labels.ui("facts_city"): city_names(c, labels),
                labels.ui("facts_jurisdiction"): labels("scope", c["jurisdiction"]),
                labels.ui("facts_cases"): str(len(cases)),
                labels.ui("facts_tiers"): tiers,
                labels.ui("facts_claims"): str(len(filter_claims(ds.claims, ds.cases, city=code))),
                labels.ui("facts_policies"): str(len(filter_policies(ds.policies, ds.cities, code))),
            }
        )
    return pd.DataFrame(rows)


#: Names of a city in each script, with the language each is written in.
CITY_NAMES = (("name_zh_hans", "zh"), ("name_zh_hant", "zh-Hant"), ("name_en", "en"))


def city_names(city: pd.Series, labels: Labeller) -> Rich:
    """The city's name in the page's language, then its other names (once each), marked with their language."""
    own = city[labels.language.city_name_column]
    others, seen = [], {own}
    for column, lang in CITY_NAMES:
        name = city[column]
        if name not in seen:
            seen.add(name)
            others.append(Span(name, lang))
    parts: list = [own]
    if others:
        parts.append(labels.say("names_open"))
        for i, span in enumerate(others):
            parts += ([labels.language.list_sep] if i else []) + [span]
        parts.append(labels.say("names_close"))
    return Rich(parts)


def city_claims(claims: pd.DataFrame, city: str, labels: Labeller) -> pd.DataFrame:
    """Claims whose scope is the city itself (case outcomes are listed separately)."""
    sel = claims[(claims["scope"] == city) & claims["case_id"].isna()] if city != ALL else claims.iloc[0:0]
    return claims_table(sel, labels)


def case_sentence(cases: pd.DataFrame, city: str, domain: str, labels: Labeller, total: int) -> str:
    """An honest sentence, in the labeller's language, on how many cases the selection holds."""
    place = labels("city", city) if city != ALL else labels.ui("bay_area")
    if cases.empty:
        return labels.say("cases_none", total=total, place=place)
    return labels.say("cases_some", total=total, place=place, n=len(cases))


# ------------------------------------------------------------------ facts the narrative states (Session.fact)


def count_where(frame: pd.DataFrame, **conditions) -> int:
    """Rows of ``frame`` whose columns equal the given values: ``count_where(cases, tier="excellent")``."""
    mask = pd.Series(True, index=frame.index)
    for column, value in conditions.items():
        mask &= frame[column] == value
    return int(mask.sum())


def counts_by(frame: pd.DataFrame, column: str, labels: Labeller, vocab: str) -> str:
    """Counts of a coded column for running text, in vocabulary order: "Digital government (5), Digital society (5)"."""
    counts = frame[column].value_counts()
    sep = labels.language.list_sep
    return sep.join(
        labels.say("count_item", label=labels(vocab, c), value=int(counts.get(c, 0))) for c in labels.order(vocab) if c in counts
    )


def top(frame: pd.DataFrame, column: str, labels: Labeller, vocab: str, n: int = 1) -> str:
    """The ``n`` most frequent codes of a column, labelled, most frequent first (ties in vocabulary order)."""
    counts = frame[column].dropna().value_counts()
    order = {c: i for i, c in enumerate(labels.order(vocab))}
    ranked = sorted(counts.index, key=lambda c: (-counts[c], order.get(c, 99)))
    return labels.language.list_sep.join(labels(vocab, c) for c in ranked[:n])


def cities_without_cases(cities: pd.DataFrame, cases: pd.DataFrame, labels: Labeller) -> str:
    """The 9+2 cities where no case is implemented, in the order of cities.csv."""
    have = set(cases["city_code"].dropna())
    return labels.language.list_sep.join(labels("city", c) for c in cities["city_code"] if c not in have) or labels.ui("none")


def cases_without_numbers(cases: pd.DataFrame, claims: pd.DataFrame) -> int:
    """Cases for which the report gives no number at all (described in words only)."""
    return len(set(cases["case_id"]) - set(claims["case_id"].dropna()))


def claim_text(claims: pd.DataFrame, claim_id: str, labels: Labeller) -> str:
    """One claim's value as the page's reader reads it."""
    return numbers.shown(claims.set_index("claim_id").loc[claim_id].to_dict(), labels.lang)


def years_of(claims: pd.DataFrame, labels: Labeller, kind: str = "target") -> str:
    """The years the claims of one kind refer to, in order: "2020, 2022, 2025, 2030"."""
    years = sorted({int(y) for y in claims.loc[claims["kind"] == kind, "ref_year"].dropna()})
    return labels.language.list_sep.join(map(str, years)) or labels.ui("none")


def problem_areas(problems: pd.DataFrame, labels: Labeller) -> str:
    """How many problem areas chapter 3 names ("4 problem areas"), for running text."""
    return labels.say("n_areas", n=int(problems["parent_id"].isna().sum()))


def recommendation_count(recommendations: pd.DataFrame, labels: Labeller) -> str:
    """How many recommendations chapter 4 makes ("4 recommendations"), for running text."""
    return labels.say("n_recs", n=len(recommendations))


def vocabulary_words(labels: Labeller, vocab: str) -> str:
    """The labels of a vocabulary in its order, as words in a sentence (lower-case initial in Latin script)."""
    words = [labels(vocab, c) for c in labels.order(vocab)]
    if labels.language.script == "Latn":
        words = [w[:1].lower() + w[1:] for w in words]
    return labels.language.list_sep.join(words)


def problem_counts(problems: pd.DataFrame, labels: Labeller) -> str:
    """How many problem areas and sub-problems chapter 3 has, in words."""
    return labels.say(
        "problem_counts", areas=int(problems["parent_id"].isna().sum()), subs=int(problems["parent_id"].notna().sum())
    )


def practice_ranking(links: pd.DataFrame, cases: pd.DataFrame, measures: pd.DataFrame, labels: Labeller, n: int = 3) -> str:
    """The measures most cases already practise, most first (ties by measure id), with their case counts."""
    prac = links[(links["target_type"] == "measure") & links["case_id"].isin(set(cases["case_id"]))]
    counts = prac.groupby("target_id")["case_id"].nunique()
    titles = measures.set_index("measure_id")[labels.col("title")]
    ranked = sorted(counts.index, key=lambda m: (-counts[m], m))[:n]
    return labels.language.item_sep.join(
        labels.say("count_item", label=titles[m], value=int(counts[m])) for m in ranked
    ) or labels.ui("none")


def unpractised(links: pd.DataFrame, cases: pd.DataFrame, measures: pd.DataFrame, labels: Labeller) -> str:
    """How many measures no case practises yet, in words."""
    prac = set(links.loc[(links["target_type"] == "measure") & links["case_id"].isin(set(cases["case_id"])), "target_id"])
    return labels.say("unpractised", n=int((~measures["measure_id"].isin(prac)).sum()), total=len(measures))
