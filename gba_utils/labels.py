"""Chinese and English labels for every code, and the fixed strings of the reports."""
from __future__ import annotations

import re

import pandas as pd

LANGS = ("zh", "en")

#: Fixed strings used by tables, captions and page furniture.
UI: dict[str, tuple[str, str]] = {
    "figure": ("图", "Figure"),
    "table": ("表", "Table"),
    "source": ("来源", "Source"),
    "report": ("《粤港澳大湾区数字治理研究报告2022》", "GBA Digital Governance Research Report 2022"),
    "processing": ("处理", "Processing"),
    "all": ("全部", "all"),
    "city": ("城市", "City"),
    "domain": ("领域", "Domain"),
    "filtered": ("筛选", "Filter"),
    "count": ("案例数", "Cases"),
    "printed": ("报告所载", "Printed in the report"),
    "coded": ("由案例数据复算", "Recounted from the case data"),
    "match": ("一致", "match"),
    "mismatch": ("不一致", "MISMATCH"),
    "none": ("无", "none"),
    "no_cases": ("所选范围内没有案例。", "No case in the selected scope."),
    "no_rows": ("所选范围内没有数据。", "No data in the selected scope."),
    "year": ("年份", "Year"),
    "value": ("数值", "Value"),
    "total": ("合计", "Total"),
    "chapter": ("章节", "Section"),
}

#: Column headers of the tables shown in the reports.
COLUMNS: dict[str, tuple[str, str]] = {
    "case_id": ("编号", "Id"),
    "name": ("案例", "Case"),
    "tier": ("类别", "Tier"),
    "applicant_printed": ("申报单位", "Applicant"),
    "applicant_type": ("主体类型", "Applicant type"),
    "admin_level": ("层级", "Level"),
    "city_code": ("城市", "City"),
    "region_code": ("统计地区", "Counted under"),
    "district_code": ("区", "District"),
    "domain": ("领域", "Domain"),
    "domain_source": ("领域依据", "Domain basis"),
    "serves": ("服务对象", "Serves"),
    "technologies": ("技术", "Technologies"),
    "claim_id": ("数值编号", "Claim"),
    "section_id": ("章节", "Section"),
    "subject": ("指标", "Indicator"),
    "value": ("数值", "Value"),
    "value_printed": ("原文", "As printed"),
    "unit": ("单位", "Unit"),
    "kind": ("类型", "Kind"),
    "qualifier": ("限定", "Qualifier"),
    "ref_year": ("年份", "Year"),
    "scope": ("地域", "Scope"),
    "policy": ("政策文件", "Policy"),
    "date": ("日期", "Date"),
    "jurisdiction": ("辖区", "Jurisdiction"),
    "policy_kind": ("类型", "Kind"),
    "sets": ("要点", "What it sets"),
    "problem_id": ("编号", "Id"),
    "problem": ("问题", "Problem"),
    "summary": ("概要", "Summary"),
    "rec_id": ("建议", "Recommendation"),
    "measure_id": ("编号", "Id"),
    "measure": ("措施", "Measure"),
    "relation": ("关系", "Relation"),
    "reason": ("依据", "Basis"),
    "link": ("依据类型", "Link"),
    "check": ("统计项", "Aggregate"),
    "printed": ("报告所载", "Printed"),
    "recounted": ("复算", "Recounted"),
    "verdict": ("结论", "Verdict"),
    "decision_id": ("编号", "Id"),
    "topic": ("问题", "Question"),
    "choice": ("选择", "Choice"),
    "evidence": ("依据", "Evidence"),
    "outcomes": ("报告所载成效数字", "Outcomes printed in the report"),
    "n": ("数量", "Count"),
    "measures_n": ("措施数", "Measures"),
    "cases_n": ("实践案例数", "Cases practising"),
    "check_id": ("编号", "Id"),
    "check_title": ("检验", "Check"),
    "claims": ("所用数值", "Claims used"),
    "arithmetic": ("算式", "Arithmetic"),
    "tolerance": ("容差", "Tolerance"),
    "options": ("选项", "Options"),
    "ref_id": ("编号", "Id"),
    "illustrates": ("体现该问题的案例", "Cases that illustrate it"),
    "practises": ("实践对应措施的案例", "Cases practising a measure that answers it"),
}


#: Words inside the audit's arithmetic lines. :mod:`gba_utils.audit` writes them as ``⟦key⟧`` (or ``⟦vocabulary:code⟧``
#: for a label from labels.csv) and :meth:`Labeller.phrase` puts the line in one language.
PHRASES: dict[str, tuple[str, str]] = {
    "d": ("天", "d"),
    "per_day": ("/天", "/d"),
    "per_year": ("/年", "/yr"),
    "pp": ("个百分点", "pp"),
    "stated": ("报告写", "stated"),
    "stated_period": ("报告所述时长", "stated period"),
    "printed": ("报告所载", "printed"),
    "vs": ("对", "vs"),
    "ratio": ("相差倍数", "ratio"),
    "equal": ("相等", "equal"),
    "exact": ("精确相等", "exact"),
    "growth_in": ("", "growth in "),
    "year_growth": ("年实际增速", ""),
    "needed_le_observed": ("所需增速 ≤ 实际增速", "needed ≤ observed"),
    "target_years": ("目标年份", "target years"),
    "within": ("均在规划期", "within"),
    "hedges_differ": ("限定词不同", "hedges differ"),
    "no_population": ("报告未给出人口数", "no population given in the report"),
    "no_reference": ("没有独立数字可供比对", "no independent figure to compare"),
    "cases_where": ("满足 ", "count(cases where "),
    "cases_where_end": (" 的案例数", ")"),
    "all_cases": ("全部案例数", "count(all cases)"),
}
PHRASE = re.compile(r"⟦(\w+)(?::(\w+))?⟧")


def ui(key: str, lang: str) -> str:
    return UI[key][LANGS.index(lang)]


def column(key: str, lang: str) -> str:
    return COLUMNS[key][LANGS.index(lang)] if key in COLUMNS else key


class Labeller:
    """``labeller(vocab, code)`` gives a code's label in one language.

    Vocabularies come from ``labels.csv``; ``city`` and ``district`` from their tables;
    ``scope`` from both. Unknown codes raise ``KeyError`` (validation makes that impossible
    for loaded data, so a miss is a programming error and should be loud).
    """

    def __init__(self, labels: pd.DataFrame, cities: pd.DataFrame, districts: pd.DataFrame, sections: pd.DataFrame, lang: str):
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
        self.lang = lang
        col = "label_zh" if lang == "zh" else "label_en"
        self._table: dict[tuple[str, str], str] = {(v, c): l for v, c, l in zip(labels["vocabulary"], labels["code"], labels[col])}
        self._order: dict[tuple[str, str], int] = {(v, c): int(s) for v, c, s in zip(labels["vocabulary"], labels["code"], labels["sort"])}
        name = "name_zh_hans" if lang == "zh" else "name_en"
        for i, (c, n) in enumerate(zip(cities["city_code"], cities[name])):
            self._table[("city", c)] = n
            self._table[("scope", c)] = n
            self._order[("city", c)] = i
        dname = "name_zh" if lang == "zh" else "name_en"
        for c, n in zip(districts["district_code"], districts[dname]):
            self._table[("district", c)] = n
        tcol = "title_zh" if lang == "zh" else "title_en"
        self._sections = dict(zip(sections["section_id"], sections[tcol]))

    @classmethod
    def of(cls, ds, lang: str) -> "Labeller":
        """The labeller of a loaded :class:`~gba_utils.data.Dataset` in ``lang``."""
        return cls(ds.labels, ds.cities, ds.districts, ds.sections, lang)

    def __call__(self, vocab: str, code) -> str:
        if code is None or (not isinstance(code, str) and pd.isna(code)):
            return ""
        return self._table[(vocab, code)]

    def map(self, vocab: str, values) -> pd.Series:
        return pd.Series(values).map(lambda c: self(vocab, c))

    def order(self, vocab: str) -> list[str]:
        """Codes of a vocabulary in display order."""
        codes = [(self._order[k], k[1]) for k in self._order if k[0] == vocab]
        return [c for _, c in sorted(codes)]

    def section(self, section_id: str) -> str:
        """'§2.1 Overview of the case collection' (or its Chinese title)."""
        if section_id in ("front",):
            return self._sections[section_id]
        return f"§{section_id} {self._sections[section_id]}"

    def ui(self, key: str) -> str:
        return ui(key, self.lang)

    def phrase(self, text: str) -> str:
        """Put ``⟦key⟧`` (from :data:`PHRASES`) and ``⟦vocabulary:code⟧`` (from labels.csv) in this language."""
        def word(m: re.Match) -> str:
            return self(m.group(1), m.group(2)) if m.group(2) else PHRASES[m.group(1)][LANGS.index(self.lang)]

        return PHRASE.sub(word, text)

    def column(self, key: str) -> str:
        return column(key, self.lang)
