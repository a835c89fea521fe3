"""Queries that run against the largest tables use an index (SQLite's own plan says so).

A timed test would be flaky; the plan is what made these slow at scale: cancelling a key read
every pending job of its kind (1.85 s at a million rows) and /hub about read every profile.
"""

from __future__ import annotations

from bot.db import Database
from bot.scheduler import CANCEL_KEY_SQL
from cogs.profiles.service import ACTIVE_COUNT_SQL


async def plan(db: Database, sql: str, params: tuple[object, ...]) -> str:
    rows = await db.fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
    return " | ".join(str(row["detail"]) for row in rows)


async def test_cancelling_a_key_searches_the_key_index(db: Database) -> None:
    found = await plan(
        db, CANCEL_KEY_SQL, ("now", "kind", "request:1", "request:1;", "request:1", "request:1:")
    )
    assert "USING INDEX scheduled_jobs_pending_key" in found, found
    assert "SCAN" not in found, found


async def test_counting_a_servers_profiles_reads_only_the_active_index(db: Database) -> None:
    found = await plan(db, ACTIVE_COUNT_SQL, (1,))
    assert "COVERING INDEX profiles_active" in found, found
