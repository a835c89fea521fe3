"""One running bot in two servers of the double: the hub and a partner network.

``Servers`` is a ``Hub`` (its first server) whose bot also syncs its commands to a second
server; ``other()`` gives a ``Hub`` view of that second server, so every ``*_steps`` helper
works there unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import OffsetClock
from bot.settings import Settings
from sandbox.double import DiscordDouble
from tests.e2e.harness import CHANNELS, Hub, build_hub


@dataclass
class Servers(Hub):
    other_id: int = 0
    other_moderator_role_id: int = 0
    other_channels: dict[str, int] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        first: Settings = Hub.settings.fget(self)  # type: ignore[attr-defined]
        return first.model_copy(update={"guild_ids": [self.guild_id, self.other_id]})

    def other(self) -> Hub:
        """The second server, as a Hub sharing this one's double, database and bot."""
        return Hub(self.double, self.db_path, self.clock, self.other_id,
                   self.other_moderator_role_id, self.other_channels, self.overrides,
                   self.bot, self.task)  # fmt: skip


def build_servers(double: DiscordDouble, db_path: Path, clock: OffsetClock) -> Servers:
    hub = build_hub(double, db_path, clock)
    guild = double.create_guild("Partner Network")
    moderator = double.create_role(guild.id, "Moderator", position=5, permissions=0)
    channels = {name: double.create_channel(guild.id, name).id for name in CHANNELS}
    return Servers(hub.double, db_path, clock, hub.guild_id, hub.moderator_role_id,
                   hub.channels, other_id=guild.id, other_moderator_role_id=moderator.id,
                   other_channels=channels)  # fmt: skip


def rows_of(db_path: Path, guild_id: int) -> dict[str, int]:
    """Rows per table that name ``guild_id`` (in any column whose name says guild)."""
    found: dict[str, int] = {}
    with sqlite3.connect(db_path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for column in [r[1] for r in db.execute(f"PRAGMA table_info('{table}')")]:
                if "guild" in column:
                    sql = f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" = ?'
                    count = db.execute(sql, (guild_id,)).fetchone()[0]
                    if count:
                        found[table] = found.get(table, 0) + count
    return found


def on_disk(db_path: Path) -> bytes:
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def audit_actions(db_path: Path, guild_id: int) -> list[str]:
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            "SELECT action FROM audit_log WHERE guild_id = ? ORDER BY id", (guild_id,)
        ).fetchall()
    return [str(r[0]) for r in rows]


def stored_time(stored: str) -> datetime:
    """A time as the database stores it (bot.clock.to_db_time), aware UTC."""
    return datetime.strptime(stored, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def pending_due(servers: Servers, kind: str) -> dict[int, datetime]:
    """Each server's pending job of ``kind`` (a weekly digest, a monthly report): when it is
    due."""
    rows = sql(servers.db_path, "SELECT guild_id, due_at FROM scheduled_jobs "
               "WHERE kind = ? AND status = 'pending'", kind)  # fmt: skip
    return {guild: stored_time(due) for guild, due in rows}


def sql(db_path: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as db:
        return list(db.execute(query, params).fetchall())


@pytest.fixture
async def servers(
    discord_double: DiscordDouble, tmp_path: Path, clock: OffsetClock
) -> AsyncIterator[Servers]:
    """The bot running in both servers (import it into a test module to use it)."""
    harness = build_servers(discord_double, tmp_path / "hub.sqlite3", clock)
    await harness.start()
    yield harness
    await harness.stop()


async def moderator(hub: Hub, name: str) -> int:
    return (await hub.double.add_member(hub.guild_id, name, roles=[hub.moderator_role_id])).id


async def config(hub: Hub, mod: int, sub: str, **options: Any) -> Any:
    """``/hub config <sub>`` run by a moderator of that server."""
    return await hub.double.run_command(hub.guild_id, mod, f"hub config {sub}", options)


def shown(result: Any) -> dict[str, str]:
    """``/hub config show`` as setting label -> value."""
    return {f["name"]: f["value"].split("**")[1] for f in result.embeds[0]["fields"]}
