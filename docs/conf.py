"""Sphinx configuration for the deskflow documentation."""

from __future__ import annotations

import os

# Document the Python source: autodoc reads the docstrings of module and
# class attributes from it, which a compiled deskflow.sla or
# deskflow.calendars (the same source, built by Cython) does not carry.
os.environ["DESKFLOW_PURE_PYTHON"] = "1"

import deskflow

project = "deskflow"
author = "The deskflow developers"
copyright = "2026, The deskflow developers"
release = deskflow.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False

nitpicky = False

html_theme = "furo"
html_title = "deskflow"
