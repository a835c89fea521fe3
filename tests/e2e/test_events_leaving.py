"""Members who leave the server, or erase their data, while Going or on the waitlist."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.event_steps import card_of, created, field, member, moderator, rsvp
from tests.e2e.harness import Hub


def going(hub: Hub) -> dict[str, str]:
    return field(card_of(hub, 1).embeds[0], "Going")


def reminders(hub: Hub, user_id: int) -> list[str]:
    return [m.content for m in hub.double.dms_of(user_id) if m.content.startswith("Reminder:")]


async def test_a_going_member_who_leaves_frees_their_place_for_the_waitlist(hub: Hub) -> None:
    hub.overrides["event_offer_expiry"] = "0"
    await hub.restart()
    mod = await moderator(hub)
    card = await created(hub, mod, capacity=1)
    leaver, waiting, maybe = [await member(hub, n) for n in ("leaver", "waiting", "maybe")]
    await rsvp(hub, leaver, card, "going")
    await rsvp(hub, waiting, card_of(hub, 1), "going")
    await rsvp(hub, maybe, card_of(hub, 1), "maybe")
    await hub.double.remove_member(hub.guild_id, leaver)
    await hub.double.wait_for(lambda: going(hub)["value"] == "waiting", what="the card")
    assert going(hub)["name"] == "Going (1)"
    assert "1 of 1 places taken" in card_of(hub, 1).embeds[0]["footer"]["text"]
    assert "waitlist" not in card_of(hub, 1).embeds[0]["footer"]["text"]
    await hub.double.settle(quiet=0.1)
    [told] = hub.double.dms_of(waiting)
    assert "A place opened at **Network seminar**" in told.content
    assert "you are now Going" in told.content
    # Leaving while only on the waitlist, or Maybe, just removes the answer.
    await hub.double.remove_member(hub.guild_id, maybe)
    await hub.double.wait_for(
        lambda: field(card_of(hub, 1).embeds[0], "Maybe")["name"] == "Maybe (0)",
        what="the Maybe count",
    )


async def test_leaving_from_the_waitlist_keeps_the_order_of_the_rest(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, capacity=1)
    first, second, third = [await member(hub, n) for n in ("first", "second", "third")]
    for user in (first, second, third):
        await rsvp(hub, user, card_of(hub, 1) if user != first else card, "going")
    await hub.double.remove_member(hub.guild_id, second)
    await hub.double.wait_for(
        lambda: "1 on the waitlist" in card_of(hub, 1).embeds[0]["footer"]["text"],
        what="the waitlist count",
    )
    await rsvp(hub, first, card_of(hub, 1), "declined")
    await hub.double.settle(quiet=0.1)
    assert hub.double.dms_of(second) == []
    [offer] = hub.double.dms_of(third)
    assert "A place opened at **Network seminar**" in offer.content


async def test_erasing_ones_data_while_going_frees_the_place(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, capacity=1)
    amira, waiting = await member(hub, "amira"), await member(hub, "waiting")
    await rsvp(hub, amira, card, "going")
    await rsvp(hub, waiting, card_of(hub, 1), "going")
    asked = await hub.double.run_command(hub.guild_id, amira, "profile delete")
    done = await hub.double.click(hub.guild_id, amira, asked.message, f"profiles:erase:{amira}")
    assert "deleted" in done.content
    await hub.double.wait_for(lambda: going(hub)["value"] == "nobody yet", what="the card")
    await hub.double.wait_for(lambda: len(hub.double.dms_of(waiting)) == 1, what="the offer")
    assert "A place opened at **Network seminar**" in hub.double.dms_of(waiting)[0].content
    assert "1 of 1 places taken" in card_of(hub, 1).embeds[0]["footer"]["text"]  # offered


async def test_reminders_skip_members_who_left_unseen(hub: Hub) -> None:
    """The bot was offline when the member left: the reminder skips them (no mention)."""
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    stays, gone = await member(hub, "stays"), await member(hub, "gone", dms_open=False)
    await rsvp(hub, stays, card, "going")
    await rsvp(hub, gone, card_of(hub, 1), "going")
    await hub.stop()
    hub.double.guild(hub.guild_id).members.pop(gone)  # left while the bot was away
    await hub.start()
    hub.clock.advance(timedelta(days=2, seconds=1))
    await hub.double.wait_for(lambda: len(reminders(hub, stays)) == 1, what="the reminder")
    await hub.double.settle(quiet=0.2)
    assert not any(f"<@{gone}>" in m.content for m in hub.messages("announcements"))


async def test_leaving_while_offered_a_place_offers_it_to_the_next(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, capacity=1)
    first, second, third = [await member(hub, n) for n in ("first", "second", "third")]
    for user in (first, second, third):
        await rsvp(hub, user, card_of(hub, 1) if user != first else card, "going")
    await rsvp(hub, first, card_of(hub, 1), "declined")
    await hub.double.settle(quiet=0.1)
    assert len(hub.double.dms_of(second)) == 1  # second is offered the place
    await hub.double.remove_member(hub.guild_id, second)
    await hub.double.wait_for(lambda: len(hub.double.dms_of(third)) == 1, what="third's offer")
    assert "A place opened at **Network seminar**" in hub.double.dms_of(third)[0].content
    footer = card_of(hub, 1).embeds[0]["footer"]["text"]
    assert "1 of 1 places taken" in footer and "waitlist" not in footer
