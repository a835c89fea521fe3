"""Challenge-area channels: themed spaces members opt into, set up in one command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.areas.cog import AreasCog

if TYPE_CHECKING:
    from bot.app import HubBot


async def setup(bot: HubBot) -> None:
    await bot.add_cog(AreasCog(bot))
