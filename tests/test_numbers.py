"""Numbers for readers: the English edition renders each claim from its value, unit and hedge; Chinese shows it as
printed. Checked over every claim of the bundled data, and on the forms the issue tracker quoted."""

from __future__ import annotations

import re

import pytest

from gba_utils import languages
from gba_utils.research.numbers import date_text, magnitude, percent, plain, rendered, shown, shown_column

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def test_every_claim_reads_in_english(ds):
    english = shown_column(ds.claims, "en")
    assert len(english) == len(ds.claims) > 200
    for cid, text in zip(ds.claims["claim_id"], english):
        assert text and not CJK.search(text), (cid, text)
        assert not re.search(r"e[+-]?\d|nan|\?|\s{2}|^\s|\s$", text), (cid, text)


def test_every_unit_and_hedge_of_the_data_has_english_words(ds):
    words = languages.get("en").numbers
    special = {"percent", "CNY", "date", "rank", "ratio"}
    for unit in set(ds.claims["unit"]) - special:
        assert unit in words["units_plural"] and unit in words["units_singular"], unit
    for qualifier in set(ds.claims["qualifier"].dropna()):
        assert qualifier in words["hedges"], qualifier


def test_chinese_shows_the_printed_form(ds):
    row = ds.claims[ds.claims["claim_id"] == "CL048"].iloc[0]
    assert shown(row, "zh") == "超过170所"
    assert shown(row, "en") == "over 170"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((7e7, "count", "over"), "over 70 million"),
        ((1.15e8, "person", "exact"), "115 million people"),
        ((3.0, "day", "exact"), "3 days"),
        ((1.0, "day", "exact"), "1 day"),
        ((0.5, "year", "under"), "under half a year"),
        ((24.0, "hour", "under"), "under 24 hours"),
        ((1.8e12, "CNY", "exact"), "CNY 1.8 trillion"),
        ((3.58e13, "CNY", "exact"), "CNY 35.8 trillion"),
        ((88.3, "percent", "nearly"), "nearly 88.3%"),
        ((90.0, "percent", "exact"), "90%"),
        ((3.0, "rank", "exact"), "No. 3"),
        ((100.0, "count", "several"), "hundreds"),
        ((4820.0, "count", "over"), "over 4,820"),
    ],
)
def test_renderings(args, expected):
    assert rendered(*args, lang="en") == expected


def test_dates_at_the_precision_printed():
    en = languages.get("en")
    assert date_text("2020", en) == "2020"
    assert date_text("2020-12", en) == "Dec 2020"
    assert date_text("2021-09-30", en) == "30 Sep 2021"
    assert rendered(2021.0, "date", "no_later_than", "en", date="2021-06") == "by Jun 2021"
    with pytest.raises(ValueError):
        date_text("2021-02-30", en)  # a date that does not exist is loud, never shown


def test_plain_numbers_percent_and_magnitudes():
    en = languages.get("en")
    assert plain(1186) == "1,186" and plain(2.50) == "2.5" and plain(1 / 3) == "0.333"
    assert percent(88.2968) == "88.3%" and percent(100.0) == "100%"  # no space before %, in every language
    assert magnitude(5e10, en) == "50 billion" and magnitude(4820, en) == "4,820"
