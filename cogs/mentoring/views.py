"""Persistent buttons of mentoring: proposals and check-ins keep working after a restart."""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.actions import run_action
from bot.paging import page_buttons
from bot.ui import HubModal, error_reporting

Interaction = discord.Interaction[Any]


class ProposalButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mentoring:proposal:(?P<pairing>\d+):(?P<choice>accept|decline)",
):
    """Accept or Decline, on the proposal each side received."""

    def __init__(self, pairing_id: int, choice: str) -> None:
        accept = choice == "accept"
        super().__init__(
            discord.ui.Button(
                label="Accept" if accept else "Decline",
                style=discord.ButtonStyle.success if accept else discord.ButtonStyle.secondary,
                custom_id=f"mentoring:proposal:{pairing_id}:{choice}",
            )
        )
        self.pairing_id, self.accept = pairing_id, accept

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: Any, match: re.Match[str]
    ) -> Self:
        return cls(int(match["pairing"]), match["choice"])

    @error_reporting
    async def callback(self, interaction: Interaction) -> None:
        await run_action(interaction, "mentoring:answer", self.pairing_id, self.accept)


def proposal_view(pairing_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ProposalButton(pairing_id, "accept"))
    view.add_item(ProposalButton(pairing_id, "decline"))
    return view


def pages_view(page: int, pages: int) -> discord.ui.View:
    """Previous and Next under a long dry run (none for a single page)."""
    view = discord.ui.View(timeout=None)
    for button in page_buttons("mentoring", "dry", page, pages):
        view.add_item(button)
    return view


CHECKIN_LABELS = {"well": "Going well", "help": "Could use help", "end": "End pairing"}
_STYLES = {
    "well": discord.ButtonStyle.success,
    "help": discord.ButtonStyle.primary,
    "end": discord.ButtonStyle.danger,
}


class CheckinButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mentoring:checkin:(?P<pairing>\d+):(?P<stage>\d+):(?P<answer>well|help|end)",
):
    """One of the three answers to a check-in."""

    def __init__(self, pairing_id: int, stage: int, answer: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=CHECKIN_LABELS[answer],
                style=_STYLES[answer],
                custom_id=f"mentoring:checkin:{pairing_id}:{stage}:{answer}",
            )
        )
        self.pairing_id, self.stage, self.answer = pairing_id, stage, answer

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: Any, match: re.Match[str]
    ) -> Self:
        return cls(int(match["pairing"]), int(match["stage"]), match["answer"])

    @error_reporting
    async def callback(self, interaction: Interaction) -> None:
        await run_action(interaction, "mentoring:checkin", self.pairing_id, self.stage, self.answer)


def checkin_view(pairing_id: int, stage: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for answer in CHECKIN_LABELS:
        view.add_item(CheckinButton(pairing_id, stage, answer))
    return view


class EndModal(HubModal, title="End the pairing"):
    """Short feedback before a pairing closes; only moderators read it."""

    def __init__(self, pairing_id: int, stage: int) -> None:
        super().__init__(timeout=None, custom_id=f"mentoring:end:{pairing_id}:{stage}")
        self.pairing_id, self.stage = pairing_id, stage
        self.feedback: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="How did it go? (only moderators read this)",
            custom_id="mentoring:end:feedback",
            style=discord.TextStyle.paragraph,
            max_length=500,
            placeholder="What worked, what did not, anything we should know",
        )
        self.add_item(self.feedback)

    async def on_submit(self, interaction: Interaction) -> None:
        await run_action(
            interaction, "mentoring:end", self.pairing_id, self.stage, self.feedback.value
        )
