"""Collection rules for the whole repository."""

from __future__ import annotations

from deskflow import sla

# A compiled deskflow.sla / deskflow.calendars is imported in place of its
# .py file, so pytest cannot collect the file's doctests: they run in the
# pure-Python pass of scripts/check (DESKFLOW_PURE_PYTHON=1).
collect_ignore = (
    ["src/deskflow/sla.py", "src/deskflow/calendars.py"] if sla.COMPILED else []
)
