"""Persistent buttons reach their feature through ``bot.actions``, not through its cog."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bot.actions import GONE, Actions, run_action
from bot.errors import UserError


async def test_a_click_reaches_the_handler_its_feature_registered() -> None:
    actions = Actions()
    received: list[tuple[Any, ...]] = []

    async def rsvp(interaction: Any, event_id: int, choice: str) -> None:
        received.append((interaction, event_id, choice))

    actions.register("events:rsvp", rsvp)
    interaction: Any = SimpleNamespace(client=SimpleNamespace(actions=actions))
    await run_action(interaction, "events:rsvp", 12, "going")
    assert received == [(interaction, 12, "going")]


async def test_a_click_for_a_feature_not_loaded_is_answered_in_words() -> None:
    """An old message's button whose feature is gone (or not loaded yet) says so."""
    interaction: Any = SimpleNamespace(client=SimpleNamespace(actions=Actions()))
    with pytest.raises(UserError, match="no longer works"):
        await run_action(interaction, "events:rsvp", 12, "going")
    with pytest.raises(UserError) as raised:
        await run_action(SimpleNamespace(client=object()), "events:rsvp")  # type: ignore[arg-type]
    assert str(raised.value) == GONE
