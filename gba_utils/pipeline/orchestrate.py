"""The build: plan, check, run every page whose inputs changed, and publish the site as a whole; and ``refresh``.

``build()`` is the Python API; ``gba-report build`` (:mod:`gba_utils.cli`) is a thin wrapper. The order of work:

1. plan the pages (:mod:`.plan`): those asked for, and every page already in the site (a site is always whole);
   every parameter is checked first;
2. decide per page whether to run, re-render or skip it (:mod:`.cache`); with nothing to do, stop here;
3. preflight, before any kernel starts: the output folder can be written, and every file a notebook reads (the tables
   and the geometry) is validated in one round that lists every problem;
4. execute each page in a worker process with a warm kernel (:mod:`.kernels`) and render it (:mod:`.pages`) into a
   staging folder, while the main process makes the shared assets (:mod:`.assets`);
5. publish (:mod:`.publish`): only a complete, consistent staging folder replaces what readers see, in one step. A page
   that failed keeps its last good version when that version shows the same data; otherwise the previous site stays
   entirely. Executed notebooks are kept under ``build/executed/`` for debugging.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace

import nbformat

from .. import languages, paths
from ..contents import ALL_NOTEBOOKS
from ..data import data_version, load
from ..errors import BuildInterrupted, NotebookFailed, ParameterError
from ..files import atomic_write, sha
from ..research.params import check
from . import cache, exhibits, pdf, search
from .assets import downloads_inputs, site_characters, static_inputs, write_assets, write_scripts, write_stylesheet
from .pages import render_page, write_index
from .plan import Job, declared_parameters, plan, read_notebook
from .publish import SiteStore, check_site, write_manifest

#: Up to this many pages that only need re-rendering are rendered in the build's own process: a worker's start
#: (a new interpreter and the rendering imports, about 1 s) costs more than rendering them one after another.
INLINE_RENDERS = 6

#: How each page of a build ended, as the summary shows it.
STATUS = {
    "run": "ran",
    "render": "rendered",
    "skip": "cached",
    "failed": "FAILED",
    "kept": "kept",
    "interrupted": "interrupted",
    "not started": "not started",
    "done": "done",
}


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
    page_sha: str = ""
    files: tuple[str, ...] = ()  # what the page brings beside it (figures to take away), by path in the site
    state: str = ""  # "" (the action says it), failed, kept, interrupted, not started, done (finished, not published)

    @property
    def status(self) -> str:
        return STATUS[self.state or (self.action if self.ok else "failed")]


@dataclass
class Summary:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0
    site: str = ""
    published: str = ""  # the version readers now see ("" when the site was left as it was)
    unchanged: str = ""  # why the site was left as it was
    dropped: list[str] = field(default_factory=list)  # earlier pages whose parameters the data no longer allow
    notes: list[str] = field(default_factory=list)  # the PDF editions: made, carried, or why not

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results) and not self.unchanged

    def as_noop(self) -> str:
        """What :meth:`render` would print if the same build ran again with nothing changed (the no-op shortcut
        of :mod:`.fastpath` prints this)."""
        again = [replace(r, seconds=0.0, action="skip", reason="up to date", state="") for r in self.results]
        return Summary(results=again, site=self.site, dropped=[]).render()

    def render(self) -> str:
        lines = [f"{'notebook':<20} {'params':<40} {'status':<11} {'time':>6} {'size':>7}  why"]
        for r in self.results:
            params = ",".join(f"{k}={v}" for k, v in r.job.params if (k, v) in r.job.named_params or k == "lang")
            size = f"{r.html_bytes / 1024:.0f} KB" if r.html_bytes else "-"
            lines.append(f"{r.job.notebook:<20} {params:<40} {r.status:<11} {r.seconds:5.1f}s {size:>7}  {r.reason}")
        failed = [r for r in self.results if not r.ok]
        ran = sum(1 for r in self.results if r.ok and r.action == "run")
        lines.append(
            f"{len(self.results) - len(failed)} pages ok ({ran} executed, {len(self.results) - len(failed) - ran} from cache), "
            f"{len(failed)} failed in {self.seconds:.1f}s"
        )
        for r in failed:
            lines.append(f"{r.status} {r.job.notebook} {dict(r.job.params)}: {r.error}")
            if r.executed_path:
                lines.append(f"  executed notebook kept at {r.executed_path}")
        for page in self.dropped:
            lines.append(f"dropped {page}")
        lines += self.notes
        if self.published:
            lines.append(f"site published: {self.site} -> {self.published}")
        elif self.unchanged:
            lines.append(f"site unchanged: {self.site} still shows the previous version ({self.unchanged})")
        else:
            lines.append(f"site up to date: {self.site}")
        return "\n".join(lines)


def run_job(
    job: Job,
    stage: str,
    site: frozenset[str],
    action: str = "run",
    reason: str = "",
    folders: tuple[str, str] | None = None,
    reuse_kernel: bool = False,
    hashes_current: bool = False,
) -> Result:
    """Execute (or reuse the cached run of) one job and render its page into ``stage``; runs inside a worker process.

    ``site`` holds the page paths of the whole site (navigation links only pages that exist). ``folders`` carries the
    caller's notebook and build folders to workers (other processes, or other machines). ``hashes_current``: the
    input hashes this process holds were taken by this build (it runs the job itself), so they are not taken again.
    """
    if folders:
        paths.NOTEBOOKS, paths.BUILD = Path(folders[0]), Path(folders[1])

    if _STARTED is not None:
        _STARTED.put(job.page)
    start = time.perf_counter()
    executed = cache.executed_path(job)
    if not hashes_current:  # a worker may outlive a build (a Dask cluster's): what it hashed then may have changed
        cache.reset()
    try:
        inputs = cache.snapshot(job, site)
        if action == "render":
            nb = cache.merge_outputs(read_notebook(paths.NOTEBOOKS / f"{job.notebook}.ipynb"), read_notebook(executed))
        else:
            from .kernels import execute, kernel_env  # jupyter_client: only a page that runs needs it

            os.environ.update(kernel_env())
            nb = execute(job, executed, reuse_kernel)
        html, title, files = render_page(nb, job, set(site), cache.cells_path(job))
        page = html.encode("utf-8")
        for rel, data in sorted(files.items()):  # the figures to take away, beside the page
            atomic_write(Path(stage) / rel, data)
        atomic_write(Path(stage) / job.page, page)
        if search.indexed(job):
            search.documents(Path(stage), job.page, page)  # read here, in parallel; the build only collects them
        cache.record(job, inputs, page, title, time.perf_counter() - start if action == "run" else None)
        return Result(
            job,
            True,
            time.perf_counter() - start,
            job.page,
            len(page),
            action=action,
            reason=reason,
            title=title,
            page_sha=sha(page),
            files=tuple(sorted(files)),
        )
    except NotebookFailed as exc:
        cache.manifest_path(job).unlink(missing_ok=True)
        cell = f" (cell {exc.cell_index})" if exc.cell_index is not None else ""
        return Result(
            job,
            False,
            time.perf_counter() - start,
            error=exc.error + cell,
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
            action=action,
            reason=reason,
        )


# ------------------------------------------------------------------ the pages of a site


def _one_data_dir(jobs: list[Job]) -> str | None:
    found = {dict(j.params).get("data_dir") for j in jobs}
    if len(found) > 1:
        raise ParameterError(
            "data_dir", sorted(map(str, found)), "one data folder per site (every page of a site shows the same data)"
        )
    return found.pop() if found else None


def carried_jobs(manifest: dict, requested: list[Job], data_dir: str | None) -> tuple[list[Job], list[str]]:
    """The pages of the current site that were not asked for, built from this build's data folder (a site stays whole).

    Returns them and the pages dropped because the data no longer allow their parameters (a city removed, say).
    """
    asked = {j.page for j in requested}
    carried, dropped = [], []
    for page, record in sorted(manifest.get("pages", {}).items()):
        if page in asked:
            continue
        job = Job.from_json(record)
        params = {**dict(job.params), "data_dir": data_dir}
        path = paths.NOTEBOOKS / f"{job.notebook}.ipynb"
        try:
            checked = check(params, notebook=job.notebook, declared=set(declared_parameters(path)) if path.exists() else None)
        except (ParameterError, OSError) as exc:
            dropped.append(f"{page}: {exc}")
            continue
        if not path.exists():
            dropped.append(f"{page}: its notebook {job.notebook} no longer exists")
            continue
        carried.append(replace(job, params=tuple(sorted(checked.items()))))
    return carried, dropped


def site_inputs() -> str:
    """What shapes the site beyond its pages (index, stylesheet, scripts, search index, language records): a site whose
    pages are all current is rebuilt when this changes."""
    return sha(
        json.dumps(
            [cache.render_inputs({"cells": []}, False), cache.package_versions(), static_inputs()], sort_keys=True
        ).encode()
    )


def _downloads_digest() -> str:
    return sha(json.dumps(downloads_inputs(), sort_keys=True).encode())


# ------------------------------------------------------------------ workers


#: In a worker process: where it says which page it starts (the build reports pages that never started as such).
_STARTED = None


def _record_worker(pids, started, build_pid: int | None = None) -> None:
    """Initializer of every worker process: tell the build this worker's pid (it stops them when interrupted), and
    watch the build: a build killed outright (SIGKILL) cannot stop its workers, so a worker whose build is gone
    leaves at once; its kernels notice their parent is gone and leave too (see kernel_launcher). The build passes its
    own pid: a build killed while this worker was still starting is gone already, and the parent this worker would
    read now is the one that adopted it (watching that, it lived on)."""
    global _STARTED
    pids.put(os.getpid())
    _STARTED = started
    parent = build_pid or os.getppid()
    threading.Thread(target=_leave_with, args=(parent,), daemon=True, name="gba-parent-watch").start()


def _leave_with(parent: int, every: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _started_pages(started) -> set[str]:
    found = set()
    while started is not None and not started.empty():
        found.add(started.get())
    return found


def _stop_workers(pids) -> None:
    while not pids.empty():
        try:
            os.kill(pids.get(), signal.SIGTERM)  # their kernels notice that their parent is gone and exit
        except ProcessLookupError:
            pass


#: Environment variable: ``1`` keeps a build's worker processes, and their warm kernels, for the next build of this
#: process (see :func:`_workers`). The test suite sets it; a researcher calling ``build()`` again and again may too.
KEEP_WORKERS = "GBA_KEEP_WORKERS"
#: How many pools (one per number of workers and set of inputs) are kept at most; the oldest is shut down first.
KEEP_POOLS = 2
#: Pools kept between builds: key (see :func:`_pool_key`) -> (executor, pids queue, started queue).
_KEPT: dict = {}


def _new_pool(workers: int):
    context = multiprocessing.get_context("spawn")
    pids, started = context.SimpleQueue(), context.SimpleQueue()
    pool = cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_record_worker, initargs=(pids, started, os.getpid())
    )
    return pool, pids, started


def _pool_key(workers: int) -> str:
    """Everything a worker or its kernel took in when it started: a kept pool serves a build only when all of it is as
    it was. The number of workers; the interpreter; every environment variable (except the name of the running test,
    which pytest changes for every test); and the hashes of every module of this package, of the language files and of
    what shapes the rendering (the workers and their kernels imported the code as it was)."""
    env = sorted((k, v) for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST")
    code = cache.code_inputs()
    return sha(json.dumps([workers, sys.executable, env, code, site_inputs()], sort_keys=True).encode())


def _workers(workers: int):
    """Worker processes for a build: ``(executor, pids, started, kept)``.

    Normally a new pool, shut down when the build ends. With ``GBA_KEEP_WORKERS=1`` a pool whose inputs
    (:func:`_pool_key`) are unchanged is taken from an earlier build of this process, kernels and all: starting two
    workers and their kernels and importing the libraries there costs a build of a page or two more than the pages
    themselves. Each notebook still runs in a kernel reset to a clean namespace (as it does between the pages of one
    build), and a worker takes the build's folders with every job.
    """
    if os.environ.get(KEEP_WORKERS) != "1":
        return (*_new_pool(workers), False)
    key = _pool_key(workers)
    kept = _KEPT.pop(key, None)
    if kept is not None and getattr(kept[0], "_broken", False):  # a worker died: this pool takes no more work
        _shut(kept)
        kept = None
    if kept is None:
        while len(_KEPT) >= KEEP_POOLS:
            _shut(_KEPT.pop(next(iter(_KEPT))))
        kept = _new_pool(workers)
    _started_pages(kept[2])  # what an earlier build started is no news for this one
    _KEPT[key] = kept  # the most recently used last
    return (*kept, True)


def _shut(kept) -> None:
    pool, pids, _ = kept
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    except Exception:  # a broken pool
        _stop_workers(pids)


def _forget(pool) -> None:
    """A kept pool that an interrupted or failed build stopped is not kept any more."""
    for key, kept in list(_KEPT.items()):
        if kept[0] is pool:
            del _KEPT[key]


def close_kept_workers() -> None:
    """Shut down every kept pool (their kernels with them); also run when the process exits."""
    while _KEPT:
        _shut(_KEPT.pop(next(iter(_KEPT))))


atexit.register(close_kept_workers)


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
    pdfs: bool = True,
) -> Summary:
    """Plan, check, run every page whose inputs changed and publish the whole site. Returns a Summary.

    ``executor`` may be any :class:`concurrent.futures.Executor` (a Dask ``client.get_executor()`` runs the same
    jobs on a cluster); by default jobs run in ``jobs`` worker processes. Each worker keeps one warm kernel and
    resets it between notebooks; ``isolated=True`` starts a fresh kernel for every notebook instead. ``pdfs=False``
    leaves the PDF editions out (the pages then link none): an author's edit is not held up by Chromium reprinting
    them, and a later build with them takes an unchanged edition from the build folder's store of prints.
    Raises :class:`~gba_utils.errors.InputError` (bad data, parameters or output folder) before any kernel starts, and
    :class:`~gba_utils.errors.BuildInterrupted` after an interrupt; in both cases the site is unchanged.
    """
    start = time.perf_counter()
    site = Path(site) if site else paths.REPORTS
    store = SiteStore(site)
    requested = plan(notebooks, langs, dict(params or {}), show_code, city_profiles, matrix)
    data_dir = _one_data_dir(requested)
    manifest = store.manifest()
    carried, dropped = carried_jobs(manifest, requested, data_dir)
    all_jobs = requested + carried
    pages = frozenset(j.page for j in all_jobs)
    editions = pdf.planned(pages) if pdfs else {}  # each language's PDF edition, when its chapters and Chromium are here
    linked = pages | frozenset(editions.values())  # what pages may link to: the front pages link the PDFs
    current = store.current()
    cache.reset()
    decisions = {job: cache.decide(job, current, set(linked), force) for job in all_jobs}
    summary = Summary(site=paths.relative(site, follow_links=False), dropped=dropped)
    if not editions and pdf.wanted(pages):
        summary.notes.append(f"PDF editions not made: {pdf.missing() if pdfs else 'left out on request (--no-pdf)'}")
    version = data_version(paths.data_dir(data_dir))
    recorded = manifest.get("pages", {})

    def skipped(job: Job) -> Result:
        size = (current / job.page).stat().st_size if current else 0
        return Result(
            job,
            True,
            0.0,
            job.page,
            size,
            action="skip",
            reason="up to date",
            title=recorded.get(job.page, {}).get("title") or cache.recorded_title(job),
            page_sha=recorded.get(job.page, {}).get("sha", ""),
            files=tuple(recorded.get(job.page, {}).get("files", ())),
        )

    todo = [j for j in all_jobs if decisions[j][0] != "skip"]
    if (
        not todo
        and current
        and not dropped
        and set(recorded) == set(pages)
        and manifest.get("data_version") == version
        and manifest.get("inputs") == site_inputs()
        and set(manifest.get("pdfs", {})) == set(editions.values())
    ):
        summary.results = [skipped(job) for job in all_jobs]  # nothing changed: no validation, no kernel, nothing written
        summary.seconds = time.perf_counter() - start
        return summary

    store.preflight()  # the output folder can be written ...
    same_data = manifest.get("data_version") == version
    edition = dict(requested[0].params).get("edition", 2022)
    if current and same_data and all(decisions[j][0] != "run" for j in todo):
        # only re-rendering, from data the published site was validated with (its manifest holds their version): the
        # pages need no kernel and the site's index and downloads only the data's version and folder
        ds = SimpleNamespace(edition=edition, version=version, directory=paths.data_dir(data_dir))
    else:
        ds = load(edition, data_dir)  # ... and every file a notebook reads is valid
    store.lock()
    stage = store.stage()
    published = False
    try:
        for job in all_jobs:
            files = [job.page, *recorded.get(job.page, {}).get("files", ())]
            if decisions[job][0] == "skip" and not all(store.carry(rel, stage) for rel in files):
                decisions[job] = ("render", "page missing")
        todo = [j for j in all_jobs if decisions[j][0] != "skip"]
        summary.results += [skipped(job) for job in all_jobs if decisions[job][0] == "skip"]
        # the downloads are carried over only when neither the data nor the code that writes them changed
        # what the downloads are made with, apart from the data: a template edit leaves them as they are
        carry_downloads = same_data and manifest.get("downloads") == _downloads_digest()
        interrupted = _run(todo, decisions, stage, linked, summary, jobs, progress, executor, isolated, ds, data_dir, store, same_data, carry_downloads)  # fmt: skip
        order = {j: i for i, j in enumerate(all_jobs)}
        summary.results.sort(key=lambda r: order[r.job])
        summary.seconds = time.perf_counter() - start
        if interrupted:
            summary.unchanged = "the build was interrupted"
            raise BuildInterrupted(summary)
        for r in summary.results:
            if not r.ok:
                old = recorded.get(r.job.page, {})
                if same_data and all(store.carry(rel, stage) for rel in [r.job.page, *old.get("files", ())]):
                    r.state = "kept"
                    r.title, r.page_sha, r.files = old.get("title", ""), old.get("sha", ""), tuple(old.get("files", ()))
                else:
                    summary.unchanged = (
                        f"{r.job.page} failed and has no earlier version that shows the same data, so a new "
                        "site would be incomplete"
                    )
        if summary.unchanged:
            return summary
        write_stylesheet(stage)
        write_scripts(stage)
        search.write_index(stage, [r.job.page for r in summary.results if search.indexed(r.job)])
        records = [{"job": r.job, "title": r.title} for r in summary.results]
        atomic_write(stage / "index.html", write_index(ds, records, editions))
        try:  # printed from the staged pages, so the PDFs are part of the version they belong to
            made = pdf.write_editions(stage, editions, manifest.get("pdfs", {}), lambda rel: store.carry(rel, stage))
        except pdf.PdfFailed as exc:
            summary.unchanged = f"{exc} (GBA_CHROMIUM=none builds the site without PDF editions)"
            return summary
        summary.notes += made.lines
        write_manifest(
            stage,
            {
                "data_version": version,
                "edition": ds.edition,
                "inputs": site_inputs(),
                "downloads": _downloads_digest(),
                "pdfs": made.records,
                "pages": {
                    r.job.page: {**r.job.to_json(), "title": r.title, "sha": r.page_sha, "files": list(r.files)}
                    for r in summary.results
                },
            },
        )
        problems = check_site(stage)
        if problems:
            summary.unchanged = "the new site failed its consistency check: " + "; ".join(problems[:5])
            return summary
        summary.published = paths.relative(store.publish(stage))
        published = True
        summary.seconds = time.perf_counter() - start
        return summary
    finally:
        if not published:
            store.discard(stage)
        store.unlock()


def _run(todo, decisions, stage, pages, summary, jobs, progress, executor, isolated, ds, data_dir, store, same_data, carry_downloads) -> bool:  # fmt: skip
    """Run the jobs (in worker processes) while the assets are made; True when the build was interrupted.
    ``same_data``: the published site shows the same data; ``carry_downloads``: and its downloads can be carried over."""
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="notebooks", unit="nb", file=sys.stderr, dynamic_ncols=True)
    folders = (str(paths.NOTEBOOKS), str(paths.BUILD))
    # warm kernels live only in worker processes the build owns (even with one job), never in the caller's process
    reuse = not isolated and executor is None
    asset_errors: list[BaseException] = []
    carry = (lambda rel: store.carry(rel, stage)) if same_data else None

    def assets():
        try:
            write_assets(stage, ds.directory, site_characters({data_dir}), carry, carry_downloads)
        except BaseException as exc:  # re-raised in the main thread below
            asset_errors.append(exc)

    font = threading.Thread(target=assets, daemon=False)  # not a daemon: an interrupted build still finishes its writes
    font.start()  # the web font and the downloads are made in the main process while the kernels work
    own_pool = pids = started = None
    kept = False
    futures: dict = {}
    running: Job | None = None
    try:
        # a few pages to re-render only (a markdown edit): in this process, sparing a worker's start-up
        inline = executor is None and len(todo) <= INLINE_RENDERS and all(decisions[j][0] == "render" for j in todo)
        if inline or (executor is None and workers == 1 and not reuse):
            for job in todo:
                running = job
                summary.results.append(run_job(job, str(stage), pages, *decisions[job], folders, reuse and not inline, True))
                running = None
                if bar:
                    bar.update()
        else:
            if executor is None:
                own_pool, pids, started, kept = _workers(workers)
                executor = own_pool
            # the longest first, by the time each took when it last ran here (the audit's sensitivity table takes
            # most of a core for a while): the others fill in around it instead of waiting for it at the end
            longest_first = sorted(todo, key=lambda j: -cache.recorded_seconds(j) if decisions[j][0] == "run" else 0.0)
            futures = {
                executor.submit(run_job, job, str(stage), pages, *decisions[job], folders, reuse): job for job in longest_first
            }
            for fut in cf.as_completed(futures):
                summary.results.append(fut.result())
                if bar:
                    bar.update()
            if own_pool and not kept:
                own_pool.shutdown()
    except BaseException as exc:
        if own_pool:
            _forget(own_pool)
        if not isinstance(exc, KeyboardInterrupt):
            if own_pool:
                _stop_workers(pids)
                own_pool.shutdown(wait=False, cancel_futures=True)
            font.join()  # the staging folder is removed after this: nothing may still be writing into it
            raise
        begun = _started_pages(started)
        states = {job: ("interrupted" if job.page in begun else "not started") for fut, job in futures.items() if not fut.done()}
        if running is not None:
            states[running] = "interrupted"
        if own_pool:
            _stop_workers(pids)
            own_pool.shutdown(wait=False, cancel_futures=True)
        font.join()  # a half-written download would otherwise leave a temporary file behind
        if bar:
            bar.close()
        done = {r.job for r in summary.results}
        for r in summary.results:
            r.state = "done" if r.ok else r.state
        summary.results += [
            Result(j, False, 0.0, error="the build was interrupted", state=states.get(j, "not started"))
            for j in todo
            if j not in done
        ]
        return True
    if bar:
        bar.close()
    font.join()
    if asset_errors:
        raise asset_errors[0]
    return False


def refresh(notebooks=None) -> list[str]:
    """Re-execute the committed notebooks in place with default parameters (their outputs are what nbval checks).

    The narrative's references (``[Figure 3](#fig:...)``, ``[Guangzhou](#fact:...)``) are rewritten with the current
    numbers and values, each language's cells from a run in that language, so the committed prose never goes stale.
    """
    from .kernels import execute, kernel_env

    os.environ.update(kernel_env())
    done = []
    for name in notebooks or ALL_NOTEBOOKS:
        path = paths.NOTEBOOKS / f"{name}.ipynb"
        defaults = check({}, notebook=name, declared=set(declared_parameters(path)))
        runs = {}
        for code in languages.LANGS:
            job = Job(name, tuple(sorted({**defaults, "lang": code}.items())), "refresh")
            runs[code] = execute(job, paths.BUILD / "refresh" / code / f"{name}.ipynb")
        nb = runs[defaults["lang"]]
        for code, run in runs.items():
            refs = exhibits.references(run)
            for cell in nb.cells:
                if cell.cell_type == "markdown" and languages.get(code).tag in cell.metadata.get("tags", []):
                    cell.source = _sync(cell.source, refs, path)
        # In JupyterLab the narrative of the committed language shows and the other language's is collapsed (a bar
        # that opens on a click): a researcher reads one language at a time, and nothing is hidden for good.
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                other = languages.get(defaults["lang"]).tag not in cell.metadata.get("tags", [])
                jupyter = {k: v for k, v in cell.metadata.get("jupyter", {}).items() if k != "source_hidden"}
                cell.metadata["jupyter"] = jupyter | ({"source_hidden": True} if other else {})
                if not cell.metadata["jupyter"]:
                    del cell.metadata["jupyter"]
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


def _sync(source: str, refs: dict, path: Path) -> str:
    def repl(m):
        text, kind, key = m.groups()
        ref = refs.get((kind, key))
        if ref is None and kind == "fact":
            raise exhibits.UnknownReference(
                f"{paths.relative(path)}: the narrative refers to the fact {key!r}, which no code cell states"
            )
        return f"[{ref['text'] if ref else text}](#{kind}:{key})"

    return exhibits.MD_REFERENCE.sub(repl, source)


__all__ = ["Result", "Summary", "build", "refresh"]
