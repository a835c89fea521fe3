"""The scheduler on a real SQLite file, with a clock the tests move forward."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import OffsetClock
from bot.db import Database
from bot.migrations import migrate
from bot.scheduler import Job, Scheduler, SchedulerPolicy
from bot.wallclock import next_cron_time

Reports = list[tuple[int, str, str | None]]


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


class Harness:
    """A database plus scheduler that can be stopped and started again like the bot."""

    def __init__(self, path: Path, clock: OffsetClock, policy: SchedulerPolicy) -> None:
        self.path, self.clock, self.policy = path, clock, policy
        self.calls: list[Job] = []
        self.reports: Reports = []
        self.db: Database
        self.scheduler: Scheduler

    async def start(
        self,
        handler: Callable[[Job], Awaitable[None]] | None = None,
        ready: Callable[[], Awaitable[Any]] | None = None,
    ) -> None:
        self.db = await Database.open(self.path)
        await migrate(self.db, self.clock)

        async def report(job: Job, outcome: str, error: str | None) -> None:
            self.reports.append((job.id, outcome, error))

        self.scheduler = Scheduler(self.db, self.clock, self.policy, reporter=report, ready=ready)
        self.scheduler.register("test.note", handler or self.record)
        await self.scheduler.start()

    async def record(self, job: Job) -> None:
        self.calls.append(job)

    async def stop(self) -> None:
        await self.scheduler.stop()
        await self.db.close()

    async def status(self, job_id: int) -> str:
        row = await self.scheduler.get(job_id)
        assert row is not None
        return str(row["status"])


@pytest.fixture
async def harness(db_path: Path, clock: OffsetClock) -> AsyncIterator[Harness]:
    h = Harness(db_path, clock, SchedulerPolicy(grace_period=timedelta(hours=6)))
    yield h
    if h.scheduler.running:
        await h.stop()


async def test_pending_job_survives_restart_and_fires_once(
    harness: Harness, clock: OffsetClock
) -> None:
    await harness.start()
    job_id = await harness.scheduler.schedule(
        "test.note", clock.now() + timedelta(hours=1), {"n": 1}
    )
    await harness.stop()

    await harness.start()
    clock.advance(timedelta(hours=1))
    await eventually(lambda: _is(harness, job_id, "done"))
    assert [job.payload for job in harness.calls] == [{"n": 1}]
    assert harness.calls[0].late is False

    await harness.scheduler.run_due()
    await harness.stop()
    await harness.start()
    await asyncio.sleep(0.05)
    assert len(harness.calls) == 1


async def test_job_due_during_downtime_runs_late_inside_grace(
    harness: Harness, clock: OffsetClock
) -> None:
    await harness.start()
    job_id = await harness.scheduler.schedule("test.note", clock.now() + timedelta(hours=1))
    await harness.stop()
    clock.advance(timedelta(hours=3))
    await harness.start()
    await eventually(lambda: _is(harness, job_id, "done"))
    assert harness.calls[0].late is True
    row = await harness.scheduler.get(job_id)
    assert row is not None and row["late"] == 1
    assert harness.reports == []


async def test_job_beyond_grace_is_missed_and_reported(
    harness: Harness, clock: OffsetClock
) -> None:
    await harness.start()
    job_id = await harness.scheduler.schedule("test.note", clock.now() + timedelta(hours=1))
    await harness.stop()
    clock.advance(timedelta(hours=8))
    await harness.start()
    await eventually(lambda: _is(harness, job_id, "missed"))
    assert harness.calls == []
    assert [(r[0], r[1]) for r in harness.reports] == [(job_id, "missed")]


async def test_two_concurrent_fires_run_the_handler_once(
    harness: Harness, clock: OffsetClock
) -> None:
    started = asyncio.Event()

    async def slow(job: Job) -> None:
        harness.calls.append(job)
        started.set()
        await asyncio.sleep(0.05)

    await harness.start(slow)
    job_id = await harness.scheduler.schedule("test.note", clock.now() + timedelta(days=1))
    clock_now = clock.now()
    clock.set(clock_now + timedelta(days=1))
    outcomes = await asyncio.gather(
        harness.scheduler.run_job(job_id),
        harness.scheduler.run_job(job_id),
        harness.scheduler.run_due(),
    )
    await eventually(lambda: _is(harness, job_id, "done"))
    assert len(harness.calls) == 1
    assert sorted(o for o in outcomes if isinstance(o, str)).count("done") <= 1


async def test_failing_handler_is_retried_with_backoff_then_failed(
    db_path: Path, clock: OffsetClock
) -> None:
    policy = SchedulerPolicy(max_attempts=3, retry_delay=timedelta(seconds=10))
    harness = Harness(db_path, clock, policy)

    async def broken(job: Job) -> None:
        harness.calls.append(job)
        raise ConnectionError("Discord is down")

    await harness.start(broken)
    job_id = await harness.scheduler.schedule("test.note", clock.now() + timedelta(minutes=5))
    clock.advance(timedelta(minutes=5))
    await eventually(lambda: _attempts(harness, job_id, 1))
    row = await harness.scheduler.get(job_id)
    assert row is not None and row["status"] == "pending"
    assert "ConnectionError: Discord is down" in row["last_error"]
    first_retry = row["due_at"]

    clock.advance(timedelta(seconds=10))
    await eventually(lambda: _attempts(harness, job_id, 2))
    row = await harness.scheduler.get(job_id)
    assert row is not None and row["due_at"] > first_retry
    clock.advance(timedelta(seconds=20))
    await eventually(lambda: _is(harness, job_id, "failed"))
    assert [j.attempts for j in harness.calls] == [1, 2, 3]
    assert [(r[0], r[1]) for r in harness.reports] == [(job_id, "failed")]
    await harness.stop()


async def test_new_earlier_job_rearms_the_real_timer(harness: Harness, clock: OffsetClock) -> None:
    await harness.start()
    later = await harness.scheduler.schedule("test.note", clock.now() + timedelta(hours=2))
    soon = await harness.scheduler.schedule("test.note", clock.now() + timedelta(seconds=0.2))
    await eventually(lambda: _is(harness, soon, "done"))
    assert await harness.status(later) == "pending"


async def test_job_left_running_by_a_crash_runs_again(harness: Harness, clock: OffsetClock) -> None:
    await harness.start()
    job_id = await harness.scheduler.schedule("test.note", clock.now() + timedelta(hours=1))
    await harness.db.execute("UPDATE scheduled_jobs SET status = 'running', attempts = 1")
    await harness.stop()
    clock.advance(timedelta(hours=1))
    await harness.start()
    await eventually(lambda: _is(harness, job_id, "done"))
    assert len(harness.calls) == 1


async def test_keyed_schedule_moves_the_pending_job(harness: Harness, clock: OffsetClock) -> None:
    await harness.start()
    first = await harness.scheduler.schedule(
        "test.note", clock.now() + timedelta(hours=1), {"v": 1}, key="event:7"
    )
    second = await harness.scheduler.schedule(
        "test.note", clock.now() + timedelta(hours=2), {"v": 2}, key="event:7"
    )
    assert first == second
    assert await harness.scheduler.pending_count() == 1
    assert await harness.scheduler.cancel_key("test.note", "event") == 1
    clock.advance(timedelta(hours=3))
    await harness.scheduler.run_due()
    assert harness.calls == []


async def test_cancelling_a_key_spares_keys_that_merely_share_its_digits(
    harness: Harness, clock: OffsetClock
) -> None:
    await harness.start()
    due = clock.now() + timedelta(hours=1)
    for key in ("request:1", "request:10", "request:1:reminder", "request:19"):
        await harness.scheduler.schedule("test.note", due, {"key": key}, key=key)
    assert await harness.scheduler.cancel_key("test.note", "request:1") == 2
    clock.advance(timedelta(hours=2))
    await harness.scheduler.run_due()
    assert sorted(job.payload["key"] for job in harness.calls) == ["request:10", "request:19"]


async def test_schedule_inside_a_rolled_back_transaction_leaves_no_job(
    harness: Harness, clock: OffsetClock
) -> None:
    await harness.start()
    with pytest.raises(RuntimeError):
        async with harness.db.transaction():
            await harness.scheduler.schedule("test.note", clock.now() + timedelta(hours=1))
            raise RuntimeError("feature failed half way")
    assert await harness.scheduler.pending_count() == 0


def test_cron_recurrence_keeps_local_time_across_daylight_saving() -> None:
    before = next_cron_time("0 15 * * 2", "Europe/London", datetime(2026, 10, 20, tzinfo=UTC))
    after = next_cron_time("0 15 * * 2", "Europe/London", datetime(2026, 10, 27, tzinfo=UTC))
    assert before == datetime(2026, 10, 20, 14, 0, tzinfo=UTC)  # BST, UTC+1
    assert after == datetime(2026, 10, 27, 15, 0, tzinfo=UTC)  # GMT, UTC+0


async def _is(harness: Harness, job_id: int, status: str) -> bool:
    return await harness.status(job_id) == status


async def _attempts(harness: Harness, job_id: int, attempts: int) -> bool:
    row = await harness.scheduler.get(job_id)
    return row is not None and row["attempts"] == attempts and row["status"] != "running"


async def test_work_due_at_start_up_waits_until_discord_is_ready(
    harness: Harness, clock: OffsetClock
) -> None:
    """Jobs that fell due while the bot was down run only once the servers have arrived;
    before that a handler would find no server and drop the work."""
    await harness.start()
    await harness.scheduler.schedule("test.note", clock.now() + timedelta(minutes=5), {"n": 1})
    await harness.stop()
    clock.advance(timedelta(minutes=10))
    discord_ready = asyncio.Event()
    await harness.start(ready=discord_ready.wait)
    await asyncio.sleep(0.2)
    assert harness.calls == []
    discord_ready.set()
    await eventually(lambda: _async(len(harness.calls) == 1))


async def _async(value: bool) -> bool:
    return value
