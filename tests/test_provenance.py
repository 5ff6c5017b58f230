"""The source check: every printed form of the data occurs in the report's text, in the section its row cites."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import read_rows, write_rows

from gba_utils import cli
from gba_utils.data import provenance as P
from gba_utils.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
#: Our copy of the report's text (pdftotext of the publisher's PDF), beside the repository.
SOURCE = ROOT.parent / "shared" / "source" / "gba-digital-governance-report-2022.zh.txt"


def needs_source():
    if not SOURCE.is_file():
        pytest.skip(f"the report's text is not at {SOURCE}; the source check needs it")


SECTIONS = pd.DataFrame(
    {
        "section_id": ["front", "1", "1.1", "1.2", "2", "2.1"],
        "level": [1, 1, 2, 2, 1, 2],
        "number_printed": ["前言", "第一章", "一", "二", "第二章", "一"],
        "title_zh": ["前言", "背景与基础", "政策背景", "建设基础", "探索与成效", "数字政府的探索"],
    }
)
TEXT = "\n".join(
    [
        "封面",
        "前言",
        "这是前言。",
        "目录",
        "第一章 背景与基础\t4",
        "一、政策背景\t5",
        "",
        "第一章",
        "",
        "背景与基础",
        "一、政策背景",
        "组建天空、低空、地面“三张",
        "网”，2021年３月发布。",
        "二、建设基础",
        "超过7000万元的消费。",
        "第二章",
        "探索与成效",
        "一、数字政府探索",
        "服务网点２２６个。",
    ]
)


@pytest.fixture()
def src():
    return P.source(TEXT, SECTIONS)


def test_sections_are_found_by_their_headings_not_in_the_table_of_contents(src):
    assert set(src.spans) == set(SECTIONS["section_id"])
    assert src.heading_line["1"] == 8 and src.heading_line["1.1"] == 11  # the body, not the contents (lines 5, 6)
    a, b = src.spans["1"]
    assert src.spans["1.1"][0] >= a and src.spans["1.2"][1] == b  # a chapter holds its sections
    assert src.fuzzy == {"2.1"}  # printed 数字政府探索, listed 数字政府的探索


def test_a_printed_form_is_found_in_its_section(src):
    assert P.found_in(src, "超过7000万元", ["1.2"])
    assert P.found_in(src, "超过7000万元", ["1"])  # the chapter holds the section
    assert P.found_in(src, "226个", ["2.1"])  # full-width digits in the text


def test_a_printed_form_is_found_across_a_line_break(src):
    assert P.found_in(src, "三张网", ["1.1"])
    assert P.found_in(src, "2021年3月", ["1.1"])


def test_a_missing_form_gets_its_nearest_match(src):
    assert not P.found_in(src, "超过8000万元", ["1.2"])
    what, where = P.nearest(src, P.normalise("超过8000万元"))
    assert "7000万元" in what and "% alike" in what and where.startswith("§1.2, line 15")


def test_a_form_in_another_section_is_a_miss_that_says_where_it_is(src):
    assert not P.found_in(src, "三张网", ["1.2"])
    what, where = P.nearest(src, P.normalise("三张网"))
    assert what == "exact elsewhere" and where.startswith("§1.1, line 12")


def test_the_table_of_contents_belongs_to_no_section(src):
    assert not any(P.found_in(src, "背景与基础4", [s]) for s in src.spans)


def test_our_copy_of_the_report_verifies():
    """Every printed form is found where its row says, or explained in provenance_exceptions.csv."""
    needs_source()
    result = P.verify(SOURCE)
    assert result.sections_found == result.sections, result.render()
    assert result.ok, result.render()
    assert result.checked > 500 and result.found + len(result.explained) == result.checked
    assert len(result.explained) == len(read_rows(ROOT / "data" / "provenance_exceptions.csv")) - 1


def test_a_printed_form_changed_in_the_data_is_caught(data_copy):
    needs_source()
    from helpers import set_cell

    set_cell(data_copy / "policies.csv", "policy_id", "hk-smart-city-blueprint-2-0", "name_zh", "香港智慧城市蓝图3.0")
    result = P.verify(SOURCE, data_copy)
    assert [(m.file, m.key, m.column) for m in result.unexplained] == [("policies.csv", "hk-smart-city-blueprint-2-0", "name_zh")]
    assert "蓝图2.0" in result.unexplained[0].nearest and "§2.2.3.4" in result.unexplained[0].where
    assert cli.main(["verify-source", str(SOURCE), "--data", str(data_copy)]) == 1


def test_an_exception_that_matches_nothing_fails(data_copy):
    needs_source()
    rows = read_rows(data_copy / "provenance_exceptions.csv")
    rows.append(["2022", "claims.csv", "CL230", "value_printed", "no longer needed", "已不需要"])
    write_rows(data_copy / "provenance_exceptions.csv", rows)
    result = P.verify(SOURCE, data_copy)
    assert result.stale == ["claims.csv CL230 value_printed"] and not result.ok


def test_exit_codes(tmp_path, capsys):
    assert cli.main(["verify-source", str(tmp_path / "missing.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("广州".encode("gbk"))
    assert cli.main(["verify-source", str(gbk)]) == 2
    assert "UTF-8" in capsys.readouterr().err
    other = tmp_path / "other.txt"
    other.write_text("一份别的文件\n", encoding="utf-8")
    assert cli.main(["verify-source", str(other)]) == 1
    if SOURCE.is_file():
        assert cli.main(["verify-source", str(SOURCE)]) == 0


def test_read_text_names_the_line_of_bad_bytes(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("第一行\n".encode() + b"\xff\xfe")
    with pytest.raises(InputError, match="line 2"):
        P.read_text(bad)
