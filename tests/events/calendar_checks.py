"""Reading calendar files back with two independent parsers, as the tests need them.

``icalendar`` reads the properties; ``recurring-ical-events`` (a separate implementation of
RFC 5545 recurrence) expands RRULE, EXDATE and RECURRENCE-ID into the instants a calendar
app would show. A test compares those instants with the ones the bot shows and reminds at.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import recurring_ical_events
from icalendar import Calendar

from bot.clock import from_db_time
from bot.db import Database
from cogs.events.model import REMINDER_JOB

FAR_PAST = datetime(2000, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def vevents(data: bytes) -> list[Any]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def master(data: bytes) -> Any:
    [found] = [e for e in vevents(data) if "RECURRENCE-ID" not in e]
    return found


def overrides(data: bytes) -> list[Any]:
    return [e for e in vevents(data) if "RECURRENCE-ID" in e]


def expanded(data: bytes, status: str | None = "CONFIRMED") -> list[datetime]:
    """Every instant the file stands for, in UTC (only those of ``status``, if given)."""
    calendar = Calendar.from_ical(data)
    found = recurring_ical_events.of(calendar).between(FAR_PAST, FAR_FUTURE)
    return sorted(
        e.decoded("DTSTART").astimezone(UTC)
        for e in found
        if status is None or str(e.get("STATUS", "CONFIRMED")) == status
    )


async def reminded_starts(db: Database, event_id: int) -> set[datetime]:
    """The starts the pending reminder jobs of one event are counted back from."""
    rows = await db.fetchall(
        "SELECT due_at, payload FROM scheduled_jobs WHERE kind = ? AND status = 'pending' "
        "AND json_extract(payload, '$.event_id') = ?",
        (REMINDER_JOB, event_id),
    )
    found = set()
    for row in rows:
        offset = int(json.loads(row["payload"])["offset"])
        found.add(from_db_time(row["due_at"]) + timedelta(seconds=offset))
    return found
