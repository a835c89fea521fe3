"""Event reminders at scale.

1. Start-up with 100,000 pending reminders: the scheduler arms one wake-up for the earliest
   row (target under 3 s, memory printed), against one APScheduler job per row.
2. A reminder fan-out to 1,000 and 5,000 Going members through the Discord double set to
   Discord's 50 requests a second, without and with global 429 storms (1 s every 10 s): the
   time against the minimum that limit allows for the requests made (opening a DM channel
   is a request too; the storms' seconds are added; target within 1.2x), with every member
   reminded exactly once. Two reminders: the first opens each member's DM channel (two
   requests a member), the second sends to the stored channel (one).

Run: python -m bench.bench_events [pending] [members,members...] [pace]
(pace is HUB_EVENT_REMINDER_RATE for the run: 50 by default, the limit itself; the bot's
default of 45 leaves room for other traffic and takes 50/45 of the time.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.bench_scheduler import measure, start_baseline
from bot.app import HubBot
from bot.clock import Clock, OffsetClock, to_db_time
from bot.db import Database
from bot.migrations import migrate
from bot.scheduler import Job, Scheduler
from bot.settings import load_settings
from cogs.events.model import REMINDER_JOB, Draft
from sandbox.double import DiscordDouble
from sandbox.double.faults import Faults

RATE = 50


async def _noop(job: Job | None = None) -> None:
    return None


# -- 1. restoring pending reminders ---------------------------------------------------------


async def seed_reminders(db: Database, count: int, start: datetime) -> None:
    now = to_db_time(start)
    rows = [
        (1, REMINDER_JOB, f"event:{i}:3600", json.dumps({"event_id": i, "offset": 3600}),
         to_db_time(start + timedelta(minutes=10 + i)), now, now)
        for i in range(count)
    ]  # fmt: skip
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO scheduled_jobs (guild_id, kind, job_key, payload, due_at, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


async def restore_hub(db: Database, clock: Clock) -> None:
    scheduler = Scheduler(db, clock)
    scheduler.register(REMINDER_JOB, _noop)
    await scheduler.start()
    assert await scheduler.next_due() is not None
    await scheduler.stop()


async def bench_restore(count: int) -> None:
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        await migrate(db, clock)
        await seed_reminders(db, count, clock.now())
        hub_s, hub_mb = await measure(lambda: restore_hub(db, clock))
        base_s, base_mb = await measure(lambda: start_baseline(db))
        await db.close()
    print(f"pending reminders: {count:,}")
    print(f"  restored at start-up:          {hub_s * 1000:8.1f} ms, peak {hub_mb:7.2f} MB")
    print(f"  baseline (one job per row):    {base_s * 1000:8.1f} ms, peak {base_mb:7.2f} MB")
    print(f"  ratio: time x{base_s / hub_s:.0f}, memory x{base_mb / max(hub_mb, 0.01):.0f}")


# -- 2. the fan-out -------------------------------------------------------------------------


STORM_EVERY = 10.0  # seconds between global 429 storms in the "with 429s" runs
STORM_LENGTH = 1.0  # seconds each storm answers every request with a global 429


async def storms(faults: Faults, stop: asyncio.Event) -> float:
    """A global 429 for STORM_LENGTH every STORM_EVERY seconds until ``stop``; the seconds
    held in all (no request can succeed then, so they add to the floor)."""
    held = 0.0
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), STORM_EVERY)
        if not stop.is_set():
            faults.hold(STORM_LENGTH)
            held += STORM_LENGTH
    return held


async def bench_fan_out(members: int, pace: int, with_429s: bool = False) -> None:
    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp())
    double = DiscordDouble(rate_limit_per_second=RATE)
    faults = Faults(double)
    await double.start()
    guild = double.create_guild("Bench")
    double.create_channel(guild.id, "announcements")
    user_ids = [(await double.add_member(guild.id, f"m{i}")).id for i in range(members)]
    clock = OffsetClock()
    settings = load_settings(
        discord_token=double.bot_token, database_path=folder / "bench.sqlite3",
        guild_ids=[guild.id], discord_api_base=double.api_base,
        discord_gateway_url=double.gateway_url, guild_ready_timeout=0.01,
        event_reminder_rate=pace,
    )  # fmt: skip
    bot = HubBot(settings, clock=clock)
    task = asyncio.create_task(bot.start(double.bot_token))
    double.watch_client(task)
    await double.wait_until_ready(timeout=30)
    await bot.wait_until_ready()
    await double.wait_for(
        lambda: len(bot.get_guild(guild.id).members) > members,  # type: ignore[union-attr]
        30,
        "the member list",
    )
    cog: Any = bot.get_cog("EventsCog")
    start = clock.now() + timedelta(hours=3)
    draft = Draft("Bench seminar", "in 3 hours", "UTC", start, start + timedelta(hours=1),
                  reminders=(7200, 3600))  # fmt: skip
    event = await cog.service.create_draft(guild.id, user_ids[0], draft)
    event = await cog.service.confirm(guild.id, event.id, user_ids[0])
    now = to_db_time(clock.now())
    await bot.db.executemany(
        "INSERT INTO event_rsvps (event_id, guild_id, user_id, name, status, since) "
        "VALUES (?, ?, ?, ?, 'going', ?)",
        [(event.id, guild.id, u, f"m{i}", now) for i, u in enumerate(user_ids)],
    )
    storm_words = ", global 429 storms (1 s every 10 s)" if with_429s else ""
    print(f"fan-out to {members:,} Going members, double limited to {RATE} requests/s, "
          f"bot paced at {pace}/s{storm_words}:")  # fmt: skip
    for reminder, needed in (("first reminder", 2), ("second reminder", 1)):
        await double.settle(quiet=1.1)  # a fresh rate-limit window
        await _one_reminder(double, clock, faults, user_ids, with_429s, reminder, needed)
    await bot.close()
    await asyncio.wait_for(task, 10)
    await double.stop()


async def _one_reminder(
    double: DiscordDouble, clock: OffsetClock, faults: Faults, user_ids: list[int],
    with_429s: bool, reminder: str, needed: int,
) -> None:  # fmt: skip
    """One reminder's fan-out, timed from the clock's move to the last DM sent. The floor is
    the requests the reminder needs at Discord's rate: opening each member's DM channel and
    sending (first reminder), then sending alone (the DM channel is stored)."""
    members = len(user_ids)
    first_call = len(double.calls)
    limited_before, held_before = double.rate_limited, faults.held
    reminded_before = {u: len(double.dms_of(u)) for u in user_ids}

    def sent() -> int:
        """Cheap to ask often (reading every member's DMs would slow the bot it measures)."""
        return sum(
            1 for c in double.calls[first_call:]
            if c.method == "POST" and c.path.endswith("/messages") and c.status == 200
        )  # fmt: skip

    stop = asyncio.Event()
    storming = asyncio.create_task(storms(faults, stop)) if with_429s else None
    began = time.perf_counter()
    clock.advance(timedelta(hours=1, seconds=1))
    while sent() < members and time.perf_counter() - began < 900:
        double.raise_if_client_died()
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - began
    stop.set()
    held = await storming if storming is not None else 0.0
    await double.settle(quiet=0.5)
    calls = [c for c in double.calls[first_call:] if c.status != 429]
    kinds = Counter("open DM" if c.path.endswith("/users/@me/channels") else "send"
                    for c in calls)  # fmt: skip
    per_member = Counter(len(double.dms_of(u)) - reminded_before[u] for u in user_ids)
    floor = members * needed / RATE + held
    print(f"  {reminder}: {len(calls):,} requests ({kinds['open DM']:,} open DM, "
          f"{kinds['send']:,} send; {needed} per member needed), 429 answers: "
          f"{faults.held - held_before} from storms, {double.rate_limited - limited_before} "
          f"over the limit")  # fmt: skip
    print(f"    time: {elapsed:.1f} s; floor ({needed} x {members:,} / {RATE}/s + storms): "
          f"{floor:.1f} s; ratio {elapsed / floor:.2f} (target <= 1.2)")  # fmt: skip
    doubled = sum(n for count, n in per_member.items() if count > 1)
    print(f"    members reminded once: {per_member.get(1, 0):,}; missed: "
          f"{per_member.get(0, 0)}; twice: {doubled}")  # fmt: skip


async def main(pending: int, sizes: list[int], pace: int) -> None:
    await bench_restore(pending)
    for members in sizes:
        for with_429s in (False, True):
            await bench_fan_out(members, pace, with_429s)


if __name__ == "__main__":
    argv = sys.argv[1:]
    pending = int(argv[0]) if argv else 100_000
    sizes = [int(n) for n in argv[1].split(",")] if len(argv) > 1 else [1_000, 5_000]
    asyncio.run(main(pending, sizes, int(argv[2]) if len(argv) > 2 else RATE))
