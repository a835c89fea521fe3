"""Mentoring: consented, explained pairings of early-career members with mentors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.mentoring.cog import MentoringCog

if TYPE_CHECKING:
    from bot.app import HubBot


async def setup(bot: HubBot) -> None:
    await bot.add_cog(MentoringCog(bot))
