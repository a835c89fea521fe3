"""RSVPs through the double: counts and names on the card, capacity, waitlist, promotion."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.event_steps import card_of, created, member, moderator, rsvp
from tests.e2e.harness import Hub


async def test_answers_update_counts_and_first_names(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod)
    amira = await member(hub, "amira")
    tomas = await member(hub, "tomas")
    answer = await rsvp(hub, amira, card, "going")
    assert answer.followups[0].ephemeral
    assert "You are Going to Network seminar" in answer.followups[0].content
    assert "Reminders: 1d before, 1h before" in answer.followups[0].content
    await rsvp(hub, tomas, card, "maybe")
    embed = card_of(hub, 1).embeds[0]
    going = next(f for f in embed["fields"] if f["name"].startswith("Going"))
    assert going == {"name": "Going (1)", "value": "amira", "inline": False}
    maybe = next(f for f in embed["fields"] if f["name"].startswith("Maybe"))
    assert maybe["name"] == "Maybe (1)" and maybe["value"] == "tomas"
    await rsvp(hub, amira, card_of(hub, 1), "declined")
    embed = card_of(hub, 1).embeds[0]
    assert next(f for f in embed["fields"] if f["name"].startswith("Going"))["name"] == "Going (0)"
    assert next(f for f in embed["fields"] if f["name"] == "Can't go")["value"] == "1"


async def test_a_second_click_changes_nothing(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod)
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    again = await rsvp(hub, amira, card_of(hub, 1), "going")
    assert again.ephemeral
    assert again.content == "You already answered Going for Network seminar."
    embed = card_of(hub, 1).embeds[0]
    assert next(f for f in embed["fields"] if f["name"].startswith("Going"))["name"] == "Going (1)"


async def test_full_event_waitlist_then_promotion_with_confirmation(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, capacity=1)
    first, second, third = [await member(hub, n) for n in ("first", "second", "third")]
    await rsvp(hub, first, card, "going")
    waiting = await rsvp(hub, second, card_of(hub, 1), "going")
    assert "You are number 1 on the waitlist" in waiting.followups[0].content
    third_answer = await rsvp(hub, third, card_of(hub, 1), "going")
    assert "number 2 on the waitlist" in third_answer.followups[0].content
    footer = card_of(hub, 1).embeds[0]["footer"]["text"]
    assert "1 of 1 places taken · 2 on the waitlist" in footer
    await rsvp(hub, first, card_of(hub, 1), "declined")
    await hub.double.settle(quiet=0.1)
    [offer] = hub.double.dms_of(second)
    assert "A place opened at **Network seminar**" in offer.content
    assert hub.double.dms_of(third) == []
    taken = await hub.double.click(None, second, offer, "events:accept:1")
    assert taken.content.startswith("The place is yours: you are Going to Network seminar")
    await hub.double.settle(quiet=0.1)
    embed = card_of(hub, 1).embeds[0]
    assert next(f for f in embed["fields"] if f["name"].startswith("Going"))["value"] == "second"


async def test_an_offer_not_taken_in_time_goes_to_the_next_person(hub: Hub) -> None:
    mod = await moderator(hub)
    await created(hub, mod, capacity=1)
    first, second, third = [await member(hub, n) for n in ("first", "second", "third")]
    for user in (first, second, third):
        await rsvp(hub, user, card_of(hub, 1), "going")
    await rsvp(hub, first, card_of(hub, 1), "maybe")
    await hub.double.settle(quiet=0.1)
    assert len(hub.double.dms_of(second)) == 1
    hub.clock.advance(timedelta(hours=12, seconds=5))
    await hub.double.wait_for(lambda: len(hub.double.dms_of(third)) == 1, what="third's offer")
    await hub.double.settle(quiet=0.1)
    assert "was not taken in time" in hub.double.dms_of(second)[-1].content
    assert "A place opened" in hub.double.dms_of(third)[0].content
    late = await hub.double.click(None, second, hub.double.dms_of(second)[0], "events:accept:1")
    assert "This offer has expired" in late.content


async def test_without_confirmation_the_first_on_the_waitlist_is_going_at_once(hub: Hub) -> None:
    hub.overrides["event_offer_expiry"] = "0"
    await hub.restart()
    mod = await moderator(hub)
    card = await created(hub, mod, capacity=1)
    first, second = await member(hub, "first"), await member(hub, "second")
    await rsvp(hub, first, card, "going")
    await rsvp(hub, second, card_of(hub, 1), "going")
    await rsvp(hub, first, card_of(hub, 1), "declined")
    await hub.double.settle(quiet=0.1)
    [told] = hub.double.dms_of(second)
    assert "you are now Going" in told.content
    mine = await hub.double.run_command(hub.guild_id, second, "event mine")
    assert "Network seminar" in mine.embeds[0]["description"]
    assert "Going" in mine.embeds[0]["description"]
