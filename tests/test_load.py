"""Loading: one call reads every table, types it, and reproduces the report's structure."""

import pandas as pd
import pytest

import gba_utils
from gba_utils import paths
from gba_utils.data import data_version
from gba_utils.data.schema import TABLES
from gba_utils.errors import DataError


def test_every_row_of_every_table_is_loaded(ds):
    """Nothing is dropped on the way: each table has as many rows as its file has records of the edition."""
    import csv

    from gba_utils import paths

    for table in TABLES:
        with open(paths.DATA / table.path, encoding="utf-8-sig", newline="") as fh:
            records = [r for r in csv.DictReader(fh) if r.get("edition", "2022") == "2022"]
        assert len(ds.tables[table.name]) == len(records) > 0, table.name


def test_types_are_explicit(ds):
    assert str(ds.claims["value"].dtype) == "Float64"
    assert str(ds.cases["appendix_no"].dtype) == "Int64"
    assert ds.cases["case_id"].map(type).eq(str).all()


def test_thirty_four_cases_in_three_tiers(ds):
    assert len(ds.cases) == 34
    assert ds.cases["tier"].value_counts().to_dict() == {"shortlisted": 18, "excellent": 15, "invited": 1}


def test_every_case_has_an_appendix_entry_and_is_unique(ds):
    assert set(ds.cases["appendix_section"]) <= {"A.1", "A.2.eco", "A.2.soc", "A.2.gov", "A.3"}


def test_nine_plus_two_cities(ds):
    from gba_utils.data.codes import city_codes

    assert sorted(ds.cities["city_code"]) == sorted(city_codes())
    assert ds.cities["jurisdiction"].value_counts().to_dict() == {"guangdong": 9, "hong_kong": 1, "macao": 1}


def test_claims_are_numbers_with_units_and_sources(ds):
    assert len(ds.claims) > 150
    assert set(ds.claims["unit"]) >= {"CNY", "percent", "count", "person"}
    printed = ds.claims["qualifier_printed"].fillna("") + ds.claims["value_printed"]
    assert printed.str.contains(r"\d|[一二三四五六七八九十百千万亿两数几半]|去年|今年").all()


def test_normalised_values_follow_the_printed_multiplier(ds):
    """万 = 1e4, 亿 = 1e8, 万亿 = 1e12: the normalised value agrees with the printed digits."""
    import re

    mult = {"万亿": 1e12, "亿": 1e8, "万": 1e4}
    checked = 0
    for _, c in ds.claims.iterrows():
        m = re.fullmatch(r"([\d.]+)(万亿|亿|万)[^\d]*", str(c["value_printed"]))
        if m:
            assert c["value"] == pytest.approx(float(m.group(1)) * mult[m.group(2)]), c["claim_id"]
            checked += 1
    assert checked >= 15


def test_unknown_edition_is_an_error(ds):
    with pytest.raises(DataError, match="edition"):
        gba_utils.load(edition=2031)


def test_data_version_is_a_content_hash(data_copy):
    before = data_version(data_copy)
    assert before == data_version(data_copy)
    (data_copy / "cases.csv").write_text((data_copy / "cases.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert data_version(data_copy) != before


def test_load_from_another_folder(data_copy):
    ds = gba_utils.load(data_dir=data_copy)
    assert len(ds.cases) == 34
    assert isinstance(ds.cases, pd.DataFrame)


def test_loading_twice_gives_independent_copies():
    """Validated tables are reused within a process (warm kernels), but no caller sees another's changes."""
    first = gba_utils.load()
    first.cases.loc[0, "name_en"] = "changed by a notebook"
    first.tables["cases"] = first.cases.iloc[:0]
    second = gba_utils.load()
    assert len(second.cases) == 34
    assert "changed by a notebook" not in set(second.cases["name_en"])


def test_a_file_changed_after_loading_is_validated_again(data_copy):
    gba_utils.load(data_dir=data_copy)
    path = data_copy / "cases.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",shortlisted,", ",short-listed,", 1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        gba_utils.load(data_dir=data_copy)
    assert "short-listed" in str(err.value)


def test_a_later_process_reads_the_tables_an_earlier_one_validated_and_nothing_stale(data_copy, tmp_path, monkeypatch):
    from gba_utils.data import loading

    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    loading._VALIDATED.clear()
    first = gba_utils.load(data_dir=data_copy)
    kept = list((tmp_path / "build" / "cache" / "validated").glob("*.pickle"))
    assert len(kept) == 1
    loading._VALIDATED.clear()  # as in a new process
    monkeypatch.setattr(loading, "check", lambda directory: pytest.fail("validated again although nothing changed"))
    again = gba_utils.load(data_dir=data_copy)
    assert all(again.tables[k].equals(v) for k, v in first.tables.items())
    monkeypatch.undo()
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    loading._VALIDATED.clear()
    readme = data_copy / "notes.txt"  # any file of the folder is part of what was validated
    readme.write_text("a note", encoding="utf-8")
    path = data_copy / "cases.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",shortlisted,", ",short-listed,", 1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        gba_utils.load(data_dir=data_copy)
    assert "short-listed" in str(err.value)
    assert len(list((tmp_path / "build" / "cache" / "validated").glob("*.pickle"))) == 1  # nothing kept for bad data


def test_a_damaged_validated_copy_is_validated_again_not_trusted(data_copy, tmp_path, monkeypatch):
    from gba_utils.data import loading

    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    loading._VALIDATED.clear()
    gba_utils.load(data_dir=data_copy)
    (kept,) = (tmp_path / "build" / "cache" / "validated").glob("*.pickle")
    kept.write_bytes(b"not a pickle")
    loading._VALIDATED.clear()
    calls = []
    real = loading.check
    monkeypatch.setattr(loading, "check", lambda directory: calls.append(1) or real(directory))
    assert len(gba_utils.load(data_dir=data_copy).cases) == 34
    assert calls == [1]
