"""The house rules the code keeps: language as data, the layers, no language branch outside the language records."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import gba_utils
from gba_utils import languages

PACKAGE = Path(gba_utils.__file__).resolve().parent
MODULES = sorted(PACKAGE.rglob("*.py"))
CJK_LETTER = re.compile(r"[\u3400-\u9fff]")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_branch_on_a_language_code(path):
    """`lang == "zh"` and its kind belong in the language records, never in code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            codes = [c.value for c in operands if isinstance(c, ast.Constant) and c.value in languages.LANGS]
            tuples = [
                e.value
                for c in operands
                if isinstance(c, (ast.Tuple, ast.List, ast.Set))
                for e in c.elts
                if isinstance(e, ast.Constant) and e.value in languages.LANGS
            ]
            assert not codes and not tuples, f"{path.name}:{node.lineno} compares with a language code"


@pytest.mark.parametrize("path", [p for p in MODULES if p.parent.name in ("research", "pipeline")], ids=lambda p: p.name)
def test_no_chinese_words_in_the_code_that_makes_pages(path):
    """Words shown to readers come from the language records (or the data), not from string literals in code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            assert not CJK_LETTER.search(node.value), f"{path.name}:{node.lineno}: {node.value[:40]!r}"


def test_every_language_record_has_every_key():
    assert languages.check_complete() == []
    for code in languages.LANGS:
        record = languages.get(code)
        assert record.code == code and record.tag == f"lang-{code}"


def test_every_figure_and_table_has_a_title_in_every_language():
    from gba_utils.research.outputs import ITEMS

    for code in languages.LANGS:
        titles = languages.get(code).titles
        assert set(titles) == {i.key for i in ITEMS}, code


def test_an_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match="lang must be one of"):
        languages.get("fr")


def test_the_build_workers_never_import_pandas():
    """Planning, rendering and naming pages import neither pandas nor pandera (the kernels do the data work)."""
    import subprocess
    import sys

    code = (
        "import sys; import gba_utils.pipeline.pages, gba_utils.pipeline.plan, gba_utils.pipeline.kernels; "
        "print(sorted(m for m in ('pandas', 'pandera', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
