"""Which build of the SLA modules is imported: compiled, or the Python source."""

from __future__ import annotations

import importlib.machinery
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskflow import _loader, calendars, sla

WHICH = (
    "import deskflow.sla as s, deskflow.calendars as c; "
    "print(s.COMPILED, s.__file__.endswith('.py'), c.__file__.endswith('.py'))"
)


def _run(value: str | None) -> str:
    """Which build a fresh interpreter imports with ``DESKFLOW_PURE_PYTHON=value``."""
    env = {k: v for k, v in os.environ.items() if k != "DESKFLOW_PURE_PYTHON"}
    if value is not None:
        env["DESKFLOW_PURE_PYTHON"] = value
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", WHICH],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()


def test_compiled_says_which_build_runs() -> None:
    assert sla.COMPILED is (not sla.__file__.endswith(".py"))
    # both modules are always loaded the same way
    assert sla.__file__.endswith(".py") == calendars.__file__.endswith(".py")


def test_the_environment_variable_loads_the_python_source() -> None:
    assert _run("1") == "False True True"
    # without it, the compiled modules wherever they were built
    built = all(_loader._compiled_file(m) is not None for m in ("sla", "calendars"))
    installed = _run(None)
    assert installed == ("True False False" if built else "False True True")
    # "0" and "" do not ask for the Python source
    assert _run("0") == installed
    assert _run("") == installed


def _touch(path: Path, mtime: float) -> None:
    path.write_text("")
    os.utime(path, (mtime, mtime))


@pytest.mark.parametrize(
    ("source_age", "stale"),
    [(100.0, True), (0.0, False), (-100.0, False)],
)
def test_a_source_edited_after_the_build_is_found_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source_age: float, stale: bool
) -> None:
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    built = 1_000_000.0
    for module in ("calendars", "sla"):
        _touch(tmp_path / f"{module}{suffix}", built)
        _touch(tmp_path / f"{module}.py", built)
    _touch(tmp_path / "sla.py", built + source_age)
    monkeypatch.setattr(_loader, "_HERE", tmp_path)
    assert _loader._stale() == (["deskflow.sla"] if stale else [])


def test_a_declaration_edited_after_the_build_makes_both_modules_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    for module in ("calendars", "sla"):
        _touch(tmp_path / f"{module}{suffix}", 1_000_000.0)
        _touch(tmp_path / f"{module}.py", 1_000_000.0)
    _touch(tmp_path / "_native.pxd", 1_000_100.0)
    monkeypatch.setattr(_loader, "_HERE", tmp_path)
    assert _loader._stale() == ["deskflow.calendars", "deskflow.sla"]


def test_no_compiled_module_is_never_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("calendars", "sla"):
        _touch(tmp_path / f"{module}.py", 2_000_000.0)
    monkeypatch.setattr(_loader, "_HERE", tmp_path)
    assert _loader._stale() == []


def test_install_once_imported_changes_nothing() -> None:
    before = list(sys.meta_path)
    _loader.install()
    assert sys.meta_path == before
