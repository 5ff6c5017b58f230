"""Text that mixes languages, marked for readers: spans in another language carry their ``lang`` attribute (screen
readers and fonts switch), codes written in Latin letters are marked as code. No pandas here: the build's workers use it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .. import languages


def missing(value) -> bool:
    """True for an empty cell: None, NaN or pandas' NA (never for text)."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(value != value)  # NaN is the only value unequal to itself
    except TypeError:  # pandas' NA answers NA, whose truth is undefined
        return True


#: Runs of Chinese script (ideographs and CJK punctuation, with the numbers inside them), Latin letters, CJK characters.
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d"  # written as escapes: the regex reads them
CJK_RUN = re.compile(rf"(?:\d[\d.,]*)?[{_CJK}](?:(?:[{_CJK}\d.%·/\-\u2013\u2014 ]|(?<=\d),(?=\d))*[{_CJK}])?")
LETTER = re.compile(r"[A-Za-z]")
CJK_CHAR = re.compile(rf"[{_CJK}]")
CODE_TOKEN = re.compile(
    r"\b[a-z][a-z0-9_]*\.(?:csv|xlsx|json|toml|py|ipynb)\b|\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]{2,}\b"
)


@dataclass(frozen=True)
class Span:
    """Text kept in a language other than the page's (a name, a title, a printed form), or a code."""

    text: str | Rich  # a Rich inside: a passage in another language that itself quotes the page's language
    lang: str | None = None  # a language code of gba_utils.languages ("zh") or a BCP 47 tag ("zh-Hant")
    code: bool = False

    def __str__(self) -> str:
        return str(self.text)

    def html(self) -> str:
        inner = self.text.html() if isinstance(self.text, Rich) else html.escape(self.text)
        if self.code:
            return f"<code>{inner}</code>"
        tag = languages.get(self.lang).html_lang if self.lang in languages.LANGS else self.lang
        return f'<span lang="{tag}">{inner}</span>'


class Rich(tuple):
    """A cell made of plain text and :class:`Span` parts."""

    def __str__(self) -> str:
        return "".join(map(str, self))

    def html(self) -> str:
        return "".join(p.html() if isinstance(p, (Span, Rich)) else html.escape(str(p)) for p in self)


def _script_lang(script: str) -> str | None:
    return next((c for c in languages.LANGS if languages.get(c).script == script), None)


def _marked(text: str, cjk_lang: str | None, latin_lang: str | None) -> list:
    """``text`` cut into Chinese runs and what lies between; each marked with its language when one is given (a
    stretch between Chinese runs counts as Latin when it holds a letter, and keeps its own punctuation)."""
    parts, last = [], 0

    def gap(segment: str) -> None:
        if latin_lang is None or not LETTER.search(segment):
            parts.append(segment)
            return
        core = segment.strip()
        lead, trail = segment[: len(segment) - len(segment.lstrip())], segment[len(segment.rstrip()) :]
        parts.extend([lead, Span(core, latin_lang), trail])

    for m in CJK_RUN.finditer(text):
        if m.start() > last:
            gap(text[last : m.start()])
        parts.append(Span(m.group(), cjk_lang) if cjk_lang else m.group())
        last = m.end()
    if last < len(text):
        gap(text[last:])
    return [p for p in parts if p]


def mixed(text: str, page_lang: str, base: str | None = None) -> Rich | str:
    """``text`` written in both scripts on purpose (a citation of a Chinese document, a note quoting a printed
    form), marked for a page in ``page_lang``. ``base`` is the language the text is written in; without it, the
    script it mostly uses (a Chinese character counting for two letters). Runs in the other script are marked, and
    if the text's language is not the page's, the whole is marked too, so its punctuation belongs to it."""
    if missing(text) or not str(text):
        return ""
    text = str(text)
    zh, en = _script_lang("Hans"), _script_lang("Latn")
    if base is None:
        base = zh if 2 * len(CJK_CHAR.findall(text)) >= len(LETTER.findall(text)) else en
    parts = _marked(text, None if base == zh else zh, None if base == en else en)
    if base == page_lang:
        return Rich(parts)
    return Rich([Span(Rich(parts), base)])


def with_codes(text: str) -> Rich | str:
    """Chinese text in which codes and ids written in Latin letters (``government``, ``tech_company``) are marked as
    code, as they are identifiers rather than English words."""
    if missing(text):
        return ""
    text, parts, last = str(text), [], 0
    for m in CODE_TOKEN.finditer(text):
        if m.start() > last:
            parts.append(text[last : m.start()])
        parts.append(Span(m.group(), code=True))
        last = m.end()
    parts.append(text[last:])
    return Rich(p for p in parts if p)
