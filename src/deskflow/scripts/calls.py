"""A recorded call: what happened, when, as a frozen value built by appending events.

A :class:`Call` keeps the instant of everything that matters for coaching and
for the ticket: the greeting, the identity checks (method and outcome only),
each question with its kind and answer, the facts established, the customer's
temperament as observed, holds and check-ins, mutes, transfers and
escalations with what the customer was told, the steps tried and their
outcomes, and the closure. ``call.add(event)`` returns a new call; instants
must be aware and never go backwards.

A call records what *did* happen, so a hold without a stated time frame can
be recorded: :func:`deskflow.scripts.review` is what flags it.

The call turns into a structured ticket note (:meth:`Call.to_note`) and can
open or update a ticket (:func:`open_ticket_from_call`, :func:`record_on_ticket`).

>>> from datetime import datetime, timedelta, timezone
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> call = Call.start(id="call-1", at=t0, agent="a-sam")
>>> call = call.add(Greeted(at=t0 + timedelta(seconds=3)))
>>> call = call.add(HoldStarted(at=t0 + timedelta(minutes=2), reason="checking the printer queue",
...     time_frame=timedelta(minutes=2)))
>>> len(call.events), call.ended
(2, False)
"""

from __future__ import annotations

import enum
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar, Union

import attrs

from deskflow._validators import (
    aware,
    instance_of,
    non_empty,
    optional_instance_of,
    to_tuple,
    tuple_of,
)
from deskflow.clock import to_utc
from deskflow.errors import TimeOrderError, ValidationError
from deskflow.parties import Customer, Tier
from deskflow.scripts.model import (
    QuestionKind,
    Sensitivity,
    VerificationOutcome,
    VerificationRecord,
)
from deskflow.tickets.model import Incident, Ticket
from deskflow.tickets.notes import ArticleRef, ErrorMessage, Note, NoteKind, Step
from deskflow.tickets.values import EscalationKind

__all__ = [
    "CALL_EVENT_TYPES",
    "ArticleUsed",
    "BriefingPart",
    "Call",
    "CallClosed",
    "CallEvent",
    "CallEventBase",
    "ErrorNoted",
    "Escalated",
    "FactEstablished",
    "Greeted",
    "HoldCheckedIn",
    "HoldEnded",
    "HoldStarted",
    "IdentityChecked",
    "Muted",
    "NextStepAgreed",
    "QuestionAsked",
    "StatementMade",
    "StepTaken",
    "SymptomNoted",
    "Temperament",
    "TemperamentObserved",
    "Transferred",
    "Unmuted",
    "open_ticket_from_call",
    "record_on_ticket",
]

T = TypeVar("T", bound=Ticket)


class Temperament(enum.Enum):
    """The customer's temperament as the agent observed it.

    >>> Temperament.ABUSIVE.value
    'abusive'
    """

    CALM = "calm"
    FRUSTRATED = "frustrated"
    ANGRY = "angry"
    ABUSIVE = "abusive"


class BriefingPart(enum.Enum):
    """What a customer must be told when their case moves on (transfer, escalation).

    >>> [p.value for p in BriefingPart]
    ['next_steps', 'group', 'time_frame', 'ticket_number']
    """

    NEXT_STEPS = "next_steps"
    GROUP = "group"
    TIME_FRAME = "time_frame"
    TICKET_NUMBER = "ticket_number"


def _briefing(value: Any) -> Any:
    return frozenset(value) if isinstance(value, (list, tuple, set)) else value


def _check_briefing(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, frozenset) or not all(
        isinstance(v, BriefingPart) for v in value
    ):
        raise ValidationError("expected a set of BriefingPart", path=attribute.name)


def _optional_positive(
    instance: Any, attribute: attrs.Attribute[Any], value: Any
) -> None:
    if value is None:
        return
    if not isinstance(value, timedelta):
        raise ValidationError(
            f"expected a timedelta, got {type(value).__name__}", path=attribute.name
        )
    if value <= timedelta(0):
        raise ValidationError("must be positive", path=attribute.name)


# Checked on construction so that a wrong type (None for a text, "yes" for a
# flag) is refused where it is made, not met later by review or to_note.
_text = instance_of(str)
_optional_text = optional_instance_of(str)
_flag = instance_of(bool)


def _optional_fact(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _optional_text(instance, attribute, value)
    if value is not None and not value.strip():
        raise ValidationError("must not be blank; use None", path=attribute.name)


@attrs.frozen(kw_only=True)
class CallEventBase:
    """What every call event has: its instant (aware).

    >>> CallEventBase.type
    'event'
    """

    type: ClassVar[str] = "event"
    at: datetime = attrs.field(validator=aware)


@attrs.frozen(kw_only=True)
class Greeted(CallEventBase):
    """The agent greeted the caller (name, desk, offer to help).

    >>> from datetime import datetime, timezone
    >>> Greeted(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc)).type
    'greeted'
    """

    type: ClassVar[str] = "greeted"
    said: str = attrs.field(default="", validator=_text)
    step_id: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen(kw_only=True)
class IdentityChecked(CallEventBase):
    """Identity checks made, by method and outcome only (never the answers).

    >>> from datetime import datetime, timezone
    >>> from deskflow.scripts.model import Verifier
    >>> e = IdentityChecked(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
    ...     records=(VerificationRecord(method=Verifier.EMPLOYEE_NUMBER,
    ...                                 outcome=VerificationOutcome.PASSED),))
    >>> e.passed
    frozenset({<Verifier.EMPLOYEE_NUMBER: 'employee_number'>})
    """

    type: ClassVar[str] = "identity_checked"
    records: tuple[VerificationRecord, ...] = attrs.field(
        converter=to_tuple, validator=tuple_of(VerificationRecord)
    )
    policy: str = attrs.field(default="", validator=_text)
    step_id: str | None = attrs.field(default=None, validator=_optional_text)

    @property
    def passed(self) -> frozenset[Any]:
        """The verifiers that passed.

        >>> from datetime import datetime, timezone
        >>> IdentityChecked(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), records=()).passed
        frozenset()
        """
        return frozenset(
            r.method for r in self.records if r.outcome is VerificationOutcome.PASSED
        )


@attrs.frozen(kw_only=True)
class QuestionAsked(CallEventBase):
    """A question, its kind, the answer, and the fact it sought.

    ``fact`` names the fact sought (``None`` when there is none, never blank).

    >>> from datetime import datetime, timezone
    >>> q = QuestionAsked(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
    ...     kind=QuestionKind.OPEN, text="What happens?", answer="jobs stay queued")
    >>> q.kind.value
    'open'
    """

    type: ClassVar[str] = "question_asked"
    kind: QuestionKind = attrs.field(validator=instance_of(QuestionKind))
    text: str = attrs.field(validator=non_empty)
    answer: str = attrs.field(default="", validator=_text)
    fact: str | None = attrs.field(default=None, validator=_optional_fact)
    step_id: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen(kw_only=True)
class FactEstablished(CallEventBase):
    """A fact became known during the call (named as in the script).

    >>> from datetime import datetime, timezone
    >>> FactEstablished(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), fact="asset.serial").fact
    'asset.serial'
    """

    type: ClassVar[str] = "fact_established"
    fact: str = attrs.field(validator=non_empty)
    detail: str = attrs.field(default="", validator=_text)


@attrs.frozen(kw_only=True)
class SymptomNoted(CallEventBase):
    """A symptom as the customer described it.

    >>> from datetime import datetime, timezone
    >>> SymptomNoted(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), text="jobs stay queued").type
    'symptom_noted'
    """

    type: ClassVar[str] = "symptom_noted"
    text: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class ErrorNoted(CallEventBase):
    """An error message exactly as shown.

    >>> from datetime import datetime, timezone
    >>> ErrorNoted(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
    ...     error=ErrorMessage(text="0x00000709")).error.text
    '0x00000709'
    """

    type: ClassVar[str] = "error_noted"
    error: ErrorMessage = attrs.field(validator=instance_of(ErrorMessage))


@attrs.frozen(kw_only=True)
class ArticleUsed(CallEventBase):
    """A knowledge article consulted or applied.

    >>> from datetime import datetime, timezone
    >>> ArticleUsed(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
    ...     article=ArticleRef(article_id="KB-0042")).article.article_id
    'KB-0042'
    """

    type: ClassVar[str] = "article_used"
    article: ArticleRef = attrs.field(validator=instance_of(ArticleRef))


@attrs.frozen(kw_only=True)
class TemperamentObserved(CallEventBase):
    """The agent noticed the customer's temperament (or a change of it).

    >>> from datetime import datetime, timezone
    >>> TemperamentObserved(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
    ...     temperament=Temperament.FRUSTRATED).temperament.value
    'frustrated'
    """

    type: ClassVar[str] = "temperament_observed"
    temperament: Temperament = attrs.field(validator=instance_of(Temperament))


@attrs.frozen(kw_only=True)
class StepTaken(CallEventBase):
    """A troubleshooting step or an action, with its outcome and why it was taken.

    ``step.by_customer`` records a step the customer says they already tried.
    ``explained`` is True when the agent told the customer why this direction
    was taken. ``sensitivity`` marks an action that needs identity assurance
    (a password reset is ``ACCOUNT``); a step taken from a script step
    (``step_id``) needs at least the sensitivity of that step.

    >>> from datetime import datetime, timezone
    >>> from deskflow.tickets.notes import StepOutcome
    >>> s = StepTaken(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
    ...     step=Step(action="power-cycled the printer", outcome=StepOutcome.FAILED,
    ...               why="clears transient network faults"), explained=True)
    >>> s.step.outcome.value
    'failed'
    """

    type: ClassVar[str] = "step_taken"
    step: Step = attrs.field(validator=instance_of(Step))
    explained: bool = attrs.field(default=False, validator=_flag)
    sensitivity: Sensitivity = attrs.field(
        default=Sensitivity.GENERAL, validator=instance_of(Sensitivity)
    )
    step_id: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen(kw_only=True)
class StatementMade(CallEventBase):
    """Something the agent told the customer (an estimate, a plan).

    >>> from datetime import datetime, timezone
    >>> StatementMade(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), text="About five minutes.").type
    'statement_made'
    """

    type: ClassVar[str] = "statement_made"
    text: str = attrs.field(validator=non_empty)
    step_id: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen(kw_only=True)
class HoldStarted(CallEventBase):
    """The customer was put on hold, with the reason and time frame they were told.

    >>> from datetime import datetime, timezone
    >>> HoldStarted(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), reason="checking",
    ...     time_frame=timedelta(minutes=2)).time_frame
    datetime.timedelta(seconds=120)
    """

    type: ClassVar[str] = "hold_started"
    reason: str = attrs.field(default="", validator=_text)
    time_frame: timedelta | None = attrs.field(
        default=None, validator=_optional_positive
    )


@attrs.frozen(kw_only=True)
class HoldCheckedIn(CallEventBase):
    """The agent came back during a hold to update the customer (and a new time frame).

    >>> from datetime import datetime, timezone
    >>> HoldCheckedIn(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc)).time_frame is None
    True
    """

    type: ClassVar[str] = "hold_checked_in"
    time_frame: timedelta | None = attrs.field(
        default=None, validator=_optional_positive
    )


@attrs.frozen(kw_only=True)
class HoldEnded(CallEventBase):
    """The agent took the customer off hold; ``thanked`` if they thanked them for holding.

    >>> from datetime import datetime, timezone
    >>> HoldEnded(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), thanked=True).thanked
    True
    """

    type: ClassVar[str] = "hold_ended"
    thanked: bool = attrs.field(default=False, validator=_flag)


@attrs.frozen(kw_only=True)
class Muted(CallEventBase):
    """The agent muted the line; ``announced`` if they told the customer first.

    >>> from datetime import datetime, timezone
    >>> Muted(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc)).announced
    False
    """

    type: ClassVar[str] = "muted"
    announced: bool = attrs.field(default=False, validator=_flag)


@attrs.frozen(kw_only=True)
class Unmuted(CallEventBase):
    """The agent unmuted the line.

    >>> from datetime import datetime, timezone
    >>> Unmuted(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc)).type
    'unmuted'
    """

    type: ClassVar[str] = "unmuted"


@attrs.frozen(kw_only=True)
class Transferred(CallEventBase):
    """The call was transferred, warm (introduced) or cold, with what the customer was told.

    ``to_senior`` marks a hand-over to a senior member (a supervisor, a team
    lead), the expected move with an abusive caller.

    >>> from datetime import datetime, timezone
    >>> t = Transferred(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), to="desktop-support",
    ...     warm=True, told=frozenset(BriefingPart), understood=True)
    >>> t.missing_briefing
    ()
    """

    type: ClassVar[str] = "transferred"
    to: str = attrs.field(validator=non_empty)
    warm: bool = attrs.field(default=False, validator=_flag)
    told: frozenset[BriefingPart] = attrs.field(
        default=frozenset(), converter=_briefing, validator=_check_briefing
    )
    said: str = attrs.field(default="", validator=_text)
    understood: bool = attrs.field(default=False, validator=_flag)
    to_senior: bool = attrs.field(default=False, validator=_flag)

    @property
    def missing_briefing(self) -> tuple[BriefingPart, ...]:
        """The parts of the briefing the customer was not told, in a stable order.

        >>> from datetime import datetime, timezone
        >>> Transferred(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), to="x",
        ...     told={BriefingPart.GROUP}).missing_briefing[0]
        <BriefingPart.NEXT_STEPS: 'next_steps'>
        """
        return tuple(p for p in BriefingPart if p not in self.told)


@attrs.frozen(kw_only=True)
class Escalated(CallEventBase):
    """The case was escalated (functional or hierarchical) during the call.

    >>> from datetime import datetime, timezone
    >>> Escalated(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), to_group="field-technicians",
    ...     to_tier=Tier.L3).kind
    <EscalationKind.FUNCTIONAL: 'functional'>
    """

    type: ClassVar[str] = "escalated"
    to_group: str = attrs.field(validator=non_empty)
    to_tier: Tier | None = attrs.field(
        default=None, validator=optional_instance_of(Tier)
    )
    kind: EscalationKind = attrs.field(
        default=EscalationKind.FUNCTIONAL, validator=instance_of(EscalationKind)
    )
    told: frozenset[BriefingPart] = attrs.field(
        default=frozenset(), converter=_briefing, validator=_check_briefing
    )
    said: str = attrs.field(default="", validator=_text)
    understood: bool = attrs.field(default=False, validator=_flag)

    @property
    def missing_briefing(self) -> tuple[BriefingPart, ...]:
        """The parts of the briefing the customer was not told, in a stable order.

        >>> from datetime import datetime, timezone
        >>> len(Escalated(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), to_group="x").missing_briefing)
        4
        """
        return tuple(p for p in BriefingPart if p not in self.told)


@attrs.frozen(kw_only=True)
class NextStepAgreed(CallEventBase):
    """A next step agreed with the customer (goes to the ticket note).

    >>> from datetime import datetime, timezone
    >>> NextStepAgreed(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), text="technician visit").text
    'technician visit'
    """

    type: ClassVar[str] = "next_step_agreed"
    text: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class CallClosed(CallEventBase):
    """The call ended. Nothing can be recorded after it.

    >>> from datetime import datetime, timezone
    >>> CallClosed(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc)).type
    'call_closed'
    """

    type: ClassVar[str] = "call_closed"
    said: str = attrs.field(default="", validator=_text)


CallEvent = Union[  # noqa: UP007 (a runtime union cattrs can tag)
    Greeted,
    IdentityChecked,
    QuestionAsked,
    FactEstablished,
    SymptomNoted,
    ErrorNoted,
    ArticleUsed,
    TemperamentObserved,
    StepTaken,
    StatementMade,
    HoldStarted,
    HoldCheckedIn,
    HoldEnded,
    Muted,
    Unmuted,
    Transferred,
    Escalated,
    NextStepAgreed,
    CallClosed,
]
"""Every kind of call event (a tagged union on ``type`` in serialized form)."""

CALL_EVENT_TYPES: tuple[type[Any], ...] = CallEvent.__args__  # type: ignore[attr-defined]
"""The call event classes, in declaration order."""


# Set by Call.add while it builds the longer call: the exact events tuple it
# built, the start it was checked against, and how many of its events are the
# old call's (checked when that call was built). Checking only the appended
# ones keeps recording a call event by event from costing O(N^2); a call built
# any other way (Call(...), a converter) is checked in full.
_CHECKED_PREFIX: ContextVar[tuple[tuple[Any, ...], datetime, int] | None] = ContextVar(
    "_CHECKED_PREFIX", default=None
)


def _check_events(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            f"expected a tuple, got {type(value).__name__}", path=attribute.name
        )
    previous = instance.started_at
    start = 0
    checked = _CHECKED_PREFIX.get()
    if checked is not None and checked[0] is value and checked[1] is previous:
        start = checked[2]
        if start:
            previous = value[start - 1].at
    for index in range(start, len(value)):
        event = value[index]
        if not isinstance(event, CALL_EVENT_TYPES):
            raise ValidationError(
                f"expected a call event, got {type(event).__name__}",
                path=f"events[{index}]",
            )
        if to_utc(event.at) < to_utc(previous):
            raise TimeOrderError(
                f"{event.type} at {event.at.isoformat()} is before the previous "
                f"instant {previous.isoformat()}; record events in order",
                path=f"events[{index}].at",
            )
        if index and isinstance(value[index - 1], CallClosed):
            raise ValidationError(
                "the call is closed; nothing can be recorded after call_closed",
                path=f"events[{index}]",
            )
        previous = event.at


@attrs.frozen(kw_only=True)
class Call:
    """A recorded call: who, when it started, and its events in order.

    ``ticket_id`` links the ticket the call is about (if any), and
    ``script`` names the script followed.

    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    >>> call = Call.start(id="c1", at=t0, agent="a-sam")
    >>> call.add(Greeted(at=t0 - timedelta(seconds=1)))
    Traceback (most recent call last):
    ...
    deskflow.errors.TimeOrderError: events[0].at: greeted at 2026-03-02T08:59:59+00:00 is before the previous instant 2026-03-02T09:00:00+00:00; record events in order
    """

    id: str = attrs.field(validator=non_empty)
    agent: str = attrs.field(validator=non_empty)
    started_at: datetime = attrs.field(validator=aware)
    customer_id: str | None = attrs.field(default=None, validator=_optional_text)
    ticket_id: str | None = attrs.field(default=None, validator=_optional_text)
    script: str | None = attrs.field(default=None, validator=_optional_text)
    events: tuple[CallEvent, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_check_events
    )

    @classmethod
    def start(
        cls,
        *,
        id: str,
        at: datetime,
        agent: str,
        customer_id: str | None = None,
        ticket_id: str | None = None,
        script: str | None = None,
    ) -> Call:
        """A call answered at ``at``, with no events yet.

        >>> from datetime import datetime, timezone
        >>> Call.start(id="c1", at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), agent="a-1").events
        ()
        """
        return cls(
            id=id,
            agent=agent,
            started_at=at,
            customer_id=customer_id,
            ticket_id=ticket_id,
            script=script,
        )

    def add(self, *events: CallEvent) -> Call:
        """A new call with ``events`` appended (in order, none before the last).

        Only the appended events are checked, against the last event already
        recorded: this call's own events were checked when it was built.

        >>> from datetime import datetime, timezone
        >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> call = Call.start(id="c1", at=t0, agent="a-1").add(Greeted(at=t0), CallClosed(at=t0))
        >>> call.add(Greeted(at=t0))
        Traceback (most recent call last):
        ...
        deskflow.errors.ValidationError: events[2]: the call is closed; nothing can be recorded after call_closed
        """
        longer = self.events + events
        token = _CHECKED_PREFIX.set((longer, self.started_at, len(self.events)))
        try:
            return attrs.evolve(self, events=longer)
        finally:
            _CHECKED_PREFIX.reset(token)

    def with_ticket(self, ticket_id: str) -> Call:
        """The same call linked to a ticket.

        >>> from datetime import datetime, timezone
        >>> Call.start(id="c1", at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
        ...     agent="a-1").with_ticket("t-1").ticket_id
        't-1'
        """
        return attrs.evolve(self, ticket_id=ticket_id)

    @property
    def ended(self) -> bool:
        """True once the call is closed.

        >>> from datetime import datetime, timezone
        >>> Call.start(id="c1", at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), agent="a-1").ended
        False
        """
        return bool(self.events) and isinstance(self.events[-1], CallClosed)

    @property
    def ended_at(self) -> datetime:
        """The instant of the last event (the start if there is none).

        >>> from datetime import datetime, timezone
        >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> Call.start(id="c1", at=t0, agent="a-1").ended_at == t0
        True
        """
        return self.events[-1].at if self.events else self.started_at

    @property
    def facts(self) -> frozenset[str]:
        """Facts established during the call (explicitly, or by an answered question).

        >>> from datetime import datetime, timezone
        >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> Call.start(id="c1", at=t0, agent="a-1").add(QuestionAsked(at=t0,
        ...     kind=QuestionKind.CLOSED, text="Serial?", answer="CN-4821-X",
        ...     fact="asset.serial")).facts
        frozenset({'asset.serial'})
        """
        out: set[str] = set()
        for event in self.events:
            if isinstance(event, FactEstablished):
                out.add(event.fact)
            elif isinstance(event, QuestionAsked):
                fact = event.fact
                if fact is not None and event.answer.strip():
                    out.add(fact)
        return frozenset(out)

    @property
    def steps(self) -> tuple[Step, ...]:
        """Steps taken or reported during the call, in order.

        >>> from datetime import datetime, timezone
        >>> Call.start(id="c1", at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), agent="a-1").steps
        ()
        """
        return tuple(e.step for e in self.events if isinstance(e, StepTaken))

    @property
    def temperament(self) -> Temperament | None:
        """The last temperament observed, if any.

        >>> from datetime import datetime, timezone
        >>> Call.start(id="c1", at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
        ...     agent="a-1").temperament is None
        True
        """
        for event in reversed(self.events):
            if isinstance(event, TemperamentObserved):
                return event.temperament
        return None

    def to_note(self, *, author: str, at: datetime | None = None) -> Note:
        """A structured ``CALL_SUMMARY`` note for the ticket.

        Symptoms, error messages, steps (with why and outcome), articles and
        next steps come from the events; the text gives the call's span, the
        identity checks by method and outcome, the temperament, holds (length
        in real time, reason, time frame stated) and hand-overs. ``at``
        defaults to the call's last instant.

        >>> from datetime import datetime, timezone
        >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> call = Call.start(id="c1", at=t0, agent="a-1").add(
        ...     SymptomNoted(at=t0, text="jobs stay queued"), CallClosed(at=t0))
        >>> note = call.to_note(author="a-1")
        >>> note.kind.value, note.symptoms
        ('call_summary', ('jobs stay queued',))
        >>> held = Call.start(id="c2", at=t0, agent="a-1").add(
        ...     HoldStarted(at=t0, reason="checking the queue", time_frame=timedelta(minutes=2)),
        ...     HoldEnded(at=t0 + timedelta(seconds=90), thanked=True))
        >>> held.to_note(author="a-1").text
        'Call c2 with agent a-1, 2026-03-02T09:00:00+00:00 to 2026-03-02T09:01:30+00:00. On hold for 0:01:30: checking the queue (stated 0:02:00).'
        """
        lines = [
            f"Call {self.id} with agent {self.agent}, "
            f"{self.started_at.isoformat()} to {self.ended_at.isoformat()}."
        ]
        symptoms: list[str] = []
        errors: list[ErrorMessage] = []
        articles: list[ArticleRef] = []
        next_steps: list[str] = []
        hold: HoldStarted | None = None  # a second start while on hold continues it
        for event in self.events:
            if isinstance(event, HoldStarted):
                hold = hold or event
            elif isinstance(event, HoldEnded):
                if hold is not None:
                    lines.append(_hold_line(hold, event.at, ended=True))
                hold = None
            elif isinstance(event, IdentityChecked):
                checks = ", ".join(
                    f"{r.method.value} {r.outcome.value}" for r in event.records
                )
                policy = f" ({event.policy} policy)" if event.policy else ""
                lines.append(f"Identity checked{policy}: {checks or 'no checks'}.")
            elif isinstance(event, SymptomNoted):
                symptoms.append(event.text)
            elif isinstance(event, ErrorNoted):
                errors.append(event.error)
            elif isinstance(event, ArticleUsed):
                articles.append(event.article)
            elif isinstance(event, NextStepAgreed):
                next_steps.append(event.text)
            elif isinstance(event, FactEstablished) and event.detail:
                lines.append(f"{event.fact}: {event.detail}.")
            elif isinstance(event, Transferred):
                how = "warm" if event.warm else "cold"
                lines.append(f"Transferred ({how}) to {event.to}.")
            elif isinstance(event, Escalated):
                tier = f" ({event.to_tier.value})" if event.to_tier else ""
                lines.append(
                    f"Escalated ({event.kind.value}) to {event.to_group}{tier}."
                )
        if hold is not None:
            lines.append(_hold_line(hold, self.ended_at, ended=False))
        if self.temperament is not None:
            lines.append(f"Customer temperament: {self.temperament.value}.")
        return Note(
            author=author,
            at=at or self.ended_at,
            kind=NoteKind.CALL_SUMMARY,
            text=" ".join(lines),
            symptoms=tuple(symptoms),
            errors=tuple(errors),
            steps=self.steps,
            articles=tuple(articles),
            next_steps=tuple(next_steps),
        )


def _hold_line(hold: HoldStarted, end: datetime, *, ended: bool) -> str:
    """One sentence for the note: how long (real time), why, and the time frame stated."""
    line = f"On hold for {to_utc(end) - to_utc(hold.at)}"
    if hold.reason.strip():
        line += f": {hold.reason.strip()}"
    if hold.time_frame is not None:
        line += f" (stated {hold.time_frame})"
    return line + ("." if ended else ", until the end of the call.")


def record_on_ticket(ticket: T, call: Call, *, author: str, **handle_kwargs: Any) -> T:
    """Add the call's summary note to ``ticket`` through the ticket engine.

    Extra keyword arguments go to :meth:`deskflow.Ticket.add_note` (e.g. a
    ``lifecycle``).

    >>> from datetime import datetime, timezone
    >>> from deskflow import Customer, Incident
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> inc = Incident.open(summary="Printer offline", customer=Customer(id="c-1", name="Al"),
    ...     at=t0, actor="a-1")
    >>> call = Call.start(id="c1", at=t0, agent="a-1").add(
    ...     SymptomNoted(at=t0, text="offline"), CallClosed(at=t0))
    >>> record_on_ticket(inc, call, author="a-1").notes[-1].kind.value
    'call_summary'

    A call already linked to another ticket is refused:

    >>> record_on_ticket(inc, call.with_ticket("t-2"), author="a-1")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: call.ticket_id: the call is linked to ticket 't-2', not to '...'
    """
    if not isinstance(call, Call):
        raise ValidationError(
            f"expected a Call, got {type(call).__name__}", path="call"
        )
    if not isinstance(ticket, Ticket):
        raise ValidationError(
            f"expected a Ticket, got {type(ticket).__name__}", path="ticket"
        )
    if call.ticket_id is not None and call.ticket_id != ticket.id:
        raise ValidationError(
            f"the call is linked to ticket {call.ticket_id!r}, not to {ticket.id!r}",
            path="call.ticket_id",
        )
    return ticket.add_note(call.to_note(author=author), **handle_kwargs)


def open_ticket_from_call(
    call: Call,
    *,
    summary: str,
    customer: Customer,
    actor: str | None = None,
    kind: type[Ticket] = Incident,
    **open_kwargs: Any,
) -> tuple[Ticket, Call]:
    """Open a ticket for a call and add the call's note; returns the ticket and the linked call.

    The ticket is opened at the call's start (the moment the customer
    reached the desk) and the note is added at the call's last instant.

    >>> from datetime import datetime, timezone
    >>> from deskflow import Customer
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> call = Call.start(id="c1", at=t0, agent="a-1").add(
    ...     SymptomNoted(at=t0, text="offline"), CallClosed(at=t0))
    >>> inc, call = open_ticket_from_call(call, summary="Printer offline",
    ...     customer=Customer(id="c-1", name="Al"), id="t-9")
    >>> call.ticket_id, len(inc.notes)
    ('t-9', 1)

    A call already linked to a ticket is refused (record it on that ticket
    with :func:`record_on_ticket`):

    >>> open_ticket_from_call(call, summary="Printer offline",
    ...     customer=Customer(id="c-1", name="Al"))
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: call.ticket_id: the call is already linked to ticket 't-9'; record it there with record_on_ticket
    """
    if not isinstance(call, Call):
        raise ValidationError(
            f"expected a Call, got {type(call).__name__}", path="call"
        )
    if call.ticket_id is not None:
        raise ValidationError(
            f"the call is already linked to ticket {call.ticket_id!r}; record it "
            "there with record_on_ticket",
            path="call.ticket_id",
        )
    who = actor or call.agent
    ticket = kind.open(
        summary=summary, customer=customer, at=call.started_at, actor=who, **open_kwargs
    )
    ticket = record_on_ticket(ticket, call, author=who)
    return ticket, call.with_ticket(ticket.id)
