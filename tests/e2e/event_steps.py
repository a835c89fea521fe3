"""Steps shared by the event tests: create and confirm an event, answer it, move the clock."""

from __future__ import annotations

from typing import Any

from tests.e2e.harness import Hub

DESCRIPTION = "events:form:description"


async def moderator(hub: Hub, name: str = "mod") -> int:
    member = await hub.double.add_member(hub.guild_id, name, roles=[hub.moderator_role_id])
    return member.id


async def member(hub: Hub, name: str, dms_open: bool = True) -> int:
    return (await hub.double.add_member(hub.guild_id, name, dms_open=dms_open)).id


async def create(
    hub: Hub,
    user_id: int,
    when: str = "in 3 days at 15:00",
    title: str = "Network seminar",
    description: str = "Findings from the youth panel.",
    **options: Any,
) -> Any:
    """Run /event create and, if the form opens, submit it; returns the last answer."""
    values = {"title": title, "when": when, **options}
    opened = await hub.double.run_command(hub.guild_id, user_id, "event create", values)
    if opened.modal is None:
        return opened
    return await hub.double.submit_modal(
        hub.guild_id, user_id, opened.modal, {DESCRIPTION: description}
    )


async def confirm(hub: Hub, user_id: int, preview: Any) -> Any:
    return await hub.double.click(
        hub.guild_id, user_id, preview.message, preview.message.custom_id("events:confirm:")
    )


async def created(hub: Hub, user_id: int, **kwargs: Any) -> Any:
    """Create and confirm; returns the card message."""
    preview = await create(hub, user_id, **kwargs)
    assert preview.modal is None and preview.message is not None, preview.content
    done = await confirm(hub, user_id, preview)
    assert done.content.startswith("Created event #"), done.content
    return cards(hub, kwargs.get("channel", "announcements"))[-1]


def cards(hub: Hub, channel: str = "announcements") -> list[Any]:
    return [
        m
        for m in hub.messages(channel)
        if m.author.id == hub.double.bot_user.id and m.embeds and m.components
    ]


def card_of(hub: Hub, event_id: int, channel: str = "announcements") -> Any:
    for message in hub.double.messages_in(hub.channel(channel)):
        if f"events:rsvp:{event_id}:going" in message.custom_ids():
            return message
    raise AssertionError(f"no card for event {event_id}")


async def rsvp(hub: Hub, user_id: int, card: Any, choice: str) -> Any:
    event_id = button_event_id(card)
    return await hub.double.click(hub.guild_id, user_id, card, f"events:rsvp:{event_id}:{choice}")


def button_event_id(card: Any) -> int:
    return int(card.custom_id("events:rsvp:").split(":")[2])


def field(embed: dict[str, Any], name_start: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in embed["fields"] if f["name"].startswith(name_start))
    return found


def command(hub: Hub, user_id: int, name: str, **options: Any) -> Any:
    return hub.double.run_command(hub.guild_id, user_id, f"event {name}", options)
