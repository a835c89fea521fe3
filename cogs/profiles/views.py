"""Buttons, selects and modals of the introduction flow and of verification.

Every component is a DynamicItem whose custom id carries what it does, and the form's state
lives in the database draft, so each one keeps working after a restart. The callbacks only
hand over to the handlers the profiles cog registered (bot/actions.py): ``ProfileFlow``
(flow.py) holds the Discord-side logic.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from bot import countries, geo, languages
from bot.actions import run_action
from bot.challenge_areas import AreaCatalog
from bot.text import fit
from bot.ui import ActionButton, HubModal, error_reporting
from cogs.profiles.fields import LIMITS, CareerStage, OpenTo, Visibility

if TYPE_CHECKING:
    from cogs.profiles.flow import ProfileFlow

# The network's countries first; anything else is typed in a short form ("Other country").
COMMON_COUNTRIES = [
    "US", "GB", "CA", "AU", "NZ", "IE", "DE", "NL", "FR", "BE", "DK", "NO", "SE", "FI",
    "ES", "IT", "AT", "CH", "IL", "IN", "KE", "NG", "ZA", "SG",
]  # fmt: skip
OTHER = "__other__"


class IntroduceButton(ActionButton, template=r"profiles:introduce"):
    """On the welcome message, and on nudges: opens the member's own form."""

    action = "profiles:introduce"
    keeps_label = True

    def __init__(self, label: str = "Introduce yourself") -> None:
        super().__init__("profiles:introduce", label, style=discord.ButtonStyle.primary)


class FlowButton(
    ActionButton, template=r"profiles:go:(?P<step>about|work|preview|text|confirm|reconfirm)"
):
    """Moves through the form: steps, re-opening the text, confirming."""

    action = "profiles:go"
    keeps_label = True
    LABELS: ClassVar[dict[str, tuple[str, discord.ButtonStyle]]] = {
        "about": ("Back", discord.ButtonStyle.secondary),
        "work": ("Next: your work", discord.ButtonStyle.primary),
        "preview": ("Preview", discord.ButtonStyle.primary),
        "text": ("Edit name, bio and keywords", discord.ButtonStyle.secondary),
        "confirm": ("Confirm", discord.ButtonStyle.success),
        "reconfirm": ("Still correct", discord.ButtonStyle.success),
    }

    def __init__(self, step: str, label: str | None = None) -> None:
        default_label, style = self.LABELS[step]
        super().__init__(f"profiles:go:{step}", label or default_label, step, style=style)


class FlowSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"profiles:pick:(?P<field>country|career_stage|languages|timezone|areas|open_to|visibility|searchable)",
):
    """One answer of the form; the choice is saved to the draft at once."""

    def __init__(self, field: str, select: discord.ui.Select[Any] | None = None) -> None:
        super().__init__(select or discord.ui.Select(custom_id=f"profiles:pick:{field}"))
        self.field = field

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> Self:
        return cls(match["field"])

    @error_reporting
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        values = [str(v) for v in data.get("values", [])]
        await run_action(interaction, "profiles:pick", self.field, values)


class VerifyButton(
    ActionButton, template=r"profiles:verify:(?P<decision>approve|reject):(?P<user_id>\d+)"
):
    """In the moderators' queue: approve or reject one introduction."""

    action = "profiles:verify"

    def __init__(self, decision: str, user_id: int) -> None:
        approve = decision == "approve"
        super().__init__(
            f"profiles:verify:{decision}:{user_id}",
            "Approve" if approve else "Reject",
            decision,
            user_id,
            style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger,
        )


class EraseButton(ActionButton, template=r"profiles:erase:(?P<user_id>\d+)"):
    """The confirm button of /profile delete; only the member it names can press it."""

    action = "profiles:erase"

    def __init__(self, user_id: int) -> None:
        super().__init__(
            f"profiles:erase:{user_id}",
            "Delete everything",
            user_id,
            style=discord.ButtonStyle.danger,
        )


# -- building the form's screens -------------------------------------------------------------


def _select(
    field: str,
    placeholder: str,
    options: list[discord.SelectOption],
    *,
    many: bool = False,
    minimum: int = 1,
) -> FlowSelect:
    select: discord.ui.Select[Any] = discord.ui.Select(
        custom_id=f"profiles:pick:{field}",
        placeholder=placeholder,
        options=options[:25],
        min_values=0 if many else 1,
        max_values=min(len(options), 25) if many else 1,
    )
    if many:
        select.min_values = minimum
    return FlowSelect(field, select)


def _languages_select(chosen: list[str]) -> FlowSelect:
    """The network's languages, plus any other the member typed (shown first, chosen), and
    "Other language (type it)": a select holds 25 options, ISO 639 has about 180."""
    typed = [code for code in chosen if code not in languages.COMMON][:24]
    codes = typed + list(languages.COMMON)[: 24 - len(typed)]
    return _select(
        "languages",
        "Languages you work in",
        [discord.SelectOption(label=languages.name(c), value=c, default=c in chosen) for c in codes]
        + [discord.SelectOption(label="Other language (type it)", value=OTHER)],
        many=True,
    )


def about_view(draft: dict[str, Any]) -> discord.ui.View:
    """Step 1: country, career stage, languages, time zone."""
    view = discord.ui.View(timeout=None)
    country = draft.get("country")
    codes = list(COMMON_COUNTRIES)
    if country and country not in codes:
        codes = [country, *codes[:23]]
    view.add_item(
        _select(
            "country",
            "Your country",
            [
                discord.SelectOption(label=countries.name(c), value=c, default=c == country)
                for c in codes
            ]
            + [discord.SelectOption(label="Other country (type it)", value=OTHER)],
        )
    )
    stage = draft.get("career_stage")
    view.add_item(
        _select(
            "career_stage",
            "Your career stage",
            [
                discord.SelectOption(label=s.label[:100], value=s.value, default=s.value == stage)
                for s in CareerStage
            ],
        )
    )
    view.add_item(_languages_select(list(draft.get("languages", []))))
    zone = draft.get("timezone")
    zones = geo.zones_for_country(country)[:22] if country else []
    for extra in (zone, "UTC"):
        if extra and extra not in zones:
            zones.insert(0, extra)
    view.add_item(
        _select(
            "timezone",
            "Your time zone",
            [discord.SelectOption(label=z, value=z, default=z == zone) for z in zones[:24]]
            + [discord.SelectOption(label="Other time zone (type it)", value=OTHER)],
        )
    )
    view.add_item(FlowButton("text"))
    view.add_item(FlowButton("work"))
    return view


def work_view(draft: dict[str, Any], areas: AreaCatalog) -> discord.ui.View:
    """Step 2: challenge areas, what they are open to, who sees their details."""
    view = discord.ui.View(timeout=None)
    chosen = set(draft.get("areas", []))
    view.add_item(
        _select(
            "areas",
            "Challenge areas you work on (optional)",
            [
                discord.SelectOption(
                    label=fit(a.name, 100),
                    value=a.slug,
                    description=areas.group_title(a.group),
                    default=a.slug in chosen,
                )
                for a in areas.areas
            ],
            many=True,
            minimum=0,
        )
    )
    open_to = set(draft.get("open_to", []))
    view.add_item(
        _select(
            "open_to",
            "What you are open to (optional)",
            [
                discord.SelectOption(label=o.label, value=o.value, default=o.value in open_to)
                for o in OpenTo
            ],
            many=True,
            minimum=0,
        )
    )
    visibility = draft.get("visibility", Visibility.MEMBERS.value)
    view.add_item(
        _select(
            "visibility",
            "Who sees your affiliation, bio and what you are open to",
            [
                discord.SelectOption(
                    label=f"{v.label} see my affiliation, bio and openness"[:100],
                    value=v.value,
                    default=v.value == visibility,
                )
                for v in Visibility
            ],
        )
    )
    searchable = bool(draft.get("searchable", True))
    view.add_item(
        _select(
            "searchable",
            "Appear in expert search?",
            [
                discord.SelectOption(
                    label="Show me in expert search", value="yes", default=searchable
                ),
                discord.SelectOption(
                    label="Hide me from expert search", value="no", default=not searchable
                ),
            ],
        )
    )
    view.add_item(FlowButton("about"))
    view.add_item(FlowButton("preview"))
    return view


def preview_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(FlowButton("work", "Back"))
    view.add_item(FlowButton("text"))
    view.add_item(FlowButton("confirm"))
    return view


def retry_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(FlowButton("text", "Open the form again"))
    return view


def welcome_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(IntroduceButton())
    return view


def nudge_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(FlowButton("reconfirm"))
    view.add_item(IntroduceButton("Update it"))
    return view


def queue_view(user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(VerifyButton("approve", user_id))
    view.add_item(VerifyButton("reject", user_id))
    return view


def erase_view(user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(EraseButton(user_id))
    return view


# -- modals -------------------------------------------------------------------------------------


class IntroModal(HubModal, title="Introduce yourself"):
    """The one form of typed text. Prefilled from the draft, so nothing is typed twice."""

    def __init__(self, draft: dict[str, Any], flow: ProfileFlow) -> None:
        super().__init__(custom_id="profiles:form", timeout=None)
        self.flow = flow
        self.inputs: dict[str, discord.ui.TextInput[Any]] = {
            "name": discord.ui.TextInput(
                label="Name as you want it shown", max_length=LIMITS["name"]
            ),
            "affiliation": discord.ui.TextInput(
                label="Institution or organisation", max_length=LIMITS["affiliation"]
            ),
            "expertise": discord.ui.TextInput(
                label="Expertise keywords, comma separated (max 10)",
                style=discord.TextStyle.paragraph,
                placeholder="online radicalisation, risk assessment, evaluation",
                max_length=LIMITS["expertise"],
            ),
            "methods": discord.ui.TextInput(
                label="Methods (optional)",
                placeholder="interviews, network analysis, RCTs",
                required=False,
                max_length=LIMITS["methods"],
            ),
            "bio": discord.ui.TextInput(
                label="Short bio", style=discord.TextStyle.paragraph, max_length=LIMITS["bio"]
            ),
        }
        for key, text_input in self.inputs.items():
            text_input.custom_id = f"profiles:form:{key}"
            text_input.default = (
                str(draft.get(key, "") or "")[: text_input.max_length or 4000] or None
            )
            self.add_item(text_input)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        typed = {key: text_input.value for key, text_input in self.inputs.items()}
        await self.flow.submitted_text(interaction, typed)


class OneLineModal(HubModal):
    """A single typed value: another country, other languages, a time zone, a reason."""

    def __init__(self, title: str, label: str, on_value: Any, *, long: bool = False) -> None:
        super().__init__(title=title, timeout=None)
        self.on_value = on_value
        self.value_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=label,
            style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
            max_length=500 if long else 60,
        )
        self.add_item(self.value_input)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.on_value(interaction, self.value_input.value)
