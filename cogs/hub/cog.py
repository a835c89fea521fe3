"""``/about``, ``/hub health`` and ``/hub config``: thin adapters over HubService and the
server settings."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import MODERATOR_PERMISSIONS, is_moderator, moderator_only, server_settings_of
from bot.errors import UserError
from bot.lookup import find_role, find_text_channel
from bot.options import Reference, Span
from bot.paging import page_view, show_page
from bot.server_settings import CONFIGURABLE, MENTOR_WEIGHTS, SettingValueError, parse, shown
from bot.text import excerpt
from bot.timeparse import format_duration
from bot.ui import answer_leftover, discord_time
from cogs.areas.cog import AreasCog
from cogs.hub.audit_targets import register_audit_targets
from cogs.hub.config import effect, setting_choices, show_pages, value_choices
from cogs.hub.service import AboutFacts, HealthReport, HubService
from cogs.profiles.service import ProfileService
from cogs.reports.cog import ReportsCog
from cogs.reports.periods import CHOICES as PERIODS

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


SETTINGS_KEY = "settings"  # the page buttons' key: there is one list of settings a server


class HubCog(commands.Cog):
    """/about for everyone; /hub, hidden by Discord from members, for the moderators."""

    hub = app_commands.Group(
        name="hub",
        description="Moderators: set the server up and check the bot",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
    )
    config = app_commands.Group(
        name="config", description="Moderators: this server's settings", parent=hub
    )

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        profiles = ProfileService(bot.db, bot.clock, bot.areas)
        self.service = HubService(
            bot.db, bot.scheduler, bot.clock, profiles, bot.version, bot.started_at
        )
        register_audit_targets(bot)

    async def cog_load(self) -> None:
        self.bot.pages.register("config", self._settings_page)

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

    @hub.command(name="report", description="The network's impact in numbers and charts")
    @app_commands.describe(
        period="Which period (or leave it out and give from and to)",
        from_="First day, e.g. 2026-03-01 or 1 March 2026",
        to="Last day, e.g. 2026-03-31",
    )
    @app_commands.rename(from_="from")
    @app_commands.choices(
        period=[app_commands.Choice(name=label, value=key) for key, label in PERIODS.items()]
    )
    @moderator_only()
    async def report(
        self,
        interaction: discord.Interaction[HubBot],
        period: str | None = None,
        from_: Span | None = None,
        to: Span | None = None,
    ) -> None:
        reports = self.bot.get_cog("ReportsCog")
        if not isinstance(reports, ReportsCog):
            raise UserError("The reports feature is not loaded, so there is no report to make.")
        await reports.answer(interaction, period, from_, to)

    # -- /hub config -----------------------------------------------------------------------

    @config.command(name="show", description="This server's settings and where each comes from")
    @moderator_only()
    async def config_show(self, interaction: discord.Interaction[HubBot]) -> None:
        await self._settings_page(interaction, SETTINGS_KEY, 0, edit=False)

    async def _settings_page(
        self, interaction: discord.Interaction[Any], key: str, page: int, edit: bool = True
    ) -> None:
        """One page of this server's settings (Previous and Next when they need several)."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        settings = await server_settings_of(interaction)
        if not is_moderator(interaction.user, settings):  # a page turned after a demotion
            raise UserError("The server's settings are for moderators.")
        current = await self.bot.server_settings.all(guild_id)
        count = len(self.bot.areas.of(guild_id).areas)
        areas = (
            f"this server's own list of {count} (/areas-admin download, upload or reset)"
            if self.bot.areas.is_own(guild_id)
            else f"the bot's list of {count} (/areas-admin upload gives this server its own)"
        )
        pages = show_pages(current, areas)
        page = min(max(page, 0), len(pages) - 1)
        view = page_view("config", key, page, len(pages))
        await show_page(interaction, pages[page], view, edit=edit)

    @config.command(name="set", description="Change a setting for this server")
    @app_commands.describe(
        setting="Which setting (pick from the list)",
        value="The new value: a number, on or off, a channel, or a length such as 30d",
        preview="true: only show what would change, save nothing",
    )
    @moderator_only()
    async def config_set(
        self,
        interaction: discord.Interaction[HubBot],
        setting: Reference,
        value: Span,
        preview: bool = False,
    ) -> None:
        assert interaction.guild_id is not None
        name = self._setting(setting)
        try:
            new = parse(name, value)
        except SettingValueError as exc:
            raise UserError(str(exc)) from exc
        if name.endswith("_channel") and new and interaction.guild is not None:
            self._check_channel(interaction.guild, str(new))
        if name.endswith("_role") and interaction.guild is not None:
            self._check_role(interaction.guild, str(new))
        old = await self.bot.server_settings.get(interaction.guild_id, name)
        said = await self._effect(interaction.guild_id, name, old, new)
        label = CONFIGURABLE[name].label
        if preview:
            text = f"Preview, nothing saved: {label} would go from {shown(old)} to {shown(new)}."
            await interaction.response.send_message(f"{text}\n{said}", ephemeral=True)
            return
        await self.bot.server_settings.set(interaction.guild_id, name, new)
        await self.bot.audit.record(
            interaction.guild_id, "hub.config_set", actor_id=interaction.user.id,
            details={"setting": label, "from": shown(old), "to": shown(new)},
        )  # fmt: skip
        text = f"{label} is now {shown(new)} on this server (was {shown(old)})."
        undo = "/hub config reset puts it back to the default."
        await interaction.response.send_message(f"{text}\n{said}\n{undo}", ephemeral=True)

    @config.command(name="reset", description="Put a setting back to the bot's default")
    @app_commands.describe(setting="Which setting (pick from the list)")
    @moderator_only()
    async def config_reset(
        self, interaction: discord.Interaction[HubBot], setting: Reference
    ) -> None:
        assert interaction.guild_id is not None
        name = self._setting(setting)
        settings = self.bot.server_settings
        old = await settings.get(interaction.guild_id, name)
        label = CONFIGURABLE[name].label
        if not await settings.reset(interaction.guild_id, name):
            text = f"{label} already uses the default ({shown(old)}); nothing changed."
            await interaction.response.send_message(text, ephemeral=True)
            return
        new = settings.default(name)
        await self.bot.audit.record(
            interaction.guild_id, "hub.config_reset", actor_id=interaction.user.id,
            details={"setting": label, "from": shown(old), "to": shown(new)},
        )  # fmt: skip
        said = await self._effect(interaction.guild_id, name, old, new)
        text = f"{label} is back to the default, {shown(new)} (was {shown(old)})."
        await interaction.response.send_message(f"{text}\n{said}", ephemeral=True)

    @config_set.autocomplete("setting")
    @config_reset.autocomplete("setting")
    async def _setting_complete(
        self, interaction: discord.Interaction[HubBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return setting_choices(current)

    @config_set.autocomplete("value")
    async def _value_complete(
        self, interaction: discord.Interaction[HubBot], current: str
    ) -> list[app_commands.Choice[str]]:
        name = str(getattr(interaction.namespace, "setting", "") or "")
        if name not in CONFIGURABLE or interaction.guild_id is None:
            return []
        settings = self.bot.server_settings
        now = await settings.get(interaction.guild_id, name)
        values = value_choices(name, now, settings.default(name), current)
        return [app_commands.Choice(name=v, value=v) for v in values]

    def _setting(self, typed: str) -> str:
        """The setting's name from the autocomplete value, its label or its env variable."""
        wanted = typed.strip().casefold().removeprefix("hub_")
        for name, item in CONFIGURABLE.items():
            if wanted in (name, item.label.casefold()):
                return name
        names = ", ".join(item.label for item in CONFIGURABLE.values())
        raise UserError(f"There is no setting called that. Pick one from the list: {names}.")

    async def _effect(self, guild_id: int, name: str, old: object, new: object) -> str:
        weights = None
        if name in MENTOR_WEIGHTS:
            values = await self.bot.server_settings.mentor_weights(guild_id)
            weights = dict(zip(MENTOR_WEIGHTS, values, strict=True))
        audit = (await self.bot.server_settings.for_server(guild_id)).audit_channel
        return effect(name, old, new, weights, audit)

    @staticmethod
    def _check_channel(guild: discord.Guild, wanted: str) -> None:
        """A channel setting must name a text channel this server has."""
        if find_text_channel(guild, wanted) is None:
            raise UserError(
                f"There is no text channel '{excerpt(wanted)}' on this server. Create it "
                "first, or give the name of one that exists."
            )

    @staticmethod
    def _check_role(guild: discord.Guild, wanted: str) -> None:
        """A role setting must name a role this server has."""
        if find_role(guild, wanted) is None:
            raise UserError(
                f"There is no role '{excerpt(wanted)}' on this server. Create it first, or "
                "give the name of one that exists."
            )
