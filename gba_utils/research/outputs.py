"""The registry of outputs: every figure and table of the pages, with its key, notebook, report sections and the
functions that make it. Titles are in the language records (``[titles]`` of ``gba_utils/languages/<code>.toml``).

Notebooks refer to figures and tables by key; numbering, captions and source lines come from here, and the README's
figure map is generated from this list. (Not to be confused with :func:`~gba_utils.research.analysis.catalogue`, the
catalogue of the report's cases.)
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import languages


@dataclass(frozen=True)
class Explore:
    """How readers may sort and filter a long table in the site: every column sorts and a text box filters the rows;
    ``selects`` (data columns, as the table function names them) get a drop-down of their values, and those in
    ``lists`` hold a list (``Big data、Blockchain``) whose items are the options. The static table stays as it is (in
    JupyterLab too); the build marks it for the page's script (:mod:`gba_utils.pipeline.pages`)."""

    selects: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()


CASES = Explore(("city_code", "domain", "tier", "admin_level", "technologies"), lists=("technologies",))
CLAIMS = Explore(("kind", "ref_year"))
OUTCOMES = Explore(("kind",))
POLICIES = Explore(("jurisdiction", "policy_kind"))


@dataclass(frozen=True)
class Item:
    key: str
    kind: str  # figure | table
    notebook: str
    sections: tuple[str, ...]
    function: str  # the gba_utils function(s) that make it
    credit: str = ""  # a credit line that must travel with the output (ui key "credit_<credit>"), e.g. map boundaries
    explore: Explore | None = None  # a long table readers may sort and filter in the site

    def title(self, lang: str) -> str:
        """The title in one language."""
        return languages.get(lang).titles[self.key]


#: Every output in reading order: the chapters, the audit, the city profile.
ITEMS: tuple[Item, ...] = (
    Item("home-headline", "table", "index", ("2.1", "A"), "analysis.headline"),
    Item("home-findings", "table", "index", ("1", "2", "A"), "audit.run + audit.findings"),
    Item("home-map", "figure", "index", ("2.1", "A"), "figures.city_map", credit="map"),
    Item("overview-headline", "table", "00_overview", ("2.1", "A"), "analysis.headline"),
    Item("overview-domain-tier", "figure", "00_overview", ("2.1", "A"), "analysis.crosstab + figures.stacked_bars"),
    Item("bg-policy-timeline", "figure", "01_background", ("1.1", "1.2"), "figures.policy_timeline"),
    Item("bg-policies", "table", "01_background", ("1", "2", "3"), "analysis.policy_table", explore=POLICIES),
    Item("bg-money", "figure", "01_background", ("1.2.1", "1.2.2.2", "2.5.3"), "figures.indicator_chart"),
    Item("bg-infrastructure", "table", "01_background", ("1.2.1", "1.2.2", "2.5.3"), "analysis.claims_table", explore=CLAIMS),
    Item("bg-talent", "figure", "01_background", ("1.2.3",), "figures.indicator_chart"),
    Item("bg-talent-table", "table", "01_background", ("1.2.3",), "analysis.claims_table"),
    Item("cases-recount", "table", "02_cases", ("2.1", "A"), "analysis.recount"),
    Item("cases-breakdowns", "figure", "02_cases", ("2.1", "A"), "analysis.breakdown + figures.count_panels"),
    Item("cases-places", "figure", "02_cases", ("2.1",), "analysis.recount + figures.count_comparison"),
    Item("cases-region-level", "table", "02_cases", ("2.1",), "analysis.region_level_table"),
    Item("cases-domain-tier", "figure", "02_cases", ("2.1", "A"), "analysis.crosstab + figures.crosstab_heatmap"),
    Item("cases-city-domain", "figure", "02_cases", ("2.1", "A"), "analysis.crosstab + figures.crosstab_heatmap"),
    Item("cases-tech-domain", "figure", "02_cases", ("2", "A"), "analysis.technology_domain + figures.crosstab_heatmap"),
    Item("cases-map", "figure", "02_cases", ("2.1", "A"), "figures.city_map", credit="map"),
    Item("cases-catalogue", "table", "02_cases", ("A",), "analysis.catalogue", explore=CASES),
    Item("cases-outcomes", "table", "02_cases", ("2", "A"), "analysis.outcomes", explore=OUTCOMES),
    Item("problems-tree", "table", "03_problems", ("3",), "analysis.problem_tree"),
    Item("problems-evidence", "figure", "03_problems", ("3", "4", "A"), "analysis.problem_evidence + figures.stacked_bars"),
    Item("problems-evidence-table", "table", "03_problems", ("3", "4", "A"), "analysis.problem_evidence_table"),
    Item("problems-institutions", "table", "03_problems", ("3",), "analysis.claims_table"),
    Item("problems-jurisdictions", "figure", "03_problems", ("1", "2"), "analysis.crosstab + figures.crosstab_heatmap"),
    Item("recs-measures", "table", "04_recommendations", ("4",), "analysis.measure_table"),
    Item("recs-matrix", "figure", "04_recommendations", ("3", "4"), "analysis.link_matrix + figures.link_matrix"),
    Item("recs-cases", "table", "04_recommendations", ("4", "A"), "analysis.practising_cases"),
    Item("recs-cases-by-rec", "figure", "04_recommendations", ("4", "A"), "analysis.practice_by_rec + figures.stacked_bars"),
    Item("recs-conclusion", "table", "04_recommendations", ("3", "4", "5"), "analysis.conclusion_table"),
    Item("audit-verdicts", "figure", "05_audit", ("1", "2", "A"), "audit.run + audit.verdict_counts + figures.stacked_bars"),
    Item(
        "audit-checks",
        "table",
        "05_audit",
        ("1", "2", "A"),
        "audit.run + audit.verdict_table",
        explore=Explore(("kind", "verdict")),
    ),
    Item("audit-decisions", "table", "05_audit", ("2", "A"), "audit.decisions_table", explore=Explore()),
    Item("audit-sensitivity", "table", "05_audit", ("2", "A"), "sensitivity.table", explore=Explore()),
    Item("audit-outside", "table", "05_audit", (), "audit.outside_table"),
    Item("profile-facts", "table", "10_city_profile", ("2.1", "A"), "analysis.city_facts"),
    Item("profile-map", "figure", "10_city_profile", ("2.1", "A"), "figures.city_map", credit="map"),
    Item("profile-cases", "table", "10_city_profile", ("A",), "analysis.catalogue"),
    Item("profile-outcomes", "table", "10_city_profile", ("2", "A"), "analysis.outcomes", explore=OUTCOMES),
    Item("profile-indicators", "table", "10_city_profile", ("1", "2"), "analysis.city_claims"),
    Item("profile-policies", "table", "10_city_profile", ("1", "2", "3"), "analysis.policy_table", explore=POLICIES),
)

#: The tables behind each page, linked from it as CSV and XLSX downloads.
DATA_FOR: dict[str, tuple[str, ...]] = {
    "index": ("cases", "claims", "audit_checks"),
    "00_overview": ("cases", "claims", "decisions"),
    "01_background": ("policies", "claims", "sections"),
    "02_cases": ("cases", "case_technologies", "case_aggregates", "claims", "cities", "districts"),
    "03_problems": ("problems", "case_links", "problem_recommendation"),
    "04_recommendations": ("recommendations", "measures", "problem_recommendation", "case_links"),
    "05_audit": (
        "claims",
        "policies",
        "cases",
        "case_aggregates",
        "cities",
        "audit_checks",
        "outside_references",
        "decisions",
        "decision_alternatives",
        "decision_edits",
    ),
    "10_city_profile": ("cases", "claims", "policies", "cities"),
}
BY_KEY = {i.key: i for i in ITEMS}
