"""Posting a run: render, check the bot can still post, send, and explain any failure.

The post pings only the announcement's own role (``AllowedMentions`` names it and nothing
else), so ``@everyone`` or a mention typed in the body is shown but never pings. Before each
run the bot checks the channel still exists and that it may post there; a problem becomes a
``DeliveryProblem`` with a reason and the fix, retried with the scheduler's backoff, and on
the last attempt recorded as a failed run and reported in the audit channel.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.clock import from_db_time
from bot.lookup import find_text_channel
from bot.scheduler import Job
from bot.text import fit
from bot.ui import discord_time
from cogs.announcements.model import (
    CHECK_CHANNEL,
    INTERRUPTED,
    Announcement,
    Run,
    text_header,
)
from cogs.announcements.service import AnnouncementService

if TYPE_CHECKING:
    from bot.app import HubBot

log = logging.getLogger(__name__)
Postable = discord.TextChannel | discord.Thread


class DeliveryProblem(Exception):
    """Why a post cannot be made, and what a moderator can do about it."""

    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.reason, self.fix = reason, fix


def render_post(found: Announcement) -> tuple[str | None, discord.Embed | None]:
    """The message exactly as it will be posted: content and embed."""
    if found.style == "text":
        return text_header(found.title, found.role_id) + found.body, None
    embed = discord.Embed(title=found.title or None, description=found.body)
    return (f"<@&{found.role_id}>" if found.role_id else None), embed


def allowed_mentions(found: Announcement) -> discord.AllowedMentions:
    """Only the chosen role may ping; never @everyone, users or other roles from the body."""
    roles: list[discord.Object] | bool = [discord.Object(found.role_id)] if found.role_id else False
    return discord.AllowedMentions(everyone=False, users=False, roles=roles, replied_user=False)


def missing_permissions(channel: Postable, me: discord.Member, style: str) -> list[str]:
    """The permissions the bot lacks to post this announcement in ``channel``."""
    allowed = channel.permissions_for(me)
    wanted = {
        "View Channel": allowed.view_channel,
        "Send Messages": allowed.send_messages_in_threads
        if isinstance(channel, discord.Thread)
        else allowed.send_messages,
        "Embed Links": allowed.embed_links or style == "text",
    }
    return [name for name, ok in wanted.items() if not ok]


def permission_fix(found: Announcement, channel_name: str, missing: list[str]) -> str:
    return (
        f"Give the bot's role {', '.join(missing)} in #{channel_name} (Edit Channel > "
        f"Permissions), or move it with /announce edit announcement:{found.id} channel:..."
    )


def check_postable(bot: HubBot, found: Announcement) -> Postable:
    """The channel to post in, or a DeliveryProblem saying what changed and how to fix it."""
    guild = bot.get_guild(found.guild_id)
    if guild is None:
        raise DeliveryProblem(
            "The bot is no longer in this server.", "Invite the bot back to the server."
        )
    channel = guild.get_channel_or_thread(found.channel_id)
    if not isinstance(channel, discord.TextChannel | discord.Thread):
        raise DeliveryProblem(
            f"The channel of announcement #{found.id} (id {found.channel_id}) no longer exists.",
            f"Pick another channel with /announce edit announcement:{found.id} channel:..., "
            f"or cancel it with /announce cancel announcement:{found.id}.",
        )
    missing = missing_permissions(channel, guild.me, found.style)
    if missing:
        raise DeliveryProblem(
            f"The bot cannot post in #{channel.name}: it is missing {', '.join(missing)}.",
            permission_fix(found, channel.name, missing),
        )
    if found.role_id and guild.get_role(found.role_id) is None:
        raise DeliveryProblem(
            f"The role to ping (id {found.role_id}) no longer exists.",
            f"Choose another role, or none: /announce edit announcement:{found.id} role:... "
            "or remove_role:True.",
        )
    return channel


async def post(bot: HubBot, found: Announcement) -> discord.Message:
    channel = check_postable(bot, found)
    content, embed = render_post(found)
    try:
        return await channel.send(
            content=content,
            embed=embed or discord.utils.MISSING,
            allowed_mentions=allowed_mentions(found),
        )
    except discord.NotFound as exc:
        raise DeliveryProblem(
            f"Discord says #{channel.name} no longer exists.",
            f"Pick another channel with /announce edit announcement:{found.id} channel:...",
        ) from exc
    except discord.Forbidden as exc:
        raise DeliveryProblem(
            f"Discord refused the post in #{channel.name}: {exc.text or 'missing permissions'}.",
            permission_fix(found, channel.name, ["View Channel", "Send Messages", "Embed Links"]),
        ) from exc
    except discord.HTTPException as exc:
        raise DeliveryProblem(
            f"Discord returned an error ({exc.status}): {exc.text or 'no details'}.",
            "This is usually temporary. If it keeps happening, use /announce send_now "
            f"announcement:{found.id} later, or check /hub health.",
        ) from exc


class Delivery:
    """The scheduler's handler for announcement runs."""

    def __init__(self, bot: HubBot, service: AnnouncementService) -> None:
        self.bot = bot
        self.service = service

    async def run(self, job: Job) -> None:
        # Work due at start-up runs before Discord has sent the servers; wait for them, or
        # every overdue run would fail with "not in this server".
        await self.bot.wait_until_ready()
        scheduled_for = from_db_time(job.payload["scheduled_for"])
        claim = await self.service.claim(
            int(job.payload["announcement_id"]), scheduled_for, late=job.late
        )
        if claim.outcome == "interrupted" and claim.announcement and claim.run:
            await self.alert(claim.announcement, claim.run, claim.reason, CHECK_CHANNEL)
            return
        if claim.outcome != "go" or claim.announcement is None or claim.run is None:
            log.info("announcement run skipped: %s", claim.reason)
            return
        final = job.attempts >= self.bot.scheduler.policy.max_attempts
        try:
            await self.attempt(claim.announcement, claim.run, final=final)
        except DeliveryProblem:
            if not final:
                raise  # the scheduler retries with its backoff
            # The last attempt: the run is marked failed and reported; a recurrence goes on.

    async def attempt(self, found: Announcement, run: Run, *, final: bool) -> discord.Message:
        """Post once; on a problem record it (alerting if ``final``) and raise it."""
        try:
            message = await post(self.bot, found)
        except asyncio.CancelledError:
            self.service.forget(run.id)
            raise
        except Exception as exc:
            problem = exc if isinstance(exc, DeliveryProblem) else _unexpected(exc)
            await self.service.failed(run, problem.reason, problem.fix, final=final)
            if final:
                await self.alert(found, run, problem.reason, problem.fix)
            raise problem from exc
        await self.service.sent(run, message.channel.id, message.id)
        return message

    async def report_stranded(self) -> None:
        """Tell moderators about runs a stop left "sending" that no job will finish."""
        for run, found in await self.service.stranded():
            log.warning("announcement %d: run %d was left sending; reported", found.id, run.id)
            await self.alert(found, run, INTERRUPTED, CHECK_CHANNEL)

    async def alert(self, found: Announcement, run: Run, reason: str, fix: str) -> None:
        """Tell the moderators in plain words in the audit channel; keep the facts in the log."""
        details: dict[str, Any] = {
            "scheduled_for": _iso(run.scheduled_for),
            "attempts": run.attempts,
            "reason": reason,
            "fix": fix,
        }
        await self.bot.audit.record(
            found.guild_id,
            "announce.run_failed",
            target=f"announcement #{found.id}",
            details=details,
            mirror=False,
        )
        guild = self.bot.get_guild(found.guild_id)
        audit = (await self.bot.server_settings.for_server(found.guild_id)).audit_channel
        channel = find_text_channel(guild, audit) if guild else None
        if channel is None:
            log.warning("announcement %d failed and there is no audit channel to say so", found.id)
            return
        due = discord_time(int(run.scheduled_for.timestamp()))
        tries = f"{run.attempts} attempt{'s' if run.attempts != 1 else ''}"
        text = (
            f"Announcement #{found.id} ({found.title or 'untitled'}) was not posted "
            f"(due {due}, {tries}).\n**Why:** {reason}\n**Fix:** {fix}"
        )
        try:
            await channel.send(fit(text, 2000), allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.warning("could not post the failure alert for announcement %d", found.id)


def _unexpected(exc: Exception) -> DeliveryProblem:
    log.error("announcement delivery failed unexpectedly", exc_info=exc)
    return DeliveryProblem(
        f"An unexpected error stopped the post ({type(exc).__name__}).",
        "Try /announce send_now; if it fails again, tell the bot's maintainers (see the log).",
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")
