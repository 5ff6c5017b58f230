"""Benchmark of the build, measured in one run on one machine; prints times and ratios.

    .venv/bin/python benchmarks/bench.py            # everything (about 10 minutes on 2 cores)
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

Targets from the issue: full >= 4x faster than naive and within 1.3x of the floor; no-op < 0.5 s; edit re-runs one
chapter; 100x the cases <= 1.5x the time; matrix >= 1.7x faster with 2 cores than with 1.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shutil
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
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
    t = naive(naive_set, langs, scratch)
    results["naive"] = t * len(chapters) / len(naive_set)
    print(
        f"naive chain ({len(naive_set)} notebooks x {len(langs)} languages, scaled to {len(chapters)}): {results['naive']:.1f} s",
        flush=True,
    )
    results["floor"] = floor(chapters, langs)
    print(f"floor (kernel + imports + data, per notebook, / {cores} cores): {results['floor']:.1f} s", flush=True)
    results["full"] = wall(lambda: pipeline.build(site=site, progress=False, force=True))
    print(f"full build: {results['full']:.1f} s", flush=True)
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
                lambda names=chapters_in_grid, n=n_jobs: pipeline.build(
                    names,
                    site=site,
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
    for f in factors:
        data = scratch / f"data-x{f}"
        synthetic_data(f, data)
        results[f"cases_x{f}"] = wall(
            lambda data=data, f=f: pipeline.build(
                ["02_cases"],
                langs=("zh",),
                params={"data_dir": str(data)},
                site=scratch / f"site-x{f}",
                progress=False,
                force=True,
                jobs=1,
            )
        )
        print(f"chapter 2 with {34 * f} cases (SYNTHETIC beyond 34): {results[f'cases_x{f}']:.1f} s", flush=True)

    print("\nratios")
    print(f"  naive / full            {results['naive'] / results['full']:6.2f}   (target >= 4)")
    print(f"  full / floor            {results['full'] / results['floor']:6.2f}   (target <= 1.3)")
    print(f"  no-op rebuild           {results['noop']:6.2f} s (target < 0.5 s)")
    print(f"  edit re-executed        {len(executed):6d} notebook(s) (target 1)")
    print(f"  grid 1 job / {cores} jobs      {results['grid_1'] / results['grid_n']:6.2f}   (target >= 1.7)")
    print(f"  profiles 1 job / {cores} jobs  {results['profiles_1'] / results['profiles_n']:6.2f}")
    for f in factors[1:]:
        print(f"  cases x{f:<5} / x1       {results[f'cases_x{f}'] / results['cases_x1']:6.2f}   (target for x100 <= 1.5)")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
