"""Knowledge articles and how tickets use them.

An :class:`Article` has an id, a title, a version and the ticket categories
it serves. Tickets refer to articles through the core's
:class:`~deskflow.tickets.notes.ArticleRef` (in notes, hand-offs and
resolutions) with how each was used: suggested, used, helped, did not help.

A :class:`KnowledgeBase` is a value: :meth:`~KnowledgeBase.report_outdated`
(usually at closure, see :func:`review_at_closure`) returns a new base in
which that version of the article is flagged, and
:meth:`~KnowledgeBase.uses` shows the flag wherever a ticket uses the
article. Publishing a new version clears the flag.

>>> kb = KnowledgeBase(articles=(Article(id="KB-0042", title="Printer offline", version=3,
...     categories=("printing",)),))
>>> [a.id for a in kb.for_category("printing")]
['KB-0042']
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

from deskflow._validators import aware, non_empty, to_tuple, tuple_of
from deskflow.clock import ensure_aware
from deskflow.errors import ValidationError
from deskflow.tickets import events as ev
from deskflow.tickets.model import Ticket
from deskflow.tickets.notes import ArticleRef, ArticleUsage
from deskflow.tickets.values import Status

__all__ = [
    "Article",
    "ArticleUse",
    "KnowledgeBase",
    "OutdatedReport",
    "UnknownArticle",
    "UseSite",
    "article_uses",
    "review_at_closure",
]


class UnknownArticle(ValidationError, LookupError):
    """No article has this id.

    >>> KnowledgeBase().article("KB-1")
    Traceback (most recent call last):
    ...
    deskflow.knowledge.UnknownArticle: article_id: no article 'KB-1' in the knowledge base
    """


def _positive_version(
    instance: object, attribute: attrs.Attribute[int], value: int
) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("must be an integer from 1", path="version")


def _sorted_unique(value: object) -> object:
    # Only text is sorted; other items go to the validator, which names them.
    if isinstance(value, (list, tuple, set, frozenset)):
        if all(isinstance(v, str) for v in value):
            return tuple(sorted(set(value)))
        return tuple(value)
    return value


@attrs.frozen(kw_only=True)
class Article:
    """A knowledge article: id, title, version and the categories it serves.

    >>> Article(id="KB-7", title="Reset a password", categories=("accounts",)).version
    1
    """

    id: str = attrs.field(validator=non_empty)
    title: str = attrs.field(validator=non_empty)
    version: int = attrs.field(default=1, validator=_positive_version)
    categories: tuple[str, ...] = attrs.field(
        default=(), converter=_sorted_unique, validator=tuple_of(str)
    )


@attrs.frozen(kw_only=True)
class OutdatedReport:
    """Someone found a version of an article outdated while working a ticket.

    >>> from datetime import datetime, timezone
    >>> OutdatedReport(article_id="KB-1", version=2, ticket_id="t-1", reported_by="a-tom",
    ...     at=datetime(2026, 3, 2, tzinfo=timezone.utc), reason="driver menu moved").version
    2
    """

    article_id: str = attrs.field(validator=non_empty)
    version: int = attrs.field(validator=_positive_version)
    ticket_id: str = attrs.field(validator=non_empty)
    reported_by: str = attrs.field(validator=non_empty)
    at: datetime = attrs.field(validator=aware)
    reason: str = attrs.field(validator=non_empty)


class UseSite(enum.Enum):
    """Where on a ticket an article was referred to.

    >>> UseSite.RESOLUTION.value
    'resolution'
    """

    NOTE = "note"
    HANDOFF = "handoff"
    RESOLUTION = "resolution"


@attrs.frozen(kw_only=True)
class ArticleUse:
    """One use of an article on a ticket, with the outdated flag if any.

    ``title`` is ``None`` when the article is not in the knowledge base.

    >>> ArticleUse.__name__
    'ArticleUse'
    """

    ticket_id: str
    article_id: str
    usage: ArticleUsage
    site: UseSite
    at: datetime
    actor: str
    version: int | None
    title: str | None
    outdated: OutdatedReport | None = None

    @property
    def flagged(self) -> bool:
        """True when the version used is reported outdated.

        >>> from deskflow._demo import build_case
        >>> any(u.flagged for u in KnowledgeBase().uses(build_case()))
        False
        """
        return self.outdated is not None

    def __str__(self) -> str:
        flag = f"  [OUTDATED: {self.outdated.reason}]" if self.outdated else ""
        title = f" {self.title!r}" if self.title else ""
        return f"{self.article_id}{title} {self.usage.value} in {self.site.value}{flag}"


def article_uses(
    ticket: Ticket,
) -> tuple[tuple[ArticleRef, UseSite, datetime, str], ...]:
    """Every article reference on the ticket, where and when it was made, in timeline order.

    >>> from deskflow._demo import build_case
    >>> [(ref.article_id, site.value) for ref, site, _, _ in article_uses(build_case())]
    [('KB-0042', 'note'), ('KB-0042', 'handoff'), ('KB-0042', 'resolution')]
    """
    out: list[tuple[ArticleRef, UseSite, datetime, str]] = []
    for e in ticket.timeline:
        refs: tuple[ArticleRef, ...] = ()
        site = UseSite.NOTE
        if isinstance(e, (ev.NoteAdded, ev.CustomerReplied)):
            refs = e.note.articles
        elif isinstance(e, ev.Escalated):
            refs, site = e.handoff.articles, UseSite.HANDOFF
        elif isinstance(e, ev.Resolved):
            refs, site = e.articles, UseSite.RESOLUTION
        out.extend((ref, site, e.at, e.actor) for ref in refs)
    return tuple(out)


@attrs.frozen(kw_only=True)
class KnowledgeBase:
    """Articles and the outdated reports against them, as a value.

    >>> KnowledgeBase().articles
    ()
    """

    articles: tuple[Article, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Article)
    )
    reports: tuple[OutdatedReport, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(OutdatedReport)
    )

    def __attrs_post_init__(self) -> None:
        ids = [a.id for a in self.articles]
        if len(ids) != len(set(ids)):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise ValidationError(
                f"article ids listed twice: {', '.join(twice)}", path="articles"
            )

    def find(self, article_id: str) -> Article | None:
        """The article with this id, or ``None``.

        >>> KnowledgeBase().find("KB-1") is None
        True
        """
        return next((a for a in self.articles if a.id == article_id), None)

    def article(self, article_id: str) -> Article:
        """The article with this id; :class:`UnknownArticle` otherwise."""
        found = self.find(article_id)
        if found is None:
            raise UnknownArticle(
                f"no article {article_id!r} in the knowledge base", path="article_id"
            )
        return found

    def for_category(self, category: str) -> tuple[Article, ...]:
        """Articles serving ``category``, by id.

        >>> KnowledgeBase().for_category("printing")
        ()
        """
        return tuple(
            sorted(
                (a for a in self.articles if category in a.categories),
                key=lambda a: a.id,
            )
        )

    def outdated(
        self, article_id: str, version: int | None = None
    ) -> OutdatedReport | None:
        """The latest report that ``version`` (default: the current one) is outdated.

        >>> KnowledgeBase().outdated("KB-1") is None
        True
        """
        if version is None:
            found = self.find(article_id)
            if found is None:
                return None
            version = found.version
        matching = [
            r
            for r in self.reports
            if r.article_id == article_id and r.version == version
        ]
        return matching[-1] if matching else None

    def report_outdated(
        self,
        article_id: str,
        *,
        ticket: Ticket,
        at: datetime,
        actor: str,
        reason: str,
        version: int | None = None,
    ) -> KnowledgeBase:
        """Flag an article's version (default: the current one) as outdated.

        ``version`` must be one the article has had (1 to its current one).

        >>> from deskflow._demo import build_case, START
        >>> kb = KnowledgeBase(articles=(Article(id="KB-0042", title="Printer offline"),))
        >>> kb = kb.report_outdated("KB-0042", ticket=build_case(), at=START, actor="a-tom",
        ...     reason="the spooler steps are for Windows 7")
        >>> kb.outdated("KB-0042").reason
        'the spooler steps are for Windows 7'
        """
        ensure_aware(at, "at")
        article = self.article(article_id)
        if version is None:
            version = article.version
        elif (
            not isinstance(version, bool)
            and isinstance(version, int)
            and version > article.version
        ):
            raise ValidationError(
                f"{article_id} is at version {article.version}; it has no "
                f"version {version} yet",
                path="version",
            )
        report = OutdatedReport(
            article_id=article_id,
            version=version,
            ticket_id=ticket.id,
            reported_by=actor,
            at=at,
            reason=reason,
        )
        return attrs.evolve(self, reports=(*self.reports, report))

    def publish(self, article: Article) -> KnowledgeBase:
        """Add an article, or replace it with a newer version (which clears the flag).

        >>> kb = KnowledgeBase().publish(Article(id="KB-1", title="t"))
        >>> kb.publish(Article(id="KB-1", title="t", version=1))
        Traceback (most recent call last):
        ...
        deskflow.errors.ValidationError: version: KB-1 is at version 1; publish version 2 or later
        """
        current = self.find(article.id)
        if current is not None and article.version <= current.version:
            raise ValidationError(
                f"{article.id} is at version {current.version}; publish version "
                f"{current.version + 1} or later",
                path="version",
            )
        kept = tuple(a for a in self.articles if a.id != article.id)
        return attrs.evolve(self, articles=(*kept, article))

    def uses(self, ticket: Ticket) -> tuple[ArticleUse, ...]:
        """Every use of an article on ``ticket``, with its title and outdated flag.

        An unversioned reference is read as the article's current version.

        >>> from deskflow._demo import build_case
        >>> kb = KnowledgeBase(articles=(Article(id="KB-0042", title="Printer offline"),))
        >>> print(kb.uses(build_case())[0])
        KB-0042 'Printer offline' did_not_help in note
        """
        out = []
        for ref, site, at, actor in article_uses(ticket):
            article = self.find(ref.article_id)
            version = ref.version or (article.version if article else None)
            out.append(
                ArticleUse(
                    ticket_id=ticket.id,
                    article_id=ref.article_id,
                    usage=ref.usage,
                    site=site,
                    at=at,
                    actor=actor,
                    version=version,
                    title=article.title if article else None,
                    outdated=self.outdated(ref.article_id, version)
                    if version is not None
                    else None,
                )
            )
        return tuple(out)

    def suggest(self, ticket: Ticket) -> tuple[Article, ...]:
        """Articles for the ticket's category not yet on the ticket, the flagged ones last.

        >>> from deskflow._demo import build_case
        >>> kb = KnowledgeBase(articles=(
        ...     Article(id="KB-0042", title="Printer offline", categories=("printing",)),
        ...     Article(id="KB-0107", title="Replace a network cable", categories=("printing",)),
        ... ))
        >>> [a.id for a in kb.suggest(build_case())]
        ['KB-0107']
        """
        used = {ref.article_id for ref, _, _, _ in article_uses(ticket)}
        fresh = [a for a in self.for_category(ticket.category) if a.id not in used]
        return tuple(
            sorted(fresh, key=lambda a: (self.outdated(a.id) is not None, a.id))
        )


def review_at_closure(
    kb: KnowledgeBase,
    ticket: Ticket,
    *,
    outdated: Mapping[str, str],
    at: datetime,
    actor: str,
) -> KnowledgeBase:
    """Flag the articles the closing agent found outdated (``{article_id: reason}``).

    Only articles the ticket used can be reported, and only once the ticket
    is resolved or closed.

    >>> from deskflow._demo import build_case
    >>> kb = KnowledgeBase(articles=(Article(id="KB-0042", title="Printer offline"),))
    >>> case = build_case()
    >>> kb = review_at_closure(kb, case, outdated={"KB-0042": "no step for a damaged cable"},
    ...     at=case.closed_at, actor="a-sam")
    >>> [str(u) for u in kb.uses(case)][-1]
    "KB-0042 'Printer offline' used in resolution  [OUTDATED: no step for a damaged cable]"
    """
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError(
            f"articles are reviewed at closure; ticket {ticket.id} is {ticket.status.value}",
            path="status",
        )
    used = {ref.article_id: ref for ref, _, _, _ in article_uses(ticket)}
    for article_id, reason in sorted(outdated.items()):
        if article_id not in used:
            raise ValidationError(
                f"ticket {ticket.id} did not use {article_id}; used: "
                f"{', '.join(sorted(used)) or 'none'}",
                path=f"outdated.{article_id}",
            )
        kb = kb.report_outdated(
            article_id,
            ticket=ticket,
            at=at,
            actor=actor,
            reason=reason,
            version=used[article_id].version,
        )
    return kb
