"""Importers: real help-desk event logs mapped to deskflow commands and replayed.

An importer reads a third-party log, turns each recorded status change into
the deskflow commands that express it, and replays them through the real
engine (:func:`deskflow.tickets.handle`), so the lifecycle's transitions and
guards judge every step. A case the engine refuses is reported under a
documented rule, never silently dropped. Importers use the standard library
only and perform I/O only in their ``read_*`` functions.

- :mod:`deskflow.importers.bpic2013`: the BPI Challenge 2013 incident log
  (Volvo IT Belgium, VINST).

>>> from deskflow.importers import bpic2013
>>> bpic2013.tier_of("G140 2nd").value
'l2'
"""

from __future__ import annotations

__all__: list[str] = []
