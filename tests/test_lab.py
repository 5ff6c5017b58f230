"""`make lab`: JupyterLab on 127.0.0.1 only, token kept, in notebooks/, kernels on this interpreter.

The unit tests read the command line; the others start the real server (no kernel, no browser) with Jupyter's
folders isolated under a temporary directory, ask it over HTTP what it serves, and stop it.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from gba_utils import lab, paths


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------- the command line
def test_listens_on_loopback_on_exactly_the_port_asked_for():
    cmd = lab.command(9123, uid=1000)
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--ServerApp.ip=127.0.0.1" in cmd and "--ServerApp.port=9123" in cmd and "--ServerApp.port_retries=0" in cmd
    assert f"--ServerApp.root_dir={paths.NOTEBOOKS}" in cmd


def test_allow_root_only_for_root():
    assert "--allow-root" in lab.command(uid=0)
    assert "--allow-root" not in lab.command(uid=1000)
    assert lab.notes(uid=0) == [lab.ROOT_NOTE] and lab.notes(uid=1000) == []


def test_no_browser_unless_asked_and_the_token_is_never_touched():
    assert "--no-browser" in lab.command(uid=1000)
    assert "--no-browser" not in lab.command(uid=1000, browser=True)
    for cmd in (lab.command(uid=0), lab.command(uid=1000, browser=True)):
        assert not [a for a in cmd if "token" in a.lower() or "password" in a.lower() or "disable_check_xsrf" in a]


def test_kernelspec_runs_this_interpreter_and_comes_first(tmp_path):
    env = lab.environment({"JUPYTER_PATH": "/elsewhere"}, folder=tmp_path)
    assert env["JUPYTER_PATH"] == os.pathsep.join([str(tmp_path), "/elsewhere"])
    spec = json.loads((tmp_path / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"]
    assert lab.environment({}, folder=tmp_path)["JUPYTER_PATH"] == str(tmp_path)


def test_a_bad_port_is_refused_before_anything_starts(capsys):
    with pytest.raises(SystemExit) as exc:
        lab.main(["--port", "eighty"])
    assert exc.value.code == 2
    assert "expected a port number, got 'eighty'" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- the real server
class Server:
    """`python -m gba_utils.lab` (what `make lab` runs) in its own process group, its output read line by line."""

    def __init__(self, port: int, home: Path, user: int | None = None):
        home.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "HOME": str(home),
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "IPYTHONDIR": str(home / "ipython"),
        }
        kwargs = {"user": user, "group": user, "extra_groups": []} if user is not None else {}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gba_utils.lab", "--port", str(port)],
            cwd=paths.ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            **kwargs,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match | None:
        """The first output line matching ``pattern`` (None if the process ended or ``timeout`` passed first)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                return None
            self.lines.append(line)
            if found := re.search(pattern, line):
                return found
        return None

    def drain(self, timeout: float = 10) -> list[str]:
        """Every line printed until the process ends (or ``timeout`` passes)."""
        self.wait_for(r"(?!)", timeout)  # a pattern that never matches: read to the end
        return self.lines

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        self.proc.stdout.close()


def get(url: str) -> tuple[int | None, object]:
    """Status and JSON body of a GET (status None when nothing listens)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, None
    except (urllib.error.URLError, ConnectionError):
        return None, None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    srv = Server(port, tmp_path_factory.mktemp("lab-home"))
    try:
        found = srv.wait_for(rf"http://127\.0\.0\.1:{port}/lab\?token=([0-9a-f]+)")
        assert found, "JupyterLab printed no URL with a token:\n" + "\n".join(srv.lines)
        srv.port, srv.token = port, found.group(1)
        # the URL is printed before the socket listens (jupyter_server binds it once its event loop runs)
        deadline = time.monotonic() + 60
        while get(f"http://127.0.0.1:{port}/api/status?token={srv.token}")[0] != 200:
            assert srv.proc.poll() is None and time.monotonic() < deadline, "JupyterLab never answered:\n" + "\n".join(srv.lines)
            time.sleep(0.1)
        yield srv
    finally:
        srv.stop()


@pytest.mark.slow
def test_prints_the_url_with_a_token_and_says_when_it_runs_as_root(server):
    assert len(server.token) >= 32
    root_lines = [line for line in server.lines if line == lab.ROOT_NOTE]
    assert root_lines == ([lab.ROOT_NOTE] if os.geteuid() == 0 else [])


@pytest.mark.slow
def test_refuses_requests_without_the_token(server):
    base = f"http://127.0.0.1:{server.port}"
    assert get(f"{base}/api/contents")[0] == 403
    assert get(f"{base}/api/contents?token={'0' * len(server.token)}")[0] == 403
    status, listing = get(f"{base}/api/contents?token={server.token}")
    assert status == 200
    assert sorted(c["name"] for c in listing["content"] if c["type"] == "notebook") == sorted(
        p.name for p in paths.NOTEBOOKS.glob("*.ipynb")
    ), "JupyterLab opens in notebooks/"


@pytest.mark.slow
def test_kernels_run_on_this_interpreter(server):
    status, specs = get(f"http://127.0.0.1:{server.port}/api/kernelspecs?token={server.token}")
    assert status == 200
    assert specs["kernelspecs"]["python3"]["spec"]["argv"][0] == sys.executable


@pytest.mark.slow
def test_listens_on_loopback_only(server):
    listening = [c.laddr for c in psutil.Process(server.proc.pid).net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert listening and {a.ip for a in listening} == {"127.0.0.1"} and {a.port for a in listening} == {server.port}


@pytest.mark.slow
def test_a_taken_port_is_an_error_not_a_move(server, tmp_path):
    second = Server(server.port, tmp_path / "home")
    try:
        assert second.proc.wait(timeout=60) != 0
        printed = second.drain()
        assert any(f"port {server.port} is already in use" in line for line in printed), "\n".join(printed)
    finally:
        second.stop()


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="this test runs the server as another user, which needs root")
def test_a_normal_user_gets_no_allow_root():
    """As `nobody` (uid 65534): JupyterLab starts without --allow-root, and nothing says it runs as root."""
    try:
        subprocess.run(
            [sys.executable, "-c", "import jupyterlab"], user=65534, group=65534, extra_groups=[], cwd="/", check=True, timeout=60
        )
    except (PermissionError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"{sys.executable} cannot be run by uid 65534 here ({exc}); the other tests here run it as this user")
    lab.kernelspec()  # written by root beforehand: the unprivileged user only reads it
    home = Path(tempfile.mkdtemp(prefix="gba-lab-user-"))
    try:
        shutil.chown(home, 65534, 65534)
        port = free_port()
        srv = Server(port, home, user=65534)
        try:
            found = srv.wait_for(rf"http://127\.0\.0\.1:{port}/lab\?token=[0-9a-f]+")
            assert found, "\n".join(srv.lines)
            assert lab.ROOT_NOTE not in srv.lines
            assert psutil.Process(srv.proc.pid).uids().effective == 65534
            assert "--allow-root" not in psutil.Process(srv.proc.pid).cmdline()
        finally:
            srv.stop()
    finally:
        shutil.rmtree(home, ignore_errors=True)
