"""Each bad input gets a short private answer, and nothing is created or changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.event_steps import card_of, command, create, created, member, moderator, rsvp
from tests.e2e.harness import Hub

BAD_OPTIONS = [
    ({"title": "x" * 101}, "The title is 101 characters; keep it to 100"),
    ({"ends": "16:00", "when": "tomorrow 17:00"}, "is not after the start"),
    ({"capacity": 0}, "Capacity 0 is not possible: give at least 1"),
    ({"capacity": -4}, "Capacity -4 is not possible"),
    ({"area": "astrology"}, "There is no area 'astrology'. Pick one from the list."),
    ({"timezone": "Mars/Olympus"}, "'Mars/Olympus' is not a time zone I know."),
    ({"when": "yesterday 10:00"}, "which is in the past. Give a future time."),
    ({"when": "whenever suits"}, "has no time of day. Add one, for example"),
    ({"when": "soonish at 25:99"}, "not a time of day"),
    ({"when": "03/04 15:00"}, "could be read as day/month or month/day"),
    ({"duration": "forever"}, "'forever' is not a duration"),
    ({"duration": "9d"}, "An event can last at most 7 days"),
    ({"reminders": "1d,soon"}, "Reminders: 'soon' is not a duration"),
    ({"repeat": "weekly"}, "A repeating event needs one end"),
    ({"repeat": "weekly", "count": 99}, "count is how many times the event happens: 2 to 52"),
    ({"repeat": "weekly", "until": "next year"}, "until 'next year' is not a date"),
]


@pytest.mark.parametrize(("options", "answer"), BAD_OPTIONS)
async def test_bad_create_options_are_refused(
    hub: Hub, options: dict[str, Any], answer: str
) -> None:
    mod = await moderator(hub)
    result = await create(hub, mod, **options)
    assert result.modal is None and result.ephemeral
    assert answer in result.content
    assert hub.double.scheduled_events(hub.guild_id) == []
    listed = await command(hub, mod, "list", range="quarter")
    assert listed.content.startswith("No events")


async def test_members_without_the_organiser_role_cannot_create(hub: Hub) -> None:
    amira = await member(hub, "amira")
    result = await create(hub, amira)
    assert result.modal is None
    assert result.content.startswith("Creating events is for moderators and the 'Organiser'")


async def test_an_organiser_cannot_change_someone_elses_event(hub: Hub) -> None:
    mod = await moderator(hub)
    await created(hub, mod)
    role = hub.double.create_role(hub.guild_id, "Organiser")
    organiser = (await hub.double.add_member(hub.guild_id, "org", roles=[role.id])).id
    own = await created(hub, organiser, title="My workshop")
    assert own.embeds[0]["title"] == "My workshop"
    refused = await command(hub, organiser, "edit", event="1", title="Taken over")
    assert refused.content.startswith("Only the event's organiser or a moderator can change")
    cancel = await command(hub, organiser, "cancel", event="1")
    assert cancel.content.startswith("Only the event's organiser or a moderator")
    mine = await command(hub, organiser, "edit", event="2", location="Room 2")
    assert mine.content == "Updated event #2. New place: Room 2."
    assert card_of(hub, 1).embeds[0]["title"] == "Network seminar"


async def test_rsvp_to_a_cancelled_or_started_event_is_refused(hub: Hub) -> None:
    mod = await moderator(hub)
    first = await created(hub, mod, when="in 2 hours")
    await created(hub, mod, when="in 5 hours", title="Later")
    amira = await member(hub, "amira")
    await command(hub, mod, "cancel", event="2")
    later = next(m for m in hub.messages("announcements") if m.embeds
                 and m.embeds[0]["title"] == "Cancelled: Later")  # fmt: skip
    assert later.components == []  # no buttons left; the service refuses too (tests/events)
    hub.clock.advance(timedelta(hours=2, minutes=1))
    started = await rsvp(hub, amira, first, "going")
    assert started.content == "Network seminar has already started, so it takes no more answers."
    again = await command(hub, mod, "cancel", event="2")
    assert again.content == "Event #2 Later is already cancelled."
    edit = await command(hub, mod, "edit", event="2", title="New")
    assert edit.content == "Event #2 Later is cancelled; it cannot be edited."


async def test_unknown_event_and_nothing_to_change(hub: Hub) -> None:
    mod = await moderator(hub)
    await created(hub, mod)
    unknown = await command(hub, mod, "info", event="99")
    assert unknown.content == "There is no event '99'. Pick one from the list, or see /event list."
    nothing = await command(hub, mod, "edit", event="1")
    assert nothing.content.startswith("Give at least one thing to change")
    past = await command(hub, mod, "edit", event="1", when="yesterday 09:00")
    assert "in the past" in past.content
    bad_capacity = await command(hub, mod, "edit", event="1", capacity=0)
    assert "Capacity 0 is not possible" in bad_capacity.content
    offsets = await command(hub, mod, "reminders", offsets="40d")
    assert offsets.content == "Each reminder must be between 1 minute and 30 days before the event."
    mute = await command(hub, mod, "mute", event="1")
    assert mute.content.startswith("You have not answered #1 Network seminar.")


async def test_another_members_preview_cannot_be_confirmed(hub: Hub) -> None:
    mod = await moderator(hub)
    other = await moderator(hub, "mod2")
    preview = await create(hub, mod)
    button = preview.message.custom_id("events:confirm:")
    preview.message.visible_to = None  # as if the other moderator could see it
    refused = await hub.double.click(hub.guild_id, other, preview.message, button)
    assert "Only the member who made this preview" in refused.content
