"""Steps shared by the announcement tests: a moderator schedules, confirms, and the clock moves."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.e2e.harness import Hub

TITLE = "announce:form:title"
BODY = "announce:form:body"


async def moderator(hub: Hub, name: str = "mod") -> int:
    member = await hub.double.add_member(hub.guild_id, name, roles=[hub.moderator_role_id])
    return member.id


async def schedule(
    hub: Hub,
    user_id: int,
    when: str,
    *,
    channel: str = "announcements",
    body: str = "The network meets on Thursday.",
    title: str = "Network meeting",
    **options: Any,
) -> Any:
    """Run /announce schedule and, if the form opens, submit it; returns the last answer."""
    values = {"channel": hub.channel(channel), "when": when, **options}
    opened = await hub.double.run_command(hub.guild_id, user_id, "announce schedule", values)
    if opened.modal is None:
        return opened
    return await hub.double.submit_modal(
        hub.guild_id, user_id, opened.modal, {TITLE: title, BODY: body}
    )


async def confirm(hub: Hub, user_id: int, preview: Any) -> Any:
    return await hub.double.click(
        hub.guild_id, user_id, preview.message, preview.message.custom_id("announce:confirm:")
    )


async def scheduled(hub: Hub, user_id: int, when: str, **kwargs: Any) -> Any:
    """Schedule and confirm in one step; returns the confirmation."""
    preview = await schedule(hub, user_id, when, **kwargs)
    assert preview.message is not None and preview.modal is None, preview.content
    return await confirm(hub, user_id, preview)


async def command(hub: Hub, user_id: int, name: str, **options: Any) -> Any:
    return await hub.double.run_command(hub.guild_id, user_id, f"announce {name}", options)


def posts(hub: Hub, channel: str = "announcements") -> list[Any]:
    return [m for m in hub.messages(channel) if m.author.id == hub.double.bot_user.id]


async def advance_until_posted(
    hub: Hub, delta: timedelta, count: int, channel: str = "announcements"
) -> list[Any]:
    hub.clock.advance(delta)
    await hub.double.wait_for(lambda: len(posts(hub, channel)) >= count, what=f"{count} post(s)")
    await hub.double.settle(quiet=0.1)
    return posts(hub, channel)


def local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
