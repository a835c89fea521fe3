"""The bot's words as members and moderators meet them: a journey through introductions,
areas, events, expert introductions, mentoring and announcements, then every text the bot
sent is read for machine wording (see wording_scan)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.e2e import announce_steps, event_steps
from tests.e2e import test_enquiries as enquiries
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import TEXT as INTRO_TEXT
from tests.e2e.mentor_steps import offer, person, proposal, request
from tests.e2e.wording_scan import faults, plural_literals, said_by_bot, thread_names

ROOT = Path(__file__).resolve().parents[2]
# Handles of the journey's members; each has a profile, so their names must show instead.
HANDLES = ("amira", "nadia", "quinn", "rosa", "olivia", "ben")


async def _journey(hub: Hub) -> None:
    """What a new network does in its first week, touching each feature's messages."""
    mod = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    await hub.double.run_command(hub.guild_id, mod, "hub setup", {})
    amira = await person(hub, "Amira Haddad", stage="senior", country="GB",
                         affiliation="University of Leeds",
                         areas=("threat-risk-management", "youth-radicalisation"),
                         expertise="online radicalisation, interviews")  # fmt: skip
    nadia = await person(hub, "Nadia Rahman", stage="mid-career", country="DE",
                         areas=("threat-risk-management",))  # fmt: skip
    quinn = await person(hub, "Quinn Okafor", areas=("threat-risk-management",))
    rosa = await person(hub, "Rosa Lind", country="SE", areas=("threat-risk-management",))

    await hub.double.run_command(hub.guild_id, amira, "areas browse")
    await hub.double.run_command(
        hub.guild_id, nadia, "areas members", {"area": "threat-risk-management"}
    )
    await hub.double.run_command(hub.guild_id, nadia, "profile view", {"member": amira})

    preview = await event_steps.create(hub, mod, area="threat-risk-management")
    await event_steps.confirm(hub, mod, preview)
    card = _card_of_event(hub, 1)
    for who in (quinn, rosa):
        await event_steps.rsvp(hub, who, card, "going")
    await event_steps.command(hub, quinn, "list")
    await event_steps.command(hub, quinn, "list", range="today")
    await event_steps.command(hub, quinn, "info", event="1")
    await event_steps.command(hub, quinn, "mine")
    await event_steps.command(hub, rosa, "feed")
    await event_steps.command(hub, mod, "edit", event="1", when="in 4 days at 16:00")
    small = await event_steps.create(hub, mod, title="Small workshop", capacity=1)
    await event_steps.confirm(hub, mod, small)
    for who in (nadia, quinn):
        await event_steps.rsvp(hub, who, _card_of_event(hub, 2), "going")
    await event_steps.command(hub, mod, "cancel", event="1")

    await _ask_for_an_introduction(hub, nadia, amira)
    await hub.double.click(None, amira, hub.double.dms_of(amira)[-1], "experts:answer:1:accept")
    await _enquire_as_an_official(hub)

    await offer(hub, amira, areas="Threat and risk management")
    await request(hub, quinn, areas="Threat and risk management")
    await hub.double.run_command(hub.guild_id, mod, "mentor-admin match", {"dry_run": True})
    await hub.double.run_command(hub.guild_id, mod, "mentor-admin match")
    proposal(hub, quinn)
    await hub.double.run_command(hub.guild_id, amira, "mentor status")

    await announce_steps.scheduled(hub, mod, "in 2 hours")
    await announce_steps.command(hub, mod, "list")
    await announce_steps.advance_until_posted(hub, timedelta(hours=2, minutes=1), 1)
    await hub.double.settle(quiet=0.2)


def _card_of_event(hub: Hub, event_id: int) -> Any:
    """The event's card, wherever its area put it."""
    going = f"events:rsvp:{event_id}:going"
    return next(m for m in hub.double.messages.values() if going in m.custom_ids())


async def _enquire_as_an_official(hub: Hub) -> None:
    """An official's enquiry reaches a researcher open to it, who says they can help."""
    official = await enquiries.member(hub, "Olivia Grant", stage="policy", areas=())
    ben = await enquiries.member(hub, "Ben Ortiz", open_to=enquiries.GOV, areas=enquiries.YOUTH)
    await enquiries.enquire(hub, official)
    card = hub.double.dms_of(ben)[-1]
    await hub.double.click(None, ben, card, "experts:enquiry:1:yes")
    await hub.double.wait_for(
        lambda: any("can help" in m.content for m in hub.double.dms_of(official)),
        what="the official's note that Ben can help",
    )


async def _ask_for_an_introduction(hub: Hub, seeker: int, expert: int) -> None:
    found = await hub.double.run_command(
        hub.guild_id, seeker, "expert find", {"query": "radicalisation"}
    )
    asked = await hub.double.click(hub.guild_id, seeker, found.message, f"experts:ask:{expert}")
    if asked.modal is not None:
        ids = [c["custom_id"] for row in asked.modal["components"] for c in row["components"]]
        answers = ("Policy adviser, Home Office", "Youth referrals online", "March")
        await hub.double.submit_modal(
            hub.guild_id, seeker, asked.modal, dict(zip(ids, answers, strict=True))
        )


async def test_every_message_of_a_journey_reads_as_written_for_people(hub: Hub) -> None:
    assert "amira" not in INTRO_TEXT["name"]  # the handle differs from the name, as in life
    await _journey(hub)
    # The moderators' audit channel is written by the audit feature and checked there.
    audit = hub.channel("audit-log")
    shown = [*said_by_bot(hub.double, [audit]), *thread_names(hub.double, hub.guild_id)]
    problems = [p for said in shown for p in faults(said, HANDLES)]
    assert not problems, "\n".join(problems)


def test_no_string_in_the_features_writes_a_plural_as_s_in_brackets() -> None:
    found = plural_literals(ROOT / "cogs")
    assert not found, "write counts with bot.text.plural:\n" + "\n".join(found)


async def test_a_proposal_shows_each_side_what_they_need_to_decide(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University",
                          expertise="disinformation networks, interviews")  # fmt: skip
    await offer(hub, mentor, offer="Feedback on interview guides and fieldwork safety.")
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee, goals="Design my first interview study on Telegram channels.")
    await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")

    to_mentor = _fields(proposal(hub, mentor))
    assert to_mentor["Their goals, in their words"] == (
        "Design my first interview study on Telegram channels."
    )
    assert to_mentor["Career stage"].startswith("Early-career")
    to_mentee = _fields(proposal(hub, mentee))
    assert to_mentee["Their expertise"] == "disinformation networks, interviews"
    assert to_mentee["What they offer, in their words"] == (
        "Feedback on interview guides and fieldwork safety."
    )
    # The goals are the mentee's words: erasing their data takes the card out of the
    # mentor's DMs, as it does for every card carrying someone's words.
    card = proposal(hub, mentor)
    asked = await hub.double.run_command(hub.guild_id, mentee, "profile delete")
    await hub.double.click(hub.guild_id, mentee, asked.message, f"profiles:erase:{mentee}")
    await hub.double.wait_for(lambda: hub.double.messages[card.id].deleted, what="the card gone")


def _fields(message: Any) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0].get("fields", [])}
