"""The Discord double and the real bot on one database, started as the benchmarks need them.

One place for the start-up lines the benchmarks share, so each measures the same bot: a
double without rate limits (the benchmarks measure the bot, not Discord's pacing), one
guild, and the bot connected and ready.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.app import HubBot
from bot.clock import OffsetClock
from bot.settings import load_settings
from sandbox.double import DiscordDouble, Guild


@dataclass
class Running:
    double: DiscordDouble
    guild: Guild
    bot: HubBot
    task: asyncio.Task[None]

    async def stop(self) -> None:
        await self.bot.close()
        await self.task
        await self.double.stop()


async def start(database_path: Path) -> Running:
    """The double and the bot on this database, returned once the bot is ready."""
    double = DiscordDouble(rate_limit_per_second=1e9)
    await double.start()
    guild = double.create_guild("Bench")
    settings = load_settings(
        discord_token=double.bot_token,
        database_path=database_path,
        guild_ids=[guild.id],
        discord_api_base=double.api_base,
        discord_gateway_url=double.gateway_url,
        guild_ready_timeout=0.01,
    )
    bot = HubBot(settings, clock=OffsetClock())
    task = asyncio.create_task(bot.start(double.bot_token))
    double.watch_client(task)
    await double.wait_until_ready()
    await bot.wait_until_ready()
    return Running(double, guild, bot, task)
