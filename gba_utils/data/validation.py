"""Validation: per-table rules with pandera, cross-table rules as named checks.

Every rule reports :class:`~gba_utils.errors.Problem` records naming file, line,
column, value and what was expected; :func:`validate` runs all of them and raises
one :class:`~gba_utils.errors.DataError` listing every problem at once.
"""

from __future__ import annotations

import datetime
import difflib
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .. import languages
from ..errors import Problem
from . import switches
from .filters import cells, recount, split
from .geometry import check_geometry
from .schema import BY_NAME, CITY, DISTRICT, PRINTED, SCOPE, TABLES, YEARS, Field, Table

Frames = dict[str, pd.DataFrame]
CHECKS: list[Callable[[Frames, dict[str, str]], list[Problem]]] = []


def check(*clean: str):
    """Register a cross-table check (a named function returning problems).

    Checks run on what remains of every table, so one broken table does not hide the problems of the others. A check
    that can only judge tables without problems names them: ``@check("cases", "claims")`` runs only when those are
    clean (the chapter-2 recount would otherwise report the consequences of a bad cell as problems of its own).
    """

    def register(fn):
        fn.clean = set(clean)
        CHECKS.append(fn)
        return fn

    return register


def allowed_codes(vocab: str, frames: Frames) -> set[str]:
    """The codes a column of vocabulary ``vocab`` may hold, from labels.csv or the cities and districts tables."""

    def codes(table: str, column: str, where=None) -> set[str]:
        frame = frames.get(table)
        if frame is None or column not in frame.columns:
            return set()
        values = frame[column] if where is None else frame.loc[frame["vocabulary"] == where, column]
        return {v for v in values if isinstance(v, str)}

    if vocab == CITY:
        return codes("cities", "city_code")
    if vocab == DISTRICT:
        return codes("districts", "district_code")
    if vocab == SCOPE:
        return codes("labels", "code", "scope") | codes("cities", "city_code")
    return codes("labels", "code", vocab)


def _vocabulary_known(vocab: str, frames: Frames) -> bool:
    """Whether the table that lists a vocabulary's codes could be read (cities, districts or labels)."""
    source = {CITY: ("cities",), DISTRICT: ("districts",), SCOPE: ("labels", "cities")}.get(vocab, ("labels",))
    return all(frames.get(t) is not None for t in source)


def _describe_vocab(vocab: str, codes: set[str]) -> str:
    name = {CITY: "city", DISTRICT: "district", SCOPE: "scope"}.get(vocab, vocab)
    shown = sorted(codes)
    if not shown:
        source = {CITY: "cities.csv", DISTRICT: "districts.csv"}.get(vocab, "labels.csv")
        return f"a '{name}' code, but {source} lists none"
    more = "" if len(shown) <= 30 else f" ... ({len(shown)} codes)"
    return f"a '{name}' code: one of {shown[:30]}{more}"


#: error message of a check -> short name of the rule (pandera reports checks by their message)
RULES: dict[str, str] = {}


def _rule(name: str, message: str) -> str:
    RULES[message] = name
    return message


def _real_date(value) -> bool:
    """An ISO date at any precision (YYYY, YYYY-MM, YYYY-MM-DD) that exists in the calendar, within :data:`YEARS`."""
    parts = [int(x) for x in str(value).split("-")]
    if not YEARS[0] <= parts[0] <= YEARS[1]:
        return False
    try:
        datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def _column_schema(f: Field, frames: Frames, loose: bool = False) -> pa.Column:
    """The pandera column of a field; ``loose`` keeps the type only (to type what remains of a broken table)."""
    dtype = {"integer": "Int64", "number": "Float64", "string": "str"}[f.type]
    if loose:
        return pa.Column(dtype, nullable=True, coerce=True, required=True)
    checks = []
    if f.pattern:
        checks.append(pa.Check.str_matches(f.pattern, error=_rule("pattern", f"text matching {f.pattern}")))
    if f.vocab and not _vocabulary_known(f.vocab, frames):
        pass  # the table that lists these codes could not be read: its own problem says so, a flood of 'unknown code' would not
    elif f.vocab and not f.multi:
        codes = allowed_codes(f.vocab, frames)
        checks.append(pa.Check.isin(sorted(codes), error=_rule("unknown-code", _describe_vocab(f.vocab, codes))))
    if f.vocab and f.multi and _vocabulary_known(f.vocab, frames):
        codes = allowed_codes(f.vocab, frames)
        checks.append(
            pa.Check(
                lambda v, c=codes: all(i in c for i in split(v)),
                element_wise=True,
                error=_rule("unknown-code", "every ';'-separated item " + _describe_vocab(f.vocab, codes)),
            )
        )
    if f.positive:
        checks.append(pa.Check.gt(0, error=_rule("range", "a number greater than zero")))
    if f.minimum is not None or f.maximum is not None:
        lo = -math.inf if f.minimum is None else f.minimum
        hi = math.inf if f.maximum is None else f.maximum
        what = f"a number from {lo:g} to {hi:g}" + (f" ({f.unit})" if f.unit else "")
        checks.append(pa.Check.in_range(lo, hi, error=_rule("range", what)))
    if f.year:
        checks.append(pa.Check.in_range(*YEARS, error=_rule("range", f"a year from {YEARS[0]} to {YEARS[1]}")))
    if f.date:
        checks.append(
            pa.Check(
                _real_date,
                element_wise=True,
                error=_rule(
                    "date", f"a date that exists in the calendar (YYYY, YYYY-MM or YYYY-MM-DD), from {YEARS[0]} to {YEARS[1]}"
                ),
            )
        )
    return pa.Column(dtype, checks=checks, nullable=not f.required, coerce=True, required=True)


def table_schema(table: Table, frames: Frames, loose: bool = False, skip: set[str] = frozenset()) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {f.name: _column_schema(f, frames, loose or f.name in skip) for f in table.fields},
        strict=False,
        unique=None if loose else list(table.key),
        report_duplicates="all",
        name=table.name,
    )


def _expectation(table: Table, column: str | None, check_name: str) -> str:
    if column and column in table.columns:
        f = table.field(column)
        if check_name.startswith("coerce_dtype") or "dtype" in check_name:
            return {"integer": "a whole number", "number": "a number"}.get(f.type, "text")
        if check_name == "not_nullable":
            return "a value (this column is required)"
    return check_name


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value))


def check_table(
    table: Table, frame: pd.DataFrame, frames: Frames, file: str, original: dict | None = None, skip: set[str] = frozenset()
) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate and type one table; return the typed frame and its problems.

    When the table has problems, the frame returned is what remains of it, typed: bad cells emptied and repeated keys
    dropped, so that the checks between tables can still run on the rest. ``original`` holds the file's own text of
    normalised cells (messages quote it); ``skip`` names missing columns, reported once when the file was read.
    """
    original = original or {}
    problems: list[Problem] = []
    bad_cells: set[tuple[int, str]] = set()
    duplicate_lines: set[int] = set()
    try:
        return table_schema(table, frames, skip=skip).validate(frame.copy(), lazy=True), _unique_ids(table, frame, file)
    except SchemaErrors as err:
        key_cols = [k for k in table.key if k != "edition"] or list(table.key)
        for rec in err.failure_cases.to_dict("records"):
            column, index, check_name = rec.get("column"), rec.get("index"), str(rec.get("check"))
            column = None if _missing(column) else column
            line = None if _missing(index) else int(index)
            if check_name in ("field_uniqueness", "multiple_fields_uniqueness") or column == table.name:
                if line is not None and line not in duplicate_lines:
                    duplicate_lines.add(line)
                    value = ",".join(str(frame.loc[line, k]) for k in key_cols)
                    problems.append(Problem(file, line, ",".join(key_cols), value, f"a unique key {table.key}", "duplicate-key"))
                continue
            if check_name.startswith("dtype("):
                continue  # the same cell as its coerce_dtype failure
            value = rec.get("failure_case")
            if check_name == "not_nullable":
                value = ""  # an empty cell, shown as such
            elif line is not None and column is not None:
                value = original.get((line, column), frame.loc[line, column] if line in frame.index else value)
            if line is not None and column is not None:
                bad_cells.add((line, column))
            name = RULES.get(check_name, check_name)
            expected = check_name if check_name in RULES else _expectation(table, column, check_name)
            problems.append(Problem(file, line, column, value, expected, name))
    problems += _unique_ids(table, frame, file)
    remains = frame.copy()
    for line, column in bad_cells:
        remains.loc[line, column] = None
    remains = remains[~remains.duplicated(list(table.key), keep="first")]
    typed = table_schema(table, frames, loose=True).validate(remains, lazy=True)
    return typed, _dedupe(problems)


def _unique_ids(table: Table, frame: pd.DataFrame, file: str) -> list[Problem]:
    """A unique id must be unique within an edition even when the key has more columns."""
    problems = []
    for f in table.fields:
        if not f.unique:
            continue
        key = ["edition", f.name] if "edition" in frame.columns else [f.name]
        if len(table.key) <= len(key):
            continue  # the key check covers it
        dup = frame[frame.duplicated(key, keep=False) & frame[f.name].notna()]
        problems += [
            Problem(file, int(line), f.name, value, "an id used once per edition", "duplicate-id")
            for line, value in dup[f.name].items()
        ]
    return problems


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        k = (p.file, p.row, p.column, repr(p.value), p.expected)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


# ---------------------------------------------------------------- cross-table checks


@check()
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
            values = cells(frame[f.name])
            eds = list(frame["edition"]) if has_ed else [None] * len(values)
            keys = set(zip(target["edition"], cells(target[target_col]))) if has_ed else {(None, v) for v in target[target_col]}
            for line, edition, cell in zip(frame.index, eds, values):
                for item in split(cell) if f.multi else ([] if _missing(cell) else [cell]):
                    if (edition, item) in keys:
                        continue
                    out.append(
                        Problem(
                            files[table.name],
                            int(line),
                            f.name,
                            item,
                            f"an existing {target_table}.{target_col} of edition {edition}",
                            "foreign-key",
                        )
                    )
    return out


@check()
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


@check()
def problem_hierarchy(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """Sub-problems (P1.1) sit under their area (P1); areas have no parent."""
    if "problems" not in frames:
        return []
    out = []
    for line, row in frames["problems"].iterrows():
        pid, parent = row["problem_id"], row["parent_id"]
        if _missing(pid):
            continue
        expected = pid.split(".")[0] if "." in str(pid) else None
        if (parent if isinstance(parent, str) else None) != expected:
            out.append(
                Problem(
                    files["problems"],
                    int(line),
                    "parent_id",
                    "" if _missing(parent) else parent,
                    f"{expected!r} for problem {pid}",
                    "hierarchy",
                )
            )
    return out


@check()
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
        if not _missing(row["measure_id"]) and not str(row["measure_id"]).startswith(f"{row['rec_id']}.")
    ]


@check()
def link_measures_belong_to_their_recommendation(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """A measure-level link of problem_recommendation names a measure of the recommendation it names."""
    if "problem_recommendation" not in frames:
        return []
    return [
        Problem(
            files["problem_recommendation"],
            int(line),
            "measure_id",
            row["measure_id"],
            f"a measure of recommendation {row['rec_id']} (an id starting {row['rec_id']}.)",
            "hierarchy",
        )
        for line, row in frames["problem_recommendation"].iterrows()
        if not _missing(row["measure_id"]) and not str(row["measure_id"]).startswith(f"{row['rec_id']}.")
    ]


@check()
def shares_within_a_whole(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """A claim in percent is a share of something: from 0 to 100."""
    if "claims" not in frames:
        return []
    claims = frames["claims"]
    bad = claims[(claims["unit"] == "percent") & ((claims["value"] < 0) | (claims["value"] > 100))]
    return [
        Problem(files["claims"], int(line), "value", v, "a share from 0 to 100 (unit percent)", "range")
        for line, v in bad["value"].items()
    ]


def _dates_agree(frames: Frames, files: dict[str, str], table: str, year_column: str, what: str, plural: str) -> list[Problem]:
    """Rows of unit 'date' give their ISO date, and their value and year are that date's year; no other row has a date."""
    if table not in frames or "date" not in frames[table].columns:
        return []
    rows, out = frames[table], []
    for line, c in rows[rows["unit"] == "date"].iterrows():
        if _missing(c["date"]):
            out.append(Problem(files[table], int(line), "date", "", f"the ISO date of {what} whose unit is 'date'", "date"))
            continue
        year = int(str(c["date"])[:4])
        for col in ("value", year_column):
            if not _missing(c[col]) and c[col] != year:
                out.append(Problem(files[table], int(line), col, c[col], f"{year}, the year of the date {c['date']}", "date"))
    for line, c in rows[(rows["unit"] != "date") & rows["date"].notna()].iterrows():
        out.append(
            Problem(files[table], int(line), "date", c["date"], f"no date (only {plural} of unit 'date' have one)", "date")
        )
    return out


@check()
def date_claims_agree(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """A claim about a date (unit 'date') gives its ISO date, and its value and year are that date's year."""
    return _dates_agree(frames, files, "claims", "ref_year", "a claim", "claims")


@check()
def date_outside_agree(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """An outside record of a date is encoded as a date claim is: ISO date, value and year its year."""
    return _dates_agree(frames, files, "outside_references", "year", "an outside record", "outside records")


@check()
def audit_checks_name_what_they_check(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """Every audit check names at least one claim or one policy; one that uses an outside figure says so in its titles."""
    if "audit_checks" not in frames:
        return []
    checks, out = frames["audit_checks"], []
    for line, row in checks.iterrows():
        if not split(row["claim_ids"]) and not split(row.get("policy_ids")):
            out.append(
                Problem(
                    files["audit_checks"], int(line), "claim_ids", "", "at least one claim (or a policy in policy_ids)", "audit"
                )
            )
        if not split(row.get("outside_ids")):
            continue
        for code in languages.LANGS:
            lang = languages.get(code)
            column, mark = lang.col("title"), lang.phrases["outside_mark"]
            if column in checks.columns and not _missing(row[column]) and mark not in str(row[column]):
                out.append(
                    Problem(
                        files["audit_checks"],
                        int(line),
                        column,
                        row[column],
                        f"a title that says the check uses a figure outside the report (it contains '{mark}')",
                        "audit",
                    )
                )
    return out


@check("cases", "districts")
def case_districts(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """A district-level case names its district, and a case's district lies in the case's city (the district rule)."""
    cases, districts = frames["cases"], frames["districts"]
    city_of = dict(zip(zip(districts["edition"], districts["district_code"]), districts["city_code"]))
    out = []
    columns = (cases.index, *(cells(cases[c]) for c in ("admin_level", "district_code", "edition", "city_code")))
    for line, level, district, edition, city_code in zip(*columns):
        if level == "district" and _missing(district):
            out.append(
                Problem(files["cases"], int(line), "district_code", "", "the district of a district-level case", "district")
            )
            continue
        if _missing(district):
            continue
        city = city_of.get((edition, district))
        if city is not None and city != city_code:
            out.append(
                Problem(
                    files["cases"],
                    int(line),
                    "district_code",
                    district,
                    f"a district of the case's city {city_code!r} (districts.csv puts {district!r} in {city!r})",
                    "district",
                )
            )
    return out


@check()
def provenance_exceptions_name_printed_forms(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """An exception of the source check names a printed column (schema.PRINTED) of an existing row."""
    if "provenance_exceptions" not in frames:
        return []
    printed = {f"{t}.csv": {c for (tt, c) in PRINTED if tt == t} for (t, _) in PRINTED}
    out = []
    for line, row in frames["provenance_exceptions"].iterrows():
        file = row["file"]
        if file not in printed:
            out.append(
                Problem(files["provenance_exceptions"], int(line), "file", file, f"one of {sorted(printed)}", "provenance")
            )
            continue
        if row["column"] not in printed[file]:
            expected = f"a column of printed forms of {file}: one of {sorted(printed[file])}"
            out.append(Problem(files["provenance_exceptions"], int(line), "column", row["column"], expected, "provenance"))
        table = file.removesuffix(".csv")
        target = frames.get(table)
        id_column = next(k for k in BY_NAME[table].key if k != "edition")
        if target is not None and (row["edition"], row["key"]) not in set(zip(target["edition"], target[id_column])):
            out.append(
                Problem(
                    files["provenance_exceptions"],
                    int(line),
                    "key",
                    row["key"],
                    f"an existing {table}.{id_column} of edition {row['edition']}",
                    "foreign-key",
                )
            )
    return out


@check("cases", "claims", "case_aggregates")
def chapter2_aggregates(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """Every count chapter 2 states about the cases is reproduced by the coded cases (:func:`.filters.recount`)."""
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
            elif r.match and r.differs_by:
                out.append(
                    Problem(
                        files["case_aggregates"],
                        int(r.line),
                        "differs_by_decision",
                        r.differs_by,
                        f"empty: the cases reproduce claim {r.claim_id} again ({r.printed:g}), so no decision explains a difference",
                        "aggregate",
                    )
                )
            elif not r.match and not r.differs_by:
                out.append(
                    Problem(
                        files["cases"],
                        None,
                        None,
                        r.recounted,
                        f"{r.printed:g} cases for {r.filter or 'all cases'} as printed in claim {r.claim_id} "
                        f"('{r.value_printed}', section {r.section_id}); if the difference is meant (cases added after the report), "
                        f"name the decision that explains it in case_aggregates.csv differs_by_decision for {r.claim_id}",
                        "aggregate",
                    )
                )
    return out


# ---------------------------------------------------------------- decisions as switches


def coded_only(fn):
    """Mark a check that judges the data as coded only: switched data (:func:`validate_switched`) skip it."""
    fn.coded_only = True
    return fn


chapter2_aggregates = coded_only(chapter2_aggregates)  # under a switch a printed count may stop holding: a finding


@coded_only
@check("decision_alternatives", "decision_edits")
def switchable_alternatives_have_edits(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """A switchable alternative has edits, the others have none, and every edit belongs to a listed alternative."""
    alts, edits = frames["decision_alternatives"], frames["decision_edits"]
    status = {(e, d, a): s for e, d, a, s in zip(alts["edition"], alts["decision_id"], alts["alternative"], alts["status"])}
    with_edits = set(zip(edits["edition"], edits["decision_id"], edits["alternative"]))
    out = [
        Problem(
            files["decision_alternatives"],
            int(line),
            "status",
            s,
            f"edits in decision_edits.csv for a switchable alternative ({d}={a} has none)",
            "alternatives",
        )
        for line, e, d, a, s in zip(alts.index, alts["edition"], alts["decision_id"], alts["alternative"], alts["status"])
        if s == switches.SWITCHABLE and (e, d, a) not in with_edits
    ]
    for line, e, d, a in zip(edits.index, edits["edition"], edits["decision_id"], edits["alternative"]):
        s = status.get((e, d, a))
        if s is None:
            mine = [alt for (ee, dd, alt), st in status.items() if ee == e and dd == d and st == switches.SWITCHABLE]
            out.append(
                Problem(
                    files["decision_edits"],
                    int(line),
                    "alternative",
                    a,
                    f"a switchable alternative of {d} listed in decision_alternatives.csv: one of {mine}",
                    "alternatives",
                )
            )
        elif s != switches.SWITCHABLE:
            out.append(
                Problem(
                    files["decision_edits"],
                    int(line),
                    "alternative",
                    a,
                    f"an alternative whose status is switchable ({d}={a} is {s}: it has no edits)",
                    "alternatives",
                )
            )
    return out


def _cell_text(value) -> str:
    return "" if _missing(value) else (f"{value:g}" if isinstance(value, float) else str(value))


def _same_cell(field: Field, cell, text) -> bool:
    """Whether the coded cell is what an edit's ``coded`` says (compared as the column's type)."""
    try:
        expected = switches.convert(field, text)
    except ValueError:
        return False
    if expected is None or _missing(cell):
        return expected is None and _missing(cell)
    return float(cell) == expected if field.type in ("integer", "number") else str(cell) == expected


@coded_only
@check("decision_edits", "decision_alternatives")
def decision_edits_apply(frames: Frames, files: dict[str, str]) -> list[Problem]:
    """Each edit finds the table as coded (the row exists, or for an added row does not; a set cell holds the value in
    ``coded``), and under its alternative every value passes the rules of its column and every reference still resolves."""
    edits, file = frames["decision_edits"], files["decision_edits"]
    out: list[Problem] = []
    rows: dict[str, dict] = {}

    def index_of(name: str) -> dict:
        if name not in rows:
            frame = frames[name]
            keys = switches.row_keys(frame, BY_NAME[name])
            rows[name] = {(int(ed), k): i for i, ed, k in zip(frame.index, frame["edition"], keys)}
        return rows[name]

    def bad(line, column, value, expected, rule="switch"):
        out.append(Problem(file, int(line), column, value, expected, rule))

    values = []  # (line, table, column, value) of edits whose target was found
    for line, e in edits.iterrows():
        name, action = e["table"], e["action"]
        if name not in switches.EDITABLE:
            bad(line, "table", name, f"a table the data can switch: one of {list(switches.EDITABLE)}")
            continue
        if name not in frames:
            continue  # the table could not be read: its own problems say so
        table = BY_NAME[name]
        cols = switches.key_columns(table)
        if len(str(e["key"]).split(";")) != len(cols):
            bad(line, "key", e["key"], f"a key of {name}.csv: {';'.join(cols)} ({len(cols)} part(s) joined by ';')")
            continue
        column = None if _missing(e["column"]) else e["column"]
        if action == "remove" and column is not None:
            bad(line, "column", column, "no column for a remove edit (it removes the whole row)")
            continue
        if action != "remove":
            if column is None or column not in table.columns:
                close = difflib.get_close_matches(str(column), table.columns, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                bad(line, "column", column or "", f"a column of {name}.csv for a {action} edit: one of {table.columns}{hint}")
                continue
            if column in table.key:
                bad(
                    line,
                    "column",
                    column,
                    f"a column outside the key {table.key} (a key changes by removing the row and adding another)",
                )
                continue
        found = index_of(name).get((int(e["edition"]), e["key"]))
        if action == "add":
            if found is not None:
                bad(
                    line,
                    "key",
                    e["key"],
                    f"a row not yet in {name}.csv for an add edit ({files[name]}, line {found} has this key)",
                )
                continue
        elif found is None:
            bad(line, "key", e["key"], f"an existing row of {name}.csv in edition {e['edition']} ({';'.join(cols)})")
            continue
        if action == "set":
            cell = frames[name].loc[found, column]
            if not _same_cell(table.field(column), cell, e["coded"]):
                bad(
                    line,
                    "coded",
                    _cell_text(e["coded"]),
                    f"the cell as coded: {files[name]}, line {found}, column '{column}' holds {_cell_text(cell)!r}",
                )
                continue
        if action != "remove":
            values.append((line, name, column, e["value"], found, (e["edition"], e["decision_id"], e["alternative"], e["key"])))
    out += _edit_values(values, frames, file)
    out += _edit_links(edits, frames, files)
    return out


def _edit_values(values: list[tuple], frames: Frames, file: str) -> list[Problem]:
    """The values edits set pass the rules of their column (type, required, code, pattern, range).

    One validation per table: each edit is a row holding, in every column some edit of the table sets, the cell of the
    row it edits (as coded, or as its alternative adds it) with its own value in its own column; only failures in an
    edit's own column are its problems.
    """
    out = []
    adds = {(who, column): value for _, _, column, value, found, who in values if found is None}
    by_table: dict[str, list[tuple]] = {}
    for item in values:
        by_table.setdefault(item[1], []).append(item)
    for name, items in by_table.items():
        table, frame = BY_NAME[name], frames[name]
        columns = list(dict.fromkeys(column for _, _, column, *_ in items))
        records, index = [], []
        found_rows = list(dict.fromkeys(found for *_, found, _ in items if found is not None))
        coded = frame.loc[found_rows, columns].to_dict("index")
        for line, _, column, value, found, who in items:
            if found is None:
                record = {c: adds.get((who, c)) for c in columns}
            else:
                record = {c: None if _missing(v) else str(v) for c, v in coded[found].items()}
            record[column] = None if _missing(value) else value
            records.append(record)
            index.append(line)
        rows = pd.DataFrame(records, index=index, columns=columns, dtype=object)
        schema = pa.DataFrameSchema({c: _column_schema(table.field(c), frames) for c in columns}, strict=False)
        try:
            schema.validate(rows, lazy=True)
        except SchemaErrors as err:
            own = {line: column for line, _, column, *_ in items}
            for rec in err.failure_cases.to_dict("records"):
                check_name, column = str(rec.get("check")), rec.get("column")
                if check_name.startswith("dtype(") or _missing(rec.get("index")) or own.get(int(rec["index"])) != column:
                    continue
                line = int(rec["index"])
                expected = check_name if check_name in RULES else _expectation(table, column, check_name)
                out.append(
                    Problem(
                        file,
                        line,
                        "value",
                        _cell_text(rows.loc[line, column]),
                        f"{expected} (as {name}.csv column '{column}' requires)",
                        RULES.get(check_name, check_name),
                    )
                )
    return out


def _edit_links(edits: pd.DataFrame, frames: Frames, files: dict[str, str]) -> list[Problem]:
    """Under each alternative every reference resolves: a removed row is not referred to by a row that stays (unless
    the alternative changes that reference), and a value set in a reference column names a row that exists."""
    out = []
    # every reference of the data once: (target table, id named) -> [(file, line, column, edition, table, row key)]
    named: dict[tuple[str, str], list[tuple]] = {}
    for table in TABLES:
        if table.name not in frames:
            continue
        frame = frames[table.name]
        keys = switches.row_keys(frame, table) if "edition" in frame.columns else None
        for f in table.fields:
            if not f.ref or keys is None:
                continue
            target = f.ref.split(".")[0]
            for line, ed, key, cell in zip(frame.index, frame["edition"], keys, cells(frame[f.name])):
                for item in split(cell) if f.multi else ([] if _missing(cell) else [cell]):
                    named.setdefault((target, item), []).append((line, f.name, ed, table.name, key))
    if "provenance_exceptions" in frames:
        pe = frames["provenance_exceptions"]
        for line, r in pe.iterrows():
            own = f"{r['file']};{r['key']};{r['column']}"
            named.setdefault((str(r["file"]).removesuffix(".csv"), r["key"]), []).append(
                (line, "key", r["edition"], "provenance_exceptions", own)
            )
    groups: dict[tuple, list[dict]] = {}
    for line, r in zip(edits.index, edits.to_dict("records")):
        groups.setdefault((r["edition"], r["decision_id"], r["alternative"]), []).append(r | {"line": line})
    for (edition, decision, alt), mine in groups.items():
        removed = {(r["table"], r["key"]): r["line"] for r in mine if r["action"] == "remove"}
        added = {(r["table"], r["key"]) for r in mine if r["action"] == "add"}
        changed = {(r["table"], r["key"], r["column"]): r["value"] for r in mine if r["action"] != "remove"}
        for r in mine:
            line = r["line"]
            if r["action"] == "set" and (r["table"], r["key"]) in removed:
                out.append(
                    Problem(
                        files["decision_edits"],
                        int(line),
                        "key",
                        r["key"],
                        f"a row that {decision}={alt} does not also remove",
                        "switch",
                    )
                )
        for (target, item), where in removed.items():
            for line, column, ed, table, key in named.get((target, item), []):
                if ed != edition or (table, key) in removed:
                    continue
                if (table, key, column) in changed:
                    field = BY_NAME[table].field(column)
                    value = changed[(table, key, column)]
                    if item not in (split(value) if field.multi else [value]):
                        continue  # the alternative points the reference elsewhere
                out.append(
                    Problem(
                        files["decision_edits"],
                        int(where),
                        "key",
                        item,
                        f"a row no other row still names: {files[table]}, line {line} names {item} in '{column}'; "
                        f"remove or change that row in {decision}={alt} too",
                        "switch",
                    )
                )
        for (name, key, column), value in changed.items():
            if _missing(column) or column not in BY_NAME[name].columns or not BY_NAME[name].field(column).ref:
                continue
            target, target_col = BY_NAME[name].field(column).ref.split(".")
            if target not in frames:
                continue
            have = {v for e, v in zip(frames[target]["edition"], cells(frames[target][target_col])) if e == edition}
            have = (have | {k for t, k in added if t == target}) - {k for t, k in removed if t == target}
            field = BY_NAME[name].field(column)
            for item in split(value) if field.multi else ([] if _missing(value) else [value]):
                if item not in have:
                    line = next(r["line"] for r in mine if (r["table"], r["key"], r["column"]) == (name, key, column))
                    out.append(
                        Problem(
                            files["decision_edits"],
                            int(line),
                            "value",
                            item,
                            f"an existing {target}.{target_col} of edition {edition} under {decision}={alt}",
                            "foreign-key",
                        )
                    )
    return out


def validate_switched(frames: Frames, files: dict[str, str], touched: set[str], label: str) -> list[Problem]:
    """Tables with switches applied, checked again: the rules of every table an edit changed and every check between
    tables except those that judge the data as coded (the chapter-2 recount: under a switch a printed count that no
    longer holds is a finding of the audit, not an error). Problems name the file with the switches (``label``)."""
    shown = {name: f"{file} under decisions {label}" for name, file in files.items()}
    typed = dict(frames)
    problems: list[Problem] = []
    for name in [t.name for t in TABLES if t.name in touched]:
        typed[name], found = check_table(BY_NAME[name], frames[name], typed, shown[name])
        problems += found
    for fn in CHECKS:
        if not getattr(fn, "coded_only", False):
            problems += fn(typed, shown)
    return sorted(_dedupe(problems), key=_order)


def _order(problem: Problem) -> tuple:
    return (problem.file, problem.row if problem.row is not None else 0, problem.column or "")


def validate_all(reads: dict, files: dict[str, str], directory: Path | None = None) -> tuple[Frames, list[Problem]]:
    """Every problem of every table in one round: reading, types, codes, rules, the links between tables, the geometry.

    ``reads`` maps table names to :class:`~gba_utils.data.reading.Read`. Returns the typed frames (what remains of
    broken tables) and the problems, sorted by file and line.
    """
    problems: list[Problem] = [p for r in reads.values() for p in r.problems]
    dirty = {name for name, r in reads.items() if r.problems or r.frame is None}
    typed: Frames = {}
    raw = {name: r.frame for name, r in reads.items() if r.frame is not None}
    # labels, cities and districts first: the others' vocabularies come from them
    order = ["labels", "cities", "districts"] + [t.name for t in TABLES if t.name not in ("labels", "cities", "districts")]
    for name in order:
        if name not in raw:
            continue
        frame, found = check_table(
            BY_NAME[name], raw[name], {**raw, **typed}, files[name], reads[name].original, reads[name].missing_columns
        )
        problems += found
        dirty |= {name} if found else set()
        typed[name] = frame
    for fn in CHECKS:  # on what remains of every table, so all problems show at once
        if fn.clean & (dirty | (set(BY_NAME) - set(typed))):
            continue
        problems += fn(typed, files)
    if directory is not None:
        problems += check_geometry(directory, typed.get("cities"))
    return typed, sorted(_dedupe(problems), key=_order)
