"""The hub feature: facts about the bot for everyone, and its health for moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.hub.cog import HubCog
from cogs.hub.servers import ServersCog

if TYPE_CHECKING:
    from bot.app import HubBot


async def setup(bot: HubBot) -> None:
    await bot.add_cog(HubCog(bot))
    await bot.add_cog(ServersCog(bot))
