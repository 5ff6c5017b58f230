"""Numbers for readers, in each language.

The report prints its numbers in Chinese (超过7000万, 三四天, 1.15亿人). A language whose record says
``number_style = "printed"`` shows them as printed; the others get a rendering made from the normalised value, the
unit and the hedge (``over 70 million``, ``3 days``, ``115 million people``), with the words from the language record
(``[numbers]``: hedges, unit names, magnitudes). Percentages are written without a space (``88.3%``) everywhere.
"""

from __future__ import annotations

import datetime
import math

import pandas as pd

from .. import languages
from ..languages import Language
from .text import missing


def plain(x: float, digits: int = 3, thousands: str = ",") -> str:
    """A number with thousands separators and at most ``digits`` decimals, trailing zeros dropped."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "?"
    text = f"{int(x):,}" if float(x).is_integer() else f"{x:,.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(",", thousands)


def percent(x: float, digits: int = 1) -> str:
    """``88.3%``: one decimal unless the value is whole."""
    return f"{plain(round(float(x), digits), digits)}%"


def magnitude(x: float, lang: Language) -> str:
    """A large number in words of its language's scale: 70 million, 1.8 trillion; smaller ones with separators."""
    words = lang.numbers["magnitudes"]  # [[1e12, "trillion"], [1e9, "billion"], [1e6, "million"]]
    sep = lang.numbers["thousands"]
    for size, word in words:
        if abs(x) >= size:
            return f"{plain(x / size, thousands=sep)}{lang.numbers['magnitude_sep']}{word}"
    return plain(x, thousands=sep)


def date_text(iso: str, lang: Language) -> str:
    """An ISO date at the precision printed (2020, 2020-12, 2020-11-15) in the language's date style."""
    parts = [int(p) for p in str(iso).split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = lang.numbers["months"][parts[1] - 1]
    if len(parts) == 2:
        return lang.numbers["month_year"].format(month=month, year=parts[0], m=parts[1])
    datetime.date(*parts)  # a date that exists (validation guarantees it; a slip here should be loud)
    return lang.numbers["day_month_year"].format(day=parts[2], month=month, year=parts[0], m=parts[1])


def rendered(value: float, unit: str, qualifier: str = "exact", lang: str = "en", date: str | None = None) -> str:
    """The normalised value as a reader of ``lang`` would write it: hedge, number and unit."""
    lg = languages.get(lang)
    words = lg.numbers
    hedge = words["hedges"].get(qualifier or "exact", "")
    if unit == "date" and date:
        body = date_text(date, lg)
        return f"{words['date_hedges'].get(qualifier, '')}{body}".strip()
    if unit == "ratio":
        return f"{hedge}{plain(value)}:1".strip()
    if unit == "percent":
        return f"{hedge}{percent(value)}".strip()
    sep = words["unit_sep"]
    if qualifier == "several":
        multiple = words["several"].get(str(int(value)) if float(value).is_integer() else "", words["several"]["1"])
        name = words["units_plural"].get(unit, "")
        return f"{multiple}{sep}{name}".strip()
    if unit in words["halves"] and float(value) == 0.5:
        return f"{hedge}{words['halves'][unit]}"
    if unit == "rank":
        return words["rank"].format(n=int(value)) if float(value).is_integer() else plain(value)
    number = magnitude(float(value), lg)
    if unit == "CNY":
        return f"{hedge}{words['currency'].format(amount=number)}".strip()
    name = words["units_plural" if float(value) != 1 else "units_singular"].get(unit, "")
    return f"{hedge}{number}{sep if name else ''}{name}".strip()


def printed(row) -> str:
    """A claim as the report prints it: its printed value with the printed hedge where the report puts it (before
    the number, after it, or already inside the printed value: 三个多月)."""
    value = "" if missing(row.get("value_printed")) else str(row.get("value_printed"))
    hedge = row.get("qualifier_printed")
    if missing(hedge) or not hedge or hedge in value:
        return value
    after = hedge in languages.get("zh").numbers["postfix_hedges"]
    return value + hedge if after else hedge + value


def shown(row, lang: str) -> str:
    """A claim's value for a reader of ``lang``: as printed, or rendered from its normalised value."""
    lg = languages.get(lang)
    if lg.number_style == "printed":
        return printed(row)
    date = row.get("date")
    return rendered(float(row["value"]), row["unit"], row.get("qualifier") or "exact", lang, None if missing(date) else date)


def shown_column(frame: pd.DataFrame, lang: str) -> pd.Series:
    """:func:`shown` for every claim of a frame."""
    return pd.Series([shown(row, lang) for row in frame.to_dict("records")], index=frame.index, dtype=object)
