"""Where the bot posted a member's words or name for other people to read.

Erasing the database is not enough when a member's introduction request sits in someone
else's DMs, their name heads a shared thread or a digest lists them. Each feature that posts
such a message records it here (channel and message id, never the text); ``/profile delete``
reads the records before the erasure, the rows go with the member's other data, and the
clean-up on Discord follows (cogs/profiles/own_data.py). A message that names several
members has one row each, so erasing one member edits it for the others instead of
deleting it: features say how with ``on_retract``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from bot.clock import Clock, to_db_time
from bot.db import Database

Kind = Literal["card", "digest", "thread", "audit"]
CARD: Kind = "card"  # carries the member's own words: deleted
DIGEST: Kind = "digest"  # lists several members: edited to drop the erased one
THREAD_NAME: Kind = "thread"  # named after its members: renamed
AUDIT: Kind = "audit"  # an audit-channel entry naming members: edited to drop the name

# (guild, channel_id, message_id, members still named in it) -> None; ``guild`` is a
# discord.Guild, typed loosely so the core stays free of Discord.
Retractor = Callable[[Any, int, int, list[int]], Awaitable[None]]


@dataclass(frozen=True)
class Posted:
    channel_id: int
    message_id: int
    kind: Kind


class MemberMessages:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._retractors: dict[str, Retractor] = {}

    def on_retract(self, kind: Kind, retractor: Retractor) -> None:
        """The feature that posts messages of ``kind`` says how to take one member out."""
        self._retractors[kind] = retractor

    def retractor(self, kind: str) -> Retractor | None:
        return self._retractors.get(kind)

    async def remember(
        self, guild_id: int, user_ids: list[int], channel_id: int, message_id: int, kind: Kind
    ) -> None:
        """Record one message for each member whose words or name it carries."""
        now = to_db_time(self._clock.now())
        await self._db.executemany(
            "INSERT OR IGNORE INTO member_messages (guild_id, user_id, channel_id, message_id, "
            "kind, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(guild_id, user_id, channel_id, message_id, kind, now) for user_id in user_ids],
        )

    async def remember_thread(self, guild_id: int, user_ids: list[int], thread_id: int) -> None:
        """A thread called "<title>: <name> and <name>", renamed when one of them erases."""
        await self.remember(guild_id, user_ids, thread_id, thread_id, THREAD_NAME)

    async def of_member(self, guild_id: int, user_id: int) -> list[Posted]:
        rows = await self._db.fetchall(
            "SELECT channel_id, message_id, kind FROM member_messages WHERE guild_id = ? "
            "AND user_id = ? ORDER BY created_at",
            (guild_id, user_id),
        )
        return [Posted(int(r["channel_id"]), int(r["message_id"]), r["kind"]) for r in rows]

    async def others_on(self, guild_id: int, message_id: int) -> list[int]:
        """The members still named in a message (the erased one's row is gone by then)."""
        rows = await self._db.fetchall(
            "SELECT user_id FROM member_messages WHERE guild_id = ? AND message_id = ? "
            "ORDER BY created_at, user_id",
            (guild_id, message_id),
        )
        return [int(r["user_id"]) for r in rows]

    async def forget_message(self, guild_id: int, message_id: int) -> None:
        """A message deleted from Discord needs no record for anyone any more."""
        await self._db.execute(
            "DELETE FROM member_messages WHERE guild_id = ? AND message_id = ?",
            (guild_id, message_id),
        )

    async def export(self, guild_id: int, user_id: int) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT channel_id, message_id, kind, created_at FROM member_messages "
            "WHERE guild_id = ? AND user_id = ? ORDER BY created_at",
            (guild_id, user_id),
        )
        return [dict(r) for r in rows]

    async def erase(self, guild_id: int, user_id: int) -> int:
        return await self._db.execute(
            "DELETE FROM member_messages WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
