"""Offers, requests and pairings on a real SQLite file: one decision per click, expiry that
counts silence, leaving and erasure that free places, and the pool a round sees."""

from __future__ import annotations

import pytest

from bot.challenge_areas import load_areas
from bot.clock import OffsetClock
from bot.db import Database
from bot.scheduler import Scheduler
from bot.server_areas import ServerAreas
from cogs.mentoring.matching import solve
from cogs.mentoring.pairings import PairingError, PairingService
from cogs.mentoring.service import MentoringConfig, MentoringError, MentoringService
from cogs.profiles.service import ProfileService
from tests.experts.test_search import G, person

MENTOR, MENTEE, OTHER = 10, 20, 30


@pytest.fixture
async def services(db: Database, clock: OffsetClock) -> tuple[MentoringService, PairingService]:
    catalog = ServerAreas(load_areas())
    profiles = ProfileService(db, clock, catalog)
    await person(profiles, MENTOR, "Nora", "disinformation", country="NL", affiliation="Leiden",
                 timezone="Europe/Amsterdam", areas=["disinformation"])  # fmt: skip
    await person(profiles, MENTEE, "Ana", "data", country="CA", affiliation="Ottawa",
                 career_stage="early-career", timezone="America/Toronto",
                 areas=["disinformation"])  # fmt: skip
    await person(profiles, OTHER, "Ben", "data", country="GB", affiliation="Leiden",
                 career_stage="early-career", areas=["disinformation"])  # fmt: skip
    config = MentoringConfig(max_missed=2)
    service = MentoringService(db, clock, catalog, profiles, config)
    return service, PairingService(db, clock, Scheduler(db, clock), config)


async def proposed(services: tuple[MentoringService, PairingService]) -> int:
    service, pairings = services
    await service.save_offer(G, MENTOR, capacity=1, areas=None, methods=None, languages=None,
                             offer="Research design", free_hours=None)  # fmt: skip
    await service.create_request(G, MENTEE, goals="disinformation research", areas=None,
                                 methods=None, languages=None, country_pref="any",
                                 avoid=None)  # fmt: skip
    mentees, mentors, request_ids = await service.pool(G)
    result = solve(mentees, mentors, service.config.weights)
    [pairing] = await pairings.propose(G, result.pairs, request_ids)
    await delivered(pairings, pairing.id)
    return pairing.id


async def delivered(pairings: PairingService, pairing_id: int) -> None:
    """Both sides received the proposal, as the flow records after sending it."""
    pairing = await pairings.get(pairing_id)
    assert pairing is not None
    for user in (pairing.mentor_id, pairing.mentee_id):
        await pairings.delivered(pairing_id, user, "dm")


async def test_the_pool_keeps_hard_constraints(
    services: tuple[MentoringService, PairingService],
) -> None:
    service, _ = services
    await service.save_offer(G, MENTOR, capacity=2, areas=None, methods=None, languages=None,
                             offer="Research design", free_hours="Tue 14-16")  # fmt: skip
    for user in (MENTEE, OTHER):
        await service.create_request(G, user, goals="help", areas=None, methods=None,
                                     languages=None, country_pref="any", avoid=None)  # fmt: skip
    mentees, mentors, _ = await service.pool(G)
    [mentor] = mentors
    assert mentor.capacity == 2 and mentor.custom_hours and len(mentor.hours) == 8
    result = solve(mentees, mentors, service.config.weights)
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(MENTEE, MENTOR)]
    assert result.unmatched[0].why.startswith("every mentor with a shared language is at their")


async def test_one_answer_per_side_and_both_accepting_starts_check_ins(
    services: tuple[MentoringService, PairingService], db: Database
) -> None:
    _, pairings = services
    pairing_id = await proposed(services)
    with pytest.raises(PairingError, match="for someone else"):
        await pairings.answer(pairing_id, OTHER, True)
    waiting = await pairings.answer(pairing_id, MENTEE, True)
    assert waiting.status == "proposed"
    with pytest.raises(PairingError, match="You already accepted this proposal"):
        await pairings.answer(pairing_id, MENTEE, False)
    active = await pairings.answer(pairing_id, MENTOR, True)
    assert active.status == "active" and active.started_at is not None
    jobs = await db.fetchall("SELECT kind, job_key, status FROM scheduled_jobs ORDER BY id", ())
    assert [(r["job_key"], r["status"]) for r in jobs] == [
        ("proposal:1", "cancelled"), ("pairing:1:1", "pending"), ("pairing:1:2", "pending"),
        ("pairing:1:3", "pending"),
    ]  # fmt: skip
    ended = await pairings.end(pairing_id, MENTEE, 1, "useful")
    assert ended.status == "ended" and ended.outcome == "ended"
    pending = await db.fetchval("SELECT COUNT(*) FROM scheduled_jobs WHERE status = 'pending'")
    assert pending == 0
    with pytest.raises(PairingError, match="already ended"):
        await pairings.end(pairing_id, MENTOR, 1, "")


async def test_silence_is_counted_and_pauses_after_the_limit(
    services: tuple[MentoringService, PairingService],
) -> None:
    service, pairings = services
    first = await proposed(services)
    await pairings.answer(first, MENTEE, True)
    expired = await pairings.expire(first)
    assert expired is not None and expired.silent == (MENTOR,) and expired.paused == ()
    assert await pairings.expire(first) is None  # a second fire changes nothing
    offer = await service.get_offer(G, MENTOR)
    assert offer is not None and offer.missed == 1 and offer.status == "active"
    request = await service.open_request(G, MENTEE)
    assert request is not None and request.status == "open"
    # The same pair is never proposed again; a second silent proposal pauses the mentor.
    mentees, mentors, _ = await service.pool(G)
    assert solve(mentees, mentors, service.config.weights).pairs == []
    await service.create_request(G, OTHER, goals="help", areas=None, methods=None,
                                 languages=None, country_pref="any", avoid=None)  # fmt: skip
    await db_clear_institution(service, OTHER)
    mentees, mentors, request_ids = await service.pool(G)
    [second] = await pairings.propose(
        G, solve(mentees, mentors, service.config.weights).pairs, request_ids
    )
    await delivered(pairings, second.id)
    expired = await pairings.expire(second.id)
    assert expired is not None and MENTOR in expired.paused
    paused = await service.get_offer(G, MENTOR)
    assert paused is not None and paused.status == "paused"
    assert await service.set_paused(G, MENTOR, False) == ["offer"]


async def db_clear_institution(service: MentoringService, user_id: int) -> None:
    """Ben moves institution, so he may now be paired with Nora."""
    await service._db.execute(
        "UPDATE profiles SET affiliation = 'Oxford' WHERE guild_id = ? AND user_id = ?",
        (G, user_id),
    )


async def test_leaving_and_erasure_free_the_place(
    services: tuple[MentoringService, PairingService],
) -> None:
    service, pairings = services
    pairing_id = await proposed(services)
    await pairings.answer(pairing_id, MENTEE, True)
    await pairings.answer(pairing_id, MENTOR, True)
    assert await service.used_places(G, MENTOR) == 1
    [closed] = await pairings.member_left(G, MENTOR)
    assert closed.id == pairing_id
    after = await pairings.get(pairing_id)
    assert after is not None and after.status == "ended" and after.outcome == "member-left"
    assert await service.used_places(G, MENTOR) == 0
    request = await service.open_request(G, MENTEE)
    assert request is not None and request.status == "open"
    assert await service.erase(G, MENTEE) >= 2
    assert (await service.export(G, MENTEE))["pairings"] == []


async def test_bad_offers_are_refused(
    services: tuple[MentoringService, PairingService],
) -> None:
    service, _ = services
    with pytest.raises(MentoringError, match=r"1 to 5 \(you gave 6\)"):
        await service.save_offer(G, MENTOR, capacity=6, areas=None, methods=None,
                                 languages=None, offer="x", free_hours=None)  # fmt: skip
    with pytest.raises(MentoringError, match="Mentoring offers are for"):
        await service.save_offer(G, MENTEE, capacity=1, areas=None, methods=None,
                                 languages=None, offer="x", free_hours=None)  # fmt: skip
    assert await service.get_offer(G, MENTOR) is None


async def test_two_rounds_at_once_never_overfill_a_mentor(
    services: tuple[MentoringService, PairingService],
) -> None:
    service, pairings = services
    await service.save_offer(G, MENTOR, capacity=1, areas=None, methods=None, languages=None,
                             offer="Research design", free_hours=None)  # fmt: skip
    await service.create_request(G, MENTEE, goals="help", areas=None, methods=None,
                                 languages=None, country_pref="any", avoid=None)  # fmt: skip
    await service.create_request(G, OTHER, goals="help", areas=None, methods=None,
                                 languages=None, country_pref="any", avoid=None)  # fmt: skip
    await db_clear_institution(service, OTHER)
    first = await service.pool(G)
    second = await service.pool(G)  # both rounds see one free place
    one = solve(first[0][:1], first[1], service.config.weights)
    other = solve(second[0][1:], second[1], service.config.weights)
    assert await pairings.propose(G, one.pairs, first[2])
    assert await pairings.propose(G, other.pairs, second[2]) == []
    assert await service.used_places(G, MENTOR) == 1


async def test_a_mentee_s_own_free_hours_replace_the_working_day(
    services: tuple[MentoringService, PairingService],
) -> None:
    service, _ = services
    with pytest.raises(MentoringError, match="'whenever' is not a time range"):
        await service.create_request(G, MENTEE, goals="help", areas=None, methods=None,
                                     languages=None, country_pref="any", avoid=None,
                                     free_hours="whenever")  # fmt: skip
    request = await service.create_request(G, MENTEE, goals="help", areas=None, methods=None,
                                           languages=None, country_pref="any", avoid=None,
                                           free_hours="Sat 10-12:30")  # fmt: skip
    assert request.free_hours == "Sat 10-12:30"
    await service.create_request(G, OTHER, goals="help", areas=None, methods=None,
                                 languages=None, country_pref="any", avoid=None)  # fmt: skip
    mentees, _, _ = await service.pool(G)
    mine = next(m for m in mentees if m.user_id == MENTEE)
    other = next(m for m in mentees if m.user_id == OTHER)
    assert mine.custom_hours and len(mine.hours) == 10
    assert not other.custom_hours and len(other.hours) == 5 * 8 * 4
