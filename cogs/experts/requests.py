"""Introductions with consent: limits, pauses, one decision per request, expiry.

The expert decides; the requester never learns more than the profile shows until then.
A decision is one UPDATE from pending, so a double click cannot accept twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, from_db_time, to_db_time
from bot.db import Database, Row
from bot.partners import linked_guild_ids
from bot.scheduler import Scheduler
from bot.text import calendar_date, discord_stamp, plural

EXPIRY_JOB = "experts.request_expiry"


class RequestError(ValueError):
    """The request cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class RequestLimits:
    per_day: int = 5
    pending_per_requester: int = 3
    pending_per_expert: int = 5
    expiry: timedelta = timedelta(days=14)


@dataclass(frozen=True)
class IntroRequest:
    id: int
    guild_id: int
    requester_id: int
    expert_id: int
    who: str
    topic: str
    by_when: str
    status: str
    expires_at: datetime
    expert_guild_id: int = 0  # the expert's server: another one for a partner network's member

    @property
    def crosses(self) -> bool:
        """Requester and expert are in different (linked) servers."""
        return self.expert_guild_id != self.guild_id

    @classmethod
    def from_row(cls, row: Row) -> IntroRequest:
        home = row["expert_guild"] if row["expert_guild"] is not None else row["guild_id"]
        return cls(int(row["id"]), int(row["guild_id"]), int(row["requester_id"]),
                   int(row["expert_id"]), row["who"], row["topic"], row["by_when"], row["status"],
                   from_db_time(row["expires_at"]), int(home))  # fmt: skip


EXPERT_HOME = "COALESCE(expert_guild, guild_id)"  # the expert's own server, in SQL


class RequestService:
    def __init__(
        self, db: Database, clock: Clock, scheduler: Scheduler, limits: RequestLimits
    ) -> None:
        self._db = db
        self._clock = clock
        self._scheduler = scheduler
        self.limits = limits

    async def get(self, request_id: int) -> IntroRequest | None:
        row = await self._db.fetchone("SELECT * FROM expert_requests WHERE id = ?", (request_id,))
        return None if row is None else IntroRequest.from_row(row)

    async def paused_until(self, guild_id: int, user_id: int) -> datetime | None:
        value = await self._db.fetchval(
            "SELECT until FROM expert_pauses WHERE guild_id = ? AND user_id = ? AND until > ?",
            (guild_id, user_id, to_db_time(self._clock.now())),
        )
        return None if value is None else from_db_time(value)

    async def pause(self, guild_id: int, user_id: int, until: datetime) -> None:
        if until <= self._clock.now():
            example = self._clock.now() + timedelta(days=30)
            raise RequestError(
                f"That date is in the past. Give a future date, e.g. {example:%Y-%m-%d}."
            )
        await self._db.execute(
            "INSERT INTO expert_pauses (guild_id, user_id, until) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET until = excluded.until",
            (guild_id, user_id, to_db_time(until)),
        )

    async def resume(self, guild_id: int, user_id: int) -> bool:
        return (
            await self._db.execute(
                "DELETE FROM expert_pauses WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            == 1
        )

    async def check(
        self,
        guild_id: int,
        requester_id: int,
        expert_id: int,
        expert_name: str,
        expert_guild_id: int | None = None,
    ) -> None:
        """Every reason a request cannot be made; checked when the form opens and on send.

        Limits count across the federation: a member's requests from this server and every
        linked one, and an expert's waiting requests from anywhere."""
        expert_home = expert_guild_id or guild_id
        if requester_id == expert_id:
            raise RequestError("That is your own profile. Search for someone else to meet.")
        until = await self.paused_until(expert_home, expert_id)
        if until is not None:
            raise RequestError(
                f"{expert_name} is not taking requests until {calendar_date(until)}."
            )
        now = self._clock.now()
        mine = [guild_id, *await linked_guild_ids(self._db, guild_id)]
        row = await self._db.fetchone(
            "SELECT SUM(created_at >= ?) AS today, SUM(status = 'pending') AS pending, "
            f"SUM(status = 'pending' AND expert_id = ? AND {EXPERT_HOME} = ?) AS same "
            f"FROM expert_requests WHERE requester_id = ? AND guild_id IN ({_marks(mine)})",
            (to_db_time(now - timedelta(days=1)), expert_id, expert_home, requester_id, *mine),
        )
        assert row is not None
        if (row["same"] or 0) > 0:
            raise RequestError(f"You already have a request waiting with {expert_name}.")
        if (row["today"] or 0) >= self.limits.per_day:
            raise RequestError(
                f"You have sent {plural(self.limits.per_day, 'request')} in the last day. "
                "Try again tomorrow."
            )
        if (row["pending"] or 0) >= self.limits.pending_per_requester:
            raise RequestError(
                f"You have {plural(self.limits.pending_per_requester, 'request')} waiting for an "
                "answer. "
                "Wait for one of them, or let them expire."
            )
        theirs = [expert_home, *await linked_guild_ids(self._db, expert_home)]
        waiting = await self._db.fetchval(
            f"SELECT COUNT(*) FROM expert_requests WHERE {EXPERT_HOME} IN ({_marks(theirs)}) "
            "AND expert_id = ? AND status = 'pending'",
            (*theirs, expert_id),
        )
        if int(waiting or 0) >= self.limits.pending_per_expert:
            raise RequestError(
                f"{expert_name} has many requests waiting. Try again later, or ask someone else."
            )

    async def create(
        self,
        guild_id: int,
        requester_id: int,
        expert_id: int,
        expert_name: str,
        text: dict[str, str],
        expert_guild_id: int | None = None,
    ) -> IntroRequest:
        """Store the request and its expiry job together; ``expert_guild_id`` names the
        expert's server when it is a linked partner's."""
        who, topic, by_when = (text.get(k, "").strip() for k in ("who", "topic", "by_when"))
        if not who or not topic:
            raise RequestError("Say who you are and what you would like to discuss.")
        now = self._clock.now()
        expires = now + self.limits.expiry
        async with self._db.transaction() as tx:
            await self.check(guild_id, requester_id, expert_id, expert_name, expert_guild_id)
            other = expert_guild_id if expert_guild_id not in (None, guild_id) else None
            request_id = await tx.insert(
                "INSERT INTO expert_requests (guild_id, requester_id, expert_id, who, topic, "
                "by_when, created_at, expires_at, expert_guild) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    requester_id,
                    expert_id,
                    who,
                    topic,
                    by_when,
                    to_db_time(now),
                    to_db_time(expires),
                    other,
                ),
            )
            await self._scheduler.schedule(
                EXPIRY_JOB, expires, {"request_id": request_id, "user_id": requester_id},
                guild_id=guild_id, key=f"request:{request_id}",
            )  # fmt: skip
        found = await self.get(request_id)
        assert found is not None
        return found

    async def decide(self, request_id: int, expert_id: int, accept: bool) -> IntroRequest:
        """Accept or decline once; a second click, or a click after expiry, is explained."""
        status = "accepted" if accept else "declined"
        changed = await self._db.execute(
            "UPDATE expert_requests SET status = ?, decided_at = ? "
            "WHERE id = ? AND expert_id = ? AND status = 'pending'",
            (status, to_db_time(self._clock.now()), request_id, expert_id),
        )
        request = await self.get(request_id)
        if request is None or request.expert_id != expert_id:
            raise RequestError("This request is not for you, or it no longer exists.")
        if changed != 1:
            if request.status == "expired":
                raise RequestError(
                    f"This request expired on {discord_stamp(request.expires_at, 'D')}."
                )
            raise RequestError(f"You already {request.status} this request.")
        await self._scheduler.cancel_key(EXPIRY_JOB, f"request:{request_id}")
        return request

    async def set_thread(self, request_id: int, thread_id: int) -> None:
        await self._db.execute(
            "UPDATE expert_requests SET thread_id = ? WHERE id = ?", (thread_id, request_id)
        )

    async def expire(self, request_id: int) -> IntroRequest | None:
        changed = await self._db.execute(
            "UPDATE expert_requests SET status = 'expired', decided_at = ? "
            "WHERE id = ? AND status = 'pending'",
            (to_db_time(self._clock.now()), request_id),
        )
        return await self.get(request_id) if changed == 1 else None

    async def pending_across(self, guild_id: int, other_guild_id: int) -> list[IntroRequest]:
        """Requests waiting between two servers, in either direction (for an unlink)."""
        rows = await self._db.fetchall(
            "SELECT * FROM expert_requests WHERE status = 'pending' AND expert_guild IS NOT NULL "
            "AND ((guild_id = ? AND expert_guild = ?) OR (guild_id = ? AND expert_guild = ?)) "
            "ORDER BY id",
            (guild_id, other_guild_id, other_guild_id, guild_id),
        )
        return [IntroRequest.from_row(r) for r in rows]

    async def expire_now(self, request_id: int) -> IntroRequest | None:
        """Expire before the due date (the link it crossed ended), with its job cancelled."""
        request = await self.expire(request_id)
        if request is not None:
            await self._scheduler.cancel_key(EXPIRY_JOB, f"request:{request_id}")
        return request

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Requests the member made from this server, and those made to them as a member of
        this server (from here or from a partner network)."""
        rows = await self._db.fetchall(
            "SELECT * FROM expert_requests WHERE (guild_id = ? AND requester_id = ?) "
            f"OR ({EXPERT_HOME} = ? AND expert_id = ?)",
            (guild_id, user_id, guild_id, user_id),
        )
        pause = await self.paused_until(guild_id, user_id)
        return {
            "requests": [dict(r) for r in rows],
            "paused_until": pause.isoformat() if pause else None,
        }

    async def erase(self, guild_id: int, user_id: int) -> int:
        removed = await self._db.execute(
            "DELETE FROM expert_requests WHERE (guild_id = ? AND requester_id = ?) "
            f"OR ({EXPERT_HOME} = ? AND expert_id = ?)",
            (guild_id, user_id, guild_id, user_id),
        )
        return removed + await self._db.execute(
            "DELETE FROM expert_pauses WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )


def _marks(values: list[int]) -> str:
    return ", ".join("?" for _ in values)
