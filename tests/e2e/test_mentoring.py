"""Mentoring through the double: offers and requests, a dry run with reasons, consent from
both sides, a decline, expiry, and the pair's private thread."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.harness import Hub
from tests.e2e.mentor_steps import answer, offer, person, proposal, proposed, request, status


async def test_offer_and_request_and_status(hub: Hub) -> None:
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University")  # fmt: skip
    offered = await offer(hub, mentor, capacity=2, areas="Disinformation, data",
                          free_hours="Tue 14-17, Thu 9-11")  # fmt: skip
    assert (
        offered.ephemeral and "Thank you: your offer is saved. Up to 2 mentees" in offered.content
    )
    assert "areas: Disinformation, Data" in offered.content
    changed = await offer(hub, mentor, capacity=3)
    assert "Your offer is updated. Up to 3 mentees" in changed.content

    first = await person(hub, "Ana Lima")
    second = await person(hub, "Ben Okafor", country="GB", affiliation="Northbridge University")
    asked = await request(hub, first)
    assert asked.ephemeral and "you are number 1 of 1 waiting" in asked.content
    asked = await request(hub, second, country="other", avoid="Leiden")
    assert "you are number 2 of 2 waiting" in asked.content

    mine = await status(hub, second)
    assert "**Your request** since" in mine and "You are number 2 of 2 waiting" in mine
    assert "Country: another country" in mine
    theirs = await status(hub, mentor)
    assert "**Your offer** (active): 0 of 3 places taken" in theirs
    nobody = await person(hub, "Cleo Brandt", stage="mid-career")
    assert "not taking part in mentoring yet" in await status(hub, nobody)


async def test_dry_run_shows_pairs_with_reasons_and_why_others_wait(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University",
                          expertise="disinformation, interviews")  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima")
    french = await person(hub, "Lucie Martin", country="FR", languages=("fr",),
                          affiliation="Sciences Po")  # fmt: skip
    await request(hub, mentee)
    await request(hub, french, languages="French")

    dry = await hub.double.run_command(
        hub.guild_id, moderator, "mentor-admin match", {"dry_run": True}
    )
    assert dry.ephemeral
    embed = dry.embeds[0]
    assert embed["title"] == "Dry run: 1 pair, nothing sent"
    text = embed["description"]
    assert "**Ana Lima** with **Nora Visser** (score" in text
    assert "shared areas: Disinformation, Data" in text
    assert "both work in English" in text
    assert "hours of shared working time a day" in text
    assert "Canada and Netherlands" in text
    assert "**Lucie Martin**: no mentor with a shared language" in text
    assert hub.double.dms_of(mentor) == [] and hub.double.dms_of(mentee) == []
    assert "waiting for the next round" in await status(hub, mentee)

    member = await person(hub, "Ivo Novak", stage="mid-career", areas=())
    refused = await hub.double.run_command(hub.guild_id, member, "mentor-admin match")
    assert refused.ephemeral and "This command is for moderators" in refused.content


async def test_match_both_accept_and_a_private_thread_opens(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University", dms_open=False)  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)

    sent = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert "Sent 1 proposal" in sent.content
    card = proposal(hub, mentee)
    assert card.embeds[0]["title"] == "Mentoring proposal: Nora Visser as your mentor"
    assert "shared areas: Disinformation, Data" in card.embeds[0]["description"]
    # The mentor's DMs are closed: the proposal waits in a private thread for them alone.
    [own] = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Mentoring: ")]
    assert own.type == 12 and mentor in own.thread_members and mentee not in own.thread_members
    fallback = hub.double.messages_in(own.id)[-1]
    assert fallback.content.startswith(f"<@{mentor}>, your DMs are closed")
    assert "proposed, waiting for answers" in await status(hub, mentee)

    first = await answer(hub, mentee, card, "accept")
    assert "Accepted. Waiting for the other side" in first.content
    button = {"type": 2, "style": 3, "label": "Accept", "custom_id": "mentoring:proposal:1:accept"}
    card.components = [{"type": 1, "components": [button]}]  # as if the click raced the first
    again = await answer(hub, mentee, card, "accept")
    assert again.ephemeral and "You already accepted this proposal." in again.content

    await hub.restart()  # the buttons are persistent
    both = await answer(hub, mentor, fallback, "accept", guild=True)
    assert "Accepted by both of you. Your private thread" in both.content
    pair = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Mentoring: ")][-1]
    assert {mentor, mentee} <= pair.thread_members
    intro = hub.double.messages_in(pair.id)[0].content
    assert "You were paired because: shared areas" in intro
    assert "A suggested first meeting" in intro
    told = [m.content for m in hub.double.dms_of(mentee)]
    assert any("Your mentoring pairing is confirmed" in t for t in told)
    # The mentor's own private thread is reused, not a new one per message.
    assert [t.id for t in hub.double.threads_in(hub.guild_id) if t.name == own.name] == [own.id]
    assert "Pairing with Nora Visser (your mentor): active" in await status(hub, mentee)
    assert "1 of 1 place taken" in await status(hub, mentor)


async def test_a_decline_returns_the_other_side_to_the_pool(hub: Hub) -> None:
    moderator, first, mentee = await proposed(hub)
    declined = await answer(hub, first, proposal(hub, first), "decline")
    assert declined.content.startswith("Declined.")
    assert "will not go ahead this time" in hub.double.dms_of(mentee)[-1].content
    told = await status(hub, mentee)
    assert "waiting for the next round" in told and "declined" not in told
    late = await answer(hub, mentee, proposal(hub, mentee), "accept")
    assert "This proposal will not go ahead, so it is closed." in late.content
    assert "declined" not in late.content  # who said no is never shown

    second = await person(hub, "Omar Farouk", stage="mid-career", country="NG",
                          affiliation="University of Lagos")  # fmt: skip
    await offer(hub, second)
    await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert proposal(hub, mentee).embeds[0]["title"].startswith("Mentoring proposal: Omar Farouk")
    assert len(hub.double.dms_of(first)) == 1  # never proposed again to the one who declined


@pytest.mark.hub_settings(mentor_max_missed=1)
async def test_expiry_returns_both_and_pauses_the_silent(hub: Hub) -> None:
    _, mentor, mentee = await proposed(hub)
    await answer(hub, mentee, proposal(hub, mentee), "accept")
    hub.clock.advance(timedelta(days=7, minutes=1))
    await hub.double.wait_for(
        lambda: "expired" in hub.double.dms_of(mentee)[-1].content, what="the expiry note"
    )
    assert "back in the pool" in hub.double.dms_of(mentee)[-1].content
    assert "your mentoring is paused" in hub.double.dms_of(mentor)[-1].content
    late = await answer(hub, mentor, proposal(hub, mentor), "accept")
    assert "This proposal expired on" in late.content
    assert "**Your offer** (paused; /mentor resume restarts it):" in await status(hub, mentor)
    assert "waiting for the next round" in await status(hub, mentee)
    resumed = await hub.double.run_command(hub.guild_id, mentor, "mentor resume")
    assert "Welcome back: your offer counts in the next round again." in resumed.content
