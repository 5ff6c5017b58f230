"""Language as data: one record per language, read from ``<code>.toml`` beside this file.

Everything a page, a table or a figure says in one language and not in the other lives in these records: the fixed
strings of tables, captions and page furniture (``ui``), column headers (``columns``), the words inside the audit's
arithmetic (``phrases``), sentences with placeholders (``text``), the titles of figures and tables (``titles``), separators, the data columns that hold the language
(``title_zh`` / ``title_en``), how numbers are shown, and how long lines may run before figures wrap them.

No module branches on a language code: it asks the record. A third language is a third TOML file (and the data
columns and notebook cells in that language); :func:`check_complete` makes sure every record has every key.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
#: Languages of the site, in the order editions are listed.
LANGS: tuple[str, ...] = ("zh", "en")
#: The default language of a notebook (its ``lang`` parameter).
DEFAULT = "zh"


@dataclass(frozen=True)
class Language:
    """Everything about one language that code needs; loaded from ``<code>.toml``."""

    code: str
    name: str  # the language's own name, on links to this edition
    html_lang: str  # BCP 47 tag for lang attributes
    script: str  # ISO 15924 code of the script its text is written in (Hans, Latn)
    column_suffix: str  # data columns in this language end with it: title_zh, summary_en
    city_name_column: str  # cities.csv column with the city's name in this language
    list_sep: str  # between items of a short list (technologies, tiers)
    item_sep: str  # between longer items (case names)
    caption_sep: str  # between "Figure 3" and the title
    caption_number: str  # "{word}{n}" or "{word} {n}"
    label_sep: str  # between a label and its value ("City: Shenzhen")
    number_style: str  # "printed": show numbers as the report prints them; "normalised": from value and unit
    wrap_style: str  # "chars": break after a number of characters; "words": break between words
    wrap: dict  # line widths (characters) by purpose
    figure: dict  # other figure settings
    ui: dict  # fixed strings
    columns: dict  # table headers by column key
    phrases: dict  # words of the audit's arithmetic
    text: dict  # sentences with {placeholders}
    titles: dict  # titles of figures and tables, by key (gba_utils.research.outputs)
    columns_named: dict  # data columns in this language that do not follow <base>_<suffix>
    numbers: dict  # how numbers read: magnitudes, hedges, unit names, dates (gba_utils.research.numbers)

    def col(self, base: str) -> str:
        """The data column of ``base`` in this language: ``col("title")`` is ``title_zh`` or ``title_en``.

        ``columns_named`` names the exceptions (the applicant as printed is the Chinese one: ``applicant_printed``).
        """
        return self.columns_named.get(base, f"{base}_{self.column_suffix}")

    def say(self, key: str, **values) -> str:
        """A sentence of ``text`` with its placeholders filled in."""
        return self.text[key].format(**values)

    @property
    def tag(self) -> str:
        """Notebook cells in this language carry this tag."""
        return f"lang-{self.code}"


@functools.cache
def get(code: str) -> Language:
    """The record of one language; ``ValueError`` names the known ones."""
    if code not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {code!r}")
    raw = tomllib.loads((FOLDER / f"{code}.toml").read_text(encoding="utf-8"))
    return Language(**raw)


def others(code: str) -> tuple[str, ...]:
    """The site's other languages (the editions a page links as its twins)."""
    return tuple(c for c in LANGS if c != code)


def other_tags(code: str | None) -> set[str]:
    """The cell tags of the languages other than ``code``: the narrative a page in ``code`` leaves out (none for
    ``None``, which keeps every language's cells)."""
    return {get(c).tag for c in others(code)} if code else set()


def files() -> list[Path]:
    """The language files (their text shapes pages, so the cache and the web font read them)."""
    return sorted(FOLDER.glob("*.toml"))


def check_complete() -> list[str]:
    """Keys present in one language's record and missing in another's (empty when every record is complete)."""
    raws = {c: tomllib.loads((FOLDER / f"{c}.toml").read_text(encoding="utf-8")) for c in LANGS}
    missing = []
    for section in ("wrap", "figure", "ui", "columns", "phrases", "text", "titles", "numbers", "columns_named"):
        keys = set().union(*(set(r.get(section, {})) for r in raws.values()))
        for code, raw in raws.items():
            missing += [f"{code}.toml [{section}] {k}" for k in sorted(keys - set(raw.get(section, {})))]
    return missing
