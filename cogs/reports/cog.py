"""``/hub report`` (the command lives in the hub feature and calls ``answer``) and the
monthly report posted to the moderators' channel: thin adapters over ReportService."""

from __future__ import annotations

import io
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord.ext import commands

from bot.errors import UserError
from bot.lookup import find_text_channel
from bot.scheduler import Job
from cogs.reports.periods import PeriodError, choose_period
from cogs.reports.service import (
    Report,
    ReportService,
    SourcesFactory,
    month_reported,
    next_monthly_post,
)

if TYPE_CHECKING:
    from bot.app import HubBot

log = logging.getLogger(__name__)
Interaction = discord.Interaction[Any]
MONTHLY_JOB = "reports.monthly"
MONTHLY_SETTING = "report_monthly"


def files_of(report: Report) -> list[discord.File]:
    """The charts, each with its alt text as Discord's attachment description, and the CSV."""
    charts = [
        discord.File(io.BytesIO(c.png), filename=c.filename, description=c.alt)
        for c in report.charts
    ]
    table = discord.File(
        io.BytesIO(report.csv.encode("utf-8")),
        filename=report.csv_name,
        description=f"Every number of the impact report for {report.period.label}, as CSV.",
    )
    return [*charts, table]


class ReportsCog(commands.Cog):
    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        last_checkin = max(bot.settings.mentor_checkins)
        sources = SourcesFactory(self._area_names, last_checkin)
        self.service = ReportService(bot.db, bot.clock, sources)

    def _area_names(self, guild_id: int) -> dict[str, str]:
        return {area.slug: area.name for area in self.bot.areas.of(guild_id).areas}

    async def cog_load(self) -> None:
        self.bot.scheduler.register(MONTHLY_JOB, self._monthly)
        self.bot.server_settings.on_change(self._zone_changed)

    async def _zone_changed(self, guild_id: int, name: str) -> None:
        """A server that moves to another time zone has its next monthly post moved to 09:00
        of its new clock."""
        if name == "server_timezone" and self.bot.get_guild(guild_id) is not None:
            await self.schedule_monthly(guild_id, replace=True)

    async def zone(self, guild_id: int) -> str:
        """The server's own clock: its periods, weeks and monthly post follow it."""
        return await self.bot.server_settings.zone(guild_id)

    @property
    def minimum(self) -> int:
        return self.bot.settings.report_min_count

    # -- /hub report -------------------------------------------------------------------------

    async def answer(
        self, interaction: Interaction, period: str | None, start: str | None, end: str | None
    ) -> None:
        assert interaction.guild_id is not None
        zone = await self.zone(interaction.guild_id)
        today = self.bot.clock.now().astimezone(ZoneInfo(zone)).date()
        try:
            chosen = choose_period(period, start, end, today, zone)
        except PeriodError as exc:
            raise UserError(str(exc)) from exc
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.service.build(interaction.guild_id, chosen, self.minimum)
        await interaction.followup.send(
            report.summary, files=files_of(report), ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )  # fmt: skip

    async def mentoring_overview_file(self, guild_id: int) -> discord.File:
        """The chart /mentor-admin overview shows beside its text."""
        chart = await self.service.mentoring_overview(guild_id)
        return discord.File(io.BytesIO(chart.png), filename=chart.filename, description=chart.alt)

    async def area_activity_file(
        self, guild_id: int, slug: str, name: str, end: datetime
    ) -> discord.File:
        """The small chart the weekly digest carries: the area's last eight weeks."""
        zone = await self.zone(guild_id)
        chart = await self.service.area_activity(guild_id, slug, name, end, zone)
        return discord.File(io.BytesIO(chart.png), filename=chart.filename, description=chart.alt)

    # -- the monthly report ----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        for guild in self.bot.guilds:
            await self.schedule_monthly(guild.id, replace=False)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """A server that adds the bot while it runs gets its monthly job too (off until
        switched on, like every server's)."""
        await self.schedule_monthly(guild.id, replace=False)

    @commands.Cog.listener()
    async def on_job_reported(self, job: Job, outcome: str, error: str | None) -> None:
        """A monthly report missed (the bot stopped or stalled past the grace period), or
        failed on every attempt, plans the next month's at once, as the weekly digest does;
        before, none was planned until the bot next became ready."""
        if job.kind != MONTHLY_JOB or outcome not in ("missed", "failed") or job.guild_id is None:
            return
        if self.bot.get_guild(job.guild_id) is not None:
            await self.schedule_monthly(job.guild_id, replace=True)

    async def schedule_monthly(
        self, guild_id: int, *, replace: bool, after: datetime | None = None
    ) -> None:
        due = next_monthly_post(after or self.bot.clock.now(), await self.zone(guild_id))
        await self.bot.scheduler.schedule(
            MONTHLY_JOB, due, {}, guild_id=guild_id, key=str(guild_id), replace=replace
        )

    async def _monthly(self, job: Job) -> None:
        """Post last month's report if the server switched it on; always plan the next."""
        guild = self.bot.get_guild(job.guild_id or 0)
        if guild is not None and await self.bot.server_settings.get(guild.id, MONTHLY_SETTING):
            await self._post_month(guild, job)
        if guild is not None:
            await self.schedule_monthly(guild.id, replace=True, after=job.due_at)

    async def _post_month(self, guild: discord.Guild, job: Job) -> None:
        period = month_reported(job.due_at, await self.zone(guild.id))
        month = f"{period.first:%Y-%m}"
        audit = (await self.bot.server_settings.for_server(guild.id)).audit_channel
        channel = find_text_channel(guild, audit)
        if channel is None:
            log.warning("no moderators' channel for the monthly report of server %d", guild.id)
            return
        if not await self.service.claim_month(guild.id, month):
            return
        try:
            report = await self.service.build(
                guild.id, period, self.minimum, "Monthly impact report"
            )
            late = "\nDelivered late: the bot was offline when this was due." if job.late else ""
            message = await channel.send(
                report.summary + late,
                files=files_of(report),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except Exception:
            await self.service.release_month(guild.id, month)
            raise
        await self.service.month_sent(guild.id, month, channel.id, message.id)
