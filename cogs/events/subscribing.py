"""``/event feed`` and ``/event ics``: calendar files, and each member's feed link.

With ``HUB_PUBLIC_URL`` set, `/event feed` gives a personal secret URL a calendar app
subscribes to (served by ``cogs.events.feed_http``). The secret is stored only hashed, so it
can be shown once: later runs say a link exists, and ``reset:true`` makes a new one and stops
the old. Without ``HUB_PUBLIC_URL`` the member gets the same calendar as a file.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import discord

from bot.text import plural
from bot.ui import discord_time
from cogs.events.feed import CalendarStore, FeedTokens
from cogs.events.feed_http import PREFIX, FeedEndpoint, feed_url
from cogs.events.model import Event

if TYPE_CHECKING:
    from cogs.events.cog import EventsCog

Interaction = discord.Interaction[Any]
FEED_FILE = "research-hub-events.ics"


class Subscription:
    def __init__(self, cog: EventsCog) -> None:
        bot = cog.bot
        self.cog = cog
        self.public_url = bot.settings.public_url
        self.calendars = CalendarStore(bot.db, bot.clock)
        self.tokens = FeedTokens(bot.db, bot.clock)

    def load(self) -> None:
        """Feed links are the member's data (exported, revoked by /profile delete), and the
        feed server, when there is one, serves them."""
        bot = self.cog.bot
        bot.personal_data.register("event_feed", export=self.tokens.export,
                                   erase=self.tokens.revoke)  # fmt: skip
        if bot.web is not None:
            endpoint = FeedEndpoint(self.calendars, self.tokens, self.cog.profiles.areas_of)
            bot.web.add_get(PREFIX, endpoint.handle)

    async def ics(self, interaction: Interaction, event: Event) -> None:
        data = await self.calendars.ics(event)
        what = "the whole series (each date as it stands)" if event.series_id else "the event"
        await interaction.response.send_message(
            f"{event.shown}: open the file to add {what} to your calendar.",
            file=discord.File(io.BytesIO(data), filename=f"event-{event.id}.ics"),
            ephemeral=True,
        )

    async def feed(self, interaction: Interaction, reset: bool) -> None:
        if not self.public_url:
            await self._file(interaction, reset)
            return
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        made = await self.tokens.issued_at(guild_id, user_id)
        if made is not None and not reset:
            await interaction.response.send_message(
                f"You already have a calendar link (made {discord_time(int(made.timestamp()), 'D')}"
                "); it is shown only once. Lost it? Run /event feed reset:true for a new one "
                "(the old one stops working).",
                ephemeral=True,
            )
            return
        url = feed_url(self.public_url, await self.tokens.issue(guild_id, user_id))
        again = " The old link no longer works." if made is not None else ""
        await interaction.response.send_message(
            f"Your personal calendar link (keep it private):\n<{url}>\nAdd it to your calendar "
            "app as a subscription ('From URL' or 'Subscribe'); it follows your answers and "
            f"your areas' events by itself.{again} Anyone with the link sees your calendar: "
            "if it leaks, run /event feed reset:true.",
            ephemeral=True,
        )

    async def _file(self, interaction: Interaction, reset: bool) -> None:
        """No feed server: the same calendar as a file, imported again for updates."""
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        areas = await self.cog.profiles.areas_of(guild_id, user_id)
        data, items = await self.calendars.feed(guild_id, user_id, areas)
        note = " (This server has no calendar links, so there is nothing to reset.)"
        await interaction.response.send_message(
            f"{plural(self.calendars.upcoming(items), 'upcoming event')}. Import the file into "
            "your calendar; run this again later for new ones (entries update, never double; "
            f"cancelled ones show as cancelled).{note if reset else ''}",
            file=discord.File(io.BytesIO(data), filename=FEED_FILE),
            ephemeral=True,
        )
