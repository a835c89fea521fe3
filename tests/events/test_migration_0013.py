"""Migration 0013 on a database that already has a series: its calendar file still builds,
and from then on the database raises SEQUENCE only for changes calendars must follow."""

from __future__ import annotations

from pathlib import Path

from bot.clock import OffsetClock
from bot.db import Database
from cogs.events.feed import CalendarStore
from tests.events.calendar_checks import master
from tests.events.migration_steps import apply, database_before

T0, T1 = "2030-01-01T10:00:00.000000Z", "2030-01-01T11:30:00.000000Z"


async def sequence(db: Database, event_id: int) -> int:
    return int(await db.fetchval("SELECT sequence FROM events WHERE id = ?", (event_id,)))


async def test_0013_on_existing_events(tmp_path: Path, clock: OffsetClock) -> None:
    db = await database_before(tmp_path, clock, 13)
    await db.execute(
        "INSERT INTO event_series (id, guild_id, rrule, timezone, first_start, created_at) "
        "VALUES (1, 5, 'FREQ=WEEKLY;BYDAY=TU;COUNT=3', 'UTC', ?, ?)",
        (T0, T0),
    )
    for event_id, series, state in ((1, 1, "scheduled"), (2, None, "draft")):
        await db.execute(
            "INSERT INTO events (id, guild_id, series_id, occurrence, title, location, "
            "timezone, starts_at, ends_at, reminders, state, created_at, updated_at) "
            "VALUES (?, 5, ?, 1, 'Clinic', 'Room 1', 'UTC', ?, ?, '[]', ?, ?, ?)",
            (event_id, series, T0, T1, state, T0, T0),
        )
    await apply(db, tmp_path, clock, 13)
    data = await CalendarStore(db, clock).series(1)
    assert data is not None
    record, rows = data
    assert (record.sequence, record.modified.isoformat()) == (0, "2030-01-01T10:00:00+00:00")
    assert record.template["title"] == "Clinic"  # no template: the latest occurrence
    store = CalendarStore(db, clock)
    event = rows[0].event
    assert master(await store.ics(event))["SEQUENCE"] == 0
    # A draft's edits and its publication are not changes anyone's calendar saw.
    await db.execute("UPDATE events SET title = 'Clinic 2' WHERE id = 2")
    await db.execute("UPDATE events SET state = 'scheduled' WHERE id = 2")
    assert await sequence(db, 2) == 0
    await db.execute("UPDATE events SET description = 'New notes' WHERE id = 1")
    assert await sequence(db, 1) == 0
    await db.execute("UPDATE events SET location = 'Room 2' WHERE id = 1")
    await db.execute(
        "UPDATE events SET starts_at = ? WHERE id = 1", (T0.replace("T10:00", "T10:30"),)
    )
    assert await sequence(db, 1) == 2
    for notes in ("first", "changed"):  # only the description changes the second time
        await db.execute("UPDATE event_series SET template = json_object('title', 'Clinic', "
                         "'description', ?, 'location', 'Room 1', 'duration_seconds', 5400) "
                         "WHERE id = 1", (notes,))  # fmt: skip
    assert await db.fetchval("SELECT sequence FROM event_series WHERE id = 1") == 1
    await db.execute("UPDATE events SET state = 'cancelled', updated_at = ? WHERE id = 1", (T1,))
    assert await sequence(db, 1) == 3
    row = await db.fetchone("SELECT sequence, updated_at FROM event_series WHERE id = 1")
    assert row is not None and (row["sequence"], row["updated_at"]) == (2, T1)  # an EXDATE
    await db.close()
