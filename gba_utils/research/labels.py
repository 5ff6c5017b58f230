"""Labels of codes in one language: ``labeller(vocabulary, code)``.

The fixed strings (``ui``), column headers and the audit's phrasebook come from the language record
(:mod:`gba_utils.languages`); the labels of codes come from the data (``labels.csv``, city and district names).
"""

from __future__ import annotations

import re

import pandas as pd

from .. import languages
from ..data.filters import conditions
from ..data.schema import BY_NAME, CITY, DISTRICT, SCOPE
from ..languages import Language
from .text import missing

#: Words inside the audit's arithmetic: :mod:`gba_utils.research.audit` writes them as ``⟦key⟧`` (a phrase of the
#: language record) or ``⟦vocabulary:code⟧`` (a label from labels.csv); :meth:`Labeller.phrase` fills them in.
PHRASE = re.compile(r"⟦(\w+)(?::(\w+))?⟧")


class Labeller:
    """``labeller(vocab, code)`` gives a code's label in one language.

    Vocabularies come from ``labels.csv``; ``city`` and ``district`` from their tables;
    ``scope`` from both. Unknown codes raise ``KeyError`` (validation makes that impossible
    for loaded data, so a miss is a programming error and should be loud).
    """

    def __init__(self, labels: pd.DataFrame, cities: pd.DataFrame, districts: pd.DataFrame, sections: pd.DataFrame, lang: str):
        self.language: Language = languages.get(lang)
        self.lang = lang
        lg = self.language
        self._table: dict[tuple[str, str], str] = {
            (v, c): text for v, c, text in zip(labels["vocabulary"], labels["code"], labels[lg.col("label")])
        }
        self._order: dict[tuple[str, str], int] = {
            (v, c): int(s) for v, c, s in zip(labels["vocabulary"], labels["code"], labels["sort"])
        }
        for i, (c, n) in enumerate(zip(cities["city_code"], cities[lg.city_name_column])):
            self._table[("city", c)] = n
            self._table[("scope", c)] = n
            self._order[("city", c)] = i
        for c, n in zip(districts["district_code"], districts[lg.col("name")]):
            self._table[("district", c)] = n
        self._sections = dict(zip(sections["section_id"], sections[lg.col("title")]))

    @classmethod
    def of(cls, ds, lang: str) -> Labeller:
        """The labeller of a loaded :class:`~gba_utils.data.Dataset` in ``lang``."""
        return cls(ds.labels, ds.cities, ds.districts, ds.sections, lang)

    def __call__(self, vocab: str, code) -> str:
        if missing(code):
            return ""
        return self._table[(vocab, code)]

    def map(self, vocab: str, values) -> pd.Series:
        return pd.Series(values).map(lambda c: self(vocab, c))

    def order(self, vocab: str) -> list[str]:
        """Codes of a vocabulary in display order."""
        codes = [(self._order[k], k[1]) for k in self._order if k[0] == vocab]
        return [c for _, c in sorted(codes)]

    def section(self, section_id: str) -> str:
        """'§2.1 Overview of the case collection' (or its Chinese title)."""
        if section_id in ("front",):
            return self._sections[section_id]
        return f"§{section_id} {self._sections[section_id]}"

    def col(self, base: str) -> str:
        """The data column of ``base`` in this language (``name`` → ``name_zh``)."""
        return self.language.col(base)

    def ui(self, key: str) -> str:
        return self.language.ui[key]

    def say(self, key: str, **values) -> str:
        """A sentence of the language record with its placeholders filled in."""
        return self.language.say(key, **values)

    def phrase(self, text: str) -> str:
        """Put ``⟦key⟧`` (phrases of the language record) and ``⟦vocabulary:code⟧`` (labels.csv) in this language,
        and the separators the arithmetic is written with ("; " between parts, ": " before a result) in its
        punctuation (full-width in Chinese)."""

        def word(m: re.Match) -> str:
            return self(m.group(1), m.group(2)) if m.group(2) else self.language.phrases[m.group(1)]

        lg = self.language
        out = PHRASE.sub(word, text).replace("; ", lg.item_sep).replace(": ", lg.label_sep)
        for sep in {lg.item_sep, lg.label_sep} - {"; ", ": "}:  # full-width marks take no space after them
            out = out.replace(sep + " ", sep)
        return out

    def column(self, key: str) -> str:
        return self.language.columns.get(key, key)

    def conditions(self, flt: str | None, table: str = "cases") -> str:
        """A filter of rows of ``table`` in words: ``admin_level=city&region_code=guangzhou`` reads "Level: City;
        Counted under: Guangzhou" (or its Chinese)."""
        table = BY_NAME[table]
        vocab_of = {CITY: "city", DISTRICT: "district", SCOPE: "scope"}
        parts = []
        for column, value in conditions(flt):
            field = table.field(column)
            vocab = vocab_of.get(field.vocab, field.vocab)
            parts.append(self.say("condition", column=self.column(column), value=self(vocab, value) if vocab else value))
        return self.say("conditions_and").join(parts) if parts else self.ui("every_case")

    def table(self, name: str) -> str:
        """The title of a data table (``cities`` reads "The 9+2 cities") in this language."""
        return getattr(BY_NAME[name], f"title_{self.language.column_suffix}")
