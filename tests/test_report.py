"""Tables as readers see them: escaped, numbers aligned right, short codes and labels kept on one line."""

import re

import pandas as pd

from gba_utils.research.tables import INLINE, column_class, html_table


def test_table_is_escaped_and_has_no_index_and_only_the_class_styles():
    frame = pd.DataFrame({"name": ['<script>alert("x")</script> and a long enough text'], "n": [3]})
    out = html_table(frame)
    assert "<script>" not in out and "&lt;script&gt;" in out
    styles = set(re.findall(r'style="([^"]*)"', out))
    assert styles == {INLINE["num"]} and out.count("<tr>") == 2  # JupyterLab loads no stylesheet of ours
    assert out.startswith('<table class="gba-table">') and out.endswith("</table>")


def test_numbers_align_right_whether_typed_or_printed():
    assert column_class(pd.Series([1, 22, 333]), "n") == "num"
    assert column_class(pd.Series(["88.3 %", "≈ 90 %", "4,820", "", None]), "value") == "num"
    assert column_class(pd.Series(["34", "4 / 12"]), "Count") == "num"
    assert column_class(pd.Series(["2.5.1", "1.2"]), "Section") == "short"  # section ids are not numbers
    assert column_class(pd.Series(pd.array([1, None], dtype="Int64")), "n") == "num"
    assert column_class(pd.Series(["5,118万件"]), "value") != "num"  # a unit makes it text
    assert column_class(pd.Series([True, False]), "flag") == "short"


def test_short_labels_stay_on_one_line_long_text_wraps():
    assert column_class(pd.Series(["不一致", "取整宽松", "同一数字两处表述"]), "结论") == "short"
    assert column_class(pd.Series(["S-CL053", "A12"]), "编号") == "short"
    assert column_class(pd.Series(["广州塔平台智能识别事件占比"]), "检验") == ""
    assert column_class(pd.Series(["ok"]), "a header that is long") == ""


def test_missing_values_are_empty_cells():
    out = html_table(pd.DataFrame({"a": pd.array([None, 2], dtype="Int64"), "b": [None, "x"]}))
    assert f'<td class="num" style="{INLINE["num"]}"></td>' in out
    assert f'<td class="short" style="{INLINE["short"]}"></td>' in out
    assert "nan" not in out and "None" not in out and "&lt;NA&gt;" not in out


def test_a_table_longer_than_a_page_shows_its_first_rows_and_says_where_the_rest_is(monkeypatch):
    import pandas as pd

    import gba_utils
    from gba_utils.research import session as session_module
    from gba_utils.research.tables import PAGE_ROWS

    shown = []
    monkeypatch.setattr(session_module, "_publish", lambda data, metadata=None: shown.append(data))
    for lang, total_text in (("en", f"{PAGE_ROWS + 5:,}"), ("zh", f"{PAGE_ROWS + 5:,}")):
        s = gba_utils.setup("02_cases", lang=lang)
        shown.clear()
        key = next(k for k, item in session_module.BY_KEY.items() if item.kind == "table" and item.notebook == "02_cases")
        s.table(key, pd.DataFrame({"case_id": [f"C{i:05d}" for i in range(PAGE_ROWS + 5)]}))
        page = shown[0]["text/html"]
        assert page.count("<tr>") == PAGE_ROWS + 1  # the header and the first PAGE_ROWS rows
        assert "C00000" in page and f"C{PAGE_ROWS - 1:05d}" in page and f"C{PAGE_ROWS:05d}" not in page
        assert total_text in page and s.labels.ui("rows_shown").split("{")[0] in page
        assert total_text in shown[0]["text/plain"]
        shown.clear()
        s.table(key, pd.DataFrame({"case_id": [f"C{i:05d}" for i in range(PAGE_ROWS)]}))
        assert shown[0]["text/html"].count("<tr>") == PAGE_ROWS + 1 and "gba-note" not in shown[0]["text/html"]
