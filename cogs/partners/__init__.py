"""Partner networks: moderators link servers; opted-in members can be found across them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.partners.cog import PartnersCog

if TYPE_CHECKING:
    from bot.app import HubBot


async def setup(bot: HubBot) -> None:
    await bot.add_cog(PartnersCog(bot))
