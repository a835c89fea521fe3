"""Events: drafts, confirmation, series, edits, cancellation, reminders and look-ups.

The database is the truth. Reminder bookkeeping is in ``cogs.events.reminders`` (mixed in
here); RSVPs, the waitlist and promotions in ``cogs.events.rsvp``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.scheduler import Scheduler
from bot.text import excerpt
from cogs.events.model import (
    CHANGED_JOB,
    NEXT_JOB,
    OFFER_JOB,
    REMINDER_JOB,
    Draft,
    Event,
    EventError,
)
from cogs.events.reminders import ReminderStore
from cogs.events.series import SeriesStore

LIVE = ("going", "maybe", "offered")
ATTENDING = ("going", "maybe", "waitlist", "offered")


@dataclass(frozen=True)
class EventBrief:
    """What the weekly area digest (and any other feature) needs to mention an event."""

    id: int
    title: str
    starts_at: datetime
    channel_id: int | None
    link: str | None


@dataclass(frozen=True)
class Edited:
    event: Event
    moved: bool
    place_changed: bool
    area_changed: bool = False
    reminders_changed: bool = False


class EventService(ReminderStore, SeriesStore):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        scheduler: Scheduler,
        default_offsets: list[timedelta] | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._scheduler = scheduler
        self.default_offsets = default_offsets or [timedelta(days=1), timedelta(hours=1)]

    # -- reading -----------------------------------------------------------------------------

    async def get(self, guild_id: int, event_id: int) -> Event | None:
        row = await self._db.fetchone(
            "SELECT * FROM events WHERE guild_id = ? AND id = ?", (guild_id, event_id)
        )
        return None if row is None else Event.from_row(row)

    async def get_any(self, event_id: int) -> Event | None:
        """By id alone, for buttons in DMs (which carry no server)."""
        row = await self._db.fetchone("SELECT * FROM events WHERE id = ?", (event_id,))
        return None if row is None else Event.from_row(row)

    async def require(self, guild_id: int, reference: str) -> Event:
        """An event by id ("12", "#12 Title" from autocomplete) or by its exact title."""
        text = reference.strip().removeprefix("#")
        head = text.split(" ", 1)[0]
        # ASCII digits only (int() refuses "²"), and few enough for an SQLite integer.
        is_id = head.isascii() and head.isdigit() and len(head) <= 18
        found = await self.get(guild_id, int(head)) if is_id else None
        if found is None and text:
            row = await self._db.fetchone(
                "SELECT * FROM events WHERE guild_id = ? AND state != 'draft' "
                "AND lower(title) = lower(?) ORDER BY starts_at DESC LIMIT 1",
                (guild_id, text),
            )
            found = None if row is None else Event.from_row(row)
        if found is None or found.state == "draft":
            raise EventError(
                f"There is no event '{excerpt(reference)}'. Pick one from the list, or see "
                "/event list."
            )
        return found

    async def search(self, guild_id: int, typed: str, limit: int = 25) -> list[Event]:
        """Autocomplete: upcoming and recent events whose id or title matches."""
        since = to_db_time(self._clock.now() - timedelta(days=1))
        text = typed.strip().removeprefix("#")
        rows = await self._db.fetchall(
            "SELECT * FROM events WHERE guild_id = ? AND state = 'scheduled' AND ends_at >= ? "
            "AND (CAST(id AS TEXT) = ? OR instr(lower(title), lower(?)) > 0) "
            "ORDER BY starts_at LIMIT ?",
            (guild_id, since, text, text, limit),
        )
        return [Event.from_row(r) for r in rows]

    async def upcoming(
        self, guild_id: int, area: str | None, start: datetime, end: datetime
    ) -> list[Event]:
        sql = (
            "SELECT * FROM events WHERE guild_id = ? AND state = 'scheduled' "
            "AND ends_at > ? AND starts_at < ?"
        )
        params: list[Any] = [guild_id, to_db_time(start), to_db_time(end)]
        if area:
            sql += " AND area = ?"
            params.append(area)
        rows = await self._db.fetchall(sql + " ORDER BY starts_at, id", params)
        return [Event.from_row(r) for r in rows]

    async def upcoming_for_area(
        self, guild_id: int, area_slug: str, start: datetime, end: datetime
    ) -> list[EventBrief]:
        """Events of one area starting in [start, end): for the areas weekly digest."""
        rows = await self._db.fetchall(
            "SELECT * FROM events WHERE guild_id = ? AND state = 'scheduled' AND area = ? "
            "AND starts_at >= ? AND starts_at < ? ORDER BY starts_at, id",
            (guild_id, area_slug, to_db_time(start), to_db_time(end)),
        )
        events = [Event.from_row(r) for r in rows]
        return [EventBrief(e.id, e.title, e.starts_at, e.channel_id, e.link) for e in events]

    async def mine(self, guild_id: int, user_id: int) -> list[tuple[Event, str]]:
        rows = await self._db.fetchall(
            "SELECT e.*, r.status AS rsvp FROM events e JOIN event_rsvps r ON r.event_id = e.id "
            "WHERE r.guild_id = ? AND r.user_id = ? AND e.state = 'scheduled' AND e.ends_at > ? "
            "AND r.status != 'declined' ORDER BY e.starts_at",
            (guild_id, user_id, to_db_time(self._clock.now())),
        )
        return [(Event.from_row(r), str(r["rsvp"])) for r in rows]

    # -- creating ----------------------------------------------------------------------------

    async def create_draft(self, guild_id: int, organiser_id: int, draft: Draft) -> Event:
        now = to_db_time(self._clock.now())
        event_id = await self._db.insert(
            "INSERT INTO events (guild_id, organiser_id, title, description, location, area, "
            "timezone, starts_at, ends_at, capacity, reminders, when_text, rrule, state, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)",
            (guild_id, organiser_id, *self._draft_values(draft), now, now),
        )
        found = await self.get(guild_id, event_id)
        assert found is not None
        return found

    async def update_draft(self, event: Event, draft: Draft) -> Event:
        changed = await self._db.execute(
            "UPDATE events SET title = ?, description = ?, location = ?, area = ?, timezone = ?, "
            "starts_at = ?, ends_at = ?, capacity = ?, reminders = ?, when_text = ?, rrule = ?, "
            "updated_at = ? WHERE id = ? AND state = 'draft'",
            (*self._draft_values(draft), to_db_time(self._clock.now()), event.id),
        )
        if changed != 1:
            raise EventError("This preview was already confirmed. Use /event edit to change it.")
        found = await self.get(event.guild_id, event.id)
        assert found is not None
        return found

    @staticmethod
    def _draft_values(draft: Draft) -> tuple[Any, ...]:
        return (
            draft.title, draft.description, draft.location, draft.area, draft.timezone,
            to_db_time(draft.starts_at), to_db_time(draft.ends_at), draft.capacity,
            json.dumps(list(draft.reminders)), draft.when_text, draft.rrule,
        )  # fmt: skip

    async def confirm(self, guild_id: int, event_id: int, user_id: int) -> Event:
        """Make a draft live: its series (if any), its reminders and next occurrence."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            event = await self.get(guild_id, event_id)
            if event is None:
                raise EventError("This preview has expired. Run /event create again.")
            if event.state != "draft":
                raise EventError(f"Event {event.label} was already created.")
            if event.organiser_id != user_id:
                raise EventError("Only the member who made this preview can confirm it.")
            if event.starts_at <= now:
                raise EventError(
                    "The start time has passed while the preview was open. Press Edit and "
                    "give a new time."
                )
            series_id = await self.start_series(event) if event.rrule else None
            await tx.execute(
                "UPDATE events SET state = 'scheduled', series_id = ?, updated_at = ? WHERE id = ?",
                (series_id, to_db_time(now), event_id),
            )
            event = await self.get(guild_id, event_id)
            assert event is not None
            await self.sync_reminders(event)
            if series_id is not None:
                await self._schedule_next(event)
        return event

    async def unconfirm(self, event: Event) -> None:
        """Back to a draft when the card could not be posted: its reminders, series and next
        occurrence go, so Confirm can be pressed again and nothing half-exists."""
        async with self._db.transaction():
            await self._scheduler.cancel_key(REMINDER_JOB, f"event:{event.id}")
            await self._db.execute(
                "UPDATE events SET state = 'draft', series_id = NULL, updated_at = ? "
                "WHERE id = ? AND state = 'scheduled'",
                (to_db_time(self._clock.now()), event.id),
            )
            if event.series_id is not None:
                await self._scheduler.cancel_key(NEXT_JOB, f"series:{event.series_id}")
                await self._db.execute("DELETE FROM event_series WHERE id = ?", (event.series_id,))

    async def set_card(self, event_id: int, channel_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE events SET channel_id = ?, message_id = ? WHERE id = ?",
            (channel_id, message_id, event_id),
        )

    async def set_discord_event(self, event_id: int, discord_event_id: int | None) -> None:
        await self._db.execute(
            "UPDATE events SET discord_event_id = ? WHERE id = ?", (discord_event_id, event_id)
        )

    # -- changing ----------------------------------------------------------------------------

    async def edit(self, event: Event, changes: dict[str, Any], series: bool = False) -> Edited:
        """Apply checked changes (title, description, location, area, starts_at, ends_at,
        timezone, capacity, reminders, when_text). Moving the time or changing the reminder
        offsets reschedules every pending reminder. Capacity never drops below the places
        already taken: the organiser is told how many are Going instead.

        ``event`` may be stale (the description form stays open for minutes), so it is read
        again inside the transaction: one cancelled or ended meanwhile is never edited."""
        async with self._db.transaction():
            current = await self.get(event.guild_id, event.id)
            if current is None:
                raise EventError(f"Event {event.label} no longer exists.")
            event = current
            if event.state != "scheduled":
                raise EventError(f"Event {event.label} is {event.state}; it cannot be edited.")
            if event.ends_at <= self._clock.now():
                raise EventError(f"Event {event.label} has ended; it cannot be edited.")
            starts = changes.get("starts_at", event.starts_at)
            ends = changes.get("ends_at", event.ends_at)
            if ends <= starts:
                raise EventError("The end would be before the start. Give a duration too.")
            moved = starts != event.starts_at or ends != event.ends_at
            place_changed = changes.get("location", event.location) != event.location
            area_changed = "area" in changes and changes["area"] != event.area
            offsets = tuple(changes.get("reminders", event.reminders))
            reminders_changed = offsets != event.reminders
            allowed = ("title", "description", "location", "area", "timezone", "capacity",
                       "when_text")  # fmt: skip
            sets = {k: v for k, v in changes.items() if k in allowed}
            sets.update(starts_at=to_db_time(starts), ends_at=to_db_time(ends))
            sets.update(
                reminders=json.dumps(list(offsets)), updated_at=to_db_time(self._clock.now())
            )
            assignments = ", ".join(f"{k} = ?" for k in sets)
            await self._check_capacity(event, changes.get("capacity"))
            await self._db.execute(
                f"UPDATE events SET {assignments} WHERE id = ?", (*sets.values(), event.id)
            )
            edited = await self.get(event.guild_id, event.id)
            assert edited is not None
            if moved or reminders_changed:
                await self._scheduler.cancel_key(REMINDER_JOB, f"event:{event.id}")
                await self.sync_reminders(edited)
            if moved and await self._is_latest(edited):
                await self._schedule_next(edited)
            if series:
                await self.update_series(event, edited, set(changes))
        return Edited(edited, moved, place_changed, area_changed, reminders_changed)

    async def _check_capacity(self, event: Event, capacity: int | None) -> None:
        if capacity is None:
            return
        taken = int(
            await self._db.fetchval(
                "SELECT COUNT(*) FROM event_rsvps WHERE event_id = ? "
                "AND status IN ('going', 'offered')",
                (event.id,),
            )
        )
        if capacity < taken:
            raise EventError(
                f"{taken} members are Going to {event.title} (counting places offered from "
                f"the waitlist), so the capacity cannot go below {taken}. Give {taken} or "
                "more, or ask members to change their answer first."
            )

    async def cancel(self, event: Event) -> list[int]:
        """Cancel the event and its pending reminders and offers; returns who to tell."""
        if event.state != "scheduled":
            raise EventError(f"Event {event.label} is already {event.state}.")
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE events SET state = 'cancelled', updated_at = ? WHERE id = ?",
                (to_db_time(self._clock.now()), event.id),
            )
            await self._scheduler.cancel_key(REMINDER_JOB, f"event:{event.id}")
            await self._scheduler.cancel_key(OFFER_JOB, f"offer:{event.id}")
            return await self.attendees(event.id)

    async def attendees(self, event_id: int) -> list[int]:
        """Everyone told of a change: Going, Maybe, waitlisted and offered."""
        rows = await self._db.fetchall(
            "SELECT user_id FROM event_rsvps WHERE event_id = ? AND status IN "
            "('going', 'maybe', 'waitlist', 'offered') ORDER BY since",
            (event_id,),
        )
        return [int(r["user_id"]) for r in rows]

    # -- personal data -----------------------------------------------------------------------

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        rsvps = await self._db.fetchall(
            "SELECT r.event_id, e.title, r.name, r.status, r.since, r.muted FROM event_rsvps r "
            "JOIN events e ON e.id = r.event_id WHERE r.guild_id = ? AND r.user_id = ?",
            (guild_id, user_id),
        )
        organised = await self._db.fetchall(
            "SELECT id, title, description, location, when_text, timezone, starts_at, ends_at, "
            "state FROM events WHERE guild_id = ? AND organiser_id = ?",
            (guild_id, user_id),
        )
        offsets, maybe = await self.prefs(guild_id, user_id)
        reminders = await self._db.fetchall(
            "SELECT event_id, offset_seconds, state, at FROM event_reminder_deliveries "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return {
            "rsvps": [dict(r) for r in rsvps],
            "organised": [dict(r) for r in organised],
            "reminder_offsets_seconds": offsets,
            "remind_when_maybe": maybe,
            "reminders_received": [dict(r) for r in reminders],
        }

    async def erase(self, guild_id: int, user_id: int) -> int:
        """Remove the member's answers and choices. Events they organised stay for the people
        who signed up, unsigned, with their title, place and time; the description they
        wrote (where a bio or contact details tend to go) is erased, in the series' template
        too, and the cards are redrawn without it."""
        where = (guild_id, user_id)
        touched = await self._db.fetchall(
            "SELECT id, state, 1 AS rewritten FROM events WHERE guild_id = ? AND organiser_id = ? "
            "UNION SELECT e.id, e.state, 0 FROM event_rsvps r JOIN events e ON e.id = r.event_id "
            "WHERE r.guild_id = ? AND r.user_id = ? AND e.organiser_id IS NOT ?",
            where + where + (user_id,),
        )
        await self._db.execute(
            "UPDATE event_series SET template = json_set(template, '$.description', '') "
            "WHERE template IS NOT NULL AND id IN (SELECT series_id FROM events "
            "WHERE guild_id = ? AND organiser_id = ?)",
            where,
        )
        removed = 0
        for sql in (
            "DELETE FROM event_rsvps WHERE guild_id = ? AND user_id = ?",
            "DELETE FROM event_reminder_prefs WHERE guild_id = ? AND user_id = ?",
            "DELETE FROM event_reminder_deliveries WHERE guild_id = ? AND user_id = ?",
            "UPDATE events SET organiser_id = NULL, description = '' "
            "WHERE guild_id = ? AND organiser_id = ?",
        ):
            removed += await self._db.execute(sql, where)
        for row in touched:  # their cards are redrawn without their words and name
            if row["state"] != "draft":
                payload = {"event_id": row["id"], "promoted": [], "rewritten": row["rewritten"]}
                await self._scheduler.schedule(
                    CHANGED_JOB, self._clock.now(), payload, guild_id=guild_id
                )
        return removed
