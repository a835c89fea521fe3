"""The "Introduce me" button under a partner network's search result: persistent, carrying
the expert's server and id, so it keeps working after a restart."""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.actions import run_action
from bot.ui import error_reporting


class PartnerAskButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"partners:ask:(?P<guild>\d+):(?P<expert>\d+)",
):
    """Asks for an introduction to a member of a linked server; every check (the link, the
    member's opt-in, the limits) runs again on the click, so an old or forged button
    reaches no one who is not findable now."""

    def __init__(self, guild_id: int, expert_id: int, label: str = "Request introduction") -> None:
        super().__init__(
            discord.ui.Button(label=label[:80], custom_id=f"partners:ask:{guild_id}:{expert_id}")
        )
        self.guild_id, self.expert_id = guild_id, expert_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        label = getattr(item, "label", None) or "Request introduction"
        return cls(int(match["guild"]), int(match["expert"]), label)

    @error_reporting
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await run_action(interaction, "experts:ask_partner", self.guild_id, self.expert_id)
