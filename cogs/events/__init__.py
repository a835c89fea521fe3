"""Events: cards with RSVPs and a waitlist, reminders that survive restarts, calendars."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.events.cog import EventsCog

if TYPE_CHECKING:
    from bot.app import HubBot


async def setup(bot: HubBot) -> None:
    await bot.add_cog(EventsCog(bot))
