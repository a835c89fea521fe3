"""``/help``: what this member can do here, built from the synced command tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.help.cog import HelpCog

if TYPE_CHECKING:
    from bot.app import HubBot


async def setup(bot: HubBot) -> None:
    await bot.add_cog(HelpCog(bot))
