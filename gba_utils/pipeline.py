"""Execute the notebooks with papermill and render reader-facing HTML.

``build()`` is the Python API; ``gba-report build`` (:mod:`gba_utils.cli`) is a thin
wrapper. The order of work:

1. validate the data (a broken table stops the build before any notebook runs);
2. check every job's parameters against the notebook's ``parameters`` cell;
3. execute each job with papermill in a worker process (one kernel per worker),
   normalise the executed notebook (no timings, fixed ids) and render its HTML
   in the same worker;
4. write each page atomically (temporary file, then rename), so a failed or
   interrupted build leaves the last good HTML in place; executed notebooks are
   kept under ``build/executed/`` for debugging.
"""
from __future__ import annotations

import concurrent.futures as cf
import copy
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import paths
from .errors import BuildInterrupted, DataError, GBAError, NotebookFailed
from .params import check

NOTEBOOK_ORDER = ("00_overview", "01_background", "02_cases", "03_problems", "04_recommendations", "05_audit")
PROFILE = "10_city_profile"
#: Every committed notebook (chapters, then the city profile).
ALL_NOTEBOOKS = NOTEBOOK_ORDER + (PROFILE,)
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Job:
    notebook: str  # stem, e.g. "02_cases"
    params: tuple[tuple[str, object], ...]
    out_dir: str  # folder of the page, relative to the site root (e.g. "zh")
    show_code: bool = False

    @property
    def lang(self) -> str:
        return dict(self.params)["lang"]

    @property
    def slug(self) -> str:
        extra = [f"{k}-{v}" for k, v in self.params if k not in ("lang", "edition", "data_dir") and v != "all"]
        return "__".join([self.notebook] + extra)


@dataclass
class Result:
    job: Job
    ok: bool
    seconds: float
    html_path: str | None = None
    html_bytes: int = 0
    error: str = ""
    executed_path: str | None = None


@dataclass
class Summary:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def render(self) -> str:
        lines = [f"{'notebook':<22} {'params':<34} {'status':<7} {'time':>6} {'size':>8}"]
        for r in self.results:
            params = ",".join(f"{k}={v}" for k, v in r.job.params if k != "data_dir")
            size = f"{r.html_bytes / 1024:.0f} KB" if r.ok else "-"
            lines.append(f"{r.job.notebook:<22} {params:<34} {'ok' if r.ok else 'FAILED':<7} {r.seconds:5.1f}s {size:>8}")
        failed = [r for r in self.results if not r.ok]
        lines.append(f"{len(self.results) - len(failed)} built, {len(failed)} failed in {self.seconds:.1f}s")
        for r in failed:
            lines.append(f"FAILED {r.job.notebook} {dict(r.job.params)}: {r.error}")
            if r.executed_path:
                lines.append(f"  executed notebook kept at {r.executed_path}")
        return "\n".join(lines)


def declared_parameters(notebook: Path) -> dict:
    """Names and defaults of a notebook's ``parameters`` cell (papermill's own inspection)."""
    import ast

    import papermill

    return {k: ast.literal_eval(v["default"]) for k, v in papermill.inspect_notebook(str(notebook)).items()}


def plan(notebooks=None, langs=LANGS, params: dict | None = None, show_code: bool = False, city_profiles: bool = False) -> list[Job]:
    """Jobs for ``notebooks`` × ``langs`` with extra ``params`` (plus one profile per city); checks every parameter first."""
    from .params import CITY_CODES

    names = list(notebooks or NOTEBOOK_ORDER)
    runs = [(name, params or {}) for name in names]
    if city_profiles:
        runs += [(PROFILE, {**(params or {}), "city": code}) for code in CITY_CODES]
    jobs = []
    for name, extra in runs:
        path = paths.NOTEBOOKS / f"{name}.ipynb"
        if not path.exists():
            raise GBAError(f"no notebook {name!r}: expected one of {list(ALL_NOTEBOOKS)}")
        declared = set(declared_parameters(path))
        for lang in langs:
            checked = check({**extra, "lang": lang}, notebook=name, declared=declared)
            jobs.append(Job(name, tuple(sorted(checked.items())), lang, show_code))
    return jobs


# ------------------------------------------------------------------ kernel

def kernel_env() -> dict:
    """Environment for kernels: a 'python3' kernelspec pointing at *this* interpreter wins over any user one."""
    kdir = paths.BUILD / "jupyter" / "kernels" / "python3"
    kdir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.log_level=CRITICAL"],
            "display_name": "Python 3 (ipykernel)", "language": "python", "metadata": {"debugger": False}}
    target = kdir / "kernel.json"
    text = json.dumps(spec, indent=1)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    env = dict(os.environ)
    env["JUPYTER_PATH"] = str(paths.BUILD / "jupyter") + (os.pathsep + env["JUPYTER_PATH"] if env.get("JUPYTER_PATH") else "")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.setdefault("MPLBACKEND", "Agg")
    return env


def kernel_manager_class():
    """A kernel manager that talks to its kernel over IPC sockets in a private folder.

    TCP needs free ports, which concurrent kernels race for, and makes ipykernel warn
    on stderr about unencrypted traffic; Unix sockets in a fresh folder have neither problem.
    """
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            folder = Path(tempfile.mkdtemp(prefix="gba-kernel-"))
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(folder / uuid.uuid4().hex[:8]))
            super().__init__(**kwargs)
            self._ipc_folder = folder

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            if not restart:
                import shutil

                shutil.rmtree(self._ipc_folder, ignore_errors=True)

    return IPCKernelManager


# ------------------------------------------------------------------ normalisation

def normalise(nb: nbformat.NotebookNode, source_metadata: dict | None = None) -> nbformat.NotebookNode:
    """Strip what changes from run to run: timings, papermill bookkeeping, random ids."""
    nb = copy.deepcopy(nb)
    if source_metadata is not None:
        nb.metadata = copy.deepcopy(source_metadata)
    nb.metadata.pop("papermill", None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)
    return nb


def problems_in_outputs(nb) -> list[str]:
    """Stderr and errors in outputs: a warning is a failure of the build."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type == "stream" and out.name == "stderr":
                found.append(f"cell {i} wrote to stderr: {out.text.strip()[:300]}")
            if out.output_type == "error":
                found.append(f"cell {i} raised {out.ename}: {out.evalue}")
    return found


# ------------------------------------------------------------------ one job

def execute(job: Job, executed: Path) -> nbformat.NotebookNode:
    """Run one notebook with papermill; raise NotebookFailed naming the cell and parameters."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = paths.NOTEBOOKS / f"{job.notebook}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    params = dict(job.params)
    try:
        papermill.execute_notebook(
            str(source), str(executed), parameters=params, kernel_name="python3", progress_bar=False,
            log_output=False, cwd=str(paths.NOTEBOOKS), request_save_on_cell_execute=False,
            kernel_manager_class=kernel_manager_class(),
        )
    except PapermillExecutionError as exc:
        raise NotebookFailed(job.notebook, params, exc.cell_index, f"{exc.ename}: {exc.evalue}", paths.relative(executed)) from None
    except Exception as exc:  # kernel died, timeout, ...
        raise NotebookFailed(job.notebook, params, None, f"{type(exc).__name__}: {exc}", paths.relative(executed)) from None
    nb = nbformat.read(executed, as_version=4)
    nb = normalise(nb, nbformat.read(source, as_version=4).metadata)
    bad = problems_in_outputs(nb)
    nbformat.write(nb, executed)
    if bad:
        raise NotebookFailed(job.notebook, params, None, "; ".join(bad), paths.relative(executed))
    return nb


def atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_job(job: Job, site: str, jobs_in_site: tuple[Job, ...] = ()) -> Result:
    """Execute and render one job (runs inside a worker process)."""
    from .html import render_page

    os.environ.update(kernel_env())
    start = time.perf_counter()
    executed = paths.BUILD / "executed" / job.out_dir / f"{job.slug}.ipynb"
    try:
        nb = execute(job, executed)
        html, target = render_page(nb, job, Path(site), jobs_in_site)
        atomic_write(target, html.encode("utf-8"))
        return Result(job, True, time.perf_counter() - start, paths.relative(target), len(html.encode("utf-8")))
    except NotebookFailed as exc:
        return Result(job, False, time.perf_counter() - start, error=exc.error + (f" (cell {exc.cell_index})" if exc.cell_index is not None else ""),
                      executed_path=exc.executed_path)
    except Exception as exc:  # rendering or writing failed: report it like a notebook failure
        return Result(job, False, time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}",
                      executed_path=paths.relative(executed) if executed.exists() else None)


def build(notebooks=None, langs=LANGS, params: dict | None = None, jobs: int | None = None, site: str | Path | None = None,
          show_code: bool = False, progress: bool = True, city_profiles: bool = False) -> Summary:
    """Validate the data, run every notebook × language, render HTML and the index. Returns a Summary."""
    from .data import load
    from .html import write_index

    start = time.perf_counter()
    site = Path(site) if site else paths.REPORTS
    checked_params = {k: v for k, v in (params or {}).items()}
    ds = load(checked_params.get("edition", 2022), checked_params.get("data_dir"))  # raises DataError before anything runs
    plan_jobs = plan(notebooks, langs, checked_params, show_code, city_profiles)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(plan_jobs)))
    summary = Summary()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(plan_jobs), desc="notebooks", unit="nb", file=sys.stderr, dynamic_ncols=True)
    all_jobs = tuple(plan_jobs)
    interrupted = False
    if workers == 1:
        try:
            for job in plan_jobs:
                summary.results.append(run_job(job, str(site), all_jobs))
                if bar:
                    bar.update()
        except KeyboardInterrupt:
            interrupted = True
    else:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
        try:
            futures = {pool.submit(run_job, job, str(site), all_jobs): job for job in plan_jobs}
            for fut in cf.as_completed(futures):
                summary.results.append(fut.result())
                if bar:
                    bar.update()
            pool.shutdown()
        except KeyboardInterrupt:
            interrupted = True
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()  # their kernels notice their parent is gone and exit
            pool.shutdown(wait=False, cancel_futures=True)
    if interrupted:
        done = {r.job for r in summary.results}
        summary.results += [Result(j, False, 0.0, error="interrupted before it finished; its previous page, if any, is unchanged")
                            for j in plan_jobs if j not in done]
    if bar:
        bar.close()
    order = {j: i for i, j in enumerate(plan_jobs)}
    summary.results.sort(key=lambda r: order[r.job])
    summary.seconds = time.perf_counter() - start
    if interrupted:
        raise BuildInterrupted(summary)
    write_index(site, ds, summary)
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
        # papermill injects no cell when no parameter differs from the defaults? It always injects; drop it for the committed copy
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


__all__ = ["Job", "Result", "Summary", "build", "plan", "refresh", "DataError"]
