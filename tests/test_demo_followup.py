"""The escalation and follow-up demo plays every practice it announces."""

from __future__ import annotations

import pytest

from deskflow._demo_followup import run_followup_demo


def test_followup_demo_shows_each_practice(capsys: pytest.CaptureFixture[str]) -> None:
    run_followup_demo()
    out = capsys.readouterr().out
    assert "caution: 'Power-cycled the printer' was already tried" in out
    assert "[customer_asked]" in out
    assert "refused: cannot 'escalate'" in out
    assert "accepted: tier=l3 group=field-technicians owner=a-sam" in out
    assert "Your ticket is now with our field technicians." in out
    assert "Expect the next step by" in out
    assert "call_back due Mon 09:45: met" in out
    assert "have joined your case" in out
    assert "follow-up owed by a-sam" in out
    assert "OVERDUE Tue 09:00" in out
    assert "ticket closed, owner still a-sam" in out
