"""Which build of :mod:`deskflow.sla` and :mod:`deskflow.calendars` is imported.

Installing deskflow compiles those two modules with Cython where a C
compiler is at hand (see ``setup.py``); the compiled extension modules sit
beside the ``.py`` files they were built from and Python imports them first.
Before the first deskflow module is imported, :func:`install` puts a finder
in front of that choice, which loads the ``.py`` files instead when

- ``DESKFLOW_PURE_PYTHON`` is set (to anything but ``""`` or ``"0"``), or
- a source file (the module's ``.py`` file, or any ``.pxd`` file) is newer
  than its compiled module: an edit made after the build must not be
  silently ignored (the finder warns; reinstall to compile it again).

Both modules are always loaded the same way, since the compiled SLA
evaluation reads the compiled calendar's tables directly.

>>> import deskflow.sla
>>> deskflow.sla.COMPILED == (not deskflow.sla.__file__.endswith(".py"))
True
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

#: The modules compiled when deskflow is installed, in build order.
COMPILED_MODULES = ("deskflow.calendars", "deskflow.sla")

_HERE = Path(__file__).parent


def pure_python_requested() -> bool:
    """True when ``DESKFLOW_PURE_PYTHON`` asks for the Python modules.

    >>> isinstance(pure_python_requested(), bool)
    True
    """
    return os.environ.get("DESKFLOW_PURE_PYTHON", "") not in ("", "0")


def _compiled_file(name: str) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = _HERE / f"{name}{suffix}"
        if candidate.exists():
            return candidate
    return None


def _stale() -> list[str]:
    """The compiled modules older than their source or any ``.pxd`` file.

    (The ``.pxd`` files type the compiled modules and cimport each other.)
    """
    declarations = max(
        (path.stat().st_mtime for path in _HERE.glob("*.pxd")), default=0.0
    )
    out = []
    for full in COMPILED_MODULES:
        name = full.rpartition(".")[2]
        built = _compiled_file(name)
        if built is None:
            continue
        source = max((_HERE / f"{name}.py").stat().st_mtime, declarations)
        if source > built.stat().st_mtime:
            out.append(full)
    return out


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds :data:`COMPILED_MODULES` as their ``.py`` files."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in COMPILED_MODULES:
            return None
        source = _HERE / f"{fullname.rpartition('.')[2]}.py"
        return importlib.util.spec_from_file_location(fullname, source)


def install() -> None:
    """Load the Python modules when asked to, or when a compiled one is stale.

    Runs when this module is imported, which ``deskflow/__init__.py`` does
    before any other deskflow import; calling it again changes nothing.

    >>> install()
    """
    if any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        return
    if any(name in sys.modules for name in COMPILED_MODULES):
        return  # already imported one way; a mix would not work
    if not pure_python_requested():
        stale = _stale()
        if not stale:
            return
        warnings.warn(
            f"deskflow: the source of {', '.join(stale)} changed after the build; "
            "using it as Python (reinstall deskflow to compile it again)",
            RuntimeWarning,
            stacklevel=2,
        )
    sys.meta_path.insert(0, _SourceFinder())


install()
