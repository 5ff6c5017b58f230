"""Every figure and table of the reports: key, notebook, title in both languages, report sections.

Notebooks refer to figures and tables by key; numbering, captions and source lines
come from here, and the README's figure map is generated from this list.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    key: str
    kind: str  # figure | table
    notebook: str
    zh: str
    en: str
    sections: tuple[str, ...]
    function: str  # the gba_utils function(s) that make it


ITEMS: tuple[Item, ...] = (
    Item("overview-headline", "table", "00_overview", "报告与数据概览", "The report and the dataset in numbers", ("2.1", "A"), "analysis.headline"),
    Item("overview-domain-tier", "figure", "00_overview", "案例的领域与类别", "Cases by domain and tier", ("2.1", "A"), "analysis.crosstab + figures.stacked_bars"),
    Item("bg-policy-timeline", "figure", "01_background", "政策时间线（按辖区）", "Policy timeline by jurisdiction", ("1.1", "1.2"), "figures.policy_timeline"),
    Item("bg-policies", "table", "01_background", "报告引用的政策与文件", "Policies and documents the report cites", ("1", "2", "3"), "analysis.policy_table"),
    Item("bg-money", "figure", "01_background", "数字经济与新基建的金额指标：目标、预测与实际", "Money indicators of the digital economy and new infrastructure: targets, forecasts and actuals", ("1.2.1", "1.2.2.2", "2.5.3"), "figures.indicator_chart"),
    Item("bg-infrastructure", "table", "01_background", "技术基础与数字经济指标", "Infrastructure and digital-economy indicators", ("1.2.1", "1.2.2", "2.5.3"), "analysis.claims_table"),
    Item("bg-talent", "figure", "01_background", "人才与教育指标（百分比）", "Talent and education indicators (percent)", ("1.2.3",), "figures.indicator_chart"),
    Item("bg-talent-table", "table", "01_background", "人才与教育指标", "Talent and education indicators", ("1.2.3",), "analysis.claims_table"),
    Item("cases-recount", "table", "02_cases", "第二章案例统计数：报告所载与复算", "Chapter-2 case counts: printed and recounted", ("2.1", "A"), "analysis.recount"),
    Item("cases-breakdowns", "figure", "02_cases", "按层级、主体类型、领域与类别的案例数", "Cases by level, applicant type, domain and tier", ("2.1", "A"), "analysis.breakdown + figures.count_panels"),
    Item("cases-places", "figure", "02_cases", "按城市与区的案例数", "Cases by city and district", ("2.1",), "analysis.recount + figures.count_comparison"),
    Item("cases-region-level", "table", "02_cases", "统计地区 × 层级", "Region × administrative level", ("2.1",), "analysis.region_level_table"),
    Item("cases-domain-tier", "figure", "02_cases", "领域 × 类别", "Domain × tier", ("2.1", "A"), "analysis.crosstab + figures.crosstab_heatmap"),
    Item("cases-city-domain", "figure", "02_cases", "城市 × 领域", "City × domain", ("2.1", "A"), "analysis.crosstab + figures.crosstab_heatmap"),
    Item("cases-tech-domain", "figure", "02_cases", "技术 × 领域", "Technology × domain", ("2", "A"), "analysis.technology_domain + figures.crosstab_heatmap"),
    Item("cases-map", "figure", "02_cases", "9+2 城市的案例数", "Cases in the 9+2 cities", ("2.1", "A"), "figures.city_map"),
    Item("cases-catalogue", "table", "02_cases", "案例目录", "Case catalogue", ("A",), "analysis.catalogue"),
    Item("cases-outcomes", "table", "02_cases", "报告所载的案例成效数字", "Outcomes the report gives per case", ("2", "A"), "analysis.outcomes"),
    Item("problems-tree", "table", "03_problems", "四个问题领域及其子问题", "The four problem areas and their sub-problems", ("3",), "analysis.problem_tree"),
    Item("problems-evidence", "figure", "03_problems", "各问题的案例证据", "Case evidence for each problem", ("3", "4", "A"), "analysis.problem_evidence + figures.stacked_bars"),
    Item("problems-evidence-table", "table", "03_problems", "问题与相关案例", "Problems and the cases that bear on them", ("3", "4", "A"), "analysis.problem_evidence_table"),
    Item("problems-institutions", "table", "03_problems", "粤港澳三地的制度差异", "Institutional differences across Guangdong, Hong Kong and Macao", ("3",), "analysis.claims_table"),
    Item("problems-jurisdictions", "figure", "03_problems", "各辖区引用的政策类型", "Kinds of policy cited, by jurisdiction", ("1", "2"), "analysis.crosstab + figures.crosstab_heatmap"),
    Item("recs-measures", "table", "04_recommendations", "四项建议及其具体措施", "The four recommendations and their measures", ("4",), "analysis.measure_table"),
    Item("recs-matrix", "figure", "04_recommendations", "问题 × 建议对应矩阵", "Problem × recommendation matrix", ("3", "4"), "analysis.link_matrix + figures.link_matrix"),
    Item("recs-cases", "table", "04_recommendations", "已在实践建议措施的案例", "Cases that already practise a measure", ("4", "A"), "analysis.practising_cases"),
    Item("recs-cases-by-rec", "figure", "04_recommendations", "各项建议的实践案例（按领域）", "Cases practising each recommendation, by domain", ("4", "A"), "analysis.practice_by_rec + figures.stacked_bars"),
    Item("recs-conclusion", "table", "04_recommendations", "问题、建议与实践：一览", "Problems, recommendations and practice at a glance", ("3", "4", "5"), "analysis.conclusion_table"),
)

#: The tables behind each page, linked from it as CSV and XLSX downloads.
DATA_FOR: dict[str, tuple[str, ...]] = {
    "00_overview": ("cases", "claims", "decisions"),
    "01_background": ("policies", "claims", "sections"),
    "02_cases": ("cases", "case_technologies", "case_aggregates", "claims", "cities", "districts"),
    "03_problems": ("problems", "case_links", "problem_recommendation"),
    "04_recommendations": ("recommendations", "measures", "problem_recommendation", "case_links"),
    "05_audit": ("claims", "case_aggregates", "audit_checks", "outside_references", "decisions"),
    "10_city_profile": ("cases", "claims", "policies", "cities"),
}

PROFILE_ITEMS: tuple[Item, ...] = (
    Item("profile-facts", "table", "10_city_profile", "城市概况", "The city at a glance", ("2.1", "A"), "analysis.city_facts"),
    Item("profile-map", "figure", "10_city_profile", "在9+2城市中的位置与案例数", "Place among the 9+2 cities, with case counts", ("2.1", "A"), "figures.city_map"),
    Item("profile-cases", "table", "10_city_profile", "本市的案例", "Cases implemented in the city", ("A",), "analysis.catalogue"),
    Item("profile-outcomes", "table", "10_city_profile", "报告所载的本市案例成效数字", "Outcomes the report gives for the city's cases", ("2", "A"), "analysis.outcomes"),
    Item("profile-indicators", "table", "10_city_profile", "报告中关于本市的其他数字", "Other numbers the report gives about the city", ("1", "2"), "analysis.city_claims"),
    Item("profile-policies", "table", "10_city_profile", "与本市相关的政策与文件", "Policies and documents that concern the city", ("1", "2", "3"), "analysis.policy_table"),
)
AUDIT_ITEMS: tuple[Item, ...] = (
    Item("audit-verdicts", "figure", "05_audit", "各类检验的结论", "Verdicts by kind of check", ("1", "2", "A"), "audit.run + audit.verdict_counts + figures.stacked_bars"),
    Item("audit-checks", "table", "05_audit", "全部检验：算式与结论（不一致者在前）", "Every check with its arithmetic and verdict (inconsistencies first)", ("1", "2", "A"), "audit.run + audit.verdict_table"),
    Item("audit-decisions", "table", "05_audit", "编码决策记录", "Decisions log", ("2", "A"), "audit.decisions_table"),
    Item("audit-outside", "table", "05_audit", "报告以外的参考数据", "Figures from outside the report", (), "audit.outside_table"),
)
ITEMS = ITEMS + AUDIT_ITEMS + PROFILE_ITEMS  # in reading order: chapters, audit, city profiles
BY_KEY = {i.key: i for i in ITEMS}
