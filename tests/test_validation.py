"""Each validation rule, proved by a broken copy of the data that it must catch.

Every error names the file, the line, the column, the value and what was expected,
and all problems are listed together.
"""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import read_rows, set_cell, write_rows

import gba_utils
from gba_utils.errors import DataError, EncodingProblem


def problems_of(data_dir):
    with pytest.raises(DataError) as err:
        gba_utils.load(data_dir=data_dir)
    return err.value.problems


def only(problems, check):
    found = [p for p in problems if p.check == check or check in p.check]
    assert found, f"no {check!r} problem in {[str(p) for p in problems]}"
    return found


def test_every_rule_passes_on_the_bundled_data():
    """Each table's rules and each named cross-table check, run one by one on the real data, find nothing."""
    from gba_utils import paths
    from gba_utils.data import validation
    from gba_utils.data.geometry import check_geometry
    from gba_utils.data.loading import read_all

    reads, files = read_all(paths.DATA)
    assert not [p for r in reads.values() for p in r.problems]
    typed, problems = validation.validate_all(reads, files, paths.DATA)
    assert problems == [] and set(typed) == set(reads)
    for check in validation.CHECKS:
        assert check(typed, files) == [], check.__name__
    assert check_geometry(paths.DATA, typed["cities"]) == []


def test_unknown_code(data_copy):
    line = set_cell(data_copy / "cases.csv", "case_id", "C2022-05", "domain", "govt")
    p = only(problems_of(data_copy), "unknown-code")[0]
    assert (p.file, p.row, p.column, p.value) == ("cases.csv", line, "domain", "govt")
    assert "economy" in p.expected and "government" in p.expected


def test_wrong_type(data_copy):
    line = set_cell(data_copy / "claims.csv", "claim_id", "CL200", "value", "thirty-four")
    p = only(problems_of(data_copy), "coerce")[0]
    assert (p.row, p.column, p.value) == (line, "value", "thirty-four")
    assert p.expected == "a number"


def test_wrong_integer(data_copy):
    set_cell(data_copy / "cases.csv", "case_id", "C2022-07", "appendix_no", "1.5")
    p = only(problems_of(data_copy), "coerce")[0]
    assert p.column == "appendix_no" and p.expected == "a whole number"


def test_required_value_missing(data_copy):
    line = set_cell(data_copy / "cases.csv", "case_id", "C2022-10", "tier", "")
    p = only(problems_of(data_copy), "not_nullable")[0]
    assert (p.row, p.column) == (line, "tier")


def test_pattern(data_copy):
    rows = read_rows(data_copy / "decisions.csv")
    rows[3][1] = "D3"
    write_rows(data_copy / "decisions.csv", rows)
    p = only(problems_of(data_copy), "pattern")[0]
    assert (p.row, p.column, p.value) == (4, "decision_id", "D3")


def test_duplicate_id(data_copy):
    rows = read_rows(data_copy / "claims.csv")
    rows.append(list(rows[5]))
    write_rows(data_copy / "claims.csv", rows)
    found = only(problems_of(data_copy), "duplicate")
    assert {p.row for p in found} >= {6, len(rows)}


def test_reference_that_resolves_nowhere(data_copy):
    line = set_cell(data_copy / "claims.csv", "claim_id", "CL501", "case_id", "C2022-99")
    p = only(problems_of(data_copy), "foreign-key")[0]
    assert (p.file, p.row, p.column, p.value) == ("claims.csv", line, "case_id", "C2022-99")


def test_reference_inside_a_list(data_copy):
    line = set_cell(data_copy / "cases.csv", "case_id", "C2022-03", "ch2_sections", "2.1;9.9")
    p = only(problems_of(data_copy), "foreign-key")[0]
    assert (p.row, p.column, p.value) == (line, "ch2_sections", "9.9")


def test_case_link_to_a_missing_measure(data_copy):
    rows = read_rows(data_copy / "case_links.csv")
    header = rows[0]
    target = next(i for i, r in enumerate(rows[1:], 2) if r[header.index("target_type")] == "measure")
    rows[target - 1][header.index("target_id")] = "R9.M99"
    write_rows(data_copy / "case_links.csv", rows)
    p = only(problems_of(data_copy), "foreign-key")[0]
    assert (p.file, p.row, p.column, p.value) == ("case_links.csv", target, "target_id", "R9.M99")


def test_problem_hierarchy(data_copy):
    line = set_cell(data_copy / "problems.csv", "problem_id", "P2.1", "parent_id", "P3")
    p = only(problems_of(data_copy), "hierarchy")[0]
    assert (p.row, p.column, p.value) == (line, "parent_id", "P3")


def test_measure_belongs_to_its_recommendation(data_copy):
    line = set_cell(data_copy / "measures.csv", "measure_id", "R1.M01", "rec_id", "R2")
    p = only(problems_of(data_copy), "hierarchy")[0]
    assert (p.file, p.row, p.column) == ("measures.csv", line, "rec_id")


def test_chapter2_aggregate_must_reproduce(data_copy):
    """Recoding one case's domain breaks the printed 18/11/5 split: validation says which count and where it is printed."""
    set_cell(data_copy / "cases.csv", "case_id", "C2022-30", "domain", "government")
    found = only(problems_of(data_copy), "aggregate")
    text = " ".join(str(p) for p in found)
    assert "CL225" in text and "CL226" in text and "18件" in text


def test_aggregate_filter_on_unknown_column(data_copy):
    line = set_cell(data_copy / "case_aggregates.csv", "claim_id", "CL204", "filter", "level=city")
    p = only(problems_of(data_copy), "filter")[0]
    assert (p.file, p.row, p.column, p.value) == ("case_aggregates.csv", line, "filter", "level=city")


def test_missing_renamed_and_extra_columns(data_copy):
    rows = read_rows(data_copy / "cities.csv")
    rows[0][rows[0].index("name_en")] = "english_name"
    for r in rows:
        r.append("x")
    rows[0][-1] = "population"
    write_rows(data_copy / "cities.csv", rows)
    found = problems_of(data_copy)
    assert {(p.column, p.check) for p in found} >= {
        ("name_en", "missing-column"),
        ("english_name", "unknown-column"),
        ("population", "unknown-column"),
    }
    assert all(p.row == 1 for p in found if p.file == "cities.csv")


def test_ragged_row(data_copy):
    rows = read_rows(data_copy / "labels.csv")
    rows[10] = rows[10][:-1]
    write_rows(data_copy / "labels.csv", rows)
    p = only(problems_of(data_copy), "ragged-row")[0]
    assert (p.file, p.row) == ("labels.csv", 11)


def test_empty_file(data_copy):
    (data_copy / "districts.csv").write_bytes(b"")
    p = only(problems_of(data_copy), "empty-file")[0]
    assert p.file == "districts.csv" and "header" in p.expected


def test_header_only_file(data_copy):
    """No rows: every reference to the table fails, and the message says which."""
    header = read_rows(data_copy / "sections.csv")[0]
    write_rows(data_copy / "sections.csv", [header])
    found = only(problems_of(data_copy), "foreign-key")
    assert any(p.column == "section_id" and p.file == "claims.csv" for p in found)


def test_gbk_file_is_rejected_with_a_reason(data_copy):
    text = (data_copy / "cases.csv").read_text(encoding="utf-8")
    (data_copy / "cases.csv").write_bytes(text.encode("gbk"))
    with pytest.raises(EncodingProblem) as err:
        gba_utils.load(data_dir=data_copy)
    p = err.value.problems[0]
    assert p.file == "cases.csv" and p.row == 2
    assert "GBK" in p.expected and "UTF-8" in p.expected


def test_bom_and_crlf_are_read_correctly(data_copy, ds):
    for name in ("cases.csv", "claims.csv"):
        text = (data_copy / name).read_text(encoding="utf-8")
        (data_copy / name).write_bytes("\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8"))
    again = gba_utils.load(data_dir=data_copy)
    assert again.cases.equals(ds.cases)
    assert again.claims.equals(ds.claims)


def test_stray_and_ideographic_whitespace_around_codes_is_trimmed(data_copy, ds):
    set_cell(data_copy / "cases.csv", "case_id", "C2022-12", "domain", " government\u3000")
    again = gba_utils.load(data_dir=data_copy)
    assert again.cases.equals(ds.cases)


def test_full_width_digits_in_numbers_and_codes_are_normalised(data_copy, ds):
    set_cell(data_copy / "cases.csv", "case_id", "C2022-12", "appendix_no", "１")
    set_cell(data_copy / "claims.csv", "claim_id", "CL200", "value", "３４")
    again = gba_utils.load(data_dir=data_copy)
    assert again.cases.equals(ds.cases)
    assert again.claims.equals(ds.claims)


def test_full_width_punctuation_in_a_code_is_an_error(data_copy):
    set_cell(data_copy / "cases.csv", "case_id", "C2022-12", "ch2_sections", "2.1，2.2")
    p = only(problems_of(data_copy), "foreign-key")[0]
    assert p.value == "2.1,2.2" and p.column == "ch2_sections"


def test_all_problems_are_listed_at_once(data_copy):
    set_cell(data_copy / "cases.csv", "case_id", "C2022-05", "domain", "govt")
    set_cell(data_copy / "claims.csv", "claim_id", "CL200", "value", "many")
    set_cell(data_copy / "policies.csv", "policy_id", "cn-14th-fyp-outline", "jurisdiction", "mars")
    found = problems_of(data_copy)
    assert {p.file for p in found} >= {"cases.csv", "claims.csv", "policies.csv"}
    message = str(DataError(found))
    assert "cases.csv" in message and "claims.csv" in message and "mars" in message


def test_text_holding_markup_is_read_as_text(data_copy):
    set_cell(data_copy / "cases.csv", "case_id", "C2022-12", "name_en", "<script>alert(1)</script>")
    again = gba_utils.load(data_dir=data_copy)
    assert again.cases.set_index("case_id").loc["C2022-12", "name_en"] == "<script>alert(1)</script>"


def test_an_outside_date_is_encoded_as_a_date_claim_is(data_copy):
    """value and year are the year of the ISO date; the stopgap YYYYMMDD in value is refused, as is a missing date."""
    path = data_copy / "outside_references.csv"
    line = set_cell(path, "ref_id", "R03", "value", "20210730")
    missing = set_cell(path, "ref_id", "R15", "date", "")
    stray = set_cell(path, "ref_id", "R01", "date", "2021-12-31")
    found = only(problems_of(data_copy), "date")
    assert {(p.file, p.row, p.column) for p in found} >= {
        ("outside_references.csv", line, "value"),
        ("outside_references.csv", missing, "date"),
        ("outside_references.csv", stray, "date"),
    }
    assert any("2021, the year of the date 2021-07-30" in p.expected for p in found)


def test_an_outside_date_must_exist(data_copy):
    line = set_cell(data_copy / "outside_references.csv", "ref_id", "R06", "date", "2021-06-31")
    p = only(problems_of(data_copy), "date")[0]
    assert (p.file, p.row, p.column, p.value) == ("outside_references.csv", line, "date", "2021-06-31")


def test_an_audit_check_names_a_claim_or_a_policy(data_copy):
    line = set_cell(data_copy / "audit_checks.csv", "check_id", "A22", "policy_ids", "")
    p = only(problems_of(data_copy), "audit")[0]
    assert (p.file, p.row, p.column) == ("audit_checks.csv", line, "claim_ids")


def test_a_check_with_an_outside_figure_says_so_in_its_titles(data_copy):
    line = set_cell(data_copy / "audit_checks.csv", "check_id", "A13", "title_en", "Yueshengxin daily requests per 10,000")
    p = only(problems_of(data_copy), "audit")[0]
    assert (p.file, p.row, p.column) == ("audit_checks.csv", line, "title_en") and "outside figure" in p.expected


def test_an_audit_check_of_a_policy_that_does_not_exist(data_copy):
    line = set_cell(data_copy / "audit_checks.csv", "check_id", "A23", "policy_ids", "gd-no-such-plan")
    p = only(problems_of(data_copy), "foreign-key")[0]
    assert (p.file, p.row, p.column, p.value) == ("audit_checks.csv", line, "policy_ids", "gd-no-such-plan")


def test_a_district_level_case_names_its_district(data_copy):
    line = set_cell(data_copy / "cases.csv", "case_id", "C2022-23", "district_code", "")
    found = problems_of(data_copy)
    p = only(found, "district")[0]
    assert (p.file, p.row, p.column) == ("cases.csv", line, "district_code")
    assert any(q.check == "aggregate" and "CL212" in q.expected for q in found)  # and the Baiyun count no longer holds


def test_a_case_district_lies_in_its_city(data_copy):
    line = set_cell(data_copy / "cases.csv", "case_id", "C2022-31", "district_code", "luohu")
    p = only(problems_of(data_copy), "district")[0]
    assert (p.file, p.row, p.column, p.value) == ("cases.csv", line, "district_code", "luohu")
    assert "shenzhen" in p.expected


def test_a_measure_level_link_names_a_measure_of_its_recommendation(data_copy):
    rows = read_rows(data_copy / "problem_recommendation.csv")
    header = rows[0]
    line = next(i for i, r in enumerate(rows[1:], 2) if r[header.index("measure_id")] == "R4.M08")
    rows[line - 1][header.index("rec_id")] = "R1"
    write_rows(data_copy / "problem_recommendation.csv", rows)
    p = only(problems_of(data_copy), "hierarchy")[0]
    assert (p.file, p.row, p.column, p.value) == ("problem_recommendation.csv", line, "measure_id", "R4.M08")


def test_a_provenance_exception_names_a_printed_column_of_an_existing_row(data_copy):
    rows = read_rows(data_copy / "provenance_exceptions.csv")
    rows.append(["2022", "claims.csv", "CL999", "value_printed", "x", "某"])
    rows.append(["2022", "claims.csv", "CL230", "subject_en", "x", "某"])
    rows.append(["2022", "problems.csv", "P1", "title_zh", "x", "某"])
    write_rows(data_copy / "provenance_exceptions.csv", rows)
    found = problems_of(data_copy)
    got = {(p.row, p.column, p.value) for p in found if p.file == "provenance_exceptions.csv"}
    n = len(rows)
    assert got >= {(n - 2, "key", "CL999"), (n - 1, "column", "subject_en"), (n, "file", "problems.csv")}


def test_cells_gives_what_iterating_the_column_gives(ds):
    """filters.cells copies text columns out at C speed; the values (missing ones too) and their types are those that
    iterating the column gives, for every column of every table."""
    from gba_utils.data.filters import cells

    def same(a, b):
        return type(a) is type(b) and (a is b or a == b or (a != a and b != b))

    for name, frame in ds.tables.items():
        for column in frame.columns:
            got, want = cells(frame[column]), list(frame[column])
            assert len(got) == len(want) and all(map(same, got, want)), (name, column)
    text = pd.Series(["a;b", None, "c"], dtype="str")
    assert cells(text)[0] == "a;b" and cells(text)[1] != cells(text)[1]  # the missing value stays missing (NaN)
