"""Page buttons of a search: persistent, carrying the stored search's id and the page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Self

import discord

from bot.ui import error_reporting

if TYPE_CHECKING:
    from cogs.experts.cog import ExpertsCog


class SearchPageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"experts:page:(?P<search>\d+):(?P<page>\d+):(?P<label>prev|next)",
):
    def __init__(self, search_id: int, page: int, label: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Previous" if label == "prev" else "Next",
                custom_id=f"experts:page:{search_id}:{page}:{label}",
                disabled=disabled,
            )
        )
        self.search_id, self.page = search_id, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(int(match["search"]), int(match["page"]), match["label"])

    @error_reporting
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        cog: ExpertsCog | None = interaction.client.get_cog("ExpertsCog")
        assert cog is not None
        await cog.show_page(interaction, self.search_id, self.page)


def pages_view(search_id: int, page: int, pages: int) -> discord.ui.View | None:
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(SearchPageButton(search_id, max(page - 1, 0), "prev", disabled=page <= 0))
    view.add_item(
        SearchPageButton(search_id, min(page + 1, pages - 1), "next", disabled=page >= pages - 1)
    )
    return view
