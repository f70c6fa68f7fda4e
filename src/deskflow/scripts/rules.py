"""Call review: rules, thresholds and findings against service-desk practice.

:func:`review` reads a recorded :class:`~deskflow.scripts.Call` with
the script it followed (and, optionally, the ticket and previous calls, to know
what the customer already gave) and returns :class:`Finding` values: the rule
id, its severity, the moment in the call and a message a coach can read out.
Thresholds are data (:class:`ReviewPolicy`); the rules are listed in
:data:`RULES`. Review is deterministic and performs no I/O, so a host can run
it over thousands of recorded calls.

>>> from datetime import datetime, timedelta, timezone
>>> from deskflow.scripts import DEFAULT_SCRIPT, Call, Greeted, CallClosed
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> call = Call.start(id="c1", at=t0, agent="a-sam").add(
...     Greeted(at=t0 + timedelta(seconds=40)), CallClosed(at=t0 + timedelta(minutes=3)))
>>> for finding in review(call, DEFAULT_SCRIPT):
...     print(finding)
[minor] greeting-late at +0:00:40: Greet within 0:00:15 of answering: the desk, your name, an offer to help.
[major] closure-unconfirmed at +0:03:00: Before closing, ask a confirming question: "Is the issue resolved for you?"
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import attrs

from deskflow._validators import aware, instance_of, non_empty
from deskflow.clock import ensure_aware, to_utc
from deskflow.errors import ValidationError
from deskflow.scripts.calls import (
    Call,
    CallClosed,
    Escalated,
    FactEstablished,
    Greeted,
    HoldCheckedIn,
    HoldEnded,
    HoldStarted,
    IdentityChecked,
    Muted,
    QuestionAsked,
    StepTaken,
    Temperament,
    TemperamentObserved,
    Transferred,
    Unmuted,
)
from deskflow.scripts.model import (
    CallScript,
    Facts,
    QuestionKind,
    VerificationRecord,
)
from deskflow.tickets.events import ContextChanged, Opened
from deskflow.tickets.model import Ticket
from deskflow.tickets.values import BusinessContext, EscalationKind

__all__ = [
    "DEFAULT_REVIEW_POLICY",
    "RULES",
    "Finding",
    "ReviewPolicy",
    "Rule",
    "Severity",
    "format_findings",
    "known_facts",
    "review",
    "tried_actions",
]


class Severity(enum.Enum):
    """How much a finding matters.

    >>> Severity.CRITICAL.rank > Severity.MINOR.rank
    True
    """

    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Order of gravity (minor = 1).

        >>> Severity.MAJOR.rank
        2
        """
        return {"minor": 1, "major": 2, "critical": 3}[self.value]


@attrs.frozen(kw_only=True)
class Rule:
    """A review rule: its stable id, severity and what it checks.

    >>> RULES[0].id, RULES[0].severity.value
    ('greeting-missing', 'major')
    """

    id: str = attrs.field(validator=non_empty)
    severity: Severity = attrs.field(validator=instance_of(Severity))
    checks: str = attrs.field(validator=non_empty)


RULES: tuple[Rule, ...] = (
    Rule(
        id="greeting-missing", severity=Severity.MAJOR, checks="the caller was greeted"
    ),
    Rule(
        id="greeting-late", severity=Severity.MINOR, checks="the greeting came promptly"
    ),
    Rule(
        id="identity-not-validated",
        severity=Severity.CRITICAL,
        checks="identity met the policy before an account-sensitive action",
    ),
    Rule(
        id="hold-no-reason", severity=Severity.MAJOR, checks="a hold states its reason"
    ),
    Rule(
        id="hold-no-time-frame",
        severity=Severity.MAJOR,
        checks="a hold states its time frame",
    ),
    Rule(
        id="hold-overrun",
        severity=Severity.MAJOR,
        checks="the agent checked in before the stated hold time ran out",
    ),
    Rule(
        id="hold-no-thanks",
        severity=Severity.MINOR,
        checks="the customer was thanked for holding",
    ),
    Rule(
        id="mute-unannounced",
        severity=Severity.MINOR,
        checks="a mute longer than a brief pause was announced",
    ),
    Rule(
        id="handover-briefing-incomplete",
        severity=Severity.MAJOR,
        checks="on transfer or escalation the customer heard next steps, group, time frame and ticket number",
    ),
    Rule(
        id="handover-not-understood",
        severity=Severity.MINOR,
        checks="the customer confirmed they understood the hand-over",
    ),
    Rule(
        id="contact-not-confirmed",
        severity=Severity.MAJOR,
        checks="contact details were confirmed before a transfer or escalation",
    ),
    Rule(
        id="redundant-question",
        severity=Severity.MAJOR,
        checks="the customer was not asked for what the ticket or a previous call holds",
    ),
    Rule(
        id="step-already-tried",
        severity=Severity.MAJOR,
        checks="no step was suggested that the customer or the desk already tried",
    ),
    Rule(
        id="direction-unexplained",
        severity=Severity.MINOR,
        checks="each step taken came with its reason",
    ),
    Rule(
        id="closure-unconfirmed",
        severity=Severity.MAJOR,
        checks="closure came after a confirming question that the issue is resolved",
    ),
    Rule(
        id="abuse-not-handed-over",
        severity=Severity.CRITICAL,
        checks="an abusive call was handed to a senior member promptly",
    ),
)
"""Every review rule, in the order the guide lists them."""

_RULES = {rule.id: rule for rule in RULES}
_RULE_ORDER = {rule.id: n for n, rule in enumerate(RULES)}


def _check_rule_ids(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, frozenset):
        raise ValidationError(
            f"expected a set of rule ids, got {type(value).__name__}",
            path=attribute.name,
        )
    unknown = sorted(str(v) for v in value if v not in _RULES)
    if unknown:
        raise ValidationError(
            f"unknown rule id(s): {', '.join(unknown)}; known: {', '.join(_RULES)}",
            path=attribute.name,
        )


def _to_frozenset(value: Any) -> Any:
    return frozenset(value) if isinstance(value, (list, tuple, set)) else value


def _non_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, timedelta):
        raise ValidationError(
            f"expected a timedelta, got {type(value).__name__}", path=attribute.name
        )
    if value < timedelta(0):
        raise ValidationError("must not be negative", path=attribute.name)


@attrs.frozen(kw_only=True)
class ReviewPolicy:
    """The thresholds review applies, as data.

    ``greeting_within``: how soon after answering the greeting must come.
    ``brief_mute``: the longest mute that needs no announcement.
    ``hold_grace``: how far past the stated hold time a check-in may come.
    ``abuse_handover_within``: how long an abusive call may go on before it
    is handed to a senior member. ``disabled``: rule ids not checked.

    >>> ReviewPolicy(disabled=frozenset({"greeting-late"})).brief_mute
    datetime.timedelta(seconds=30)
    >>> ReviewPolicy(disabled=frozenset({"no-such-rule"}))
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: disabled: unknown rule id(s): no-such-rule; known: ...
    """

    greeting_within: timedelta = attrs.field(
        default=timedelta(seconds=15), validator=_non_negative
    )
    brief_mute: timedelta = attrs.field(
        default=timedelta(seconds=30), validator=_non_negative
    )
    hold_grace: timedelta = attrs.field(
        default=timedelta(seconds=30), validator=_non_negative
    )
    abuse_handover_within: timedelta = attrs.field(
        default=timedelta(minutes=2), validator=_non_negative
    )
    disabled: frozenset[str] = attrs.field(
        default=frozenset(), converter=_to_frozenset, validator=_check_rule_ids
    )


DEFAULT_REVIEW_POLICY = ReviewPolicy()
"""The thresholds used when none are given."""


@attrs.frozen(kw_only=True)
class Finding:
    """One departure from practice: which rule, how serious, when, and what to do instead.

    ``offset`` is the moment counted from the call's start; ``event_index``
    points at the event the finding is about (``None`` for something that
    never happened, such as a missing greeting).

    >>> from datetime import datetime, timezone
    >>> f = Finding(rule="hold-no-thanks", severity=Severity.MINOR,
    ...     at=datetime(2026, 3, 2, 9, 5, tzinfo=timezone.utc), offset=timedelta(minutes=5),
    ...     message="Thank the customer for holding.", event_index=7)
    >>> str(f)
    '[minor] hold-no-thanks at +0:05:00: Thank the customer for holding.'
    """

    rule: str = attrs.field(validator=non_empty)
    severity: Severity = attrs.field(validator=instance_of(Severity))
    at: datetime = attrs.field(validator=aware)
    offset: timedelta
    message: str = attrs.field(validator=non_empty)
    event_index: int | None = None

    def __str__(self) -> str:
        return f"[{self.severity.value}] {self.rule} at +{self.offset}: {self.message}"


def format_findings(findings: Iterable[Finding]) -> str:
    """One finding per line, or a line saying the call followed practice.

    >>> format_findings(())
    'no findings: the call followed practice'
    """
    lines = [str(f) for f in findings]
    return "\n".join(lines) if lines else "no findings: the call followed practice"


def _norm(action: str) -> str:
    return " ".join(action.casefold().split())


def _checked_sources(ticket: Any, previous_calls: Iterable[Any]) -> tuple[Call, ...]:
    """The previous calls as a tuple, once ``ticket`` and each call are the right type."""
    if ticket is not None and not isinstance(ticket, Ticket):
        raise ValidationError(
            f"expected a Ticket or None, got {type(ticket).__name__}", path="ticket"
        )
    if isinstance(previous_calls, Call):
        raise ValidationError(
            "expected a collection of calls, got a single Call (wrap it in a tuple)",
            path="previous_calls",
        )
    try:
        # a string is iterable too, but never a collection of calls
        if isinstance(previous_calls, (str, bytes)):
            raise TypeError
        calls = tuple(previous_calls)
    except TypeError:
        raise ValidationError(
            f"expected a collection of calls, got {type(previous_calls).__name__}",
            path="previous_calls",
        ) from None
    for index, call in enumerate(calls):
        if not isinstance(call, Call):
            raise ValidationError(
                f"expected a Call, got {type(call).__name__}",
                path=f"previous_calls[{index}]",
            )
    return calls


def known_facts(
    ticket: Ticket | None = None,
    previous_calls: Iterable[Call] = (),
    *,
    before: datetime | None = None,
) -> frozenset[str]:
    """Facts the desk already holds: from the ticket, its notes and previous calls.

    Only what existed ``before`` the given instant counts (a ticket opened
    during the call does not make its own call's questions redundant, nor
    does a business context recorded after it); ``before`` must be
    timezone-aware.

    >>> from datetime import datetime, timezone
    >>> from deskflow import Customer, Incident, Note
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> inc = Incident.open(summary="Printer offline", at=t0, actor="a-1",
    ...     customer=Customer(id="c-1", name="Al", phone="+32 2 555 0101"))
    >>> inc = inc.add_note(Note(author="a-1", at=t0, symptoms=("offline",)))
    >>> sorted(known_facts(inc))
    ['customer.contact', 'customer.name', 'issue.summary', 'issue.symptoms']
    """
    previous_calls = _checked_sources(ticket, previous_calls)
    facts: set[str] = set()
    limit = to_utc(ensure_aware(before, "before")) if before is not None else None
    if ticket is not None and (limit is None or to_utc(ticket.opened_at) < limit):
        customer = ticket.customer
        facts.add(Facts.CUSTOMER_NAME)
        facts.add(Facts.ISSUE_SUMMARY)
        if customer.phone or customer.email:
            facts.add(Facts.CUSTOMER_CONTACT)
        if customer.manager:
            facts.add(Facts.CUSTOMER_MANAGER)
        if customer.organisation:
            facts.add(Facts.CUSTOMER_ORGANISATION)
        if ticket.asset is not None:
            facts.add(Facts.ASSET_SERIAL)
            if ticket.asset.model:
                facts.add(Facts.ASSET_MODEL)
            if ticket.asset.location:
                facts.add(Facts.ASSET_LOCATION)
        if _context_before(ticket, limit).is_stated:
            facts.add(Facts.BUSINESS_CONTEXT)
        for note in ticket.notes:
            if limit is not None and to_utc(note.at) >= limit:
                continue
            if note.symptoms:
                facts.add(Facts.ISSUE_SYMPTOMS)
            if note.errors:
                facts.add(Facts.ISSUE_ERROR)
            if note.steps:
                facts.add(Facts.ISSUE_STEPS_TRIED)
    for call in previous_calls:
        if limit is None or to_utc(call.started_at) < limit:
            facts |= call.facts
    return frozenset(facts)


def _context_before(ticket: Ticket, limit: datetime | None) -> BusinessContext:
    """The ticket's business context as it stood before ``limit`` (UTC).

    The context is the one field a ticket changes after it opens, so it is read
    from the timeline: the current value may have been recorded after the call.
    """
    if limit is None or not ticket.timeline:
        return ticket.context
    context = ticket.context
    for event in ticket.timeline:
        if isinstance(event, (Opened, ContextChanged)):
            if to_utc(event.at) >= limit:
                break
            context = event.context
    return context


def tried_actions(
    ticket: Ticket | None = None,
    previous_calls: Iterable[Call] = (),
    *,
    before: datetime | None = None,
) -> frozenset[str]:
    """Steps already tried (by the customer or the desk), normalised for comparison.

    Case and spacing are ignored: "Power-cycled  the printer" matches
    "power-cycled the printer".

    >>> from datetime import datetime, timezone
    >>> from deskflow import Customer, Incident, Note, Step
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> inc = Incident.open(summary="Printer offline", at=t0, actor="a-1",
    ...     customer=Customer(id="c-1", name="Al"))
    >>> inc = inc.add_note(Note(author="a-1", at=t0,
    ...     steps=(Step(action="Restarted the PC", by_customer=True),)))
    >>> tried_actions(inc)
    frozenset({'restarted the pc'})
    """
    previous_calls = _checked_sources(ticket, previous_calls)
    out: set[str] = set()
    limit = to_utc(ensure_aware(before, "before")) if before is not None else None
    if ticket is not None:
        for note in ticket.notes:
            if limit is None or to_utc(note.at) < limit:
                out.update(_norm(step.action) for step in note.steps)
    for call in previous_calls:
        if limit is None or to_utc(call.started_at) < limit:
            out.update(_norm(step.action) for step in call.steps)
    return frozenset(out)


def _scripted_facts(
    calls: tuple[Call, ...], script: CallScript, *, before: datetime
) -> frozenset[str]:
    """Facts sought by answered questions of earlier calls that name a step, not a fact.

    Within a call, review reads such a question's fact from its script step;
    this does the same for the previous calls that followed ``script`` (by
    name, or naming none), so what they established counts as known too.
    """
    if not calls:
        return frozenset()
    limit = to_utc(before)
    steps = {step.id: step for step in script.steps}
    out: set[str] = set()
    for call in calls:
        if call.script not in (None, script.name) or to_utc(call.started_at) >= limit:
            continue
        for event in call.events:
            if (
                isinstance(event, QuestionAsked)
                and event.fact is None
                and event.step_id in steps
                and event.answer.strip()
            ):
                fact = steps[event.step_id].establishes
                if fact is not None:
                    out.add(fact)
    return frozenset(out)


def _between(start: datetime, end: datetime) -> timedelta:
    """Real time from ``start`` to ``end`` (whatever their zones and folds)."""
    return to_utc(end) - to_utc(start)


def _later(start: datetime, duration: timedelta) -> datetime:
    """The instant ``duration`` of real time after ``start``, in its zone."""
    return (to_utc(start) + duration).astimezone(start.tzinfo)


@attrs.define
class _Hold:
    # The stated ``frame`` runs from ``since`` (the hold or the last check-in).
    # No deadline is stored: since + frame may lie past datetime.max.
    index: int
    since: datetime
    frame: timedelta | None
    flagged: bool = False


class _Reviewer:
    """One pass over the events, keeping just the state the rules need."""

    def __init__(
        self,
        call: Call,
        script: CallScript,
        policy: ReviewPolicy,
        known: frozenset[str],
        tried: frozenset[str],
    ) -> None:
        self.call = call
        self.script = script
        self.script_steps = {step.id: step for step in script.steps}
        self.policy = policy
        self.known = set(known)
        self.tried = set(tried)
        self.findings: list[Finding] = []
        self.records: list[VerificationRecord] = []
        self.greeted = False
        self.contact_confirmed = False
        self.resolved_confirmed = False
        self.handed_over = False
        self.hold: _Hold | None = None
        self.mute: tuple[int, Muted] | None = None
        self.abuse: tuple[int, datetime] | None = None
        self.abuse_flagged = False

    def add(self, rule: str, at: datetime, message: str, index: int | None) -> None:
        if rule in self.policy.disabled:
            return
        self.findings.append(
            Finding(
                rule=rule,
                severity=_RULES[rule].severity,
                at=at,
                offset=_between(self.call.started_at, at),
                message=message,
                event_index=index,
            )
        )

    # -- time-based checks, run when time moves on ---------------------------

    def check_time(self, now: datetime) -> None:
        hold = self.hold
        if (
            hold is not None
            and hold.frame is not None
            and not hold.flagged
            # elapsed - frame only once elapsed > frame: a huge frame cannot overflow
            and (elapsed := _between(hold.since, now)) > hold.frame
            and elapsed - hold.frame > self.policy.hold_grace
        ):
            hold.flagged = True
            self.add(
                "hold-overrun",
                _later(hold.since, hold.frame),  # before ``now``, so representable
                f"The hold ran past the {hold.frame} you stated without a check-in: "
                "come back before the time is up, give an update and a new time frame.",
                hold.index,
            )
        if (
            self.abuse is not None
            and not self.abuse_flagged
            and _between(self.abuse[1], now) > self.policy.abuse_handover_within
        ):
            self.abuse_flagged = True
            self.add(
                "abuse-not-handed-over",
                _later(self.abuse[1], self.policy.abuse_handover_within),
                "The caller was abusive: warn once, then hand the call to a senior "
                f"member within {self.policy.abuse_handover_within} rather than "
                "continue indefinitely.",
                self.abuse[0],
            )

    def end_mute(self, now: datetime) -> None:
        if self.mute is None:
            return
        index, muted = self.mute
        self.mute = None
        length = _between(muted.at, now)
        if not muted.announced and length > self.policy.brief_mute:
            self.add(
                "mute-unannounced",
                muted.at,
                f"A mute of {length} went unannounced: tell the customer before "
                f"muting for more than {self.policy.brief_mute}, or better, use hold "
                "with a reason and a time frame.",
                index,
            )

    def on_handover(self, index: int, event: Transferred | Escalated) -> None:
        what = "transfer" if isinstance(event, Transferred) else "escalation"
        missing = event.missing_briefing
        if missing:
            parts = ", ".join(p.value.replace("_", " ") for p in missing)
            self.add(
                "handover-briefing-incomplete",
                event.at,
                f"On {what}, tell the customer the next steps, the group, the time "
                f"frame and the ticket number; missing: {parts}.",
                index,
            )
        if not event.understood:
            self.add(
                "handover-not-understood",
                event.at,
                f"After explaining the {what}, ask whether the customer understood "
                "what happens next.",
                index,
            )
        if not self.contact_confirmed:
            self.add(
                "contact-not-confirmed",
                event.at,
                f"Before the {what}, confirm how to reach the customer (read back the "
                "number or address on file).",
                index,
            )
        self.handed_over = True
        senior = (isinstance(event, Transferred) and event.to_senior) or (
            isinstance(event, Escalated) and event.kind is EscalationKind.HIERARCHICAL
        )
        if senior:
            self.abuse = None

    def on_step(self, index: int, event: StepTaken) -> None:
        action = _norm(event.step.action)
        if event.step.by_customer:
            self.tried.add(action)
            self.known.add(Facts.ISSUE_STEPS_TRIED)
            return
        if action in self.tried:
            self.add(
                "step-already-tried",
                event.at,
                f"'{event.step.action}' was already tried: read the ticket's steps "
                "and the previous calls first, and build on them.",
                index,
            )
        self.tried.add(action)
        if not event.explained or not event.step.why.strip():
            self.add(
                "direction-unexplained",
                event.at,
                f"Say why you take '{event.step.action}': the reason lets the "
                "customer follow the direction taken.",
                index,
            )
        # A step taken from a script step needs at least the assurance the script
        # asks for there, whatever the event itself says.
        sensitivity = event.sensitivity
        scripted = (
            self.script_steps.get(event.step_id) if event.step_id is not None else None
        )
        if scripted is not None and scripted.sensitivity.rank > sensitivity.rank:
            sensitivity = scripted.sensitivity
        if sensitivity.rank > 0:
            policy = self.script.policy_for(sensitivity)
            if policy is None:
                # Fail closed: no policy of the script could have validated it.
                self.add(
                    "identity-not-validated",
                    event.at,
                    f"'{event.step.action}' is {sensitivity.value}-sensitive but "
                    f"script {self.script.name!r} has no identity policy that covers "
                    f"it: validate identity with a {sensitivity.value} policy first.",
                    index,
                )
            else:
                missing = policy.missing(self.records)
                if missing:
                    self.add(
                        "identity-not-validated",
                        event.at,
                        f"'{event.step.action}' is {sensitivity.value}-sensitive: "
                        f"validate identity with the {policy.name} policy first "
                        f"(missing: {'; '.join(missing)}).",
                        index,
                    )

    def on_question(self, index: int, event: QuestionAsked) -> None:
        fact = event.fact
        if fact is None and event.step_id is not None:
            # A question asked from a script step seeks the fact the step establishes.
            scripted = self.script_steps.get(event.step_id)
            fact = scripted.establishes if scripted is not None else None
        if fact is not None:
            if event.kind is not QuestionKind.CONFIRMING and fact in self.known:
                self.add(
                    "redundant-question",
                    event.at,
                    f"The desk already holds {fact}: confirm it instead of asking again "
                    "(never ask the customer for what they already gave).",
                    index,
                )
            if event.kind is QuestionKind.CONFIRMING:
                if fact == Facts.CUSTOMER_CONTACT:
                    self.contact_confirmed = True
                elif fact == Facts.ISSUE_RESOLVED:
                    self.resolved_confirmed = True
            if event.answer.strip():
                self.known.add(fact)

    # -- one handler per event type -------------------------------------------

    def on_greeted(self, index: int, event: Greeted) -> None:
        if not self.greeted:
            self.greeted = True
            if _between(self.call.started_at, event.at) > self.policy.greeting_within:
                self.add(
                    "greeting-late",
                    event.at,
                    f"Greet within {self.policy.greeting_within} of answering: "
                    "the desk, your name, an offer to help.",
                    index,
                )

    def on_identity(self, index: int, event: IdentityChecked) -> None:
        self.records.extend(event.records)

    def on_fact(self, index: int, event: FactEstablished) -> None:
        self.known.add(event.fact)
        if event.fact == Facts.CUSTOMER_CONTACT:
            self.contact_confirmed = True

    def on_hold_started(self, index: int, event: HoldStarted) -> None:
        if not event.reason.strip():
            self.add(
                "hold-no-reason",
                event.at,
                "Before a hold, tell the customer why (\"I'll check the print "
                'server logs").',
                index,
            )
        if event.time_frame is None:
            self.add(
                "hold-no-time-frame",
                event.at,
                'Before a hold, say how long it will take ("about two minutes").',
                index,
            )
        self.hold = _Hold(index=index, since=event.at, frame=event.time_frame)

    def on_hold_checked_in(self, index: int, event: HoldCheckedIn) -> None:
        if self.hold is not None:
            frame = event.time_frame or self.hold.frame
            # A new time frame starts: letting it run out too is a new lapse.
            self.hold = _Hold(index=self.hold.index, since=event.at, frame=frame)

    def on_hold_ended(self, index: int, event: HoldEnded) -> None:
        if self.hold is not None:
            self.hold = None
            if not event.thanked:
                self.add(
                    "hold-no-thanks",
                    event.at,
                    "Back from hold, thank the customer for holding.",
                    index,
                )

    def on_muted(self, index: int, event: Muted) -> None:
        if self.mute is None:
            self.mute = (index, event)

    def on_unmuted(self, index: int, event: Unmuted) -> None:
        self.end_mute(event.at)

    def on_temperament(self, index: int, event: TemperamentObserved) -> None:
        if event.temperament is Temperament.ABUSIVE:
            if self.abuse is None:
                self.abuse = (index, event.at)
                self.abuse_flagged = False
        else:
            self.abuse = None

    def on_closed(self, index: int, event: CallClosed) -> None:
        if not (self.handed_over or self.resolved_confirmed):
            self.add(
                "closure-unconfirmed",
                event.at,
                "Before closing, ask a confirming question: "
                '"Is the issue resolved for you?"',
                index,
            )

    def on_other(self, index: int, event: Any) -> None:
        """Events that only feed the ticket note (symptoms, errors, articles...)."""

    def run(self) -> tuple[Finding, ...]:
        call = self.call
        handlers = _HANDLERS
        for index, event in enumerate(call.events):
            if self.hold is not None or self.abuse is not None:
                self.check_time(event.at)
            handlers.get(type(event), _Reviewer.on_other)(self, index, event)
        end = call.ended_at
        self.check_time(end)
        self.end_mute(end)
        if not self.greeted:
            self.add(
                "greeting-missing",
                call.started_at,
                "Open every call with a greeting: the desk, your name, an offer to help.",
                None,
            )
        order = _RULE_ORDER
        return tuple(
            sorted(
                self.findings,
                key=lambda f: (
                    to_utc(f.at),
                    -1 if f.event_index is None else f.event_index,
                    order[f.rule],
                ),
            )
        )


_HANDLERS: dict[type[Any], Callable[[_Reviewer, int, Any], None]] = {
    Greeted: _Reviewer.on_greeted,
    IdentityChecked: _Reviewer.on_identity,
    QuestionAsked: _Reviewer.on_question,
    FactEstablished: _Reviewer.on_fact,
    StepTaken: _Reviewer.on_step,
    HoldStarted: _Reviewer.on_hold_started,
    HoldCheckedIn: _Reviewer.on_hold_checked_in,
    HoldEnded: _Reviewer.on_hold_ended,
    Muted: _Reviewer.on_muted,
    Unmuted: _Reviewer.on_unmuted,
    Transferred: _Reviewer.on_handover,
    Escalated: _Reviewer.on_handover,
    TemperamentObserved: _Reviewer.on_temperament,
    CallClosed: _Reviewer.on_closed,
}


def review(
    call: Call,
    script: CallScript,
    ticket: Ticket | None = None,
    *,
    previous_calls: Iterable[Call] = (),
    policy: ReviewPolicy = DEFAULT_REVIEW_POLICY,
) -> tuple[Finding, ...]:
    """Review a recorded call against practice; findings in the order they happened.

    ``ticket`` and ``previous_calls`` tell review what the desk already held
    when the call started, so asking again (or suggesting a step already
    tried) is flagged; a previous call's question that names a step of
    ``script`` (``step_id``) but no fact counts with the step's fact, if that
    call followed ``script`` or names no script. The same inputs always give
    the same findings.

    >>> from datetime import datetime, timedelta, timezone
    >>> from deskflow.scripts import DEFAULT_SCRIPT, Call, Greeted, HoldStarted, HoldEnded
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    >>> call = Call.start(id="c1", at=t0, agent="a-sam").add(
    ...     Greeted(at=t0), HoldStarted(at=t0 + timedelta(minutes=1), reason="checking logs"),
    ...     HoldEnded(at=t0 + timedelta(minutes=4), thanked=True))
    >>> [f.rule for f in review(call, DEFAULT_SCRIPT)]
    ['hold-no-time-frame']
    """
    for value, kind, path in (
        (call, Call, "call"),
        (script, CallScript, "script"),
        (policy, ReviewPolicy, "policy"),
    ):
        if not isinstance(value, kind):
            raise ValidationError(
                f"expected {kind.__name__}, got {type(value).__name__}", path=path
            )
    start = call.started_at
    previous_calls = _checked_sources(ticket, previous_calls)
    known = known_facts(ticket, previous_calls, before=start) | _scripted_facts(
        previous_calls, script, before=start
    )
    tried = tried_actions(ticket, previous_calls, before=start)
    return _Reviewer(call, script, policy, known, tried).run()
