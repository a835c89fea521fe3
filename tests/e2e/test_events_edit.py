"""/event edit beyond time and place: description, area, reminder offsets, capacity."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.event_steps import (
    DESCRIPTION,
    card_of,
    cards,
    command,
    confirm,
    create,
    created,
    member,
    moderator,
    rsvp,
)
from tests.e2e.harness import Hub


def reminders(hub: Hub, user_id: int) -> list[str]:
    return [m.content for m in hub.double.dms_of(user_id) if m.content.startswith("Reminder:")]


async def test_description_opens_the_form_filled_in(hub: Hub) -> None:
    mod = await moderator(hub)
    await created(hub, mod, description="Old words.")
    opened = await command(hub, mod, "edit", event="1", description=True, title="Renamed")
    assert opened.modal is not None
    [field] = [c for row in opened.modal["components"] for c in row["components"]]
    assert field["custom_id"] == DESCRIPTION and field["value"] == "Old words."
    done = await hub.double.submit_modal(hub.guild_id, mod, opened.modal, {DESCRIPTION: "New."})
    assert done.ephemeral and done.content == "Updated event #1. The description is updated."
    await hub.double.settle(quiet=0.1)
    embed = card_of(hub, 1).embeds[0]
    assert embed["title"] == "Renamed" and embed["description"] == "New."
    [scheduled] = hub.double.scheduled_events(hub.guild_id)
    assert scheduled["name"] == "Renamed" and scheduled["description"].startswith("New.")


async def test_a_new_area_moves_the_card_and_the_scheduled_event_link(hub: Hub) -> None:
    mod = await moderator(hub)
    await hub.double.run_command(hub.guild_id, mod, "hub setup", {})
    channel = hub.double.channel_by_name(hub.guild_id, "evaluation")
    assert channel is not None
    await created(hub, mod)
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card_of(hub, 1), "going")
    moved = await command(hub, mod, "edit", event="1", area="evaluation")
    assert (
        moved.content == f"Updated event #1. Area: Evaluation; the card is now in <#{channel.id}>."
    )
    await hub.double.settle(quiet=0.1)
    assert cards(hub) == []  # the old card is gone from the announcements channel
    [card] = [m for m in hub.double.messages_in(channel.id) if m.embeds and m.components]
    embed = card.embeds[0]
    assert next(f for f in embed["fields"] if f["name"] == "Area")["value"] == "Evaluation"
    assert next(f for f in embed["fields"] if f["name"].startswith("Going"))["value"] == "amira"
    [scheduled] = hub.double.scheduled_events(hub.guild_id)
    assert f"/{channel.id}/{card.id}" in scheduled["description"]
    again = await hub.double.click(hub.guild_id, amira, card, "events:rsvp:1:maybe")
    assert "Marked as Maybe" in again.followups[0].content
    unknown = await command(hub, mod, "edit", event="1", area="astrology")
    assert unknown.content == "There is no area 'astrology'. Pick one from the list, or 'none'."


async def test_new_reminder_offsets_reschedule_pending_reminders(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    changed = await command(hub, mod, "edit", event="1", reminders="2h")
    assert changed.content == (
        "Updated event #1. Reminders: 2h before; pending ones are rescheduled."
    )
    hub.clock.advance(timedelta(days=2, seconds=1))  # where the 1d reminder was
    await hub.double.settle(quiet=0.3)
    assert reminders(hub, amira) == []
    hub.clock.advance(timedelta(hours=22))  # 2h before
    await hub.double.wait_for(lambda: len(reminders(hub, amira)) == 1, what="the 2h reminder")
    hub.clock.advance(timedelta(hours=1, minutes=1))  # where the 1h reminder was
    await hub.double.settle(quiet=0.3)
    assert len(reminders(hub, amira)) == 1
    bad = await command(hub, mod, "edit", event="1", reminders="yesterday")
    assert bad.content.startswith("Reminders:")


async def test_capacity_below_the_number_going_is_refused(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, capacity=3)
    for name in ("a", "b", "c"):
        await rsvp(hub, await member(hub, name), card_of(hub, 1) if name != "a" else card, "going")
    refused = await command(hub, mod, "edit", event="1", capacity=2)
    assert refused.ephemeral
    assert refused.content == (
        "3 members are Going to Network seminar (counting places offered from the waitlist), "
        "so the capacity cannot go below 3. Give 3 or more, or ask members to change their "
        "answer first."
    )
    assert "3 of 3 places taken" in card_of(hub, 1).embeds[0]["footer"]["text"]
    kept = await command(hub, mod, "edit", event="1", capacity=3)
    assert kept.content.startswith("Updated event #1.")
    nothing = await command(hub, mod, "edit", event="1")
    assert nothing.content.startswith("Give at least one thing to change")


async def test_a_scheduled_event_discord_refuses_is_explained_with_what_discord_said(
    hub: Hub,
) -> None:
    """Every failure was blamed on Manage Events; one was Discord's 100-event limit."""
    from sandbox.double.state import BOT_PERMISSIONS, MANAGE_EVENTS

    mod = await moderator(hub)
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS & ~MANAGE_EVENTS)
    done = await confirm(hub, mod, await create(hub, mod, title="No permission"))
    assert "Discord said: Missing Permissions" in done.content
    assert "Manage Events" in done.content
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS)
    guild = hub.double.guild(hub.guild_id)
    for n in range(100):
        guild.events[n] = {"id": str(n), "status": 1}
    full = await confirm(hub, mod, await create(hub, mod, title="One too many"))
    assert "Maximum number of uncompleted guild scheduled events" in full.content
    assert "100 scheduled events" in full.content and "Manage Events" not in full.content
