"""Provenance you can verify: every printed form of the data is found in the report's text, where its row says.

The report's text is what ``pdftotext`` makes of the publisher's PDF. :func:`verify` finds each section of
``sections.csv`` in it by its heading, then looks up every printed form the schema lists (:data:`.schema.PRINTED`:
printed numbers, hedges and periods of claims, names, dates and issuers of policies, applicant names of cases, section
headings) in the span of the section its row cites. Text is compared after normalising: NFKC (full-width letters,
digits and punctuation become their half-width forms) and no whitespace at all, since ``pdftotext`` breaks lines inside
words (claim CL250's 三张网 is split by a line break). Lines of the table of contents (a heading, a tab and a page
number) belong to no section.

A printed form not found is a *miss*; it is listed with the nearest match in the whole text (exact elsewhere, or the
closest by :mod:`difflib`) and where that is. ``provenance_exceptions.csv`` explains the misses that are deliberate; an
exception that no longer matches a miss is *stale* and fails the check too, so the table stays honest.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .filters import split
from .loading import load
from .schema import BY_NAME, PRINTED

#: A line of the table of contents: a heading, a tab, a page number.
TOC_LINE = re.compile(r"\t\s*\d{1,3}\s*$")
#: Parts of one printed cell looked up one by one (several issuers of one agreement).
PARTS = "；"
#: A heading line holds its title and little else (a number, a campaign name); prose lines are far longer.
HEADING_SLACK = 60
#: Below this similarity a heading printed differently from sections.csv is not taken for it.
HEADING_SIMILARITY = 0.8


def normalise(text: str) -> str:
    """NFKC, no whitespace: the form in which printed forms and the report's text are compared."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


@dataclass
class Source:
    """The report's text, normalised: one string, the original line of each character, and the sections' spans."""

    text: str
    line_of: list[int]  # 1-based line in the file of each character of ``text``
    line_start: dict[int, int]  # line -> offset of its first character in ``text``
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # section -> [start, end) in ``text``
    heading_line: dict[str, int] = field(default_factory=dict)  # section -> line of its heading
    fuzzy: set[str] = field(default_factory=set)  # sections whose heading differs from sections.title_zh

    def section_at(self, offset: int) -> str | None:
        """The deepest section whose span holds ``offset``."""
        holding = [(start, s) for s, (start, end) in self.spans.items() if start <= offset < end]
        return max(holding)[1] if holding else None

    def where(self, offset: int) -> str:
        section = self.section_at(offset)
        line = self.line_of[offset] if offset < len(self.line_of) else "?"
        return f"§{section}, line {line}" if section else f"line {line}"


def read_text(path: str | Path) -> str:
    """The text of the report; :class:`~gba_utils.errors.InputError` when it is missing or not UTF-8."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file; expected the report's text (pdftotext of the publisher's PDF)")
    raw = p.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}, line {line}: got bytes {raw[exc.start : exc.start + 4].hex(' ')}; expected UTF-8 text "
            "(run pdftotext with -enc UTF-8)"
        ) from None


def source(text: str, sections) -> Source:
    """Normalise ``text`` and find the span of every section of ``sections`` (a frame in report order)."""
    lines = text.splitlines()
    parts, line_of, line_start, normal_lines = [], [], {}, []
    offset = 0
    for number, raw in enumerate(lines, start=1):
        norm = "" if TOC_LINE.search(raw) else normalise(raw)
        normal_lines.append(norm)
        line_start[number] = offset
        parts.append(norm)
        line_of += [number] * len(norm)
        offset += len(norm)
    src = Source("".join(parts), line_of, line_start)
    starts: list[tuple[str, int, int]] = []  # (section, level, offset)
    cursor = 0  # index into normal_lines
    for row in sections.itertuples(index=False):
        found = _heading(normal_lines, cursor, normalise(row.title_zh), normalise(str(row.number_printed)))
        if found is None:
            continue
        index, exact = found
        index = _number_line(normal_lines, index, normalise(str(row.number_printed)))
        src.heading_line[row.section_id] = index + 1
        if not exact:
            src.fuzzy.add(row.section_id)
        starts.append((row.section_id, int(row.level), line_start[index + 1]))
        cursor = index + 1
    for i, (sid, level, start) in enumerate(starts):
        end = next((o for _, lv, o in starts[i + 1 :] if lv <= level), len(src.text))
        src.spans[sid] = (start, end)
    return src


def _heading(lines: list[str], cursor: int, title: str, number: str) -> tuple[int, bool] | None:
    """The line of a heading at or after ``cursor``: ``(index, exact)``, or None.

    Exact: a short line holding the title, or a line that starts a title broken over the next lines. Otherwise the first
    short line that starts with the heading's number and reads like the title (difflib ratio at least
    :data:`HEADING_SIMILARITY`), as where the body prints a heading a little differently from the table of contents.
    """
    for i in range(cursor, len(lines)):
        line = lines[i]
        if not line:
            continue
        if title in line and len(line) <= len(title) + HEADING_SLACK:
            return i, True
        if title.startswith(line) and _joined(lines, i, len(title)).startswith(title):
            return i, True
    for i in range(cursor, len(lines)):
        line = lines[i]
        for prefix in (number + "、", number):
            if line.startswith(prefix) and len(line) <= len(title) + HEADING_SLACK:
                rest = line[len(prefix) :]
                if difflib.SequenceMatcher(None, title, rest[: len(title) + 2]).ratio() >= HEADING_SIMILARITY:
                    return i, False
    return None


def _number_line(lines: list[str], index: int, number: str) -> int:
    """A chapter prints its number on a line of its own above the title (第一章): the heading starts there."""
    before = next((j for j in range(index - 1, -1, -1) if lines[j]), None)
    return before if before is not None and lines[before] == number and number not in lines[index] else index


def _joined(lines: list[str], i: int, length: int) -> str:
    """Line ``i`` and the non-empty lines after it, joined, until ``length`` characters are reached."""
    out = ""
    for line in lines[i:]:
        out += line
        if len(out) >= length:
            break
    return out


@dataclass
class Miss:
    """A printed form not found in the section(s) its row cites."""

    file: str
    key: str
    column: str
    value: str
    cited: list[str]
    nearest: str = ""  # 'exact' elsewhere, or the closest text with its similarity
    where: str = ""
    reason: str = ""  # from provenance_exceptions, when explained

    def __str__(self) -> str:
        cited = ", ".join(f"§{s}" for s in self.cited) or "no section"
        text = f"{self.file} {self.key} {self.column} {self.value!r} (cited {cited}): nearest {self.nearest}"
        return text + (f" at {self.where}" if self.where else "") + (f" — {self.reason}" if self.reason else "")


@dataclass
class Result:
    """What :func:`verify` found."""

    path: str
    checked: int = 0
    found: int = 0
    misses: list[Miss] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # exceptions that match no miss
    sections_found: int = 0
    sections: int = 0
    fuzzy_headings: list[str] = field(default_factory=list)

    @property
    def explained(self) -> list[Miss]:
        return [m for m in self.misses if m.reason]

    @property
    def unexplained(self) -> list[Miss]:
        return [m for m in self.misses if not m.reason]

    @property
    def ok(self) -> bool:
        return not self.unexplained and not self.stale

    def render(self) -> str:
        lines = [
            f"{self.path}: {self.sections_found} of {self.sections} sections found by their headings"
            + (
                f" ({len(self.fuzzy_headings)} printed differently: {', '.join(self.fuzzy_headings)})"
                if self.fuzzy_headings
                else ""
            ),
            f"{self.checked} printed forms checked: {self.found} found where their row says, "
            f"{len(self.explained)} explained, {len(self.unexplained)} unexplained.",
        ]
        if self.unexplained:
            lines += ["", "not found (add the reason to data/provenance_exceptions.csv if the difference is deliberate):"]
            lines += [f"  - {m}" for m in self.unexplained]
        if self.stale:
            lines += ["", "exceptions that match no miss (remove them from data/provenance_exceptions.csv):"]
            lines += [f"  - {s}" for s in self.stale]
        if self.explained:
            lines += ["", "explained:"]
            lines += [f"  - {m}" for m in self.explained]
        return "\n".join(lines)


def nearest(src: Source, needle: str) -> tuple[str, str]:
    """Where ``needle`` (normalised) occurs anywhere in the text, or the closest text to it: ``(what, where)``."""
    if not needle:
        return "—", ""
    at = src.text.find(needle)
    if at >= 0:
        return "exact elsewhere", src.where(at)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    best, best_at, best_n = 0.0, -1, len(needle)
    for n in sorted({max(1, len(needle) - 1), len(needle), len(needle) + 1}):
        for i in range(0, max(1, len(src.text) - n + 1)):
            matcher.set_seq1(src.text[i : i + n])
            if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
                continue
            ratio = matcher.ratio()
            if ratio > best:
                best, best_at, best_n = ratio, i, n
    if best_at < 0:
        return "none", ""
    return f"{src.text[best_at : best_at + best_n]!r} ({100 * best:.0f} % alike)", src.where(best_at)


def found_in(src: Source, value: str, cited: list[str]) -> bool:
    """Whether the printed form ``value`` occurs, normalised, in the span of one of the sections ``cited``."""
    needle = normalise(value)
    return bool(needle) and any(needle in src.text[a:b] for a, b in (src.spans[s] for s in cited if s in src.spans))


def _cited(row, where: str) -> list[str]:
    return [where[1:]] if where.startswith("§") else split(row[where])


def check(src: Source, ds) -> Result:
    """Every printed form of the dataset ``ds`` (a :class:`~gba_utils.data.Dataset`) against ``src``."""
    result = Result("")
    exceptions = {(r.file, r.key, r.column): (r.reason_en, r.reason_zh) for r in ds.provenance_exceptions.itertuples(index=False)}
    used: set[tuple[str, str, str]] = set()
    for (table, column), where in PRINTED.items():
        frame = getattr(ds, table)
        key = next(k for k in BY_NAME[table].key if k != "edition")
        for _, row in frame.iterrows():
            value = row[column]
            if not isinstance(value, str) or not value.strip():
                continue
            cited = _cited(row, where)
            missing = []
            for part in (p for p in value.split(PARTS) if p.strip()):
                result.checked += 1
                if found_in(src, part, cited):
                    result.found += 1
                else:
                    missing.append(part)
            for part in missing:
                what, at = nearest(src, normalise(part))
                ident = (f"{table}.csv", str(row[key]), column)
                reason = exceptions.get(ident, ("", ""))[0]
                if reason:
                    used.add(ident)
                result.misses.append(Miss(ident[0], ident[1], column, part, cited, what, at, reason))
    result.stale = [f"{f} {k} {c}" for (f, k, c) in exceptions if (f, k, c) not in used]
    return result


def verify(path: str | Path, data_dir: str | Path | None = None, edition: int = 2022) -> Result:
    """Check every printed form of the data in ``data_dir`` (default ``data/``) against the report's text at ``path``.

    Raises :class:`~gba_utils.errors.InputError` when the text is missing or not UTF-8, and
    :class:`~gba_utils.errors.DataError` when the data do not validate.
    """
    text = read_text(path)
    ds = load(edition, data_dir) if data_dir else load(edition)
    src = source(text, ds.sections)
    result = check(src, ds)
    result.path = str(path)
    result.sections = len(ds.sections)
    result.sections_found = len(src.spans)
    result.fuzzy_headings = sorted(src.fuzzy)
    return result
