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

    @classmethod
    def from_row(cls, row: Row) -> IntroRequest:
        return cls(int(row["id"]), int(row["guild_id"]), int(row["requester_id"]),
                   int(row["expert_id"]), row["who"], row["topic"], row["by_when"], row["status"],
                   from_db_time(row["expires_at"]))  # fmt: skip


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
        self, guild_id: int, requester_id: int, expert_id: int, expert_name: str
    ) -> None:
        """Every reason a request cannot be made; checked when the form opens and on send."""
        if requester_id == expert_id:
            raise RequestError("That is your own profile. Search for someone else to meet.")
        until = await self.paused_until(guild_id, expert_id)
        if until is not None:
            raise RequestError(
                f"{expert_name} is not taking requests until {calendar_date(until)}."
            )
        now = self._clock.now()
        row = await self._db.fetchone(
            "SELECT SUM(created_at >= ?) AS today, SUM(status = 'pending') AS pending, "
            "SUM(status = 'pending' AND expert_id = ?) AS same FROM expert_requests "
            "WHERE guild_id = ? AND requester_id = ?",
            (to_db_time(now - timedelta(days=1)), expert_id, guild_id, requester_id),
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
        waiting = await self._db.fetchval(
            "SELECT COUNT(*) FROM expert_requests WHERE guild_id = ? AND expert_id = ? "
            "AND status = 'pending'",
            (guild_id, expert_id),
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
    ) -> IntroRequest:
        who, topic, by_when = (text.get(k, "").strip() for k in ("who", "topic", "by_when"))
        if not who or not topic:
            raise RequestError("Say who you are and what you would like to discuss.")
        now = self._clock.now()
        expires = now + self.limits.expiry
        async with self._db.transaction() as tx:
            await self.check(guild_id, requester_id, expert_id, expert_name)
            request_id = await tx.insert(
                "INSERT INTO expert_requests (guild_id, requester_id, expert_id, who, topic, "
                "by_when, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    requester_id,
                    expert_id,
                    who,
                    topic,
                    by_when,
                    to_db_time(now),
                    to_db_time(expires),
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

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        rows = await self._db.fetchall(
            "SELECT * FROM expert_requests WHERE guild_id = ? "
            "AND (requester_id = ? OR expert_id = ?)",
            (guild_id, user_id, user_id),
        )
        pause = await self.paused_until(guild_id, user_id)
        return {
            "requests": [dict(r) for r in rows],
            "paused_until": pause.isoformat() if pause else None,
        }

    async def erase(self, guild_id: int, user_id: int) -> int:
        removed = await self._db.execute(
            "DELETE FROM expert_requests WHERE guild_id = ? "
            "AND (requester_id = ? OR expert_id = ?)",
            (guild_id, user_id, user_id),
        )
        return removed + await self._db.execute(
            "DELETE FROM expert_pauses WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
