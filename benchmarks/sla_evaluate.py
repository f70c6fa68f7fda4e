"""How many tickets per second :func:`deskflow.sla.evaluate` measures.

Builds 1,000 varied incidents of 20 timeline events each (seeded, so every
run measures the same tickets: notes to the customer, holds awaiting the
customer or a vendor, an escalation, a priority change, a resolution, some
reopened), then times ``evaluate`` over all of them for several rounds and
prints the median rate, next to the cost of the calendar operations it
builds on. Run with::

    python benchmarks/sla_evaluate.py [--tickets 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskflow import (
    Customer,
    Handoff,
    HoldReason,
    Impact,
    Incident,
    Note,
    Step,
    StepOutcome,
    Tier,
    Urgency,
)
from deskflow.sla import default_policy, evaluate
from deskflow.tickets import Ticket, Visibility
from deskflow.tickets.notes import NoteKind

ZONE = ZoneInfo("Europe/Brussels")
T0 = datetime(2026, 3, 2, 8, 30, tzinfo=ZONE)
POLICY = default_policy("Europe/Brussels")
HANDOFF = Handoff(
    contact_verified=True,
    contact="+32 2 555 0101",
    no_error_shown=True,
    no_article_applies=True,
    steps_taken=(Step(action="power-cycled", outcome=StepOutcome.FAILED),),
    summary="needs on-site work",
)


def make_ticket(rng: random.Random, n: int) -> Ticket:
    """An incident with exactly 20 events."""
    at = T0 + timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 600))
    impact = rng.choice((Impact.HIGH, Impact.MEDIUM, Impact.LOW))
    urgency = rng.choice((Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW))
    inc = Incident.open(
        id=f"t-{n}",
        summary="printer offline",
        customer=Customer(id=f"c-{n % 50}", name="Customer"),
        impact=impact,
        urgency=urgency,
        at=at,
        actor="a-1",
    )

    def later() -> datetime:
        nonlocal at
        at += timedelta(minutes=rng.randint(5, 180))
        return at

    inc = inc.start_work(at=later(), actor="a-1")
    while inc.version < 16:
        roll = rng.random()
        if roll < 0.35:
            inc = inc.add_note(
                Note(
                    author="a-1",
                    at=later(),
                    text="status update",
                    kind=NoteKind.STATUS_UPDATE,
                    visibility=Visibility.CUSTOMER,
                )
            )
        elif roll < 0.5:
            inc = inc.add_note(Note(author="a-1", at=later(), text="work note"))
        elif roll < 0.65:
            reason = rng.choice(
                (HoldReason.AWAITING_CUSTOMER, HoldReason.AWAITING_VENDOR)
            )
            start = later()
            inc = inc.put_on_hold(
                reason=reason, until=start + timedelta(days=1), at=start, actor="a-1"
            )
            inc = inc.resume(at=later(), actor="a-1")
        elif roll < 0.75 and inc.tier is Tier.L1:
            inc = inc.escalate(
                to_tier=Tier.L2,
                to_group="desktop",
                reason="needs desktop support",
                handoff=HANDOFF,
                at=later(),
                actor="a-1",
            )
            inc = inc.assign(assignee="a-2", at=later(), actor="a-2")
        elif roll < 0.85:
            inc = inc.change_priority(
                impact=rng.choice((Impact.HIGH, Impact.MEDIUM, Impact.LOW)),
                urgency=urgency,
                justification="reassessed",
                at=later(),
                actor="a-1",
            )
        else:
            inc = inc.customer_reply("any news?", at=later())
    inc = inc.resolve(resolution="fixed", articles=(), at=later(), actor="a-1")
    if rng.random() < 0.3:
        inc = inc.reopen(reason="failed again", at=later(), actor="a-1")
        inc = inc.add_note(
            Note(
                author="a-1",
                at=later(),
                text="looking again",
                visibility=Visibility.CUSTOMER,
            )
        )
    while inc.version < 20:
        inc = inc.add_note(Note(author="a-1", at=later(), text="follow-up"))
    return inc


def rate(fn: object, items: list[object], rounds: int) -> float:
    """Median items per second over ``rounds`` rounds."""
    call = fn  # type: ignore[assignment]
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        for item in items:
            call(item)  # type: ignore[operator]
        rates.append(len(items) / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(11)
    tickets = [make_ticket(rng, n) for n in range(args.tickets)]
    assert all(t.version == 20 for t in tickets)
    # evaluate at the last event and a day later (a running / finished mix)
    pairs = [(t, t.updated_at + timedelta(days=(i % 2))) for i, t in enumerate(tickets)]
    for t, at in pairs[:50]:  # warm calendar tables
        evaluate(t, at=at, policy=POLICY)
    business = POLICY.calendar("business")
    a = T0
    b = T0 + timedelta(days=3, hours=5)
    four_hours = timedelta(hours=4)
    rows = [
        (
            "sla.evaluate (20 events)",
            rate(lambda p: evaluate(p[0], at=p[1], policy=POLICY), pairs, args.rounds),
        ),
        (
            "sla.evaluate(alerts=False)",
            rate(
                lambda p: evaluate(p[0], at=p[1], policy=POLICY, alerts=False),
                pairs,
                args.rounds,
            ),
        ),
        (
            "calendar.elapsed",
            rate(lambda _: business.elapsed(a, b), list(range(10_000)), args.rounds),
        ),
        (
            "calendar.add",
            rate(
                lambda _: business.add(a, four_hours), list(range(10_000)), args.rounds
            ),
        ),
    ]
    clocks = sum(len(evaluate(t, at=at, policy=POLICY).clocks) for t, at in pairs)
    print(f"{args.tickets} tickets x 20 events, {clocks / len(pairs):.1f} clocks each")
    print(f"{'operation':<28}{'median ops/s':>14}{'us/op':>10}")
    for name, ops in rows:
        print(f"{name:<28}{ops:>14,.0f}{1e6 / ops:>10.1f}")
    target = 20_000
    print(
        f"evaluate vs the 20,000 tickets/s goal: {rows[0][1] / target:.2f}x; "
        f"one evaluate costs {rows[2][1] / rows[0][1]:.1f} calendar.elapsed calls"
    )
    loop = rate(lambda _: sum(range(100)), list(range(10_000)), args.rounds)
    print(
        f"machine speed reference: sum(range(100)) at {loop:,.0f}/s "
        "(about 1,000,000/s on a current laptop; scale the figures by that ratio)"
    )


if __name__ == "__main__":
    main()
