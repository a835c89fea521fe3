"""The event card, the preview, the forms, and the persistent buttons (RSVP, Confirm, Edit,
accept a place, mute a reminder). Custom ids carry the event id, so every button works
after a restart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.challenge_areas import AreaCatalog
from bot.text import fit
from bot.ui import ActionButton, HubModal, discord_time
from cogs.events.model import (
    DESCRIPTION_LIMIT,
    LOCATION_LIMIT,
    TITLE_LIMIT,
    Event,
    Summary,
    describe_rrule,
    offsets_words,
)

Interaction = discord.Interaction[Any]
FormSubmit = Callable[[Interaction, dict[str, str]], Awaitable[None]]
NAMES_SHOWN = 10


def stamp(moment: datetime, style: str = "F") -> str:
    return discord_time(int(moment.timestamp()), style)


def wall(moment: datetime, zone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(zone)):%a %d %b %Y, %H:%M} ({zone})"


def _names(names: list[str]) -> str:
    shown = ", ".join(discord.utils.escape_markdown(n) for n in names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += f" and {len(names) - NAMES_SHOWN} more"
    return shown or "nobody yet"


def card_embed(event: Event, areas: AreaCatalog, summary: Summary | None = None) -> discord.Embed:
    """The card members see: timestamps each reader sees in their own zone, who comes, and
    the area by its title (the catalog turns the stored slug into words)."""
    title = event.title if event.state != "cancelled" else f"Cancelled: {event.title}"
    embed = discord.Embed(title=fit(title, 256), description=fit(event.description, 4096) or None)
    when = (
        f"{stamp(event.starts_at)} ({stamp(event.starts_at, 'R')}) to {stamp(event.ends_at, 't')}"
    )
    embed.add_field(name="When", value=when, inline=False)
    if event.rrule:
        repeats = describe_rrule(event.rrule, event.timezone, event.starts_at)
        embed.add_field(name="Repeats", value=fit(repeats, 1024))
    if event.location:
        embed.add_field(name="Where", value=fit(event.location, 1024))
    if event.area:
        embed.add_field(name="Area", value=areas.name_of(event.area))
    if event.organiser_id:
        embed.add_field(name="Organiser", value=f"<@{event.organiser_id}>")
    if summary is not None:
        places = ""
        if event.capacity is not None:
            taken = len(summary.going) + summary.offered
            places = f" · {taken} of {event.capacity} places taken"
            if summary.waitlist:
                places += f" · {summary.waitlist} on the waitlist"
        embed.add_field(
            name=f"Going ({len(summary.going)})",
            value=fit(_names(summary.going), 1024),
            inline=False,
        )
        embed.add_field(
            name=f"Maybe ({len(summary.maybe)})", value=fit(_names(summary.maybe), 1024)
        )
        embed.add_field(name="Can't go", value=str(summary.declined))
        embed.set_footer(text=f"Event #{event.id}{places}. Times show in your own time zone.")
    return embed


def card_view(event: Event) -> discord.ui.View | None:
    if event.state != "scheduled":
        return None
    view = discord.ui.View(timeout=None)
    for choice in ("going", "maybe", "declined"):
        view.add_item(RsvpButton(event.id, choice))
    return view


def preview_embeds(
    event: Event, areas: AreaCatalog, zones: list[str], reading: str = ""
) -> list[discord.Embed]:
    """The card as it will look, then how the typed time was read (the weekday, the date,
    how far away, and where the zone came from), the time in the event's zone, UTC, each
    member's own zone and the network's main zones, so a misreading shows before Confirm."""
    times = discord.Embed(title="Preview: check the time", description=reading or None)
    times.add_field(name=f"Event's zone ({event.timezone})", value=wall(event.starts_at,
                                                                     event.timezone))  # fmt: skip
    times.add_field(name="UTC", value=wall(event.starts_at, "UTC"))
    times.add_field(name="Each member sees", value=stamp(event.starts_at), inline=False)
    for zone in zones:
        times.add_field(name=zone, value=wall(event.starts_at, zone))
    notes = [f"Reminders: {offsets_words(event.reminders)}."]
    if event.capacity:
        notes.append(f"Capacity {event.capacity}; later Going clicks join a waitlist.")
    notes.append("Nothing is created until you press Confirm.")
    times.set_footer(text=" ".join(notes))
    return [card_embed(event, areas), times]


def preview_view(event_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ConfirmButton(event_id))
    view.add_item(EditButton(event_id))
    return view


def reminder_view(event_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(MuteButton(event_id))
    return view


def offer_view(event_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AcceptOfferButton(event_id))
    return view


# -- forms ----------------------------------------------------------------------------------


class EventForm(HubModal):
    """The description (and, from Edit, every text field, filled in)."""

    def __init__(
        self,
        heading: str,
        on_done: FormSubmit,
        values: dict[str, str] | None,
        full: bool = True,
    ) -> None:
        """``values`` fill the fields in; ``full=False`` shows the description alone."""
        super().__init__(title=fit(heading, 45), timeout=900)
        self.on_done = on_done
        self.inputs: dict[str, discord.ui.TextInput[Any]] = {}
        if values is not None and full:
            self._field("title", "Title", values, max_length=TITLE_LIMIT)
            self._field("when", "When (e.g. next Tuesday 15:00)", values, max_length=100)
            self._field("duration", "Duration (e.g. 90m, 2h)", values, max_length=20)
            self._field("location", "Location or link", values, LOCATION_LIMIT, required=False)
        self._field(
            "description", "Description", values or {}, DESCRIPTION_LIMIT, required=False,
            style=discord.TextStyle.paragraph,
        )  # fmt: skip

    def _field(
        self,
        key: str,
        label: str,
        values: dict[str, str],
        max_length: int,
        required: bool = True,
        style: discord.TextStyle = discord.TextStyle.short,
    ) -> None:
        item: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=label, custom_id=f"events:form:{key}", max_length=max_length,
            required=required, style=style, default=values.get(key) or None,
        )  # fmt: skip
        self.inputs[key] = item
        self.add_item(item)

    async def on_submit(self, interaction: Interaction) -> None:
        await self.on_done(interaction, {k: v.value for k, v in self.inputs.items()})


# -- buttons --------------------------------------------------------------------------------


class ConfirmButton(ActionButton, template=r"events:confirm:(?P<event_id>\d+)"):
    action = "events:confirm"

    def __init__(self, event_id: int) -> None:
        super().__init__(
            f"events:confirm:{event_id}", "Confirm", event_id, style=discord.ButtonStyle.success
        )


class EditButton(ActionButton, template=r"events:edit:(?P<event_id>\d+)"):
    action = "events:edit"

    def __init__(self, event_id: int) -> None:
        super().__init__(f"events:edit:{event_id}", "Edit", event_id)


RSVP_LABELS = {"going": "Going", "maybe": "Maybe", "declined": "Can't go"}
RSVP_STYLES = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.primary,
    "declined": discord.ButtonStyle.secondary,
}


class RsvpButton(
    ActionButton, template=r"events:rsvp:(?P<event_id>\d+):(?P<choice>going|maybe|declined)"
):
    action = "events:rsvp"

    def __init__(self, event_id: int, choice: str) -> None:
        super().__init__(
            f"events:rsvp:{event_id}:{choice}",
            RSVP_LABELS[choice],
            event_id,
            choice,
            style=RSVP_STYLES[choice],
        )


class AcceptOfferButton(ActionButton, template=r"events:accept:(?P<event_id>\d+)"):
    """In the DM that offers a freed place to the first on the waitlist."""

    action = "events:accept_offer"

    def __init__(self, event_id: int) -> None:
        super().__init__(
            f"events:accept:{event_id}",
            "Take the place",
            event_id,
            style=discord.ButtonStyle.success,
        )


class MuteButton(ActionButton, template=r"events:mute:(?P<event_id>\d+)"):
    """On each reminder DM: turn this event's reminders off, as /event mute does."""

    action = "events:mute"

    def __init__(self, event_id: int) -> None:
        super().__init__(f"events:mute:{event_id}", "Mute reminders for this event", event_id)
