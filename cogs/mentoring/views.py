"""Persistent buttons of mentoring: proposals and check-ins keep working after a restart."""

from __future__ import annotations

from typing import Any

import discord

from bot.actions import run_action
from bot.paging import page_buttons
from bot.ui import ActionButton, HubModal

Interaction = discord.Interaction[Any]


class ProposalButton(
    ActionButton, template=r"mentoring:proposal:(?P<pairing_id>\d+):(?P<choice>accept|decline)"
):
    """Accept or Decline, on the proposal each side received."""

    action = "mentoring:answer"

    def __init__(self, pairing_id: int, choice: str) -> None:
        accept = choice == "accept"
        super().__init__(
            f"mentoring:proposal:{pairing_id}:{choice}",
            "Accept" if accept else "Decline",
            pairing_id,
            accept,
            style=discord.ButtonStyle.success if accept else discord.ButtonStyle.secondary,
        )


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
    ActionButton,
    template=r"mentoring:checkin:(?P<pairing_id>\d+):(?P<stage>\d+):(?P<answer>well|help|end)",
):
    """One of the three answers to a check-in."""

    action = "mentoring:checkin"

    def __init__(self, pairing_id: int, stage: int, answer: str) -> None:
        super().__init__(
            f"mentoring:checkin:{pairing_id}:{stage}:{answer}",
            CHECKIN_LABELS[answer],
            pairing_id,
            stage,
            answer,
            style=_STYLES[answer],
        )


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
