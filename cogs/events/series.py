"""Repeating events, mixed into EventService (no Discord here).

A series is an RFC 5545 RRULE read on the wall clock of its zone from its first start, and a
template each coming occurrence is made from. The next occurrence is created when the
previous one starts, so RSVPs stay per occurrence. Editing one occurrence changes only it;
``series=True`` edits also change the template and, for a new time of day, the first start
the rule counts from (the days stay the rule's).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.clock import Clock, from_db_time, to_db_time
from bot.db import Database
from bot.scheduler import Scheduler
from cogs.events.model import NEXT_JOB, Event, EventError, nth_start

TEMPLATE_FIELDS = ("title", "description", "location", "area", "capacity", "reminders")


def template_of(event: Event) -> dict[str, Any]:
    return {
        "title": event.title, "description": event.description, "location": event.location,
        "area": event.area, "capacity": event.capacity, "reminders": list(event.reminders),
        "duration_seconds": int((event.ends_at - event.starts_at).total_seconds()),
    }  # fmt: skip


class SeriesStore:
    _db: Database
    _clock: Clock
    _scheduler: Scheduler

    async def get(self, guild_id: int, event_id: int) -> Event | None:
        raise NotImplementedError

    async def sync_reminders(self, event: Event) -> None:
        raise NotImplementedError

    async def cancel(self, event: Event) -> list[int]:
        raise NotImplementedError

    async def start_series(self, event: Event) -> int:
        """The series of a confirmed first occurrence, its template taken from it."""
        return await self._db.insert(
            "INSERT INTO event_series (guild_id, rrule, timezone, first_start, template, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (event.guild_id, event.rrule, event.timezone, to_db_time(event.starts_at),
             json.dumps(template_of(event)), to_db_time(self._clock.now())),
        )  # fmt: skip

    async def _schedule_next(self, event: Event) -> None:
        """When an occurrence starts, the next one is created (so RSVPs stay per occurrence)."""
        await self._scheduler.schedule(
            NEXT_JOB,
            event.starts_at,
            {"series_id": event.series_id, "event_id": event.id},
            guild_id=event.guild_id,
            key=f"series:{event.series_id}",
        )

    async def create_next(self, series_id: int, after_event_id: int) -> Event | None:
        """Create the occurrence after ``after_event_id`` from the series' template; None
        when the series has ended or it already exists (a repeated job does nothing)."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT * FROM events WHERE series_id = ? ORDER BY occurrence DESC LIMIT 1",
                (series_id,),
            )
            series = await tx.fetchone("SELECT * FROM event_series WHERE id = ?", (series_id,))
            if row is None or series is None or series["state"] != "active":
                return None
            if int(row["id"]) != after_event_id:
                return None
            last = Event.from_row(row)
            zone, rule = str(series["timezone"]), str(series["rrule"])
            first = from_db_time(series["first_start"])
            start = nth_start(rule, zone, first, last.occurrence + 1)
            if start is None:
                await tx.execute(
                    "UPDATE event_series SET state = 'ended', updated_at = ? WHERE id = ?",
                    (to_db_time(self._clock.now()), series_id),
                )
                return None
            made = template_of(last)
            if series["template"]:
                made.update(json.loads(series["template"]))
            now = to_db_time(self._clock.now())
            new_id = await tx.insert(
                "INSERT INTO events (guild_id, series_id, occurrence, organiser_id, title, "
                "description, location, area, timezone, starts_at, ends_at, capacity, "
                "reminders, when_text, rrule, state, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)",
                (last.guild_id, series_id, last.occurrence + 1, last.organiser_id,
                 made["title"], made["description"], made["location"], made["area"], zone,
                 to_db_time(start),
                 to_db_time(start + timedelta(seconds=int(made["duration_seconds"]))),
                 made["capacity"], json.dumps(made["reminders"]), last.when_text, rule, now,
                 now),
            )  # fmt: skip
            created = await self.get(last.guild_id, new_id)
            assert created is not None
            await self.sync_reminders(created)
            await self._schedule_next(created)
        return created

    async def update_series(self, before: Event, after: Event, changed: set[str]) -> None:
        """``/event edit series:true``: the coming occurrences get what changed. A new start
        may change only the time of day (checked by the caller); the rule's first start
        takes that time, so every later occurrence starts then, on the rule's days."""
        assert after.series_id is not None
        series = await self._db.fetchone(
            "SELECT * FROM event_series WHERE id = ?", (after.series_id,)
        )
        assert series is not None
        made = template_of(before)
        if series["template"]:
            made.update(json.loads(series["template"]))
        fresh = template_of(after)
        for name in TEMPLATE_FIELDS:
            if name in changed:
                made[name] = fresh[name]
        made["duration_seconds"] = fresh["duration_seconds"]
        first = from_db_time(series["first_start"])
        if after.starts_at != before.starts_at:
            zone = str(series["timezone"])
            local = after.starts_at.astimezone(before.zone)
            moved = first.astimezone(before.zone).replace(hour=local.hour, minute=local.minute)
            first = moved.astimezone(first.tzinfo)
            if nth_start(str(series["rrule"]), zone, first, after.occurrence) != after.starts_at:
                raise EventError(
                    "With series:true only the time of day can change; the series keeps its "
                    "days. Give a time such as when:16:00."
                )
        await self._db.execute(
            "UPDATE event_series SET template = ?, first_start = ?, updated_at = ? WHERE id = ?",
            (json.dumps(made), to_db_time(first), to_db_time(self._clock.now()), after.series_id),
        )

    async def _is_latest(self, event: Event) -> bool:
        if event.series_id is None:
            return False
        latest = await self._db.fetchval(
            "SELECT id FROM events WHERE series_id = ? ORDER BY occurrence DESC LIMIT 1",
            (event.series_id,),
        )
        return bool(latest == event.id)

    async def cancel_series(self, event: Event) -> list[Event]:
        """End the series: no more occurrences, and every scheduled one still to come is
        cancelled (the caller tells their attendees). Returns those occurrences."""
        if event.series_id is None:
            raise EventError(f"{event.label} does not repeat; cancel it without series.")
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE event_series SET state = 'ended', updated_at = ? WHERE id = ?",
                (to_db_time(self._clock.now()), event.series_id),
            )
            await self._scheduler.cancel_key(NEXT_JOB, f"series:{event.series_id}")
            rows = await self._db.fetchall(
                "SELECT * FROM events WHERE series_id = ? AND state = 'scheduled' "
                "AND ends_at > ? ORDER BY starts_at",
                (event.series_id, to_db_time(self._clock.now())),
            )
            cancelled = [Event.from_row(r) for r in rows]
            for occurrence in cancelled:
                await self.cancel(occurrence)
        return cancelled
