"""Setup's warm-up (gba_utils/warm.py) leaves bytecode for what it imports, even where writing it is switched off."""

from __future__ import annotations

import io
import sys

from gba_utils import warm


def test_warm_writes_bytecode_for_the_modules_it_imports_and_lists_the_missing(tmp_path, monkeypatch):
    (tmp_path / "gba_warm_probe.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # as with PYTHONDONTWRITEBYTECODE=1
    monkeypatch.delitem(sys.modules, "gba_warm_probe", raising=False)
    out = io.StringIO()
    result = warm.warm(modules=("gba_warm_probe", "gba_no_such_module"), out=out)
    assert list((tmp_path / "__pycache__").glob("gba_warm_probe.*.pyc"))
    assert result["missing"] == ["gba_no_such_module"] and "gba_no_such_module" in out.getvalue()
    assert sys.dont_write_bytecode is True  # the switch is put back


def test_every_module_the_warm_up_names_is_installed_with_the_test_extras():
    import importlib.util

    assert [m for m in warm.MODULES + warm.TEST_MODULES if importlib.util.find_spec(m.split(".")[0]) is None] == []
