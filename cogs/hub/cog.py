"""``/about`` and ``/hub health``: thin adapters over HubService."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import MODERATOR_PERMISSIONS, moderator_only
from bot.errors import UserError
from bot.timeparse import format_duration
from bot.ui import answer_leftover, discord_time
from cogs.areas.cog import AreasCog
from cogs.hub.audit_targets import register_audit_targets
from cogs.hub.service import AboutFacts, HealthReport, HubService
from cogs.profiles.service import ProfileService

if TYPE_CHECKING:
    from bot.app import HubBot


def about_embed(facts: AboutFacts) -> discord.Embed:
    embed = discord.Embed(
        title="Research Hub bot",
        description="Introductions, challenge areas, expert search, events, mentoring and "
        "announcements for the network.",
    )
    embed.add_field(name="Version", value=facts.version)
    uptime = format_duration(facts.uptime - facts.uptime % timedelta(seconds=1))
    embed.add_field(
        name="Running since",
        value=f"{discord_time(int(facts.started_at.timestamp()), 'f')} ({uptime})",
    )
    embed.add_field(name="Members with a profile", value=str(facts.members_with_profiles))
    embed.add_field(name="Scheduled jobs pending", value=str(facts.pending_jobs))
    return embed


def health_embed(report: HealthReport, latency_seconds: float) -> discord.Embed:
    ok = report.database_ok and report.scheduler_running
    embed = discord.Embed(
        title="Health: all working" if ok else "Health: something needs attention",
    )
    if report.database_ok:
        database = f"OK, answered in {report.database_ms:.1f} ms"
    else:
        database = f"NOT reachable ({report.database_error}). Check the disk and the logs."
    embed.add_field(name="Database", value=database, inline=False)
    embed.add_field(name="Schema version", value=str(report.schema_version))
    embed.add_field(
        name="Scheduler",
        value="running" if report.scheduler_running else "STOPPED. Restart the bot.",
    )
    next_due = (
        discord_time(int(report.next_due.timestamp()), "R") if report.next_due else "none pending"
    )
    embed.add_field(name="Next due job", value=next_due)
    latency = (
        "not measured yet"
        if math.isnan(latency_seconds) or math.isinf(latency_seconds)
        else f"{latency_seconds * 1000:.0f} ms"
    )
    embed.add_field(name="Gateway latency", value=latency)
    return embed


class HubCog(commands.Cog):
    """/about for everyone; /hub, hidden by Discord from members, for the moderators."""

    hub = app_commands.Group(
        name="hub",
        description="Moderators: set the server up and check the bot",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
    )

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        profiles = ProfileService(bot.db, bot.clock, bot.areas)
        self.service = HubService(
            bot.db, bot.scheduler, bot.clock, profiles, bot.version, bot.started_at
        )
        register_audit_targets(bot)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[HubBot]) -> None:
        """A leftover button or form from before an update is answered in words."""
        await answer_leftover(self.bot, interaction)

    @app_commands.command(name="about", description="What this bot is, its version and uptime")
    @app_commands.guild_only()
    async def about(self, interaction: discord.Interaction[HubBot]) -> None:
        assert interaction.guild_id is not None
        facts = await self.service.about(interaction.guild_id)
        await interaction.response.send_message(embed=about_embed(facts), ephemeral=True)

    @hub.command(name="setup", description="Create the area channels and roles")
    @app_commands.describe(dry_run="Only list what would be created or changed")
    @moderator_only()
    async def setup(self, interaction: discord.Interaction[HubBot], dry_run: bool = False) -> None:
        areas = self.bot.get_cog("AreasCog")
        if not isinstance(areas, AreasCog):
            raise UserError("The areas feature is not loaded, so there is nothing to set up.")
        await areas.setup_server(interaction, dry_run)

    @hub.command(name="health", description="Is everything working?")
    @moderator_only()
    async def health(self, interaction: discord.Interaction[HubBot]) -> None:
        report = await self.service.health()
        embed = health_embed(report, self.bot.latency)
        await interaction.response.send_message(embed=embed, ephemeral=True)
