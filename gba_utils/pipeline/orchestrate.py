"""The build: validate, plan, run every page whose inputs changed, render, write the index; and ``refresh``.

``build()`` is the Python API; ``gba-report build`` (:mod:`gba_utils.cli`) is a thin wrapper. The order of work:

1. check every job's parameters against the notebook's ``parameters`` cell (:mod:`.plan`);
2. decide per job whether to run, re-render or skip it (:mod:`.cache`); with nothing to do, stop here;
3. validate the data (a broken table stops the build before any notebook runs);
4. execute each job in a worker process with one warm kernel (:mod:`.kernels`) and render its page in the same worker
   (:mod:`.pages`), while the main process makes the shared assets (:mod:`.assets`);
5. write each page atomically, so a failed or interrupted build leaves the last good HTML in place; executed notebooks
   are kept under ``build/executed/`` for debugging; finally write the index from the build's record of its pages.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import languages, paths
from ..contents import ALL_NOTEBOOKS
from ..data import load
from ..errors import BuildInterrupted, NotebookFailed
from ..files import atomic_write, sha
from ..research.params import check
from . import cache
from .assets import site_characters, write_assets, write_stylesheet
from .kernels import execute, kernel_env
from .pages import render_page, write_index
from .plan import Job, declared_parameters, plan


@dataclass
class Result:
    job: Job
    ok: bool
    seconds: float
    html_path: str | None = None
    html_bytes: int = 0
    error: str = ""
    executed_path: str | None = None
    action: str = "run"
    reason: str = ""
    title: str = ""


@dataclass
class Summary:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def render(self) -> str:
        lines = [f"{'notebook':<20} {'params':<40} {'status':<8} {'time':>6} {'size':>7}  why"]
        for r in self.results:
            params = ",".join(f"{k}={v}" for k, v in r.job.params if (k, v) in r.job.named_params or k == "lang")
            size = f"{r.html_bytes / 1024:.0f} KB" if r.ok else "-"
            status = {"run": "ran", "render": "rendered", "skip": "cached"}[r.action] if r.ok else "FAILED"
            lines.append(f"{r.job.notebook:<20} {params:<40} {status:<8} {r.seconds:5.1f}s {size:>7}  {r.reason}")
        failed = [r for r in self.results if not r.ok]
        ran = sum(1 for r in self.results if r.ok and r.action == "run")
        lines.append(
            f"{len(self.results) - len(failed)} pages ok ({ran} executed, {len(self.results) - len(failed) - ran} from cache), "
            f"{len(failed)} failed in {self.seconds:.1f}s"
        )
        for r in failed:
            lines.append(f"FAILED {r.job.notebook} {dict(r.job.params)}: {r.error}")
            if r.executed_path:
                lines.append(f"  executed notebook kept at {r.executed_path}")
        return "\n".join(lines)


def executed_path(job: Job) -> Path:
    """Where a job's executed notebook is kept (the cache re-renders from it; a failed one stays for debugging)."""
    return paths.BUILD / "executed" / job.out_dir / f"{job.slug}.ipynb"


def run_job(
    job: Job, site: str, action: str = "run", reason: str = "", folders: tuple[str, str] | None = None, reuse_kernel: bool = False
) -> Result:
    """Execute (or reuse the cached run of) one job and render its page; runs inside a worker process.

    ``folders`` carries the caller's notebook and build folders to workers (other processes, or other machines).
    """
    if folders:
        paths.NOTEBOOKS, paths.BUILD = Path(folders[0]), Path(folders[1])

    os.environ.update(kernel_env())
    start = time.perf_counter()
    executed = executed_path(job)
    cache.reset()
    inputs = cache.snapshot(job)
    try:
        if action == "render":
            nb = cache.merge_outputs(
                nbformat.read(paths.NOTEBOOKS / f"{job.notebook}.ipynb", as_version=4), nbformat.read(executed, as_version=4)
            )
        else:
            nb = execute(job, executed, reuse_kernel)
        html, target, title = render_page(nb, job, Path(site))
        page = html.encode("utf-8")
        atomic_write(target, page)
        cache.record(job, inputs, page, title)
        return Result(
            job, True, time.perf_counter() - start, paths.relative(target), len(page), action=action, reason=reason, title=title
        )
    except NotebookFailed as exc:
        cache.manifest_path(job.out_dir, job.slug).unlink(missing_ok=True)
        return Result(
            job,
            False,
            time.perf_counter() - start,
            error=exc.error + (f" (cell {exc.cell_index})" if exc.cell_index is not None else ""),
            executed_path=exc.executed_path,
            action=action,
            reason=reason,
        )
    except Exception as exc:  # rendering or writing failed: report it like a notebook failure
        return Result(
            job,
            False,
            time.perf_counter() - start,
            error=f"{type(exc).__name__}: {exc}",
            executed_path=paths.relative(executed) if executed.exists() else None,
        )


# ------------------------------------------------------------------ the record of a site's pages


def _record_path(site: Path) -> Path:
    return paths.BUILD / "sites" / f"{sha(str(site.resolve()).encode())}.json"


def _page_key(job: Job) -> str:
    return job.page


def _job_json(job: Job) -> dict:
    return {"notebook": job.notebook, "params": [list(p) for p in job.params], "out_dir": job.out_dir, "show_code": job.show_code}


def _job_from(record: dict) -> Job:
    return Job(record["notebook"], tuple((k, v) for k, v in record["params"]), record["out_dir"], record["show_code"])


def site_pages(site: Path, summary: Summary) -> list[dict]:
    """The site's pages after this build: this build's pages, and the earlier ones still on disk."""
    path = _record_path(site)
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    pages = {key: {"job": _job_from(rec), "title": rec["title"]} for key, rec in old.items() if (site / key).exists()}
    for r in summary.results:
        if r.ok:
            pages[_page_key(r.job)] = {"job": r.job, "title": r.title}
    atomic_write(
        path,
        json.dumps(
            {k: {**_job_json(p["job"]), "title": p["title"]} for k, p in sorted(pages.items())}, ensure_ascii=False, indent=1
        ).encode("utf-8"),
    )
    return list(pages.values())


# ------------------------------------------------------------------ workers


def _record_worker(pids) -> None:
    """Initializer of every worker process: tell the build this worker's pid (it stops them when interrupted)."""
    pids.put(os.getpid())


def _stop_workers(pids) -> None:
    while not pids.empty():
        try:
            os.kill(pids.get(), signal.SIGTERM)  # their kernels notice that their parent is gone and exit
        except ProcessLookupError:
            pass


def build(
    notebooks=None,
    langs=languages.LANGS,
    params: dict | None = None,
    jobs: int | None = None,
    site: str | Path | None = None,
    show_code: bool = False,
    progress: bool = True,
    city_profiles: bool = False,
    matrix: dict | None = None,
    force: bool = False,
    executor: cf.Executor | None = None,
    isolated: bool = False,
) -> Summary:
    """Validate the data, run every job whose inputs changed, render pages, write the index. Returns a Summary.

    ``executor`` may be any :class:`concurrent.futures.Executor` (a Dask ``client.get_executor()`` runs the same
    jobs on a cluster); by default jobs run in ``jobs`` worker processes. Each worker keeps one warm kernel and
    resets it between notebooks; ``isolated=True`` starts a fresh kernel for every notebook instead.
    """
    start = time.perf_counter()
    site = Path(site) if site else paths.REPORTS
    plan_jobs = plan(notebooks, langs, dict(params or {}), show_code, city_profiles, matrix)
    cache.reset()
    decisions = {job: cache.decide(job, site, force) for job in plan_jobs}
    summary = Summary()
    todo = [j for j in plan_jobs if decisions[j][0] != "skip"]

    def skipped(job: Job) -> Result:
        page = site / job.page
        return Result(
            job,
            True,
            0.0,
            paths.relative(page),
            page.stat().st_size,
            action="skip",
            reason="up to date",
            title=cache.recorded_title(job),
        )

    if not todo and (site / "index.html").exists():
        summary.results = [skipped(job) for job in plan_jobs]  # nothing changed: no validation, no kernel, no rendering
        summary.seconds = time.perf_counter() - start
        return summary

    data_dirs = {dict(j.params).get("data_dir") for j in plan_jobs}
    for d in sorted(data_dirs, key=str):  # a broken table stops the build here, before any notebook runs
        ds = load(dict(plan_jobs[0].params).get("edition", 2022), d)
    summary.results += [skipped(job) for job in plan_jobs if decisions[job][0] == "skip"]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="notebooks", unit="nb", file=sys.stderr, dynamic_ncols=True)
    folders = (str(paths.NOTEBOOKS), str(paths.BUILD))
    # warm kernels live only in worker processes the build owns (even with one job), never in the caller's process
    reuse = not isolated and executor is None
    asset_errors: list[BaseException] = []

    def assets():
        try:
            write_assets(site, ds.directory, site_characters(data_dirs))
        except BaseException as exc:  # re-raised in the main thread below
            asset_errors.append(exc)

    font = threading.Thread(target=assets, daemon=False)  # not a daemon: an interrupted build still finishes its writes
    font.start()  # the web font and the downloads are made in the main process while the kernels work
    interrupted = False
    own_pool = pids = None
    try:
        if executor is None and workers == 1 and not reuse:
            for job in todo:
                summary.results.append(run_job(job, str(site), *decisions[job], folders, reuse))
                if bar:
                    bar.update()
        else:
            if executor is None:
                context = multiprocessing.get_context("spawn")
                pids = context.SimpleQueue()
                own_pool = executor = cf.ProcessPoolExecutor(
                    max_workers=workers, mp_context=context, initializer=_record_worker, initargs=(pids,)
                )
            futures = [executor.submit(run_job, job, str(site), *decisions[job], folders, reuse) for job in todo]
            for fut in cf.as_completed(futures):
                summary.results.append(fut.result())
                if bar:
                    bar.update()
            if own_pool:
                own_pool.shutdown()
    except KeyboardInterrupt:
        interrupted = True
        if own_pool:
            _stop_workers(pids)
            own_pool.shutdown(wait=False, cancel_futures=True)
    if bar:
        bar.close()
    if interrupted:
        done = {r.job for r in summary.results}
        summary.results += [
            Result(j, False, 0.0, error="interrupted before it finished; its previous page, if any, is unchanged")
            for j in plan_jobs
            if j not in done
        ]
    order = {j: i for i, j in enumerate(plan_jobs)}
    summary.results.sort(key=lambda r: order[r.job])
    font.join()  # also when interrupted: a half-written download would otherwise leave a temporary file behind
    summary.seconds = time.perf_counter() - start
    if interrupted:
        raise BuildInterrupted(summary)
    if asset_errors:
        raise asset_errors[0]
    write_stylesheet(site)
    atomic_write(site / "index.html", write_index(site, ds, site_pages(site, summary)))
    summary.seconds = time.perf_counter() - start
    return summary


def refresh(notebooks=None) -> list[str]:
    """Re-execute the committed notebooks in place with default parameters (their outputs are what nbval checks)."""
    os.environ.update(kernel_env())
    done = []
    for name in notebooks or ALL_NOTEBOOKS:
        path = paths.NOTEBOOKS / f"{name}.ipynb"
        defaults = check({}, notebook=name, declared=set(declared_parameters(path)))
        tmp = paths.BUILD / "refresh" / f"{name}.ipynb"
        job = Job(name, tuple(sorted(defaults.items())), "refresh")
        nb = execute(job, tmp)
        # the committed copy carries no injected cell: its parameters cell already holds the defaults
        nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                cell.execution_count = sum(1 for c in nb.cells[: i + 1] if c.cell_type == "code")
                for out in cell.outputs:
                    if "execution_count" in out:
                        out.execution_count = cell.execution_count
        atomic_write(path, (nbformat.writes(nb) + "\n").encode("utf-8"))
        done.append(paths.relative(path))
    return done
