"""EventService and RsvpBook on a real SQLite file: refusals, claims and the area digest."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.clock import OffsetClock
from bot.db import Database
from bot.scheduler import Scheduler
from cogs.events.model import Draft, EventError
from cogs.events.rsvp import RsvpBook
from cogs.events.service import EventService

G, ORG = 100, 200


@pytest.fixture
def service(db: Database, clock: OffsetClock) -> EventService:
    return EventService(db, clock, Scheduler(db, clock))


@pytest.fixture
def book(db: Database, clock: OffsetClock) -> RsvpBook:
    return RsvpBook(db, clock, Scheduler(db, clock), timedelta(hours=1))


async def live(service: EventService, clock: OffsetClock, area: str | None = "data") -> int:
    start = clock.now() + timedelta(days=2)
    draft = Draft("Data clinic", "in 2 days", "UTC", start, start + timedelta(hours=1),
                  area=area, reminders=(86400, 3600))  # fmt: skip
    event = await service.create_draft(G, ORG, draft)
    return (await service.confirm(G, event.id, ORG)).id


async def test_rsvp_to_cancelled_event_is_refused(
    service: EventService, book: RsvpBook, clock: OffsetClock
) -> None:
    event_id = await live(service, clock)
    event = await service.get(G, event_id)
    assert event is not None
    await service.cancel(event)
    cancelled = await service.get(G, event_id)
    assert cancelled is not None
    with pytest.raises(EventError, match="was cancelled, so it takes no answers"):
        await book.answer(cancelled, 1, "amira", "going")
    with pytest.raises(EventError, match="already cancelled"):
        await service.cancel(cancelled)


async def test_a_claimed_reminder_is_never_claimed_again(
    service: EventService, clock: OffsetClock
) -> None:
    event = await service.get(G, await live(service, clock))
    assert event is not None
    assert await service.claim_delivery(event, 3600, 7, "run-a")
    assert not await service.claim_delivery(event, 3600, 7, "run-a")
    await service.release_delivery(event, 3600, 7, "run-a")
    assert await service.claim_delivery(event, 3600, 7, "run-a")
    # A later run sees run-a's unfinished claim once, as 'unknown', and cannot claim it.
    assert await service.stale_claims(event, 3600, "run-b") == [7]
    assert await service.stale_claims(event, 3600, "run-b") == []
    assert not await service.claim_delivery(event, 3600, 7, "run-b")
    assert await service.deliveries(event.id) == [(7, 3600, "unknown")]


async def test_confirm_twice_and_by_someone_else(service: EventService, clock: OffsetClock) -> None:
    start = clock.now() + timedelta(days=1)
    draft = Draft("T", "x", "UTC", start, start + timedelta(hours=1))
    event = await service.create_draft(G, ORG, draft)
    with pytest.raises(EventError, match="Only the member who made this preview"):
        await service.confirm(G, event.id, 999)
    await service.confirm(G, event.id, ORG)
    with pytest.raises(EventError, match="was already created"):
        await service.confirm(G, event.id, ORG)


async def test_upcoming_for_area_for_the_digest(service: EventService, clock: OffsetClock) -> None:
    await live(service, clock, area="data")
    await live(service, clock, area="evaluation")
    now = clock.now()
    found = await service.upcoming_for_area(G, "data", now, now + timedelta(days=7))
    assert [b.title for b in found] == ["Data clinic"]
    assert await service.upcoming_for_area(G, "data", now, now + timedelta(days=1)) == []


async def test_export_and_erase(service: EventService, book: RsvpBook, clock: OffsetClock) -> None:
    event = await service.get(G, await live(service, clock))
    assert event is not None
    await book.answer(event, 7, "amira", "going")
    await service.set_prefs(G, 7, [7200], True)
    exported = await service.export(G, 7)
    assert exported["rsvps"][0]["status"] == "going"
    assert exported["reminder_offsets_seconds"] == [7200]
    assert await service.erase(G, 7) == 2
    assert (await service.export(G, 7))["rsvps"] == []


@pytest.mark.parametrize("typed", ["²", "#١٢", "99999999999999999999999", "12345678901234567890 x"])
async def test_odd_numbers_typed_as_an_event_get_the_usual_answer(
    service: EventService, typed: str
) -> None:
    """Superscript or Arabic-Indic digits pass str.isdigit() but not int(), and a huge
    number overflows SQLite: both were 'something went wrong' instead of a refusal."""
    with pytest.raises(EventError, match="There is no event"):
        await service.require(G, typed)


async def test_promotion_after_a_capacity_raise_never_overbooks(
    service: EventService, book: RsvpBook, clock: OffsetClock
) -> None:
    """/event edit capacity promotes the waitlist after the edit. Promotion read the free
    places and then filled them statement by statement, so a Going click landing in
    between took a place that was then given away a second time."""
    start = clock.now() + timedelta(days=2)
    draft = Draft("Clinic", "in 2 days", "UTC", start, start + timedelta(hours=1), capacity=1)
    event = await service.confirm(G, (await service.create_draft(G, ORG, draft)).id, ORG)
    for user in (1, 2, 3):
        await book.answer(event, user, f"m{user}", "going")
    raised = (await service.edit(event, {"capacity": 2})).event
    await asyncio.gather(book.promote(raised), book.answer(raised, 4, "m4", "going"))
    summary = await book.summary(event.id)
    assert len(summary.going) + summary.offered <= 2, summary


async def test_an_answer_schedules_the_members_own_reminder_in_its_transaction(
    service: EventService, book: RsvpBook, db: Database, clock: OffsetClock
) -> None:
    """The answer and its member's own reminder are one commit: no crash between them can
    leave a Going member without the reminder they asked for."""
    await service.set_prefs(G, 7, [2 * 3600], include_maybe=False)
    event = await service.get(G, await live(service, clock))
    assert event is not None

    async def offsets() -> list[str]:
        rows = await db.fetchall(
            "SELECT job_key FROM scheduled_jobs WHERE status = 'pending' AND job_key LIKE ?",
            (f"event:{event.id}:%",),
        )
        return sorted(str(r["job_key"]) for r in rows)

    before = await offsets()
    await book.answer(event, 7, "amira", "going")
    assert await offsets() == sorted([*before, f"event:{event.id}:7200"])
