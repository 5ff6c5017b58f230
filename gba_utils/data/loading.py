"""Load the whole dataset in one call: read, validate, type, filter to an edition, and switch decisions if asked."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..errors import DataError, EncodingProblem, ParameterError, Problem
from ..files import atomic_write
from ..paths import data_dir as _data_dir
from ..paths import shown
from . import switches
from .schema import TABLES

if TYPE_CHECKING:  # pandas and pandera load with the first table, so data_version() stays light for the build workers
    import pandas as pd


def data_version(directory: Path) -> str:
    """Content hash of every table file (and the geometry): the data version printed in reports."""
    h = hashlib.sha256()
    files = [directory / t.path for t in TABLES] + sorted((directory / "geo").glob("*.geojson"))
    for path in files:
        if path.exists():
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


@dataclass
class Dataset:
    """All tables of one edition, validated and typed. Access tables as attributes: ``ds.cases``."""

    edition: int
    tables: dict[str, pd.DataFrame]
    version: str
    directory: Path = field(repr=False)
    #: The decisions switched to an alternative ('D07=by-subject,...'; '' when the data are as coded). (Not named
    #: ``decisions``: that is the decisions log, ``ds.decisions``.)
    switched: str = ""
    #: The same edition as coded, when decisions are switched.
    coded: Dataset | None = field(default=None, repr=False)
    #: The tables the switches change.
    changed: frozenset = field(default=frozenset(), repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items())
        switched = f", decisions={self.switched}" if self.switched else ""
        return f"Dataset(edition={self.edition}, version={self.version}{switched}, {sizes})"


def read_all(directory: Path) -> tuple[dict, dict[str, str]]:
    """Read every table as text: ``{name: Read}`` (records and problems of each file) and ``{name: file}``."""
    from .reading import read_table  # pandas loads here, with the first table, not when the package is imported

    reads, files = {}, {}
    for table in TABLES:
        path = directory / table.path
        files[table.name] = shown(directory, table.path)
        reads[table.name] = read_table(path, table, files[table.name])
    return reads, files


def check(directory: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Every problem of the data in ``directory`` in one round (tables, rules, links, geometry) and the typed tables."""
    from .validation import validate_all

    reads, files = read_all(directory)
    return validate_all(reads, files, directory)


def raise_problems(problems: list[Problem]) -> None:
    """Raise one :class:`DataError` listing every problem (an :class:`EncodingProblem` when a file is not UTF-8)."""
    if problems:
        raise (EncodingProblem if any(p.check == "encoding" for p in problems) else DataError)(problems)


#: How many validated versions of the data the build folder keeps (the newest; tests make many small ones).
KEEP_VALIDATED = 8


def _validated_file(directory: Path) -> Path | None:
    """Where the typed tables of ``directory`` are kept once they validated, named by a hash of everything the
    validation reads or is: every file of the folder, the code and words of the data layer, and the versions of the
    libraries that type the tables. None outside a checkout (an installed package keeps no build folder)."""
    if not paths.CHECKOUT:
        return None
    from importlib.metadata import version  # not the libraries themselves: a hit needs no pandera

    h = hashlib.sha256(" ".join(version(d) for d in ("pandas", "pandera", "numpy")).encode())
    code = sorted((paths.PACKAGE / "data").glob("*.py")) + sorted((paths.PACKAGE / "languages").glob("*.toml"))
    for root, files in (
        (paths.PACKAGE, code + [paths.PACKAGE / "errors.py", paths.PACKAGE / "paths.py"]),
        (directory, sorted(p for p in directory.rglob("*") if p.is_file())),
    ):
        for f in files:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return paths.BUILD / "cache" / "validated" / f"{h.hexdigest()[:24]}.pickle"


def _validated(directory: Path):
    """The typed tables a process validated earlier with exactly these inputs, or None."""
    target = _validated_file(directory)
    if target is None or not target.exists():
        return None, target
    try:
        typed = pickle.loads(target.read_bytes())
    except Exception:  # a damaged or foreign file is validated again, not trusted
        return None, target
    ok = isinstance(typed, dict) and {t.name for t in TABLES} <= set(typed)
    return (typed if ok else None), target


def _keep_validated(target: Path | None, typed: dict) -> None:
    if target is None:
        return
    try:
        atomic_write(target, pickle.dumps(typed, protocol=pickle.HIGHEST_PROTOCOL))
        kept = sorted(target.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[KEEP_VALIDATED:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a build folder that cannot be written costs the next process a validation, nothing else


#: Validated tables of this process, keyed by folder and content hash: a warm kernel that builds one page after
#: another validates each version of the data once. Callers get copies, so no notebook sees another's changes.
_VALIDATED: dict[tuple[str, str], tuple[dict[str, pd.DataFrame], dict[str, str]]] = {}
#: Switched tables, validated, keyed by folder, content hash and the switches (one set at a time).
_SWITCHED: dict[tuple[str, str, str], tuple[dict[str, pd.DataFrame], frozenset]] = {}


def load(edition: int = 2022, data_dir: str | Path | None = None, decisions: str = "") -> Dataset:
    """Read and validate every table, return those rows of ``edition``.

    Raises :class:`~gba_utils.errors.DataError` listing every problem (file, line,
    column, value, expectation) when anything is wrong. Data already validated in this
    process with the same content (same :func:`data_version`) are not validated again, nor are data that validated
    in an earlier process with the same inputs (kept in ``build/cache/validated/``, see :func:`_validated_file`): a
    build's kernels read the tables the build's own check typed.

    ``decisions`` switches coding decisions to alternatives (``"D07=by-subject"``, several joined by commas; see
    :mod:`gba_utils.data.switches`): their edits are applied to the validated data, which are validated again except
    for the chapter-2 recount (a printed count that no longer holds is for the audit to find). An unknown switch is a
    :class:`~gba_utils.errors.ParameterError` naming the allowed ones.
    """
    directory = _data_dir(data_dir)
    version = data_version(directory)
    key = (str(directory.resolve()), version)
    if key not in _VALIDATED:
        typed, target = _validated(directory)
        if typed is None:
            typed, problems = check(directory)
            raise_problems(problems)
            _keep_validated(target, typed)
        _VALIDATED.clear()  # one version at a time is all a build needs
        _VALIDATED[key] = (typed, {t.name: shown(directory, t.path) for t in TABLES})
    validated, files = _VALIDATED[key]
    coded = _edition_of(validated, files, edition, version, directory)
    try:
        canonical = switches.canonical(decisions, directory)
    except switches.SwitchError as err:
        raise ParameterError("decisions", decisions, err.expected) from None
    if not canonical:
        return coded
    switched_key = (*key, canonical)
    if switched_key not in _SWITCHED:
        from .validation import validate_switched

        edits = switches.selected(validated["decision_edits"], switches.parse(canonical))
        frames, touched = switches.apply(validated, edits)
        raise_problems(validate_switched(frames, files, touched, canonical))
        _SWITCHED.clear()
        _SWITCHED[switched_key] = (frames, frozenset(touched))
    frames, touched = _SWITCHED[switched_key]
    switched = _edition_of(frames, files, edition, version, directory)
    return Dataset(edition, switched.tables, version, directory, canonical, coded, touched)


def switch(ds: Dataset, chosen: list[tuple[str, str]]) -> Dataset:
    """``ds`` (as coded) with the alternatives ``chosen`` (``[("D07", "by-subject")]``) applied, without validating
    again: for comparing many alternatives quickly (:mod:`gba_utils.research.sensitivity`). The edits themselves are
    validated with the data; :func:`load` validates switched data in full."""
    edits = switches.selected(ds.decision_edits, chosen, ds.edition)
    tables, touched = switches.apply(ds.tables, edits)
    tables = {name: (frame.reset_index(drop=True) if name in touched else frame) for name, frame in tables.items()}
    label = switches.SEP.join(f"{d}={a}" for d, a in sorted(chosen))
    return Dataset(ds.edition, tables, ds.version, ds.directory, label, ds, frozenset(touched))


def _edition_of(typed: dict, files: dict[str, str], edition: int, version: str, directory: Path) -> Dataset:
    """Copies of the rows of ``edition`` of every table (a missing edition is a :class:`DataError`)."""
    editions = set(typed["cases"]["edition"].dropna().astype(int))
    if edition not in editions:
        raise DataError(
            [Problem(files["cases"], None, "edition", edition, f"an edition present in the data: {sorted(editions)}", "edition")]
        )
    tables = {}
    for name, frame in typed.items():
        if "edition" in frame.columns:
            frame = frame[frame["edition"] == edition]
        tables[name] = frame.reset_index(drop=True).copy()  # no notebook sees another's changes
    return Dataset(edition, tables, version, directory)
