"""Impact reports: ``/hub report`` and the monthly report for the moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.reports.cog import ReportsCog

if TYPE_CHECKING:
    from bot.app import HubBot


async def setup(bot: HubBot) -> None:
    await bot.add_cog(ReportsCog(bot))
