"""One English name per thing: a Chinese name quoted in the data is rendered the same way wherever it recurs.

For every name quoted in a ``*_zh`` column (“…” or 《…》; a policy's ``name_zh`` is a name too), the English twin column
of the same row (``*_en``) must render it. The rendering is found without a dictionary: the longest run of words that
every English text mentioning the name shares (the core), grown to the capitalised words around it (a title such as
*Guangdong Provincial Regulation on Promoting the Digital Economy*). Place names bound it, so "the Luohu Spring Gift
campaign" and "Spring Gift e-CNY campaign (Luohu)" both render 春之礼 as *Spring Gift*. A name fails when the texts share
no words at all, or when the grown renderings differ.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import pytest

from gba_utils import paths

QUOTED = re.compile(r"“([^”]+)”|《([^》]+)》")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+'’-]*")
CJK = re.compile(r"[\u3400-\u9fff]")
#: Ids of rows (C2022-20, CL734, R03, D22, A12, P1.2, R2.M09) are not part of a name.
ID = re.compile(r"^(C\d{4}-\d+|CL\d+|[ADPR]\d+(\.\d+)?|R\d\.M\d+)$")
#: Small words that may sit inside a title (Plan *for* National Informatization) but never make a rendering alone.
CONNECTORS = {"of", "on", "for", "the", "and", "in", "to", "a", "an", "by", "with", "at"}
#: Names whose renderings differ on purpose: the name, and why.
EXCEPTIONS = {
    "今年": "a relative date (this year), quoted as printed; not a name",
    "十四五": "a period label inside the names of several plans; each plan keeps its own title (14th Five-Year Plan ...)",
    "互联网+": "section headings are rendered by their gist ('Serving citizens (to C)'), not word for word",
}


def _tables():
    for path in sorted(paths.DATA.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            yield path.name, list(csv.DictReader(fh))


def _words(text: str) -> list[str]:
    """Words of an English text; a possessive 's and a full stop at the end of a word are not part of it."""
    return [re.sub(r"['’]s$", "", w.rstrip(".")) or w for w in WORD.findall(text)]


def _places() -> set[str]:
    """Words of city names, district codes and first words of district names, and geography labels: they bound a
    rendering rather than belong to it."""
    words = set()
    for name, rows in _tables():
        for row in rows:
            if name == "cities.csv":
                words |= {w.lower() for w in _words(row["name_en"])}
            if name == "districts.csv":
                words |= {row["district_code"], *(w.lower() for w in _words(row["name_en"])[:1])}
            if name == "labels.csv" and row["vocabulary"] == "scope":
                words |= {w.lower() for w in _words(row["label_en"])}
    return words - CONNECTORS - {"national", "area"}


def names() -> dict[str, list[tuple[str, int, str, str]]]:
    """Quoted name -> every (file, line, column, English twin text) that mentions it."""
    found = defaultdict(list)
    for name, rows in _tables():
        for line, row in enumerate(rows, start=2):
            for column, text in row.items():
                if not column.endswith("_zh") or not text:
                    continue
                twin = row.get(column[: -len("_zh")] + "_en")
                if not twin:
                    continue
                quoted = {m.group(1) or m.group(2) for m in QUOTED.finditer(text)}
                if name == "policies.csv" and column == "name_zh":
                    quoted.add(text)
                for q in quoted:
                    if CJK.search(q) and q in twin:
                        continue  # the English quotes the printed form itself, as the house rules allow
                    found[q].append((name, line, column, twin))
    return {q: rows for q, rows in found.items() if len(rows) > 1}


def _ngrams(words: list[str]) -> set[tuple[str, ...]]:
    low = [w.lower() for w in words]
    return {tuple(low[i:j]) for i in range(len(low)) for j in range(i + 1, min(len(low), i + 10) + 1)}


def _name_words(texts: list[str], places: set[str]) -> set[str]:
    """Capitalised words that stand inside a sentence in one of the texts (so are names, not a sentence's first word)."""
    found = set()
    for t in texts:
        words = _words(t)
        found |= {w for w in words[1:] if w[:1].isupper() and w.lower() not in places and not ID.match(w)}
    return found


def core(texts: list[str], places: set[str] = frozenset()) -> tuple[str, ...] | None:
    """The longest run of words every text shares that is more than small words.

    When every text holds a name (a capitalised word inside a sentence), the run must hold one too: texts that share
    only 'launch' or 'date' while naming LeaveHomeSafe one way and Leave Home Safe another render the name two ways.
    """
    names = _name_words(texts, places)
    per_text = []
    for t in texts:
        words = _words(t)
        grams = _ngrams(words)
        mine = {w.lower() for w in words if w in names}
        per_text.append((grams, {g for g in grams if mine & set(g)}, bool(mine)))
    if all(has for *_, has in per_text):
        common = set.intersection(*(named for _, named, _ in per_text))
    else:
        common = set.intersection(*(grams for grams, _, _ in per_text))
    common = {g for g in common if any(w not in CONNECTORS for w in g)}
    return max(common, key=lambda g: (len(g), g)) if common else None


def _title_word(word: str, places: set[str]) -> bool:
    return (word[:1].isupper() or word[:1].isdigit()) and word.lower() not in places and not ID.match(word)


def rendering(text: str, kernel: tuple[str, ...], places: set[str]) -> tuple[str, ...]:
    """``kernel`` as it stands in ``text``, grown to the title words around it (through small words inside a title)."""
    words = _words(text)
    low = [w.lower() for w in words]
    n = len(kernel)
    at = next(i for i in range(len(low) - n + 1) if tuple(low[i : i + n]) == kernel)
    if not any(_title_word(w, places) for w in words[at : at + n]):
        return kernel  # a common-noun rendering ('doorstep service'): nothing to grow
    lo, hi = at, at + n
    while lo > 0 and _title_word(words[lo - 1], places):  # leftwards only through title words (not a sentence's start)
        lo -= 1
    while True:  # rightwards also through small words inside a title (Plan for National Informatization)
        j = hi
        while j < len(words) and low[j] in CONNECTORS:
            j += 1
        if j < len(words) and _title_word(words[j], places):
            hi = j + 1
            continue
        break
    while hi - lo > 1 and low[hi - 1] in CONNECTORS:
        hi -= 1
    while hi - lo > 1 and low[lo] in CONNECTORS:
        lo += 1
    return tuple(low[lo:hi])


NAMES = names()
PLACES = _places()


def test_names_recur():
    """The check has something to check: quoted names that recur across rows and tables."""
    assert len(NAMES) >= 15
    assert sum(len({f for f, *_ in rows}) > 1 for rows in NAMES.values()) >= 8


@pytest.mark.parametrize("name", sorted(NAMES))
def test_one_english_rendering_per_name(name):
    if name in EXCEPTIONS:
        pytest.skip(EXCEPTIONS[name])
    rows = NAMES[name]
    texts = [t for *_, t in rows]
    where = "\n".join(f"  {f} line {line} {col}: {t}" for f, line, col, t in rows)
    kernel = core(texts, PLACES)
    assert kernel, (
        f"{name}: the English texts share no rendering of it (no common words, or no common name), so it is rendered more than one way:\n{where}"
    )
    renderings = {rendering(t, kernel, PLACES) for t in texts}
    assert len(renderings) == 1, f"{name} is rendered {len(renderings)} ways {sorted(renderings)}:\n{where}"


def test_every_exception_is_still_needed():
    """An exception names a recurring name whose renderings really differ; one that no longer does is removed."""
    for name in EXCEPTIONS:
        assert name in NAMES, f"{name} no longer recurs: drop its exception"
        texts = [t for *_, t in NAMES[name]]
        kernel = core(texts, PLACES)
        assert kernel is None or len({rendering(t, kernel, PLACES) for t in texts}) > 1, f"{name} now renders one way"


def test_rendering_grows_to_the_title_and_stops_at_places():
    places = {"guangdong", "luohu", "hong", "kong"}
    kernel = ("regulation", "on", "promoting")
    assert rendering("Adoption date of the Guangdong Provincial Regulation on Promoting the Digital Economy", kernel, places) == (
        "provincial",
        "regulation",
        "on",
        "promoting",
        "the",
        "digital",
        "economy",
    )
    assert rendering("spending driven by the Luohu Spring Gift campaign", ("spring", "gift"), places) == ("spring", "gift")
    assert rendering("the doorstep service of Shunde", ("doorstep",), places) == ("doorstep",)


def test_a_name_spelt_two_ways_is_caught_even_when_other_words_are_shared():
    texts = ["Launch date printed for the LeaveHomeSafe app", "Launch date of the Leave Home Safe app"]
    assert core(texts, set()) is None
    assert core(["Launch of the LeaveHomeSafe app", "Yueshengxin and the LeaveHomeSafe app"], set()) == (
        "the",
        "leavehomesafe",
        "app",
    )


def test_two_renderings_are_told_apart():
    texts = [
        "Key tasks in the 2022 Key Points for Digital Literacy and Skills",
        "Release of the 2022 Key Points for Improving Digital Literacy and Skills",
    ]
    kernel = core(texts)
    assert len({rendering(t, kernel, set()) for t in texts}) == 2
    assert core(["Contactless tax services", "Hotline of the province"]) is None
