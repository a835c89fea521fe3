"""Shared building blocks for views and modals, so every component reports errors the same way."""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ClassVar, Self

import discord
from discord import app_commands

from bot.actions import run_action
from bot.challenge_areas import AreaCatalog
from bot.errors import report_error, send_ephemeral
from bot.geo import search_zones


class HubView(discord.ui.View):
    """A view whose callback errors go through the global error handler."""

    async def on_error(
        self,
        interaction: discord.Interaction[Any],
        error: Exception,
        item: discord.ui.Item[Any],
        /,
    ) -> None:
        await report_error(interaction, error)


class HubModal(discord.ui.Modal):
    """A modal whose submit errors go through the global error handler."""

    async def on_error(  # type: ignore[override]  # Modal narrows BaseView's signature
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await report_error(interaction, error)


def discord_time(moment_unix: int, style: str = "F") -> str:
    """A Discord timestamp that every reader sees in their own time zone."""
    return f"<t:{moment_unix}:{style}>"


def error_reporting(
    callback: Callable[[Any, discord.Interaction[Any]], Awaitable[None]],
) -> Callable[[Any, discord.Interaction[Any]], Coroutine[Any, Any, None]]:
    """Route a DynamicItem callback's errors through the global handler.

    discord.py builds the view around a dynamic item itself, so the view's own ``on_error``
    cannot be ours; this wrapper gives those items the same tiered answers as commands.
    """

    @functools.wraps(callback)
    async def wrapper(self: Any, interaction: discord.Interaction[Any]) -> None:
        try:
            await callback(self, interaction)
        except Exception as exc:
            await report_error(interaction, exc)

    return wrapper


BUTTON_LABEL_LIMIT = 80  # Discord's longest button label


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """A button that keeps working after a restart and hands its click to the handler its
    feature registered under ``action`` (bot/actions.py).

    A subclass gives the pattern of its custom ids (``template``) and its ``action``. The
    pattern's named groups are the subclass's constructor arguments (digits read as numbers),
    which is how discord.py builds the button again from a message posted before a restart;
    the constructor hands this class the custom id, the label, the handler's arguments and
    the style. With ``keeps_label`` the constructor also takes ``label``, and a button
    rebuilt from a posted message keeps the label it was posted with (a search result's
    "Request introduction to ...", say).
    """

    action: ClassVar[str]
    keeps_label: ClassVar[bool] = False

    def __init__(
        self,
        custom_id: str,
        label: str,
        *handler_args: object,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label[:BUTTON_LABEL_LIMIT], style=style, custom_id=custom_id
        )
        super().__init__(button)
        self.handler_args = handler_args

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        found: dict[str, object]
        found = {k: int(v) if v.isdigit() else v for k, v in match.groupdict().items()}
        if cls.keeps_label and (label := getattr(item, "label", None)):
            found["label"] = label
        build: Any = cls  # each subclass's constructor takes its template's groups
        return build(**found)  # type: ignore[no-any-return]

    @error_reporting
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await run_action(interaction, self.action, *self.handler_args)


def area_choices(catalog: AreaCatalog, typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete over the challenge areas, by name or slug."""
    return [app_commands.Choice(name=a.name, value=a.slug) for a in catalog.matching(typed)]


def zone_choices(typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete over IANA time zones, best matches first."""
    return [app_commands.Choice(name=z, value=z) for z in search_zones(typed)]


OUT_OF_DATE_BUTTON = (
    "This button is out of date: the bot was updated or restarted since the message was "
    "posted, so it no longer knows what the button was for. Nothing was changed. Run the "
    "command again (/help lists them) to get a current one."
)
OUT_OF_DATE_FORM = (
    "This form is out of date: the bot was updated or restarted while it was open, so "
    "nothing was saved. Run the command again (/help lists them) and fill in the new form."
)


def knows_component(client: discord.Client, interaction: discord.Interaction[Any]) -> bool:
    """Whether a registered view, dynamic item or modal will answer this click or form.

    discord.py drops a component nobody registered without a word (the member sees "This
    interaction failed"), and offers no public way to ask, so this reads its view store.
    """
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
    store = client._connection._view_store
    if interaction.type == discord.InteractionType.modal_submit:
        return custom_id in store._modals
    if any(pattern.fullmatch(custom_id) for pattern in store._dynamic_items):
        return True
    key = (int(data.get("component_type", 0)), custom_id)
    message_id = interaction.message.id if interaction.message else None
    views = store._views
    return key in views.get(message_id, {}) or key in views.get(None, {})


async def answer_leftover(client: discord.Client, interaction: discord.Interaction[Any]) -> bool:
    """Tell the member, in words, that a button or form from before is out of date.

    Returns True when it answered (the interaction was a leftover).
    """
    kinds = (discord.InteractionType.component, discord.InteractionType.modal_submit)
    if interaction.type not in kinds or knows_component(client, interaction):
        return False
    is_form = interaction.type == discord.InteractionType.modal_submit
    await send_ephemeral(interaction, OUT_OF_DATE_FORM if is_form else OUT_OF_DATE_BUTTON)
    return True
