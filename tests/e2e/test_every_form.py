"""Every form the bot opens, however a member reaches it, driven with what members might type.

The command test fills the forms that commands open when hypothesis happens to give valid
options. Here a server is furnished so that every form exists for certain: a profile half
written, an event and an announcement in draft and confirmed, a search with results, an
official's enquiry, a mentoring pairing at its first check-in, an introduction waiting for
review. Then the walk (form_walk) presses every kind of button, makes every kind of choice and
fills every form it meets with generated text, checking each answer as Discord would.

The test names the forms it must reach, so a form that drops out of reach fails it; a new
form is walked the day its button appears.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from tests.e2e import announce_steps, event_steps
from tests.e2e.form_walk import Walk
from tests.e2e.harness import Hub
from tests.e2e.input_probe import Probe
from tests.e2e.intro_steps import fill_text, introduce
from tests.e2e.mentor_steps import answer, offer, person, proposal, request

YOUTH = "youth-radicalisation"
FORMS_BEHIND_BUTTONS = {
    "Edit the event",  # Edit on an event's preview
    "Request an introduction",  # Introduce me on a search result
    "End the pairing",  # End on a mentoring check-in
    "Your country",  # "Other country" in the introduction's country list
    "Introduce yourself",  # Edit text on the introduction's screens
}
FORMS_OF_COMMANDS = {
    "New event",
    "Edit the description",
    "New announcement",
    "Edit announcement #N",
    "Describe your enquiry",
    "Describe this area",
}


async def _paired_at_first_checkin(hub: Hub, probe: Probe) -> None:
    """A mentor and a mentee who both accepted, two weeks on: the check-in with its End."""
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University")  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)
    await hub.double.run_command(hub.guild_id, probe.moderator, "mentor-admin match")
    await answer(hub, mentee, proposal(hub, mentee), "accept")
    await answer(hub, mentor, proposal(hub, mentor), "accept")
    hub.clock.advance(timedelta(days=14, minutes=1))
    await hub.double.wait_for(
        lambda: any("check-in" in m.content for m in hub.double.dms_of(mentee)),
        what="the first check-in",
    )


@dataclass(frozen=True)
class FormCommand:
    """A command that opens a form itself, and who runs it (the moderator if no one)."""

    name: str
    options: dict[str, Any]
    user: int | None = None


async def _furnish(hub: Hub, probe: Probe) -> dict[str, FormCommand]:
    """Every state a button or form needs; returns the commands that open forms themselves."""
    double, guild, moderator = hub.double, hub.guild_id, probe.moderator
    await _paired_at_first_checkin(hub, probe)  # first: the clock moves two weeks
    nadia = (await double.add_member(guild, "nadia")).id
    await introduce(hub, nadia, name="Nadia Expert", areas=(YOUTH,),
                    open_to=("peer-introductions", "government-enquiries"))  # fmt: skip
    olivia = (await double.add_member(guild, "olivia")).id
    await introduce(hub, olivia, name="Olivia Grant", stage="policy", areas=())
    found = await double.run_command(guild, probe.member, "expert find", {"query": "youth"})
    assert "Nadia Expert" in str(found.embeds), found.content
    tomas = probe.ids.users[1]  # a profile half written: its screens, selects and forms
    await fill_text(hub, tomas, await double.run_command(guild, tomas, "introduce"))
    await event_steps.create(hub, moderator, when="in 40 days at 15:00")
    card = await event_steps.created(hub, moderator, when="in 41 days at 15:00", title="Panel")
    event_id = event_steps.button_event_id(card)
    await announce_steps.schedule(hub, moderator, "in 40 days at 10:00")
    done = await announce_steps.scheduled(hub, moderator, "in 42 days at 10:00", title="Later")
    announcement = re.search(r"#(\d+)", done.content)
    assert announcement is not None, done.content
    deadline = (hub.clock.now() + timedelta(days=10)).date().isoformat()
    enquiry = {"topic": "Youth referral pathways", "need": "briefing", "area": YOUTH,
               "deadline": deadline}  # fmt: skip
    channel = hub.channel("announcements")
    return {
        "New event": FormCommand("event create", {"title": "Walk",
                                                  "when": "in 40 days at 9:00"}),
        "Edit the description": FormCommand("event edit", {"event": str(event_id),
                                                           "description": True}),
        "New announcement": FormCommand("announce schedule", {"channel": channel,
                                                              "when": "in 43 days at 10:00"}),
        "Edit announcement #N": FormCommand("announce edit", {"announcement": announcement[1]}),
        "Describe your enquiry": FormCommand("expert enquiry", enquiry, olivia),
        "Describe this area": FormCommand("areas-admin describe", {"area": YOUTH}),
    }  # fmt: skip


async def _walk(hub: Hub, probe: Probe, commands: dict[str, FormCommand]) -> Walk:
    walk = Walk(probe)
    double, guild = hub.double, hub.guild_id

    def everything() -> None:
        for title, command in commands.items():
            user = command.user or probe.moderator
            opener = partial(
                double.run_command, guild, user, command.name, command.options, timeout=10.0
            )
            walk.open_form(
                f"/{command.name} {command.options} (for {title!r})", opener, user, guild
            )
        walk.walk()

    logging.getLogger().addHandler(probe.errors)
    try:
        await asyncio.to_thread(everything)
    finally:
        logging.getLogger().removeHandler(probe.errors)
    return walk


async def test_every_form_behind_a_button_or_a_command_answers_any_input(hub: Hub) -> None:
    probe = Probe(hub, asyncio.get_running_loop())
    await probe.prepare()
    commands = await _furnish(hub, probe)
    walk = await _walk(hub, probe, commands)
    assert walk.failures == [], "\n\n".join(walk.failures)
    missing = (FORMS_BEHIND_BUTTONS | FORMS_OF_COMMANDS) - set(walk.forms)
    assert not missing, f"never reached: {sorted(missing)}; reached {sorted(walk.forms)}"
    unfilled = [title for title, submitted in walk.forms.items() if submitted == 0]
    assert unfilled == [], f"opened but never submitted: {unfilled}"
    assert walk.presses > 30, walk.presses


@pytest.mark.hub_settings(verification_channel="verification")
async def test_the_review_forms_answer_any_input(hub: Hub) -> None:
    """The moderators' review card: Reject opens the reason form, Approve decides."""
    probe = Probe(hub, asyncio.get_running_loop())
    await probe.prepare()  # the member's introduction waits for review
    assert any(m.components for m in hub.messages("verification")), "no review card"
    walk = await _walk(hub, probe, {})
    assert walk.failures == [], "\n\n".join(walk.failures)
    assert "Reject introduction" in walk.forms, sorted(walk.forms)
