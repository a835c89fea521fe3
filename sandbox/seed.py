"""The demo server, built the way members build it: slash commands, clicks and forms.

Nothing here writes to the database. Every feature's data comes from driving the real bot
through the double, so a feature merged later only needs its own steps here, and the seed
keeps working whatever its tables look like.

Adding a feature's seed: ``SEED.add("events", "event", [create_events, rsvp])`` where each
step is ``async def step(sandbox: Sandbox) -> None`` that acts through ``sandbox.double``
(``run_command``, ``click``, ``select``, ``submit_modal``) as ``sandbox.members[handle]``.
Steps of a feature whose command the bot does not register are skipped with a note.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sandbox.people import MODERATOR_PERSON, PEOPLE, Person
from sandbox.registry import StepRegistry

if TYPE_CHECKING:
    from sandbox.app import Sandbox

SeedStep = Callable[["Sandbox"], Awaitable[None]]
SEED: StepRegistry[SeedStep] = StepRegistry()


class SeedError(Exception):
    """The bot did not answer a seeding step as a member would expect."""


def expect(result: Any, text: str, what: str) -> Any:
    """Check a member saw ``text``; seeding stops with a clear line when they did not."""
    seen = result.content + " ".join(str(e) for e in result.embeds)
    if text not in seen:
        raise SeedError(f"{what}: expected {text!r}, the bot answered {seen[:300]!r}")
    return result


# -- areas: the moderator runs /hub setup -----------------------------------------------------


async def set_up_server(sandbox: Sandbox) -> None:
    moderator = sandbox.members["moderator"]
    result = await sandbox.double.run_command(sandbox.guild_id, moderator, "hub setup", timeout=30)
    expect(result, "Done:", "/hub setup")


# -- profiles: forty members introduce themselves ----------------------------------------------


async def introduce(sandbox: Sandbox, person: Person, settle: bool = False) -> None:
    """The whole /introduce form, as a member clicks through it.

    Each step waits for the bot's answer; with ``settle=False`` not also for the bot to go
    quiet (posting the card, giving roles), which the next step does not need."""
    double, guild = sandbox.double, sandbox.guild_id
    user = sandbox.members.get(person.handle) or await sandbox.add_member(person.handle)
    start = await double.run_command(guild, user, "introduce", settle=settle)
    typed = {
        "name": person.name,
        "affiliation": person.affiliation,
        "expertise": person.expertise,
        "methods": person.methods,
        "bio": person.bio,
    }
    values = {f"profiles:form:{k}": v for k, v in typed.items()}
    screen = await double.submit_modal(guild, user, start.modal, values, settle=settle)

    async def pick(field: str, *values: str) -> None:
        nonlocal screen
        custom_id = f"profiles:pick:{field}"
        shown = screen.message.component(custom_id) if screen.message else None
        offered = (shown or {}).get("options") or []
        picked = [option_value(offered, value) for value in values]
        screen = await double.select(guild, user, screen.message, custom_id, picked, settle=settle)

    async def press(action: str) -> None:
        nonlocal screen
        screen = await double.click(
            guild, user, screen.message, f"profiles:go:{action}", settle=settle
        )

    await pick("country", person.country)
    await pick("career_stage", person.stage)
    await pick("languages", *person.languages)
    await press("work")
    await pick("areas", *person.areas)
    await pick("open_to", *person.open_to)
    await pick("visibility", "members")
    if not person.searchable:
        await pick("searchable", "no")
    await press("preview")
    await press("confirm")
    expect(screen, "Your introduction is posted.", f"{person.handle}'s introduction")


def option_value(offered: list[dict[str, Any]], wanted: str) -> str:
    """The value of the select option whose value or label is ``wanted`` ("English" is
    found whether the form stores language names or codes such as "en")."""
    names = {wanted.casefold(), OTHER_NAMES.get(wanted.casefold(), "")} - {""}
    for option in offered:
        if names & {str(option["value"]).casefold(), str(option["label"]).casefold()}:
            return str(option["value"])
    return wanted  # not offered: the double says what is


OTHER_NAMES = {"bengali": "bangla"}  # the CLDR name some language lists use


async def introduce_members(sandbox: Sandbox) -> None:
    """One after another, so cards and ids come in the same order on every start; each
    step waits only for the bot's answer, so this is as fast as running them at once."""
    await introduce(sandbox, MODERATOR_PERSON)
    for person in PEOPLE:
        await introduce(sandbox, person)
    await sandbox.double.settle()


async def add_people(sandbox: Sandbox) -> None:
    """The members were in the server before the bot arrived (so no welcome for each)."""
    for person in PEOPLE:
        await sandbox.add_member(person.handle, dms_open=person.handle not in CLOSED_DMS)


CLOSED_DMS = {"oscar"}  # the bot reaches him in a private thread (``dms on`` opens them)


SEED.add("areas", "hub", [set_up_server])
SEED.add("profiles", "introduce", [introduce_members])


# -- announcements: a weekly post the moderator scheduled --------------------------------------


async def schedule_weekly_digest(sandbox: Sandbox) -> None:
    """A Monday-morning post in London time, so the demo shows a recurring, zoned timer."""
    double, guild = sandbox.double, sandbox.guild_id
    moderator = sandbox.members["moderator"]
    channel = double.channel_by_name(guild, "announcements")
    if channel is None:
        raise SeedError("/hub setup did not create #announcements")
    options = {
        "channel": channel.id,
        "when": "next Monday 09:00",
        "repeat": "weekly",
        "timezone": "Europe/London",
    }
    opened = await double.run_command(guild, moderator, "announce schedule", options)
    if opened.modal is None:
        raise SeedError(f"/announce schedule: expected a form, the bot answered {opened.content!r}")
    form = {
        "announce:form:title": "This week in the network",
        "announce:form:body": "New in the challenge-area channels this week: see the pins, "
        "and say hello to the members who joined.",
    }
    preview = await double.submit_modal(guild, moderator, opened.modal, form)
    if preview.message is None:
        raise SeedError(f"/announce schedule: expected a preview, got {preview.content!r}")
    confirm = next(c for c in preview.message.custom_ids() if c.startswith("announce:confirm:"))
    done = await double.click(guild, moderator, preview.message, confirm)
    if "approval" in done.content:
        await approve_as_second_moderator(sandbox)
    else:
        expect(done, "Scheduled", "confirming the weekly announcement")


SECOND_MODERATOR = "noor"


async def approve_as_second_moderator(sandbox: Sandbox) -> None:
    """Where announcements need a second moderator's approval (HUB_ANNOUNCE_REQUIRE_APPROVAL
    or /hub config), a second moderator approves the card in the audit channel, as the
    network's own moderators would."""
    double, guild = sandbox.double, sandbox.guild_id
    second = sandbox.members[SECOND_MODERATOR]
    roles = double.member_roles(guild, second) | {sandbox.moderator_role_id}
    await double.set_member_roles(guild, second, sorted(roles))
    await double.settle()
    card = next(
        (m for m in reversed(double.messages.values())
         if any(c.startswith("announce:approve:") for c in m.custom_ids())),
        None,
    )  # fmt: skip
    if card is None:
        raise SeedError("the weekly announcement needs approval, but no approval card was posted")
    button = next(c for c in card.custom_ids() if c.startswith("announce:approve:"))
    done = await double.click(guild, second, card, button)
    expect(done, "Approved", "approving the weekly announcement")


SEED.add("announcements", "announce", [schedule_weekly_digest])

# -- mentoring: mentors offer places, early-career members wait for a round ----------------------

MENTOR_OFFERS = {
    "elin": (2, "youth-radicalisation, evaluation",
             "Research design and writing for journals; evaluation of prevention work."),
    "hannah": (3, "disinformation, youth-radicalisation",
               "Interview methods and ethics when studying extremist milieus."),
    "rosa": (1, "threat-risk-management, disinformation",
             "Threat assessment in practice, and careers between research and practice."),
    "wanjiru": (2, "youth-radicalisation, capacity-building",
                "Community-based prevention research in East Africa; grant writing."),
    "iris": (1, "data, disinformation",
             "Computational text analysis of online platforms; open data."),
}  # fmt: skip
MENTEE_GOALS = {
    "grace": "Plan my first fieldwork on youth radicalisation and publish from my thesis.",
    "jules": "Learn interview methods for sensitive topics and find a postdoc.",
    "mateo": "Build a network outside Spain and improve my survey design.",
    "sam": "Get feedback on evaluation design for a school programme.",
    "yasmin": "Learn computational text analysis of online disinformation.",
    "zoe": "Move from my PhD into applied threat assessment work.",
}


async def offer_and_request(sandbox: Sandbox) -> None:
    """Five mentors with free places and six mentees waiting, so a dry run has reasons."""
    double, guild = sandbox.double, sandbox.guild_id
    for handle, (capacity, areas, offer) in MENTOR_OFFERS.items():
        result = await double.run_command(
            guild, sandbox.members[handle], "mentor offer",
            {"capacity": capacity, "areas": areas, "offer": offer}, settle=False,
        )  # fmt: skip
        expect(result, "your offer is saved", f"{handle}'s mentoring offer")
    for handle, goals in MENTEE_GOALS.items():
        result = await double.run_command(
            guild, sandbox.members[handle], "mentor request", {"goals": goals}, settle=False
        )
        expect(result, "Your request is in", f"{handle}'s mentor request")


SEED.add("mentoring", "mentor", [offer_and_request])


# -- events: the moderator plans a few events; members answer them ------------------------------

DEMO_EVENTS = (
    ("Evaluation methods clinic", "in 3 days at 15:00", {"area": "evaluation", "capacity": 12},
     ("amira", "rosa"), ("liam",)),
    ("Youth radicalisation network call", "in 6 days at 14:00",
     {"area": "youth-radicalisation", "repeat": "weekly", "count": 6}, ("amira",), ()),
    ("Annual meeting planning", "in 10 days at 10:00", {"location": "Online"}, ("liam",),
     ("rosa",)),
)  # fmt: skip


async def create_events(sandbox: Sandbox) -> None:
    double, guild = sandbox.double, sandbox.guild_id
    moderator = sandbox.members["moderator"]
    for title, when, options, going, maybe in DEMO_EVENTS:
        values = {"title": title, "when": when, "timezone": "Europe/London", **options}
        opened = await double.run_command(guild, moderator, "event create", values)
        description = {"events:form:description": f"{title}: an open session for members."}
        preview = expect(
            await double.submit_modal(guild, moderator, opened.modal, description),
            "Preview",
            f"/event create {title}",
        )
        button = next(c for c in preview.message.custom_ids() if c.startswith("events:confirm"))
        done = await double.click(guild, moderator, preview.message, button)
        expect(done, "Created event #", f"confirming {title}")
        event_id = int(done.content.split("#", 1)[1].split(",", 1)[0])
        card = next(
            m for m in double.messages.values() if f"events:rsvp:{event_id}:going" in m.custom_ids()
        )
        for handle, choice in [(h, "going") for h in going] + [(h, "maybe") for h in maybe]:
            await double.click(
                guild, sandbox.members[handle], card, f"events:rsvp:{event_id}:{choice}"
            )
    await double.settle()


SEED.add("events", "event", [create_events])


async def seed(sandbox: Sandbox, say: Callable[[str], None]) -> None:
    """Run every available feature's seed steps in order, saying what is being built."""
    started = time.perf_counter()
    say("Building the demo server as its members would...")
    for entry in SEED.available(sandbox.synced_commands(), say):
        for step in entry.steps:
            await step(sandbox)
        say(f"  {entry.feature}: done")
    seconds = time.perf_counter() - started
    say(f"Demo server ready in {seconds:.1f}s: {len(sandbox.members)} members.")
