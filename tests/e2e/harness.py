"""Starts the real bot against the Discord double, the way every end-to-end test needs it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import HubBot
from bot.clock import OffsetClock
from bot.settings import Settings, load_settings
from sandbox.double import DiscordDouble

CHANNELS = (
    "welcome",
    "introductions",
    "announcements",
    "audit-log",
    "verification",
    "expert-requests",
)


@dataclass
class Hub:
    """A running bot, its double, one server with the usual channels, and a moderator."""

    double: DiscordDouble
    db_path: Path
    clock: OffsetClock
    guild_id: int
    moderator_role_id: int
    channels: dict[str, int]
    overrides: dict[str, Any] = field(default_factory=dict)
    bot: HubBot | None = None
    task: asyncio.Task[None] | None = None

    @property
    def settings(self) -> Settings:
        return load_settings(
            discord_token=self.double.bot_token,
            database_path=self.db_path,
            guild_ids=[self.guild_id],
            discord_api_base=self.double.api_base,
            discord_gateway_url=self.double.gateway_url,
            guild_ready_timeout=0.05,
            **self.overrides,
        )

    async def start(self) -> HubBot:
        bot = HubBot(self.settings, clock=self.clock)
        self.bot = bot
        self.task = asyncio.create_task(bot.start(self.double.bot_token))
        self.double.watch_client(self.task)
        await self.double.wait_until_ready(timeout=10)
        await asyncio.wait_for(bot.wait_until_ready(), timeout=10)
        return bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self.task is not None:
            await asyncio.wait_for(self.task, timeout=10)
        self.bot = None
        self.task = None

    async def restart(self) -> HubBot:
        await self.stop()
        return await self.start()

    async def next_message(self, channel: str, containing: str, timeout: float = 5.0) -> Any:
        """Wait for the bot's reaction to an event (a join, a leave) in a channel."""

        def found() -> Any:
            return next(
                (m for m in reversed(self.messages(channel)) if containing in m.content), None
            )

        await self.double.wait_for(
            lambda: found() is not None, timeout, f"{containing!r} in #{channel}"
        )
        return found()

    def channel(self, name: str) -> int:
        return self.channels[name]

    def messages(self, name: str) -> list[Any]:
        return list(self.double.messages_in(self.channels[name]))


def build_hub(double: DiscordDouble, db_path: Path, clock: OffsetClock) -> Hub:
    guild = double.create_guild("Research Hub")
    moderator = double.create_role(guild.id, "Moderator", position=5, permissions=0)
    channels = {name: double.create_channel(guild.id, name).id for name in CHANNELS}
    return Hub(double, db_path, clock, guild.id, moderator.id, channels)
