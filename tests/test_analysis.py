"""Derived tables: filters, recounts and cross-tabulations."""

import pandas as pd
import pytest

from gba_utils import analysis as A
from gba_utils.research.labels import Labeller


@pytest.fixture(scope="module", params=["zh", "en"])
def labels(request, ds):
    return Labeller.of(ds, request.param)


def test_every_printed_case_count_is_reproduced(ds):
    rec = A.recount(ds.cases, ds.claims, ds.case_aggregates)
    assert len(rec) == len(ds.case_aggregates) >= 25
    assert rec["match"].all(), rec[~rec["match"]]


def test_recount_detects_a_recoding(ds):
    cases = ds.cases.copy()
    cases.loc[cases["case_id"] == "C2022-30", "domain"] = "economy"
    rec = A.recount(cases, ds.claims, ds.case_aggregates)
    assert set(rec.loc[~rec["match"], "claim_id"]) == {"CL226", "CL227"}


def test_city_filter(ds):
    sz = A.filter_cases(ds.cases, city="shenzhen")
    assert set(sz["city_code"]) == {"shenzhen"} and len(sz) == 3
    claims = A.filter_claims(ds.claims, ds.cases, city="shenzhen")
    assert ((claims["scope"] == "shenzhen") | claims["case_id"].isin(sz["case_id"])).all()
    assert len(A.filter_cases(ds.cases, city="macao")) == 0


def test_domain_filter_keeps_only_outcomes_of_that_domain(ds):
    claims = A.filter_claims(ds.claims, ds.cases, domain="economy")
    econ = set(ds.cases.loc[ds.cases["domain"] == "economy", "case_id"])
    assert len(claims) > 0 and set(claims["case_id"]) <= econ


def test_policies_of_a_city(ds):
    hk = A.filter_policies(ds.policies, ds.cities, "hong_kong")
    assert set(hk["jurisdiction"]) == {"hong_kong", "global"}  # no mainland documents; a worldwide study concerns all
    gz = A.filter_policies(ds.policies, ds.cities, "guangzhou")
    assert set(gz["jurisdiction"]) <= {"guangzhou", "guangdong", "cn", "global"} and "cn" in set(gz["jurisdiction"])


def test_crosstab_sums_to_the_cases(ds, labels):
    t = A.crosstab(ds.cases, "domain", "tier", labels, "domain", "tier")
    assert t.to_numpy().sum() == 34
    assert list(t.index) == [labels("domain", d) for d in ("government", "society", "economy")]


def test_technology_domain_counts_cases(ds, labels):
    t = A.technology_domain(ds.cases, ds.case_technologies, labels)
    assert t.to_numpy().sum() == len(ds.case_technologies)
    assert t.sum(axis=1).is_monotonic_decreasing


def test_catalogue_and_outcomes(ds, labels):
    cat = A.catalogue(ds.cases, ds.case_technologies, labels)
    assert len(cat) == 34 and cat["case_id"].is_unique
    out = A.outcomes(ds.claims, ds.cases, labels)
    assert out["claim_id"].isin(ds.claims.loc[ds.claims["same_as"].isna(), "claim_id"]).all()


def test_breakdown_pairs_recount_with_printed(ds, labels):
    rec = A.recount(ds.cases, ds.claims, ds.case_aggregates)
    panels = A.chapter2_panels(ds.cases, rec, labels)
    assert len(panels) == 4
    for _, table in panels:
        printed = table.dropna(subset=["printed"])
        assert (printed["printed"] == printed["recounted"]).all()
    domain = panels[2][1]
    assert domain["recounted"].tolist() == [18, 11, 5]


def test_select_claims_by_section_prefix(ds):
    sel = A.select_claims(ds.claims, sections=("1.2",))
    assert len(sel) > 0 and sel["section_id"].str.startswith("1.2").all()
    assert A.in_sections(pd.Series(["2.5.3", "2.50", "2.5"]), ["2.5"]).tolist() == [True, False, True]


def test_link_matrix_marks_stated_links(ds, labels):
    m = A.link_matrix(ds.problem_recommendation, ds.problems, ds.recommendations, labels)
    assert m.shape == (4, 4)
    assert len(m.attrs["stated"]) >= 4
    assert all(m.loc[r, c] > 0 for r, c in m.attrs["stated"])


def test_headline_and_conclusion(ds, labels):
    h = A.headline(ds, ds.cases, labels)
    assert h.iloc[0]["n"] == "34"
    c = A.conclusion_table(
        ds.problems, ds.recommendations, ds.measures, ds.problem_recommendation, ds.case_links, ds.cases, labels
    )
    assert len(c) == 4
