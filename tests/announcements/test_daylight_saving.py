"""A weekly announcement across a clock change, delivered by the real scheduler on a real
SQLite file while the project's clock moves through the night: a time the clocks repeat is
posted once (at its first instant), a time they skip once (later by the jump)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import OffsetClock, from_db_time
from bot.db import Database
from bot.scheduler import Job, Scheduler
from cogs.announcements.model import RUN_JOB, Timing
from cogs.announcements.recurrence import first_run, parse_repeat
from cogs.announcements.service import AnnouncementService
from tests.dst_oracle import ZONES, Change, changes, expected_instant, instants_reading

G, MOD, CHANNEL = 100, 200, 400
CONTENT = ("Weekly digest", "Body", "embed", None)
STEP = timedelta(minutes=30)

# The first change each way after mid-2027 in each zone that has them.
YEAR = (datetime(2027, 6, 1, tzinfo=UTC), datetime(2028, 6, 1, tzinfo=UTC))
CHANGES = [(zone, change) for zone in ZONES for change in changes(zone, *YEAR)[:2]]
# The clock starts before them, so they are ahead of it whenever the suite runs.
pytestmark = pytest.mark.clock_at(YEAR[0])


class Channel:
    """Stands in for Discord: the handler claims the run as the delivery does, then posts."""

    def __init__(self, service: AnnouncementService, clock: OffsetClock) -> None:
        self.service, self.clock = service, clock
        self.posted: list[datetime] = []

    async def run(self, job: Job) -> None:
        scheduled_for = from_db_time(job.payload["scheduled_for"])
        claim = await self.service.claim(
            int(job.payload["announcement_id"]), scheduled_for, late=job.late
        )
        if claim.outcome == "go" and claim.run is not None:
            assert timedelta(0) <= self.clock.now() - scheduled_for < STEP  # posted on time
            self.posted.append(scheduled_for)
            await self.service.sent(claim.run, CHANNEL, len(self.posted))


async def walk(clock: OffsetClock, scheduler: Scheduler, until: datetime) -> None:
    """Move the clock half an hour at a time (sooner when work is due), running what is due."""
    while clock.now() < until:
        due = await scheduler.next_due()
        step = clock.now() + STEP
        clock.set(min(due, step) if due is not None and due > clock.now() else step)
        await scheduler.run_due()


@pytest.mark.parametrize(
    ("zone", "change"),
    CHANGES,
    ids=[f"{z}-{'forward' if c.forward else 'back'}" for z, c in CHANGES],
)
async def test_a_weekly_post_in_the_changed_hour_goes_out_once(
    db: Database, clock: OffsetClock, zone: str, change: Change
) -> None:
    tz = ZoneInfo(zone)
    low, high = change.odd_walls
    wall = low + (high - low) / 2  # 01:30 in London, 02:15 on Lord Howe, 03:15 on Chatham
    first_wall = wall - timedelta(weeks=1)
    first = expected_instant(first_wall, tz)
    scheduler = Scheduler(db, clock)
    service = AnnouncementService(db, clock, scheduler)
    channel = Channel(service, clock)
    scheduler.register(RUN_JOB, channel.run)
    clock.set(first - timedelta(days=2))

    weekly = parse_repeat("weekly", first.astimezone(tz))
    start = first_run(weekly, zone, first)
    assert start == first
    draft = await service.create_draft(G, MOD, CHANNEL, Timing(zone, start, weekly), CONTENT)
    await service.confirm(G, draft.id, MOD, False)
    await walk(clock, scheduler, first + timedelta(weeks=2, hours=1))

    readings = instants_reading(wall, tz)
    assert len(readings) == (0 if change.forward else 2)  # the case meets the change
    on_the_day = readings[0] if readings else wall.replace(tzinfo=UTC) - change.before
    assert channel.posted == [first, on_the_day, expected_instant(wall + timedelta(weeks=1), tz)]
    history = await service.history(draft.id)
    assert [run.status for run in history] == ["sent"] * 3
    assert await scheduler.pending_count() == 1  # the week after, once
