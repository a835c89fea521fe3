"""The areas feature's components: the join/leave select, suggestion select, member pages,
and the moderators' describe form. Persistent DynamicItems; the cog does the work."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Self

import discord

from bot.actions import run_action
from bot.challenge_areas import Area, AreaCatalog
from bot.text import fit
from bot.ui import HubModal, error_reporting

FIELD_LIMIT = 1024  # Discord's limit for one embed field's value
BROWSE_BUDGET = 5000  # of the 6,000 characters an embed may hold, for the areas' lines


def _values(interaction: discord.Interaction[Any]) -> list[str]:
    data: dict[str, Any] = dict(interaction.data or {})
    return [str(v) for v in data.get("values", [])]


class ChooseAreas(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"areas:(?P<mode>choose|add)"
):
    """``choose`` sets exactly the chosen areas; ``add`` (suggestions) adds to them."""

    def __init__(self, mode: str, select: discord.ui.Select[Any] | None = None) -> None:
        super().__init__(select or discord.ui.Select(custom_id=f"areas:{mode}"))
        self.mode = mode

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(match["mode"])

    @error_reporting
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await run_action(interaction, "areas:chosen", _values(interaction), self.mode == "add")


DYNAMIC_ITEMS = (ChooseAreas,)


def choose_view(catalog: AreaCatalog, joined: set[str]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    select: discord.ui.Select[Any] = discord.ui.Select(
        custom_id="areas:choose",
        placeholder="Choose the areas you work on",
        min_values=0,
        max_values=len(catalog.areas),
        options=[
            discord.SelectOption(
                label=fit(a.name, 100),
                value=a.slug,
                description=catalog.group_title(a.group),
                default=a.slug in joined,
            )
            for a in catalog.areas
        ],
    )
    view.add_item(ChooseAreas("choose", select))
    return view


def suggestion_view(areas: list[Area]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    select: discord.ui.Select[Any] = discord.ui.Select(
        custom_id="areas:add",
        placeholder="Join suggested areas",
        min_values=1,
        max_values=len(areas),
        options=[discord.SelectOption(label=fit(a.name, 100), value=a.slug) for a in areas],
    )
    view.add_item(ChooseAreas("add", select))
    return view


# What the describe form hands back: the area, its purpose and its open questions.
Described = Callable[[discord.Interaction[Any], Area, str, list[str]], Awaitable[None]]


class DescribeModal(HubModal, title="Describe this area"):
    def __init__(
        self, area: Area, purpose: str, questions: list[str], on_described: Described
    ) -> None:
        super().__init__(timeout=None)
        self.area, self.on_described = area, on_described
        self.purpose: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Purpose (one paragraph)", style=discord.TextStyle.paragraph,
            max_length=1000, default=purpose[:1000],
        )  # fmt: skip
        self.questions: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Open questions, one per line", style=discord.TextStyle.paragraph,
            max_length=2000, required=False, default="\n".join(questions)[:2000] or None,
        )  # fmt: skip
        self.add_item(self.purpose)
        self.add_item(self.questions)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        questions = [q.strip() for q in self.questions.value.splitlines() if q.strip()]
        await self.on_described(interaction, self.area, self.purpose.value.strip(), questions)


def area_line(head: str, purpose: str, areas_shown: int) -> str:
    """ "**Data** (joined), 3 members: <purpose>": the purpose in full where the embed has
    room (it does for the network's ten areas), otherwise cut at a word with an ellipsis."""
    room = min(FIELD_LIMIT, BROWSE_BUDGET // max(areas_shown, 1)) - len(head) - 2
    return f"{head}: {fit(purpose, max(room, 40))}"


def grouped_fields(heading: str, lines: list[str]) -> list[tuple[str, str]]:
    """A group's lines as embed fields of at most 1,024 characters each, never splitting a
    line: the first field carries the group's heading, the next ones say they continue it."""
    fields: list[tuple[str, str]] = []
    current: list[str] = []
    for line in lines:
        if current and len("\n".join([*current, line])) > FIELD_LIMIT:
            fields.append(("\n".join(current), ""))
            current = []
        current.append(fit(line, FIELD_LIMIT))
    if current:
        fields.append(("\n".join(current), ""))
    short = heading.split(":")[0].strip()
    return [
        (fit(heading if i == 0 else f"{short} (continued)", 256), value)
        for i, (value, _) in enumerate(fields)
    ]
