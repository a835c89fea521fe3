"""Saved expert searches: kept only for their page buttons, purged after the retention period,
and never a way to find an erased member again (a query that names them goes with them;
results are searched again when a page is shown, so they never hold an erased member)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce

ERASED = "Quorra Vantablack"


def on_disk(db_path: Path) -> bytes:
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def saved_queries(hub: Hub, *user_ids: int) -> list[str]:
    marks = ", ".join("?" for _ in user_ids)
    with sqlite3.connect(hub.db_path) as db:
        found = db.execute(
            f"SELECT query FROM expert_searches WHERE user_id IN ({marks}) ORDER BY id", user_ids
        )
        return [q for (q,) in found]


async def until_found(hub: Hub, query: str, count: int) -> None:
    """The search index follows profiles a moment later: wait until all are findable."""
    probe = (await hub.double.add_member(hub.guild_id, "probe")).id
    for _ in range(50):
        found = await search(hub, probe, query)
        if f"{count} found" in str(found.embeds):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{count} members never became findable")


def names_shown(result: Any) -> list[str]:
    return [field["name"] for embed in result.embeds for field in embed.get("fields", [])]


async def search(hub: Hub, user_id: int, query: str) -> Any:
    return await hub.double.run_command(hub.guild_id, user_id, "expert find", {"query": query})


@pytest.mark.hub_settings(saved_search_retention="2h")
async def test_saved_searches_are_purged_after_the_retention_period(hub: Hub) -> None:
    assert hub.bot is not None
    for n in range(6):  # two pages, so the result has a Next button
        member = await hub.double.add_member(hub.guild_id, f"expert{n}")
        await introduce(hub, member.id, name=f"Expert Number{n}", expertise="zorbic narratives")
    await until_found(hub, "zorbic narratives", 6)
    searcher = (await hub.double.add_member(hub.guild_id, "searcher")).id
    found = await search(hub, searcher, "ZORBIC narratives")  # as only this search has it
    assert saved_queries(hub, searcher) == ["ZORBIC narratives"]
    assert b"ZORBIC narratives" in on_disk(hub.db_path)
    hub.clock.advance(timedelta(days=1, minutes=1))  # the daily purge is due
    await hub.bot.scheduler.run_due()
    await hub.double.settle()
    with sqlite3.connect(hub.db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM expert_searches").fetchone() == (0,)
    assert b"ZORBIC narratives" not in on_disk(hub.db_path)
    later = await hub.double.click(
        hub.guild_id, searcher, found.message, f"page:experts:{found_id(hub, found)}:1:next"
    )
    assert "That search is no longer available. Run /expert find again." in later.content


def found_id(hub: Hub, result: Any) -> str:
    ids = [
        c["custom_id"]
        for row in result.components
        for c in row["components"]
        if c.get("custom_id", "").startswith("page:experts:")
    ]
    return str(ids[0]).split(":")[2]


async def test_an_erased_member_leaves_no_saved_search_and_no_result(hub: Hub) -> None:
    amira = (await hub.double.add_member(hub.guild_id, "quorra")).id
    await introduce(hub, amira, name=ERASED, expertise="zorbic narratives")
    for n in range(5):
        member = await hub.double.add_member(hub.guild_id, f"expert{n}")
        await introduce(hub, member.id, name=f"Expert Number{n}", expertise="zorbic narratives")
    await until_found(hub, "zorbic narratives", 6)
    by_name = (await hub.double.add_member(hub.guild_id, "curious")).id
    named = await search(hub, by_name, "vantablack")
    assert names_shown(named) == [ERASED]
    by_topic = (await hub.double.add_member(hub.guild_id, "searcher")).id
    topic = await search(hub, by_topic, "zorbic narratives")
    shown = names_shown(topic)
    assert len(shown) == 5
    asked = await hub.double.run_command(hub.guild_id, amira, "profile delete")
    await hub.double.click(hub.guild_id, amira, asked.message, f"profiles:erase:{amira}")
    # Another member's query that named her is gone, from the disk too:
    assert saved_queries(hub, by_name, by_topic) == ["zorbic narratives"]
    assert b"antablack" not in on_disk(hub.db_path).lower()
    # A search kept for its page buttons is run again when a page is shown: she is not in it.
    again = await hub.double.click(
        hub.guild_id, by_topic, topic.message, f"page:experts:{found_id(hub, topic)}:1:next"
    )
    assert names_shown(again) and ERASED not in names_shown(again)
