"""Mentoring steps as members take them: join, introduce, offer, request, answer."""

from __future__ import annotations

from typing import Any

from tests.e2e.harness import Hub
from tests.e2e.intro_steps import choose, fill_text, press


async def person(
    hub: Hub,
    name: str,
    *,
    stage: str = "early-career",
    country: str = "CA",
    languages: tuple[str, ...] = ("en",),
    affiliation: str = "University of Ottawa",
    areas: tuple[str, ...] = ("disinformation", "data"),
    expertise: str = "online disinformation, data",
    dms_open: bool = True,
    moderator: bool = False,
) -> int:
    """A member joins and introduces themself; returns their id."""
    roles = [hub.moderator_role_id] if moderator else []
    member = await hub.double.add_member(
        hub.guild_id, name.split()[0].lower(), roles=roles, dms_open=dms_open
    )
    user = member.id
    start = await hub.double.run_command(hub.guild_id, user, "introduce")
    screen = await fill_text(hub, user, start, name=name, affiliation=affiliation,
                             expertise=expertise, methods="interviews")  # fmt: skip
    screen = await choose(hub, user, screen, "country", country)
    screen = await choose(hub, user, screen, "career_stage", stage)
    screen = await choose(hub, user, screen, "languages", *languages)
    screen = await press(hub, user, screen, "work")
    if areas:
        screen = await choose(hub, user, screen, "areas", *areas)
    screen = await choose(hub, user, screen, "visibility", "members")
    screen = await press(hub, user, screen, "preview")
    done = await press(hub, user, screen, "confirm")
    assert "Your introduction is posted." in done.content, done.content
    return user


async def offer(hub: Hub, user: int, **options: Any) -> Any:
    chosen = {"capacity": 1, "offer": "Feedback on research design and on interviews.",
              **options}  # fmt: skip
    return await hub.double.run_command(hub.guild_id, user, "mentor offer", chosen)


async def request(hub: Hub, user: int, **options: Any) -> Any:
    chosen = {"goals": "Learn to design interview studies on disinformation.", **options}
    return await hub.double.run_command(hub.guild_id, user, "mentor request", chosen)


def proposal(hub: Hub, user: int) -> Any:
    """The latest proposal the member received by DM."""
    found = [m for m in hub.double.dms_of(user) if "You have a mentoring proposal" in m.content]
    assert found, f"no proposal in the DMs of {user}"
    return found[-1]


async def answer(hub: Hub, user: int, message: Any, choice: str, guild: bool = False) -> Any:
    pairing = message.custom_id("mentoring:proposal:").split(":")[2]
    custom_id = f"mentoring:proposal:{pairing}:{choice}"
    return await hub.double.click(hub.guild_id if guild else None, user, message, custom_id)


async def proposed(hub: Hub) -> tuple[int, int, int]:
    """A moderator, a mentor (Nora Visser) and a mentee (Ana Lima), matched: each has a
    proposal in their DMs."""
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University")  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)
    await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    return moderator, mentor, mentee


async def status(hub: Hub, user: int) -> str:
    result = await hub.double.run_command(hub.guild_id, user, "mentor status")
    assert result.ephemeral
    return str(result.content)
