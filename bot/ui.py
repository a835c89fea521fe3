"""Shared building blocks for views and modals, so every component reports errors the same way."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from bot.challenge_areas import AreaCatalog
from bot.errors import report_error
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


def area_choices(catalog: AreaCatalog, typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete over the challenge areas, by name or slug."""
    return [app_commands.Choice(name=a.name, value=a.slug) for a in catalog.matching(typed)]


def zone_choices(typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete over IANA time zones, best matches first."""
    return [app_commands.Choice(name=z, value=z) for z in search_zones(typed)]
