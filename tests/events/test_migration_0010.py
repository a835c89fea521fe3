"""Migration 0010 on a database that already has events: claims keep their outcome as a
state, and existing series get their latest occurrence as their template."""

from __future__ import annotations

import json
from pathlib import Path

from bot.clock import OffsetClock
from tests.events.migration_steps import apply, database_before

T0, T1 = "2030-01-01T10:00:00.000000Z", "2030-01-01T11:30:00.000000Z"


async def test_0010_keeps_claims_and_fills_series_templates(
    tmp_path: Path, clock: OffsetClock
) -> None:
    db = await database_before(tmp_path, clock, 10)
    await db.execute(
        "INSERT INTO event_series (id, guild_id, rrule, timezone, first_start, created_at) "
        "VALUES (1, 5, 'FREQ=WEEKLY;BYDAY=TU;COUNT=3', 'UTC', ?, ?)",
        (T0, T0),
    )
    await db.execute(
        "INSERT INTO events (id, guild_id, series_id, occurrence, organiser_id, title, "
        "location, timezone, starts_at, ends_at, capacity, reminders, state, created_at, "
        "updated_at) VALUES (1, 5, 1, 1, 9, 'Clinic', 'Room 1', 'UTC', ?, ?, 4, '[3600]', "
        "'scheduled', ?, ?)",
        (T0, T1, T0, T0),
    )
    for user, via in ((1, "dm"), (2, "channel"), (3, "pending")):
        await db.execute(
            "INSERT INTO event_reminder_deliveries (event_id, starts_at, offset_seconds, "
            "user_id, guild_id, via, at) VALUES (1, ?, 3600, ?, 5, ?, ?)",
            (T0, user, via, T0),
        )
    await apply(db, tmp_path, clock, 10)
    rows = await db.fetchall("SELECT user_id, state FROM event_reminder_deliveries")
    assert {(r["user_id"], r["state"]) for r in rows} == {
        (1, "sent"),
        (2, "fallback"),
        (3, "sending"),
    }
    template = json.loads(await db.fetchval("SELECT template FROM event_series WHERE id = 1"))
    assert template == {
        "title": "Clinic", "description": "", "location": "Room 1", "area": None,
        "capacity": 4, "reminders": [3600], "duration_seconds": 5400,
    }  # fmt: skip
    await db.close()
