"""What a persistent button does, answered by the feature that registered it.

A button that must keep working after a restart is a DynamicItem: its custom id says what it
does and to what ("events:rsvp:12:going"), and discord.py builds it again from that id. Its
callback hands the click to the handler its feature registered under an action name
(``bot.add_buttons({RsvpButton: self.rsvp})`` when the cog loads, which takes the name
from the button's class; a select or a form registers its own with ``bot.actions.register``),
so a view module needs nothing of its cog, and a click on a feature that is not loaded is
answered in words.
Action names are written as custom ids are ("events:rsvp"), never as audit kinds
("event.created") or job kinds ("events.reminder").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.errors import UserError

Handler = Callable[..., Awaitable[None]]
GONE = "This button no longer works. Run the command again."


class Actions:
    """Which handler answers which action; the bot holds one (``bot.actions``)."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, action: str, handler: Handler) -> None:
        self._handlers[action] = handler

    async def run(self, interaction: discord.Interaction[Any], action: str, *args: Any) -> None:
        handler = self._handlers.get(action)
        if handler is None:
            raise UserError(GONE)
        await handler(interaction, *args)


async def run_action(interaction: discord.Interaction[Any], action: str, *args: Any) -> None:
    """From a button's callback (or a form's submit): the click, to its feature's handler."""
    actions: Actions | None = getattr(interaction.client, "actions", None)
    if actions is None:
        raise UserError(GONE)
    await actions.run(interaction, action, *args)
