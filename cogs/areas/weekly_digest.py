"""The weekly digest of each area channel: planned from the server's own day, hour and time
zone, claimed per area and week so a restart never posts twice, and rewritten without a
member's name when that member erases their data. The cog's listeners call in here."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord

from bot.challenge_areas import Area
from bot.member_messages import DIGEST
from bot.scheduler import Job
from bot.text import escape_markdown, fit
from bot.wallclock import next_cron_time
from cogs.areas.service import AreaService, iso_week
from cogs.reports.cog import ReportsCog

if TYPE_CHECKING:
    from bot.app import HubBot

log = logging.getLogger(__name__)
DIGEST_JOB = "areas.digest"
NEW_MEMBERS = "New members"


class WeeklyDigest:
    def __init__(self, bot: HubBot, service: AreaService) -> None:
        self.bot = bot
        self.service = service

    async def schedule(
        self, guild_id: int, *, replace: bool, after: datetime | None = None
    ) -> None:
        settings = await self.bot.server_settings.for_server(guild_id)  # its own day and hour
        expression = f"0 {settings.digest_hour} * * {settings.digest_day}"
        due = next_cron_time(expression, settings.server_timezone, after or self.bot.clock.now())
        if due is not None:
            await self.bot.scheduler.schedule(
                DIGEST_JOB, due, {}, guild_id=guild_id, key=f"{guild_id}", replace=replace
            )

    async def reported(self, job: Job, outcome: str) -> None:
        """A digest missed (the bot was stopped or stalled past the grace period) is not
        sent a week late, nor one that failed on every attempt, but the next one is planned:
        without this the digests stopped until the bot was restarted."""
        if job.kind != DIGEST_JOB or outcome not in ("missed", "failed") or job.guild_id is None:
            return
        if self.bot.get_guild(job.guild_id) is not None:
            await self.schedule(job.guild_id, replace=True)

    async def time_changed(self, guild_id: int, name: str) -> None:
        """A server that moves its digest's day, hour or time zone has its next digest moved
        with it."""
        moved = name in ("digest_day", "digest_hour", "server_timezone")
        if moved and self.bot.get_guild(guild_id) is not None:
            await self.schedule(guild_id, replace=True)

    async def run(self, job: Job) -> None:
        guild = self.bot.get_guild(job.guild_id or 0)
        if guild is None:
            return
        zone = await self.bot.server_settings.zone(guild.id)
        week = iso_week(job.due_at.astimezone(ZoneInfo(zone)))
        since = job.due_at - timedelta(days=7)
        resources = await self.service.resources(guild.id)
        for area in self.bot.areas.of(guild.id).areas:
            channel = guild.get_channel(resources.get(("channel", area.slug), (0, ""))[0])
            if not isinstance(channel, discord.TextChannel):
                continue
            if not await self.service.claim_digest(guild.id, area.slug, week):
                continue
            try:
                embed, named = await self._embed(guild.id, area, since, week, job.late)
                chart = await self._chart(guild.id, area, job.due_at)
                if chart is not None:
                    embed.set_image(url=f"attachment://{chart.filename}")
                message = await channel.send(
                    embed=embed, file=chart or discord.utils.MISSING,
                    allowed_mentions=discord.AllowedMentions.none(),
                )  # fmt: skip
            except Exception:
                await self.service.release_digest(guild.id, area.slug, week)
                raise
            await self.service.digest_sent(guild.id, area.slug, week, message.id)
            # Each newcomer named in it, so an erasure can take their name out again.
            await self.bot.member_messages.remember(guild.id, named, channel.id, message.id, DIGEST)
        await self.schedule(guild.id, replace=True, after=job.due_at)

    async def _chart(self, guild_id: int, area: Area, end: datetime) -> discord.File | None:
        """The area's last eight weeks as a small chart; the digest goes without it if the
        reports feature is not loaded or the chart fails."""
        reports = self.bot.get_cog("ReportsCog")
        if not isinstance(reports, ReportsCog):
            return None
        try:
            return await reports.area_activity_file(guild_id, area.slug, area.name, end)
        except Exception:
            log.exception("the digest chart of %s failed; the digest goes without it", area.slug)
            return None

    async def _embed(
        self, guild_id: int, area: Area, since: datetime, week: str, late: bool
    ) -> tuple[discord.Embed, list[int]]:
        """The digest, and the members it names."""
        newcomers = await self.service.new_members(guild_id, area.slug, since)
        threads = await self.service.busiest_threads(guild_id, area.slug, since)
        purpose, questions = await self.service.text(guild_id, area)
        opening = f"A question to discuss: {questions[0]}" if questions else fit(purpose, 300)
        embed = discord.Embed(
            title=f"This week in {area.name} ({week})", description=fit(opening, 4096)
        )
        embed.add_field(
            name=NEW_MEMBERS, value=_newcomers([name for _, name in newcomers]), inline=False
        )
        embed.add_field(
            name="Most active threads",
            value="\n".join(f"<#{t}>: {n} message{'' if n == 1 else 's'}" for t, n in threads)
            or "No thread activity this week. Start one with a question.",
            inline=False,
        )
        for section in await self.bot.digest_sections.collect(
            guild_id, area.slug, since + timedelta(days=7), since + timedelta(days=14)
        ):
            embed.add_field(
                name=section.heading, value=fit("\n".join(section.lines), 1024), inline=False
            )
        if late:
            embed.set_footer(text="Delivered late: the bot was offline when this was due.")
        return embed, [user_id for user_id, _ in newcomers]

    async def without(
        self, guild: discord.Guild, channel_id: int, message_id: int, named: list[int]
    ) -> None:
        """An erased member's name leaves a digest already posted: the New members line is
        written again from the members it still names (as their profiles are now)."""
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return
        message = await channel.fetch_message(message_id)
        if not message.embeds:
            return
        embed = message.embeds[0]
        for index, field in enumerate(embed.fields):
            if field.name == NEW_MEMBERS:
                names = await self.service.names_of(guild.id, named)
                embed.set_field_at(index, name=NEW_MEMBERS, value=_newcomers(names), inline=False)
        await message.edit(embed=embed, allowed_mentions=discord.AllowedMentions.none())


def _newcomers(names: list[str]) -> str:
    return fit(escape_markdown(", ".join(names)), 1024) if names else "No one new this week."
