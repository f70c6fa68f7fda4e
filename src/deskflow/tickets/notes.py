"""Structured ticket notes: what a useful note holds, in typed parts.

A good note lets the next person continue without asking the customer again:
the symptoms, the exact error messages, the steps already taken (with their
outcome and *why* that direction was taken), the knowledge articles used and
the next steps. Free text stays available in ``text``.

>>> from datetime import datetime, timezone
>>> note = Note(
...     author="a-sam", at=datetime(2026, 3, 2, 9, 5, tzinfo=timezone.utc),
...     text="Printer offline since this morning.",
...     symptoms=("printer shows 'offline'",),
...     steps=(Step(action="power-cycled the printer", outcome=StepOutcome.FAILED,
...                 why="clears most transient network faults"),),
... )
>>> note.steps[0].outcome.value
'failed'
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from deskflow._validators import (
    aware,
    instance_of,
    is_text,
    non_empty,
    optional_int,
    optional_text,
    to_tuple,
    tuple_of,
)

__all__ = [
    "ArticleRef",
    "ArticleUsage",
    "ErrorMessage",
    "Note",
    "NoteKind",
    "Step",
    "StepOutcome",
    "Visibility",
]


class Visibility(enum.Enum):
    """Who may read a note.

    >>> Visibility.CUSTOMER.value
    'customer'
    """

    INTERNAL = "internal"
    CUSTOMER = "customer"


class NoteKind(enum.Enum):
    """What a note is for; lifecycle guards can require a kind.

    >>> NoteKind("resolution")
    <NoteKind.RESOLUTION: 'resolution'>
    """

    WORK = "work"
    CUSTOMER_REPLY = "customer_reply"
    JUSTIFICATION = "justification"
    RESOLUTION = "resolution"
    HANDOFF = "handoff"
    STATUS_UPDATE = "status_update"
    CALL_SUMMARY = "call_summary"


class StepOutcome(enum.Enum):
    """What came of a troubleshooting step.

    >>> StepOutcome.WORKED.value
    'worked'
    """

    WORKED = "worked"
    FAILED = "failed"
    PARTIAL = "partial"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"


class ArticleUsage(enum.Enum):
    """How a knowledge article was used on a ticket.

    >>> ArticleUsage.HELPED.value
    'helped'
    """

    SUGGESTED = "suggested"
    USED = "used"
    HELPED = "helped"
    DID_NOT_HELP = "did_not_help"


@attrs.frozen(kw_only=True)
class Step:
    """One troubleshooting step: the action, its outcome, and why it was taken.

    ``by_customer`` marks a step the customer tried before calling, so nobody
    suggests it again.

    >>> Step(action="restart", outcome=StepOutcome.FAILED).why
    ''
    >>> Step(action="restart", outcome="failed")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: outcome: expected StepOutcome, got str
    """

    action: str = attrs.field(validator=non_empty)
    outcome: StepOutcome = attrs.field(
        default=StepOutcome.UNKNOWN, validator=instance_of(StepOutcome)
    )
    why: str = attrs.field(default="", validator=is_text)
    detail: str = attrs.field(default="", validator=is_text)
    by_customer: bool = attrs.field(default=False, validator=instance_of(bool))


@attrs.frozen(kw_only=True)
class ErrorMessage:
    """An error exactly as shown, with where it was seen and an optional screenshot reference.

    >>> ErrorMessage(text="0x00000709", source="Windows print spooler").text
    '0x00000709'
    """

    text: str = attrs.field(validator=non_empty)
    source: str = attrs.field(default="", validator=is_text)
    screenshot: str | None = attrs.field(default=None, validator=optional_text)


@attrs.frozen(kw_only=True)
class ArticleRef:
    """A knowledge article used on a ticket, and how it was used.

    >>> ArticleRef(article_id="KB-112", usage=ArticleUsage.HELPED).version is None
    True
    """

    article_id: str = attrs.field(validator=non_empty)
    usage: ArticleUsage = attrs.field(
        default=ArticleUsage.USED, validator=instance_of(ArticleUsage)
    )
    version: int | None = attrs.field(default=None, validator=optional_int)


@attrs.frozen(kw_only=True)
class Note:
    """A structured ticket note.

    Either ``text`` or at least one structured part must be present: an empty
    note is refused.

    >>> from datetime import datetime, timezone
    >>> Note(author="a-1", at=datetime(2026, 1, 1, tzinfo=timezone.utc), text="")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: text: an empty note says nothing; give text or a structured part
    """

    author: str = attrs.field(validator=non_empty)
    at: datetime = attrs.field(validator=aware)
    text: str = attrs.field(default="", validator=is_text)
    kind: NoteKind = attrs.field(default=NoteKind.WORK, validator=instance_of(NoteKind))
    visibility: Visibility = attrs.field(
        default=Visibility.INTERNAL, validator=instance_of(Visibility)
    )
    symptoms: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    errors: tuple[ErrorMessage, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(ErrorMessage)
    )
    steps: tuple[Step, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Step)
    )
    articles: tuple[ArticleRef, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(ArticleRef)
    )
    next_steps: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )

    def __attrs_post_init__(self) -> None:
        if not (
            self.text.strip()
            or self.symptoms
            or self.errors
            or self.steps
            or self.articles
            or self.next_steps
        ):
            from deskflow.errors import ValidationError

            raise ValidationError(
                "an empty note says nothing; give text or a structured part",
                path="text",
            )
