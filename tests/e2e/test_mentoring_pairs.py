"""Mentoring after the match: check-ins, ending with feedback, a member who leaves,
withdrawal, automatic rounds, the overview and the member's own data."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.harness import Hub
from tests.e2e.mentor_steps import answer, offer, person, proposal, proposed, request, status


async def paired(hub: Hub) -> tuple[int, int, int]:
    """A moderator, a mentor and a mentee whose pairing both accepted."""
    moderator, mentor, mentee = await proposed(hub)
    await answer(hub, mentee, proposal(hub, mentee), "accept")
    both = await answer(hub, mentor, proposal(hub, mentor), "accept")
    assert "Accepted by both of you" in both.content
    return moderator, mentor, mentee


def checkin(hub: Hub, user: int) -> Any:
    found = [m for m in hub.double.dms_of(user) if "Mentoring check-in" in m.content]
    assert found, "no check-in arrived"
    return found[-1]


async def reach_first_checkin(hub: Hub, mentee: int) -> None:
    hub.clock.advance(timedelta(days=14, minutes=1))
    await hub.double.wait_for(
        lambda: any("Mentoring check-in 1 of 3" in m.content for m in hub.double.dms_of(mentee)),
        what="the first check-in",
    )


async def test_checkin_could_use_help_alerts_moderators_privately(hub: Hub) -> None:
    _, mentor, mentee = await paired(hub)
    await reach_first_checkin(hub, mentee)
    card = checkin(hub, mentee)
    assert "how is your pairing with Nora Visser going?" in card.content
    assert card.custom_ids() == [
        "mentoring:checkin:1:1:well", "mentoring:checkin:1:1:help", "mentoring:checkin:1:1:end"
    ]  # fmt: skip
    assert "Mentoring check-in 1 of 3" in checkin(hub, mentor).content

    helped = await hub.double.click(None, mentee, card, "mentoring:checkin:1:1:help")
    assert helped.ephemeral and "A moderator will contact you privately" in helped.content
    alert = await hub.next_message("audit-log", "could use help")
    assert f"<@{mentee}> could use help with pairing 1" in alert.content
    # The moderators are pinged, and nobody else: not the members named in the alert.
    assert alert.content.startswith(f"<@&{hub.moderator_role_id}>: Mentoring:")
    allowed = alert.allowed_mentions
    assert allowed["parse"] == [] and not allowed.get("users")
    assert [int(r) for r in allowed["roles"]] == [hub.moderator_role_id]
    assert set(allowed) <= {"parse", "roles", "replied_user"} and not allowed.get("replied_user")
    assert not any("could use help" in m.content for m in hub.double.dms_of(mentor))
    again = await hub.double.click(None, mentee, card, "mentoring:checkin:1:1:help")
    assert "You already answered this check-in: Could use help." in again.content
    well = await hub.double.click(None, mentor, checkin(hub, mentor), "mentoring:checkin:1:1:well")
    assert "Good to hear it is going well" in well.content


async def test_end_with_feedback_frees_capacity_and_archives_the_thread(hub: Hub) -> None:
    moderator, mentor, mentee = await paired(hub)
    assert "1 of 1 place taken" in await status(hub, mentor)
    await reach_first_checkin(hub, mentee)
    opened = await hub.double.click(None, mentee, checkin(hub, mentee), "mentoring:checkin:1:1:end")
    assert opened.modal is not None and opened.modal["title"] == "End the pairing"
    closed = await hub.double.submit_modal(
        None, mentee, opened.modal, {"mentoring:end:feedback": "Very helpful, we met four times."}
    )
    assert "The pairing is closed. Thank you for your feedback" in closed.content
    await hub.double.wait_for(
        lambda: "closed by the other side" in hub.double.dms_of(mentor)[-1].content,
        what="the mentor's note",
    )
    pair = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Mentoring: ")][-1]
    await hub.double.wait_for(lambda: pair.archived and pair.locked, what="the archived thread")
    assert "0 of 1 place taken" in await status(hub, mentor)
    assert "Pairing with Ana Lima (your mentee): ended" in await status(hub, mentor)
    late = await hub.double.click(None, mentor, checkin(hub, mentor), "mentoring:checkin:1:1:end")
    assert "This pairing has already ended." in late.content

    overview = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin overview")
    text = overview.content
    assert "Free mentor places: 1" in text and "Active pairs: 0" in text
    assert "Median days from request to match: 0.0" in text
    assert "Outcomes: ended by a member 1" in text
    assert hub.bot is not None
    stored = await hub.bot.db.fetchval("SELECT feedback FROM mentor_pairings WHERE id = 1")
    assert stored == "Very helpful, we met four times."
    # No more check-ins for an ended pairing.
    hub.clock.advance(timedelta(days=30))
    await hub.double.settle()
    assert not any("check-in 2 of 3" in m.content for m in hub.double.dms_of(mentee))


async def test_a_member_leaving_mid_pairing_tells_the_other_and_frees_the_place(hub: Hub) -> None:
    moderator, mentor, mentee = await paired(hub)
    await hub.double.remove_member(hub.guild_id, mentor)
    await hub.double.wait_for(
        lambda: "the other side left the server" in hub.double.dms_of(mentee)[-1].content,
        what="the mentee's note",
    )
    assert "You are back in the pool" in hub.double.dms_of(mentee)[-1].content
    assert "waiting for the next round" in await status(hub, mentee)
    overview = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin overview")
    assert "Mentees waiting: 1" in overview.content and "a member left 1" in overview.content
    pair = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Mentoring: ")][-1]
    assert pair.archived


async def test_a_mentee_leaving_a_proposal_tells_the_mentor(hub: Hub) -> None:
    _, mentor, mentee = await proposed(hub)
    assert "1 of 1 place taken" in await status(hub, mentor)
    await hub.double.remove_member(hub.guild_id, mentee)
    await hub.double.wait_for(
        lambda: "the other side left the server" in hub.double.dms_of(mentor)[-1].content,
        what="the mentor's note",
    )
    assert "Your mentoring proposal has ended" in hub.double.dms_of(mentor)[-1].content
    assert "0 of 1 place taken" in await status(hub, mentor)
    late = await answer(hub, mentor, proposal(hub, mentor), "accept")
    assert "This proposal was withdrawn" in late.content


async def test_accepting_a_withdrawn_proposal_is_explained(hub: Hub) -> None:
    _, mentor, mentee = await proposed(hub)
    withdrawn = await hub.double.run_command(hub.guild_id, mentee, "mentor withdraw")
    assert "Your request is withdrawn" in withdrawn.content
    assert "was withdrawn by the mentee" in hub.double.dms_of(mentor)[-1].content
    late = await answer(hub, mentor, proposal(hub, mentor), "accept")
    assert "This proposal was withdrawn" in late.content
    assert "0 of 1 place taken" in await status(hub, mentor)
    nothing = await hub.double.run_command(hub.guild_id, mentee, "mentor withdraw")
    assert "You have no open request to withdraw" in nothing.content
    again = await request(hub, mentee)
    assert "Your request is in" in again.content


@pytest.mark.hub_settings(mentor_round_cron="0 9 * * *")
async def test_rounds_run_on_their_schedule(hub: Hub) -> None:
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University")  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)
    now = hub.clock.now()
    nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
    nine += timedelta(days=1) if nine <= now else timedelta(0)
    hub.clock.advance(nine - now + timedelta(minutes=1))
    await hub.double.wait_for(
        lambda: any("You have a mentoring proposal" in m.content
                    for m in hub.double.dms_of(mentee)),
        what="a proposal from the scheduled round",
    )  # fmt: skip
    assert hub.bot is not None
    sql = "SELECT COUNT(*) FROM scheduled_jobs WHERE kind = 'mentoring.round' AND status = ?"
    for _ in range(100):  # the round plans the next one after its proposals went out
        if await hub.bot.db.fetchval(sql, ("done",)) == 1:
            break
        await asyncio.sleep(0.02)
    assert await hub.bot.db.fetchval(sql, ("done",)) == 1
    assert await hub.bot.db.fetchval(sql, ("pending",)) == 1


async def test_export_and_erase_cover_mentoring(hub: Hub) -> None:
    _, mentor, mentee = await paired(hub)
    exported = await hub.double.run_command(hub.guild_id, mentee, "profile export")
    assert hub.bot is not None
    data = await hub.bot.personal_data.export(hub.guild_id, mentee)
    assert data["mentoring"]["requests"][0]["goals"].startswith("Learn to design")
    assert data["mentoring"]["pairings"][0]["mentor_id"] == mentor
    assert exported.attachments
    removed = await hub.bot.personal_data.erase(hub.guild_id, mentee)
    assert removed["mentoring"] >= 2
    left = await hub.bot.personal_data.export(hub.guild_id, mentee)
    assert left["mentoring"] == {"offer": None, "requests": [], "pairings": [], "checkins": []}
    assert "0 of 1 place taken" in await status(hub, mentor)
    assert json.dumps(await hub.bot.personal_data.export(hub.guild_id, mentor))


@pytest.mark.hub_settings(mentor_request_stages=["early-career", "mid-career"])
async def test_bad_inputs_get_a_reason_and_make_nothing(hub: Hub) -> None:
    stranger = (await hub.double.add_member(hub.guild_id, "stranger")).id
    no_profile = await hub.double.run_command(hub.guild_id, stranger, "mentor request",
                                              {"goals": "help"})  # fmt: skip
    assert no_profile.ephemeral and "Introduce yourself first with /introduce" in no_profile.content
    early = await person(hub, "Ana Lima")
    senior = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University")  # fmt: skip
    cases: list[tuple[int, str, dict[str, Any], str]] = [
        (early, "mentor offer", {"capacity": 1, "offer": "x"}, "Mentoring offers are for"),
        (senior, "mentor request", {"goals": "x"}, "Mentor requests are for early-career"),
        (senior, "mentor offer", {"capacity": 0, "offer": "x"}, "1 to 5 (you gave 0)"),
        (senior, "mentor offer", {"capacity": 7, "offer": "x"}, "1 to 5 (you gave 7)"),
        (senior, "mentor offer", {"offer": "x"}, "Say how many mentees you can take"),
        (senior, "mentor offer", {"capacity": 2}, "Say in a sentence what you offer"),
        (senior, "mentor offer", {"capacity": 2, "offer": "x", "languages": "Klingon"},
         "'Klingon' is not a language I know"),
        (senior, "mentor offer", {"capacity": 2, "offer": "x", "areas": "astrology"},
         "There is no area called 'astrology'"),
        (senior, "mentor offer", {"capacity": 2, "offer": "x", "free_hours": "whenever"},
         "'whenever' is not a time range I can read"),
        (senior, "mentor offer", {"capacity": 2, "offer": "x" * 501}, "keep it under 500"),
        (early, "mentor request", {"goals": "Ping <@&1> please"}, "cannot contain mentions"),
        (early, "mentor pause", {}, "You have no active offer or open request to pause."),
        (early, "mentor resume", {}, "Nothing of yours is paused."),
    ]  # fmt: skip
    for user, command, options, expected in cases:
        result = await hub.double.run_command(hub.guild_id, user, command, options)
        assert result.ephemeral and expected in result.content, (command, options, result.content)
    assert hub.bot is not None
    assert await hub.bot.db.fetchval("SELECT COUNT(*) FROM mentor_offers") == 0
    assert await hub.bot.db.fetchval("SELECT COUNT(*) FROM mentee_requests") == 0

    await request(hub, early)
    second = await request(hub, early)
    assert "You already have a request (open, since" in second.content
    assert await hub.bot.db.fetchval("SELECT COUNT(*) FROM mentee_requests") == 1


@pytest.mark.hub_settings(mentor_request_stages=["early-career", "mid-career"])
async def test_offering_and_requesting_at_once_never_pairs_you_with_yourself(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    both = await person(hub, "Ivo Novak", stage="mid-career", country="DE",
                        affiliation="Free University Berlin")  # fmt: skip
    assert "your offer is saved" in (await offer(hub, both)).content
    assert "Your request is in" in (await request(hub, both)).content
    dry = await hub.double.run_command(
        hub.guild_id, moderator, "mentor-admin match", {"dry_run": True}
    )
    assert "**Ivo Novak**: no mentor is offering at the moment" in dry.embeds[0]["description"]
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)
    sent = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert "Sent 1 proposal" in sent.content
    assert (
        proposal(hub, mentee).embeds[0]["title"] == "Mentoring proposal: Ivo Novak as your mentor"
    )
