"""Knowledge articles, their use on tickets and outdated flags (deskflow.knowledge)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskflow.errors import ValidationError
from deskflow.knowledge import (
    Article,
    KnowledgeBase,
    UnknownArticle,
    UseSite,
    article_uses,
    review_at_closure,
)
from deskflow.parties import Customer, Tier
from deskflow.serialization import dumps, loads
from deskflow.tickets import (
    ArticleRef,
    ArticleUsage,
    Handoff,
    Incident,
    Note,
    Step,
    StepOutcome,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
KB = KnowledgeBase(
    articles=(
        Article(
            id="KB-1", title="Printer offline", version=2, categories=("printing",)
        ),
        Article(id="KB-2", title="Replace a cable", categories=("printing", "network")),
        Article(id="KB-3", title="Reset a password", categories=("accounts",)),
    )
)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def worked_ticket() -> Incident:
    t = Incident.open(
        summary="Printer offline",
        customer=Customer(id="c-1", name="Alice"),
        at=T0,
        actor="a-sam",
        id="t-1",
        category="printing",
    )
    t = t.add_note(
        Note(
            author="a-sam",
            at=at(5),
            articles=(ArticleRef(article_id="KB-1", usage=ArticleUsage.SUGGESTED),),
        )
    )
    t = t.escalate(
        to_tier=Tier.L2,
        to_group="desktop",
        reason="needs desktop support",
        handoff=Handoff(
            contact_verified=True,
            contact="x",
            no_error_shown=True,
            steps_taken=(Step(action="reboot", outcome=StepOutcome.FAILED),),
            articles=(ArticleRef(article_id="KB-1", usage=ArticleUsage.DID_NOT_HELP),),
        ),
        at=at(10),
        actor="a-sam",
    )
    return t.resolve(
        resolution="new cable",
        articles=(ArticleRef(article_id="KB-2", usage=ArticleUsage.HELPED, version=1),),
        at=at(40),
        actor="a-tom",
    )


def test_articles_by_category_and_lookup() -> None:
    assert [a.id for a in KB.for_category("printing")] == ["KB-1", "KB-2"]
    assert KB.article("KB-3").title == "Reset a password"
    with pytest.raises(UnknownArticle) as info:
        KB.article("KB-9")
    assert isinstance(info.value, LookupError)


def test_article_and_base_validation() -> None:
    with pytest.raises(ValidationError, match="version"):
        Article(id="KB-1", title="t", version=0)
    with pytest.raises(ValidationError, match="listed twice: KB-1"):
        KnowledgeBase(
            articles=(Article(id="KB-1", title="a"), Article(id="KB-1", title="b"))
        )


def test_uses_are_read_from_notes_hand_offs_and_resolutions() -> None:
    uses = KB.uses(worked_ticket())
    assert [(u.article_id, u.usage, u.site) for u in uses] == [
        ("KB-1", ArticleUsage.SUGGESTED, UseSite.NOTE),
        ("KB-1", ArticleUsage.DID_NOT_HELP, UseSite.HANDOFF),
        ("KB-2", ArticleUsage.HELPED, UseSite.RESOLUTION),
    ]
    assert uses[0].version == 2  # unversioned reference: the current version
    assert uses[0].title == "Printer offline"
    assert not any(u.flagged for u in uses)
    assert len(article_uses(worked_ticket())) == 3


def test_outdated_at_closure_is_flagged_wherever_the_article_is_used() -> None:
    ticket = worked_ticket()
    kb = review_at_closure(
        KB,
        ticket,
        outdated={"KB-1": "menu moved in driver v5"},
        at=at(41),
        actor="a-tom",
    )
    flagged = [u for u in kb.uses(ticket) if u.flagged]
    assert [(u.article_id, u.site) for u in flagged] == [
        ("KB-1", UseSite.NOTE),
        ("KB-1", UseSite.HANDOFF),
    ]
    assert "OUTDATED: menu moved in driver v5" in str(flagged[0])
    # Another ticket using the same article sees the flag too.
    other = Incident.open(
        summary="x", customer=Customer(id="c-2", name="Bo"), at=at(50), actor="a"
    ).add_note(Note(author="a", at=at(51), articles=(ArticleRef(article_id="KB-1"),)))
    assert kb.uses(other)[0].outdated is not None
    assert kb.outdated("KB-1").reported_by == "a-tom"  # type: ignore[union-attr]


def test_a_new_version_clears_the_flag_but_old_uses_keep_it() -> None:
    ticket = worked_ticket()
    kb = review_at_closure(KB, ticket, outdated={"KB-2": "old"}, at=at(41), actor="a")
    assert kb.outdated("KB-2") is not None
    kb = kb.publish(Article(id="KB-2", title="Replace a cable", version=2))
    assert kb.outdated("KB-2") is None
    # The resolution referred to version 1, which stays flagged.
    resolution_use = kb.uses(ticket)[-1]
    assert (resolution_use.version, resolution_use.flagged) == (1, True)
    with pytest.raises(ValidationError, match="publish version 3"):
        kb.publish(Article(id="KB-2", title="t", version=2))


def test_review_needs_a_resolved_ticket_and_a_used_article() -> None:
    open_ticket = Incident.open(
        summary="x", customer=Customer(id="c", name="c"), at=T0, actor="a"
    )
    with pytest.raises(ValidationError, match="reviewed at closure"):
        review_at_closure(KB, open_ticket, outdated={}, at=T0, actor="a")
    with pytest.raises(ValidationError, match="did not use KB-3"):
        review_at_closure(
            KB, worked_ticket(), outdated={"KB-3": "x"}, at=at(41), actor="a"
        )


def test_suggest_leaves_out_used_articles_and_puts_flagged_last() -> None:
    ticket = Incident.open(
        summary="x",
        customer=Customer(id="c", name="c"),
        at=T0,
        actor="a",
        category="printing",
    )
    assert [a.id for a in KB.suggest(ticket)] == ["KB-1", "KB-2"]
    kb = KB.report_outdated("KB-1", ticket=ticket, at=T0, actor="a", reason="old")
    assert [a.id for a in kb.suggest(ticket)] == ["KB-2", "KB-1"]
    assert [a.id for a in KB.suggest(worked_ticket())] == []


def test_knowledge_base_round_trips() -> None:
    kb = review_at_closure(
        KB, worked_ticket(), outdated={"KB-1": "old"}, at=at(41), actor="a"
    )
    assert loads(dumps(kb), KnowledgeBase) == kb


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=8))
def test_only_the_reported_version_is_flagged(versions: list[int]) -> None:
    ticket = worked_ticket()
    kb = KnowledgeBase(articles=(Article(id="KB-1", title="t", version=5),))
    for v in versions:
        kb = kb.report_outdated(
            "KB-1", ticket=ticket, at=T0, actor="a", reason=f"v{v}", version=v
        )
    for v in range(1, 6):
        report = kb.outdated("KB-1", v)
        assert (report is not None) == (v in versions)
        if report is not None:
            assert report.reason == f"v{v}"


@pytest.mark.parametrize("categories", [(5,), ("printing", None), [b"printing"]])
def test_categories_that_are_not_text_are_refused_not_converted(
    categories: object,
) -> None:
    with pytest.raises(ValidationError) as info:
        Article(id="KB-9", title="t", categories=categories)  # type: ignore[arg-type]
    assert info.value.path.startswith("categories[")  # names the item


def test_an_outdated_report_needs_an_aware_instant() -> None:
    from deskflow.knowledge import OutdatedReport

    with pytest.raises(ValidationError) as info:
        OutdatedReport(
            article_id="KB-1",
            version=1,
            ticket_id="t-1",
            reported_by="a-tom",
            at=datetime(2026, 3, 2, 9, 0),
            reason="old",
        )
    assert info.value.path == "at"


@pytest.mark.parametrize(("version", "words"), [(0, "from 1"), (3, "no version 3 yet")])
def test_only_a_version_the_article_has_had_can_be_reported(
    version: int, words: str
) -> None:
    with pytest.raises(ValidationError, match=words) as info:
        KB.report_outdated(
            "KB-1",
            ticket=worked_ticket(),
            at=at(50),
            actor="a-tom",
            reason="old",
            version=version,
        )
    assert info.value.path == "version"
    assert (
        KB.report_outdated(
            "KB-1",
            ticket=worked_ticket(),
            at=at(50),
            actor="a-tom",
            reason="old",
            version=1,
        ).outdated("KB-1", 1)
        is not None
    )
