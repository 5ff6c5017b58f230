"""Each kind of audit check, with numbers that make it pass and numbers that make it fail."""

from pathlib import Path

import pandas as pd
import pytest

from gba_utils import audit
from gba_utils.research.audit import CANNOT, CONSISTENT, GENEROUS, INCONSISTENT, KINDS, fmt, judge


def claim(cid, value, unit="count", qualifier="exact", ref_year=None):
    return pd.Series({"claim_id": cid, "value": value, "unit": unit, "qualifier": qualifier, "ref_year": ref_year})


def ref(rid, value, year=2021):
    return pd.Series({"ref_id": rid, "value": value, "year": year})


def row(strict=0.0, loose=0.0, expected=None):
    return pd.Series({"strict": strict, "loose": loose, "expected": expected})


def dated_ref(rid, date):
    return pd.Series({"ref_id": rid, "value": int(date[:4]), "unit": "date", "year": int(date[:4]), "date": date})


def policy(pid, date, printed):
    return pd.Series({"policy_id": pid, "date": date, "date_printed": printed})


@pytest.mark.parametrize(
    "computed,stated,q,verdict",
    [
        (34, 34, "exact", CONSISTENT),
        (30, 34, "exact", INCONSISTENT),
        (32, 34, "exact", GENEROUS),
        (88.3, 90, "nearly", GENEROUS),
        (89.6, 90, "nearly", CONSISTENT),
        (80, 90, "nearly", INCONSISTENT),
        (120, 100, "over", CONSISTENT),
        (90, 100, "over", INCONSISTENT),
        (365.6, 182.6, "under", INCONSISTENT),
        (150, 182.6, "under", CONSISTENT),
        (21.0, 21.5, "about", GENEROUS),
    ],
)
def test_judge(computed, stated, q, verdict):
    assert judge(computed, stated, q, strict=0.2 if q == "about" else 1, loose=3) == verdict


def test_every_kind_is_registered():
    assert set(KINDS) == {
        "sum",
        "part_le_whole",
        "share",
        "rate_period",
        "per_capita",
        "implied_base",
        "conflict",
        "growth_needed",
        "target_in_period",
        "outside_date",
        "outside_value",
        "ratio",
        "period_rate",
        "lost_in_restatement",
        "target_as_current",
        "applicant_table",
        "table_count",
    }


def test_sum():
    parts = [claim("a", 2), claim("b", 9), claim("c", 13)]
    assert KINDS["sum"](row(), parts + [claim("w", 24)], [])[1] == CONSISTENT
    assert KINDS["sum"](row(), parts + [claim("w", 25)], [])[1] == INCONSISTENT


def test_part_le_whole_with_a_claim_or_an_outside_figure():
    assert KINDS["part_le_whole"](row(), [claim("p", 5), claim("w", 170)], [])[1] == CONSISTENT
    assert KINDS["part_le_whole"](row(), [claim("p", 171), claim("w", 170)], [])[1] == INCONSISTENT
    assert KINDS["part_le_whole"](row(), [claim("p", 1.15e8)], [ref("R01", 1.2684e8)])[1] == CONSISTENT


def test_share():
    args = [claim("p", 1047), claim("w", 1186)]
    text, verdict, _ = KINDS["share"](row(1, 3), args + [claim("s", 90, "percent", "nearly")], [])
    assert verdict == GENEROUS and "88.3%" in text
    assert KINDS["share"](row(1, 3), args + [claim("s", 88, "percent", "about")], [])[1] == CONSISTENT
    assert KINDS["share"](row(1, 3), args + [claim("s", 95, "percent", "nearly")], [])[1] == INCONSISTENT


def test_rate_period():
    total, daily = claim("t", 5.118e7), claim("d", 1.4e5)
    assert KINDS["rate_period"](row(), [total, daily, claim("p", 0.5, "year", "under")], [])[1] == INCONSISTENT
    assert KINDS["rate_period"](row(), [total, daily, claim("p", 1.1, "year", "under")], [])[1] == CONSISTENT


def test_per_capita_needs_an_outside_population():
    assert KINDS["per_capita"](row(0.5, 1.5), [claim("d", 1.4e5), claim("s", 11)], [ref("R01", 1.2684e8)])[1] == CONSISTENT
    assert KINDS["per_capita"](row(0.5, 1.5), [claim("d", 1.4e5), claim("s", 15)], [ref("R01", 1.2684e8)])[1] == INCONSISTENT
    assert KINDS["per_capita"](row(0.5, 1.5), [claim("d", 1.4e5), claim("s", 11)], [])[1] == CANNOT


def test_implied_base():
    args = [claim("v", 4.88e12, "CNY"), claim("s", 13.6, "percent")]
    assert KINDS["implied_base"](row(0.01, 0.05), args, [ref("R02", 3.58e13, 2019)])[1] == CONSISTENT
    assert KINDS["implied_base"](row(0.01, 0.05), args, [ref("R02", 2.0e13, 2019)])[1] == INCONSISTENT
    assert KINDS["implied_base"](row(0.01, 0.05), args, [])[1] == CANNOT


def test_conflict():
    assert KINDS["conflict"](row(2, 2), [claim("a", 4820), claim("b", 150)], [])[1] == INCONSISTENT
    assert KINDS["conflict"](row(2, 2), [claim("a", 160), claim("b", 150)], [])[1] == CONSISTENT


def test_growth_needed():
    actual, target = claim("a", 4.88e12, "CNY", ref_year=2019), claim("t", 6e12, "CNY", ref_year=2022)
    assert KINDS["growth_needed"](row(), [actual, target, claim("g", 13.2, "percent", ref_year=2019)], [])[1] == CONSISTENT
    assert KINDS["growth_needed"](row(), [actual, target, claim("g", 3.0, "percent", ref_year=2019)], [])[1] == INCONSISTENT


def test_target_in_period():
    assert KINDS["target_in_period"](row(expected="2020-2022"), [claim("a", 1, ref_year=2022)], [])[1] == CONSISTENT
    assert KINDS["target_in_period"](row(expected="2020-2022"), [claim("a", 1, ref_year=2025)], [])[1] == INCONSISTENT


def test_every_kind_has_a_label_and_every_label_a_kind(ds):
    """labels.csv check_kind lists the registered kinds and the two derived families, no more and no fewer."""
    labelled = set(ds.labels.loc[ds.labels["vocabulary"] == "check_kind", "code"])
    assert labelled == set(KINDS) | {"recount", "same_quantity"}


def test_same_as_and_recount_families(ds):
    same = audit.run_same_as(ds.claims)
    assert len(same) == ds.claims["same_as"].notna().sum()
    claims = ds.claims.copy()
    i = claims.index[claims["claim_id"] == "CL503"][0]
    claims.loc[i, "value"] = 8e7
    assert any(o.verdict == INCONSISTENT for o in audit.run_same_as(claims))
    rec = audit.run_recount(ds.cases, ds.claims, ds.case_aggregates)
    assert all(o.verdict == CONSISTENT for o in rec)


def test_full_audit_sorted_inconsistencies_first(ds):
    results = audit.run(ds)
    assert results["check_id"].is_unique
    order = results["verdict"].map(audit.VERDICT_ORDER.index)
    assert order.is_monotonic_increasing
    # the two contradictions inside the report, the three dates that differ from the public record (the provincial
    # digital-economy regulation, the digital-government plan, LeaveHomeSafe), the Fortune 500 count, the unit lost in
    # chapter 2, the two targets presented as current, and the invited case missing from the applicant table
    assert set(results.loc[results["verdict"] == INCONSISTENT, "check_id"]) == {
        "A12",
        "A15",
        "A22",
        "A23",
        "A24",
        "A36",
        "A55",
        "A58",
        "A59",
        "A60",
    }
    assert len(results) == len(ds.audit_checks) + ds.claims["same_as"].notna().sum() + len(ds.case_aggregates)


def test_arithmetic_reads_in_the_page_language(ds):
    """Every word of the arithmetic comes from the phrasebook: none left as a token, no English on the Chinese page."""
    import re

    from gba_utils.research.labels import Labeller

    zh = audit.run(ds, Labeller.of(ds, "zh"))
    en = audit.run(ds)
    for frame in (zh, en):
        assert not frame["arithmetic"].str.contains("⟦").any() and not frame["tolerance"].str.contains("⟦").any()
    assert (zh["check_id"] == en["check_id"]).all()
    english_words = re.compile(r"\b(?:stated|ratio|vs|within|count|printed|equal|exact|growth|hedges|needed|target)\b")
    assert not zh["arithmetic"].str.contains(english_words).any() and not zh["tolerance"].str.contains(english_words).any()
    assert en.loc[en["check_id"] == "A12", "arithmetic"].item().endswith("stated period < 0.5 years = 182.6 d")
    assert zh.loc[zh["check_id"] == "A12", "arithmetic"].item().endswith("报告所述时长 < 0.5 年 = 182.6 天")
    used = set(re.findall(r"⟦(\w+)⟧", Path(audit.__file__).read_text(encoding="utf-8")))
    used |= set(audit.SAME.values()) | set(audit.PRECISION.values())  # phrases named through a table
    for lang in ("zh", "en"):
        assert used <= set(Labeller.of(ds, lang).language.phrases), used - set(Labeller.of(ds, lang).language.phrases)


def test_an_unknown_phrase_is_loud(ds):
    from gba_utils.research.labels import Labeller

    with pytest.raises(KeyError):
        Labeller.of(ds, "zh").phrase("⟦no_such_word⟧")


def test_outside_table_shows_a_date_record_as_its_date(ds):
    from gba_utils.research.labels import Labeller

    table = audit.outside_table(ds.outside_references, Labeller.of(ds, "en")).set_index("ref_id")
    assert table.loc["R15", "value"] == "2020-11-16"
    assert table.loc["R01", "value"] == fmt(126840000)


@pytest.mark.parametrize(
    "printed,outside,difference",
    [
        ("2022-04", "2021-07-30", (9, 2)),
        ("2021-03", "2021-03-11", (0, 2)),
        ("2020-11-15", "2020-11-16", (-1, 3)),
        ("2020", "2020-12-10", (0, 1)),
        ("2019", "2021-06-30", (-2, 1)),
        ("2021-12-31", "2021-12", (0, 2)),
    ],
)
def test_date_difference_at_the_coarser_precision(printed, outside, difference):
    assert audit.date_difference(printed, outside) == difference


def test_outside_date_of_a_policy():
    ctx = audit.Context([policy("reg", "2022-04", "2022年4月")])
    text, verdict, _ = KINDS["outside_date"](row(), [], [dated_ref("R03", "2021-07-30")], ctx)
    assert verdict == INCONSISTENT and "9 ⟦mo⟧" in text and "⟦printed_later⟧" in text
    same = audit.Context([policy("plan", "2021-03", "2021年3月")])
    assert KINDS["outside_date"](row(), [], [dated_ref("R10", "2021-03-11")], same)[1] == CONSISTENT
    near = audit.Context([policy("plan", "2020-11", "2020年11月")])
    assert KINDS["outside_date"](row(0, 1), [], [dated_ref("R07", "2020-10-12")], near)[1] == GENEROUS
    assert KINDS["outside_date"](row(0, 0), [], [dated_ref("R07", "2020-10-12")], near)[1] == INCONSISTENT


def test_outside_date_of_a_claim_and_context_records():
    launch = pd.Series({"claim_id": "CL719", "date": "2020-11-15", "value_printed": "2020年11月15日"})
    text, verdict, _ = KINDS["outside_date"](row(), [launch], [dated_ref("R15", "2020-11-16")], audit.Context())
    assert verdict == INCONSISTENT and "⟦printed_earlier⟧ 1 ⟦d⟧" in text
    assert KINDS["outside_date"](row(1, 1), [launch], [dated_ref("R15", "2020-11-16")], audit.Context())[1] == CONSISTENT
    # a second record is shown for context; the verdict follows the first
    refs = [dated_ref("R15", "2020-11-15"), dated_ref("RX", "2020-11-11")]
    text, verdict, _ = KINDS["outside_date"](row(), [launch], refs, audit.Context())
    assert verdict == CONSISTENT and "⟦context_only⟧" in text and "⟦printed_later⟧ 4 ⟦d⟧" in text


def test_outside_date_without_a_date_cannot_be_checked():
    undated = audit.Context([policy("plan", None, "")])
    assert KINDS["outside_date"](row(), [], [dated_ref("R10", "2021-03-11")], undated)[1] == CANNOT
    assert KINDS["outside_date"](row(), [], [], audit.Context([policy("plan", "2021", "2021年")]))[1] == CANNOT


def test_the_worst_verdict_of_several_subjects_counts():
    two = audit.Context([policy("a", "2021", "2021年"), policy("b", "2022", "2022年")])
    assert KINDS["outside_date"](row(), [], [dated_ref("R16", "2021-06-08")], two)[1] == INCONSISTENT


def test_outside_value():
    def r(value, unit="person"):
        return pd.Series({"ref_id": "R22", "value": value, "unit": unit, "year": 2021})

    nearly = claim("CL241", 2e7, "person", "nearly")
    assert KINDS["outside_value"](row(0.025, 0.1), [nearly], [r(1.95e7)], audit.Context())[1] == CONSISTENT
    assert KINDS["outside_value"](row(0.025, 0.1), [nearly], [r(1.881e7)], audit.Context())[1] == GENEROUS
    assert KINDS["outside_value"](row(0.025, 0.1), [nearly], [r(1.5e7)], audit.Context())[1] == INCONSISTENT
    assert KINDS["outside_value"](row(0.025, 0.1), [nearly], [r(2.1e7)], audit.Context())[1] == INCONSISTENT
    exact = claim("CL037", 20, "enterprise")
    assert KINDS["outside_value"](row(), [exact], [r(21, "enterprise")], audit.Context())[1] == INCONSISTENT
    assert KINDS["outside_value"](row(), [exact], [r(20, "enterprise")], audit.Context())[1] == CONSISTENT
    assert KINDS["outside_value"](row(), [exact], [r(20)], audit.Context())[1] == CANNOT
    assert KINDS["outside_value"](row(), [exact], [], audit.Context())[1] == CANNOT


def printed(cid, value, value_printed, unit="count", qualifier="exact", qualifier_printed=None):
    return pd.Series(
        {
            "claim_id": cid,
            "value": value,
            "unit": unit,
            "qualifier": qualifier,
            "value_printed": value_printed,
            "qualifier_printed": qualifier_printed,
        }
    )


@pytest.mark.parametrize(
    "value,expected,verdict",
    [
        (12, ">1", CONSISTENT),
        (1, ">1", INCONSISTENT),
        (1, ">=1", CONSISTENT),
        (0.5, ">=1", INCONSISTENT),
        (4, "<5", CONSISTENT),
        (5, "<=5", CONSISTENT),
        (6, "<=5", INCONSISTENT),
        (10, "2-40", CONSISTENT),
        (41, "2-40", INCONSISTENT),
    ],
)
def test_within_bound(value, expected, verdict):
    assert audit.within_bound(value, expected) == verdict


def test_within_bound_with_tolerances_and_a_bad_bound():
    assert audit.within_bound(42, "2-40", strict=0.01, loose=0.1) == GENEROUS
    assert audit.within_bound(40.2, "2-40", strict=0.01, loose=0.1) == CONSISTENT
    with pytest.raises(ValueError, match="a bound such as"):
        audit.within_bound(1, "about ten")


def test_ratio():
    outlets, towns = claim("CL230", 226), claim("CL231", 10)
    text, verdict, _ = KINDS["ratio"](row(expected=">=1"), [outlets, towns], [], audit.Context())
    assert verdict == CONSISTENT and "= 22.6" in text
    assert KINDS["ratio"](row(expected=">=1"), [claim("CL230", 8), towns], [], audit.Context())[1] == INCONSISTENT
    assert KINDS["ratio"](row(), [outlets, towns], [], audit.Context())[1] == CANNOT


def test_ratio_of_durations_in_different_units():
    before, after = claim("CL519", 0.5, "day"), claim("CL521", 5, "minute", "under")
    text, verdict, _ = KINDS["ratio"](row(expected=">1"), [before, after], [], audit.Context())
    assert verdict == CONSISTENT and "= 144" in text
    slower = claim("CL521", 1, "day")
    assert KINDS["ratio"](row(expected=">1"), [before, slower], [], audit.Context())[1] == INCONSISTENT


def test_period_days():
    assert audit.period_days("2021-09", "2021-12") == 122
    assert audit.period_days("2021-12", "2021-12") == 31
    assert audit.period_days("2020-02", "2020-02") == 29
    assert audit.period_days("2021", "2021") == 365
    assert audit.period_days("2021-09-30", "2021-10-01") == 2


def test_period_rate():
    counts = [claim("a", 27), claim("b", 46), claim("c", 873), claim("d", 5508)]
    start = pd.Series({"claim_id": "s", "value": 2021, "unit": "date", "date": "2021-09"})
    end = pd.Series({"claim_id": "e", "value": 2021, "unit": "date", "date": "2021-12"})
    text, verdict, _ = KINDS["period_rate"](row(), counts + [start, end], [], audit.Context())
    assert verdict == CANNOT and "6,454" in text and "122" in text and "52.9" in text
    assert KINDS["period_rate"](row(expected="<100"), counts + [start, end], [], audit.Context())[1] == CONSISTENT
    assert KINDS["period_rate"](row(expected="<10"), counts + [start, end], [], audit.Context())[1] == INCONSISTENT


def test_lost_in_restatement():
    full = printed("CL503", 7e7, "7000万元", "CNY", "over", "超过")
    assert KINDS["lost_in_restatement"](row(), [full, printed("CL258", 7e7, "7000万", "CNY", "over", "超过")], [])[1] == (
        INCONSISTENT
    )
    assert KINDS["lost_in_restatement"](row(), [full, printed("X", 7e7, "7000万元", "CNY", "exact")], [])[1] == GENEROUS
    assert KINDS["lost_in_restatement"](row(), [full, printed("X", 7e7, "7000万元", "CNY", "over", "超过")], [])[1] == (
        CONSISTENT
    )
    assert KINDS["lost_in_restatement"](row(), [full, printed("X", 8e7, "8000万元", "CNY", "over", "超过")], [])[1] == (
        INCONSISTENT
    )


def test_target_as_current():
    def coded(cid, kind, year=None):
        return pd.Series({"claim_id": cid, "kind": kind, "ref_year": year})

    text, verdict, _ = KINDS["target_as_current"](row(expected="2.4.1"), [coded("CL510", "target")], [])
    assert verdict == INCONSISTENT and "⟦kind:target⟧" in text and "§2.4.1" in text
    assert KINDS["target_as_current"](row(expected="2.4.1"), [coded("CL510", "actual", 2021)], [])[1] == CONSISTENT
    mixed = [coded("a", "actual", 2021), coded("b", "forecast", 2025)]
    assert KINDS["target_as_current"](row(expected="1.2.1"), mixed, [])[1] == INCONSISTENT


def test_applicant_table_counts_the_listed_cases():
    cases = pd.DataFrame(
        {
            "case_id": ["C1", "C2", "C3", "C4"],
            "admin_level": ["city", "city", "city", "district"],
            "region_code": ["guangzhou", "guangzhou", "guangzhou", "guangzhou"],
            "applicant_table_printed": ["unit A", "unit B", None, None],
        }
    )
    aggregates = pd.DataFrame({"claim_id": ["CL205"], "filter": ["admin_level=city&region_code=guangzhou"]})
    ctx = audit.Context(tables={"cases": cases, "case_aggregates": aggregates})
    count = printed("CL205", 3, "3件")
    text, verdict, _ = KINDS["applicant_table"](row(), [count], [], ctx)
    assert verdict == INCONSISTENT and "= 3" in text and "= 2" in text and "C3" in text
    cases.loc[2, "applicant_table_printed"] = "unit C"
    assert KINDS["applicant_table"](row(), [count], [], ctx)[1] == CONSISTENT
    assert KINDS["applicant_table"](row(), [count], [], audit.Context())[1] == CANNOT


def test_applicant_table_on_the_data_finds_the_invited_case(ds):
    """Computed from the cases: the unlisted Guangzhou city-level case is the invited one (decision D05)."""
    tables = {"cases": ds.cases, "case_aggregates": ds.case_aggregates}
    count = ds.claims.set_index("claim_id").loc["CL205"].copy()
    count["claim_id"] = "CL205"
    text, verdict, _ = KINDS["applicant_table"](row(), [count], [], audit.Context(tables=tables))
    assert verdict == INCONSISTENT and text.endswith("C2022-01")


def test_table_count():
    cities = pd.DataFrame(
        {"city_code": list("abcd"), "jurisdiction": ["gd", "gd", "hk", "mo"], "admin_type": ["c", "c", "s", "s"]}
    )
    ctx = audit.Context(tables={"cities": cities})
    assert KINDS["table_count"](row(expected="cities:jurisdiction=gd"), [printed("x", 2, "2")], [], ctx)[1] == CONSISTENT
    assert KINDS["table_count"](row(expected="cities:jurisdiction=gd"), [printed("x", 3, "3")], [], ctx)[1] == INCONSISTENT
    assert KINDS["table_count"](row(expected="cities.jurisdiction"), [printed("x", 3, "3")], [], ctx)[1] == CONSISTENT
    assert (
        KINDS["table_count"](row(expected="cities.admin_type:jurisdiction=gd"), [printed("x", 1, "1")], [], ctx)[1] == CONSISTENT
    )
    assert KINDS["table_count"](row(expected="nowhere"), [printed("x", 1, "1")], [], ctx)[1] == CANNOT


def test_decisions_table_reads_in_the_page_language(ds):
    from gba_utils.research.labels import Labeller

    zh = audit.decisions_table(ds.decisions, Labeller.of(ds, "zh")).set_index("decision_id")
    en = audit.decisions_table(ds.decisions, Labeller.of(ds, "en")).set_index("decision_id")
    row = ds.decisions.set_index("decision_id").loc["D23"]
    assert str(zh.loc["D23", "choice"]) == row["choice_zh"] and str(en.loc["D23", "choice"]) == row["choice_en"]
    assert "<code>cases.csv</code>" in zh.loc["D23", "choice"].html()  # codes in Chinese text are shown as code
    assert str(zh.loc["D23", "options"]) == row["options_zh"] and str(en.loc["D23", "evidence"]) == row["evidence_en"]
