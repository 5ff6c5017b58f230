"""What every page shares: the stylesheet, the scripts (search, the table explorer and the libraries they use), the
web font and the data downloads.

The web font is a subset of the bundled Noto Sans SC holding every character a page can show. That set is known before
any notebook runs (:func:`site_characters`), so the font is made beside the kernels rather than after them.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from .. import languages, paths
from ..files import atomic_write, sha
from ..research.theme import font_path
from .exports import export_all

FONT_FILE = "noto-sans-sc-subset.woff"
PACKAGE = Path(__file__).resolve().parent.parent
#: Our scripts (templates/), copied into the site's assets/.
SCRIPTS = ("search.js", "explore.js")
#: Libraries vendored unmodified under templates/vendor/<name>/ with their LICENSE and VERSION; copied whole into the
#: site's assets/vendor/<name>/, so each licence travels with its code.
VENDORED = ("minisearch", "datatables")


def site_characters(data_dirs=()) -> str:
    """Every character a page can show: notebooks, data tables, package code, language records and templates (a superset
    of the pages' text).

    Each file's characters are kept in ``build/cache/characters.json`` by the hash of its bytes (reading every notebook
    with its outputs character by character is a fifth of a second, which a markdown edit would otherwise pay)."""
    chars = set("0123456789.,;:!?()[]%-–—·，。；：！？（）《》“”、")
    sources = (
        list(paths.NOTEBOOKS.glob("*.ipynb"))
        + [p for p in Path(paths.TEMPLATES).glob("*") if p.is_file()]
        + sorted(PACKAGE.rglob("*.py"))
        + languages.files()
    )
    for d in {paths.data_dir(x) for x in data_dirs} | {paths.DATA}:
        sources += list(d.glob("*.csv"))
    memo_path = paths.BUILD / "cache" / "characters.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    seen = {}
    for src in sorted(sources):
        data = src.read_bytes()
        digest = sha(data)
        found = memo.get(digest)
        if not isinstance(found, str):
            found = "".join(sorted({c for c in data.decode("utf-8", errors="ignore") if c.isprintable()}))
        seen[digest] = found
        chars.update(found)
    if seen != memo:  # only what the current files hold is kept
        with contextlib.suppress(OSError):
            atomic_write(memo_path, json.dumps(seen, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    chars = {c for c in chars if c.isprintable()}
    return "".join(sorted(chars))


def write_stylesheet(site: Path) -> None:
    atomic_write(site / "assets" / "gba.css", (Path(paths.TEMPLATES) / "gba.css").read_bytes())


def _vendored() -> list[Path]:
    return [f for lib in VENDORED for f in sorted((Path(paths.TEMPLATES) / "vendor" / lib).iterdir()) if f.is_file()]


def write_scripts(site: Path) -> None:
    """The pages' scripts and the vendored libraries, into ``assets/`` (about 230 KB, copied on every build that
    publishes; the search index is written by :mod:`.search`)."""
    for name in SCRIPTS:
        atomic_write(site / "assets" / name, (Path(paths.TEMPLATES) / name).read_bytes())
    for f in _vendored():
        atomic_write(site / "assets" / "vendor" / f.parent.name / f.name, f.read_bytes())


#: The code that writes the data downloads, and the package it writes the workbooks with.
DOWNLOADS_CODE = ("pipeline/exports.py", "data/schema.py", "data/reading.py")
DOWNLOADS_WRITER = "xlsxwriter"


def downloads_inputs() -> dict[str, str]:
    """What makes the downloads' bytes from the data: the export code (with the schema and the reading it uses), the
    workbook writer's version and zlib's, which compresses the workbooks. The downloads of a rebuild on the same data
    are carried over while this is unchanged, whatever else (a template, the stylesheet) changed."""
    import zlib
    from importlib import metadata

    files = [PACKAGE / rel for rel in DOWNLOADS_CODE]
    hashes = {paths.relative(f): sha(f.read_bytes()) for f in files}
    return hashes | {DOWNLOADS_WRITER: metadata.version(DOWNLOADS_WRITER), "zlib": zlib.ZLIB_RUNTIME_VERSION}


def static_inputs() -> dict[str, str]:
    """Hashes of the files that shape the site's assets beyond the pages (a site whose pages are all current is
    published again when one changes): the vendored libraries, the code that writes the search index, and what makes
    the downloads (:func:`downloads_inputs`)."""
    files = [*_vendored(), PACKAGE / "pipeline" / "search.py", PACKAGE / "pipeline" / "assets.py"]
    return {paths.relative(f): sha(f.read_bytes()) for f in files} | downloads_inputs()


def write_assets(site: Path, data_dir: Path, chars: str, carry=None, carry_downloads: bool = True) -> None:
    """The data downloads and the web font (run beside the kernels).

    ``carry(rel)`` puts the current site's file ``rel`` into ``site`` and says whether it could: the downloads are
    carried over when the data did not change and ``carry_downloads`` (the caller decides: nothing that writes them
    changed either), and the font when its characters did not.
    """
    if carry is None or not carry_downloads or not all(carry(f"data/{name}") for name in download_names(data_dir)):
        export_all(data_dir, site / "data")
    write_font(site, chars, carry)


def download_names(data_dir: Path) -> list[str]:
    from ..data.schema import TABLES

    names = [f"{t.name}.{ext}" for t in TABLES for ext in ("csv", "xlsx")]
    return names + (["datapackage.json"] if (data_dir / "datapackage.json").exists() else [])


def write_font(site: Path, chars: str | None = None, carry=None) -> str:
    """Subset the bundled Noto Sans SC to ``chars`` and ship it once as WOFF; skipped when unchanged."""
    chars = chars if chars is not None else site_characters()
    digest = sha(chars.encode("utf-8"))
    target = site / "assets" / FONT_FILE
    stamp = paths.BUILD / "cache" / "font.json"
    if not target.exists() and carry is not None and stamp.exists() and stamp.read_text().split()[0] == digest:
        carry(f"assets/{FONT_FILE}")
    if target.exists() and stamp.exists() and stamp.read_text() == f"{digest} {target.stat().st_size}":
        return "cached"
    from fontTools import subset  # here: importing it takes longer than a build that carries the font

    options = subset.Options()
    options.flavor = "woff"  # zlib: 11% larger than WOFF2, but WOFF2's brotli costs 1.3 s more CPU per build
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG"]
    font = subset.load_font(io.BytesIO(font_path().read_bytes()), options)
    sub = subset.Subsetter(options)
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    font.close()
    atomic_write(target, buf.getvalue())
    atomic_write(stamp, f"{digest} {len(buf.getvalue())}".encode())
    for old in target.parent.glob(f"{Path(FONT_FILE).stem}.*"):  # a font of an earlier format (WOFF2) no page links
        if old.name != FONT_FILE and not old.name.startswith("."):
            old.unlink()
    return "written"
