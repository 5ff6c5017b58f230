"""The README's recipes, each followed literally in a scratch copy: a recipe that no longer works fails here.

"Change a parameter" is covered by tests/test_build.py and tests/test_jupyterlab.py; the others are below. Each test
names the README section it follows and does its steps in order.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import read_rows, write_rows

from gba_utils import paths
from gba_utils.cli import main

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")


def recipe(title: str) -> str:
    """The text of a README recipe (a bold-titled paragraph of "Working with it"), so the test can check it says
    what the test does."""
    m = re.search(rf"\*\*{re.escape(title)}\*\*(.*?)(?=\n\*\*[A-Z]|\n## )", README, flags=re.S)
    assert m, f"README has no recipe {title!r}"
    return m.group(1)


def append(path: Path, row: dict[str, str]) -> None:
    rows = read_rows(path)
    header = rows[0]
    assert set(row) <= set(header), set(row) - set(header)
    write_rows(path, rows + [[row.get(c, "") for c in header]])


def row_of(path: Path, key: str, value: str) -> dict[str, str]:
    rows = read_rows(path)
    return next(dict(zip(rows[0], r)) for r in rows[1:] if r[rows[0].index(key)] == value)


# ------------------------------------------------------------------ Switch a coding decision


@pytest.mark.kernel
def test_switch_a_coding_decision_recipe(tmp_path, capsys):
    text = recipe("Switch a coding decision.")
    command = re.search(r"```bash\n\.venv/bin/gba-report (build [^\n]+)\n```", text).group(1).split()
    assert command == ["build", "02_cases", "05_audit", "-p", "decisions=D07=by-subject", "--lang", "en"]
    # 1. the switches are listed by build --help
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    assert "D07=by-subject" in capsys.readouterr().out
    # 2. the parameters cell declares it, empty by default
    cell = next(
        c
        for c in nbformat.read(paths.NOTEBOOKS / "02_cases.ipynb", as_version=4).cells
        if "parameters" in c.metadata.get("tags", [])
    )
    assert 'decisions = ""' in cell.source
    # the build, with the default page built first: the switched page is written beside it
    site = tmp_path / "site"
    assert main(["build", "02_cases", "--lang", "en", "--out", str(site), "--no-progress"]) == 0
    assert main([*command, "--out", str(site), "--no-progress"]) == 0
    # 3. beside the default ones, saying at its top what is switched and what that changes
    default = (site / "en" / "02_cases.html").read_text(encoding="utf-8")
    page = (site / "en" / "02_cases__decisions-D07=by-subject.html").read_text(encoding="utf-8")
    assert "gba-switched" not in default
    top = page[page.index('<h1 class="page-title">') :]
    assert top.index('class="gba-switched"') < top.index("<h2")
    assert "<code>D07=by-subject</code>" in top
    assert "CL225" in page and "CL227" in page  # printed 18 and 5 (section 2.1) no longer reproduce
    assert (site / "en" / "05_audit__decisions-D07=by-subject.html").is_file()
    # a value the data cannot switch to is refused before anything runs
    assert main(["build", "02_cases", "-p", "decisions=D07=blank", "--lang", "en", "--out", str(site), "--no-progress"]) == 2
    assert "got 'D07=blank'; expected an alternative the data can switch to" in capsys.readouterr().err


# ------------------------------------------------------------------ Add a case


def test_add_a_case_recipe(data_copy, capsys, tmp_path):
    text = recipe("Add a case.")
    assert "differs_by_decision" in text and "decisions.csv" in text and "make validate" in text
    # 1. the case, its technologies (codes from labels.csv, cities.csv, districts.csv)
    case = row_of(data_copy / "cases.csv", "case_id", "C2022-34") | {
        "case_id": "C2022-35",
        "appendix_no": "99",
        "name_zh": "示例新增案例",
        "name_en": "An example added case",
    }
    append(data_copy / "cases.csv", case)
    append(data_copy / "case_technologies.csv", {"edition": "2022", "case_id": "C2022-35", "technology": "big_data",
                                                 "basis": "stated", "section_id": case["appendix_section"]})  # fmt: skip
    # 2. make validate: every problem at once; the printed counts the new case changes are named
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    named = sorted(set(re.findall(r"as printed in claim (CL\d+)", err)))
    assert "CL200" in named, err  # "34 cases" no longer reproduces
    # 3. one decision explains the difference; each changed count names it
    append(data_copy / "decisions.csv", {
        "edition": "2022", "decision_id": "D90", "topic_en": "Cases added after the report", "topic_zh": "报告之后增补的案例",
        "options_en": "leave the printed counts as they are | change them", "options_zh": "保留原文统计数 | 修改",
        "evidence_en": "The report counts 34 cases; this copy adds C2022-35.", "evidence_zh": "报告统计34个案例；本副本增补 C2022-35。",
        "evidence_sections": "2.1", "choice_en": "Keep the printed counts; the audit shows the difference as explained.",
        "choice_zh": "保留原文统计数；审计将差异列为已说明。", "affects": "case_aggregates.differs_by_decision of " + ", ".join(named),
    })  # fmt: skip
    rows = read_rows(data_copy / "case_aggregates.csv")
    col = rows[0].index("differs_by_decision")
    for r in rows[1:]:
        if r[1] in named:
            r[col] = "D90"
    write_rows(data_copy / "case_aggregates.csv", rows)
    # 4. valid again; the audit shows the differences as explained, not as the report's inconsistencies
    assert main(["validate", str(data_copy)]) == 0, capsys.readouterr().err
    import gba_utils
    from gba_utils.research import audit

    results = audit.run(gba_utils.load(data_dir=data_copy))
    explained = results[results["verdict"] == audit.EXPLAINED]
    assert sorted(explained["claims"]) == named and all("D90" in a for a in explained["arithmetic"])
    # and an explanation that no longer holds is refused
    write_rows(data_copy / "cases.csv", read_rows(data_copy / "cases.csv")[:-1])
    assert main(["validate", str(data_copy)]) == 2
    assert "so no decision explains a difference" in capsys.readouterr().err


# ------------------------------------------------------------------ Add an edition


@pytest.mark.kernel
def test_add_an_edition_recipe(data_copy, tmp_path):
    text = recipe("Add an edition.")
    assert "edition = 2023" in text and "-p edition=2023" in text
    for path in sorted(data_copy.glob("*.csv")):
        rows = read_rows(path)
        if rows[0][0] != "edition":
            continue
        new = [["2023"] + [v.replace("C2022-", "C2023-") for v in r[1:]] for r in rows[1:] if r[0] == "2022"]
        write_rows(path, rows + new)
    site = tmp_path / "site"
    assert main(["build", "00_overview", "--lang", "en", "--out", str(site), "--no-progress", "-p", f"data_dir={data_copy}"]) == 0
    assert main(["build", "00_overview", "--lang", "en", "--out", str(site), "--no-progress", "-p", f"data_dir={data_copy}",
                 "-p", "edition=2023"]) == 0  # fmt: skip
    assert (site / "en" / "00_overview.html").is_file() and (site / "en" / "00_overview__edition-2023.html").is_file()


# ------------------------------------------------------------------ Add an audit check


@pytest.mark.kernel
def test_add_an_audit_check_recipe(data_copy, tmp_path):
    text = recipe("Add an audit check.")
    assert "audit_checks.csv" in text and "check_kind" in text
    append(data_copy / "audit_checks.csv", {
        "edition": "2022", "check_id": "A90", "kind": "part_le_whole", "title_zh": "示例检验：部分不超过整体",
        "title_en": "Example check: a part within its whole", "claim_ids": "CL049;CL048",
    } | {k: v for k, v in row_of(data_copy / "audit_checks.csv", "kind", "part_le_whole").items()
         if k.startswith("tol") or k in ("expected",)})  # fmt: skip
    assert main(["validate", str(data_copy)]) == 0
    site = tmp_path / "site"
    assert main(["build", "05_audit", "--lang", "en", "--out", str(site), "--no-progress", "-p", f"data_dir={data_copy}"]) == 0
    page = (site / "en" / "05_audit.html").read_text(encoding="utf-8")
    assert "A90" in page and "Example check: a part within its whole" in page


# ------------------------------------------------------------------ Add a figure (code, registry, words, notebook)

FIGURE_FUNCTION = '''

def cases_per_tier(cases, labels, *, ax=None, title=None):
    """Cases per tier, as bars (the README's "Add a figure" example)."""
    counts = cases["tier"].value_counts().reindex(labels.order("tier"), fill_value=0)
    fig, ax = _axes(ax, (6, 2.6))
    ax.barh([labels("tier", t) for t in counts.index], counts.to_numpy(), color=theme.PALETTE["neutral"])
    _title(ax, title, labels.language)
    return fig
'''


@pytest.mark.kernel
@pytest.mark.slow
def test_add_a_figure_recipe(tmp_path):
    text = recipe("Add a figure.")
    for step in (
        "figures.py",
        "outputs.py",
        "RECIPES",
        "sensitivity.py",
        "[titles]",
        "R.figure",
        "#fig:",
        "make notebooks",
        "make datapackage",
    ):
        assert step in text, step
    repo = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=paths.ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        src = paths.ROOT / name.decode()
        if src.is_file():
            (repo / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / name.decode())
    # 1. the function, in gba_utils/research/figures.py
    with open(repo / "gba_utils/research/figures.py", "a", encoding="utf-8") as fh:
        fh.write(FIGURE_FUNCTION)
    # 2. the registry entry, in gba_utils/research/outputs.py
    outputs = repo / "gba_utils/research/outputs.py"
    src = outputs.read_text(encoding="utf-8")
    anchor = '    Item("problems-tree", "table", "03_problems"'
    item = '    Item("cases-per-tier", "figure", "02_cases", ("A",), "figures.cases_per_tier"),\n'
    outputs.write_text(src.replace(anchor, item + anchor, 1), encoding="utf-8")
    # ... and how its data are made, in RECIPES of gba_utils/research/sensitivity.py
    recipes = repo / "gba_utils/research/sensitivity.py"
    src = recipes.read_text(encoding="utf-8")
    anchor = '    "problems-tree": Recipe('
    recipe_line = (
        '    "cases-per-tier": Recipe(lambda R, P: R.ds.cases["tier"].value_counts().rename_axis("tier").reset_index()),\n'
    )
    assert anchor in src
    recipes.write_text(src.replace(anchor, recipe_line + anchor, 1), encoding="utf-8")
    # 3. its title in each language record, [titles]
    for lang, title in (("zh", "各类别的案例数"), ("en", "Cases per tier")):
        record = repo / f"gba_utils/languages/{lang}.toml"
        line = f'"cases-per-tier" = "{title}"\n'
        text = re.sub(r"\n\[titles\][^\n]*\n", lambda m, line=line: m.group(0) + line, record.read_text(encoding="utf-8"))
        record.write_text(text, encoding="utf-8")
    # 4. a code cell and a reference in the narrative of each language
    nb_path = repo / "notebooks/02_cases.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    code = nbformat.v4.new_code_cell(
        'R.figure("cases-per-tier", F.cases_per_tier(R.ds.cases, L, title=R.title("cases-per-tier")), '
        'data=R.ds.cases["tier"].value_counts().rename_axis("tier").reset_index())'
    )
    zh = nbformat.v4.new_markdown_cell("[图0](#fig:cases-per-tier)按类别计数。")
    en = nbformat.v4.new_markdown_cell("[Figure 0](#fig:cases-per-tier) counts the cases per tier.")
    zh.metadata["tags"], en.metadata["tags"] = ["lang-zh"], ["lang-en"]
    nb.cells[-2:-2] = [zh, en, code]
    nbformat.write(nb, nb_path)
    env = {"PYTHONPATH": str(repo), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}

    def run(*args):
        done = subprocess.run([sys.executable, "-m", "gba_utils.cli", *args], cwd=repo, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    # 5. make notebooks (for this notebook) and make datapackage
    run("refresh", "02_cases")
    run("datapackage")
    committed = nbformat.read(nb_path, as_version=4)
    refs = [c.source for c in committed.cells if "#fig:cases-per-tier" in c.source]
    assert refs[0].startswith("[图7](#fig:cases-per-tier)") and refs[1].startswith("[Figure 7](#fig:cases-per-tier)")
    assert "cases-per-tier" in (repo / "README.md").read_text(encoding="utf-8") or "Cases per tier" in (
        repo / "README.md"
    ).read_text(encoding="utf-8")
    # 6. the page has it
    run("build", "02_cases", "--lang", "en", "--no-progress", "--out", str(tmp_path / "site"))
    page = (tmp_path / "site" / "en" / "02_cases.html").read_text(encoding="utf-8")
    assert "Cases per tier" in page and 'href="#fig-2-7"' in page
