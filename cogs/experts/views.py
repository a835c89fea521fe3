"""Page buttons of a search: persistent, carrying the stored search's id and the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from bot.paging import page_buttons
from bot.ui import ActionButton, HubModal
from cogs.partners.views import PartnerAskButton


@dataclass(frozen=True)
class Found:
    """A result as its button needs it; ``network`` is a partner's server, else None."""

    user_id: int
    name: str
    network: int | None = None


def results_view(
    search_id: int,
    page: int,
    pages: int,
    experts: list[Found],
    offer_as_typed: bool = False,
) -> discord.ui.View | None:
    """An "Introduce me" button per result (a partner network's member through the
    partners' consent flow), then Previous and Next, and "Search as typed" when a word was
    corrected (the member may have meant their own spelling)."""
    if pages <= 1 and not experts and not offer_as_typed:
        return None
    view = discord.ui.View(timeout=None)
    for found in experts:
        label = f"Introduce me: {found.name}"
        if found.network is None:
            view.add_item(AskButton(found.user_id, label))
        else:
            view.add_item(PartnerAskButton(found.network, found.user_id, label))
    for button in page_buttons("experts", str(search_id), page, pages):
        view.add_item(button)
    if offer_as_typed:
        view.add_item(AsTypedButton(search_id))
    return view


class AsTypedButton(ActionButton, template=r"experts:astyped:(?P<search_id>\d+)"):
    """ "Search as typed" under results shown for a corrected word."""

    action = "experts:as_typed"

    def __init__(self, search_id: int) -> None:
        super().__init__(f"experts:astyped:{search_id}", "Search as typed", search_id)


class AskButton(ActionButton, template=r"experts:ask:(?P<expert_id>\d+)"):
    """ "Request introduction" under a search result."""

    action = "experts:ask"
    keeps_label = True

    def __init__(self, expert_id: int, label: str = "Request introduction") -> None:
        super().__init__(f"experts:ask:{expert_id}", label, expert_id)


class AnswerButton(
    ActionButton, template=r"experts:answer:(?P<request_id>\d+):(?P<choice>accept|decline)"
):
    """Accept or Decline, on the request the expert received."""

    action = "experts:answer"

    def __init__(self, request_id: int, choice: str) -> None:
        accept = choice == "accept"
        super().__init__(
            f"experts:answer:{request_id}:{choice}",
            "Accept" if accept else "Decline",
            request_id,
            accept,
            style=discord.ButtonStyle.success if accept else discord.ButtonStyle.secondary,
        )


def answer_view(request_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(request_id, "accept"))
    view.add_item(AnswerButton(request_id, "decline"))
    return view


class RequestModal(HubModal, title="Request an introduction"):
    def __init__(self, expert_id: int, expert_name: str, on_submit_: Any) -> None:
        super().__init__(timeout=None)
        self.expert_id, self.expert_name, self.on_submit_ = expert_id, expert_name, on_submit_
        self.who: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Who you are", max_length=300, placeholder="Your role and organisation"
        )
        self.topic: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="What you would like to discuss",
            style=discord.TextStyle.paragraph,
            max_length=1000,
        )
        self.by_when: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="By when (optional)",
            required=False,
            max_length=100,
            placeholder="e.g. end of March",
        )
        for item in (self.who, self.topic, self.by_when):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        text = {"who": self.who.value, "topic": self.topic.value, "by_when": self.by_when.value}
        await self.on_submit_(interaction, self.expert_id, self.expert_name, text)


class EnquiryAnswerButton(
    ActionButton, template=r"experts:enquiry:(?P<enquiry_id>\d+):(?P<choice>yes|no)"
):
    """ "I can help" or "Not for me", on an enquiry a member received."""

    action = "experts:enquiry"

    def __init__(self, enquiry_id: int, choice: str) -> None:
        yes = choice == "yes"
        super().__init__(
            f"experts:enquiry:{enquiry_id}:{choice}",
            "I can help" if yes else "Not for me",
            enquiry_id,
            yes,
            style=discord.ButtonStyle.success if yes else discord.ButtonStyle.secondary,
        )


def enquiry_view(enquiry_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(EnquiryAnswerButton(enquiry_id, "yes"))
    view.add_item(EnquiryAnswerButton(enquiry_id, "no"))
    return view


class EnquiryModal(HubModal, title="Describe your enquiry"):
    """The one long field of an enquiry; the structured parts come from the command."""

    def __init__(self, on_submit_: Any) -> None:
        super().__init__(timeout=None)
        self.on_submit_ = on_submit_
        self.details: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="What exactly you need",
            custom_id="experts:enquiry:details",
            style=discord.TextStyle.paragraph,
            max_length=1000,
            placeholder="The question, the format, who it is for, and anything already known",
        )
        self.add_item(self.details)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.on_submit_(interaction, self.details.value)
