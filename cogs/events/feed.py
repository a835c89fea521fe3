"""Calendar files from the database, and members' secret feed links (no Discord here).

``CalendarStore`` reads what the files in ``cogs.events.calendar`` are built from: each
row's SEQUENCE and last change, a series with its occurrences. ``FeedTokens`` keeps each
member's feed link: a random secret shown to the member once and stored only as its
SHA-256, so a copy of the database never gives anyone's calendar away.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, from_db_time, to_db_time
from bot.db import Database, Row
from cogs.events.calendar import SeriesRecord, Stamped, event_file, feed_file, series_file
from cogs.events.model import Event
from cogs.events.series import template_of

# A cancelled or past event stays in the feed this long after it ends, so a calendar that
# polls (or a member who imports the file again) sees it CANCELLED instead of keeping a
# stale entry; 30 days covers calendar apps that poll rarely.
FEED_KEEP = timedelta(days=30)
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def stamped(row: Row) -> Stamped:
    return Stamped(Event.from_row(row), int(row["sequence"]), from_db_time(row["updated_at"]))


class CalendarStore:
    """The rows behind `/event ics`, `/event feed` and the feed served over HTTP."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def ics(self, event: Event) -> bytes:
        """One event's file; an occurrence's is its whole series (rule, EXDATEs, overrides),
        whatever state this one occurrence is in."""
        if event.series_id is not None:
            series = await self.series(event.series_id)
            if series is not None:
                return series_file(*series)
        row = await self._db.fetchone("SELECT * FROM events WHERE id = ?", (event.id,))
        assert row is not None
        return event_file(stamped(row))

    async def series(self, series_id: int) -> tuple[SeriesRecord, list[Stamped]] | None:
        """A series and its occurrences so far, in order."""
        row = await self._db.fetchone("SELECT * FROM event_series WHERE id = ?", (series_id,))
        if row is None:
            return None
        rows = await self._db.fetchall(
            "SELECT * FROM events WHERE series_id = ? AND state != 'draft' ORDER BY occurrence",
            (series_id,),
        )
        items = [stamped(r) for r in rows]
        # A series made before templates existed is made from its latest occurrence.
        template: dict[str, Any] = template_of(items[-1].event) if items else {}
        if row["template"]:
            template.update(json.loads(row["template"]))
        record = SeriesRecord(
            id=int(row["id"]),
            guild_id=int(row["guild_id"]),
            rrule=str(row["rrule"]),
            timezone=str(row["timezone"]),
            first_start=from_db_time(row["first_start"]),
            template=template,
            state=str(row["state"]),
            sequence=int(row["sequence"]),
            modified=from_db_time(row["updated_at"] or row["created_at"]),
        )
        return record, items

    async def feed_items(
        self, guild_id: int, user_id: int, areas: tuple[str, ...]
    ) -> list[Stamped]:
        """A member's calendar: events they answered (not "Can't go") and their areas'
        events, coming ones and those that ended or were cancelled in the last 30 days."""
        marks = ",".join("?" * len(areas)) or "NULL"
        since = to_db_time(self._clock.now() - FEED_KEEP)
        rows = await self._db.fetchall(
            "SELECT DISTINCT e.* FROM events e LEFT JOIN event_rsvps r ON r.event_id = e.id "
            "AND r.user_id = ? WHERE e.guild_id = ? AND e.state IN ('scheduled', 'cancelled') "
            "AND e.ends_at > ? "
            f"AND ((r.user_id IS NOT NULL AND r.status != 'declined') OR e.area IN ({marks})) "
            "ORDER BY e.starts_at, e.id",
            (user_id, guild_id, since, *areas),
        )
        return [stamped(r) for r in rows]

    async def feed(
        self, guild_id: int, user_id: int, areas: tuple[str, ...]
    ) -> tuple[bytes, list[Stamped]]:
        items = await self.feed_items(guild_id, user_id, areas)
        return feed_file(items), items

    def upcoming(self, items: list[Stamped]) -> int:
        now = self._clock.now()
        return sum(1 for s in items if s.event.state == "scheduled" and s.event.ends_at > now)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class FeedTokens:
    """One secret feed link per member and server; a reset replaces it at once."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def issue(self, guild_id: int, user_id: int) -> str:
        """A new secret for the member; the old one, if any, stops working now."""
        token = secrets.token_urlsafe(32)
        await self._db.execute(
            "INSERT INTO event_feed_tokens (guild_id, user_id, token_hash, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
            "token_hash = excluded.token_hash, created_at = excluded.created_at",
            (guild_id, user_id, token_hash(token), to_db_time(self._clock.now())),
        )
        return token

    async def issued_at(self, guild_id: int, user_id: int) -> datetime | None:
        value = await self._db.fetchval(
            "SELECT created_at FROM event_feed_tokens WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return None if value is None else from_db_time(value)

    async def owner(self, token: str) -> tuple[int, int] | None:
        """(guild_id, user_id) of a valid secret; None for anything else."""
        if not TOKEN_SHAPE.fullmatch(token):
            return None
        row = await self._db.fetchone(
            "SELECT guild_id, user_id FROM event_feed_tokens WHERE token_hash = ?",
            (token_hash(token),),
        )
        return None if row is None else (int(row["guild_id"]), int(row["user_id"]))

    async def revoke(self, guild_id: int, user_id: int) -> int:
        """Erasure (``/profile delete``): the link stops working."""
        return await self._db.execute(
            "DELETE FROM event_feed_tokens WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        made = await self.issued_at(guild_id, user_id)
        return {"calendar_link_created_at": None if made is None else made.isoformat()}
