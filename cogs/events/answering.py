"""Answers on the card (Going, Maybe, Can't go), offers of a freed place, and the jobs that
expire offers and create a series' next occurrence."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.clock import from_db_time
from bot.errors import UserError
from bot.scheduler import Job
from cogs.events.creating import refusals
from cogs.events.model import Event, offsets_words
from cogs.events.rsvp import CHOICES, Answer
from cogs.events.views import card_embed, card_view, offer_view, stamp

if TYPE_CHECKING:
    from cogs.events.cog import EventsCog

log = logging.getLogger(__name__)
Interaction = discord.Interaction[Any]
NONE = discord.AllowedMentions.none()


class Answering:
    def __init__(self, cog: EventsCog) -> None:
        self.cog = cog
        self.bot = cog.bot

    async def rsvp(self, interaction: Interaction, event_id: int, choice: str) -> None:
        assert interaction.guild_id is not None
        event = await self.cog.service.get(interaction.guild_id, event_id)
        if event is None:
            raise UserError("This event no longer exists.")
        # The card names people as the network knows them (their profile), not by handle.
        profile = await self.cog.profiles.get(interaction.guild_id, interaction.user.id)
        name = profile.name if profile is not None else interaction.user.display_name
        with refusals():
            answer = await self.cog.book.answer(event, interaction.user.id, name, choice)
        if answer.duplicate:
            await interaction.response.send_message(self._already(event, answer), ephemeral=True)
            return
        summary = await self.cog.book.summary(event.id)
        await interaction.response.edit_message(
            embed=card_embed(event, self.bot.areas.of(event.guild_id), summary),
            view=card_view(event),
            allowed_mentions=NONE,
        )
        await interaction.followup.send(
            await self._answered(event, answer, interaction.user.id), ephemeral=True
        )
        # The member's own reminder offsets were scheduled with the answer (RsvpBook);
        # whoever was promoted is told by the job scheduled with the change (RsvpBook).

    @staticmethod
    def _already(event: Event, answer: Answer) -> str:
        if answer.status == "waitlist":
            return f"You are already on the waitlist for {event.shown} (number {answer.position})."
        return f"You already answered {CHOICES[answer.status]} for {event.shown}."

    async def _answered(self, event: Event, answer: Answer, user_id: int) -> str:
        if answer.status == "waitlist":
            return (
                f"{event.shown} is full. You are number {answer.position} on the waitlist; "
                "I will tell you if a place frees up."
            )
        if answer.status in ("going", "maybe"):
            own, maybe = await self.cog.service.prefs(event.guild_id, user_id)
            offsets = own if own is not None else list(event.reminders)
            if answer.status == "maybe" and not maybe:
                return (
                    f"Marked as Maybe for {event.shown}. Maybe gets no reminders unless you "
                    "turn them on with /event reminders maybe:true."
                )
            return (
                f"You are {CHOICES[answer.status]} to {event.shown}, {stamp(event.starts_at)}. "
                f"Reminders: {offsets_words(offsets)} (change with /event reminders)."
            )
        return f"Marked as Can't go for {event.shown}."

    async def tell_promoted(self, event: Event, promoted: list[tuple[int, str]]) -> None:
        guild = self.bot.get_guild(event.guild_id)
        if guild is None or not promoted:
            return
        for user_id, status in promoted:
            if status == "going":
                text = (
                    f"A place opened at **{event.shown}** ({stamp(event.starts_at)}): you are "
                    f"now Going. {event.link or ''}"
                )
                await self.cog.delivery.tell(guild, event, [user_id], text)
            else:
                expires = event.starts_at
                raw = await self.cog.book.offer_expiry_of(event.id, user_id)
                if raw:
                    expires = from_db_time(raw)
                text = (
                    f"A place opened at **{event.shown}** ({stamp(event.starts_at)}). It is "
                    f"yours if you take it by {stamp(expires)} ({stamp(expires, 'R')}); after "
                    f"that it goes to the next person. {event.link or ''}"
                )
                await self.cog.delivery.tell(
                    guild, event, [user_id], text, view=offer_view(event.id)
                )
        await self.cog.delivery.refresh_card(event)

    async def accept_offer(self, interaction: Interaction, event_id: int) -> None:
        event = await self.cog.service.get_any(event_id)
        if event is None or event.state != "scheduled":
            raise UserError("This event was cancelled, so there is no place to take.")
        with refusals():
            answer = await self.cog.book.accept_offer(event, interaction.user.id)
        text = (
            f"You are already Going to {event.shown}."
            if answer.duplicate
            else f"The place is yours: you are Going to {event.shown}, {stamp(event.starts_at)}."
        )
        await interaction.response.send_message(text, ephemeral=interaction.guild is not None)
        await self.cog.delivery.refresh_card(event)

    async def offer_expired(self, job: Job) -> None:
        await self.bot.wait_until_ready()
        event = await self.cog.service.get_any(int(job.payload["event_id"]))
        if event is None:
            return
        user_id = int(job.payload["user_id"])
        # The next person is told by the job expire_offer schedules with the change.
        if await self.cog.book.expire_offer(event, user_id) is None:
            return
        guild = self.bot.get_guild(event.guild_id)
        if guild is None:
            return
        text = (
            f"The place at **{event.shown}** was not taken in time, so it went to the "
            "next person. Press Going on the card to join the waitlist again."
        )
        try:
            await self.cog.delivery.tell(guild, event, [user_id], text)
        except discord.HTTPException:
            # Nothing is left to retry: the place has moved on, so this notice is a courtesy.
            log.warning("could not tell %d their offer for event %d ran out", user_id, event.id)

    async def changed(self, job: Job) -> None:
        """After a member left or erased their data: tell who got their place, and show the
        new counts and names on the card."""
        await self.bot.wait_until_ready()
        event = await self.cog.service.get_any(int(job.payload["event_id"]))
        if event is None:
            return
        promoted = [(int(u), str(s)) for u, s in job.payload.get("promoted", [])]
        await self.tell_promoted(event, promoted)
        await self.cog.delivery.refresh_card(event)
        guild = self.bot.get_guild(event.guild_id)
        if job.payload.get("rewritten") and event.state == "scheduled" and guild is not None:
            await self.cog.delivery.sync_discord_event(guild, event)

    async def next_occurrence(self, job: Job) -> None:
        await self.bot.wait_until_ready()
        created = await self.cog.service.create_next(
            int(job.payload["series_id"]), int(job.payload["event_id"])
        )
        guild = self.bot.get_guild(created.guild_id) if created else None
        if created is None or guild is None:
            return
        await self.cog.delivery.publish(guild, created)
