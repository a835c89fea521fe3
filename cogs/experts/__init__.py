"""Expert lookup: find the right person in seconds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.experts.cog import ExpertsCog

if TYPE_CHECKING:
    from bot.app import HubBot


async def setup(bot: HubBot) -> None:
    await bot.add_cog(ExpertsCog(bot))
