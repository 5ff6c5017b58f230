"""``make lab``: JupyterLab on this environment, opening in ``notebooks/``, reachable from this machine only.

``python -m gba_utils.lab [--port N] [--browser]`` (what ``make lab`` runs, with ``--port $LAB_PORT``) replaces itself with ``python -m jupyterlab`` on the same
interpreter (``.venv`` under ``make lab``), so Ctrl-C stops JupyterLab directly. The server:

- listens on 127.0.0.1 only, on exactly the port asked for (no silent move to another port when it is taken);
- keeps token authentication (no option here touches the token) and prints the URL that carries the token;
- runs kernels on this interpreter: a ``python3`` kernelspec pointing at it is written to ``build/lab/`` and put first
  on ``JUPYTER_PATH``, so a user's own ``python3`` kernel (``ipykernel install --user``) cannot send the notebooks to an
  environment without ``gba_utils``;
- is given ``--allow-root`` only when the effective user is root (a container): JupyterLab refuses root without it.
  One printed line says so.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import paths

#: The kernel name the notebooks ask for (their ``kernelspec`` metadata).
KERNEL = "python3"
#: Where ``make lab`` keeps its kernelspec (a ``JUPYTER_PATH`` entry).
JUPYTER_PATH = paths.BUILD / "lab" / "jupyter"
DEFAULT_PORT = 8888
ROOT_NOTE = "make lab: running as root (uid 0, a container?), so JupyterLab gets --allow-root"


def kernelspec(folder: Path = JUPYTER_PATH) -> Path:
    """Write a ``python3`` kernelspec running this interpreter under ``folder/kernels``; return its ``kernel.json``."""
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": True},
    }
    target = Path(folder) / "kernels" / KERNEL / "kernel.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(spec, indent=1) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


def environment(base: Mapping[str, str] | None = None, folder: Path = JUPYTER_PATH) -> dict[str, str]:
    """``base`` (default: this process's environment) with ``folder`` first on ``JUPYTER_PATH``, its kernelspec written."""
    kernelspec(folder)
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = os.pathsep.join([str(folder), *filter(None, [env.get("JUPYTER_PATH")])])
    return env


def command(
    port: int = DEFAULT_PORT,
    *,
    root_dir: Path = paths.NOTEBOOKS,
    uid: int | None = None,
    browser: bool = False,
    extra: Sequence[str] = (),
) -> list[str]:
    """The JupyterLab command line: this interpreter, 127.0.0.1:``port``, opening in ``root_dir``.

    ``uid`` is the effective user id (default: this process's); ``--allow-root`` is added only when it is 0.
    """
    uid = os.geteuid() if uid is None else uid
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={int(port)}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={Path(root_dir).resolve()}",
    ]
    if not browser:
        argv.append("--no-browser")
    if uid == 0:
        argv.append("--allow-root")
    return argv + list(extra)


def notes(uid: int | None = None) -> list[str]:
    """What ``make lab`` says before JupyterLab starts (one line when running as root, else nothing)."""
    return [ROOT_NOTE] if (os.geteuid() if uid is None else uid) == 0 else []


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"expected a port number between 1 and 65535, got {port}")
    return port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gba_utils.lab", description="JupyterLab on 127.0.0.1, in notebooks/.")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    parser.add_argument("--browser", action="store_true", help="open a browser (default: only print the URL)")
    args = parser.parse_args(argv)
    if not paths.NOTEBOOKS.is_dir():
        print(f"gba_utils.lab: no notebooks/ folder beside the package ({paths.ROOT}); run it from a checkout", file=sys.stderr)
        return 2
    for line in notes():
        print(line, flush=True)
    cmd = command(args.port, browser=args.browser)
    os.execve(cmd[0], cmd, environment())
    return 0  # not reached: execve replaced this process


if __name__ == "__main__":
    sys.exit(main())
