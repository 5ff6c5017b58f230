"""Faults never lose a good report: broken tables (every table), dead kernels, interrupts, hostile parameters."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from helpers import read_rows, write_rows

import gba_utils
from gba_utils import paths
from gba_utils.data.schema import BY_NAME, TABLES
from gba_utils.errors import DataError, EncodingProblem
from gba_utils.pipeline import orchestrate as pipeline

TABLE_NAMES = [t.name for t in TABLES]


# ------------------------------------------------------------------ a broken copy of every table


def problems(data_dir):
    with pytest.raises(DataError) as err:
        gba_utils.load(data_dir=data_dir)
    return err.value.problems


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_missing_column(data_copy, name):
    rows = read_rows(data_copy / f"{name}.csv")
    col = rows[0][1]
    write_rows(data_copy / f"{name}.csv", [r[:1] + r[2:] for r in rows])
    assert any(p.file == f"{name}.csv" and p.column == col and p.check == "missing-column" for p in problems(data_copy))


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_duplicate_row(data_copy, name):
    rows = read_rows(data_copy / f"{name}.csv")
    write_rows(data_copy / f"{name}.csv", rows + [rows[1]])
    found = [p for p in problems(data_copy) if p.file == f"{name}.csv"]
    assert found and {p.row for p in found} >= {len(rows) + 1}


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_empty_and_header_only(data_copy, name):
    path = data_copy / f"{name}.csv"
    header = read_rows(path)[0]
    path.write_bytes(b"")
    assert any(p.file == f"{name}.csv" and p.check == "empty-file" for p in problems(data_copy))
    write_rows(path, [header])
    if BY_NAME[name].rows_required:
        found = [p for p in problems(data_copy) if p.file == f"{name}.csv"]
        assert [p.check for p in found] == ["no-rows"] and "header only" in str(found[0])
    else:  # a table that may be empty: loading it either works or names what no longer resolves elsewhere
        try:
            gba_utils.load(data_dir=data_copy)
        except DataError as err:
            assert all(
                p.file != f"{name}.csv" and p.check in ("foreign-key", "aggregate", "unknown-code", "switch", "alternatives")
                for p in err.problems
            ), err


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_bom_crlf_gbk(data_copy, ds, name):
    path = data_copy / f"{name}.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    again = gba_utils.load(data_dir=data_copy)
    assert again.tables[name].equals(ds.tables[name])
    if not text.isascii():
        path.write_bytes(text.encode("gb18030"))
        with pytest.raises(EncodingProblem, match="GBK"):
            gba_utils.load(data_dir=data_copy)


# ------------------------------------------------------------------ notebooks that fail


def _notebook(path: Path, body: str) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('lang = "zh"\ncity = "all"\ndomain = "all"\nedition = 2022\ndata_dir = None', id="params")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# T", id="t"), params, nbformat.v4.new_code_cell(body, id="body")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.mark.kernel
def test_a_dead_kernel_fails_one_notebook_and_the_others_finish(tmp_path, monkeypatch):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    _notebook(nbdir / "00_overview.ipynb", "import os\nos._exit(3)")
    _notebook(nbdir / "01_background.ipynb", "x = 1")
    monkeypatch.setattr(paths, "NOTEBOOKS", nbdir)
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    summary = pipeline.build(["00_overview", "01_background"], langs=("en",), site=tmp_path / "site", jobs=1, progress=False)
    by_name = {r.job.notebook: r for r in summary.results}
    assert not by_name["00_overview"].ok and ("Dead" in by_name["00_overview"].error or "died" in by_name["00_overview"].error)
    assert by_name["01_background"].ok
    # a first build with a page missing publishes nothing: a site with a hole is not a site
    assert not summary.ok and "00_overview" in summary.unchanged and not (tmp_path / "site").exists()
    assert "site unchanged" in summary.render()


# ------------------------------------------------------------------ hostile parameter values


@pytest.mark.kernel
def test_a_data_dir_with_quotes_and_newlines_is_passed_as_data_not_code(tmp_path):
    weird = tmp_path / 'data"; import os; os.system("touch PWNED")\n#'
    shutil.copytree(paths.DATA, weird, ignore=shutil.ignore_patterns("README.md"))
    summary = pipeline.build(
        ["00_overview"], langs=("en",), params={"data_dir": str(weird)}, site=tmp_path / "site", jobs=1, progress=False
    )
    assert summary.ok, summary.render()
    assert not (paths.NOTEBOOKS / "PWNED").exists() and not Path("PWNED").exists()
