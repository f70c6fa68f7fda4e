"""``python -m deskflow``: its help reads as help."""

from __future__ import annotations

import doctest

import pytest

import deskflow.__main__
from deskflow.__main__ import main


def test_the_help_lists_the_commands_and_nothing_meant_for_doctest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "show"):
        assert command in out
    for markup in (">>>", "doctest", "``"):
        assert markup not in out


def test_the_module_examples_run() -> None:
    # pytest does not collect doctests from a __main__.py; run them here.
    result = doctest.testmod(deskflow.__main__, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 2
    assert result.failed == 0
