"""Expert search at 1,000, 10,000 and 100,000 realistic profiles.

Prints p50 and p95 of ExpertService.find (the service layer: validation, ranking, filters,
why it matched) for common, two-word, prefix, rare and filtered queries; the same queries
through SQLite FTS5 with bm25() (the obvious design, to justify ours by measurement); and
the simple baseline, every LIKE match fetched and ranked in Python, with the ratio.

Run: python bench/bench_expert_search.py [max_profiles]
"""

from __future__ import annotations

import asyncio
import functools
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.profile_generator import profiles
from bot.challenge_areas import load_areas
from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.migrations import migrate
from cogs.experts.index import Filters
from cogs.experts.service import ExpertService
from cogs.profiles.service import ProfileService

GUILD = 1
QUERIES = [
    ("common", "radicalisation", Filters()),
    ("two words", "online radicalisation", Filters()),
    ("prefix", "radical", Filters()),
    ("rare", "memes accelerationism", Filters()),
    ("filtered", "extremism", Filters(area="data", country="DE")),
    ("filters only", "", Filters(stage="senior", language="Arabic")),
]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return percentiles(samples)


async def seed(db: Database, count: int) -> None:
    now = to_db_time(Clock().now())
    people = list(profiles(count))
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO profiles (guild_id, user_id, name, affiliation, expertise, methods, bio, "
            "country, career_stage, languages, timezone, open_to, verification, confirmed_at, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'UTC', ?, ?, ?, ?, ?)",
            [(GUILD, p["user_id"], p["name"], p["affiliation"], json.dumps(p["expertise"]),
              p["methods"], p["bio"], p["country"], p["career_stage"], json.dumps(p["languages"]),
              json.dumps(p["open_to"]), "verified" if p["verified"] else "none", now, now, now)
             for p in people],
        )  # fmt: skip
        await tx.executemany(
            "INSERT INTO profile_areas (guild_id, user_id, area_slug, joined_at) VALUES (?, ?, ?, ?)",
            [(GUILD, p["user_id"], a, now) for p in people for a in p["areas"]],  # type: ignore[attr-defined]
        )
        await tx.execute(
            "CREATE VIRTUAL TABLE bench_fts USING fts5(expertise, name, methods, affiliation, bio, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        await tx.execute(
            "INSERT INTO bench_fts (rowid, expertise, name, methods, affiliation, bio) "
            "SELECT user_id, expertise, name, methods, affiliation, bio FROM profiles"
        )


def fts_top5(connection: sqlite3.Connection, sql: str, match: str) -> list[int]:
    return [row[0] for row in connection.execute(sql, (match,)).fetchall()]


def like_baseline(connection: object, query: str) -> list[int]:
    """Every profile whose text contains a query word, counted and sorted in Python."""
    import sqlite3

    assert isinstance(connection, sqlite3.Connection)
    words = query.split() or [""]
    clause = " OR ".join("(expertise || ' ' || bio || ' ' || methods) LIKE ?" for _ in words)
    rows = connection.execute(
        f"SELECT user_id, expertise, bio, methods FROM profiles WHERE {clause}",
        [f"%{w}%" for w in words],
    ).fetchall()
    scored = sorted(rows, key=lambda r: -sum((r[1] + r[2] + r[3]).count(w) for w in words))
    return [r[0] for r in scored[:5]]


async def run(count: int) -> None:
    import sqlite3

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        db = await Database.open(path)
        await migrate(db, Clock())
        await seed(db, count)
        catalog = load_areas()
        service = ExpertService(db, catalog, ProfileService(db, Clock(), catalog))
        began = time.perf_counter()
        await service.load(GUILD)
        build = time.perf_counter() - began
        raw = sqlite3.connect(path)
        repeat = 300 if count <= 10_000 else 100
        print(f"\n{count:,} profiles (index built in {build:.2f} s)")
        print(
            f"  {'query':<13} {'ours p50/p95 ms':>17} {'FTS5 p50/p95 ms':>17} {'LIKE baseline p50':>18} {'ratio':>7}"
        )
        for label, text, filters in QUERIES:
            ours = timed(functools.partial(service.find, GUILD, text, filters), repeat)
            fts = (float("nan"), float("nan"))
            if text:
                match = " OR ".join(f'"{w}"' for w in text.split())
                sql = "SELECT rowid FROM bench_fts WHERE bench_fts MATCH ? ORDER BY bm25(bench_fts, 3, 2, 1.5, 1, 1) LIMIT 5"
                fts = timed(functools.partial(fts_top5, raw, sql, match), max(repeat // 5, 10))
            base = timed(functools.partial(like_baseline, raw, text), 5)
            print(
                f"  {label:<13} {ours[0]:>8.2f} /{ours[1]:>6.2f} {fts[0]:>8.2f} /{fts[1]:>6.2f} {base[0]:>18.1f} {base[0] / ours[0]:>6.0f}x"
            )
        raw.close()
        await db.close()


async def main(limit: int) -> None:
    for count in (1_000, 10_000, 100_000):
        if count <= limit:
            await run(count)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
