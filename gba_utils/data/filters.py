"""The filter language of ``case_aggregates.csv`` and the recount of chapter 2, shared by validation, analysis and audit.

A filter is ``column=value`` conditions joined by ``&`` on columns of ``cases.csv`` (empty: every case). The recount
counts the cases each printed aggregate describes; validation fails when one differs, the chapter-2 page shows the
comparison, and the audit lists it as a check.
"""

from __future__ import annotations

import re

import pandas as pd

FILTER = re.compile(r"^([a-z_]+)=([^&=]*)$")


def cells(column: pd.Series) -> list:
    """A column's values as a list: a text column is copied out at C speed (iterating a pandas string array visits each
    value through Python: about half a second of each validation at 1000x the cases); other dtypes are iterated
    value by value, so their values keep their NumPy scalar types."""
    return column.tolist() if pd.api.types.is_string_dtype(column.dtype) else list(column)


def split(value) -> list[str]:
    """Items of a ';'-separated cell."""
    return (
        []
        if value is None or (isinstance(value, float) and pd.isna(value))
        else [v.strip() for v in str(value).split(";") if v.strip()]
    )


def conditions(flt: str | None) -> list[tuple[str, str]]:
    """``[(column, value), ...]`` of a filter; ``ValueError`` names the part that is not ``column=value``."""
    out = []
    for part in split((flt if isinstance(flt, str) else "").replace("&", ";")):
        m = FILTER.match(part)
        if not m:
            raise ValueError(part)
        out.append((m.group(1), m.group(2)))
    return out


def select(frame: pd.DataFrame, flt: str | None) -> pd.Series:
    """Which rows of ``frame`` match ``col=value&col=value`` (all of them for an empty filter), as a boolean mask.

    ``ValueError`` names the condition whose column ``frame`` does not have.
    """
    mask = pd.Series(True, index=frame.index)
    for column, value in conditions(flt):
        if column not in frame.columns:
            raise ValueError(f"{column}={value}")
        mask &= frame[column].astype("string").fillna("") == value
    return mask


def count_cases(cases: pd.DataFrame, flt: str | None) -> int:
    """Number of cases matching ``col=value&col=value`` (an empty filter counts all)."""
    return int(select(cases, flt).sum())


def recount(cases: pd.DataFrame, claims: pd.DataFrame, aggregates: pd.DataFrame) -> pd.DataFrame:
    """Every chapter-2 aggregate beside its recount: one row per aggregate, in the order of ``aggregates``.

    Columns: the aggregate's index in its frame (``line``: the line in its file, for loaded tables), ``claim_id``, the
    printed claim's ``section_id`` and ``subject_*``, the ``filter`` ('' for all cases), ``printed`` (the claim's value)
    and ``value_printed``, the ``recounted`` number, ``match``, and ``error``: the part of the filter that is not
    ``column=value`` on a column of ``cases`` ('' when the filter is good; ``recounted`` is then -1 and ``match`` False),
    and ``differs_by``: the decision that explains an expected difference ('' for none).
    ``cases``, ``claims`` and ``aggregates`` must be of one edition, and every aggregate's claim must exist.
    """
    by_claim = claims.set_index("claim_id")
    subjects = [c for c in claims.columns if c.startswith("subject_")]
    rows = []
    for line, a in aggregates.iterrows():
        claim = by_claim.loc[a["claim_id"]]
        try:
            got, error = count_cases(cases, a["filter"]), ""
        except ValueError as exc:
            got, error = -1, str(exc)
        rows.append(
            {
                "line": line,
                "claim_id": a["claim_id"],
                "section_id": claim["section_id"],
                **{c: claim[c] for c in subjects},
                "filter": a["filter"] if isinstance(a["filter"], str) else "",
                "printed": float(claim["value"]),
                "value_printed": claim["value_printed"],
                "recounted": got,
                "match": not error and bool(got == claim["value"]),
                "error": error,
                "differs_by": a.get("differs_by_decision") if isinstance(a.get("differs_by_decision"), str) else "",
            }
        )
    columns = [
        "line", "claim_id", "section_id", *subjects, "filter", "printed", "value_printed", "recounted", "match", "error",
        "differs_by",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
