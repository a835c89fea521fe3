"""Which private thread belongs to which member, for features that reach members there.

A member with closed DMs is reached in a private thread made for them alone (see
bot/delivery.py). The thread is found again by its id, not its name, because two
members can share a display name; and a member who deletes their data takes the record
with them (the caller deletes the thread itself, which needs Discord).
"""

from __future__ import annotations

from typing import Any

from bot.clock import Clock, to_db_time
from bot.db import Database


class MemberThreads:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def get(self, guild_id: int, user_id: int, channel_id: int) -> int | None:
        value = await self._db.fetchval(
            "SELECT thread_id FROM member_threads WHERE guild_id = ? AND user_id = ? "
            "AND channel_id = ?",
            (guild_id, user_id, channel_id),
        )
        return None if value is None else int(value)

    async def remember(self, guild_id: int, user_id: int, channel_id: int, thread_id: int) -> None:
        await self._db.execute(
            "INSERT INTO member_threads (guild_id, user_id, channel_id, thread_id, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, channel_id) DO UPDATE "
            "SET thread_id = excluded.thread_id, created_at = excluded.created_at",
            (guild_id, user_id, channel_id, thread_id, to_db_time(self._clock.now())),
        )

    async def of_member(self, guild_id: int, user_id: int) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT thread_id FROM member_threads WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return [int(row["thread_id"]) for row in rows]

    async def export(self, guild_id: int, user_id: int) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT channel_id, thread_id, created_at FROM member_threads "
            "WHERE guild_id = ? AND user_id = ? ORDER BY created_at",
            (guild_id, user_id),
        )
        return [dict(row) for row in rows]

    async def erase(self, guild_id: int, user_id: int) -> int:
        return await self._db.execute(
            "DELETE FROM member_threads WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
