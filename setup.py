"""Build deskflow, compiling its SLA evaluation when a C compiler is at hand.

``deskflow.sla`` and ``deskflow.calendars`` are plain Python modules. Cython
compiles the same files, typed by the ``.pxd`` files beside them, into
extension modules that import in their place (``evaluate`` runs about three
times as fast). Each extension is optional: where it cannot be compiled the
install goes on with the Python modules, which behave the same. Set
``DESKFLOW_PURE_PYTHON=1`` while installing to skip the compilation.
"""

from __future__ import annotations

import os

from setuptools import Extension, setup

COMPILED = ("deskflow.sla", "deskflow.calendars")


def extensions() -> list[Extension]:
    if os.environ.get("DESKFLOW_PURE_PYTHON", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:  # a build without the build requirements
        return []
    modules = [
        Extension(name, [f"src/{name.replace('.', '/')}.py"], optional=True)
        for name in COMPILED
    ]
    try:
        return list(
            cythonize(
                modules,
                include_path=["src"],
                compiler_directives={
                    "language_level": 3,
                    "binding": True,  # functions keep their signatures and docstrings
                    # annotations are for mypy; the .pxd files give the C types
                    "annotation_typing": False,
                },
            )
        )
    except Exception as exc:  # a Cython too new or too old for these sources
        # optional=True covers the C compiler; this covers Cython itself
        print(f"deskflow: not compiling ({exc}); installing the Python modules")
        return []


setup(ext_modules=extensions())
