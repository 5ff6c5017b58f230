"""Parameters are checked before a notebook runs: unknown names, misspellings and wrong types are errors."""

import pytest

from gba_utils.errors import ParameterError
from gba_utils.research.params import PARAMETERS, check


def test_defaults():
    assert check({}) == {p.name: p.default for p in PARAMETERS.values()}


def test_unknown_name_lists_the_allowed_ones():
    with pytest.raises(ParameterError) as err:
        check({"cty": "shenzhen"}, notebook="02_cases")
    e = err.value
    assert e.parameter == "cty" and e.notebook == "02_cases"
    assert "did you mean 'city'" in str(e) and "domain" in e.expected


def test_misspelt_city_suggests_the_right_one():
    with pytest.raises(ParameterError) as err:
        check({"city": "shenzen"})
    assert "did you mean 'shenzhen'" in str(err.value)
    assert "hong_kong" in err.value.expected


@pytest.mark.parametrize("name,value", [("edition", "2022"), ("edition", 2022.0), ("edition", True), ("lang", 1), ("city", None)])
def test_wrong_type(name, value):
    with pytest.raises(ParameterError, match="type"):
        check({name: value})


def test_unknown_edition():
    with pytest.raises(ParameterError, match=r"\[2022\]"):
        check({"edition": 2021})


def test_data_dir_must_exist(tmp_path):
    assert check({"data_dir": str(tmp_path)})["data_dir"] == str(tmp_path)
    with pytest.raises(ParameterError, match="existing folder"):
        check({"data_dir": str(tmp_path / "missing")})


@pytest.mark.parametrize(
    "value", ['all"\nimport os; os.system("touch /tmp/pwned")\n#', "all'); import os; ('", "all\\", "${HOME}"]
)
def test_strings_built_to_escape_the_cell_are_rejected(value):
    with pytest.raises(ParameterError):
        check({"city": value})


def test_declared_limits_names():
    with pytest.raises(ParameterError):
        check({"domain": "society"}, declared={"lang", "city"})
    assert check({"city": "macao"}, declared={"lang", "city"}) == {"lang": "zh", "city": "macao"}
