"""A researcher's session in JupyterLab, for real: open a chapter, Run All, change the parameters, Run All again.

One JupyterLab per module, started the way `make lab` starts it (:func:`gba_utils.lab.command`: this interpreter,
127.0.0.1, the kernelspec pointing at this interpreter) on a free port with a known token, serving a temporary copy of
``notebooks/`` (the notebooks find the data through ``gba_utils.paths``, not their folder). Jupyter's config, data and
runtime folders are temporary too, and news, update checks and the PyPI extension manager are off, so nothing leaves
the machine (the test fails on any request that is not to the server). Debian's Chromium drives it through
Playwright (no browser download); the test skips with a message where Chromium is missing. Screenshots of each step
go to the module's temporary folder (their paths are printed on failure).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from gba_utils import lab, paths
from gba_utils.pipeline.pdf import ARGS as CHROMIUM_ARGS

CHROMIUM = os.environ.get("GBA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip(
        "JupyterLab tests need Chromium: `apt-get install chromium` (Debian) or set GBA_CHROMIUM=/path/to/chromium",
        allow_module_level=True,
    )
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the Python package; no browser download)")

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

#: Chromium's command line: the one the PDF editions are printed with
ARGS = CHROMIUM_ARGS
#: Nothing from the internet: no news feed, no update check, an extension manager that never asks PyPI.
OFFLINE = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]
NOTEBOOK = "02_cases.ipynb"
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
EN_PARAMETERS = 'lang = "en"\ncity = "shenzhen"\ndomain = "all"\nedition = 2022\ndata_dir = None'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> list[str]:
    """Stop JupyterLab (SIGTERM to its process group: it shuts its kernels down); return what is left alive."""
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    _, alive = psutil.wait_procs(children, timeout=15)
    left = [f"{p.pid} {' '.join(p.cmdline()[:4])}" for p in alive if p.is_running()]
    for p in alive:
        p.kill()  # started by this test's server; never leave one behind, even when failing
    return left


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A running JupyterLab: (base URL, token, folder it serves, folder for screenshots)."""
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = home / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # no "would you like news?" toast over the notebook
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    token, port = secrets.token_hex(24), free_port()
    env = lab.environment(
        {
            **os.environ,
            "JUPYTER_TOKEN": token,
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "IPYTHONDIR": str(home / "ipython"),
        },
        folder=home / "jupyter-path",
    )
    log = open(home / "jupyterlab.log", "w")  # noqa: SIM115 - closed in the finaliser below
    proc = subprocess.Popen(
        lab.command(port, root_dir=root, extra=OFFLINE),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, "JupyterLab exited:\n" + (home / "jupyterlab.log").read_text()
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, "JupyterLab did not answer within 90 s:\n" + (home / "jupyterlab.log").read_text()
            time.sleep(0.2)
        yield base, token, root, home
    finally:
        left = stop(proc)
        log.close()
        assert not left, f"processes left behind by JupyterLab: {left}"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from gba_utils.research.theme import font_path

    fonts = tmp_path_factory.mktemp("fonts")  # DejaVu and the bundled Noto Sans SC, so screenshots show the Chinese
    dirs = "".join(f"<dir>{d}</dir>" for d in ("/usr/share/fonts/truetype/dejavu", str(font_path().parent)) if Path(d).exists())
    (fonts / "fonts.conf").write_text(f'<?xml version="1.0"?><fontconfig>{dirs}<cachedir>{fonts}/cache</cachedir></fontconfig>')
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, env={**os.environ, "FONTCONFIG_FILE": str(fonts / "fonts.conf")}
        )
        yield b
        b.close()


# ---------------------------------------------------------------------------------------------- reading the notebook
def prompts(page) -> list[str]:
    """The input prompt of every code cell, e.g. ``[3]:``, ``[*]:`` or ``[ ]:``."""
    return page.eval_on_selector_all(
        ".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt", "els => els.map(e => e.textContent.trim())"
    )


def mark_outputs(page) -> int:
    """Mark every output on the page as old; a cell that runs replaces its outputs. Returns how many were marked."""
    return page.evaluate(
        """() => { const outs = document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output');
                   outs.forEach(e => e.setAttribute('data-gba-old', '')); return outs.length; }"""
    )


def wait_for_run(page, counts: list[int], shots: Path, name: str, timeout: float = 180) -> None:
    """Wait until every code cell shows the execution count in ``counts`` (in order), no output from before the run
    is left (see :func:`mark_outputs`; the committed notebook already shows counts 1..n) and the kernel is idle."""
    expected = [f"[{n}]:" for n in counts]
    try:
        page.wait_for_function(
            """expected => {
                const got = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]
                    .map(e => e.textContent.trim());
                const idle = document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null;
                const old = document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output[data-gba-old]').length;
                return idle && old === 0 && JSON.stringify(got) === JSON.stringify(expected);
            }""",
            arg=expected,
            timeout=timeout * 1000,
            polling=250,
        )
    except playwright.Error:
        page.screenshot(path=str(shots / f"{name}-timeout.png"), full_page=True)
        raise AssertionError(f"{name}: expected prompts {expected}, got {prompts(page)}; screenshot in {shots}") from None


def run_all(page) -> None:
    """Run > Run All Cells, through the menu bar."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()


def captions(page) -> list[str]:
    return page.eval_on_selector_all(".jp-OutputArea-output .gba-caption", "els => els.map(e => e.textContent.trim())")


def table(page, caption: str):
    """The output table whose caption contains ``caption``."""
    return page.locator(".jp-OutputArea-output .gba-table-wrap").filter(has=page.locator(".gba-caption", has_text=caption))


def figure_image(page, code: str) -> str:
    """The PNG (as its data URL) shown by the code cell whose source contains ``code``."""
    cell = page.locator(".jp-CodeCell").filter(has=page.locator(".jp-InputArea", has_text=code))
    return cell.locator(".jp-OutputArea-output img").first.get_attribute("src")


def source(cell) -> str:
    """The text in a cell's editor (CodeMirror 6 draws one ``.cm-line`` per line)."""
    return cell.locator(".cm-content").evaluate("el => [...el.querySelectorAll('.cm-line')].map(l => l.textContent).join('\\n')")


def shoot(locator, path: Path) -> None:
    """A screenshot of one element, scrolled into view and given time to paint (cells off screen are not drawn)."""
    locator.scroll_into_view_if_needed()
    locator.page.wait_for_timeout(300)
    locator.screenshot(path=str(path))


def errors_shown(page) -> list[str]:
    return page.eval_on_selector_all(STDERR, "els => els.map(e => e.textContent)")


# ---------------------------------------------------------------------------------------------- the session
def test_run_all_then_change_the_parameters_and_run_all_again(jupyterlab, browser, ds):
    base, token, root, shots = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    outside, page_errors = [], []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None)
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    code = [c for c in json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    code_cells = len(code)
    (parameters,) = [i for i, c in enumerate(code) if "parameters" in c["metadata"].get("tags", [])]
    shenzhen = int((ds.cases["city_code"] == "shenzhen").sum())
    assert 0 < shenzhen < len(ds.cases)

    page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
    # the kernel connected and idle: before the session has its kernel the indicator also reads idle ("No Kernel"), and
    # Run All then opens the Select Kernel dialog instead of running (seen on a loaded machine)
    page.wait_for_function(
        """() => {
            const name = document.querySelector('.jp-NotebookPanel .jp-KernelName');
            const idle = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status="idle"]');
            return idle !== null && name !== null && /ipykernel/.test(name.textContent);
        }""",
        timeout=120_000,
        polling=250,
    )
    page.wait_for_function(f"document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell').length === {code_cells}")
    page.screenshot(path=str(shots / "1-opened.png"))

    # 1. Run All with the committed parameters (Chinese, every city): a fresh kernel numbers the cells 1..n
    assert prompts(page) == [f"[{n}]:" for n in range(1, code_cells + 1)], "the committed notebook shows its run"
    assert mark_outputs(page) > code_cells
    run_all(page)
    wait_for_run(page, list(range(1, code_cells + 1)), shots, "2-run-all")
    shoot(page.locator(".jp-CodeCell").filter(has=page.locator(".jp-InputArea", has_text="F.city_map")), shots / "2-map.png")
    assert errors_shown(page) == []
    zh = captions(page)
    assert zh and all(c.startswith(("表", "图")) for c in zh), zh
    assert table(page, "案例目录").locator("tbody tr").count() == len(ds.cases)
    assert page.locator(".jp-OutputArea-output .gba-filter").count() == 0
    zh_map = figure_image(page, "F.city_map")

    # 2. The parameters cell, through the editor (CodeMirror 6): click in, select all, type the new text
    cell = page.locator(".jp-NotebookPanel .jp-CodeCell").nth(parameters)
    assert source(cell).startswith("# Parameters")
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(EN_PARAMETERS)
    page.keyboard.press("Escape")
    assert source(cell) == EN_PARAMETERS
    page.screenshot(path=str(shots / "3-edited.png"))

    # 3. Run All again: the same kernel goes on counting, and every title and table is now in English for Shenzhen
    assert mark_outputs(page) > code_cells
    run_all(page)
    wait_for_run(page, list(range(code_cells + 1, 2 * code_cells + 1)), shots, "4-run-all-again")
    shoot(page.locator(".jp-NotebookPanel .jp-CodeCell").nth(parameters + 1), shots / "4-run-all-again-setup.png")
    assert errors_shown(page) == []
    en = captions(page)
    assert len(en) == len(zh) and all(c.startswith(("Table", "Figure")) for c in en), en
    assert "Filtered view" in page.locator(".jp-OutputArea-output .gba-filter").first.text_content()
    catalogue = table(page, "Case catalogue")
    assert "Shenzhen" in catalogue.locator(".gba-caption").text_content()
    assert catalogue.locator("tbody tr").count() == shenzhen
    assert "Case catalogue" in catalogue.locator(".gba-caption").text_content()
    assert figure_image(page, "F.city_map") != zh_map, "the map should outline Shenzhen"
    shoot(catalogue, shots / "4-run-all-again-catalogue.png")
    shoot(page.locator(".jp-CodeCell").filter(has=page.locator(".jp-InputArea", has_text="F.city_map")), shots / "4-map.png")

    # 4. The check above can fail: a misspelt city stops the run at the setup cell, with the error in the notebook
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(EN_PARAMETERS.replace("shenzhen", "shenzen"))
    page.keyboard.press("Escape")
    run_all(page)
    page.wait_for_selector(STDERR, timeout=60_000)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60_000)
    shoot(page.locator(STDERR).first, shots / "5-misspelt-city.png")
    shown = errors_shown(page)
    assert len(shown) == 1 and "did you mean 'shenzhen'" in shown[0], shown

    assert page_errors == []
    assert outside == [], "requests that left the machine"
    page.close()
