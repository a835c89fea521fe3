"""Logs never hold member text, at any level: a whole member journey run at DEBUG leaves
none of the member's own words in the log (aiosqlite and discord.py print payloads there)."""

from __future__ import annotations

import logging

import pytest

from bot.logs import PAYLOAD_LOGGERS, configure_logging
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce

UNIQUE = {
    "name": "Ottoline Brackwater",
    "affiliation": "Vexmoor Research Trust",
    "bio": "Maps quorvian narratives in coastal forums.",
}


async def test_a_member_journey_at_debug_logs_none_of_their_words(
    hub: Hub, capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    levels = {name: logging.getLogger(name).level for name in (*PAYLOAD_LOGGERS, "apscheduler")}
    configure_logging("DEBUG")
    try:
        member = await hub.double.add_member(hub.guild_id, "ottoline")
        await introduce(
            hub,
            member.id,
            name=UNIQUE["name"],
            affiliation=UNIQUE["affiliation"],
            bio=UNIQUE["bio"],
        )
        searcher = await hub.double.add_member(hub.guild_id, "searcher")
        await hub.double.run_command(
            hub.guild_id, searcher.id, "expert find", {"query": "quorvian narratives"}
        )
        await hub.double.run_command(hub.guild_id, member.id, "profile export")
        asked = await hub.double.run_command(hub.guild_id, member.id, "profile delete")
        await hub.double.click(
            hub.guild_id, member.id, asked.message, f"profiles:erase:{member.id}"
        )
        logging.getLogger("tests").debug("the journey ended")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    log = capsys.readouterr().err
    assert "DEBUG" in log and "the journey ended" in log  # it really ran at DEBUG
    found = [v for v in (*UNIQUE.values(), "quorvian", "Vexmoor") if v in log]
    assert found == []
