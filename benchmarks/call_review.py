"""How many recorded calls per second deskflow's call review handles.

Generates 10,000 varied calls (seeded, so every run reviews the same calls),
then times :func:`deskflow.scripts.review` over all of them, several rounds,
and prints the median rate. Run with::

    python benchmarks/call_review.py [--calls 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta, timezone

from deskflow import Asset, Customer, Incident, Note
from deskflow._demo_calls import good_call
from deskflow.scripts import (
    DEFAULT_SCRIPT,
    BriefingPart,
    Call,
    CallClosed,
    CallEvent,
    Escalated,
    Facts,
    Greeted,
    HoldCheckedIn,
    HoldEnded,
    HoldStarted,
    IdentityChecked,
    Muted,
    QuestionAsked,
    QuestionKind,
    Sensitivity,
    StepTaken,
    SymptomNoted,
    Temperament,
    TemperamentObserved,
    Transferred,
    Unmuted,
    VerificationOutcome,
    VerificationRecord,
    Verifier,
    review,
)
from deskflow.tickets import Step, StepOutcome

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ACTIONS = ("restart", "power-cycle", "clear queue", "update driver", "reset password")
FACTS = (Facts.ASSET_SERIAL, Facts.ISSUE_ERROR, Facts.ISSUE_SYMPTOMS, "x.custom")


def generate(n: int, seed: int = 7) -> list[Call]:
    """``n`` calls of 10 to 40 events, mixing good and poor practice."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        at = T0 + timedelta(seconds=rng.randint(2, 40))
        events: list[CallEvent] = [Greeted(at=at)]
        for _ in range(rng.randint(10, 40)):
            at += timedelta(seconds=rng.randint(5, 90))
            kind = rng.randrange(10)
            if kind == 0:
                events.append(
                    IdentityChecked(
                        at=at,
                        records=tuple(
                            VerificationRecord(
                                method=rng.choice(list(Verifier)),
                                outcome=rng.choice(list(VerificationOutcome)),
                            )
                            for _ in range(rng.randint(1, 3))
                        ),
                    )
                )
            elif kind in (1, 2):
                events.append(
                    QuestionAsked(
                        at=at,
                        kind=rng.choice(list(QuestionKind)),
                        text="question",
                        answer="answer",
                        fact=rng.choice(FACTS),
                    )
                )
            elif kind == 3:
                events.append(
                    StepTaken(
                        at=at,
                        step=Step(
                            action=rng.choice(ACTIONS),
                            outcome=StepOutcome.FAILED,
                            why=rng.choice(("", "rules out a cause")),
                            by_customer=rng.random() < 0.2,
                        ),
                        explained=rng.random() < 0.8,
                        sensitivity=rng.choice(list(Sensitivity)),
                    )
                )
            elif kind == 4:
                frame = timedelta(minutes=rng.randint(1, 4))
                events.append(HoldStarted(at=at, reason="checking", time_frame=frame))
                at += timedelta(seconds=rng.randint(30, 200))
                if rng.random() < 0.5:
                    events.append(HoldCheckedIn(at=at, time_frame=frame))
                    at += timedelta(seconds=rng.randint(30, 200))
                events.append(HoldEnded(at=at, thanked=rng.random() < 0.8))
            elif kind == 5:
                events.append(Muted(at=at, announced=rng.random() < 0.5))
                at += timedelta(seconds=rng.randint(5, 90))
                events.append(Unmuted(at=at))
            elif kind == 6:
                events.append(SymptomNoted(at=at, text="jobs stay queued"))
            elif kind == 7:
                events.append(
                    TemperamentObserved(
                        at=at, temperament=rng.choice(list(Temperament))
                    )
                )
            elif kind == 8:
                events.append(
                    Transferred(
                        at=at,
                        to="desktop-support",
                        told=frozenset(
                            rng.sample(list(BriefingPart), rng.randint(0, 4))
                        ),
                        understood=rng.random() < 0.7,
                    )
                )
            else:
                events.append(
                    Escalated(
                        at=at,
                        to_group="field-technicians",
                        told=frozenset(BriefingPart),
                        understood=True,
                    )
                )
        events.append(CallClosed(at=at + timedelta(seconds=30)))
        out.append(Call.start(id=f"call-{i}", at=T0, agent="a-1").add(*events))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    ticket = Incident.open(
        summary="Printer offline",
        customer=Customer(id="c-1", name="Alice", phone="+32 2 555 0101"),
        asset=Asset(serial="CN-4821-X"),
        at=T0 - timedelta(days=1),
        actor="a-1",
    ).add_note(
        Note(
            author="a-1",
            at=T0 - timedelta(days=1),
            steps=(Step(action="restart", by_customer=True),),
        )
    )
    calls = generate(args.calls)
    events = sum(len(c.events) for c in calls)
    # The demo's printer call, recorded following practice: the no-finding path.
    clean = [good_call()] * args.calls
    rows = []
    for label, batch, kwargs in (
        ("generated", calls, {}),
        ("generated+ticket", calls, {"ticket": ticket}),
        ("printer, clean", clean, {}),
    ):
        rates = []
        findings = 0
        for _ in range(args.rounds):
            start = time.perf_counter()
            findings = sum(len(review(c, DEFAULT_SCRIPT, **kwargs)) for c in batch)  # type: ignore[arg-type]
            rates.append(len(batch) / (time.perf_counter() - start))
        rows.append((label, statistics.median(rates), findings))

    print(
        f"deskflow call review: {len(calls):,} calls, {events:,} events "
        f"(mean {events / len(calls):.1f} per call), the printer call has "
        f"{len(clean[0].events)} events; median of {args.rounds} rounds\n"
    )
    print(f"| {'case':<16} | {'reviews/s':>10} | {'µs/review':>9} | {'findings':>8} |")
    print(f"|{'-' * 18}|{'-' * 12}|{'-' * 11}|{'-' * 10}|")
    base = rows[0][1]
    for label, rate, findings in rows:
        print(
            f"| {label:<16} | {rate:>10,.0f} | {1e6 / rate:>9.1f} | {findings:>8,} |"
            + ("" if rate == base else f"  ({rate / base:.2f}x)")
        )


if __name__ == "__main__":
    main()
