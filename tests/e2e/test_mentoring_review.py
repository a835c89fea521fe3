"""Mentoring defects found in review: what a member reads in /mentor status, and
autocomplete on long input."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.audit_steps import audit_texts
from tests.e2e.harness import Hub
from tests.e2e.mentor_steps import answer, offer, person, proposal, request, status


async def test_a_matched_mentee_is_not_told_a_queue_place_and_names_show_as_typed(
    hub: Hub,
) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Nora_Visser Lab", stage="senior", country="NL",
                          affiliation="Leiden University")  # fmt: skip
    await offer(hub, mentor)
    waiting = await person(hub, "Old Waiter", country="FR", languages=("fr",),
                           affiliation="Sciences Po")  # fmt: skip
    await request(hub, waiting, languages="French")  # older, and no mentor shares French
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)
    sent = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert "Sent 1 proposal" in sent.content

    proposed = await status(hub, mentee)
    assert "a proposal is waiting for answers." in proposed
    assert "You are number" not in proposed
    await answer(hub, mentee, proposal(hub, mentee), "accept")
    await answer(hub, mentor, proposal(hub, mentor), "accept")
    matched = await status(hub, mentee)
    assert "matched." in matched and "You are number" not in matched
    # The name is escaped once, so Discord shows it as typed (not with a stray backslash).
    assert "Pairing with Nora\\_Visser Lab (your mentor): active." in matched
    assert "You are number 1 of 1 waiting" in await status(hub, waiting)


async def test_language_autocomplete_stays_within_discords_limits_on_long_input(
    hub: Hub,
) -> None:
    member = await person(hub, "Ana Lima")
    typed = ", ".join(["English", "French", "German", "Spanish", "Portuguese", "Arabic",
                       "Russian", "Italian", "Dutch", "Swedish", "Norwegian"]) + ", E"  # fmt: skip
    choices = await hub.double.autocomplete(
        hub.guild_id, member, "mentor request", "languages", {"goals": "x", "languages": typed}
    )
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    short = await hub.double.autocomplete(
        hub.guild_id, member, "mentor request", "languages", {"goals": "x", "languages": "Eng"}
    )
    assert [c["value"] for c in short] == ["English"]
    typed = (
        "Youth radicalisation, Disinformation, Threat and risk management, Civil disorder, "
        "Terminology, Ev"
    )
    areas = await hub.double.autocomplete(
        hub.guild_id, member, "mentor request", "areas", {"goals": "x", "areas": typed}
    )
    assert all(c["value"].endswith(("Evaluation", "evaluation")) for c in areas), areas


async def test_a_proposal_that_cannot_be_delivered_does_not_stop_the_round(hub: Hub) -> None:
    """A mentor with closed DMs, and no 'Create Private Threads' for the bot: the round
    still sends every other proposal, and the moderators are told the fix."""
    from sandbox.double.state import BOT_PERMISSIONS, CREATE_PRIVATE_THREADS

    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    closed = await person(hub, "Nora Visser", stage="senior", country="NL", dms_open=False,
                          affiliation="Leiden University")  # fmt: skip
    await offer(hub, closed)
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)
    hub.double.set_bot_permissions(
        hub.guild_id, BOT_PERMISSIONS & ~CREATE_PRIVATE_THREADS, announce=False
    )
    sent = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert "Sent 1 proposal" in sent.content, sent.content
    assert proposal(hub, mentee).embeds[0]["title"].startswith("Mentoring proposal: Nora")
    audit = audit_texts(hub)
    assert any("could not reach" in m and "Create Private Threads" in m for m in audit), audit


async def test_a_check_in_due_while_the_bot_was_down_is_still_sent(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University")  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)
    await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    await answer(hub, mentee, proposal(hub, mentee), "accept")
    await answer(hub, mentor, proposal(hub, mentor), "accept")
    await hub.stop()
    hub.clock.advance(timedelta(days=14, minutes=5))
    await hub.start()
    await hub.double.wait_for(
        lambda: any("check-in 1 of 3" in m.content for m in hub.double.dms_of(mentee)),
        timeout=90, what="the check-in",
    )  # fmt: skip
