"""Coding decisions as switches: the ``decisions`` parameter, the switched data and the sensitivity table."""

from __future__ import annotations

import pytest

import gba_utils as gba
from gba_utils.data import switches
from gba_utils.data.filters import recount
from gba_utils.data.loading import switch
from gba_utils.errors import ParameterError
from gba_utils.pipeline.plan import plan
from gba_utils.research import audit, sensitivity
from gba_utils.research.labels import Labeller
from gba_utils.research.params import check


@pytest.fixture(scope="module")
def coded():
    return gba.load()


def counted(ds) -> dict[str, tuple[float, int]]:
    r = recount(ds.cases, ds.claims, ds.case_aggregates)
    return {c: (p, n) for c, p, n in zip(r["claim_id"], r["printed"], r["recounted"])}


def verdicts(ds) -> dict[str, str]:
    res = audit.run(ds)
    return dict(zip(res["check_id"], res["verdict"]))


def test_a_switch_changes_a_known_aggregate(coded):
    # §2.1 prints 18 cases of digital government, 11 of digital society and 5 of digital economy (CL225-CL227).
    # D07=by-subject codes C2022-34 (which the decision says reads as economy) by its subject alone.
    assert counted(coded)["CL225"] == (18, 18) and counted(coded)["CL227"] == (5, 5)
    switched = gba.load(decisions="D07=by-subject")
    assert switched.switched == "D07=by-subject" and switched.coded is not None
    assert switched.cases.set_index("case_id").loc["C2022-34", "domain"] == "economy"
    assert counted(switched)["CL225"] == (18, 17)
    assert counted(switched)["CL227"] == (5, 6)
    assert counted(switched)["CL226"] == (11, 11)
    assert coded.cases.set_index("case_id").loc["C2022-34", "domain"] == "government"  # the coded data stay


def test_a_switch_moves_a_verdict(coded):
    # §2.4.1 says the Heshan park was built; the appendix says its 14 base stations are planned (CL510, check A58).
    assert verdicts(coded)["A58"] == "inconsistent"
    assert verdicts(gba.load(decisions="D42=actual"))["A58"] == "consistent"


def test_several_switches_have_one_spelling(coded):
    assert check({"decisions": " D42=actual , D07=by-subject"})["decisions"] == "D07=by-subject,D42=actual"
    both = gba.load(decisions="D42=actual,D07=by-subject")
    assert counted(both)["CL225"] == (18, 17) and verdicts(both)["A58"] == "consistent"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("D07=blnk", ["'D07=blnk'", "an alternative of D07: one of ['by-subject']"]),
        ("D99=x", ["'D99=x'", "a decision with an alternative in the data: one of ['D01',"]),
        ("D07", ["'D07'", "D07 needs an alternative (did you mean 'D07=by-subject'?)"]),
        ("D07=by-subject,D07=by-subject", ["one alternative per decision; D07 is switched twice"]),
        ("D07=blank", ["D07=blank is not_expressible", "Switchable alternatives of D07: ['by-subject']"]),
        ("D51=public-date", ["D51=public-date is outside_report", "not from the report"]),
        ("D15=keep-4820,D15=keep-150", ["D15 is switched twice"]),
    ],
)
def test_bad_values_fail_with_a_clear_error(value, says):
    with pytest.raises(ParameterError) as err:
        check({"decisions": value}, notebook="05_audit")
    text = str(err.value)
    assert "parameter 'decisions'" in text
    for part in says:
        assert part in text, text
    with pytest.raises(ParameterError):
        gba.load(decisions=value)


@pytest.mark.parametrize("value", ["D24=digital-policy", "D24=anything", "D12=other-name", "D18=multi-valued"])
def test_a_decision_without_alternatives_is_refused(value):
    decision = value.split("=")[0]
    with pytest.raises(ParameterError) as err:
        gba.load(decisions=value)
    assert decision in str(err.value)
    assert value not in switches.choices()


def test_switches_that_agree_combine_and_those_that_contradict_are_refused():
    # D20=empty and D23=district-level-only both clear C2022-20's district: they agree
    assert check({"decisions": "D23=district-level-only,D20=empty"})["decisions"] == "D20=empty,D23=district-level-only"
    edits = {
        ("D01", "a"): [{"edition": "2022", "table": "cases", "key": "C2022-01", "column": "domain", "value": "society"}],
        ("D02", "b"): [{"edition": "2022", "table": "cases", "key": "C2022-01", "column": "domain", "value": "economy"}],
    }
    with pytest.raises(switches.SwitchError, match="D01=a and D02=b set cases.csv row C2022-01, column domain"):
        switches._no_conflicts([("D01", "a"), ("D02", "b")], edits)


def test_the_command_line_lists_and_refuses_decisions(capsys):
    from gba_utils import cli

    with pytest.raises(SystemExit):
        cli.main(["build", "--help"])
    shown = capsys.readouterr().out
    assert "decisions" in shown and "D07=by-subject" in shown and "D42=actual" in shown
    assert cli.main(["build", "05_audit", "-p", "decisions=D07=nope", "--out", "/nonexistent/x"]) == 2
    assert "D07=nope" in capsys.readouterr().err


def test_a_switched_page_has_its_own_name():
    default, switched = (
        {j.page for j in plan(["05_audit"], params=p) if j.notebook == "05_audit"}
        for p in ({}, {"decisions": "D42=actual,D07=by-subject"})
    )
    assert default == {"zh/05_audit.html", "en/05_audit.html"}
    assert switched == {
        "zh/05_audit__decisions-D07=by-subject,D42=actual.html",
        "en/05_audit__decisions-D07=by-subject,D42=actual.html",
    }
    # the front page always shows the data as coded
    assert {j.page for j in plan(["index"], params={"decisions": "D07=by-subject"})} == {"zh/index.html", "en/index.html"}


@pytest.mark.slow
def test_the_sensitivity_table_matches_rerunning_with_the_switch(coded):
    """Every alternative's effects as the table reports them equal loading the switched data and running again."""
    base_counts, base_verdicts = counted(coded), verdicts(coded)
    every = sensitivity.every_effect(coded)
    assert {f"{a['decision_id']}={a['alternative']}" for a, _ in every} == set(switches.choices())
    for alt, e in every:
        value = f"{alt['decision_id']}={alt['alternative']}"
        ds = gba.load(decisions=value)  # validated in full, as a page built with the switch loads it
        now = counted(ds)
        lost = sorted(c for c, (p, n) in now.items() if base_counts[c][0] == base_counts[c][1] and p != n)
        assert sorted(c["claim_id"] for c in e.counts) == lost, value
        after = verdicts(ds)
        moved = sorted(
            c for c in set(base_verdicts) | set(after) if not c.startswith("C-") and base_verdicts.get(c) != after.get(c)
        )
        assert sorted(v["check_id"] for v in e.verdicts) == moved, value


@pytest.mark.slow
@pytest.mark.parametrize("value", ["D07=by-subject", "D10=new-area", "D13=no-link", "D42=actual", "D53=eleven"])
def test_the_shortcuts_give_what_recomputing_everything_gives(coded, value):
    base = sensitivity.Probe(coded, sensitivity.COMPARED_IN)
    chosen = switches.parse(value)
    fast, exact = sensitivity.effects(base, chosen), sensitivity.effects(base, chosen, exact=True)
    assert (fast.counts, fast.verdicts, fast.outputs) == (exact.counts, exact.verdicts, exact.outputs)


def test_the_table_names_what_changes_in_each_language(coded):
    for lang in ("zh", "en"):
        frame = sensitivity.table(coded, Labeller.of(coded, lang))
        assert len(frame) == len(switches.choices())
        row = frame[frame["alternative"].map(str).str.contains("by-subject")].iloc[0]
        assert "CL225" in str(row["counts_lost"]) and "CL227" in str(row["counts_lost"])
        d42 = frame[frame["decision"].map(str).str.startswith("D42")].iloc[0]
        assert "A58" in str(d42["verdicts_moved"])
    # a switched page's table still compares with the data as coded
    switched = gba.load(decisions="D07=by-subject")
    en = Labeller.of(coded, "en")
    assert sensitivity.table(switched, en).map(str).equals(sensitivity.table(coded, en).map(str))


def test_the_edits_of_an_alternative_apply_to_the_coded_cells(coded):
    """Each edit names a cell as coded (validation checks it); switching keeps every other table as it is."""
    ds = switch(coded, [("D07", "by-subject")])
    assert ds.changed == frozenset({"cases"})
    assert ds.case_technologies is coded.case_technologies


def test_every_output_has_a_recipe_or_a_reason():
    from gba_utils.research.outputs import ITEMS

    missing = [i.key for i in ITEMS if i.key not in sensitivity.RECIPES and i.key not in sensitivity.NO_RECIPE]
    assert not missing, f"add a recipe to gba_utils/research/sensitivity.py RECIPES for {missing}"


def test_each_recipe_makes_what_its_notebook_shows(coded):
    """The data each recipe makes equal what the committed notebook (its default view) published for that output:
    a figure's CSV twin, a table's plain-text twin. A recipe that drifts from its notebook fails here."""
    import nbformat

    from gba_utils import paths
    from gba_utils.pipeline.plan import declared_parameters

    compared = set()
    for path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        params = declared_parameters(path)
        probe = sensitivity.Probe(coded, params["lang"])
        city = params.get("city", "all")
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                meta = out.get("metadata", {}).get("gba", {})
                key = meta.get("key")
                if key not in sensitivity.RECIPES or meta.get("kind") not in ("figure", "table"):
                    continue
                frame = probe.output(key, city)[0]
                shown = frame.rename(columns={c: probe.labels.column(c) for c in frame.columns})
                if meta["kind"] == "figure":
                    if "text/csv" not in out.data:
                        continue
                    made = shown.map(str).to_csv(lineterminator="\n") if len(shown) else shown.to_csv(lineterminator="\n")
                    assert made == out.data["text/csv"], (path.name, key)
                else:
                    made = shown.to_string(index=False) if not shown.empty else probe.labels.ui("no_rows")
                    assert f"\n{made}\n" in out.data["text/plain"], (path.name, key)
                compared.add(key)
    assert compared == set(sensitivity.RECIPES), sorted(set(sensitivity.RECIPES) - compared)


def test_kernels_share_the_sensitivity_work_and_wait_only_for_what_another_is_making(coded, tmp_path, monkeypatch):
    """The store holds one file per alternative: an alternative another kernel holds (its lock) is skipped at first and
    read once that kernel has stored it, never computed twice; what is stored is read, not recomputed."""
    import dataclasses
    import fcntl
    import json
    import threading
    import time

    monkeypatch.setattr(sensitivity, "STORE", tmp_path / "sensitivity")
    rows = sensitivity._switchable(coded)[:3]
    monkeypatch.setattr(sensitivity, "_switchable", lambda ds: rows)
    made = []
    real = sensitivity._Work.effect
    monkeypatch.setattr(sensitivity._Work, "effect", lambda self, row: made.append(row["decision_id"]) or real(self, row))
    names = [f"{r['decision_id']}={r['alternative']}" for r in rows]
    folder = tmp_path / "sensitivity" / f"{coded.version}-{coded.edition}-{sensitivity.code_version()}"
    folder.mkdir(parents=True)
    other = open(folder / f"{names[0]}.lock", "a")  # noqa: SIM115 - another kernel, making the first alternative
    fcntl.flock(other, fcntl.LOCK_EX)
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("out", sensitivity._stored(coded)))
    thread.start()
    for _ in range(1200):  # until the free alternatives are stored (a deadline, not a timing)
        if all((folder / f"{n}.json").is_file() for n in names[1:]):
            break
        time.sleep(0.1)
    thread.join(timeout=0.5)
    assert thread.is_alive(), "it must wait for the alternative the other kernel holds"
    assert made == [r["decision_id"] for r in rows[1:]]  # the free ones, made here
    theirs = sensitivity.Effects(names[0], 7, verdicts=[{"check_id": "A-marker", "before": None, "after": "ok"}])
    (folder / f"{names[0]}.json").write_text(json.dumps(dataclasses.asdict(theirs)), encoding="utf-8")
    fcntl.flock(other, fcntl.LOCK_UN)
    other.close()
    thread.join(timeout=120)
    out = result["out"]
    assert [e.switched for _, e in out] == names and out[0][1] == theirs  # read from the other kernel, not made
    made.clear()
    assert [e for _, e in sensitivity._stored(coded)] == [e for _, e in out] and made == []  # all stored now


def test_the_stored_effects_follow_the_code_kernels_run_and_not_the_builds_own(tmp_path, monkeypatch):
    """code_version hashes what may run in a kernel: an edit to the build's code (pipeline/) keeps the stored effects,
    an edit to the research code makes them again."""
    import shutil

    from gba_utils import paths

    package = tmp_path / "gba_utils"
    shutil.copytree(paths.ROOT / "gba_utils", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(sensitivity, "__file__", str(package / "research" / "sensitivity.py"))

    def version() -> str:
        sensitivity.code_version.cache_clear()
        return sensitivity.code_version()

    try:
        before = version()
        with open(package / "pipeline" / "pages.py", "a", encoding="utf-8") as fh:
            fh.write("\n# an edit to the build\n")
        assert version() == before
        with open(package / "research" / "analysis.py", "a", encoding="utf-8") as fh:
            fh.write("\n# an edit to what kernels run\n")
        assert version() != before
    finally:
        sensitivity.code_version.cache_clear()
