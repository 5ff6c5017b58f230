"""What the Makefile's targets run, read with `make -n` (a dry run: nothing is executed, nothing installed)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from gba_utils import paths

if not shutil.which("make"):
    pytest.skip("these tests read the Makefile with GNU make; install make", allow_module_level=True)


def dry(*args: str) -> list[str]:
    """The commands `make` would run, one per line."""
    done = subprocess.run(["make", "-n", "-s", *args], cwd=paths.ROOT, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.splitlines()


def test_reports_passes_args_to_gba_report_build():
    lines = dry("reports", "ARGS=-p city=shenzhen --lang en")
    assert lines[-1].endswith("/gba-report build --city-profiles -p city=shenzhen --lang en")
    assert dry("reports")[-1].rstrip().endswith("/gba-report build --city-profiles")


def test_help_says_how_to_pass_options():
    out = subprocess.run(["make", "-s", "help"], cwd=paths.ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    line = next(x for x in out.splitlines() if x.strip().startswith("make reports"))
    assert 'ARGS="-p city=shenzhen --lang en"' in line


def test_lab_runs_the_lab_module_on_the_port_asked_for():
    assert dry("lab")[-1].endswith("/python -m gba_utils.lab --port 8888")
    assert dry("lab", "LAB_PORT=9001")[-1].endswith("/python -m gba_utils.lab --port 9001")
    assert dry("lab", "LAB_BROWSER=1")[-1].endswith("--port 8888 --browser")
