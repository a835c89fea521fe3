"""Scheduled announcements: one-off and recurring posts in the right time zone, reviewed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.announcements.cog import AnnouncementsCog

if TYPE_CHECKING:
    from bot.app import HubBot


async def setup(bot: HubBot) -> None:
    await bot.add_cog(AnnouncementsCog(bot))
