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
    assert verdict == GENEROUS and "88.3 %" in text
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
    assert set(results.loc[results["verdict"] == INCONSISTENT, "check_id"]) == {"A12", "A15"}
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
