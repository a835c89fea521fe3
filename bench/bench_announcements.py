"""Announcements: the preview's next three runs, autocomplete over many announcements, and
the cost of claiming a run (and refusing its duplicate), each with a simple baseline measured
in the same process.

Run: python -m bench.bench_announcements [announcements]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import OffsetClock, to_db_time
from bot.db import Database
from bot.migrations import migrate
from bot.scheduler import Scheduler
from cogs.announcements.recurrence import parse_repeat, upcoming
from cogs.announcements.service import AnnouncementService

LONDON = "Europe/London"
START = datetime(2027, 3, 22, 9, 0, tzinfo=ZoneInfo(LONDON))
WORDS = ["meeting", "call", "papers", "workshop", "digest", "mentoring", "review", "panel"]


def timed(call: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``call``."""
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


async def timed_async(call: Callable[[], Awaitable[object]], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def minute_scan(start: datetime, count: int) -> list[datetime]:
    """Baseline: step a minute at a time on the local wall clock, matching Monday 09:00."""
    zone = ZoneInfo(LONDON)
    runs, moment = [start], start.astimezone(UTC)
    while len(runs) < count:
        moment += timedelta(minutes=1)
        local = moment.astimezone(zone)
        if local.weekday() == 0 and (local.hour, local.minute) == (9, 0):
            runs.append(moment)
    return runs


async def seed(db: Database, count: int) -> None:
    now = to_db_time(datetime.now(UTC))
    rows = [
        (1, 10, 20, f"{WORDS[i % 8]} {i}", f"Body {i} about {WORDS[(i * 3) % 8]}", LONDON, now,
         "scheduled", now, now, now)
        for i in range(count)
    ]  # fmt: skip
    async with db.transaction():
        await db.executemany(
            "INSERT INTO announcements (guild_id, channel_id, author_id, title, body, timezone, "
            "starts_at, state, next_run_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


async def main(count: int) -> None:
    weekly = parse_repeat("weekly", START)
    ours = timed(lambda: upcoming(weekly, LONDON, START.astimezone(UTC), 3), 200)
    base = timed(lambda: minute_scan(START, 3), 20)
    print(f"next three runs (weekly, London): {ours:.3f} ms; minute-scan baseline {base:.1f} ms;"
          f" {base / ours:,.0f}x")  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        clock = OffsetClock()
        db = await Database.open(Path(folder) / "bench.sqlite3")
        await migrate(db, clock)
        await seed(db, count)
        service = AnnouncementService(db, clock, Scheduler(db, clock))

        async def load_all() -> list[Any]:
            rows = await db.fetchall("SELECT * FROM announcements WHERE guild_id = 1")
            return [r for r in rows if "papers" in r["title"] or "papers" in r["body"]][:25]

        ours = await timed_async(lambda: service.search(1, "papers"), 50)
        base = await timed_async(load_all, 20)
        print(f"autocomplete over {count:,} announcements: {ours:.2f} ms; load-all baseline "
              f"{base:.1f} ms; {base / ours:,.1f}x")  # fmt: skip

        rare = await timed_async(lambda: service.search(1, "no such word"), 20)
        print(f"autocomplete, a word no announcement has: {rare:.1f} ms (scans every row)")

        ids = [int(r["id"]) for r in await db.fetchall("SELECT id FROM announcements LIMIT 500")]
        due = datetime.now(UTC).replace(microsecond=0)
        await db.execute("UPDATE announcements SET next_run_at = ?", (to_db_time(due),))
        began = time.perf_counter()
        for announcement_id in ids:
            await service.claim(announcement_id, due, late=False)
        first = (time.perf_counter() - began) * 1000 / len(ids)
        began = time.perf_counter()
        skipped = 0
        for announcement_id in ids:
            skipped += (await service.claim(announcement_id, due, late=False)).outcome == "skip"
        second = (time.perf_counter() - began) * 1000 / len(ids)
        print(f"claim a run: {first:.2f} ms; a duplicate fire refused: {second:.2f} ms "
              f"({skipped} of {len(ids)} refused)")  # fmt: skip
        await db.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
