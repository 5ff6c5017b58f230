"""Nothing half-built: the site is published whole, every fault stops before any kernel with exit 2, and a build that
is killed at any moment leaves readers one consistent site."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import read_rows, set_cell, write_rows

from gba_utils import paths
from gba_utils.cli import main
from gba_utils.pipeline import orchestrate
from gba_utils.pipeline.plan import plan
from gba_utils.pipeline.publish import MANIFEST, check_site

ONE = ["build", "00_overview", "--lang", "en", "--no-progress", "-j", "1"]


def snapshot(site: Path) -> dict[str, bytes]:
    """Every file readers can reach through the site link, with its bytes."""
    root = site.resolve()
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small published site (the overview in English), built once for the fault tests."""
    base = tmp_path_factory.mktemp("published")
    site = base / "site"
    assert main([*ONE, "--out", str(site)]) == 0
    return site


@pytest.fixture()
def site(built):
    before = snapshot(built)
    yield built
    assert snapshot(built) == before, "the published site changed"
    assert check_site(built.resolve()) == []


def refused(site, data, capsys) -> str:
    """Build from a broken copy of the data: exit 2 before any kernel; return what was said on stderr."""
    assert main([*ONE, "--out", str(site), "-p", f"data_dir={data}"]) == 2
    err = capsys.readouterr().err
    assert "the site was not changed" in err
    return err


# ------------------------------------------------------------------ faults stop before any kernel, with exit 2


@pytest.mark.kernel
def test_missing_geometry(site, data_copy, capsys):
    (data_copy / "geo" / "gba_cities.geojson").unlink()
    err = refused(site, data_copy, capsys)
    assert "geo/gba_cities.geojson" in err and "boundaries of the 9+2 cities to exist" in err


@pytest.mark.kernel
def test_geometry_without_a_city_or_out_of_range(site, data_copy, capsys):
    path = data_copy / "geo" / "gba_cities.geojson"
    geo = json.loads(path.read_text(encoding="utf-8"))
    geo["features"] = [f for f in geo["features"] if f["properties"]["city_code"] != "macao"]
    geo["features"][0]["geometry"]["coordinates"][0][0] = [150.0, 60.0]
    path.write_text(json.dumps(geo), encoding="utf-8")
    err = refused(site, data_copy, capsys)
    assert "got 'macao'; expected a feature for every city of cities.csv" in err
    assert "got [150.0, 60.0]; expected longitude 111.0-115.8 and latitude 21.3-24.7" in err
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    assert "expected valid JSON" in refused(site, data_copy, capsys)


@pytest.mark.kernel
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x85", "\x9f"])
def test_control_characters(site, data_copy, capsys, char):
    line = set_cell(data_copy / "cases.csv", "case_id", "C2022-05", "name_en", f"Yuancang{char} IP chain")
    err = refused(site, data_copy, capsys)
    assert f"cases.csv, line {line}, column 'name_en': got 'U+{ord(char):04X}'; expected text without control characters" in err


def test_tab_and_newline_only_in_free_text(data_copy):
    from gba_utils.data.loading import check

    line = set_cell(data_copy / "cases.csv", "case_id", "C2022-05", "name_en", "Yuancang\tIP chain")
    set_cell(data_copy / "claims.csv", "claim_id", "CL200", "note_en", "a note\non two lines")
    _, problems = check(data_copy)
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [("cases.csv", line, "name_en", "U+0009")]


@pytest.mark.kernel
def test_a_date_that_does_not_exist(site, data_copy, capsys):
    line = set_cell(data_copy / "policies.csv", "policy_id", "cn-14th-fyp-outline", "date", "2021-13-45")
    err = refused(site, data_copy, capsys)
    assert f"policies.csv, line {line}, column 'date': got '2021-13-45'" in err
    set_cell(data_copy / "policies.csv", "policy_id", "cn-14th-fyp-outline", "date", "2021-02-30")
    assert "got '2021-02-30'; expected a date that exists in the calendar" in refused(site, data_copy, capsys)


@pytest.mark.kernel
def test_coordinates_outside_the_bay_area(site, data_copy, capsys):
    line = set_cell(data_copy / "cities.csv", "city_code", "guangzhou", "lat", "200")
    err = refused(site, data_copy, capsys)
    assert f"cities.csv, line {line}, column 'lat': got '200'; expected a number from 21.3 to 24.7 (degree)" in err


@pytest.mark.parametrize(
    "table,key,id_,column,value,expected",
    [
        ("claims", "claim_id", "CL029", "value", "-5", "a number greater than zero"),
        ("claims", "claim_id", "CL010", "value", "130", "a share from 0 to 100 (unit percent)"),
        ("claims", "claim_id", "CL010", "ref_year", "1899", "a year from 2000 to 2035"),
        ("outside_references", "ref_id", "R01", "year", "2099", "a year from 2000 to 2035"),
        ("cases", "case_id", "C2022-05", "appendix_no", "0", "a number greater than zero"),
    ],
)
def test_numbers_in_range(data_copy, table, key, id_, column, value, expected):
    from gba_utils.data.loading import check

    line = set_cell(data_copy / f"{table}.csv", key, id_, column, value)
    _, problems = check(data_copy)
    assert any(p.row == line and p.column == column and p.expected == expected for p in problems), [str(p) for p in problems]


def test_frictionless_refuses_the_same_dates_and_coordinates(data_copy):
    from frictionless import validate

    shutil.copy(paths.DATA / "datapackage.json", data_copy / "datapackage.json")
    set_cell(data_copy / "policies.csv", "policy_id", "cn-14th-fyp-outline", "date", "2021-13-45")
    set_cell(data_copy / "cities.csv", "city_code", "guangzhou", "lat", "200")
    report = validate(str(data_copy / "datapackage.json"))
    notes = " ".join(e["note"] for e in report.flatten(["note"]) for e in [{"note": e[0]}])
    assert not report.valid and "pattern" in notes and "maximum" in notes


@pytest.mark.kernel
def test_an_oversize_cell(site, data_copy, capsys):
    line = set_cell(data_copy / "claims.csv", "claim_id", "CL010", "note_en", "x" * 140_000)
    err = refused(site, data_copy, capsys)
    assert f"claims.csv, line {line}, column 'note_en'" in err and "expected a cell of at most 10,000 characters" in err
    assert "Traceback" not in err


@pytest.mark.kernel
def test_an_unwritable_output_folder_is_found_before_any_kernel(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    start = time.perf_counter()
    assert main([*ONE, "--out", str(blocker / "site")]) == 2
    assert time.perf_counter() - start < 30  # (not a timing test: a kernel would have printed a page first)
    err = capsys.readouterr().err
    assert "cannot write the site" in err and "the site was not changed" in err


def test_a_folder_gba_report_did_not_build_is_never_taken_over(tmp_path, capsys):
    mine = tmp_path / "my-documents"
    mine.mkdir()
    (mine / "thesis.docx").write_text("months of work")
    assert main([*ONE, "--out", str(mine)]) == 2
    assert "did not build" in capsys.readouterr().err and (mine / "thesis.docx").read_text() == "months of work"


# ------------------------------------------------------------------ one round lists every problem


def test_every_problem_of_every_table_in_one_round(data_copy):
    """A ragged row, a type error and a reference error in three tables, plus a reference error beside the type error."""
    from gba_utils.data.loading import check

    rows = read_rows(data_copy / "labels.csv")
    rows[5] = rows[5][:-1]  # ragged
    write_rows(data_copy / "labels.csv", rows)
    typed = set_cell(data_copy / "claims.csv", "claim_id", "CL010", "value", "ten")
    ref = set_cell(data_copy / "claims.csv", "claim_id", "CL501", "case_id", "C2022-99")
    fk = set_cell(data_copy / "case_technologies.csv", "case_id", "C2022-05", "section_id", "9.9")
    _, problems = check(data_copy)
    found = {(p.file, p.row, p.check) for p in problems}
    assert ("labels.csv", 6, "ragged-row") in found
    assert ("claims.csv", typed, "coerce_dtype('Float64')") in found
    assert ("claims.csv", ref, "foreign-key") in found  # the type error in claims does not hide it
    assert ("case_technologies.csv", fk, "foreign-key") in found
    assert problems == sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or ""))


def test_a_new_case_with_several_mistakes_meets_them_all_at_once(data_copy):
    from gba_utils.data.loading import check

    rows = read_rows(data_copy / "cases.csv")
    new = dict(zip(rows[0], rows[-1]))
    new |= {"case_id": "C2022-35", "appendix_no": "19", "tier": "gold", "city_code": "shenzen", "applicant_type": ""}
    rows.append([new[c] for c in rows[0]])
    write_rows(data_copy / "cases.csv", rows)
    tech = read_rows(data_copy / "case_technologies.csv")
    tech.append(["2022", "C2022-35", "quantum", "stated", "A.3"])
    write_rows(data_copy / "case_technologies.csv", tech)
    _, problems = check(data_copy)
    columns = {(p.file, p.column) for p in problems}
    assert {
        ("cases.csv", "tier"),
        ("cases.csv", "city_code"),
        ("cases.csv", "applicant_type"),
        ("case_technologies.csv", "technology"),
    } <= columns


# ------------------------------------------------------------------ messages


def problems_of(data):
    from gba_utils.data.loading import check

    return check(data)[1]


def test_an_unclosed_quote_names_the_line_where_it_opened(data_copy):
    path = data_copy / "districts.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",district,", ',"district,', 1)
    path.write_text("".join(lines), encoding="utf-8")
    found = [p for p in problems_of(data_copy) if p.file == "districts.csv"]
    assert found and found[0].row == 4 and found[0].check == "unclosed-quote" and "quote opened on this line" in found[0].expected
    assert str(found[0]).startswith("districts.csv, line 4; expected a closing quote")


def test_utf16_is_named_by_its_byte_order_mark(data_copy):
    path = data_copy / "sections.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    p = next(p for p in problems_of(data_copy) if p.file == "sections.csv")
    assert "UTF-16 (little-endian)" in p.expected and "ff fe" in p.expected and p.check == "encoding"


def test_an_empty_required_cell_is_shown_as_empty(data_copy):
    line = set_cell(data_copy / "cases.csv", "case_id", "C2022-10", "tier", "")
    p = next(p for p in problems_of(data_copy) if p.row == line and p.column == "tier")
    assert "got an empty cell" in str(p) and "nan" not in str(p)


def test_messages_quote_the_files_own_text(data_copy):
    line = set_cell(data_copy / "cases.csv", "case_id", "C2022-10", "domain", "ｇｏｖｔ")
    p = next(p for p in problems_of(data_copy) if p.row == line and p.column == "domain")
    assert p.value == "ｇｏｖｔ"


def test_a_duplicate_key_names_only_its_key_columns(data_copy):
    rows = read_rows(data_copy / "claims.csv")
    write_rows(data_copy / "claims.csv", rows + [rows[3]])
    found = [p for p in problems_of(data_copy) if p.check == "duplicate-key"]
    assert {p.column for p in found} == {"claim_id"} and {p.row for p in found} == {4, len(rows) + 1}
    assert all(p.value == rows[3][1] for p in found)


# ------------------------------------------------------------------ parameters never collide; links only to pages that exist


def test_every_non_default_parameter_names_the_page(data_copy):
    rows = read_rows(data_copy / "cases.csv")
    write_rows(data_copy / "cases.csv", rows + [["2023"] + rows[1][1:]])
    jobs = plan(["02_cases"], langs=("en",), params={"edition": 2023, "data_dir": str(data_copy)})
    assert [j.page for j in jobs] == ["en/index__edition-2023.html", "en/02_cases__edition-2023.html"]
    summary = orchestrate.Summary(results=[orchestrate.Result(jobs[1], True, 0.0)])
    assert "edition=2023" in summary.render()
    assert plan(["02_cases"], langs=("en",))[-1].page == "en/02_cases.html"


@pytest.mark.kernel
def test_a_view_built_alone_links_only_pages_that_exist(tmp_path):
    site = tmp_path / "site"
    assert main(["build", "02_cases", "-p", "city=shenzhen", "--lang", "en", "--out", str(site), "--no-progress", "-j", "1"]) == 0
    page = (site / "en" / "02_cases__city-shenzhen.html").read_text(encoding="utf-8")
    assert 'rel="prev"' not in page and 'rel="next"' not in page and 'class="twin"' not in page
    assert check_site(site.resolve()) == []


def test_an_unknown_notebook_exits_like_a_bad_parameter(tmp_path, capsys):
    assert main(["build", "02_casez", "--out", str(tmp_path / "s"), "--no-progress"]) == 2
    assert "did you mean '02_cases'" in capsys.readouterr().err
    assert main(["build", "02_cases", "-p", "city=shenzen", "--out", str(tmp_path / "s"), "--no-progress"]) == 2


def test_help_lists_the_exit_codes_notebooks_and_parameters(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = capsys.readouterr().out
    assert "10_city_profile" in out and "hong_kong" in out and "government" in out and "130" in out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("gba-report 0.")


# ------------------------------------------------------------------ interrupts and kills


def _data_version(folder: Path) -> str:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["data_version"]


@pytest.mark.kernel
def test_after_an_interrupt_each_page_says_done_interrupted_or_not_started(tmp_path):
    site = tmp_path / "site"
    cmd = [sys.executable, "-m", "gba_utils.cli", "build", "--out", str(site), "-j", "1", "--no-progress", "--force"]
    # a build folder of its own: the first chapter it starts (papermill writes the executed notebook as it begins) is the
    # signal to interrupt; in a shared one another test's pages would look like this build's, and the order of pages
    # would follow what ran there before (longest first)
    build = tmp_path / "build"
    env = {**os.environ, "GBA_BUILD_DIR": str(build)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=paths.ROOT, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and not list(build.glob("executed/*/0*.ipynb")):
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)
    statuses = {line[62:73].strip() for line in out.splitlines()[1:] if line.startswith("0")}
    assert {"done", "not started"} <= statuses or {"interrupted", "not started"} <= statuses, out
    assert "site unchanged" in out and "the site was not changed" in err
    assert not site.exists()


@pytest.mark.kernel
def test_killed_at_any_moment_readers_see_one_consistent_site(tmp_path, data_copy):
    """Build A; then build B and kill it (SIGKILL or SIGTERM) at random moments: the site is always wholly A or wholly B."""
    site = tmp_path / "site"
    args = ["build", "00_overview", "03_problems", "--lang", "en", "--out", str(site), "--no-progress", "-j", "1"]
    assert main(args) == 0
    version_a = _data_version(site.resolve())
    set_cell(data_copy / "cases.csv", "case_id", "C2022-09", "name_en", "Canton Tower digital twin (edited)")
    rng = random.Random(2022)
    seen = set()
    for attempt in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-m", "gba_utils.cli", *args, "-p", f"data_dir={data_copy}", "--force"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=paths.ROOT,
        )
        deadline = time.time() + rng.uniform(0.3, 9.0)
        while time.time() < deadline and proc.poll() is None:
            folder = site.resolve()  # a reader at a random instant: one version, whole
            try:
                assert check_site(folder) == [], folder
                seen.add(_data_version(folder))
            except FileNotFoundError:  # the version this reader resolved was just replaced and removed: read again
                continue
            time.sleep(rng.uniform(0.01, 0.2))
        workers = _descendants(proc.pid)
        proc.send_signal(signal.SIGKILL if attempt % 2 == 0 else signal.SIGTERM)
        proc.wait(timeout=60)
        _assert_gone(workers)  # a killed build's workers and kernels do not live on
        folder = site.resolve()
        assert check_site(folder) == [], folder
        seen.add(_data_version(folder))
        if attempt % 2 == 0:  # SIGKILL leaves no chance to clean up: the next build must cope
            assert site.is_symlink()
    assert seen <= {version_a, _data_version_of(data_copy)}
    assert main([*args, "-p", f"data_dir={data_copy}"]) == 0  # the next build cleans up after the killed ones
    assert _data_version(site.resolve()) == _data_version_of(data_copy)
    assert not [p for p in site.parent.glob(".site.versions/stage-*")]
    assert len(list(site.parent.glob(".site.versions/v*"))) == 1


def _descendants(pid: int) -> set[int]:
    """Processes below ``pid`` (workers and their kernels), from /proc."""
    parent = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier} - found
        found |= frontier
    return found


def _assert_gone(pids: set[int], within: float = 30.0) -> None:
    # a kernel killed while it is still starting checks its parent only once its start-up is done, which takes
    # several seconds when the machine also runs the other test worker
    deadline = time.time() + within
    while time.time() < deadline:
        alive = {p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in _state(p)}
        if not alive:
            return
        time.sleep(0.2)
    raise AssertionError(f"processes of the killed build still running: {sorted(alive)}")


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _data_version_of(folder: Path) -> str:
    from gba_utils.data import data_version

    return data_version(folder)


def test_publishing_replaces_the_link_in_one_step(tmp_path):
    """The link is replaced by rename(2); there is no moment without a site (checked on the mechanism itself)."""
    from gba_utils.pipeline.publish import SiteStore

    store = SiteStore(tmp_path / "site")
    for n in range(3):
        stage = store.stage()
        (stage / "index.html").write_text(f"version {n}")
        store.publish(stage)
        assert (tmp_path / "site").is_symlink() and (tmp_path / "site" / "index.html").read_text() == f"version {n}"
    assert sorted(p.name for p in store.store.glob("v*")) == ["v0003"]
    assert os.readlink(tmp_path / "site") == ".site.versions/v0003"


def test_a_worker_whose_build_died_before_it_started_leaves_at_once():
    """The parent watch compares with the build's pid, not with whatever parent the worker has when it starts."""
    import subprocess
    import sys

    code = (
        "import os, time\n"
        "from gba_utils.pipeline import orchestrate\n"
        "orchestrate._leave_with(os.getppid() + 999999, every=0.05)\n"  # a parent that is not (any longer) ours
        "time.sleep(30)\n"
    )
    start = time.time()
    done = subprocess.run([sys.executable, "-c", code], timeout=20)
    assert done.returncode == 1 and time.time() - start < 15
