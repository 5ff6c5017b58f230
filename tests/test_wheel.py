"""The package as a researcher installs it: a wheel (not editable) that carries the data, the languages and templates.

The wheel is built offline from a copy of the repository's files (so setuptools' scratch folders stay out of the
checkout) with this environment's setuptools, installed with ``pip --target`` into a temporary folder, and imported
by this interpreter from a working directory outside the repository with ``PYTHONPATH`` naming only that folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.version import Version

from gba_utils import paths
from gba_utils.data.schema import TABLES

pytestmark = pytest.mark.slow


def _backend_problem() -> str | None:
    """Why this environment cannot build the wheel offline (None when it can): setuptools builds wheels by itself
    from 70.1 on; older ones need the `wheel` package. `make setup` installs the pinned setuptools."""
    try:
        found = Version(metadata.version("setuptools"))
    except metadata.PackageNotFoundError:
        return "setuptools is not installed"
    if found >= Version("70.1") or importlib.util.find_spec("wheel"):
        return None
    return f"setuptools {found} cannot build a wheel without the `wheel` package"


if problem := _backend_problem():
    pytest.skip(f"{problem}: run `make setup` (constraints.txt pins setuptools)", allow_module_level=True)

#: What the build needs from the repository (pyproject.toml names README.md and LICENSE; the rest are packages).
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "gba_utils", "data")


def pip(*args: str, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--no-index", "--no-deps", "--disable-pip-version-check", "--quiet"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    (work / "src").mkdir()
    for name in SOURCES:
        source = paths.ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / "src" / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "_draft"))
        else:
            shutil.copy2(source, work / "src" / name)
    pip("wheel", "--no-build-isolation", "-w", str(work / "dist"), str(work / "src"), cwd=work)
    (found,) = (work / "dist").glob("gba_digital_governance-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    pip("install", "--target", str(target), str(wheel), cwd=target)
    return target


def run_installed(target: Path, code: str) -> dict:
    """Run ``code`` (which prints one JSON line) with the installed copy, from a folder outside the repository."""
    outside = target.parent / "elsewhere"
    outside.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GBA_DATA_DIR")}
    env["PYTHONPATH"] = str(target)
    env["MPLBACKEND"] = "Agg"
    done = subprocess.run([sys.executable, "-c", code], cwd=outside, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def package_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_the_wheel_holds_every_module_template_language_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    code = {f"gba_utils/{f}" for f in package_files(paths.ROOT / "gba_utils") if not f.endswith(".pyc")}
    data = {f"gba_utils/dataset/{f}" for f in package_files(paths.DATA) if not f.startswith("_draft/")}
    assert code - names == set(), "missing from the wheel"
    assert data - names == set(), "data files missing from the wheel"
    assert {"gba_utils/dataset/datapackage.json", "gba_utils/dataset/geo/gba_cities.geojson"} <= names
    assert {"gba_utils/languages/zh.toml", "gba_utils/languages/en.toml", "gba_utils/templates/page.html.j2"} <= names
    shipped = {n for n in names if n.startswith("gba_utils/")}
    assert shipped == code | data, "the wheel holds exactly the package and data/, nothing else"


def test_the_installed_package_loads_every_table_from_its_own_copy(installed, ds):
    found = run_installed(
        installed,
        "import json, gba_utils; from gba_utils import paths; ds = gba_utils.load(); "
        "print(json.dumps({'file': gba_utils.__file__, 'data': str(paths.DATA), 'directory': str(ds.directory), "
        "'checkout': paths.CHECKOUT, 'version': ds.version, 'rows': {k: len(v) for k, v in ds.tables.items()}}))",
    )
    assert Path(found["file"]).is_relative_to(installed), "imported the repository's package, not the installed one"
    assert Path(found["data"]) == installed / "gba_utils" / "dataset" == Path(found["directory"])
    assert found["checkout"] is False
    assert found["rows"] == {name: len(frame) for name, frame in ds.tables.items()}
    assert set(found["rows"]) == {t.name for t in TABLES}
    assert found["version"] == ds.version, "the installed tables are byte-for-byte those of data/"


def test_a_notebook_session_works_from_the_installed_package(installed):
    """What a notebook does first: parameters, data, languages, theme, the map's geometry, a derived table."""
    found = run_installed(
        installed,
        "import json, gba_utils as gba; from gba_utils import analysis as A; "
        "R = gba.setup('02_cases', lang='en', city='shenzhen'); "
        "print(json.dumps({'title': R.title('cases-catalogue'), 'cases': len(R.cases), "
        "'features': len(R.geo()['features']), 'catalogue': len(A.catalogue(R.cases, R.technologies, R.labels)), "
        "'templates': sorted(p.name for p in gba.paths.TEMPLATES.iterdir())}))",
    )
    assert "Shenzhen" in found["title"] and found["title"].startswith("Case catalogue")
    assert found["cases"] == found["catalogue"] > 0
    assert found["features"] == 11
    assert {"page.html.j2", "index.html.j2", "gba.css"} <= set(found["templates"])


def test_a_checkout_reads_data_from_the_repository():
    assert paths.CHECKOUT
    assert paths.DATA == paths.ROOT / "data"
