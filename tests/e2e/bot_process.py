"""The bot as a deployment runs it (``python -m bot`` in a subprocess, real clock), so a test
can stop it with SIGTERM or kill it with SIGKILL; and work seeded through the services on the
real database before it starts (an event with many members Going, an announcement)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.migrations import migrate
from bot.scheduler import Scheduler
from cogs.announcements.model import Timing
from cogs.announcements.recurrence import Recurrence
from cogs.announcements.service import AnnouncementService
from cogs.events.model import Draft
from cogs.events.service import EventService
from sandbox.double import DiscordDouble
from tests.e2e.harness import Hub

ROOT = Path(__file__).resolve().parents[2]
READY_LINE = "connected to Discord as bot user"


class BotProcess:
    """One bot process at a time on ``hub``'s database and double; ``start()`` again after a
    stop or a kill is a restart."""

    def __init__(self, hub: Hub, folder: Path, **settings: str) -> None:
        self.hub, self.folder = hub, folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        self.env.update(
            HUB_DISCORD_TOKEN=hub.double.bot_token,
            HUB_DATABASE_PATH=str(hub.db_path),
            HUB_GUILD_IDS=str(hub.guild_id),
            HUB_DISCORD_API_BASE=hub.double.api_base,
            HUB_DISCORD_GATEWAY_URL=hub.double.gateway_url,
            HUB_GUILD_READY_TIMEOUT="0.05",
            PYTHONPATH=str(ROOT),
            **{f"HUB_{k.upper()}": v for k, v in settings.items()},
        )
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.logs: list[Path] = []

    async def start(self, timeout: float = 30.0) -> None:
        self.starts += 1
        log = self.folder / f"bot-{self.starts}.log"
        self.logs.append(log)
        with log.open("wb") as out:  # a file, not a pipe: a full pipe would block the bot
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", env=self.env, cwd=self.folder,
                stdout=out, stderr=out,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while READY_LINE not in log.read_text(errors="replace"):
            if self.process.returncode is not None or time.monotonic() > deadline:
                raise AssertionError(f"the bot did not start:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.05)

    def log(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs)

    async def kill(self) -> None:
        """SIGKILL: no clean-up at all, as in a crash or an out-of-memory kill."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def terminate(self, timeout: float = 30.0) -> tuple[int, float]:
        """SIGTERM; the exit code and how long the clean stop took."""
        assert self.process is not None
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), timeout)
        return code, time.monotonic() - began

    async def stop_quietly(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def _services(path: Path) -> tuple[Database, EventService, AnnouncementService]:
    db = await Database.open(path)
    await migrate(db, Clock())
    scheduler = Scheduler(db, Clock())  # not started: jobs are rows, armed by the bot
    return db, EventService(db, Clock(), scheduler), AnnouncementService(db, Clock(), scheduler)


async def seed_event(hub: Hub, organiser: int, members: list[int], due_in: float) -> int:
    """An event whose one reminder (1 hour before) falls due ``due_in`` seconds from now,
    with every member Going (their answers written in one transaction)."""
    db, events, _ = await _services(hub.db_path)
    try:
        starts = Clock().now() + timedelta(hours=1, seconds=due_in)
        draft = Draft("Network seminar", "in an hour", "UTC", starts,
                      starts + timedelta(hours=1), reminders=(3600,))  # fmt: skip
        event = await events.create_draft(hub.guild_id, organiser, draft)
        event = await events.confirm(hub.guild_id, event.id, organiser)
        now = to_db_time(Clock().now())
        async with db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO event_rsvps (event_id, guild_id, user_id, name, status, since) "
                "VALUES (?, ?, ?, ?, 'going', ?)",
                [(event.id, hub.guild_id, u, f"m{i}", now) for i, u in enumerate(members)],
            )
        return event.id
    finally:
        await db.close()


async def seed_announcement(hub: Hub, author: int, due_in: float) -> int:
    """A one-off announcement in #announcements due ``due_in`` seconds from now, confirmed."""
    db, _, announcements = await _services(hub.db_path)
    try:
        timing = Timing("UTC", Clock().now() + timedelta(seconds=due_in), Recurrence("none", None))
        content = ("Network meeting", "The network meets on Thursday.", "embed", None)
        draft = await announcements.create_draft(
            hub.guild_id, author, hub.channel("announcements"), timing, content
        )
        found = await announcements.confirm(hub.guild_id, draft.id, author, False)
        return found.id
    finally:
        await db.close()


async def add_members(double: DiscordDouble, guild_id: int, count: int) -> list[int]:
    """Members who joined before the bot starts (they arrive with the server)."""
    return [(await double.add_member(guild_id, f"member{i}")).id for i in range(count)]


def rows(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the bot's database from the test (WAL: safe while the bot writes)."""
    with sqlite3.connect(db_path, timeout=10) as db:
        return list(db.execute(sql, params))


def reminder_states(db_path: Path) -> dict[int, str]:
    return {
        int(u): str(s)
        for u, s in rows(db_path, "SELECT user_id, state FROM event_reminder_deliveries")
    }


def sent_messages(double: DiscordDouble, since: int) -> int:
    """Messages the double accepted since call number ``since`` (cheap to ask often)."""
    return sum(
        1 for c in double.calls[since:]
        if c.method == "POST" and c.path.endswith("/messages") and c.status == 200
    )  # fmt: skip
