"""SIGTERM in the middle of everything (issue 16): members confirming introductions, changing
their profiles and asking for lists while reminders and an announcement go out.

A clean stop lets every handler already running finish before the database and Discord's
session close, so the log after "stopped cleanly" is empty of errors (no "could not mirror
audit entry", no "Ignoring exception in on_profile_changed"), and after the restart every
confirmed introduction, reminder and announcement exists exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import OffsetClock
from sandbox.double import DiscordDouble
from tests.e2e.bot_process import (
    BotProcess,
    add_members,
    reminder_states,
    rows,
    seed_announcement,
    seed_event,
)
from tests.e2e.harness import Hub, build_hub
from tests.e2e.intro_steps import choose, fill_text, press

NEWCOMERS = 8
GOING = 60
BAD_LINES = ("Traceback", "ERROR", "could not mirror", "Ignoring exception", "Connection closed")


@pytest.fixture
async def deployment(discord_double: DiscordDouble, tmp_path: Path) -> AsyncIterator[BotProcess]:
    hub = build_hub(discord_double, tmp_path / "hub.sqlite3", OffsetClock())
    bot = BotProcess(hub, tmp_path)
    yield bot
    await bot.stop_quietly()


async def _to_preview(hub: Hub, user_id: int) -> Any:
    """An introduction filled in up to its preview, one click away from Confirm."""
    start = await hub.double.run_command(hub.guild_id, user_id, "introduce", timeout=10)
    screen = await fill_text(hub, user_id, start)
    screen = await choose(hub, user_id, screen, "country", "GB")
    screen = await choose(hub, user_id, screen, "career_stage", "early-career")
    screen = await choose(hub, user_id, screen, "languages", "en")
    screen = await press(hub, user_id, screen, "work")
    screen = await choose(hub, user_id, screen, "visibility", "members")
    return await press(hub, user_id, screen, "preview")


def _burst(hub: Hub, previews: dict[int, Any], readers: list[int]) -> list[Any]:
    """Confirm every introduction and ask for lists at once, without waiting for answers."""
    double, guild = hub.double, hub.guild_id
    actions = [
        double.click(guild, user, screen.message, "profiles:go:confirm", timeout=10, settle=False)
        for user, screen in previews.items()
    ] + [
        double.run_command(guild, user, name, timeout=10, settle=False)
        for user in readers
        for name in ("event list", "about", "profile export")
    ]
    return [asyncio.ensure_future(action) for action in actions]


def _after_stop(log: str) -> str:
    return log.split("stopped cleanly", 1)[1] if "stopped cleanly" in log else log


async def test_sigterm_during_a_burst_of_interactions_and_deliveries_is_clean_and_loses_nothing(
    deployment: BotProcess,
) -> None:
    bot, hub = deployment, deployment.hub
    double = hub.double
    organiser = (await double.add_member(hub.guild_id, "organiser")).id
    going = await add_members(double, hub.guild_id, GOING)
    newcomers = [(await double.add_member(hub.guild_id, f"new{i}")).id for i in range(NEWCOMERS)]
    double.rate_limit_per_second = 60  # reminders take about a second: the stop lands inside
    bot.env["HUB_EVENT_REMINDER_RATE"] = "50"
    await seed_event(hub, organiser, going, due_in=4.0)
    announcement = await seed_announcement(hub, organiser, due_in=4.0)
    await bot.start()
    previews = {user: await _to_preview(hub, user) for user in newcomers}
    await double.wait_for(lambda: bool(reminder_states(hub.db_path)), 15, "reminders begun")
    pending = _burst(hub, previews, going[:4])
    # The first Confirm answered: its card, audit entry and profile listeners are under way.
    await asyncio.wait(pending[: len(previews)], return_when=asyncio.FIRST_COMPLETED)
    code, took = await bot.terminate()
    answers = await asyncio.gather(*pending, return_exceptions=True)
    log = bot.log()
    assert code == 0 and took < 15, log[-3000:]
    assert "stopped cleanly" in log
    assert [line for line in log.splitlines() if any(bad in line for bad in BAD_LINES)] == []
    assert _after_stop(log).strip() == "", _after_stop(log)[-2000:]
    states = reminder_states(hub.db_path)
    assert "sending" not in states.values(), "a clean stop left a reminder uncertain"

    await bot.start()
    await double.wait_for(
        lambda: (
            set(reminder_states(hub.db_path).values()) == {"sent"}
            and len(reminder_states(hub.db_path)) == GOING
        ),
        30,
        "every reminder sent after the restart",
    )
    await double.settle(quiet=0.5)
    reminded = [
        sum(1 for m in double.dms_of(u) if m.content.startswith("Reminder:")) for u in going
    ]
    assert reminded == [1] * GOING
    posted = [m for m in hub.messages("announcements") if m.embeds or m.content]
    assert len(posted) == 1, f"announcement {announcement} posted {len(posted)} times"
    confirmed = [
        user
        for user, answer in zip(previews, answers, strict=False)
        if not isinstance(answer, BaseException)
    ]
    saved = {int(r[0]) for r in rows(hub.db_path, "SELECT user_id FROM profiles")}
    assert set(confirmed) <= saved, "an answered Confirm lost its profile"
    cards = [m.content + str(m.embeds) for m in hub.messages("introductions")]
    for user in saved & set(newcomers):
        shown = sum(1 for card in cards if str(user) in card)
        assert shown <= 1, f"the card of {user} was posted {shown} times"
    await bot.terminate()
    assert [line for line in bot.log().splitlines() if "ERROR" in line] == []
