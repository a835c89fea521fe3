"""A member's introduction, step by step, as they would click through it."""

from __future__ import annotations

from typing import Any

from tests.e2e.harness import Hub

TEXT = {
    "name": "Amira Haddad",
    "affiliation": "University of Leeds",
    "expertise": "online radicalisation, Youth work, youth work",
    "methods": "interviews",
    "bio": "I study how young people meet extremist content online.",
}


async def fill_text(hub: Hub, user_id: int, start: Any, **changes: str) -> Any:
    """Submit the modal that ``start`` (a result carrying a modal) opened."""
    assert start.modal is not None, f"expected a modal, got {start.content!r}"
    values = {f"profiles:form:{k}": v for k, v in {**TEXT, **changes}.items()}
    return await hub.double.submit_modal(hub.guild_id, user_id, start.modal, values)


async def choose(hub: Hub, user_id: int, screen: Any, field: str, *values: str) -> Any:
    return await hub.double.select(
        hub.guild_id, user_id, screen.message, f"profiles:pick:{field}", list(values)
    )


async def press(hub: Hub, user_id: int, screen: Any, action: str) -> Any:
    return await hub.double.click(hub.guild_id, user_id, screen.message, f"profiles:go:{action}")


async def introduce(
    hub: Hub,
    user_id: int,
    *,
    country: str = "GB",
    stage: str = "early-career",
    areas: tuple[str, ...] = ("youth-radicalisation",),
    visibility: str = "members",
    open_to: tuple[str, ...] = (),
    **text: str,
) -> Any:
    """Run /introduce to the end; return the final screen."""
    start = await hub.double.run_command(hub.guild_id, user_id, "introduce")
    screen = await fill_text(hub, user_id, start, **text)
    screen = await choose(hub, user_id, screen, "country", country)
    screen = await choose(hub, user_id, screen, "career_stage", stage)
    screen = await choose(hub, user_id, screen, "languages", "en", "ar")
    screen = await press(hub, user_id, screen, "work")
    if areas:
        screen = await choose(hub, user_id, screen, "areas", *areas)
    if open_to:
        screen = await choose(hub, user_id, screen, "open_to", *open_to)
    screen = await choose(hub, user_id, screen, "visibility", visibility)
    screen = await press(hub, user_id, screen, "preview")
    return await press(hub, user_id, screen, "confirm")
