"""Everything events send to Discord: the card, the server's scheduled event, reminders, and
notices to attendees (by DM, or mentioned together in the event's channel when DMs are
closed, so no one is silently skipped)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import TYPE_CHECKING, Any

import discord

from bot.lookup import ServerNotReady, complete_member_list, find_text_channel
from bot.scheduler import Job, JobInterrupted
from bot.text import plural
from cogs.areas.service import AreaService
from cogs.events.model import Event, offsets_words
from cogs.events.pacing import mention_messages
from cogs.events.rsvp import RsvpBook
from cogs.events.service import EventService
from cogs.events.views import card_embed, card_view, reminder_view, stamp

if TYPE_CHECKING:
    from bot.app import HubBot

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
MESSAGE_LIMIT = 2000
FAN_OUT = 25  # notices in flight at once; the bot's limiter keeps them under the rate limit
WORKERS = 10  # members a reminder works on at once; the limiter sets the pace, this the overlap


class Delivery:
    def __init__(
        self, bot: HubBot, service: EventService, book: RsvpBook, areas: AreaService
    ) -> None:
        self.bot = bot
        self.service = service
        self.book = book
        self.areas = areas

    # -- where ------------------------------------------------------------------------------

    async def channel_for(
        self, guild: discord.Guild, area: str | None
    ) -> discord.TextChannel | None:
        """The area's channel (as /hub setup made it), else the announcements channel."""
        if area:
            made = (await self.areas.resources(guild.id)).get(("channel", area))
            channel = guild.get_channel(made[0]) if made else None
            if isinstance(channel, discord.TextChannel):
                return channel
        settings = await self.bot.server_settings.for_server(guild.id)
        return find_text_channel(guild, settings.announcements_channel)

    async def event_channel(self, guild: discord.Guild, event: Event) -> discord.TextChannel | None:
        channel = guild.get_channel(event.channel_id) if event.channel_id else None
        if isinstance(channel, discord.TextChannel):
            return channel
        settings = await self.bot.server_settings.for_server(guild.id)
        return find_text_channel(guild, settings.announcements_channel)

    # -- the card and the scheduled event ----------------------------------------------------

    async def publish(self, guild: discord.Guild, event: Event) -> tuple[Event, str | None]:
        """Post the card and create the server's scheduled event; the card's link is stored.
        Returns the event as stored and, if the scheduled event failed, why in words."""
        channel = await self.channel_for(guild, event.area)
        if channel is None:
            raise LookupError("no channel")
        summary = await self.book.summary(event.id)
        view = card_view(event)
        assert view is not None
        message = await channel.send(
            embed=card_embed(event, self.bot.areas.of(event.guild_id), summary),
            view=view,
            allowed_mentions=NONE,
        )
        await self.service.set_card(event.id, channel.id, message.id)
        event = await self._reload(event)
        problem = await self.create_discord_event(guild, event)
        return await self._reload(event), problem

    async def refresh_card(self, event: Event) -> None:
        channel = self.bot.get_channel(event.channel_id) if event.channel_id else None
        if not isinstance(channel, discord.TextChannel) or event.message_id is None:
            return
        summary = await self.book.summary(event.id)
        with contextlib.suppress(discord.NotFound):
            await channel.get_partial_message(event.message_id).edit(
                embed=card_embed(event, self.bot.areas.of(event.guild_id), summary),
                view=card_view(event),
                allowed_mentions=NONE,
            )

    async def move_card(self, guild: discord.Guild, event: Event) -> Event:
        """The area changed: post the card in the new area's channel and remove the old one
        (the server's scheduled event gets the new link when it is synced)."""
        channel = await self.channel_for(guild, event.area)
        if channel is None or channel.id == event.channel_id:
            return event
        old_channel, old_message = event.channel_id, event.message_id
        summary = await self.book.summary(event.id)
        view = card_view(event)
        assert view is not None  # the event is scheduled
        message = await channel.send(
            embed=card_embed(event, self.bot.areas.of(event.guild_id), summary),
            view=view,
            allowed_mentions=NONE,
        )
        await self.service.set_card(event.id, channel.id, message.id)
        previous = guild.get_channel(old_channel) if old_channel else None
        if isinstance(previous, discord.TextChannel) and old_message is not None:
            with contextlib.suppress(discord.HTTPException):
                await previous.get_partial_message(old_message).delete()
        return await self._reload(event)

    def _location(self, event: Event) -> str:
        return (event.location or "Online: see the event card in the server")[:100]

    async def create_discord_event(self, guild: discord.Guild, event: Event) -> str | None:
        """The server's scheduled event beside the card; None, or what went wrong in words
        (what Discord said, and what to do), which is also audited."""
        try:
            scheduled = await guild.create_scheduled_event(
                name=event.title, start_time=event.starts_at, end_time=event.ends_at,
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                location=self._location(event), description=self._description(event),
            )  # fmt: skip
        except discord.HTTPException as exc:
            return await self._audit_problem(guild, event, "create", exc)
        await self.service.set_discord_event(event.id, scheduled.id)
        return None

    async def sync_discord_event(self, guild: discord.Guild, event: Event) -> None:
        """Keep the server's scheduled event in step with an edit or a cancellation."""
        if event.discord_event_id is None:
            return
        try:
            scheduled = await guild.fetch_scheduled_event(event.discord_event_id)
            if event.state == "cancelled":
                await scheduled.cancel()
            else:
                await scheduled.edit(
                    name=event.title, start_time=event.starts_at, end_time=event.ends_at,
                    entity_type=discord.EntityType.external, location=self._location(event),
                    description=self._description(event),
                )  # fmt: skip
        except (discord.HTTPException, ValueError) as exc:
            await self._audit_problem(guild, event, "update", exc)

    @staticmethod
    def _description(event: Event) -> str:
        text = event.description
        if event.link:
            text = f"{text}\n\nRSVP: {event.link}".strip()
        return text[:1000]

    async def _audit_problem(
        self, guild: discord.Guild, event: Event, what: str, exc: Exception
    ) -> str:
        reason, fix = scheduled_event_problem(exc)
        await self.bot.audit.record(
            guild.id, "events.scheduled_event_failed", target=f"event #{event.id}",
            details={"action": what, "reason": reason, "fix": fix},
        )  # fmt: skip
        return f"{reason} {fix}"

    async def _reload(self, event: Event) -> Event:
        found = await self.service.get(event.guild_id, event.id)
        assert found is not None
        return found

    # -- telling members ---------------------------------------------------------------------

    async def dm(self, guild: discord.Guild, user_id: int, **message: Any) -> bool:
        """One DM (paced by the bot's limiter); False when the member's DMs are closed (or
        they left)."""
        member = guild.get_member(user_id)
        if member is None:
            return False
        try:
            await self.bot.dm_channels.send(member, allowed_mentions=NONE, **message)
        except discord.Forbidden:
            return False
        return True

    async def mention_together(
        self, channel: discord.TextChannel | None, user_ids: list[int], text: str
    ) -> None:
        """One message (or as few as fit under 2,000 characters) mentioning every member."""
        if channel is None or not user_ids:
            return
        prefix = f"{text}\n"
        for group in mention_messages(prefix.rstrip("\n"), user_ids, MESSAGE_LIMIT):
            await self._send_mentions(channel, prefix, group)

    async def _send_mentions(
        self, channel: discord.TextChannel, prefix: str, user_ids: list[int]
    ) -> None:
        await channel.send(
            (prefix + " ".join(f"<@{u}>" for u in user_ids))[:MESSAGE_LIMIT],
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(u) for u in user_ids]),
        )

    async def tell(
        self, guild: discord.Guild, event: Event, user_ids: list[int], text: str, **extra: Any
    ) -> list[int]:
        """DM each member; mention those with closed DMs together in the event's channel.
        Returns the members reached only by the mention."""
        user_ids = [u for u in user_ids if guild.get_member(u) is not None]  # not who left
        closed: list[int] = []
        limit = asyncio.Semaphore(FAN_OUT)

        async def one(user_id: int) -> None:
            async with limit:
                if not await self.dm(guild, user_id, content=text, **extra):
                    closed.append(user_id)

        await asyncio.gather(*(one(u) for u in user_ids))
        note = f"{text}\n(Your direct messages are closed, so I am telling you here.)"
        await self.mention_together(await self.event_channel(guild, event), closed, note)
        return closed

    async def tell_or_list(
        self, guild: discord.Guild, event: Event, user_ids: list[int], text: str
    ) -> list[int]:
        """``tell``, for a command whose change has already committed: a refusal from
        Discord returns the members who may not have been told instead of failing it."""
        try:
            await self.tell(guild, event, user_ids, text)
        except discord.HTTPException:
            log.warning("could not tell every member about event %d", event.id, exc_info=True)
            return list(user_ids)
        return []

    @staticmethod
    def untold_note(user_ids: list[int]) -> str:
        """For the organiser, privately: who to tell themselves (shown, never pinged)."""
        return (
            "I could not tell every attendee (their DMs are closed and I cannot post in the "
            "event's channel), so some may not know. Please tell them: "
            + " ".join(f"<@{u}>" for u in user_ids)
        )[:MESSAGE_LIMIT]

    # -- reminders ---------------------------------------------------------------------------

    def reminder_text(self, event: Event) -> str:
        start = event.starts_at
        text = f"Reminder: **{event.shown}** starts {stamp(start)} ({stamp(start, 'R')})."
        if event.location:
            text += f" Where: {event.location}."
        if event.link:
            text += f" {event.link}"
        return text

    async def remind(self, job: Job) -> None:
        """Fan one reminder out. A member is claimed ('sending') only when their request
        holds a slot of the bot's limiter and is about to leave, and marked 'sent' when
        Discord answers: after a crash only requests really in flight are left 'sending'
        (reported, never sent twice) and the retry reminds everyone else. At a clean stop
        the fan-out ends after its requests in flight and carries on after the restart. The
        job is done only when every recipient's reminder is recorded."""
        # Work due at start-up runs before Discord has sent the servers; wait for them.
        await self.bot.wait_until_ready()
        event = await self.service.get(int(job.guild_id or 0), int(job.payload["event_id"]))
        offset = int(job.payload["offset"])
        if event is None or event.state != "scheduled":
            return
        guild = self.bot.get_guild(event.guild_id)
        if guild is None:
            raise ServerNotReady(f"server {event.guild_id} is not available yet")
        # "Not in the member list" means "left" only when the list is whole.
        await complete_member_list(guild)
        run = uuid.uuid4().hex
        stale = await self.service.stale_claims(event, offset, run)
        if stale:
            await self.report_stale(guild, event, offset, stale)
        # Members who left are skipped (their answers are removed when they leave; this
        # covers a leave the bot did not see while it was offline).
        recipients = [
            r.user_id
            for r in await self.service.recipients(event, offset)
            if guild.get_member(r.user_id)
        ]
        todo = await self.service.unclaimed(event, offset, recipients)
        self.bot.scheduler.allow(job, self.fan_out_seconds(len(todo)))
        card = card_embed(event, self.bot.areas.of(event.guild_id))
        message = {"content": self.reminder_text(event), "embed": card,
                   "view": reminder_view(event.id)}  # fmt: skip
        closed, errors = await self._fan_out(guild, event, offset, run, todo, message)
        await self._remind_closed(guild, event, offset, closed, str(message["content"]), run)
        if errors:
            raise errors[0]  # answered with an error: released, so the retry sends it
        left = [u for u in await self.service.unclaimed(event, offset, todo)
                if guild.get_member(u)]  # fmt: skip
        if left and self.bot.scheduler.stopping:
            raise JobInterrupted(f"{plural(len(left), 'member')} left for after the restart")
        if left:
            raise RuntimeError(f"{plural(len(left), 'member')} not reminded yet")
        log.info("event %d reminder (%ds): %d member(s), %d by mention", event.id, offset,
                 len(todo), len(closed))  # fmt: skip

    def fan_out_seconds(self, members: int) -> float:
        """A deadline that grows with the audience: two requests a member at the limiter's
        rate, with half as much again and a minute to spare."""
        return 1.5 * 2 * members / self.bot.limiter.rate + 60.0

    async def _fan_out(
        self, guild: discord.Guild, event: Event, offset: int, run: str, todo: list[int],
        message: dict[str, Any],
    ) -> tuple[list[int], list[Exception]]:  # fmt: skip
        """Remind ``todo`` with a few workers; return members whose DMs are closed, and the
        errors Discord answered (a worker stops at its first, the others go on)."""
        closed: list[int] = []
        errors: list[Exception] = []
        queue = iter(todo)

        async def worker() -> None:
            for user_id in queue:
                if self.bot.scheduler.stopping:
                    return
                try:
                    if not await self._remind_one(guild, event, offset, run, user_id, message):
                        closed.append(user_id)
                except discord.HTTPException as exc:
                    errors.append(exc)
                    return

        await asyncio.gather(*(worker() for _ in range(WORKERS)))
        return closed, errors

    async def _remind_one(
        self, guild: discord.Guild, event: Event, offset: int, run: str, user_id: int,
        message: dict[str, Any],
    ) -> bool:  # fmt: skip
        """DM one member; False when their DMs are closed (nothing is claimed for them then).

        Opening the DM channel may be repeated safely, so it comes before the claim; the
        claim is made after the limiter gave the send its slot, just before it leaves.
        """
        member = guild.get_member(user_id)
        if member is None:
            return True
        try:
            channel = await self.bot.dm_channels.open(member)  # stored: one request per DM
        except discord.Forbidden:
            return False
        async with self.bot.limiter.turn():
            if not await self.service.claim_delivery(event, offset, user_id, run):
                return True  # recorded already (a member asked twice, a parallel run)
            try:
                await channel.send(allowed_mentions=NONE, **message)
            except discord.HTTPException as exc:
                # Discord answered: not sent. Anything else (a lost connection, a stop) may
                # have been sent, so its claim stays 'sending' and is reported.
                await self.service.release_delivery(event, offset, user_id, run)
                if isinstance(exc, discord.Forbidden):
                    return False
                raise
        await self.service.delivered(event, offset, [user_id], "sent")
        return True

    async def given_up(self, job: Job, outcome: str, error: str | None) -> None:
        """The scheduler gave a reminder up (the bot was down past its grace period, or it
        failed every attempt): name who was not reminded, and who may not have been."""
        event = await self.service.get(int(job.guild_id or 0), int(job.payload["event_id"]))
        guild = self.bot.get_guild(event.guild_id) if event else None
        if event is None or guild is None or event.state != "scheduled":
            return
        offset = int(job.payload["offset"])
        stale = await self.service.stale_claims(event, offset, "given-up")
        if stale:
            await self.report_stale(guild, event, offset, stale)
        recipients = [r.user_id for r in await self.service.recipients(event, offset)
                      if guild.get_member(r.user_id)]  # fmt: skip
        unsent = await self.service.record_unsent(event, offset, recipients)
        if not unsent:
            return
        why = "the bot was offline at its time" if outcome == "missed" else f"it failed ({error})"
        await self._tell_moderators(
            guild, event, "events.reminder_not_sent", unsent,
            f"The reminder of **{event.shown}** ({stamp(event.starts_at)}, "
            f"{offsets_words([offset])}) was not sent: {why}. These members were not "
            "reminded; please tell them if it still matters:",
        )  # fmt: skip

    async def _remind_closed(
        self, guild: discord.Guild, event: Event, offset: int, closed: list[int], text: str,
        run: str,
    ) -> None:  # fmt: skip
        """Mention members whose DMs are closed together, claimed just before (a crash in
        between leaves them unclaimed, so the retry tries again)."""
        closed = [u for u in closed if await self.service.claim_delivery(event, offset, u, run)]
        if not closed:
            return
        channel = await self.event_channel(guild, event)
        if channel is None:
            await self.service.delivered(event, offset, closed, "failed")
            await self._tell_moderators(
                guild, event, "events.reminder_failed", closed,
                f"I could not remind these members of **{event.shown}** "
                f"({offsets_words([offset])}): their direct messages are closed and there is "
                "no channel to mention them in. Please tell them yourselves:",
            )  # fmt: skip
            return
        note = f"{text}\n(Your direct messages are closed, so I am reminding you here.)"
        try:
            await self.mention_together(channel, closed, note)
        except discord.HTTPException:
            for user_id in closed:  # Discord answered: not posted, so the retry posts it
                await self.service.release_delivery(event, offset, user_id, run)
            raise
        await self.service.delivered(event, offset, closed, "fallback")

    async def report_stale(
        self, guild: discord.Guild, event: Event, offset: int, user_ids: list[int]
    ) -> None:
        await self._tell_moderators(
            guild, event, "events.reminder_uncertain", user_ids,
            f"The bot stopped while reminding these members of **{event.shown}** "
            f"({stamp(event.starts_at)}, the reminder {offsets_words([offset])}); they may not "
            "have been reminded. I did not send it again in case they were: please check with "
            f"them. {event.link or ''}\nMembers:",
        )  # fmt: skip

    async def _tell_moderators(
        self, guild: discord.Guild, event: Event, action: str, user_ids: list[int], text: str
    ) -> None:
        """A plain-words note in the audit channel (mentions shown, never pinging)."""
        await self.bot.audit.record(
            guild.id, action, target=f"event #{event.id}",
            details={"members": user_ids}, mirror=False,
        )  # fmt: skip
        settings = await self.bot.server_settings.for_server(guild.id)
        channel = find_text_channel(guild, settings.audit_channel)
        if channel is None:
            log.warning("%s for event %d: no audit channel; members %s", action, event.id,
                        user_ids)  # fmt: skip
            return
        for group in mention_messages(text, user_ids, MESSAGE_LIMIT):
            body = text + "\n" + " ".join(f"<@{u}>" for u in group)
            await channel.send(body[:MESSAGE_LIMIT], allowed_mentions=NONE)


# Discord's JSON error codes for a scheduled event it will not create or change.
_MISSING_PERMISSIONS = 50013
_TOO_MANY_SCHEDULED_EVENTS = 30038


def scheduled_event_problem(exc: Exception) -> tuple[str, str]:
    """What Discord said about a scheduled event, and the fix that fits it (not always a
    permission: a server may hold at most 100 scheduled events)."""
    if not isinstance(exc, discord.HTTPException):
        return f"It could not be updated ({str(exc)[:150]}).", "Use /event edit to try again."
    said = f"Discord said: {(exc.text or str(exc.status))[:150]}"
    if exc.code == _MISSING_PERMISSIONS or exc.status == 403:
        return f"{said}.", "Give the bot the Manage Events permission, then use /event edit."
    if exc.code == _TOO_MANY_SCHEDULED_EVENTS:
        return (
            f"{said}.",
            "A server can hold 100 scheduled events: end or delete old ones in the Events "
            "list, then use /event edit.",
        )
    return f"{said}.", "Use /event edit to try again later."
