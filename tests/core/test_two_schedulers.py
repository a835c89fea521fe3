"""Two bot processes on one database (issue 20, growing past one process): two schedulers in
two processes share thousands of due jobs, and every job runs exactly once.

Each process is a real ``Scheduler`` on its own connection to the same SQLite file, with its
own worker name; the second starts while the first is half way, as a second process would
after a deploy. Each handler writes the job's id to a table with no unique key, so a job run
twice would show as two rows.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.clock import Clock, OffsetClock
from bot.db import Database
from bot.migrations import migrate
from bot.scheduler import Job, Scheduler, SchedulerPolicy

JOBS = 3000
KIND = "test.count"


async def _fill(path: Path) -> None:
    db = await Database.open(path)
    await migrate(db, OffsetClock())
    await db.execute("CREATE TABLE runs (job_id INTEGER NOT NULL, worker TEXT NOT NULL)")
    scheduler = Scheduler(db, Clock())
    due = Clock().now() - timedelta(seconds=30)
    async with db.transaction():
        for n in range(JOBS):
            await scheduler.schedule(KIND, due, {"n": n}, guild_id=1)
    await db.close()


async def _work(path: Path, worker: str, others_started: int) -> None:
    """One process: run due jobs until none is left pending or running."""
    db = await Database.open(path)
    scheduler = Scheduler(db, Clock(), SchedulerPolicy(), worker=worker)

    async def count(job: Job) -> None:
        await db.execute("INSERT INTO runs (job_id, worker) VALUES (?, ?)", (job.id, worker))
        await asyncio.sleep(0.02)  # a handler takes a moment: jobs stay running meanwhile

    scheduler.register(KIND, count)
    if others_started:  # start once the other process has run some (and holds some running)
        await _until(db, "SELECT COUNT(*) >= ? FROM runs", others_started)
    await scheduler.start()
    while await db.fetchval(
        "SELECT COUNT(*) FROM scheduled_jobs WHERE status IN ('pending', 'running')"
    ):
        await asyncio.sleep(0.05)
        await scheduler.run_due()
    await scheduler.stop()
    await db.close()


async def _until(db: Database, query: str, *params: int) -> None:
    """Poll the shared file: the other process's writes arrive by no other way."""
    for _ in range(24_000):
        if await db.fetchval(query, params):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never true: {query}")


def _process(path: str, worker: str, others_started: int) -> None:
    asyncio.run(_work(Path(path), worker, others_started))


def test_two_schedulers_in_two_processes_run_every_job_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    asyncio.run(_fill(path))
    context = multiprocessing.get_context("spawn")
    first = context.Process(target=_process, args=(str(path), "worker-a", 0))
    second = context.Process(target=_process, args=(str(path), "worker-b", JOBS // 10))
    first.start()
    second.start()
    first.join(timeout=240)
    second.join(timeout=240)
    assert first.exitcode == 0 and second.exitcode == 0

    with sqlite3.connect(path) as db:
        runs = db.execute("SELECT job_id, COUNT(*) FROM runs GROUP BY job_id").fetchall()
        statuses = dict(db.execute("SELECT status, COUNT(*) FROM scheduled_jobs GROUP BY status"))
        by_worker = dict(db.execute("SELECT worker, COUNT(*) FROM runs GROUP BY worker"))
        claimed = dict(db.execute("SELECT claimed_by, COUNT(*) FROM scheduled_jobs GROUP BY 1"))
    assert len(runs) == JOBS
    assert [job for job, times in runs if times != 1] == []
    assert statuses == {"done": JOBS}
    # Both processes did part of the work, and each job records which one ran it.
    assert by_worker.get("worker-a", 0) > 0 and by_worker.get("worker-b", 0) > 0
    assert claimed == by_worker
