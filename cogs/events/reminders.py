"""Reminder bookkeeping, mixed into EventService (no Discord here).

Reminders are scheduler rows, one per event and offset anyone needs (the event's own, and
each attendee's from /event reminders). Each member's reminder is claimed in
``event_reminder_deliveries`` just before its request leaves ('sending'), then marked
'sent', 'fallback' or 'failed'. A restart half way through a fan-out carries on without
repeating anyone, and the members an earlier run left 'sending' (their request was in
flight) are reported, not silently lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.scheduler import Scheduler
from cogs.events.model import REMINDER_JOB, Event, EventError


@dataclass(frozen=True)
class Recipient:
    user_id: int
    status: str


async def sync_reminders(db: Database, clock: Clock, scheduler: Scheduler, event: Event) -> None:
    """One pending job per offset anyone needs (the event's, and attendees' own).

    A function, not only a method, so an answer can schedule its member's own offsets in
    the transaction that records it: a crash between the two would lose those reminders.
    """
    rows = await db.fetchall(
        "SELECT p.offsets FROM event_reminder_prefs p JOIN event_rsvps r "
        "ON r.guild_id = p.guild_id AND r.user_id = p.user_id WHERE r.event_id = ? "
        "AND r.status IN ('going', 'maybe', 'offered') AND p.offsets IS NOT NULL",
        (event.id,),
    )
    offsets = set(event.reminders)
    for row in rows:
        offsets.update(json.loads(row["offsets"]))
    now = clock.now()
    for offset in sorted(offsets):
        due = event.starts_at - timedelta(seconds=offset)
        if due > now:
            await scheduler.schedule(
                REMINDER_JOB, due, {"event_id": event.id, "offset": offset},
                guild_id=event.guild_id, key=f"event:{event.id}:{offset}", replace=False,
            )  # fmt: skip


class ReminderStore:
    _db: Database
    _clock: Clock
    _scheduler: Scheduler

    async def mine(self, guild_id: int, user_id: int) -> list[tuple[Event, str]]:
        raise NotImplementedError

    async def sync_reminders(self, event: Event) -> None:
        await sync_reminders(self._db, self._clock, self._scheduler, event)

    async def recipients(self, event: Event, offset: int) -> list[Recipient]:
        """Who gets the reminder at ``offset``: Going (and Maybe, if they asked), not muted,
        whose own offsets (or else the event's) include it."""
        rows = await self._db.fetchall(
            "SELECT r.user_id, r.status, p.offsets, COALESCE(p.include_maybe, 0) AS maybe "
            "FROM event_rsvps r LEFT JOIN event_reminder_prefs p ON p.guild_id = r.guild_id "
            "AND p.user_id = r.user_id WHERE r.event_id = ? AND r.muted = 0 "
            "AND r.status IN ('going', 'maybe', 'offered') ORDER BY r.since",
            (event.id,),
        )
        found = []
        for row in rows:
            wanted = json.loads(row["offsets"]) if row["offsets"] else list(event.reminders)
            if offset not in wanted or (row["status"] == "maybe" and not row["maybe"]):
                continue
            found.append(Recipient(int(row["user_id"]), str(row["status"])))
        return found

    async def claim_delivery(self, event: Event, offset: int, user_id: int, run: str) -> bool:
        """True if this member's reminder is ours to send: never twice for one start time.
        The claim is 'sending' until the run records what happened."""
        changed = await self._db.execute(
            "INSERT OR IGNORE INTO event_reminder_deliveries (event_id, starts_at, "
            "offset_seconds, user_id, guild_id, state, run, at) "
            "VALUES (?, ?, ?, ?, ?, 'sending', ?, ?)",
            (event.id, to_db_time(event.starts_at), offset, user_id, event.guild_id, run,
             to_db_time(self._clock.now())),
        )  # fmt: skip
        return changed == 1

    async def unclaimed(self, event: Event, offset: int, user_ids: list[int]) -> list[int]:
        """The members of ``user_ids`` with no record yet for this reminder, in order."""
        rows = await self._db.fetchall(
            "SELECT user_id FROM event_reminder_deliveries WHERE event_id = ? "
            "AND starts_at = ? AND offset_seconds = ?",
            (event.id, to_db_time(event.starts_at), offset),
        )
        recorded = {int(r["user_id"]) for r in rows}
        return [u for u in user_ids if u not in recorded]

    async def stale_claims(self, event: Event, offset: int, run: str) -> list[int]:
        """Members an earlier run claimed and never finished (the bot stopped in between).
        They are marked 'unknown' and returned once, to be reported; never sent again, since
        the reminder may have gone out just before the stop."""
        key = (event.id, to_db_time(event.starts_at), offset, run)
        where = (
            "WHERE event_id = ? AND starts_at = ? AND offset_seconds = ? AND run != ? "
            "AND state = 'sending'"
        )
        async with self._db.transaction():
            rows = await self._db.fetchall(
                f"SELECT user_id FROM event_reminder_deliveries {where} ORDER BY at, user_id",
                key,
            )
            await self._db.execute(
                f"UPDATE event_reminder_deliveries SET state = 'unknown' {where}", key
            )
        return [int(r["user_id"]) for r in rows]

    async def record_unsent(self, event: Event, offset: int, user_ids: list[int]) -> list[int]:
        """The reminder was given up (missed or failed for good): every recipient not yet
        claimed is recorded as 'failed' and returned, to be named to moderators."""
        unsent = []
        for user_id in user_ids:
            if await self.claim_delivery(event, offset, user_id, "given-up"):
                unsent.append(user_id)
        await self.delivered(event, offset, unsent, "failed")
        return unsent

    async def release_delivery(self, event: Event, offset: int, user_id: int, run: str) -> None:
        """Give a claim back when sending failed with an error, so the retry sends it."""
        await self._db.execute(
            "DELETE FROM event_reminder_deliveries WHERE event_id = ? AND starts_at = ? "
            "AND offset_seconds = ? AND user_id = ? AND state = 'sending' AND run = ?",
            (event.id, to_db_time(event.starts_at), offset, user_id, run),
        )

    async def delivered(self, event: Event, offset: int, user_ids: list[int], state: str) -> None:
        """Record the outcome: 'sent', 'fallback' or 'failed'."""
        await self._db.executemany(
            "UPDATE event_reminder_deliveries SET state = ? WHERE event_id = ? "
            "AND starts_at = ? AND offset_seconds = ? AND user_id = ?",
            [(state, event.id, to_db_time(event.starts_at), offset, u) for u in user_ids],
        )

    async def deliveries(self, event_id: int) -> list[tuple[int, int, str]]:
        rows = await self._db.fetchall(
            "SELECT user_id, offset_seconds, state FROM event_reminder_deliveries "
            "WHERE event_id = ? ORDER BY at, user_id",
            (event_id,),
        )
        return [(int(r["user_id"]), int(r["offset_seconds"]), str(r["state"])) for r in rows]

    async def prefs(self, guild_id: int, user_id: int) -> tuple[list[int] | None, bool]:
        row = await self._db.fetchone(
            "SELECT offsets, include_maybe FROM event_reminder_prefs "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None:
            return None, False
        offsets = json.loads(row["offsets"]) if row["offsets"] else None
        return offsets, bool(row["include_maybe"])

    async def set_prefs(
        self, guild_id: int, user_id: int, offsets: list[int] | None, include_maybe: bool
    ) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO event_reminder_prefs (guild_id, user_id, offsets, include_maybe, "
                "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE "
                "SET offsets = excluded.offsets, include_maybe = excluded.include_maybe, "
                "updated_at = excluded.updated_at",
                (guild_id, user_id, None if offsets is None else json.dumps(offsets),
                 int(include_maybe), to_db_time(self._clock.now())),
            )  # fmt: skip
            for event, _status in await self.mine(guild_id, user_id):
                await self.sync_reminders(event)

    async def mute(self, event: Event, user_id: int, muted: bool) -> None:
        changed = await self._db.execute(
            "UPDATE event_rsvps SET muted = ? WHERE event_id = ? AND user_id = ?",
            (int(muted), event.id, user_id),
        )
        if changed != 1:
            raise EventError(
                f"You have not answered {event.label}. Press Going or Maybe on its card first."
            )
