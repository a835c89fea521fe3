"""The impact report at network scale: a year of a 5,000-member server in under 2 seconds.

``python -m bench.bench_report [members]`` (default 5,000) seeds a deterministic server on a
real SQLite file: members in 30 countries (a few large, many small, as networks are) and
five career stages, joined through the year; a year of accepted introductions, enquiries
with their answers, mentoring pairs with check-ins and endings, and weekly events whose
attendance follows a long tail. It then builds the report for the year as ``/hub report``
does (read, hide small counts, draw five charts, write the CSV) and prints the time, cold
(matplotlib imported on first use) and warm, split into reading and drawing; the event
loop's longest pause while the report is built in its worker thread; and, as the baseline,
the time merely to read the same rows with no counting at all.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.challenge_areas import load_areas
from bot.clock import OffsetClock
from bot.db import Database
from bot.migrations import migrate
from cogs.reports.charts import draw_all
from cogs.reports.metrics import Sources, connect, gather
from cogs.reports.periods import named_period
from cogs.reports.privacy import protect
from cogs.reports.service import build_report
from tests.reports.seed import Seeder

GUILD = 1
NOW = datetime(2027, 1, 10, 12, tzinfo=UTC)
COUNTRIES = (
    "GB", "US", "DE", "NL", "KE", "NG", "AU", "CA", "FR", "SE", "IN", "ID", "ZA", "BR", "ES",
    "IT", "NO", "DK", "FI", "IE", "BE", "AT", "CH", "PL", "PK", "BD", "PH", "MX", "IS", "NZ",
)  # fmt: skip
STAGES = ("early-career", "mid-career", "senior", "practitioner", "policy")
BASELINE = (
    "SELECT country, career_stage, status, created_at FROM profiles WHERE guild_id = ?",
    "SELECT requester_id, expert_id, decided_at FROM expert_requests WHERE guild_id = ?",
    "SELECT r.user_id, r.answered_at FROM expert_enquiry_recipients r WHERE r.guild_id = ?",
    "SELECT mentor_id, mentee_id, started_at FROM mentor_pairings WHERE guild_id = ?",
    "SELECT r.event_id, r.user_id FROM event_rsvps r WHERE r.guild_id = ?",
    "SELECT area_slug FROM profile_areas WHERE guild_id = ?",
)


def stamp(rng: random.Random, start: datetime, days: int) -> str:
    moment = start + timedelta(days=rng.random() * days)
    return moment.strftime("%Y-%m-%d %H:%M")


def seed(path: Path, members: int, slugs: list[str], guild_id: int = GUILD) -> dict[str, int]:
    rng = random.Random(21)
    year = datetime(2026, 1, 1, tzinfo=UTC)
    counts = {"introductions": 0, "enquiries": 0, "pairs": 0, "events": 0, "rsvps": 0}
    with sqlite3.connect(path) as db:
        s = Seeder(db, guild_id)
        weights = [1 / (i + 1) for i in range(len(COUNTRIES))]
        for user in range(1, members + 1):
            joined = stamp(rng, year - timedelta(days=730), 730 + 360)
            s.profile(user, rng.choices(COUNTRIES, weights)[0], rng.choice(STAGES), joined,
                      tuple(rng.sample(slugs, rng.randint(1, 3))))  # fmt: skip
        people = range(1, members + 1)
        for _ in range(members // 2):
            a, b = rng.sample(people, 2)
            s.introduction(a, b, stamp(rng, year, 365))
            counts["introductions"] += 1
        for _ in range(members // 8):
            created = stamp(rng, year, 360)
            base = datetime.strptime(created, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
            answers = [(u, rng.choice(("yes", "no")), stamp(rng, base, 3))
                       for u in rng.sample(people, 4)]  # fmt: skip
            s.enquiry(rng.choice(people), rng.sample(slugs, 2), created, answers)
            counts["enquiries"] += 1
        for _ in range(members // 15):
            mentor, mentee = rng.sample(people, 2)
            request = s.request(mentee, "closed", stamp(rng, year, 100))
            started = stamp(rng, year, 200)
            ended = stamp(rng, year + timedelta(days=200), 150) if rng.random() < 0.5 else None
            status = "ended" if ended else "active"
            pairing = s.pairing(mentor, mentee, request, status, started, started=started,
                                ended=ended, outcome="ended" if ended else None)  # fmt: skip
            s.checkin(pairing, mentee, stamp(rng, year + timedelta(days=200), 100))
            counts["pairs"] += 1
        for week in range(52):
            for _ in range(5):
                size = min(int(rng.paretovariate(1.3) * 6), 80)
                going = rng.sample(people, size)
                when = (year + timedelta(days=7 * week + rng.random() * 6)).strftime(
                    "%Y-%m-%d %H:00"
                )
                s.event(rng.choice(slugs), when, going)
                counts["events"] += 1
                counts["rsvps"] += size
    return counts


def baseline(path: Path) -> float:
    started = time.perf_counter()
    with sqlite3.connect(path) as db:
        for sql in BASELINE:
            db.execute(sql, (GUILD,)).fetchall()
    return time.perf_counter() - started


async def loop_pauses(task: asyncio.Future[Any]) -> float:
    """The event loop's longest pause (beyond a 5 ms tick) while ``task`` runs."""
    loop = asyncio.get_running_loop()
    longest = 0.0
    while not task.done():
        before = loop.time()
        await asyncio.sleep(0.005)
        longest = max(longest, loop.time() - before - 0.005)
    return longest


async def main() -> None:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    folder = Path(tempfile.mkdtemp(prefix="bench-report-"))
    path = folder / "hub.sqlite3"
    database = await Database.open(path)
    await migrate(database, OffsetClock())
    await database.close()
    catalog = load_areas()
    areas = {a.slug: a.name for a in catalog.areas}
    counts = seed(path, members, list(areas))
    sources = Sources(GUILD, areas, timedelta(days=90))
    period = named_period("last_year", NOW.date(), "Europe/London")

    started = time.perf_counter()
    build_report(path, sources, period, NOW, 3, "Impact report")
    cold = time.perf_counter() - started
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        report = build_report(path, sources, period, NOW, 3, "Impact report")
        runs.append(time.perf_counter() - started)
    warm = min(runs)
    started = time.perf_counter()
    with connect(str(path)) as db:
        cells = protect(gather(db, sources, period, NOW), 3)
    reading = time.perf_counter() - started
    started = time.perf_counter()
    draw_all(cells, 3, period.label)
    drawing = time.perf_counter() - started
    floor = min(baseline(path) for _ in range(3))
    task = asyncio.ensure_future(
        asyncio.to_thread(build_report, path, sources, period, NOW, 3, "Impact report")
    )
    pause = await loop_pauses(task)
    await task

    print(f"\nImpact report for {period.label}: {members} members in {len(COUNTRIES)} countries, "
          f"{counts['introductions']} introductions, {counts['enquiries']} enquiries, "
          f"{counts['pairs']} mentoring pairs, {counts['events']} events with "
          f"{counts['rsvps']} attendances")  # fmt: skip
    print(f"  report (read, hide small counts, 5 charts, CSV of {len(cells)} rows): "
          f"{warm * 1000:.0f} ms warm, {cold * 1000:.0f} ms cold (matplotlib imported on first "
          f"use); reading {reading * 1000:.0f} ms, drawing {drawing * 1000:.0f} ms")  # fmt: skip
    print(f"  PNG sizes: {', '.join(f'{len(c.png) // 1024} kB' for c in report.charts)}")
    print(f"  event loop's longest pause while the report is built in its worker thread: "
          f"{pause * 1000:.0f} ms")  # fmt: skip
    print(f"  baseline, only reading the same rows: {floor * 1000:.0f} ms; the report takes "
          f"{warm / floor:.1f}x that")  # fmt: skip
    print(f"  target under 2 s: {'met' if max(warm, cold) < 2 else 'MISSED'} "
          f"(cold {cold:.2f} s, warm {warm:.2f} s)")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
