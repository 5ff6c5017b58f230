"""Validation: per-table rules with pandera, cross-table rules as named checks.

Every rule reports :class:`~gba_utils.errors.Problem` records naming file, line,
column, value and what was expected; :func:`validate` runs all of them and raises
one :class:`~gba_utils.errors.DataError` listing every problem at once.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..errors import DataError, Problem
from .filters import recount, split
from .schema import BY_NAME, CITY, DISTRICT, SCOPE, TABLES, Field, Table

Frames = dict[str, pd.DataFrame]
CHECKS: list[Callable[[Frames, dict[str, str]], list[Problem]]] = []


def check(fn):
    """Register a cross-table check (a named function returning problems)."""
    CHECKS.append(fn)
    return fn


def allowed_codes(vocab: str, frames: Frames) -> set[str]:
    labels = frames.get("labels")
    cities = set(frames["cities"]["city_code"].dropna()) if "cities" in frames else set()
    if vocab == CITY:
        return cities
    if vocab == DISTRICT:
        return set(frames["districts"]["district_code"].dropna()) if "districts" in frames else set()
    if labels is None:
        return set()
    if vocab == SCOPE:
        return set(labels.loc[labels["vocabulary"] == "scope", "code"]) | cities
    return set(labels.loc[labels["vocabulary"] == vocab, "code"])


def _describe_vocab(vocab: str, codes: set[str]) -> str:
    name = {CITY: "city", DISTRICT: "district", SCOPE: "scope"}.get(vocab, vocab)
    shown = sorted(codes)
    more = "" if len(shown) <= 30 else f" ... ({len(shown)} codes)"
    return f"a '{name}' code: one of {shown[:30]}{more}"


#: error message of a check -> short name of the rule (pandera reports checks by their message)
RULES: dict[str, str] = {}


def _rule(name: str, message: str) -> str:
    RULES[message] = name
    return message


def _column_schema(f: Field, frames: Frames) -> pa.Column:
    checks = []
    if f.pattern:
        checks.append(pa.Check.str_matches(f.pattern, error=_rule("pattern", f"text matching {f.pattern}")))
    if f.vocab and not f.multi:
        codes = allowed_codes(f.vocab, frames)
        checks.append(pa.Check.isin(sorted(codes), error=_rule("unknown-code", _describe_vocab(f.vocab, codes))))
    if f.vocab and f.multi:
        codes = allowed_codes(f.vocab, frames)
        checks.append(
            pa.Check(
                lambda v, c=codes: all(i in c for i in split(v)),
                element_wise=True,
                error=_rule("unknown-code", "every ';'-separated item " + _describe_vocab(f.vocab, codes)),
            )
        )
    dtype = {"integer": "Int64", "number": "Float64", "string": "str"}[f.type]
    return pa.Column(dtype, checks=checks, nullable=not f.required, coerce=True, required=True)


def table_schema(table: Table, frames: Frames) -> pa.DataFrameSchema:
    uniques = [f.name for f in table.fields if f.unique]
    return pa.DataFrameSchema(
        {f.name: _column_schema(f, frames) for f in table.fields},
        strict=False,
        unique=list(table.key),
        report_duplicates="all",
        name=table.name,
    ), uniques


def _expectation(table: Table, column: str | None, check_name: str) -> str:
    if column and column in table.columns:
        f = table.field(column)
        if check_name.startswith("coerce_dtype") or "dtype" in check_name:
            return {"integer": "a whole number", "number": "a number"}.get(f.type, "text")
        if check_name == "not_nullable":
            return "a value (this column is required)"
    if check_name in ("field_uniqueness", "multiple_fields_uniqueness"):
        return f"a unique key {table.key}"
    return check_name


def check_table(table: Table, frame: pd.DataFrame, frames: Frames, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Validate and type one table; return the typed frame (or None) and its problems."""
    schema, uniques = table_schema(table, frames)
    problems: list[Problem] = []
    try:
        typed = schema.validate(frame.copy(), lazy=True)
    except SchemaErrors as err:
        typed = None
        fc = err.failure_cases
        for rec in fc.to_dict("records"):
            column = rec.get("column")
            index = rec.get("index")
            check_name = str(rec.get("check"))
            value = rec.get("failure_case")
            if column is None or (isinstance(column, float) and pd.isna(column)):
                column = None
            line = None if index is None or (isinstance(index, float) and pd.isna(index)) else int(index)
            if check_name in ("field_uniqueness", "multiple_fields_uniqueness") or column == table.name:
                problems.append(
                    Problem(
                        file,
                        line,
                        column if column in table.columns else ",".join(table.key),
                        value,
                        f"a unique key {table.key}",
                        "duplicate-key",
                    )
                )
                continue
            if check_name in RULES:
                problems.append(Problem(file, line, column, value, check_name, RULES[check_name]))
            else:
                problems.append(Problem(file, line, column, value, _expectation(table, column, check_name), check_name))
    # a unique id must be unique within an edition even when the key has more columns
    for col in uniques:
        key = ["edition", col] if "edition" in frame.columns else [col]
        dup = frame[frame.duplicated(key, keep=False) & frame[col].notna()]
        if len(table.key) > len(key):
            for line, value in dup[col].items():
                problems.append(Problem(file, int(line), col, value, "an id used once per edition", "duplicate-id"))
    return typed, _dedupe(problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        k = (p.file, p.row, p.column, repr(p.value), p.expected)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


# ---------------------------------------------------------------- cross-table checks


@check
def foreign_keys(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """Every reference between tables resolves, within the same edition."""
    out = []
    for table in TABLES:
        if table.name not in frames:
            continue
        frame = frames[table.name]
        for f in table.fields:
            if not f.ref:
                continue
            target_table, target_col = f.ref.split(".")
            if target_table not in frames:
                continue
            target = frames[target_table]
            has_ed = "edition" in frame.columns and "edition" in target.columns
            keys = set(zip(target["edition"], target[target_col])) if has_ed else {(None, v) for v in target[target_col]}
            for line, row in frame.iterrows():
                items = split(row[f.name]) if f.multi else ([] if pd.isna(row[f.name]) else [row[f.name]])
                for item in items:
                    if ((row["edition"] if has_ed else None), item) not in keys:
                        out.append(
                            Problem(
                                files[table.name],
                                int(line),
                                f.name,
                                item,
                                f"an existing {target_table}.{target_col} of edition {row.get('edition')}",
                                "foreign-key",
                            )
                        )
    return out


@check
def case_link_targets(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """case_links.target_id names an existing problem or measure, as target_type says."""
    if not {"case_links", "problems", "measures"} <= frames.keys():
        return []
    ids = {"problem": set(frames["problems"]["problem_id"]), "measure": set(frames["measures"]["measure_id"])}
    rel = {"problem": "illustrates", "measure": "practises"}
    out = []
    for line, row in frames["case_links"].iterrows():
        kind = row["target_type"]
        if kind in ids and row["target_id"] not in ids[kind]:
            out.append(
                Problem(files["case_links"], int(line), "target_id", row["target_id"], f"an existing {kind} id", "foreign-key")
            )
        if kind in rel and row["relation"] != rel[kind]:
            out.append(
                Problem(files["case_links"], int(line), "relation", row["relation"], f"'{rel[kind]}' for a {kind}", "relation")
            )
    return out


@check
def problem_hierarchy(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """Sub-problems (P1.1) sit under their area (P1); areas have no parent."""
    if "problems" not in frames:
        return []
    out = []
    for line, row in frames["problems"].iterrows():
        pid, parent = row["problem_id"], row["parent_id"]
        expected = pid.split(".")[0] if "." in str(pid) else None
        if (parent if isinstance(parent, str) else None) != expected:
            out.append(Problem(files["problems"], int(line), "parent_id", parent, f"{expected!r} for problem {pid}", "hierarchy"))
    return out


@check
def measure_ids_match_recommendation(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """Measure R2.M03 belongs to recommendation R2."""
    if "measures" not in frames:
        return []
    return [
        Problem(
            files["measures"],
            int(line),
            "rec_id",
            row["rec_id"],
            f"{row['measure_id'].split('.')[0]!r} (the prefix of {row['measure_id']})",
            "hierarchy",
        )
        for line, row in frames["measures"].iterrows()
        if not str(row["measure_id"]).startswith(f"{row['rec_id']}.")
    ]


@check
def chapter2_aggregates(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """Every count chapter 2 states about the cases is reproduced by the coded cases (:func:`.filters.recount`)."""
    if not {"case_aggregates", "cases", "claims"} <= frames.keys():
        return []
    out = []
    claims, cases, aggregates = frames["claims"], frames["cases"], frames["case_aggregates"]
    for edition in sorted(set(aggregates["edition"])):
        mine = aggregates[aggregates["edition"] == edition]
        known = set(claims.loc[claims["edition"] == edition, "claim_id"])
        mine = mine[mine["claim_id"].isin(known)]  # a missing claim is reported by foreign_keys
        rows = recount(cases[cases["edition"] == edition], claims[claims["edition"] == edition], mine)
        for r in rows.itertuples(index=False):
            if r.error:
                out.append(
                    Problem(
                        files["case_aggregates"],
                        int(r.line),
                        "filter",
                        r.error,
                        "conditions column=value on columns of cases.csv",
                        "filter",
                    )
                )
            elif not r.match:
                out.append(
                    Problem(
                        files["cases"],
                        None,
                        None,
                        r.recounted,
                        f"{r.printed:g} cases for {r.filter or 'all cases'} as printed in claim {r.claim_id} "
                        f"('{r.value_printed}', section {r.section_id})",
                        "aggregate",
                    )
                )
    return out


def validate(raw: Frames, files: dict[str, str]) -> Frames:
    """Validate every table and the links between them; return typed frames or raise one DataError."""
    problems: list[Problem] = []
    typed: Frames = {}
    # labels, cities and districts first: the others' vocabularies come from them
    order = ["labels", "cities", "districts"] + [t.name for t in TABLES if t.name not in ("labels", "cities", "districts")]
    for name in order:
        if name not in raw:
            continue
        frame, found = check_table(BY_NAME[name], raw[name], {**raw, **typed}, files[name])
        problems += found
        if frame is not None:
            typed[name] = frame
    for fn in CHECKS:  # on every table that typed cleanly, so all problems show at once
        problems += fn(typed, files)
    if problems:
        raise DataError(problems)
    return typed
