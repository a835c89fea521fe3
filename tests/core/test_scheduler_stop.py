"""The scheduler at a clean stop, with long handlers, and under random faults (issue 13):
every handler it started is waited for, nothing new is claimed once stopping, a long handler
may grow its deadline, and no job is ever marked done without its effect."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import OffsetClock
from bot.scheduler import Job, JobInterrupted, SchedulerPolicy
from tests.core.test_scheduler import Harness, eventually


@pytest.fixture
def harness(db_path: Path, clock: OffsetClock) -> Harness:
    return Harness(db_path, clock, SchedulerPolicy(grace_period=timedelta(hours=6)))


async def _status(harness: Harness, job_id: int) -> tuple[str, int]:
    row = await harness.scheduler.get(job_id)
    assert row is not None
    return str(row["status"]), int(row["attempts"])


async def test_a_clean_stop_waits_for_a_handler_the_timer_fired(
    harness: Harness, clock: OffsetClock
) -> None:
    started = asyncio.Event()

    async def slow(job: Job) -> None:
        started.set()
        await asyncio.sleep(0.5)
        harness.calls.append(job)

    await harness.start(slow)
    job_id = await harness.scheduler.schedule("test.note", clock.now() + timedelta(seconds=0.1))
    await asyncio.wait_for(started.wait(), 3)  # fired by the real APScheduler timer
    await harness.scheduler.stop(grace_seconds=5)
    assert len(harness.calls) == 1
    assert await _status(harness, job_id) == ("done", 1)
    await harness.db.close()


async def test_a_handler_past_the_grace_is_given_back_and_nothing_new_is_claimed(
    harness: Harness, clock: OffsetClock
) -> None:
    started = asyncio.Event()

    async def stuck(job: Job) -> None:
        harness.calls.append(job)
        started.set()
        await asyncio.sleep(30)

    await harness.start(stuck)
    first = await harness.scheduler.schedule("test.note", clock.now())
    await asyncio.wait_for(started.wait(), 3)
    stopping = asyncio.create_task(harness.scheduler.stop(grace_seconds=0.3))
    await asyncio.sleep(0.05)
    second = await harness.scheduler.schedule("test.note", clock.now())
    assert await harness.scheduler.run_job(second) == "skipped"
    await stopping
    assert await _status(harness, first) == ("pending", 0)  # not an attempt: it runs again
    assert await _status(harness, second) == ("pending", 0)
    assert [job.id for job in harness.calls] == [first]
    await harness.db.close()


async def test_a_handler_that_ends_early_for_a_stop_carries_on_after_the_restart(
    harness: Harness, clock: OffsetClock
) -> None:
    started = asyncio.Event()

    async def part_way(job: Job) -> None:
        harness.calls.append(job)
        if len(harness.calls) == 1:
            started.set()
            while not harness.scheduler.stopping:  # noqa: ASYNC110 (as a fan-out checks)
                await asyncio.sleep(0.01)
            raise JobInterrupted("the rest after the restart")

    await harness.start(part_way)
    job_id = await harness.scheduler.schedule("test.note", clock.now())
    await asyncio.wait_for(started.wait(), 3)
    await harness.scheduler.stop(grace_seconds=5)
    assert await _status(harness, job_id) == ("pending", 0)
    assert harness.reports == []
    await harness.db.close()
    await harness.start(part_way)
    await eventually(lambda: _is_done(harness, job_id))
    assert len(harness.calls) == 2
    await harness.stop()  # an open connection's thread would keep pytest from exiting


async def _is_done(harness: Harness, job_id: int) -> bool:
    return (await _status(harness, job_id))[0] == "done"


async def test_a_long_handler_grows_its_deadline_and_others_keep_theirs(
    db_path: Path, clock: OffsetClock
) -> None:
    harness = Harness(db_path, clock, SchedulerPolicy(handler_timeout=0.2, max_attempts=1))

    async def long(job: Job) -> None:
        if job.payload["allow"]:
            harness.scheduler.allow(job, 2.0)  # a fan-out knows its size
        await asyncio.sleep(0.5)
        harness.calls.append(job)

    await harness.start(long)
    grown = await harness.scheduler.schedule("test.note", clock.now(), {"allow": True})
    fixed = await harness.scheduler.schedule("test.note", clock.now(), {"allow": False})
    await harness.scheduler.run_due()
    assert await _status(harness, grown) == ("done", 1)
    assert await _status(harness, fixed) == ("failed", 1)
    assert [r[:2] for r in harness.reports] == [(fixed, "failed")]
    await harness.stop()


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_failures_and_restarts_never_mark_a_job_done_without_its_effect(
    db_path: Path, clock: OffsetClock, seed: int
) -> None:
    """A seeded loop: jobs fall due while handlers fail before or after their effect, hang,
    and the scheduler is stopped and started again. Every due job ends done (with its
    effect), failed or missed and reported, or pending; none is left running."""
    rng = random.Random(seed)
    policy = SchedulerPolicy(
        max_attempts=3, retry_delay=timedelta(seconds=1), grace_period=timedelta(seconds=60)
    )
    harness = Harness(db_path, clock, policy)

    async def flaky(job: Job) -> None:
        roll = rng.random()
        if roll < 0.25:
            raise RuntimeError("failed before its effect")
        if roll < 0.35:
            await asyncio.sleep(30)  # hangs until a restart cuts it off
        await harness.db.execute("INSERT OR IGNORE INTO test_effects VALUES (?)", (job.id,))
        if roll < 0.45:
            raise RuntimeError("failed after its effect")

    async def start() -> None:
        await harness.start(flaky)
        await harness.db.execute("CREATE TABLE IF NOT EXISTS test_effects (job_id INTEGER)")

    async def restart() -> None:
        await harness.scheduler.stop(grace_seconds=0.05)
        await harness.db.close()
        await start()

    await start()
    jobs: list[int] = []
    for _ in range(60):
        for _ in range(rng.randint(0, 2)):
            due = clock.now() + timedelta(seconds=rng.uniform(0, 3))
            jobs.append(await harness.scheduler.schedule("test.note", due))
        clock.advance(timedelta(seconds=rng.uniform(0, 4)))
        await asyncio.sleep(0.03)
        if rng.random() < 0.15:
            await restart()
    await harness.scheduler.stop(grace_seconds=0.05)

    effects = {int(r[0]) for r in await harness.db.fetchall("SELECT job_id FROM test_effects")}
    reported = {(job_id, outcome) for job_id, outcome, _ in harness.reports}
    statuses = {}
    for job_id in jobs:
        status, _attempts = await _status(harness, job_id)
        statuses[job_id] = status
        assert status in ("done", "failed", "missed", "pending"), (job_id, status)
        if status == "done":
            assert job_id in effects, f"job {job_id} done without its effect"
        if status in ("failed", "missed"):
            assert (job_id, status) in reported, f"job {job_id} {status} and not reported"
    await harness.db.close()
    seen = set(statuses.values())
    assert "done" in seen, f"seed {seed} exercised only {seen}"
