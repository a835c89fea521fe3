"""Mentoring's hard rules as moderators and members meet them: the dry run says which rule
keeps which pair apart, every proposal says how much working time the pair shares, a
proposal that never reached a member is not held against them, and a member who deletes
their data leaves the pair thread without their name or the bot's card about them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.harness import Hub
from tests.e2e.mentor_steps import offer, person, proposal, proposed, request, status
from tests.e2e.test_mentoring_lifecycle import delete_my_data
from tests.e2e.test_mentoring_pairs import paired


async def test_the_dry_run_says_which_rule_keeps_each_pair_apart(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    colleague = await person(hub, "Nora Visser", stage="senior", country="GB",
                             affiliation="King's College London")  # fmt: skip
    american = await person(hub, "Sam Carter", stage="senior", country="US",
                            affiliation="RAND Europe")  # fmt: skip
    far = await person(hub, "Kai Tanaka", stage="senior", country="AU",
                       affiliation="University of Sydney")  # fmt: skip
    fits = await person(hub, "Omar Farouk", stage="senior", country="NG",
                        affiliation="University of Lagos")  # fmt: skip
    for mentor in (colleague, american, far, fits):
        await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima", country="GB", affiliation="KCL")
    asked = await request(hub, mentee, avoid="usa; rand")
    assert (
        "You will not be paired with anyone whose name, institution or country is: 'usa'; "
        "'rand'." in asked.content
    )

    dry = await hub.double.run_command(
        hub.guild_id, moderator, "mentor-admin match", {"dry_run": True}
    )
    text = dry.embeds[0]["description"]
    assert "**Ana Lima** with **Omar Farouk** (score" in text
    assert "hours of shared working time a day" in text
    assert "**Pairs the rules keep apart:**" in text
    assert (
        "**Ana Lima** and **Nora Visser**: same institution: 'KCL' and 'King's College London' "
        "are both King's College London in the institution list"
    ) in text
    assert (
        "**Ana Lima** and **Sam Carter**: avoid-list entry 'usa' matches their country "
        "(United States); avoid-list entry 'rand' matches their institution (RAND Europe)"
    ) in text
    assert "**Ana Lima** and **Kai Tanaka**: no shared working hours" in text

    sent = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert "Sent 1 proposal" in sent.content
    card = proposal(hub, mentee).embeds[0]
    assert card["title"] == "Mentoring proposal: Omar Farouk as your mentor"
    assert "hours of shared working time a day" in card["description"]


@pytest.mark.hub_settings(mentor_min_overlap_hours=0)
async def test_with_the_overlap_rule_off_a_proposal_says_there_is_no_shared_time(
    hub: Hub,
) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    far = await person(hub, "Kai Tanaka", stage="senior", country="AU",
                       affiliation="University of Sydney")  # fmt: skip
    await offer(hub, far)
    mentee = await person(hub, "Ana Lima", country="GB", affiliation="University of Leeds")
    await request(hub, mentee)
    sent = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert "Sent 1 proposal" in sent.content
    assert "no shared working hours" in proposal(hub, mentee).embeds[0]["description"]


@pytest.mark.hub_settings(mentor_max_missed=1)
async def test_a_proposal_that_never_reached_a_member_is_not_their_miss(hub: Hub) -> None:
    from sandbox.double.state import BOT_PERMISSIONS, CREATE_PRIVATE_THREADS

    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL", dms_open=False,
                          affiliation="Leiden University")  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)
    hub.double.set_bot_permissions(
        hub.guild_id, BOT_PERMISSIONS & ~CREATE_PRIVATE_THREADS, announce=False
    )
    sent = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert "Sent 1 proposal" in sent.content
    assert hub.bot is not None
    row = await hub.bot.db.fetchone(
        "SELECT mentor_delivery, mentee_delivery FROM mentor_pairings WHERE id = 1"
    )
    assert row is not None and (row["mentor_delivery"], row["mentee_delivery"]) == ("failed", "dm")

    hub.clock.advance(timedelta(days=7, minutes=1))
    await hub.double.wait_for(
        lambda: "expired" in hub.double.dms_of(mentee)[-1].content, what="the expiry note"
    )
    # The mentee saw it and let it lapse: one miss, paused at the limit of one. The mentor
    # never got it: no miss, still offering.
    assert "your mentoring is paused" in hub.double.dms_of(mentee)[-1].content
    assert "**Your offer** (active): 0 of 1 place taken" in await status(hub, mentor)
    missed = await hub.bot.db.fetchval("SELECT missed FROM mentor_offers WHERE user_id = ?",
                                       (mentor,))  # fmt: skip
    assert missed == 0

    # The pair that never met may be proposed again once the bot can reach the mentor.
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS, announce=False)
    await hub.double.run_command(hub.guild_id, mentee, "mentor resume")
    again = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert "Sent 1 proposal" in again.content
    second = await hub.bot.db.fetchone(
        "SELECT mentor_id, mentor_delivery FROM mentor_pairings WHERE id = 2"
    )
    assert second is not None and (second["mentor_id"], second["mentor_delivery"]) == (
        mentor, "channel"
    )  # fmt: skip


async def test_deleting_your_data_takes_your_name_and_card_out_of_the_pair_thread(
    hub: Hub,
) -> None:
    _, mentor, mentee = await paired(hub)
    pair = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Mentoring: ")][-1]
    assert pair.name == "Mentoring: Ana Lima and Nora Visser"
    [card] = hub.double.messages_in(pair.id)
    assert "You were paired because" in card.content and "Ana Lima" in card.content
    said = await hub.double.post_message(pair.id, mentor, "Looking forward to meeting, Ana.")
    await delete_my_data(hub, mentee)
    await hub.double.wait_for(lambda: pair.archived and pair.locked, what="the archived thread")
    assert pair.name == "Mentoring: Nora Visser and a former member"
    left = hub.double.messages_in(pair.id)
    assert [m.id for m in left if m.id == card.id] == []
    assert said.id in [m.id for m in left]  # the other member's own words stay
    assert not any("Ana Lima" in m.content for m in left)
    assert "the other side left mentoring" in hub.double.dms_of(mentor)[-1].content


async def test_an_ended_pairing_s_thread_is_cleared_too(hub: Hub) -> None:
    _, mentor, mentee = await paired(hub)
    hub.clock.advance(timedelta(days=14, minutes=1))
    await hub.double.wait_for(
        lambda: any("check-in 1 of 3" in m.content for m in hub.double.dms_of(mentee)),
        what="the first check-in",
    )
    card = next(m for m in hub.double.dms_of(mentee) if "check-in 1 of 3" in m.content)
    opened = await hub.double.click(None, mentee, card, "mentoring:checkin:1:1:end")
    assert opened.modal is not None
    await hub.double.submit_modal(None, mentee, opened.modal, {"mentoring:end:feedback": "Good."})
    pair = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Mentoring: ")][-1]
    await hub.double.wait_for(lambda: pair.archived, what="the archived thread")
    await delete_my_data(hub, mentor)
    await hub.double.wait_for(
        lambda: pair.name == "Mentoring: Ana Lima and a former member", what="the renamed thread"
    )
    await hub.double.wait_for(lambda: pair.archived and pair.locked, what="archived again")
    assert not any("Nora Visser" in m.content for m in hub.double.messages_in(pair.id))


async def test_short_avoid_entries_match_whole_words_only(hub: Hub) -> None:
    """'us' is the United States, not every Australian; 'li' is a name, not Berlin."""
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Lina Berliner", stage="senior", country="AU",
                          affiliation="Free University Berlin")  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima", country="NZ", affiliation="University of Otago")
    await request(hub, mentee, avoid="us, li")
    sent = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert "Sent 1 proposal" in sent.content, sent.content
    assert proposal(hub, mentee).embeds[0]["title"].startswith("Mentoring proposal: Lina")


async def test_an_erased_members_proposal_card_leaves_the_other_sides_dms(hub: Hub) -> None:
    """The proposal card names the other side and says why they fit: when that person
    deletes their data, the card in the other member's DMs is taken back too."""
    _, mentor, mentee = await proposed(hub)
    card = proposal(hub, mentee)
    assert "Nora Visser" in str(card.embeds)
    await delete_my_data(hub, mentor)
    await hub.double.wait_for(lambda: card.deleted, what="the card taken back")
    assert proposal(hub, mentor).deleted is False  # the erased member's own DMs are theirs
