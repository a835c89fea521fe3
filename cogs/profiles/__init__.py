"""Member introductions and profiles: onboarding people finish, a profile they control."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.profiles.cog import ProfilesCog

if TYPE_CHECKING:
    from bot.app import HubBot


async def setup(bot: HubBot) -> None:
    await bot.add_cog(ProfilesCog(bot))
