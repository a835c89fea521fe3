"""A persistent button rebuilt from a posted message (as after a restart): its handler's
arguments from the custom id, and its label as posted where the button keeps one."""

from __future__ import annotations

from typing import Any

import discord

from cogs.experts.views import AnswerButton, AskButton
from cogs.profiles.views import FlowButton


async def rebuilt(cls: Any, custom_id: str, label: str | None) -> Any:
    posted: discord.ui.Button[Any] = discord.ui.Button(label=label, custom_id=custom_id)
    match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    interaction: Any = None  # not read when a button is rebuilt
    return await cls.from_custom_id(interaction, posted, match)


async def test_a_button_that_keeps_its_label_is_rebuilt_with_the_posted_one() -> None:
    ask = await rebuilt(AskButton, "experts:ask:42", "Request introduction to Amira")
    assert ask.item.label == "Request introduction to Amira"
    assert ask.handler_args == (42,)
    step = await rebuilt(FlowButton, "profiles:go:work", None)
    assert step.item.label == "Next: your work"  # no label posted: the default
    assert step.handler_args == ("work",)


async def test_other_buttons_take_their_label_from_the_custom_id() -> None:
    answer = await rebuilt(AnswerButton, "experts:answer:7:decline", "Something else")
    assert answer.item.label == "Decline"
    assert answer.handler_args == (7, False)
