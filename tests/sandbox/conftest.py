"""A plain discord.py bot connected to the double, for the double's own tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from sandbox.double import DiscordDouble, Guild
from sandbox.fixtures import point_discord_py_at
from tests.sandbox.probe import ProbeBot


@dataclass
class Probed:
    double: DiscordDouble
    guild: Guild
    bot: ProbeBot


async def start_probe(double: DiscordDouble, guild: Guild) -> tuple[ProbeBot, asyncio.Task[None]]:
    bot = ProbeBot(guild.id)
    task = asyncio.create_task(bot.start(double.bot_token))
    double.watch_client(task)
    await double.wait_until_ready()
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    return bot, task


@pytest.fixture
async def probed(discord_double: DiscordDouble) -> AsyncIterator[Probed]:
    guild = discord_double.create_guild("Probe")
    with point_discord_py_at(discord_double):
        bot, task = await start_probe(discord_double, guild)
        yield Probed(discord_double, guild, bot)
        await bot.close()
        await task
