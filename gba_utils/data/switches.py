"""Coding decisions as switches: the ``decisions`` parameter and the edits that switch the coded data.

A switch names a decision of ``decisions.csv`` and one of its alternatives (``D07=by-subject``); several are joined by
commas (``D02=shenzhen,D07=by-subject``). The alternatives are data: ``decision_alternatives.csv`` says for every option a
decision did not choose whether the data can be switched to it (and why not, when they cannot), ``decision_edits.csv``
holds the edits of each switchable alternative (a cell set, a row removed or added). Both are validated with the other
tables (:mod:`gba_utils.data.validation`): an edit must find the cell as coded, and its value must pass the column's rules.

:func:`canonical` checks a parameter value against a data folder with the standard library only (the build checks
parameters before any kernel starts) and returns it in one spelling, so one view has one page name. :func:`apply` makes
the switched tables (pandas is imported there, not with the module).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from . import codes
from .schema import BY_NAME, Field, Table

if TYPE_CHECKING:
    import pandas as pd

SWITCHABLE = "switchable"
#: Between switches in the parameter value.
SEP = ","
ITEM = re.compile(r"^(D\d{2})=([a-z0-9][a-z0-9-]*)$")
#: Tables an edit may change: every table of the data except the vocabularies and the decisions' own tables.
EDITABLE = tuple(
    t.name for t in BY_NAME.values() if t.name not in ("labels", "decisions", "decision_alternatives", "decision_edits")
)


class SwitchError(ValueError):
    """A ``decisions`` value that names no alternative the data can switch to; ``expected`` says what would."""

    def __init__(self, expected: str):
        super().__init__(expected)
        self.expected = expected


def key_columns(table: Table) -> list[str]:
    """The columns that name a row of ``table`` in an edit's ``key`` (its key without the edition)."""
    return [k for k in table.key if k != "edition"]


def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse(text: str) -> list[tuple[str, str]]:
    """``[(decision, alternative), ...]`` of a parameter value, in its order; :class:`SwitchError` when it is not
    ``D07=slug`` items joined by commas."""
    out = []
    for part in str(text).split(SEP):
        item = part.strip()
        if not item and str(text).strip() == "":
            return []
        m = ITEM.match(item)
        if not m:
            raise SwitchError(
                f"DECISION=ALTERNATIVE items joined by commas, such as 'D07=by-subject' (the part {item!r} is not one)"
            )
        out.append((m.group(1), m.group(2)))
    return out


def alternatives(folder: str | Path | None = None) -> dict[str, dict[str, dict]]:
    """``{decision: {alternative: row}}`` of ``decision_alternatives.csv`` (every status), in the file's order."""
    out: dict[str, dict[str, dict]] = {}
    for r in codes.rows("decision_alternatives", folder):
        out.setdefault(r.get("decision_id", ""), {})[r.get("alternative", "")] = r
    return out


def choices(folder: str | Path | None = None) -> tuple[str, ...]:
    """Every single switch the data hold (``D01=enterprise``, ...), in the order of ``decision_alternatives.csv``."""
    return tuple(f"{d}={a}" for d, alts in alternatives(folder).items() for a, r in alts.items() if r.get("status") == SWITCHABLE)


def _edits(folder) -> dict[tuple[str, str], list[dict]]:
    out: dict[tuple[str, str], list[dict]] = {}
    for r in codes.rows("decision_edits", folder):
        out.setdefault((r.get("decision_id", ""), r.get("alternative", "")), []).append(r)
    return out


def canonical(text: str, folder: str | Path | None = None) -> str:
    """The value in one spelling (switches sorted by decision, no spaces), checked against the data in ``folder``.

    :class:`SwitchError` names what is wrong and what is allowed: an unknown decision or alternative (with the closest
    one), an alternative the data cannot express (with the reason the data give), a decision switched twice, or two
    switches that set one cell to different values.
    """
    known = alternatives(folder)
    switchable = {d: [a for a, r in alts.items() if r.get("status") == SWITCHABLE] for d, alts in known.items()}
    try:
        items = parse(text)
    except SwitchError as err:
        bare = [p.strip() for p in str(text).split(SEP) if p.strip() in switchable and switchable[p.strip()]]
        if not bare:
            raise
        hint = f"{bare[0]}={switchable[bare[0]][0]}"
        raise SwitchError(f"{err.expected}; {bare[0]} needs an alternative (did you mean {hint!r}?)") from None
    if not items:
        return ""
    seen: dict[str, str] = {}
    for decision, alt in items:
        if decision not in known:
            ids = [d for d, alts in switchable.items() if alts]
            raise SwitchError(f"a decision with an alternative in the data: one of {ids}{_suggest(decision, ids)}")
        row = known[decision].get(alt)
        if row is not None and row.get("status") != SWITCHABLE:
            reason = row.get("note_en") or row.get("status")
            raise SwitchError(
                f"an alternative the data can switch to; {decision}={alt} is {row.get('status')}: {reason}"
                + (f" Switchable alternatives of {decision}: {switchable[decision]}" if switchable[decision] else "")
            )
        if row is None:
            if not switchable[decision]:
                notes = "; ".join(f"{a}: {r.get('status')}" for a, r in known[decision].items())
                raise SwitchError(f"a decision with an alternative the data can switch to; {decision} has none ({notes})")
            raise SwitchError(f"an alternative of {decision}: one of {switchable[decision]}{_suggest(alt, switchable[decision])}")
        if decision in seen:
            raise SwitchError(f"one alternative per decision; {decision} is switched twice ({seen[decision]}, {alt})")
        seen[decision] = alt
    ordered = sorted(seen.items())
    _no_conflicts(ordered, _edits(folder))
    return SEP.join(f"{d}={a}" for d, a in ordered)


def _no_conflicts(switches: list[tuple[str, str]], edits: dict[tuple[str, str], list[dict]]) -> None:
    """Two switches may edit one cell only if they give it the same value, and may not edit a row another removes."""
    cells: dict[tuple, tuple[str, str]] = {}
    rows: dict[tuple, list[tuple[str, bool]]] = {}
    for decision, alt in switches:
        name = f"{decision}={alt}"
        for e in edits.get((decision, alt), []):
            row = (e.get("edition"), e.get("table"), e.get("key"))
            removes = e.get("action") == "remove"
            for other, other_removes in rows.get(row, []):
                if other != name and removes != other_removes:
                    raise SwitchError(
                        f"switches that do not contradict each other: {other} and {name} both edit {e.get('table')}.csv "
                        f"row {e.get('key')}, and {name if removes else other} removes it"
                    )
            rows.setdefault(row, []).append((name, removes))
            if removes:
                continue
            cell, value = (*row, e.get("column")), e.get("value") or ""
            other, other_value = cells.setdefault(cell, (name, value))
            if other != name and other_value != value:
                raise SwitchError(
                    f"switches that do not contradict each other: {other} and {name} set {e.get('table')}.csv row "
                    f"{e.get('key')}, column {e.get('column')}, to {other_value!r} and {value!r}"
                )


# ---------------------------------------------------------------- applying the edits (pandas)


def convert(field: Field, text):
    """A cell of ``decision_edits.csv`` as the column holds it: None for an empty cell, else an int, a float or the
    text. ``ValueError`` when the text is not of the column's type."""
    if text is None or (not isinstance(text, str) and text != text):  # None or NaN: an empty cell
        return None
    text = str(text)
    if text == "":
        return None
    if field.type == "integer":
        number = float(text)
        if not number.is_integer():
            raise ValueError(text)
        return int(number)
    if field.type == "number":
        return float(text)
    return text


def row_keys(frame: pd.DataFrame, table: Table) -> pd.Series:
    """Each row's key as an edit writes it: its key columns other than edition, joined by ';' (empty cells as '')."""
    import pandas as pd

    from .filters import cells

    columns = [["" if v is None or v != v else str(v) for v in cells(frame[c])] for c in key_columns(table)]
    return pd.Series([";".join(parts) for parts in zip(*columns)], index=frame.index, dtype=object)


def _where(frame: pd.DataFrame, keys: pd.Series, editions, edition, key) -> pd.Index:
    mask = keys == key
    if editions is not None:
        mask &= editions == int(edition)
    return frame.index[mask]


def apply(tables: dict[str, pd.DataFrame], edits: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], set[str]]:
    """The tables with ``edits`` (rows of ``decision_edits``) applied, and the names of the tables they change.

    Tables that no edit touches are the same objects; the others are copies. Cells are set first, then rows removed,
    then rows added (at the end, one new index after the largest). The edits are assumed valid (validation checks them).
    """
    import pandas as pd

    out = dict(tables)
    touched: set[str] = set()
    for name, mine in edits.groupby("table", sort=False):
        table, frame = BY_NAME[name], tables[name].copy()
        keys = row_keys(frame, table)
        editions = frame["edition"] if "edition" in frame.columns else None

        for e in mine[mine["action"] == "set"].itertuples(index=False):
            frame.loc[_where(frame, keys, editions, e.edition, e.key), e.column] = convert(table.field(e.column), e.value)
        removed = [
            i
            for e in mine[mine["action"] == "remove"].itertuples(index=False)
            for i in _where(frame, keys, editions, e.edition, e.key)
        ]
        frame = frame.drop(index=removed)
        added = []
        for (edition, key), cells in mine[mine["action"] == "add"].groupby(["edition", "key"], sort=False):
            row = dict(zip(key_columns(table), str(key).split(";")))
            if "edition" in frame.columns:
                row["edition"] = int(edition)
            row |= {c: convert(table.field(c), v) for c, v in zip(cells["column"], cells["value"])}
            added.append(row)
        if added:
            start = (max(frame.index) + 1) if len(frame) else 0
            new = pd.DataFrame(added, index=range(start, start + len(added))).reindex(columns=frame.columns)
            frame = pd.concat([frame, new.astype(frame.dtypes.to_dict())])
        out[name] = frame
        touched.add(name)
    return out, touched


def selected(edits: pd.DataFrame, switches: Iterable[tuple[str, str]], edition: int | None = None) -> pd.DataFrame:
    """The rows of ``decision_edits`` that make ``switches`` (of one edition, when given)."""
    wanted = set(switches)
    mask = [(d, a) in wanted for d, a in zip(edits["decision_id"], edits["alternative"])]
    mine = edits[mask]
    return mine if edition is None else mine[mine["edition"] == edition]
