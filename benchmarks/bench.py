"""Benchmark of the build, measured in one run on one machine; prints times and ratios.

    .venv/bin/python benchmarks/bench.py            # everything (about 30 minutes on 2 cores, most of it the tests)
    .venv/bin/python benchmarks/bench.py --quick    # fewer notebooks for the naive chain, smaller growth steps

Scenarios (each timed with a wall clock, in a scratch folder; the repository's reports/ and build/ are untouched):

- naive:   papermill's CLI then ``jupyter nbconvert --to html`` per notebook and language, one after another;
- floor:   per notebook and language, a kernel that starts and imports the same libraries and loads the data,
           divided by the number of cores: what no build can beat;
- full:    ``gba-report build --force`` (every chapter, both languages, all cores);
- no-op:   the same build again, nothing changed;
- edit:    one chapter's code changed, rebuilt (must re-execute that chapter alone);
- matrix:  the city x language grid, with 1 job and with all cores: every chapter and the city profile for each of
           the 11 cities in both languages (154 pages), and the profiles alone (22 pages, where the fixed start-up
           of each worker weighs most);
- growth:  chapter 2 on SYNTHETIC case tables 10x, 100x and 1000x the real 34 rows (copies of real rows with new
           ids, written to a scratch folder only, never to data/).

- setup:   two fresh clones of the committed tree: the pip baseline (``python -m venv`` + ``pip install -c
           constraints.txt -e '.[test]'``) against ``make setup`` (uv and the warm-up), warm package caches; then each
           clone's first build (cold) and a forced second one (warm), and a byte comparison of the two clones' sites;
- commands: in the ``make setup`` clone, a no-op and markdown-only edits as whole ``gba-report build`` processes (a
           sentence added, with and without the PDF editions; trailing spaces);
- tests:   the pytest run of ``make test`` in one process and with its xdist workers, each in a fresh clone;
- images:  the PNG palette step on every figure function's chart in both languages (the charts of
           ``tests/test_figures.py``): Pillow's median cut against ``images.palette_image``, and the pixels each moves.

``--rounds N`` times the naive chain, the floor and the full build N times, one of each in turn, and prints each
round's ratios and their median (a machine whose speed drifts slows a whole round alike).
``--only setup,commands`` (or ``tests``, ``build``, ``growth``, ``images``) runs some parts. Targets: naive / full >= 9, full / floor <= 0.8,
edit re-runs one chapter, grid >= 1.9x with 2 cores, 100x the cases <= 1.5x and 1000x <= 2.5x the time of 34, setup
>= 3x the pip baseline, a whole-command no-op <= 0.1 s and markdown edit <= 1 s, the test suite >= 2x.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gba_utils import paths  # noqa: E402
from gba_utils.contents import CHAPTERS  # noqa: E402
from gba_utils.data.codes import city_codes  # noqa: E402
from gba_utils.pipeline import kernels  # noqa: E402
from gba_utils.pipeline import orchestrate as pipeline  # noqa: E402

BIN = Path(sys.executable).parent


def wall(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def naive(notebooks, langs, scratch: Path) -> float:
    env = {**os.environ, **kernels.kernel_env()}

    def run():
        for name in notebooks:
            for lang in langs:
                out = scratch / f"{name}-{lang}.ipynb"
                subprocess.run(
                    [
                        str(BIN / "papermill"),
                        str(paths.NOTEBOOKS / f"{name}.ipynb"),
                        str(out),
                        "-p",
                        "lang",
                        lang,
                        "--cwd",
                        str(paths.NOTEBOOKS),
                        "-k",
                        "python3",
                        "--no-progress-bar",
                    ],
                    check=True,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                subprocess.run(
                    [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(out)],
                    check=True,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )

    return wall(run)


FLOOR_CODE = "import gba_utils, pandas, matplotlib, seaborn\ngba_utils.setup('00_overview', lang='{lang}')"


def floor(notebooks, langs) -> float:
    """Kernel start + the notebooks' imports + data loading, per notebook and language, divided by cores."""
    from jupyter_client.manager import start_new_kernel

    os.environ.update(kernels.kernel_env())

    def one(lang):
        km, kc = start_new_kernel(kernel_name="python3", cwd=str(paths.NOTEBOOKS))
        try:
            kc.execute_interactive(FLOOR_CODE.format(lang=lang), timeout=120, output_hook=lambda m: None)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    total = sum(wall(lambda lang=lang: one(lang)) for _ in notebooks for lang in langs)
    return total / (os.cpu_count() or 1)


def synthetic_data(factor: int, target: Path) -> None:
    """data/ with cases.csv grown ``factor``x by copying real rows under new ids (SYNTHETIC, marked in the name)."""
    shutil.copytree(paths.DATA, target, ignore=shutil.ignore_patterns("README.md"))
    with open(paths.DATA / "cases.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = list(rows)
    n = len(rows)
    for k in range(1, factor):
        for r in rows:
            n += 1
            copy = dict(
                r,
                case_id=f"C2022-{n:05d}",
                name_en=f"SYNTHETIC copy {k} of {r['case_id']}",
                name_zh=f"合成副本{k}：{r['name_zh']}",
            )
            out.append(copy)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(out)
    (target / "cases.csv").write_text(buf.getvalue(), encoding="utf-8")
    # the printed chapter-2 counts describe the real 34 cases only: the synthetic tables carry no aggregates to recount
    header = (paths.DATA / "case_aggregates.csv").read_text(encoding="utf-8").splitlines()[0]
    (target / "case_aggregates.csv").write_text(header + "\n", encoding="utf-8")


def run(cmd, cwd: Path, env=None) -> float:
    """Wall time of one command as a user runs it (a whole process); fails loudly."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"benchmark step failed: {' '.join(map(str, cmd))}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def cpu_ticks() -> tuple[int, int] | None:
    """(busy, total) clock ticks of every core since boot, from /proc/stat (Linux); None elsewhere."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def cores_busy(before, after) -> float | None:
    """How many cores were busy on average between two :func:`cpu_ticks` readings (the whole machine: children that
    left their parent, such as Chromium's, count too, which the parent's rusage misses)."""
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1]) * (os.cpu_count() or 1)


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


SETUP_PAGES = ["00_overview", "02_cases"]


def setup_and_first_build(scratch: Path, results: dict) -> None:
    """Fresh clones of the committed tree: the pip baseline against `make setup`, then each clone's first build (cold
    caches: no bytecode of its own, no build cache), a forced second build (warm) and a byte comparison of the two
    clones' sites. Package caches (pip's, uv's, uv itself in the user cache) are warm, as the issue defines it."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "GBA_DATA_DIR", "GBA_BUILD_DIR")}
    clones = {}
    for kind in ("pip", "make"):
        clone = clones[kind] = scratch / f"clone-{kind}"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    python = sys.executable if not hasattr(sys, "base_prefix") else str(Path(sys.base_prefix) / "bin" / "python3")
    results["setup_pip"] = run([python, "-m", "venv", ".venv"], clones["pip"], env) + run(
        [".venv/bin/python", "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[test]"], clones["pip"], env
    )
    print(f"setup, pip baseline (python -m venv + pip install -c constraints.txt -e '.[test]'): {results['setup_pip']:.1f} s")
    results["setup_make"] = run(["make", "setup", f"PYTHON={python}"], clones["make"], env)
    print(f"setup, make setup (uv, then the warm-up): {results['setup_make']:.1f} s", flush=True)
    freeze = {
        kind: subprocess.run(
            [str(c / ".venv" / "bin" / "python"), "-m", "pip", "freeze", "--all", "--exclude-editable"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        for kind, c in clones.items()
    }
    same_versions = sorted(set(freeze["pip"]) ^ set(freeze["make"]))
    build = [".venv/bin/gba-report", "build", *SETUP_PAGES, "--out", "site", "--no-progress"]
    for kind, clone in clones.items():
        results[f"first_{kind}"] = run(build, clone, env)
        results[f"warm_{kind}"] = run([*build, "--force"], clone, env)
        print(
            f"first build of {len(SETUP_PAGES)} chapters x 2 languages after {kind} setup: {results[f'first_{kind}']:.1f} s"
            f" cold, {results[f'warm_{kind}']:.1f} s warm (--force)",
            flush=True,
        )
    a, b = (tree(clones[k] / "site") for k in ("pip", "make"))
    results["identical"] = a == b
    print(f"sites built after pip and after make setup byte-identical: {a == b} ({len(a)} files)")
    print(f"installed versions differ: {same_versions or 'none'}", flush=True)


def whole_commands(clone: Path, results: dict) -> None:
    """A no-op and markdown-only edits timed as the user runs them: ``gba-report build`` as a whole process, in the
    fresh clone that `make setup` prepared (its own notebooks, build cache and site).

    The edit changes what a page says (a sentence at the end of chapter 3's last English cell, another each time), so
    the page, the search index and the English PDF edition change: timed with the PDF editions (Chromium reprints that
    one) and with ``--no-pdf`` (the site alone, as Jupyter Book's HTML build makes it). An edit of trailing spaces,
    which leaves every page's HTML as it was, is timed too."""
    cmd = [".venv/bin/gba-report", "build", "--no-progress"]
    quick = [*cmd, "--no-pdf", "--out", "site-no-pdf"]
    run(cmd, clone)  # complete builds first, so that the next ones have nothing to do
    run(quick, clone)
    results["noop_cmd"] = min(run(cmd, clone) for _ in range(5))
    nb_path = clone / "notebooks" / "03_problems.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    cell = [c for c in nb["cells"] if c["cell_type"] == "markdown" and "lang-en" in c["metadata"].get("tags", [])][-1]
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]

    def edited(text: str, command: list[str]) -> float:
        cell["source"] = text
        nb_path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return run(command, clone)

    results["md_cmd"] = min(edited(f"{source}\n\nEdit number {k}.", quick) for k in range(3))
    results["md_pdf"] = min(edited(f"{source}\n\nEdit number {k}.", cmd) for k in range(3, 5))
    results["md_space"] = min(edited(source + " " * (k + 1), cmd) for k in range(3))
    edited(source, cmd)
    print(
        f"whole command: no-op {results['noop_cmd']:.2f} s (best of 5); a sentence added: {results['md_cmd']:.2f} s with "
        f"--no-pdf (best of 3), {results['md_pdf']:.2f} s with the PDF editions (best of 2); trailing spaces "
        f"{results['md_space']:.2f} s (best of 3)"
    )


def test_suite(scratch: Path, results: dict) -> None:
    """`make test`'s pytest run with its workers (-n auto --dist loadscope) and without (one process), same tests, each
    in a fresh clone set up by `make setup` (not timed), so neither run finds what the other built (the browser tests'
    site, the build cache)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "GBA_DATA_DIR", "GBA_BUILD_DIR")}
    python = sys.executable if not hasattr(sys, "base_prefix") else str(Path(sys.base_prefix) / "bin" / "python3")
    base = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env", "tests", "notebooks"]
    for key, extra in (("tests_serial", ["-p", "no:xdist"]), ("tests_parallel", ["-n", "auto", "--dist", "loadscope"])):
        clone = scratch / f"clone-{key}"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        run(["make", "setup", f"PYTHON={python}"], clone, env)
        before = cpu_ticks()
        results[key] = run([".venv/bin/python", *base, *extra], clone, env)
        results[f"{key}_cores"] = cores_busy(before, cpu_ticks())
        busy = "" if results[f"{key}_cores"] is None else f", {results[f'{key}_cores']:.2f} cores busy on average"
        print(f"test suite {key.split('_')[1]}: {results[key]:.0f} s{busy}", flush=True)
        shutil.rmtree(clone, ignore_errors=True)


def palette_step(results: dict) -> None:
    """Median cut (what the PNGs used before) against :func:`gba_utils.research.images.palette_image`, on the RGB pixels
    of every figure function's chart in both languages, drawn once at the PNG's density; best of 3 each."""
    import numpy as np
    from PIL import Image

    sys.path.insert(0, str(ROOT / "tests"))
    from test_figures import all_figures  # the charts the figure tests draw, one per figure function

    from gba_utils import load, theme
    from gba_utils.research import images
    from gba_utils.research.images import palette_image
    from gba_utils.research.labels import Labeller

    ds = load()
    times = {"median": 0.0, "palette": 0.0}
    moved = {"median": 0, "palette": 0}
    pixels = 0
    for lang in ("zh", "en"):
        for make in all_figures(ds, Labeller.of(ds, lang), title="A title").values():
            fig = make()
            buf = io.BytesIO()
            fig.savefig(buf, format="rgba", dpi=theme.DPI * 2)
            w, h = images._pixels(fig, theme.DPI * 2, len(buf.getvalue()) // 4)
            rgb = Image.frombuffer("RGBA", (w, h), buf.getvalue(), "raw", "RGBA", 0, 1).convert("RGB")
            steps = {
                "median": lambda rgb=rgb: rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE),
                "palette": lambda rgb=rgb: palette_image(rgb),
            }
            for key, step in steps.items():
                times[key] += min(wall(step) for _ in range(3))
                back = np.asarray(step().convert("RGB"))
                moved[key] += int((back != np.asarray(rgb)).any(axis=2).sum())
            pixels += w * h
    results.update(palette_median=times["median"], palette_ours=times["palette"])
    print(
        f"PNG palette step, 14 charts: median cut {times['median']:.2f} s ({moved['median']:,} of {pixels:,} pixels moved),"
        f" palette_image {times['palette']:.2f} s ({moved['palette']:,} moved)",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int, default=1, help="naive chain, floor and full build, timed this many times in turn")
    ap.add_argument(
        "--only", default="", help="comma-separated parts: setup, commands, tests, build, growth, images (default: all)"
    )
    args = ap.parse_args()
    parts = set(filter(None, args.only.split(","))) or {"setup", "commands", "tests", "build", "growth", "images"}
    cores = os.cpu_count() or 1
    chapters = list(CHAPTERS)
    langs = ("zh", "en")
    naive_set = chapters[:2] if args.quick else chapters
    scratch = Path(tempfile.mkdtemp(prefix="gba-bench-"))
    results: dict[str, float] = {}
    sandbox_nb = scratch / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, sandbox_nb)
    paths.NOTEBOOKS = sandbox_nb
    paths.BUILD = scratch / "build"
    site = scratch / "site"

    print(f"machine: {platform.platform()}, {cores} cores, Python {platform.python_version()}", flush=True)
    if parts & {"setup", "commands"}:
        setup_and_first_build(scratch, results)
    if "commands" in parts:
        whole_commands(scratch / "clone-make", results)
    if "tests" in parts:
        test_suite(scratch, results)
    if "images" in parts:
        palette_step(results)
    if "build" in parts:
        # the naive chain prints no PDF, so the builds compared with it print none either (GBA_CHROMIUM=none); the PDF
        # editions' own cost is printed by every build that makes them (about 10-15 s for the two, on 2 cores)
        os.environ["GBA_CHROMIUM"] = "none"
        # the kernels (papermill's too) use the scratch build folder as well: the audit's sensitivity table is made in
        # it, not read from the repository's build/ (a fresh build folder means all of it)
        os.environ["GBA_BUILD_DIR"] = str(paths.BUILD)
        # naive, floor and full are timed in rounds, one of each per round: a machine whose speed drifts (shared
        # hosts do, by 2x within minutes) then slows all three of a round alike, and each round gives its own ratios
        rounds = []
        for i in range(args.rounds):
            # every round's naive chain and full build start from an empty build folder of their own: the audit's
            # sensitivity table is made in it (a chain or build reading one another made would be compared unfairly)
            paths.BUILD = scratch / f"build-naive-{i}"
            os.environ["GBA_BUILD_DIR"] = str(paths.BUILD)
            t = naive(naive_set, langs, scratch)
            one = {"naive": t * len(chapters) / len(naive_set), "floor": floor(chapters, langs)}
            paths.BUILD = scratch / f"build-full-{i}"
            os.environ["GBA_BUILD_DIR"] = str(paths.BUILD)
            one["full"] = wall(lambda: pipeline.build(site=site, progress=False, force=True))
            rounds.append(one)
            print(
                f"round {i + 1}: naive chain ({len(naive_set)} notebooks x {len(langs)} languages, scaled to "
                f"{len(chapters)}) {one['naive']:.1f} s; floor (kernel + imports + data, per notebook, / {cores} cores) "
                f"{one['floor']:.1f} s; full build {one['full']:.1f} s: naive/full {one['naive'] / one['full']:.2f}, "
                f"full/floor {one['full'] / one['floor']:.2f}",
                flush=True,
            )
        for key in ("naive", "floor", "full"):
            results[key] = statistics.median(r[key] for r in rounds)
        results["naive_full"] = statistics.median(r["naive"] / r["full"] for r in rounds)
        results["full_floor"] = statistics.median(r["full"] / r["floor"] for r in rounds)
        results["noop"] = wall(lambda: pipeline.build(site=site, progress=False))
        print(f"no-op rebuild: {results['noop']:.2f} s", flush=True)

        nb_path = sandbox_nb / "03_problems.ipynb"
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
        code["source"] = ("".join(code["source"]) if isinstance(code["source"], list) else code["source"]) + "\n# edited"
        nb_path.write_text(json.dumps(nb), encoding="utf-8")
        summary = {}
        results["edit"] = wall(lambda: summary.setdefault("s", pipeline.build(site=site, progress=False)))
        executed = sorted({r.job.notebook for r in summary["s"].results if r.action == "run"})
        print(f"one-chapter edit: {results['edit']:.1f} s, re-executed: {executed}", flush=True)

        grid = {"city": list(city_codes()), "lang": list(langs)}
        for key, chapters_in_grid in (("grid", None), ("profiles", [])):
            n_pages = len(pipeline.plan(chapters_in_grid, city_profiles=True, matrix=grid if chapters_in_grid is None else None))
            for n_jobs, label in ((1, "1"), (cores, "n")):
                results[f"{key}_{label}"] = wall(
                    lambda names=chapters_in_grid, n=n_jobs, key=key: pipeline.build(
                        names,
                        site=scratch / f"site-{key}",  # its own site: another site's pages would be carried and re-run
                        progress=False,
                        force=True,
                        city_profiles=True,
                        matrix=grid if names is None else None,
                        jobs=n,
                    )
                )
            print(
                f"city x language {key} ({n_pages} pages): 1 job {results[f'{key}_1']:.1f} s, {cores} jobs {results[f'{key}_n']:.1f} s",
                flush=True,
            )

    factors = (1, 10, 100) if args.quick else (1, 10, 100, 1000)
    if "growth" in parts:
        os.environ["GBA_CHROMIUM"] = "none"

        def chapter2(data: Path, site_dir: Path):
            return pipeline.build(
                ["02_cases"], langs=("zh",), params={"data_dir": str(data)}, site=site_dir, progress=False, force=True, jobs=1
            )

        # a build first, untimed: the first in a process pays its imports, and x1 would be timed with them when this
        # part runs alone (after the other parts, this process has built already)
        synthetic_data(1, scratch / "data-warm")
        chapter2(scratch / "data-warm", scratch / "site-warm")
        for f in factors:
            data = scratch / f"data-x{f}"
            synthetic_data(f, data)
            results[f"cases_x{f}"] = wall(lambda data=data, f=f: chapter2(data, scratch / f"site-x{f}"))
            print(f"chapter 2 with {34 * f} cases (SYNTHETIC beyond 34): {results[f'cases_x{f}']:.1f} s", flush=True)

    print("\nratios")
    if "setup" in parts:
        print(f"  setup pip / make setup  {results['setup_pip'] / results['setup_make']:6.2f}   (target >= 3)")
        print(
            f"  first / warm build      {results['first_make'] / results['warm_make']:6.2f}   after make setup (pip: "
            f"{results['first_pip'] / results['warm_pip']:.2f}; target: close to 1)"
        )
        print(f"  sites byte-identical    {str(results['identical']):>6}   (pip or make setup)")
    if "commands" in parts:
        print(f"  no-op, whole command    {results['noop_cmd']:6.2f} s (target <= 0.1 s)")
        print(f"  markdown edit, command  {results['md_cmd']:6.2f} s with --no-pdf (target <= 1 s)")
        print(f"    with the PDF editions {results['md_pdf']:6.2f} s (Chromium reprints the edition that changed)")
        print(f"    trailing spaces only  {results['md_space']:6.2f} s (no page's HTML changes)")
    if "build" in parts:
        many = f", the median of {args.rounds} rounds' ratios" if args.rounds > 1 else ""
        print(f"  naive / full            {results['naive_full']:6.2f}   (target >= 9{many})")
        print(f"  full / floor            {results['full_floor']:6.2f}   (target <= 0.8{many})")
        print(f"  no-op rebuild           {results['noop']:6.2f} s (in process)")
        print(f"  edit re-executed        {len(executed):6d} notebook(s) (target 1)")
        print(f"  grid 1 job / {cores} jobs      {results['grid_1'] / results['grid_n']:6.2f}   (target >= 1.9)")
        print(f"  profiles 1 job / {cores} jobs  {results['profiles_1'] / results['profiles_n']:6.2f}")
    if "growth" in parts:
        for f in factors[1:]:
            target = {100: "  (target <= 1.5)", 1000: "  (target <= 2.5)"}.get(f, "")
            print(f"  cases x{f:<5} / x1       {results[f'cases_x{f}'] / results['cases_x1']:6.2f}{target}")
    if "images" in parts:
        print(f"  PNG palette median/ours {results['palette_median'] / results['palette_ours']:6.2f}")
    if "tests" in parts:
        print(f"  tests serial / parallel {results['tests_serial'] / results['tests_parallel']:6.2f}   (target >= 2)")
        serial, parallel = results.get("tests_serial_cores"), results.get("tests_parallel_cores")
        if serial and parallel:
            # the same work on every core at once can be at most cores/serial-busy faster: the ceiling of the ratio
            # above; core-seconds (wall x busy cores) say whether the workers did more work than the single process
            cores = os.cpu_count() or 1
            print(
                f"  cores busy              {serial:6.2f} serial, {parallel:.2f} parallel of {cores}: ceiling "
                f"{cores / serial:.2f}; core-seconds {results['tests_serial'] * serial:.0f} serial, "
                f"{results['tests_parallel'] * parallel:.0f} parallel"
            )
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
