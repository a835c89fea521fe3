"""Each member's DM channel id, stored, so a repeat DM is one request instead of two.

discord.py remembers only the 128 most recent DM channels; past that, every DM first opens
the channel again (``POST /users/@me/channels``), which doubles a reminder's requests and
its time under Discord's 50 requests a second. A DM channel's id never changes, so it is
kept in the database (and in memory while the bot runs) and sent to directly.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.db import Database


class DmChannels:
    def __init__(self, db: Database, client: discord.Client) -> None:
        self._db = db
        self._client = client
        self._known: dict[int, int] = {}

    async def open(self, user: discord.User | discord.Member) -> discord.abc.Messageable:
        """The member's DM channel: from memory, the database, or Discord (then stored)."""
        channel_id = self._known.get(user.id)
        if channel_id is None:
            stored = await self._db.fetchval(
                "SELECT channel_id FROM dm_channels WHERE user_id = ?", (user.id,)
            )
            channel_id = None if stored is None else int(stored)
        if channel_id is None:
            channel = user.dm_channel or await user.create_dm()
            channel_id = channel.id
            await self._db.execute(
                "INSERT INTO dm_channels (user_id, channel_id) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET channel_id = excluded.channel_id",
                (user.id, channel_id),
            )
        self._known[user.id] = channel_id
        return self._client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def send(self, user: discord.User | discord.Member, **message: Any) -> discord.Message:
        """Send a DM; a stored channel Discord no longer knows is opened again once."""
        channel = await self.open(user)
        try:
            return await channel.send(**message)
        except discord.NotFound:
            await self.forget(user.id)
            return await (await self.open(user)).send(**message)

    async def forget(self, user_id: int) -> None:
        self._known.pop(user_id, None)
        await self._db.execute("DELETE FROM dm_channels WHERE user_id = ?", (user_id,))

    async def export(self, guild_id: int, user_id: int) -> list[dict[str, Any]]:
        channel_id = await self._db.fetchval(
            "SELECT channel_id FROM dm_channels WHERE user_id = ?", (user_id,)
        )
        return [] if channel_id is None else [{"dm_channel_id": int(channel_id)}]

    async def erase(self, guild_id: int, user_id: int) -> int:
        self._known.pop(user_id, None)
        return await self._db.execute("DELETE FROM dm_channels WHERE user_id = ?", (user_id,))
