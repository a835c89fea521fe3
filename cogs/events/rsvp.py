"""RSVPs, the waitlist and promotion (no Discord here).

With a capacity, Going clicks past it join the waitlist in click order. When a place frees,
the first on the waitlist is promoted: straight to Going, or (with a confirmation time
set) offered the place until it expires, after which the next person is offered it.
An offered place counts as taken, so a place is never promised twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.scheduler import Scheduler
from cogs.events.model import CHANGED_JOB, OFFER_JOB, Event, EventError, Summary
from cogs.events.reminders import sync_reminders

CHOICES = {"going": "Going", "maybe": "Maybe", "declined": "Can't go"}


@dataclass
class Answer:
    """The outcome of one click: the member's status now, and who was promoted."""

    status: str
    duplicate: bool = False
    promoted: list[tuple[int, str]] = field(default_factory=list)
    position: int = 0


class RsvpBook:
    def __init__(
        self, db: Database, clock: Clock, scheduler: Scheduler, offer_expiry: timedelta
    ) -> None:
        self._db = db
        self._clock = clock
        self._scheduler = scheduler
        self.offer_expiry = offer_expiry

    async def status(self, event_id: int, user_id: int) -> str | None:
        value = await self._db.fetchval(
            "SELECT status FROM event_rsvps WHERE event_id = ? AND user_id = ?",
            (event_id, user_id),
        )
        return None if value is None else str(value)

    async def answer(self, event: Event, user_id: int, name: str, choice: str) -> Answer:
        """Record Going, Maybe or Can't go. Refuses cancelled and started events."""
        if choice not in CHOICES:
            raise EventError("Choose Going, Maybe or Can't go.")
        if event.state == "cancelled":
            raise EventError(f"{event.title} was cancelled, so it takes no answers.")
        if event.starts_at <= self._clock.now():
            raise EventError(f"{event.title} has already started, so it takes no more answers.")
        async with self._db.transaction():
            current = await self.status(event.id, user_id)
            if choice == "going" and current == "offered":
                return await self.accept_offer(event, user_id)
            if current == choice or (choice == "going" and current == "waitlist"):
                position = await self._position(event.id, user_id) if current == "waitlist" else 0
                return Answer(current, duplicate=True, position=position)
            status = choice
            if choice == "going" and await self._full(event):
                status = "waitlist"
            await self._set(event, user_id, name, status)
            answer = Answer(status)
            if status == "waitlist":
                answer.position = await self._position(event.id, user_id)
            if current in ("going", "offered"):
                if current == "offered":
                    await self._scheduler.cancel_key(OFFER_JOB, f"offer:{event.id}:{user_id}")
                answer.promoted = await self.promote_and_tell(event)
            await sync_reminders(self._db, self._clock, self._scheduler, event)
        return answer

    async def accept_offer(self, event: Event, user_id: int) -> Answer:
        async with self._db.transaction():
            changed = await self._db.execute(
                "UPDATE event_rsvps SET status = 'going', offer_expires_at = NULL "
                "WHERE event_id = ? AND user_id = ? AND status = 'offered'",
                (event.id, user_id),
            )
            if changed != 1:
                if await self.status(event.id, user_id) == "going":
                    return Answer("going", duplicate=True)
                raise EventError(
                    "This offer has expired and the place went to the next person. Press "
                    "Going on the card to join the waitlist again."
                )
            await self._scheduler.cancel_key(OFFER_JOB, f"offer:{event.id}:{user_id}")
            await sync_reminders(self._db, self._clock, self._scheduler, event)
        return Answer("going")

    async def expire_offer(self, event: Event, user_id: int) -> list[tuple[int, str]] | None:
        """The offer ran out: drop the member and offer the place to the next person.
        None when there was nothing to expire (accepted, or already handled).

        Whoever is promoted is told (and the card updated) by a job scheduled in the same
        transaction: once the place has moved on, telling them must not depend on telling
        the member whose offer ran out, whose retry would find nothing left to do."""
        async with self._db.transaction():
            changed = await self._db.execute(
                "DELETE FROM event_rsvps WHERE event_id = ? AND user_id = ? "
                "AND status = 'offered' AND offer_expires_at <= ?",
                (event.id, user_id, to_db_time(self._clock.now())),
            )
            if changed != 1:
                return None
            promoted = await self.promote_and_tell(event)
            if not promoted:  # the card still shows one place fewer on offer
                await self._scheduler.schedule(
                    CHANGED_JOB, self._clock.now(), {"event_id": event.id, "promoted": []},
                    guild_id=event.guild_id,
                )  # fmt: skip
            return promoted

    async def promote_and_tell(self, event: Event) -> list[tuple[int, str]]:
        """Promote, and in the same transaction schedule the job that tells whoever was
        promoted and refreshes the card: the change and its notice commit together, and a
        notice that fails is retried by the scheduler instead of failing whoever clicked."""
        async with self._db.transaction():
            promoted = await self.promote(event)
            if promoted:
                await self._scheduler.schedule(
                    CHANGED_JOB, self._clock.now(),
                    {"event_id": event.id, "promoted": promoted}, guild_id=event.guild_id,
                )  # fmt: skip
            return promoted

    async def promote(self, event: Event) -> list[tuple[int, str]]:
        """Fill free places from the waitlist, in order; returns (user, 'going' | 'offered').

        One transaction (a savepoint inside a caller's): the free places are counted and
        filled with no Going click in between, so a place is never given twice."""
        async with self._db.transaction():
            return await self._fill(event)

    async def _fill(self, event: Event) -> list[tuple[int, str]]:
        promoted: list[tuple[int, str]] = []
        if event.state != "scheduled" or event.starts_at <= self._clock.now():
            return promoted
        while await self._free(event) > 0:
            row = await self._db.fetchone(
                "SELECT user_id FROM event_rsvps WHERE event_id = ? AND status = 'waitlist' "
                "ORDER BY since, rowid LIMIT 1",
                (event.id,),
            )
            if row is None:
                break
            user_id = int(row["user_id"])
            if self.offer_expiry > timedelta(0):
                expires = min(self._clock.now() + self.offer_expiry, event.starts_at)
                await self._db.execute(
                    "UPDATE event_rsvps SET status = 'offered', offer_expires_at = ? "
                    "WHERE event_id = ? AND user_id = ?",
                    (to_db_time(expires), event.id, user_id),
                )
                await self._scheduler.schedule(
                    OFFER_JOB, expires, {"event_id": event.id, "user_id": user_id},
                    guild_id=event.guild_id, key=f"offer:{event.id}:{user_id}",
                )  # fmt: skip
                promoted.append((user_id, "offered"))
            else:
                await self._db.execute(
                    "UPDATE event_rsvps SET status = 'going' WHERE event_id = ? AND user_id = ?",
                    (event.id, user_id),
                )
                promoted.append((user_id, "going"))
        return promoted

    async def forget_member(self, guild_id: int, user_id: int) -> list[int]:
        """A member left or erased their data: remove their answers to events not yet over,
        and give any place they held to the waitlist, as a drop does. Returns the events.

        Cards and promoted members are told by a job scheduled in the same transaction, so
        an erase that rolls back tells no one, and a restart still tells them."""
        touched: list[int] = []
        async with self._db.transaction():
            rows = await self._db.fetchall(
                "SELECT e.*, r.status AS answered FROM event_rsvps r JOIN events e "
                "ON e.id = r.event_id WHERE r.guild_id = ? AND r.user_id = ? "
                "AND e.state = 'scheduled' AND e.ends_at > ?",
                (guild_id, user_id, to_db_time(self._clock.now())),
            )
            for row in rows:
                event = Event.from_row(row)
                await self._db.execute(
                    "DELETE FROM event_rsvps WHERE event_id = ? AND user_id = ?",
                    (event.id, user_id),
                )
                promoted: list[tuple[int, str]] = []
                if row["answered"] in ("going", "offered"):
                    await self._scheduler.cancel_key(OFFER_JOB, f"offer:{event.id}:{user_id}")
                    promoted = await self.promote(event)
                await self._scheduler.schedule(
                    CHANGED_JOB, self._clock.now(),
                    {"event_id": event.id, "promoted": promoted}, guild_id=guild_id,
                )  # fmt: skip
                touched.append(event.id)
        return touched

    async def summary(self, event_id: int) -> Summary:
        rows = await self._db.fetchall(
            "SELECT name, status FROM event_rsvps WHERE event_id = ? ORDER BY since, rowid",
            (event_id,),
        )
        found = Summary()
        for row in rows:
            status = row["status"]
            if status == "going":
                found.going.append(str(row["name"]))
            elif status == "maybe":
                found.maybe.append(str(row["name"]))
            elif status == "declined":
                found.declined += 1
            elif status == "waitlist":
                found.waitlist += 1
            else:
                found.offered += 1
        return found

    async def offer_expiry_of(self, event_id: int, user_id: int) -> str | None:
        value = await self._db.fetchval(
            "SELECT offer_expires_at FROM event_rsvps WHERE event_id = ? AND user_id = ?",
            (event_id, user_id),
        )
        return None if value is None else str(value)

    # -- helpers -----------------------------------------------------------------------------

    async def _set(self, event: Event, user_id: int, name: str, status: str) -> None:
        await self._db.execute(
            "INSERT INTO event_rsvps (event_id, guild_id, user_id, name, status, since) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, user_id) DO UPDATE SET "
            "status = excluded.status, name = excluded.name, since = excluded.since, "
            "offer_expires_at = NULL",
            (event.id, event.guild_id, user_id, name[:80], status, to_db_time(self._clock.now())),
        )

    async def _taken(self, event_id: int) -> int:
        return int(
            await self._db.fetchval(
                "SELECT COUNT(*) FROM event_rsvps WHERE event_id = ? "
                "AND status IN ('going', 'offered')",
                (event_id,),
            )
        )

    async def _full(self, event: Event) -> bool:
        return event.capacity is not None and await self._taken(event.id) >= event.capacity

    async def _free(self, event: Event) -> int:
        if event.capacity is None:
            return 1 << 30
        return event.capacity - await self._taken(event.id)

    async def _position(self, event_id: int, user_id: int) -> int:
        return int(
            await self._db.fetchval(
                "SELECT COUNT(*) FROM event_rsvps w, event_rsvps me WHERE w.event_id = ? "
                "AND me.event_id = w.event_id AND me.user_id = ? AND w.status = 'waitlist' "
                "AND (w.since < me.since OR (w.since = me.since AND w.rowid <= me.rowid))",
                (event_id, user_id),
            )
        )
