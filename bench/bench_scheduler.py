"""Start-up cost of 100,000 pending jobs: one wake-up for the earliest row vs one APScheduler
date job per row (the simple baseline), measured in the same process.

Run: python -m bench.bench_scheduler [count]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.migrations import migrate
from bot.scheduler import Job, Scheduler


async def _noop(job: Job | None = None) -> None:
    return None


async def seed(db: Database, count: int, start: datetime) -> None:
    now = to_db_time(start)
    rows = [
        ("bench.noop", "{}", to_db_time(start + timedelta(minutes=1 + i)), now, now)
        for i in range(count)
    ]
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO scheduled_jobs (kind, payload, due_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )


async def start_hub(db: Database, clock: Clock) -> None:
    scheduler = Scheduler(db, clock)
    scheduler.register("bench.noop", _noop)
    await scheduler.start()
    await scheduler.stop()


async def start_baseline(db: Database) -> None:
    timer = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=UTC)
    rows = await db.fetchall("SELECT id, due_at FROM scheduled_jobs WHERE status = 'pending'")
    for row in rows:
        due = datetime.strptime(row["due_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        timer.add_job(_noop, DateTrigger(run_date=due), id=str(row["id"]))
    timer.start(paused=True)
    timer.shutdown(wait=False)


async def measure(start: Callable[[], Awaitable[None]]) -> tuple[float, float]:
    """Seconds (timed alone) and peak MB allocated (traced in a second run)."""
    began = time.perf_counter()
    await start()
    elapsed = time.perf_counter() - began
    tracemalloc.start()
    await start()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 1e6


async def main(count: int) -> None:
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        await migrate(db, clock)
        await seed(db, count, clock.now())
        hub_s, hub_mb = await measure(lambda: start_hub(db, clock))
        base_s, base_mb = await measure(lambda: start_baseline(db))
        await db.close()
    print(f"pending jobs: {count}")
    print(f"hub scheduler start-up:        {hub_s * 1000:8.1f} ms, peak {hub_mb:7.2f} MB")
    print(f"baseline (one job per row):    {base_s * 1000:8.1f} ms, peak {base_mb:7.2f} MB")
    print(f"ratio (baseline / hub): time x{base_s / hub_s:.0f}, memory x{base_mb / hub_mb:.0f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
