"""The bot removed from a server and added back: Discord's events to ServerDepartures.

A cog of its own in the hub feature (``/hub`` itself is in cog.py): it has no commands,
only listeners and the deletion job.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.scheduler import Job
from cogs.hub.departures import PURGE_JOB, ServerDepartures

if TYPE_CHECKING:
    from bot.app import HubBot

log = logging.getLogger(__name__)


class ServersCog(commands.Cog):
    """Keeps a departed server's data for HUB_LEFT_SERVER_RETENTION, then deletes it."""

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        self.departures = ServerDepartures(bot.db, bot.clock, bot.scheduler, bot.audit)

    async def cog_load(self) -> None:
        self.bot.scheduler.register(PURGE_JOB, self._purge_server)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.abc.Snowflake) -> None:
        """Removed from a server: its data stays for HUB_LEFT_SERVER_RETENTION, then goes."""
        due = await self.departures.left(guild.id, self.bot.settings.left_server_retention)
        log.info("removed from server %d: its data is deleted at %s unless the bot is added "
                 "back before then", guild.id, due.isoformat())  # fmt: skip

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Removed while the bot was offline: Discord sends no guild remove then, only a
        READY without the server, so every server with data here but not in it counts as
        removed now (an earlier pending deletion keeps its date)."""
        present = {guild.id for guild in self.bot.guilds}
        for guild_id in sorted(await self.departures.with_data() - present):
            if await self.departures.pending_until(guild_id) is None:
                await self.on_guild_remove(discord.Object(id=guild_id))

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Added (back, in time): the deletion is cancelled and everything is as it was."""
        await self._sync_returned(guild)
        await self.on_guild_available(guild)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """Also at start-up: the bot may have been added back while it was offline."""
        if await self.departures.returned(guild.id):
            log.info("added back to server %d in time: its data is kept", guild.id)

    async def _sync_returned(self, guild: discord.Guild) -> None:
        """Discord dropped the server's commands with the bot; they come back with it."""
        if guild.id in self.bot.settings.guild_ids:
            self.bot.tree.copy_global_to(guild=guild)
            synced = await self.bot.tree.sync(guild=guild)
            self.bot.command_ids[guild.id] = {c.name: c.id for c in synced}

    async def _purge_server(self, job: Job) -> None:
        assert job.guild_id is not None
        if self.bot.get_guild(job.guild_id) is not None:  # back, and the cancel was missed
            await self.bot.audit.record(job.guild_id, "hub.server_returned")
            return
        purged = await self.departures.purge(job.guild_id, keep_job_id=job.id)
        self.bot.areas.forget(job.guild_id)  # its own list of areas went with its rows
        log.info("deleted the data of server %d: %d rows", job.guild_id, purged.total)
        for user_id in purged.profile_user_ids:  # out of the search index too
            self.bot.dispatch("profile_changed", job.guild_id, user_id)
