"""Running notebooks: the kernel's environment, warm kernels, execution and the normalised result.

Execution is nbclient's public API on a notebook that papermill has parameterised (:func:`papermill.parameterize.
parameterize_notebook` injects the ``injected-parameters`` cell after the ``parameters`` cell, exactly as
``papermill.execute_notebook`` does). By default each worker process keeps one *warm* kernel with one connected client
and resets it between notebooks; ``isolated`` runs start a fresh kernel per notebook. Executed notebooks are normalised
(no timings, no papermill bookkeeping, fixed ids) so that the same inputs give the same bytes.
"""

from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from .. import paths
from ..errors import NotebookFailed
from .plan import Job

KERNEL = "python3"


def kernel_env() -> dict:
    """Environment for kernels: a 'python3' kernelspec pointing at *this* interpreter wins over any user one."""
    kdir = paths.BUILD / "jupyter" / "kernels" / KERNEL
    kdir.mkdir(parents=True, exist_ok=True)
    # no input history: a build should not write to ~/.ipython, and a warm kernel numbers every notebook from 1 again,
    # which IPython's history database would report as a clash
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "gba_utils.pipeline.kernel_launcher",  # ipykernel, leaving with its parent (see that module)
            "-f",
            "{connection_file}",
            "--IPKernelApp.log_level=CRITICAL",
            "--HistoryManager.enabled=False",
        ],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    target = kdir / "kernel.json"
    text = json.dumps(spec, indent=1)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    env = dict(os.environ)
    env["JUPYTER_PATH"] = str(paths.BUILD / "jupyter") + (os.pathsep + env["JUPYTER_PATH"] if env.get("JUPYTER_PATH") else "")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.setdefault("MPLBACKEND", "Agg")
    return env


class IPCKernelManager(AsyncKernelManager):
    """A kernel manager that talks to its kernel over IPC sockets in a private folder.

    TCP needs free ports, which concurrent kernels race for, and makes ipykernel warn on stderr about unencrypted
    traffic; Unix sockets in a fresh folder have neither problem.
    """

    def __init__(self, **kwargs):
        folder = Path(tempfile.mkdtemp(prefix="gba-kernel-"))
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", str(folder / uuid.uuid4().hex[:8]))
        super().__init__(**kwargs)
        self._ipc_folder = folder

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._ipc_folder, ignore_errors=True)


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


# ------------------------------------------------------------------ the warm kernel of a worker

#: The warm kernel of this worker process: started once, reset between notebooks.
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
    figure, matplotlib setting, pandas option and the execution counter are reset, and the working folder is the
    build's notebooks folder. The client stays connected too: a
    new client has to wait until the kernel's broadcast channel reaches it (``wait_for_ready``, 0.2 to 0.4 s each
    time). Tests check that pages built this way are byte-identical to pages built with a fresh kernel each.
    """
    km = _WARM.get("km")
    if km is None or not run_sync(km.is_alive)():
        close_warm_kernel()
        folder = Path(tempfile.mkdtemp(prefix="gba-kernel-"))
        km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc", ip=str(folder / "k"))
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
    # the working folder is the notebooks' of this build (the one the kernel started in, unless a kept worker serves
    # a build of another folder: see orchestrate._workers)
    reset = RESET + f"__import__('os').chdir({str(paths.NOTEBOOKS)!r})\n"
    reply = run_sync(kc.execute_interactive)(reset, silent=True, store_history=False, timeout=60, output_hook=lambda m: None)
    if reply["content"].get("status") != "ok":
        close_warm_kernel()
        raise RuntimeError("could not reset the warm kernel")
    return km, kc


async def _until_ready(km, kc, timeout: float = 60) -> None:
    """Wait until the kernel answers on its request channel *and* its broadcast channel reaches us.

    jupyter_client's ``wait_for_ready`` does the same with 0.2 s waits on the broadcast channel, then spends another
    0.2 s draining it; messages left there are harmless (every reader filters by request id), so this polls briefly.
    """
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
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already gone
            pass
        finally:
            shutil.rmtree(_WARM.pop("folder", ""), ignore_errors=True)


# ------------------------------------------------------------------ one notebook


def _failed_cell(nb) -> int | None:
    """Index of the first cell with an error output (execution stops there)."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return i
    return None


def execute(job: Job, executed: Path, reuse_kernel: bool = False) -> nbformat.NotebookNode:
    """Run one notebook; write the normalised result to ``executed``; raise NotebookFailed naming the cell and parameters."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.parameterize import parameterize_notebook

    source = paths.NOTEBOOKS / f"{job.notebook}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    params = dict(job.params)
    original = nbformat.read(source, as_version=4)
    nb = copy.deepcopy(original)
    nb.metadata["papermill"] = {}  # parameterize_notebook records the parameters there (normalise drops it)
    for cell in nb.cells:  # as papermill's own loader does: every cell has a list of tags
        cell.metadata.setdefault("tags", [])
    nb = parameterize_notebook(nb, params, kernel_name=KERNEL, language="python")
    if reuse_kernel:
        km, kc = warm_kernel()
        client = NotebookClient(nb, km=km, kernel_name=KERNEL, timeout=None, startup_timeout=60)
        client.kc = kc  # nbclient connects a client of its own only when it has none
    else:
        client = NotebookClient(
            nb,
            kernel_name=KERNEL,
            timeout=None,
            startup_timeout=60,
            kernel_manager_class=IPCKernelManager,
            resources={"metadata": {"path": str(paths.NOTEBOOKS)}},
        )
    failure = None
    try:
        client.execute()
    except CellExecutionError as exc:
        failure = NotebookFailed(job.notebook, params, _failed_cell(nb), f"{exc.ename}: {exc.evalue}", paths.relative(executed))
    except Exception as exc:  # kernel died, timeout, ...
        if reuse_kernel:
            close_warm_kernel()  # start afresh for the next notebook
        failure = NotebookFailed(job.notebook, params, None, f"{type(exc).__name__}: {exc}", paths.relative(executed))
    nb = normalise(nb, original.metadata)
    nbformat.write(nb, executed)
    if failure is not None:
        raise failure
    bad = problems_in_outputs(nb)
    if bad:
        raise NotebookFailed(job.notebook, params, None, "; ".join(bad), paths.relative(executed))
    return nb
