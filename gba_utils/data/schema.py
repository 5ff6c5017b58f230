"""The tables of the dataset, described once.

This module is the single source of truth for every table and column: the loader
reads dtypes from it, the validator builds its pandera schemas from it, and
``datapackage.json`` and the codebook tables in ``data/README.md`` are generated
from it (``gba-report datapackage``), so the three never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

#: Vocabularies whose codes come from a table rather than from ``labels.csv``.
CITY = "@city"
DISTRICT = "@district"
#: Geography codes: the non-city codes of ``labels.csv`` vocabulary ``scope`` plus every city code.
SCOPE = "@scope"

#: Years the report can speak of: plans from 2000 on, targets up to 2035 (it prints none later than 2030).
YEARS = (2000, 2035)
#: A plausible box around the Greater Bay Area (degrees; the bundled boundaries span 111.37-115.43 E, 21.57-24.39 N).
GBA_LON = (111.0, 115.8)
GBA_LAT = (21.3, 24.7)
#: The longest cell any table may hold (characters); the longest real one is well under a thousand.
MAX_CELL = 10_000
#: Columns of free text, where a tab or a line break may stand (everywhere else they are control characters).
TEXT = re.compile(r"^(subject|summary|sets|reason|note|options|evidence|choice|domain_reason|coord_source|source)(_|$)")
#: ISO dates at the precision printed; months and days in range (whether the day exists is checked by gba_utils).
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
#: The geometry the notebooks read besides the tables (validated with them: parseable, every city, coordinates in range).
GEOMETRY = "geo/gba_cities.geojson"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer | number
    en: str
    zh: str
    required: bool = True
    vocab: str | None = None  # a labels.csv vocabulary, or CITY / DISTRICT / SCOPE
    ref: str | None = None  # "table.column" foreign key (within the same edition)
    multi: bool = False  # a ';'-separated list; vocab/ref apply to each item
    pattern: str | None = None
    unique: bool = False  # unique within an edition
    unit: str | None = None
    minimum: float | None = None  # inclusive bounds of a number
    maximum: float | None = None
    positive: bool = False  # a number greater than zero
    date: bool = False  # an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) that exists in the calendar, within YEARS
    year: bool = False  # a year within YEARS

    @property
    def text(self) -> bool:
        """Free text: tab and newline are allowed (see :data:`TEXT`)."""
        return bool(TEXT.match(self.name))


@dataclass(frozen=True)
class Table:
    name: str
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    rule_en: str = ""  # decision rules worth stating in the codebook
    rule_zh: str = ""
    rows_required: bool = True  # a header-only file is a problem ("no rows")

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def _edition() -> Field:
    return Field("edition", "integer", "Edition (report year) the row belongs to.", "行所属的报告版本（年份）。")


def _section(name: str = "section_id", required: bool = True, multi: bool = False) -> Field:
    return Field(
        name,
        "string",
        "Where in the report: id of a row of sections.csv" + (" (';'-separated list)." if multi else "."),
        "在报告中的位置：sections.csv 的章节编号" + ("（以分号分隔的列表）。" if multi else "。"),
        required=required,
        ref="sections.section_id",
        multi=multi,
    )


ID_CASE = r"^C\d{4}-\d{2,5}$"
ID_CLAIM = r"^CL\d{3,4}$"
SLUG = r"^[a-z0-9][a-z0-9-]*$"

TABLES: tuple[Table, ...] = (
    Table(
        "sections",
        "Sections of the report",
        "报告章节",
        "Every chapter, section and sub-section of the report, with the page given in its table of contents.",
        "报告的各章、节、小节及目录所列页码。",
        (
            _edition(),
            Field(
                "section_id",
                "string",
                "Stable section id: chapter.section.subsection; 'front' the foreword; 'A' the appendix.",
                "章节编号：章.节.小节；front 为前言，A 为附录。",
                unique=True,
            ),
            Field("parent_id", "string", "Enclosing section.", "上级章节。", required=False, ref="sections.section_id"),
            Field(
                "level",
                "integer",
                "Depth: 1 chapter, 2 section, 3 sub-section, 4 numbered item.",
                "层级：1 章，2 节，3 小节，4 编号条目。",
            ),
            Field("number_printed", "string", "Number as printed (第一章, 一, (一), 1).", "原文编号。"),
            Field("title_zh", "string", "Heading as printed.", "原文标题。"),
            Field("title_en", "string", "Our English rendering of the heading.", "标题英译（本项目翻译）。"),
            Field(
                "toc_page",
                "integer",
                "Page number in the report's table of contents, if listed.",
                "目录页码（如有）。",
                required=False,
            ),
        ),
        ("edition", "section_id"),
    ),
    Table(
        "cases",
        "Innovation cases",
        "创新案例",
        "The 34 cases of the appendix: tier, applicant, administrative level, place, domain, whom it serves, and where the report discusses it.",
        "附录所列 34 个案例：类别、申报单位、行政层级、地区、领域、服务对象及报告中的提及位置。",
        (
            _edition(),
            Field(
                "case_id",
                "string",
                "Stable id: C + edition + appendix order.",
                "案例编号：C＋版本年份＋附录顺序。",
                unique=True,
                pattern=ID_CASE,
            ),
            Field("tier", "string", "Selection tier.", "遴选类别。", vocab="tier"),
            _section("appendix_section"),
            Field("appendix_no", "integer", "Number printed in its appendix list.", "附录中的序号。"),
            Field("name_zh", "string", "Short name (ours).", "简称（本项目拟定）。"),
            Field("name_en", "string", "Short English name (ours).", "英文简称（本项目拟定）。"),
            Field("applicant_printed", "string", "Applicant unit(s) as printed in the appendix.", "附录所列案例单位（原文）。"),
            Field(
                "applicant_en",
                "string",
                "Applicant unit(s) in English (ours unless official).",
                "案例单位英文名称（除官方译名外为本项目翻译）。",
            ),
            Field(
                "applicant_table_printed",
                "string",
                "Applicant as printed in the chapter-2 applicant table, if listed.",
                "第二章申报单位名录中的写法（如有）。",
                required=False,
            ),
            Field(
                "applicant_type",
                "string",
                "Government or enterprise, as the chapter-2 applicant table classifies it.",
                "申报主体类型（按第二章申报单位名录）。",
                vocab="applicant_type",
            ),
            Field(
                "applicant_category",
                "string",
                "Finer kind of applicant unit (ours).",
                "申报单位细类（本项目编码）。",
                vocab="applicant_category",
            ),
            Field("admin_level", "string", "Level as chapter 2 counts it.", "第二章统计口径下的层级。", vocab="admin_level"),
            Field(
                "region_code",
                "string",
                "Region under which chapter 2 counts the case ('guangdong' for province-level).",
                "第二章统计所用地区（省级为 guangdong）。",
                vocab=SCOPE,
            ),
            Field(
                "city_code",
                "string",
                "City of the 9+2 where the case is implemented; empty when province-wide.",
                "案例实施所在城市；全省性案例为空。",
                required=False,
                vocab=CITY,
            ),
            Field(
                "district_code",
                "string",
                "District or zone, where one applies.",
                "所在区／功能区（如适用）。",
                required=False,
                vocab=DISTRICT,
            ),
            Field(
                "domain",
                "string",
                "Domain: digital government, society or economy.",
                "领域：数字政府、数字社会、数字经济。",
                vocab="domain",
            ),
            Field(
                "domain_source",
                "string",
                "Whether the report states the domain or we inferred it.",
                "领域为原文所述或本项目推断。",
                vocab="basis",
            ),
            Field("domain_reason_en", "string", "Why, when inferred.", "推断理由（英文）。", required=False),
            Field(
                "serves",
                "string",
                "Main beneficiary: citizens (to C), businesses (to B) or government (to G).",
                "主要服务对象：民生、企业、政府。",
                required=False,
                vocab="serves",
            ),
            Field(
                "serves_source",
                "string",
                "Stated (chapter 2 to C/B/G sections) or inferred.",
                "服务对象为原文所述（第二章）或推断。",
                required=False,
                vocab="basis",
            ),
            _section("ch2_sections", required=False, multi=True),
        ),
        ("edition", "case_id"),
        rule_en="Aggregates of chapter 2 count cases by admin_level and region_code; the map counts them by city_code. "
        "district_code: a district-level application carries the district under which chapter 2 counts it; any other case "
        "carries the district or zone of districts.csv where the report places the whole case (its site or its stated "
        "coverage, named outright or by a place inside it, as Pazhou lies in Haizhu), and none when it serves a whole city or "
        "the province or when the place named covers only part of it. A case's district lies in its city. Huangpu District "
        "and the Guangzhou Development District share one administration and chapter 2 counts units of both under Huangpu, "
        "so cases of either carry huangpu (decision D23).",
        rule_zh="第二章的统计按 admin_level 与 region_code 计数；地图按 city_code 计数。"
        "district_code：区级申报的案例取第二章统计时所归的区；其他案例取报告把整个案例放在其中的 districts.csv 所列区或功能区"
        "（案例所在地或其明示的覆盖范围，可以直接写出，也可以由区内地名确定，如琶洲在海珠区）；服务全市、全省的案例，"
        "或所提地点只涉及案例一部分的，不填。案例所在区必须属于其所在城市。黄埔区与广州开发区是同一套管理机构，"
        "第二章把两者的单位都计入黄埔区，因此两者的案例都编为 huangpu（决策 D23）。",
    ),
    Table(
        "case_technologies",
        "Technologies per case",
        "案例所用技术",
        "One row per case and technology, from a controlled vocabulary.",
        "每个案例每项技术一行，技术取自受控词表。",
        (
            _edition(),
            Field("case_id", "string", "The case.", "案例。", ref="cases.case_id"),
            Field("technology", "string", "Technology code.", "技术代码。", vocab="technology"),
            Field(
                "basis",
                "string",
                "Named in the report (stated) or read from the description (inferred).",
                "原文明确提及或据描述推断。",
                vocab="basis",
            ),
            _section(),
        ),
        ("edition", "case_id", "technology"),
    ),
    Table(
        "claims",
        "Numeric claims",
        "数值陈述",
        "Every numeric statement of the report, normalised to a number and a unit, with the printed form.",
        "报告中的每一个数值陈述：规范化数值、单位与原文写法。",
        (
            _edition(),
            Field("claim_id", "string", "Stable id, in report order.", "编号（按报告顺序）。", unique=True, pattern=ID_CLAIM),
            _section(),
            Field("subject_zh", "string", "What is measured (our words).", "度量对象（本项目表述）。"),
            Field("subject_en", "string", "What is measured (our words).", "度量对象英文。"),
            Field("value", "number", "The value in base units (万, 亿 expanded).", "基本单位下的数值（万、亿已展开）。"),
            Field("unit", "string", "Normalised unit.", "规范化单位。", vocab="unit"),
            Field("value_printed", "string", "Number and unit as printed.", "原文数值与单位。"),
            Field("qualifier", "string", "Hedge on the number.", "限定词类型。", vocab="qualifier"),
            Field("qualifier_printed", "string", "Hedge as printed (超过, 约, 接近 ...).", "原文限定词。", required=False),
            Field("kind", "string", "Actual, target or forecast.", "实际、目标或预测。", vocab="kind"),
            Field("ref_period_printed", "string", "Date or period as printed.", "原文时间表述。", required=False),
            Field("ref_year", "integer", "Year the value refers to.", "数值所指年份。", required=False),
            Field(
                "date",
                "string",
                "ISO date of a date claim (YYYY, YYYY-MM or YYYY-MM-DD).",
                "日期类陈述的 ISO 日期。",
                required=False,
                pattern=DATE_PATTERN,
            ),
            Field("scope", "string", "Geography the number is about.", "数值所指地域。", required=False, vocab=SCOPE),
            Field("case_id", "string", "Case the number is about.", "相关案例。", required=False, ref="cases.case_id"),
            Field(
                "policy_id",
                "string",
                "Policy the number comes from or is about.",
                "相关政策。",
                required=False,
                ref="policies.policy_id",
            ),
            Field("sector", "string", "Sector.", "领域／行业。", required=False, vocab="sector"),
            Field(
                "same_as",
                "string",
                "Earlier claim stating the same quantity.",
                "重复陈述的首次出现。",
                required=False,
                ref="claims.claim_id",
            ),
            Field("note_en", "string", "Our note.", "本项目备注（英文）。", required=False),
        ),
        ("edition", "claim_id"),
        rule_en="万 = 1e4, 亿 = 1e8, 万亿 = 1e12; percentages are kept as percent (13.6 means 13.6 %). Ranks use unit 'rank'. "
        "A launch, event, cut-off or deadline printed as a date is a claim of unit 'date': value and ref_year carry its year, "
        "date the ISO form at the precision printed. Vague word-numbers keep the multiplied unit as value with qualifier "
        "'several' (数十个 = 10), rates get per-time units (count_per_day) and 1:1 scales unit 'ratio' with value 1.",
        rule_zh="万＝1e4，亿＝1e8，万亿＝1e12；百分比以百分数记（13.6 即 13.6%）；名次单位为 rank。"
        "以日期表述的上线、事件、截止时点或期限记为单位 date 的陈述：value 与 ref_year 为其年份，date 按原文精度写作 ISO 日期。"
        "约数词以被倍乘的单位为 value 并标限定词 several（数十个记 10）；速率用按时间计的单位（如 count_per_day）；1:1 比例记单位 ratio、数值 1。",
    ),
    Table(
        "policies",
        "Policies and documents cited",
        "所引政策与文件",
        "Every policy, plan, regulation, strategy, agreement, programme and study the report cites.",
        "报告引用的政策、规划、条例、战略、协议、项目与研究报告。",
        (
            _edition(),
            Field("policy_id", "string", "Stable slug.", "稳定编号。", unique=True, pattern=r"^[a-z0-9][a-z0-9-]*$"),
            Field("name_zh", "string", "Name as printed.", "原文名称。"),
            Field("name_en", "string", "English name (ours unless official).", "英文名称。"),
            Field("date_printed", "string", "Date as printed.", "原文日期。", required=False),
            Field(
                "date",
                "string",
                "ISO date (YYYY, YYYY-MM or YYYY-MM-DD).",
                "ISO 日期。",
                required=False,
                pattern=DATE_PATTERN,
            ),
            Field("jurisdiction", "string", "Issuing jurisdiction.", "发布辖区。", vocab=SCOPE),
            Field("kind", "string", "Kind of document.", "文件类型。", vocab="policy_kind"),
            Field("issuer_zh", "string", "Issuer as printed.", "原文发布机构。", required=False),
            Field("sets_zh", "string", "What it sets (our words).", "主要内容（本项目概述）。"),
            Field("sets_en", "string", "What it sets (our words).", "主要内容英文。"),
            _section("section_ids", multi=True),
        ),
        ("edition", "policy_id"),
    ),
    Table(
        "problems",
        "Problems (chapter 3)",
        "问题（第三章）",
        "The four problem areas of chapter 3 and their sub-problems.",
        "第三章的四个问题领域及其子问题。",
        (
            _edition(),
            Field(
                "problem_id",
                "string",
                "P1..P4 areas; P1.1.. sub-problems.",
                "P1–P4 为领域，P1.1 等为子问题。",
                unique=True,
                pattern=r"^P\d(\.\d)?$",
            ),
            Field("parent_id", "string", "Area of a sub-problem.", "子问题所属领域。", required=False, ref="problems.problem_id"),
            _section(),
            Field("title_zh", "string", "Short label.", "简称。"),
            Field("title_en", "string", "Short label.", "英文简称。"),
            Field("summary_zh", "string", "Our summary.", "本项目概述。"),
            Field("summary_en", "string", "Our summary.", "英文概述。"),
        ),
        ("edition", "problem_id"),
    ),
    Table(
        "recommendations",
        "Recommendations (chapter 4)",
        "建议（第四章）",
        "The four recommendations of chapter 4.",
        "第四章的四项建议。",
        (
            _edition(),
            Field("rec_id", "string", "R1..R4.", "R1–R4。", unique=True, pattern=r"^R\d$"),
            _section(),
            Field("title_zh", "string", "Short label.", "简称。"),
            Field("title_en", "string", "Short label.", "英文简称。"),
            Field("summary_zh", "string", "Our summary.", "本项目概述。"),
            Field("summary_en", "string", "Our summary.", "英文概述。"),
        ),
        ("edition", "rec_id"),
    ),
    Table(
        "measures",
        "Measures of each recommendation",
        "各项建议的具体措施",
        "The concrete measures each recommendation proposes.",
        "每项建议提出的具体措施。",
        (
            _edition(),
            Field("measure_id", "string", "R<n>.M<nn>.", "R<n>.M<nn>。", unique=True, pattern=r"^R\d\.M\d{2}$"),
            Field("rec_id", "string", "Recommendation.", "所属建议。", ref="recommendations.rec_id"),
            Field("title_zh", "string", "Short label (ours).", "简称（本项目表述）。"),
            Field("title_en", "string", "Short label (ours).", "英文简称。"),
            _section(),
        ),
        ("edition", "measure_id"),
    ),
    Table(
        "problem_recommendation",
        "Which recommendation answers which problem",
        "建议与问题的对应",
        "Links from problems (areas or sub-problems) to recommendations and measures.",
        "问题（领域或子问题）与建议、措施的对应关系。",
        (
            _edition(),
            Field("problem_id", "string", "Problem.", "问题。", ref="problems.problem_id"),
            Field("rec_id", "string", "Recommendation.", "建议。", ref="recommendations.rec_id"),
            Field(
                "measure_id",
                "string",
                "Measure, for measure-level links.",
                "措施（如为措施层面）。",
                required=False,
                ref="measures.measure_id",
            ),
            Field("link", "string", "Stated by the report or inferred by us.", "原文明示或本项目推断。", vocab="link"),
            Field("reason_en", "string", "Why (our words).", "理由（英文）。"),
            Field("reason_zh", "string", "Why (our words).", "理由。"),
        ),
        ("edition", "problem_id", "rec_id", "measure_id"),
    ),
    Table(
        "case_links",
        "Cases that illustrate a problem or practise a measure",
        "案例与问题、措施的关联",
        "Our coding of which cases illustrate a problem or already practise a recommended measure, with the fact that supports it.",
        "本项目编码：哪些案例体现某一问题或已在实践某项措施，并附依据。",
        (
            _edition(),
            Field("case_id", "string", "Case.", "案例。", ref="cases.case_id"),
            Field("target_type", "string", "problem or measure.", "problem 或 measure。", vocab="target_type"),
            Field("target_id", "string", "Problem or measure id.", "问题或措施编号。"),
            Field(
                "relation",
                "string",
                "illustrates (a problem) or practises (a measure).",
                "体现（问题）或实践（措施）。",
                vocab="relation",
            ),
            Field("reason_en", "string", "Supporting fact (our words).", "依据（英文）。"),
            Field("reason_zh", "string", "Supporting fact (our words).", "依据。"),
        ),
        ("edition", "case_id", "target_type", "target_id"),
    ),
    Table(
        "cities",
        "The 9+2 cities",
        "9+2 城市",
        "The eleven cities of the Greater Bay Area with names, jurisdiction and a representative point of the bundled boundary.",
        "大湾区十一个城市：名称、辖区及边界代表点坐标。",
        (
            _edition(),
            Field("city_code", "string", "City code.", "城市代码。", unique=True, pattern=r"^[a-z_]+$"),
            Field("name_zh_hans", "string", "Name, simplified Chinese.", "简体名称。"),
            Field("name_zh_hant", "string", "Name, traditional Chinese.", "繁体名称。"),
            Field("name_en", "string", "Name, English.", "英文名称。"),
            Field("jurisdiction", "string", "guangdong, hong_kong or macao.", "所属辖区。", vocab=SCOPE),
            Field("admin_type", "string", "Administrative type.", "行政类型。", vocab="admin_type"),
            Field("lon", "number", "Longitude (WGS84 as in the source).", "经度。", unit="degree"),
            Field("lat", "number", "Latitude.", "纬度。", unit="degree"),
            Field("coord_source", "string", "How the point was derived.", "坐标来源。"),
        ),
        ("edition", "city_code"),
    ),
    Table(
        "districts",
        "Districts and zones named in the report",
        "报告提及的区与功能区",
        "Districts, new areas and zones that cases come from.",
        "案例所在的区、新区与功能区。",
        (
            _edition(),
            Field("district_code", "string", "District code.", "区代码。", unique=True, pattern=r"^[a-z_]+$"),
            Field("city_code", "string", "City.", "所属城市。", vocab=CITY),
            Field("name_zh", "string", "Name.", "名称。"),
            Field("name_en", "string", "English name.", "英文名称。"),
            Field("kind", "string", "Kind of unit.", "类型。", vocab="district_kind"),
            Field("note_en", "string", "Note.", "备注。", required=False),
        ),
        ("edition", "district_code"),
    ),
    Table(
        "case_aggregates",
        "Chapter-2 aggregates and how to recount them",
        "第二章统计数及其复算口径",
        "For each count chapter 2 states about the cases, the claim that prints it and the filter on cases.csv that must reproduce it.",
        "第二章每个案例统计数对应的数值陈述，以及在 cases.csv 上复算它的筛选条件。",
        (
            _edition(),
            Field("claim_id", "string", "The printed count.", "原文统计数。", ref="claims.claim_id"),
            Field(
                "filter",
                "string",
                "Conditions 'column=value' joined by '&' (empty: all cases).",
                "筛选条件（column=value，以 & 连接；空为全部）。",
                required=False,
            ),
            Field(
                "differs_by_decision",
                "string",
                "A decision of decisions.csv explaining why the coded cases no longer reproduce this printed count (cases "
                "added after the report, for example). When set, the recount must differ, and the audit shows the "
                "difference as explained.",
                "说明为何编码案例不再复现该统计数的决策（decisions.csv，例如在报告之后增补了案例）。填写后复算必须与原文不同，审计将其列为已说明的差异。",
                required=False,
                ref="decisions.decision_id",
            ),
        ),
        ("edition", "claim_id"),
    ),
    Table(
        "decisions",
        "Decisions log",
        "编码决策记录",
        "Every judgement call where the report is ambiguous or contradicts itself: what, options, evidence, choice.",
        "报告含糊或自相矛盾之处的每项判断：问题、选项、依据与选择。",
        (
            _edition(),
            Field("decision_id", "string", "D01 ...", "D01 等。", unique=True, pattern=r"^D\d{2}$"),
            Field("topic_zh", "string", "What (short).", "问题。"),
            Field("topic_en", "string", "What (short).", "问题（英文）。"),
            Field("options_en", "string", "Options considered.", "备选方案。"),
            Field("options_zh", "string", "Options considered (Chinese).", "备选方案（中文）。"),
            Field("evidence_en", "string", "Evidence in the report.", "报告中的依据。"),
            Field("evidence_zh", "string", "Evidence in the report (Chinese).", "报告中的依据（中文）。"),
            _section("evidence_sections", multi=True),
            Field("choice_en", "string", "What we chose and why.", "所作选择与理由。"),
            Field("choice_zh", "string", "What we chose and why (Chinese).", "所作选择与理由（中文）。"),
            Field("affects", "string", "Tables, columns or ids affected.", "影响的表、列或编号。"),
        ),
        ("edition", "decision_id"),
    ),
    Table(
        "decision_alternatives",
        "Alternatives of the coding decisions",
        "编码决策的备选方案",
        "Every option a decision did not choose: whether the data can be switched to it, its name, and what it means in "
        "the data or why the data cannot hold it.",
        "每项决策未选的每个方案：数据能否切换过去、方案名称，以及它在数据中的含义或数据无法表达它的原因。",
        (
            _edition(),
            Field("decision_id", "string", "The decision.", "所属决策。", ref="decisions.decision_id"),
            Field(
                "alternative",
                "string",
                "Short name of the alternative, as the decisions parameter takes it (D07=by-subject).",
                "方案的简短代号，即 decisions 参数所用的写法（如 D07=by-subject）。",
                pattern=SLUG,
            ),
            Field(
                "status",
                "string",
                "switchable (its edits are in decision_edits.csv), or why not: a reading, wording, not expressible, "
                "outside the report.",
                "switchable（改动见 decision_edits.csv），或不能切换的原因：读法、措辞、无法表达、需要报告以外的数据。",
                vocab="switch_status",
            ),
            Field("label_zh", "string", "Name of the alternative (ours).", "方案名称（本项目拟定）。"),
            Field("label_en", "string", "Name of the alternative (ours).", "方案名称英文。"),
            Field(
                "note_zh",
                "string",
                "What the alternative is in the data, or why the data do not switch it (our words).",
                "该方案在数据中的含义，或数据不设此开关的原因（本项目表述）。",
            ),
            Field("note_en", "string", "The same in English.", "同上，英文。"),
        ),
        ("edition", "decision_id", "alternative"),
        rule_en="A decision of decisions.csv with no row here has no alternative to switch to. A switchable alternative has its edits in "
        "decision_edits.csv; the others have none and their note says why: a reading (no coded value depends on it), "
        "wording (only a name or a printed form kept as text would change), not expressible (the rules of the data "
        "cannot hold it) or outside the report (the values would come from another source: an alternative codes the "
        "report's own text differently, every edit is a fact of the report). The notebooks' decisions parameter takes D07=by-subject, or several joined by commas.",
        rule_zh="decisions.csv 中在此没有行的决策没有可切换的备选方案。可切换的方案在 decision_edits.csv 中列出改动；其余方案没有改动，"
        "其说明写出原因：读法（没有编码值依赖它）、措辞（只改变以文本保存的名称或原文写法）、无法表达（数据规则容纳不了）或需要报告以外的数据（备选方案只能换一种方式编码报告原文，每项改动都须是报告中的事实）。"
        "笔记本的 decisions 参数写作 D07=by-subject，多项以逗号连接。",
    ),
    Table(
        "decision_edits",
        "Edits that switch a decision",
        "切换决策的数据改动",
        "Each switchable alternative as edits of the coded tables: a cell set to another value, a row removed, or a row "
        "added (one edit per cell of the new row).",
        "把每个可切换的方案写成对已编码数据表的改动：改一个单元格、删一行，或加一行（新行的每个单元格一条）。",
        (
            _edition(),
            Field("decision_id", "string", "The decision.", "所属决策。", ref="decisions.decision_id"),
            Field(
                "alternative", "string", "The alternative (decision_alternatives.csv).", "方案（见 decision_alternatives.csv）。"
            ),
            Field(
                "action",
                "string",
                "set a cell, remove a row or add one.",
                "改单元格（set）、删行（remove）或加行（add）。",
                vocab="edit_action",
            ),
            Field(
                "table",
                "string",
                "The table edited (its name, without .csv).",
                "被改动的数据表（表名，不含 .csv）。",
                pattern=r"^[a-z_]+$",
            ),
            Field(
                "key",
                "string",
                "The row: its key columns other than edition, in key order, joined by ';' (C2022-11;mobile_app).",
                "所改的行：除 edition 外的键列，按键的顺序以分号连接（如 C2022-11;mobile_app）。",
            ),
            Field(
                "column",
                "string",
                "The cell's column (set, add); empty for remove.",
                "所改单元格的列（set、add）；remove 留空。",
                required=False,
            ),
            Field(
                "coded",
                "string",
                "The cell as coded, checked against the table (set; empty for an empty cell).",
                "单元格的现有编码，会与数据表核对（set；空单元格留空）。",
                required=False,
            ),
            Field(
                "value",
                "string",
                "The cell under the alternative, checked against the column's rules (empty: an empty cell).",
                "该方案下单元格的值，须符合该列的规则（留空即空单元格）。",
                required=False,
            ),
        ),
        ("edition", "decision_id", "alternative", "table", "key", "column"),
        rule_en="An edit names a row by its key and must find the table as coded: a set edit's coded value is the cell as "
        "it is, a removed row exists, an added row does not. Under the alternative every value passes the rules of its "
        "column and every reference still resolves (a removed row is not referred to by a row that stays). Switched data "
        "are validated again, except the chapter-2 recount: a printed count that no longer holds is a finding of the "
        "audit, not an error.",
        rule_zh="每条改动按键找到所改的行，并且必须与现有编码一致：set 的 coded 即单元格现值，被删的行须存在，新加的行须不存在。"
        "方案下的每个值都须符合其所在列的规则，所有引用仍须有效（被删的行不能仍被保留的行引用）。"
        "切换后的数据会再次校验，第二章复算除外：不再成立的原文统计数是审计的发现，而不是错误。",
    ),
    Table(
        "audit_checks",
        "Consistency checks of the report's numbers and dates",
        "报告数字与日期的一致性检验",
        "Checks that set claims and printed policy dates against each other, against the coded cases and tables, and against "
        "outside references (parts and wholes, shares, ratios, rates, periods, targets, restatements, dates); run by gba_utils.audit.",
        "把数值陈述和政策的原文日期相互对照、与案例等编码表对照、与外部来源对照的检验（部分与整体、比重、比值、速率与时长、目标、重述、日期），"
        "由 gba_utils.audit 执行。",
        (
            _edition(),
            Field("check_id", "string", "A01 ...", "A01 等。", unique=True, pattern=r"^A\d{2}$"),
            Field(
                "kind",
                "string",
                "Kind of check; each kind is one function in gba_utils/audit.py.",
                "检验类型；每类对应 gba_utils/audit.py 中一个函数。",
                vocab="check_kind",
            ),
            Field("title_zh", "string", "What is checked (our words).", "检验内容。"),
            Field("title_en", "string", "What is checked (our words).", "检验内容（英文）。"),
            Field(
                "claim_ids",
                "string",
                "Claims used, in the order the kind expects (';'-separated).",
                "所用数值陈述，按检验类型要求的顺序。",
                required=False,
                ref="claims.claim_id",
                multi=True,
            ),
            Field(
                "policy_ids",
                "string",
                "Policies whose printed date is checked (';'-separated).",
                "核对其原文日期的政策（以分号分隔）。",
                required=False,
                ref="policies.policy_id",
                multi=True,
            ),
            Field(
                "outside_ids",
                "string",
                "Outside references used, if any.",
                "所用外部来源（如有）。",
                required=False,
                ref="outside_references.ref_id",
                multi=True,
            ),
            Field(
                "expected",
                "string",
                "Extra input of the kind (e.g. a plan period 2020-2022).",
                "检验所需的附加参数（如规划期 2020-2022）。",
                required=False,
            ),
            Field(
                "strict",
                "number",
                "Tolerance within which the result is 'consistent' (unit depends on the kind).",
                "判为“一致”的容差（单位随类型而定）。",
                required=False,
            ),
            Field(
                "loose", "number", "Tolerance within which it is 'rounded generously'.", "判为“取整宽松”的容差。", required=False
            ),
        ),
        ("edition", "check_id"),
        rule_en="Every check names what it checks: claims (claim_ids) or, for a date the report prints for a policy, the policy "
        "(policy_ids; the date is policies.date at the precision printed). A check that uses a figure from outside the report "
        "names it in outside_ids and says so in both titles (外部数据 / outside figure). Tolerances are in the unit of the kind: "
        "relative for outside_value and implied_base (0.05 = 5 %), percentage points for share, periods at the printed "
        "precision for outside_date, relative bounds for ratio and period_rate. expected holds a plan period (target_in_period), a bound "
        "such as >1, >=1 or 2-40 (ratio, period_rate; none: the figure is shown but cannot be checked), the section that "
        "presents targets as current (target_as_current) or table[.column][:filter] (table_count). Claims come in the order "
        "the kind reads them: a statement before its restatement (lost_in_restatement), counts before the start and end "
        "date claims of their period (period_rate).",
        rule_zh="每项检验都写明所核对的对象：数值陈述（claim_ids），或者报告为某项政策印出的日期时写该政策（policy_ids；日期取 policies.date，"
        "精度与原文一致）。用到报告以外数据的检验在 outside_ids 中列出来源，并在两种语言的标题中注明（外部数据／outside figure）。"
        "容差的单位随检验类型而定：outside_value 与 implied_base 为相对值（0.05 即 5%），share 为百分点，outside_date 按原文日期的精度计，"
        "ratio 与 period_rate 为界限的相对放宽。expected 写规划期（target_in_period）、界限如 >1、>=1 或 2-40（ratio、period_rate；"
        "留空则只列出数字、无法核对）、把目标写成现状的章节（target_as_current）或 表[.列][:筛选条件]（table_count）。"
        "数值陈述按检验类型读取的顺序排列：先原述后重述（lost_in_restatement），先各计数、后统计期起止的日期陈述（period_rate）。",
    ),
    Table(
        "outside_references",
        "Figures from outside the report",
        "报告以外的参考数据",
        "Figures from public sources, with full citations, used only by the audit to check claims; never mixed with the report's own numbers.",
        "来自公开来源、附完整出处的数据，仅供审计核对使用，不与报告数字混用。",
        (
            _edition(),
            Field("ref_id", "string", "R01 ...", "R01 等。", unique=True, pattern=r"^R\d{2}$"),
            Field("subject_zh", "string", "What it measures.", "度量对象。"),
            Field("subject_en", "string", "What it measures.", "度量对象（英文）。"),
            Field("value", "number", "Value in base units.", "基本单位下的数值。"),
            Field("unit", "string", "Unit.", "单位。", vocab="unit"),
            Field("year", "integer", "Year it refers to.", "所指年份。"),
            Field(
                "date",
                "string",
                "ISO date of a record whose unit is 'date' (YYYY, YYYY-MM or YYYY-MM-DD).",
                "单位为 date 的记录的 ISO 日期。",
                required=False,
                pattern=DATE_PATTERN,
            ),
            Field("source", "string", "Full citation.", "完整出处。"),
            Field("note_en", "string", "Why it is used.", "用途说明。", required=False),
        ),
        ("edition", "ref_id"),
        rule_en="A date (an adoption, an issue, a launch) is a record of unit 'date': value and year carry its year, date the ISO "
        "form at the precision of the source, as for date claims.",
        rule_zh="日期（通过、印发、上线等）记为单位 date 的记录：value 与 year 为其年份，date 按来源精度写作 ISO 日期，与日期类陈述相同。",
    ),
    Table(
        "provenance_exceptions",
        "Printed forms the source check may miss",
        "原文核对的例外",
        "Printed forms of the data that gba-report verify-source does not find where their row says, each with the reason; every other printed form must be found.",
        "gba-report verify-source 在行所标章节中找不到的原文写法及其理由；其余原文写法都必须能找到。",
        (
            _edition(),
            Field(
                "file", "string", "Table of the printed form (e.g. policies.csv).", "原文写法所在的数据表（如 policies.csv）。"
            ),
            Field(
                "key",
                "string",
                "Id of the row (claim_id, policy_id, case_id or section_id).",
                "行的编号（claim_id、policy_id、case_id 或 section_id）。",
            ),
            Field("column", "string", "Column holding the printed form.", "原文写法所在的列。"),
            Field("reason_en", "string", "Why it is not found as written (our words).", "找不到的原因（英文）。"),
            Field("reason_zh", "string", "Why it is not found as written (our words).", "找不到的原因。"),
        ),
        ("edition", "file", "key", "column"),
    ),
    Table(
        "labels",
        "Labels of every code",
        "代码标签",
        "Chinese and English labels for every code of every controlled vocabulary; a code is allowed only if it has a row here (cities and districts take theirs from their tables).",
        "所有受控词表代码的中英文标签；代码须在此登记方可使用（城市与区的标签取自其表）。",
        (
            Field("vocabulary", "string", "Vocabulary name.", "词表名称。"),
            Field("code", "string", "Code.", "代码。"),
            Field("label_zh", "string", "Chinese label.", "中文标签。"),
            Field("label_en", "string", "English label.", "英文标签。"),
            Field("sort", "integer", "Display order within the vocabulary.", "词表内显示顺序。"),
        ),
        ("vocabulary", "code"),
    ),
)

#: Constraints beyond types, codes and patterns: (table, column) -> what the value must be.
CONSTRAINTS: dict[tuple[str, str], dict] = {
    **{(t.name, "edition"): {"year": True} for t in TABLES if "edition" in t.columns},
    ("claims", "value"): {"positive": True},
    ("claims", "ref_year"): {"year": True},
    ("claims", "date"): {"date": True},
    ("policies", "date"): {"date": True},
    ("outside_references", "value"): {"positive": True},
    ("outside_references", "year"): {"year": True},
    ("outside_references", "date"): {"date": True},
    ("sections", "toc_page"): {"positive": True},
    ("sections", "level"): {"positive": True},
    ("cases", "appendix_no"): {"positive": True},
    ("labels", "sort"): {"minimum": 0},
    ("audit_checks", "strict"): {"minimum": 0},
    ("audit_checks", "loose"): {"minimum": 0},
    ("cities", "lon"): {"minimum": GBA_LON[0], "maximum": GBA_LON[1]},
    ("cities", "lat"): {"minimum": GBA_LAT[0], "maximum": GBA_LAT[1]},
}
#: Printed forms that ``gba-report verify-source`` looks up in the report's text: (table, column) -> where the row says
#: the form is printed: a column of the row holding a section id (or a ';'-list: found in any of them), or '§<id>' for a
#: fixed section (the applicant table is in 2.1). Only columns that hold the report's own wording are listed here, never
#: our summaries; parts joined by '；' are looked up one by one.
PRINTED: dict[tuple[str, str], str] = {
    ("sections", "number_printed"): "section_id",
    ("sections", "title_zh"): "section_id",
    ("claims", "value_printed"): "section_id",
    ("claims", "qualifier_printed"): "section_id",
    ("claims", "ref_period_printed"): "section_id",
    ("policies", "name_zh"): "section_ids",
    ("policies", "date_printed"): "section_ids",
    ("policies", "issuer_zh"): "section_ids",
    ("cases", "applicant_printed"): "appendix_section",
    ("cases", "applicant_table_printed"): "§2.1",
}
#: Tables that may be empty (a header only): the others must have rows.
MAY_BE_EMPTY = (
    "provenance_exceptions",
    "case_aggregates",
    "audit_checks",
    "outside_references",
    "decisions",
    "decision_alternatives",
    "decision_edits",
    "case_links",
    "problem_recommendation",
    "case_technologies",
    "districts",
)


def _constrained(table: Table) -> Table:
    fields = tuple(replace(f, **CONSTRAINTS.get((table.name, f.name), {})) for f in table.fields)
    return replace(table, fields=fields, rows_required=table.name not in MAY_BE_EMPTY)


TABLES = tuple(_constrained(t) for t in TABLES)
BY_NAME = {t.name: t for t in TABLES}
