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
import functools
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# jsonschema (pulled in by nbformat's validator) imports rfc3987_syntax when it is installed, and that module
# compiles a lark grammar at import time (~0.9 s per process, measured with `python -X importtime`). Notebook
# schemas use no IRI formats, so the build does without it. jupyterlab brings it in through jupyter-events.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402

from . import cache, paths  # noqa: E402
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
    action: str = "run"
    reason: str = ""


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
            params = ",".join(f"{k}={v}" for k, v in r.job.params if k not in ("data_dir", "edition") and v != "all")
            size = f"{r.html_bytes / 1024:.0f} KB" if r.ok else "-"
            status = {"run": "ran", "render": "rendered", "skip": "cached"}[r.action] if r.ok else "FAILED"
            lines.append(f"{r.job.notebook:<20} {params:<40} {status:<8} {r.seconds:5.1f}s {size:>7}  {r.reason}")
        failed = [r for r in self.results if not r.ok]
        ran = sum(1 for r in self.results if r.ok and r.action == "run")
        lines.append(f"{len(self.results) - len(failed)} pages ok ({ran} executed, {len(self.results) - len(failed) - ran} from cache), "
                     f"{len(failed)} failed in {self.seconds:.1f}s")
        for r in failed:
            lines.append(f"FAILED {r.job.notebook} {dict(r.job.params)}: {r.error}")
            if r.executed_path:
                lines.append(f"  executed notebook kept at {r.executed_path}")
        return "\n".join(lines)


def declared_parameters(notebook: Path) -> dict:
    """Names and defaults of a notebook's ``parameters`` cell (the same cell papermill looks for).

    Parsed with ``ast`` rather than ``papermill.inspect_notebook`` so that planning a build costs no papermill import.
    """
    import ast

    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise GBAError(f"{paths.relative(notebook)}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    src = cells[0]["source"] if isinstance(cells[0]["source"], str) else "".join(cells[0]["source"])
    out = {}
    for node in ast.parse(src).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def expand(matrix: dict | None) -> list[dict]:
    """Every combination of a parameter grid: {'city': ['a', 'b'], 'lang': ['zh', 'en']} -> four dicts."""
    import itertools

    if not matrix:
        return [{}]
    keys = sorted(matrix)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(matrix[k] for k in keys))]


def plan(notebooks=None, langs=LANGS, params: dict | None = None, show_code: bool = False, city_profiles: bool = False,
         matrix: dict | None = None) -> list[Job]:
    """Jobs for ``notebooks`` × ``langs`` × the ``matrix`` grid with extra ``params`` (plus one profile per city).

    Every parameter is checked first. A ``lang`` in the matrix replaces ``langs``.
    """
    from .params import CITY_CODES

    names = list(NOTEBOOK_ORDER) if notebooks is None else list(notebooks)
    grid = expand(matrix)
    if matrix and "lang" in matrix:
        langs = (None,)
    runs = [(name, {**(params or {}), **cell}) for cell in grid for name in names]
    if city_profiles:  # one profile per city, for every other cell of the grid (its languages, say)
        runs += [(PROFILE, {**(params or {}), **cell, "city": code}) for cell in grid for code in CITY_CODES]
    jobs = []
    for name, extra in runs:
        path = paths.NOTEBOOKS / f"{name}.ipynb"
        if not path.exists():
            raise GBAError(f"no notebook {name!r}: expected one of {list(ALL_NOTEBOOKS)}")
        declared = set(declared_parameters(path))
        for lang in langs:
            merged = {**extra, "lang": lang} if lang is not None else dict(extra)
            checked = check(merged, notebook=name, declared=declared)
            job = Job(name, tuple(sorted(checked.items())), checked["lang"], show_code)
            if job not in jobs:
                jobs.append(job)
    return jobs


# ------------------------------------------------------------------ kernel

def kernel_env() -> dict:
    """Environment for kernels: a 'python3' kernelspec pointing at *this* interpreter wins over any user one."""
    kdir = paths.BUILD / "jupyter" / "kernels" / "python3"
    kdir.mkdir(parents=True, exist_ok=True)
    # no input history: a build should not write to ~/.ipython, and a warm kernel numbers every notebook from 1 again,
    # which IPython's history database would report as a clash
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.log_level=CRITICAL",
                     "--HistoryManager.enabled=False"],
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
    for cell in nb.cells:
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

#: The warm kernel of this worker process (``reuse_kernel``): started once, reset between notebooks.
_WARM: dict = {}

RESET = (
    "get_ipython().run_line_magic('reset', '-f')\n"
    "import matplotlib as _mpl, matplotlib.pyplot as _plt\n_plt.close('all')\n"
    # settings a notebook changed (rcParams) go back to what a fresh kernel starts with; the backend stays
    "_mpl.rcParams.update({k: v for k, v in _mpl.rcParamsOrig.items() if k != 'backend'})\n"
    "del _mpl, _plt\n"
    # pandas options too (once pandas is loaded); resetting touches deprecated options, whose warnings are not news
    "import sys as _sys, warnings as _w\n"
    "if 'pandas' in _sys.modules:\n"
    "    with _w.catch_warnings():\n"
    "        _w.simplefilter('ignore')\n"
    "        _sys.modules['pandas'].reset_option('all')\n"
    "del _sys, _w\n"
    "get_ipython().execution_count = 1\n"
)


def warm_kernel():
    """This worker's kernel and its connected client, reset to a clean namespace (numbering from 1).

    Started on first use or after a crash. Imported modules stay loaded between notebooks (that is the saving:
    pandas, matplotlib, seaborn and pandera are imported once per worker, not once per page); every variable,
    figure, matplotlib setting, pandas option and the execution counter are reset. The client stays connected too: a new client has to wait until the
    kernel's broadcast channel reaches it (``wait_for_ready``, 0.2 to 0.4 s each time), which papermill would
    otherwise pay for every notebook. Tests check that pages built this way are byte-identical to pages built with a
    fresh kernel each.
    """
    import atexit

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = _WARM.get("km")
    if km is None or not run_sync(km.is_alive)():
        close_warm_kernel()
        folder = Path(tempfile.mkdtemp(prefix="gba-kernel-"))
        km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(folder / "k"))
        _WARM.update(km=km, folder=folder)
        run_sync(km.start_kernel)(cwd=str(paths.NOTEBOOKS), env={**os.environ, **kernel_env()})
        kc = km.client()
        kc.start_channels()
        _WARM["kc"] = kc
        run_sync(_until_ready)(km, kc)
        kc.allow_stdin = False
        if not _WARM.get("atexit"):
            atexit.register(close_warm_kernel)
            _WARM["atexit"] = True
    kc = _WARM["kc"]
    reply = run_sync(kc.execute_interactive)(RESET, silent=True, store_history=False, timeout=60, output_hook=lambda m: None)
    if reply["content"].get("status") != "ok":
        close_warm_kernel()
        raise RuntimeError("could not reset the warm kernel")
    return km, kc


async def _until_ready(km, kc, timeout: float = 60) -> None:
    """Wait until the kernel answers on its request channel *and* its broadcast channel reaches us.

    jupyter_client's ``wait_for_ready`` does the same with 0.2 s waits on the broadcast channel, then spends another
    0.2 s draining it; messages left there are harmless (every reader filters by request id), so this polls briefly.
    """
    from queue import Empty

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kc.kernel_info()
        try:
            reply = await kc.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await kc.iopub_channel.get_msg(timeout=0.05)
                return
            except Empty:
                continue
        if not await km.is_alive():
            raise RuntimeError("the kernel died before it answered")
    raise RuntimeError(f"the kernel did not answer within {timeout:.0f} s")


def close_warm_kernel() -> None:
    kc = _WARM.pop("kc", None)
    km = _WARM.pop("km", None)
    if kc is not None:
        kc.stop_channels()
    if km is not None:
        import shutil

        from jupyter_core.utils import run_sync

        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already gone
            pass
        finally:
            shutil.rmtree(_WARM.pop("folder", ""), ignore_errors=True)


WARM_ENGINE = "gba-warm-kernel"


@functools.cache  # once per process
def _register_warm_engine() -> None:
    """A papermill engine (papermill's plug-in point) that runs a notebook on a kernel client it is handed.

    papermill's own ``nbclient`` engine accepts a running kernel manager but always connects a new client; this one
    differs only in reusing the warm kernel's client (``kc=``). Everything else (parameters, cell errors, output
    notebook) is papermill's.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, logger, papermill_engines

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, kc=None, **kwargs):
            for unused in ("input_path", "timeout", "startup_timeout"):
                kwargs.pop(unused, None)
            client = PapermillNotebookClient(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                                             kernel_name=kernel_name, log=logger, log_output=log_output,
                                             stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
            client.kc = kc  # nbclient connects a client only when it has none
            return client.execute()

    papermill_engines.register(WARM_ENGINE, WarmKernelEngine)


def execute(job: Job, executed: Path, reuse_kernel: bool = False) -> nbformat.NotebookNode:
    """Run one notebook with papermill; raise NotebookFailed naming the cell and parameters."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = paths.NOTEBOOKS / f"{job.notebook}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    params = dict(job.params)
    if reuse_kernel:
        _register_warm_engine()
        km, kc = warm_kernel()
        kernel = {"km": km, "kc": kc, "engine_name": WARM_ENGINE}
    else:
        kernel = {"kernel_manager_class": kernel_manager_class()}
    try:
        papermill.execute_notebook(
            str(source), str(executed), parameters=params, kernel_name="python3", progress_bar=False,
            log_output=False, cwd=str(paths.NOTEBOOKS), request_save_on_cell_execute=False, **kernel,
        )
    except PapermillExecutionError as exc:
        raise NotebookFailed(job.notebook, params, exc.cell_index, f"{exc.ename}: {exc.evalue}", paths.relative(executed)) from None
    except Exception as exc:  # kernel died, timeout, ...
        if reuse_kernel:
            close_warm_kernel()  # start afresh for the next notebook
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
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600 files; pages are for reading
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_job(job: Job, site: str, jobs_in_site: tuple[Job, ...] = (), action: str = "run", reason: str = "",
            folders: tuple[str, str] | None = None, reuse_kernel: bool = False) -> Result:
    """Execute (or reuse the cached run of) one job and render its page; runs inside a worker process.

    ``folders`` carries the caller's notebook and build folders to workers (other processes, or other machines).
    """
    from .html import render_page

    if folders:
        paths.NOTEBOOKS, paths.BUILD = Path(folders[0]), Path(folders[1])

    os.environ.update(kernel_env())
    start = time.perf_counter()
    executed = paths.BUILD / "executed" / job.out_dir / f"{job.slug}.ipynb"
    cache.reset()
    inputs = cache.snapshot(job)
    try:
        if action == "render":
            nb = cache.merge_outputs(nbformat.read(paths.NOTEBOOKS / f"{job.notebook}.ipynb", as_version=4), nbformat.read(executed, as_version=4))
        else:
            nb = execute(job, executed, reuse_kernel)
        html, target = render_page(nb, job, Path(site), jobs_in_site)
        page = html.encode("utf-8")
        atomic_write(target, page)
        cache.record(job, inputs, page)
        return Result(job, True, time.perf_counter() - start, paths.relative(target), len(page), action=action, reason=reason)
    except NotebookFailed as exc:
        cache.manifest_path(job.out_dir, job.slug).unlink(missing_ok=True)
        return Result(job, False, time.perf_counter() - start, error=exc.error + (f" (cell {exc.cell_index})" if exc.cell_index is not None else ""),
                      executed_path=exc.executed_path, action=action, reason=reason)
    except Exception as exc:  # rendering or writing failed: report it like a notebook failure
        return Result(job, False, time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}",
                      executed_path=paths.relative(executed) if executed.exists() else None)


def build(notebooks=None, langs=LANGS, params: dict | None = None, jobs: int | None = None, site: str | Path | None = None,
          show_code: bool = False, progress: bool = True, city_profiles: bool = False, matrix: dict | None = None,
          force: bool = False, executor: cf.Executor | None = None, isolated: bool = False) -> Summary:
    """Validate the data, run every job whose inputs changed, render pages, write the index. Returns a Summary.

    ``executor`` may be any :class:`concurrent.futures.Executor` (a Dask ``client.get_executor()`` runs the same
    jobs on a cluster); by default jobs run in ``jobs`` worker processes. Each worker keeps one warm kernel and
    resets it between notebooks; ``isolated=True`` starts a fresh kernel for every notebook instead.
    """
    start = time.perf_counter()
    site = Path(site) if site else paths.REPORTS
    given = dict(params or {})
    plan_jobs = plan(notebooks, langs, given, show_code, city_profiles, matrix)
    cache.reset()
    decisions = {job: cache.decide(job, site, force) for job in plan_jobs}
    summary = Summary()
    todo = [j for j in plan_jobs if decisions[j][0] != "skip"]
    if not todo and (site / "index.html").exists():
        for job in plan_jobs:  # nothing changed: no validation, no kernel, no rendering
            page = site / job.out_dir / f"{job.slug}.html"
            summary.results.append(Result(job, True, 0.0, paths.relative(page), page.stat().st_size, action="skip", reason="up to date"))
        summary.seconds = time.perf_counter() - start
        return summary

    from .data import load
    from .html import write_index

    data_dirs = {dict(j.params).get("data_dir") for j in plan_jobs}
    for d in sorted(data_dirs, key=str):  # a broken table stops the build here, before any notebook runs
        ds = load(dict(plan_jobs[0].params).get("edition", 2022), d)
    for job in plan_jobs:
        if decisions[job][0] == "skip":
            page = site / job.out_dir / f"{job.slug}.html"
            summary.results.append(Result(job, True, 0.0, paths.relative(page), page.stat().st_size, action="skip", reason="up to date"))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="notebooks", unit="nb", file=sys.stderr, dynamic_ncols=True)
    all_jobs = tuple(plan_jobs)
    folders = (str(paths.NOTEBOOKS), str(paths.BUILD))
    # warm kernels live only in worker processes the build owns (even with one job), never in the caller's process
    reuse = not isolated and executor is None
    import threading

    from .html import site_characters, write_assets

    asset_errors: list[BaseException] = []

    def assets():
        try:
            write_assets(site, ds.directory, site_characters(data_dirs))
        except BaseException as exc:  # re-raised in the main thread below
            asset_errors.append(exc)

    font = threading.Thread(target=assets, daemon=False)  # not a daemon: an interrupted build still finishes its writes
    font.start()  # the web font and the downloads are made in the main process while the kernels work
    interrupted = False
    own_pool = None
    try:
        if executor is None and workers == 1 and not reuse:
            for job in todo:
                summary.results.append(run_job(job, str(site), all_jobs, *decisions[job], folders, reuse))
                if bar:
                    bar.update()
        else:
            if executor is None:
                import multiprocessing

                own_pool = executor = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
            futures = [executor.submit(run_job, job, str(site), all_jobs, *decisions[job], folders, reuse) for job in todo]
            for fut in cf.as_completed(futures):
                summary.results.append(fut.result())
                if bar:
                    bar.update()
            if own_pool:
                own_pool.shutdown()
    except KeyboardInterrupt:
        interrupted = True
        if own_pool:
            for proc in list(getattr(own_pool, "_processes", {}).values()):
                proc.terminate()  # their kernels notice their parent is gone and exit
            own_pool.shutdown(wait=False, cancel_futures=True)
    if bar:
        bar.close()
    if interrupted:
        done = {r.job for r in summary.results}
        summary.results += [Result(j, False, 0.0, error="interrupted before it finished; its previous page, if any, is unchanged")
                            for j in plan_jobs if j not in done]
    order = {j: i for i, j in enumerate(plan_jobs)}
    summary.results.sort(key=lambda r: order[r.job])
    font.join()  # also when interrupted: a half-written download would otherwise leave a temporary file behind
    summary.seconds = time.perf_counter() - start
    if interrupted:
        raise BuildInterrupted(summary)
    if asset_errors:
        raise asset_errors[0]
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
