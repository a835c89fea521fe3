"""Review findings on a real SQLite file: a double click on a check-in, and pausing that
changes the offer and the request together or not at all."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.db import Database
from cogs.mentoring.pairings import PairingError, PairingService
from cogs.mentoring.service import MentoringService
from tests.experts.test_search import G
from tests.mentoring.test_service import MENTEE, MENTOR, OTHER, proposed, services

__all__ = ["services"]  # the fixture, shared


async def test_a_double_click_on_a_check_in_counts_once_and_says_so(
    services: tuple[MentoringService, PairingService], db: Database
) -> None:
    _, pairings = services
    pairing_id = await proposed(services)
    await pairings.answer(pairing_id, MENTEE, True)
    await pairings.answer(pairing_id, MENTOR, True)
    first, second = await asyncio.gather(
        pairings.checkin(pairing_id, MENTEE, 1, "well"),
        pairings.checkin(pairing_id, MENTEE, 1, "help"),
        return_exceptions=True,
    )
    assert not isinstance(first, BaseException)
    assert isinstance(second, PairingError), second
    assert "You already answered this check-in: Going well." in str(second)
    rows = await db.fetchall(
        "SELECT answer FROM mentor_checkins WHERE pairing_id = ?", (pairing_id,)
    )
    assert [r["answer"] for r in rows] == ["well"]


async def test_pausing_changes_offer_and_request_together_or_not_at_all(
    services: tuple[MentoringService, PairingService], db: Database
) -> None:
    service, _ = services
    await db.execute(
        "UPDATE profiles SET career_stage = 'senior' WHERE guild_id = ? AND user_id = ?",
        (G, OTHER),
    )
    await service.save_offer(G, OTHER, capacity=1, areas=None, methods=None, languages=None,
                             offer="Research design", free_hours=None)  # fmt: skip
    await db.execute(
        "UPDATE profiles SET career_stage = 'early-career' WHERE guild_id = ? AND user_id = ?",
        (G, OTHER),
    )
    await service.create_request(G, OTHER, goals="help", areas=None, methods=None,
                                 languages=None, country_pref="any", avoid=None)  # fmt: skip
    await db.execute(
        "CREATE TRIGGER fail_request AFTER UPDATE ON mentee_requests "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END",
        (),
    )
    with pytest.raises(sqlite3.DatabaseError):
        await service.set_paused(G, OTHER, True)
    offer = await service.get_offer(G, OTHER)
    assert offer is not None and offer.status == "active"


async def test_an_export_never_shows_the_other_sides_private_feedback_or_answer(
    services: tuple[MentoringService, PairingService],
) -> None:
    """End-of-pairing feedback is 'only moderators read this', and a decline is private:
    neither reaches the other member through /profile export."""
    service, pairings = services
    pairing_id = await proposed(services)
    await pairings.answer(pairing_id, MENTEE, True)
    await pairings.answer(pairing_id, MENTOR, True)
    await pairings.end(pairing_id, MENTEE, 1, "My mentor kept cancelling.")
    mine = await service.export(G, MENTEE)
    assert mine["pairings"][0]["feedback"] == "My mentor kept cancelling."
    theirs = await service.export(G, MENTOR)
    [pairing] = theirs["pairings"]
    assert "kept cancelling" not in str(theirs)
    assert pairing["feedback"] is None and pairing["mentee_answer"] is None
    assert pairing["ended_by"] is None and mine["pairings"][0]["ended_by"] == MENTEE
    assert pairing["mentor_answer"] == "accept" and pairing["status"] == "ended"


async def test_two_proposals_of_one_round_left_unanswered_count_as_one_miss(
    services: tuple[MentoringService, PairingService],
) -> None:
    """A mentor with two places who misses one round is not paused 'again' at once: the
    proposals of one round expire together and count as one silence."""
    from cogs.mentoring.matching import solve
    from tests.experts.test_search import person
    from tests.mentoring.test_service import delivered

    service, pairings = services
    await person(service.profiles, 40, "Cleo", "data", country="FR", affiliation="Sciences Po",
                 career_stage="early-career", areas=["disinformation"])  # fmt: skip
    await service.save_offer(G, MENTOR, capacity=2, areas=None, methods=None, languages=None,
                             offer="Research design", free_hours=None)  # fmt: skip
    for user in (MENTEE, 40):
        await service.create_request(G, user, goals="disinformation research", areas=None,
                                     methods=None, languages=None, country_pref="any",
                                     avoid=None)  # fmt: skip
    mentees, mentors, request_ids = await service.pool(G)
    proposals = await pairings.propose(
        G, solve(mentees, mentors, service.config.weights).pairs, request_ids
    )
    assert len(proposals) == 2
    for p in proposals:
        await delivered(pairings, p.id)
    expired = [await pairings.expire(p.id) for p in proposals]
    assert [e.paused for e in expired if e is not None] == [(), ()]
    offer = await service.get_offer(G, MENTOR)
    assert offer is not None and offer.missed == 1 and offer.status == "active"


async def test_both_sides_ending_at_once_end_it_once(
    services: tuple[MentoringService, PairingService], db: Database
) -> None:
    """Each side's End form can be submitted at the same moment: one ends the pairing and
    keeps its feedback, the other is told it has already ended."""
    _, pairings = services
    pairing_id = await proposed(services)
    await pairings.answer(pairing_id, MENTEE, True)
    await pairings.answer(pairing_id, MENTOR, True)
    first, second = await asyncio.gather(
        pairings.end(pairing_id, MENTEE, 1, "mentee's words"),
        pairings.end(pairing_id, MENTOR, 1, "mentor's words"),
        return_exceptions=True,
    )
    assert not isinstance(first, BaseException)
    assert isinstance(second, PairingError) and "already ended" in str(second)
    row = await db.fetchone("SELECT ended_by, feedback FROM mentor_pairings WHERE id = ?",
                            (pairing_id,))  # fmt: skip
    assert row is not None and (row["ended_by"], row["feedback"]) == (MENTEE, "mentee's words")
