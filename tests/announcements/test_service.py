"""AnnouncementService on a real SQLite file: drafts, the life cycle, and run claims that
never post twice (a second fire, a restart mid-post, a retry, a missed run)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import OffsetClock
from bot.db import Database
from bot.scheduler import Scheduler
from bot.timeparse import TimeContext
from cogs.announcements.model import (
    STOPPED,
    AnnouncementError,
    read_timing,
    retime,
)
from cogs.announcements.service import AnnouncementService

G, MOD, OTHER, CHANNEL = 100, 200, 300, 400
CONTENT = ("Title", "Body", "embed", None)


@pytest.fixture
def scheduler(db: Database, clock: OffsetClock) -> Scheduler:
    return Scheduler(db, clock)


@pytest.fixture
def service(db: Database, clock: OffsetClock, scheduler: Scheduler) -> AnnouncementService:
    return AnnouncementService(db, clock, scheduler)


async def live(
    service: AnnouncementService, clock: OffsetClock, repeat: str = "none", approval: bool = False
) -> int:
    timing = read_timing("in 1 hour", repeat, TimeContext("Europe/London"), clock.now())
    draft = await service.create_draft(G, MOD, CHANNEL, timing, CONTENT)
    return (await service.confirm(G, draft.id, MOD, approval)).id


async def pending_jobs(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM scheduled_jobs WHERE status = 'pending'"))


async def test_draft_is_not_live_until_confirmed(
    service: AnnouncementService, clock: OffsetClock, db: Database
) -> None:
    timing = read_timing("in 1 hour", "daily", TimeContext("UTC"), clock.now())
    draft = await service.create_draft(G, MOD, CHANNEL, timing, CONTENT)
    assert draft.state == "draft" and await pending_jobs(db) == 0
    assert await service.list_live(G) == []
    with pytest.raises(AnnouncementError, match="not yours"):
        await service.confirm(G, draft.id, OTHER, False)
    found = await service.confirm(G, draft.id, MOD, False)
    assert found.state == "scheduled" and found.next_run_at == timing.starts_at
    assert await pending_jobs(db) == 1


async def test_a_one_off_whose_time_passed_before_confirm_is_refused(
    service: AnnouncementService, clock: OffsetClock, db: Database
) -> None:
    timing = read_timing("in 1 hour", "none", TimeContext("UTC"), clock.now())
    draft = await service.create_draft(G, MOD, CHANNEL, timing, CONTENT)
    clock.advance(timedelta(hours=2))
    with pytest.raises(AnnouncementError, match="which has passed"):
        await service.confirm(G, draft.id, MOD, False)
    assert (await service.get(G, draft.id)).state == "draft"  # type: ignore[union-attr]
    assert await pending_jobs(db) == 0


async def test_a_run_is_claimed_once(service: AnnouncementService, clock: OffsetClock) -> None:
    announcement_id = await live(service, clock, "daily")
    found = await service.get(G, announcement_id)
    assert found is not None and found.next_run_at is not None
    due = found.next_run_at
    first = await service.claim(announcement_id, due, late=False)
    second = await service.claim(announcement_id, due, late=False)
    assert first.outcome == "go"
    assert (second.outcome, second.reason) == ("skip", "this run is already sending")
    assert first.run is not None
    await service.sent(first.run, CHANNEL, 999)
    third = await service.claim(announcement_id, due, late=False)
    assert (third.outcome, third.reason) == ("skip", "this run is already sent")
    after = await service.get(G, announcement_id)
    assert after is not None and after.next_run_at == due + timedelta(days=1)


async def test_a_post_interrupted_by_a_restart_is_reported_not_repeated(
    service: AnnouncementService,
    clock: OffsetClock,
    db: Database,
    scheduler: Scheduler,
) -> None:
    announcement_id = await live(service, clock)
    found = await service.get(G, announcement_id)
    assert found is not None and found.next_run_at is not None
    assert (await service.claim(announcement_id, found.next_run_at, late=False)).outcome == "go"
    restarted = AnnouncementService(db, clock, scheduler)  # a new process: nothing in flight
    again = await restarted.claim(announcement_id, found.next_run_at, late=False)
    assert again.outcome == "interrupted"
    [run] = await restarted.history(announcement_id)
    assert run.status == "failed" and "may or may not have been posted" in (run.error or "")


async def test_a_failed_attempt_is_retried_then_fails_the_one_off(
    service: AnnouncementService, clock: OffsetClock
) -> None:
    announcement_id = await live(service, clock)
    found = await service.get(G, announcement_id)
    assert found is not None and found.next_run_at is not None
    claim = await service.claim(announcement_id, found.next_run_at, late=False)
    assert claim.run is not None
    await service.failed(claim.run, "channel gone", "pick another", final=False)
    retry = await service.claim(announcement_id, found.next_run_at, late=False)
    assert retry.outcome == "go" and retry.run is not None and retry.run.attempts == 2
    await service.failed(retry.run, "channel gone", "pick another", final=True)
    after = await service.get(G, announcement_id)
    assert after is not None and after.state == "failed"
    [run] = await service.history(announcement_id)
    assert (run.status, run.error, run.fix) == ("failed", "channel gone", "pick another")


async def test_a_missed_run_is_recorded_and_the_recurrence_goes_on(
    service: AnnouncementService, clock: OffsetClock, db: Database
) -> None:
    announcement_id = await live(service, clock, "daily")
    found = await service.get(G, announcement_id)
    assert found is not None and found.next_run_at is not None
    clock.advance(timedelta(days=2))
    await service.missed(announcement_id, found.next_run_at)
    [run] = await service.history(announcement_id)
    assert run.status == "missed"
    after = await service.get(G, announcement_id)
    assert after is not None and after.next_run_at is not None
    assert after.next_run_at > clock.now()
    assert await pending_jobs(db) == 2  # the missed job stays until the scheduler marks it


async def test_pause_resume_cancel_and_edit_rules(
    service: AnnouncementService, clock: OffsetClock, db: Database
) -> None:
    announcement_id = await live(service, clock, "weekly")
    found = await service.get(G, announcement_id)
    assert found is not None
    paused = await service.pause(found)
    assert paused.state == "paused" and await pending_jobs(db) == 0
    resumed = await service.resume(paused)
    assert resumed.state == "scheduled" and await pending_jobs(db) == 1
    timing = retime(resumed, None, "daily", None, clock.now())
    edited = await service.edit(resumed, timing=timing)
    assert edited.repeat == "daily" and await pending_jobs(db) == 1
    cancelled = await service.cancel(edited)
    assert await pending_jobs(db) == 0
    with pytest.raises(AnnouncementError, match="is cancelled, so you cannot edit it"):
        await service.edit(cancelled, content=("New", "Body", "embed", None))


async def test_approval_needs_a_second_moderator(
    service: AnnouncementService, clock: OffsetClock, db: Database
) -> None:
    announcement_id = await live(service, clock, approval=True)
    assert await pending_jobs(db) == 0
    with pytest.raises(AnnouncementError, match="a second moderator has to approve it"):
        await service.approve(G, announcement_id, MOD)
    approved = await service.approve(G, announcement_id, OTHER)
    assert approved.state == "scheduled" and approved.approved_by == OTHER
    assert await pending_jobs(db) == 1
    with pytest.raises(AnnouncementError, match="not waiting for approval"):
        await service.approve(G, announcement_id, OTHER)


async def test_export_and_erase_keep_the_announcement_without_the_moderator(
    service: AnnouncementService, clock: OffsetClock
) -> None:
    announcement_id = await live(service, clock)
    exported = await service.export(G, MOD)
    assert [row["id"] for row in exported] == [announcement_id]
    assert await service.erase(G, MOD) == 1
    found = await service.get(G, announcement_id)
    assert found is not None and found.author_id is None and found.state == "scheduled"


async def test_a_run_the_scheduler_gave_up_on_keeps_the_recurrence_going(
    service: AnnouncementService, clock: OffsetClock
) -> None:
    announcement_id = await live(service, clock, "daily")
    found = await service.get(G, announcement_id)
    assert found is not None and found.next_run_at is not None
    claim = await service.claim(announcement_id, found.next_run_at, late=False)
    assert claim.run is not None
    await service.failed(claim.run, "boom", "retry", final=False)
    await service.gave_up(announcement_id, found.next_run_at, "failed", "crashed", "send now")
    [run] = await service.history(announcement_id)
    assert (run.status, run.error) == ("failed", "crashed")
    after = await service.get(G, announcement_id)
    assert after is not None and after.state == "scheduled"
    assert after.next_run_at == found.next_run_at + timedelta(days=1)


async def test_previews_nobody_answered_are_cleared_after_a_day(
    service: AnnouncementService, clock: OffsetClock, db: Database
) -> None:
    timing = read_timing("in 3 days at 9am", "none", TimeContext("UTC"), clock.now())
    await service.create_draft(G, MOD, CHANNEL, timing, CONTENT)
    clock.advance(timedelta(days=1, minutes=1))
    await service.create_draft(G, MOD, CHANNEL, timing, CONTENT)
    assert await db.fetchval("SELECT COUNT(*) FROM announcements WHERE state = 'draft'") == 1


async def test_pausing_ends_a_run_waiting_for_its_retry(
    service: AnnouncementService, clock: OffsetClock
) -> None:
    announcement_id = await live(service, clock, "daily")
    found = await service.get(G, announcement_id)
    assert found is not None and found.next_run_at is not None
    claim = await service.claim(announcement_id, found.next_run_at, late=False)
    assert claim.run is not None
    await service.failed(claim.run, "boom", "retry", final=False)
    current = await service.get(G, announcement_id)
    assert current is not None
    await service.pause(current)
    runs = await service.history(announcement_id)
    assert [(r.status, r.error) for r in runs] == [("failed", STOPPED)]
    retry = await service.claim(announcement_id, found.next_run_at, late=False)
    assert retry.outcome == "skip"


async def test_a_new_zone_alone_keeps_the_wall_clock_time(
    service: AnnouncementService, clock: OffsetClock
) -> None:
    timing = read_timing("in 3 days at 09:00", "weekly", TimeContext("europe/london"), clock.now())
    assert timing.zone == "Europe/London"
    draft = await service.create_draft(G, MOD, CHANNEL, timing, CONTENT)
    found = await service.confirm(G, draft.id, MOD, False)
    moved = retime(found, None, None, "Asia/Tokyo", clock.now())
    assert moved is not None and moved.recurrence.repeat == "weekly"
    local = moved.starts_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert local.strftime("%H:%M") == "09:00"
    with pytest.raises(AnnouncementError, match="'Mars/Base' is not a time zone I know"):
        retime(found, None, None, "Mars/Base", clock.now())


@pytest.mark.parametrize("typed", ["²", "#١٢", "99999999999999999999999"])
async def test_odd_numbers_typed_as_an_announcement_get_the_usual_answer(
    service: AnnouncementService, typed: str
) -> None:
    """str.isdigit() accepts '²' (int() does not) and SQLite cannot hold a huge number."""
    with pytest.raises(AnnouncementError, match="There is no announcement"):
        await service.require(1, typed)
