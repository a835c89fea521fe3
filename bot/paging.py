"""Previous and Next buttons for any feature's long list, that keep working after a restart.

A button's custom id names the feature, the list's key and the page; the bot routes a click
to the handler the feature registered (``bot.pages.register``), so one DynamicItem serves
every paged list and each feature only writes "show page N of this list".
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Self

import discord

from bot.errors import UserError
from bot.ui import error_reporting

PageHandler = Callable[[discord.Interaction[Any], str, int], Awaitable[None]]
KEY = re.compile(r"[A-Za-z0-9_.-]{1,60}")


class Pages:
    """Which feature shows which paged list; the bot holds one."""

    def __init__(self) -> None:
        self._handlers: dict[str, PageHandler] = {}

    def register(self, feature: str, handler: PageHandler) -> None:
        self._handlers[feature] = handler

    async def show(
        self, interaction: discord.Interaction[Any], feature: str, key: str, page: int
    ) -> None:
        handler = self._handlers.get(feature)
        if handler is None:
            raise UserError("This list is no longer available. Run the command again.")
        await handler(interaction, key, page)


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"page:(?P<feature>[a-z]+):(?P<key>[A-Za-z0-9_.-]{1,60}):(?P<page>\d+):(?P<label>prev|next)",
):
    def __init__(
        self, feature: str, key: str, page: int, label: str, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label="Previous" if label == "prev" else "Next",
                custom_id=f"page:{feature}:{key}:{page}:{label}",
                disabled=disabled,
            )
        )
        self.feature, self.key, self.page = feature, key, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(match["feature"], match["key"], int(match["page"]), match["label"])

    @error_reporting
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        pages: Pages | None = getattr(interaction.client, "pages", None)
        if pages is None:
            raise UserError("This list is no longer available. Run the command again.")
        await pages.show(interaction, self.feature, self.key, self.page)


def page_buttons(feature: str, key: str, page: int, pages: int) -> list[PageButton]:
    """Previous and Next for page ``page`` (from 0) of ``pages``; none for a single page."""
    if pages <= 1:
        return []
    if not KEY.fullmatch(key):
        raise ValueError(f"a page key must match {KEY.pattern}: {key!r}")
    return [
        PageButton(feature, key, max(page - 1, 0), "prev", disabled=page <= 0),
        PageButton(feature, key, min(page + 1, pages - 1), "next", disabled=page >= pages - 1),
    ]


def page_view(feature: str, key: str, page: int, pages: int) -> discord.ui.View | None:
    """A view holding only Previous and Next; None for a single page."""
    buttons = page_buttons(feature, key, page, pages)
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(button)
    return view


async def show_page(
    interaction: discord.Interaction[Any],
    embed: discord.Embed,
    view: discord.ui.View | None,
    *,
    edit: bool,
) -> None:
    """A page turned by a button replaces the list; a fresh command answers privately."""
    if edit:
        await interaction.response.edit_message(embed=embed, view=view)
    else:
        await interaction.response.send_message(
            embed=embed, view=view or discord.utils.MISSING, ephemeral=True
        )
