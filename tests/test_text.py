"""Text kept in another language is marked, so screen readers and fonts switch, and code is shown as code."""

from __future__ import annotations

from gba_utils.research.tables import html_table
from gba_utils.research.text import Rich, Span, mixed, with_codes

CITATION = "General Office of the Guangdong Government, 广东省数字政府改革建设“十四五”规划, 粤府〔2021〕44号, 2021-06-29"


def test_chinese_runs_in_english_are_marked():
    out = mixed("over 70 million (超过7000万) in 2021", "en").html()
    assert out == 'over 70 million (<span lang="zh-Hans">超过7000万</span>) in 2021'


def test_an_english_citation_on_a_chinese_page_is_marked_whole_with_its_chinese_titles_inside():
    out = mixed(CITATION, "zh", base="en").html()
    assert out.startswith('<span lang="en">General Office') and out.endswith("2021-06-29</span>")
    assert '<span lang="zh-Hans">广东省数字政府改革建设“十四五”规划</span>, <span lang="zh-Hans">粤府〔2021〕44号</span>' in out
    assert str(mixed(CITATION, "zh", base="en")) == CITATION  # the characters are kept, only marked


def test_latin_words_in_chinese_text_are_marked_and_numbers_stay_in_their_run():
    assert mixed("累计建成5G基站22万个", "zh").html() == '累计建成<span lang="en">5G</span>基站22万个'
    assert mixed("共1,047起", "en").html() == '<span lang="zh-Hans">共1,047起</span>'


def test_the_language_of_an_unlabelled_text_is_the_script_it_mostly_uses():
    assert mixed("超过7000万", "en").html() == '<span lang="zh-Hans">超过7000万</span>'
    assert mixed("Digital government", "zh").html() == '<span lang="en">Digital government</span>'
    assert mixed("", "en") == "" and mixed(None, "zh") == ""


def test_codes_in_chinese_notes_are_code():
    assert with_codes("申请方类型为 tech_company 的案例").html() == "申请方类型为 <code>tech_company</code> 的案例"


def test_marked_text_is_escaped_in_tables():
    cell = Rich(["<b>", Span("<i>深圳</i>", "zh"), Span("x<y", code=True)])
    out = html_table(__import__("pandas").DataFrame({"a": [cell]}))
    assert '&lt;b&gt;<span lang="zh-Hans">&lt;i&gt;深圳&lt;/i&gt;</span><code>x&lt;y</code>' in out
