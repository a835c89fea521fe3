"""``python -m bot sandbox``: the whole bot in a terminal, with no Discord application.

Starts the Discord double on 127.0.0.1, builds a fictional server, starts the real
``HubBot`` (the production code, pointed at the double only through the
``HUB_DISCORD_*`` settings) on a temporary SQLite file unless ``--db PATH`` is given,
seeds the server the way members would, then opens the terminal or runs the tour.

``bot/__main__.py`` reaches this module with ``importlib`` at run time, so no production
module imports the double (the import-linter contract stays true).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import tempfile
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.app import HubBot
from bot.clock import OffsetClock
from bot.settings import Settings, SettingsError, load_settings
from sandbox.double import DiscordDouble

GUILD_NAME = "Research Hub (sandbox)"
MODERATOR = "moderator"
# Made by the moderators by hand before the bot arrived: /hub setup does not make it, and
# without it a member with closed DMs cannot be sent an introduction request.
FIRST_CHANNELS = ("expert-requests",)
EXIT_TOUR_FAILED = 1
EXIT_SETTINGS = 2
EXIT_FAILED = 3
MAX_STOPS = 500  # due times visited by one ``wait``
Stop = Callable[[], Awaitable[None]]  # called at each due time ``advance`` stops at


class SandboxRefused(Exception):
    """The sandbox cannot start as asked; the message says what to do instead."""


class LogBuffer(logging.Handler):
    """Keeps the bot's recent log lines for the ``log`` command instead of printing them
    over the prompt."""

    def __init__(self, size: int = 500) -> None:
        super().__init__(logging.INFO)
        self.lines: deque[str] = deque(maxlen=size)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class Sandbox:
    """The double, one server, the running bot, and the members by their short handle."""

    double: DiscordDouble
    clock: OffsetClock
    db_path: Path
    guild_id: int
    moderator_role_id: int
    logs: LogBuffer
    members: dict[str, int] = field(default_factory=dict)
    left: set[str] = field(default_factory=set)  # handles of members who left the server
    bot: HubBot | None = None
    task: asyncio.Task[None] | None = None

    def settings(self) -> Settings:
        return load_settings(
            discord_token=self.double.bot_token,
            database_path=self.db_path,
            guild_ids=[self.guild_id],
            discord_api_base=self.double.api_base,
            discord_gateway_url=self.double.gateway_url,
            guild_ready_timeout=0.05,
        )

    @property
    def running_bot(self) -> HubBot:
        if self.bot is None:
            raise RuntimeError("The bot is not running.")
        return self.bot

    async def start_bot(self) -> HubBot:
        bot = HubBot(self.settings(), clock=self.clock)
        self.bot = bot
        self.task = asyncio.create_task(bot.start(self.double.bot_token))
        self.double.watch_client(self.task)
        await self.double.wait_until_ready(timeout=15)
        await asyncio.wait_for(bot.wait_until_ready(), timeout=15)
        await self.double.settle()
        return bot

    async def stop_bot(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self.task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.task, timeout=10)
        self.bot = None
        self.task = None

    async def add_member(self, handle: str, moderator: bool = False, dms_open: bool = True) -> int:
        """A member joins; one who left comes back as the same Discord user."""
        roles = [self.moderator_role_id] if moderator else []
        member = await self.double.add_member(
            self.guild_id, handle, roles=roles, dms_open=dms_open, user_id=self.members.get(handle)
        )
        self.members[handle] = member.id
        self.left.discard(handle)
        return member.id

    def handle_of(self, user_id: int) -> str:
        return next((h for h, i in self.members.items() if i == user_id), str(user_id))

    def synced_commands(self) -> set[str]:
        """Top-level slash command names the bot registered (a feature's presence)."""
        listed = self.double.commands.get(self.guild_id, []) + self.double.commands.get(None, [])
        return {c["name"] for c in listed}

    async def advance(self, delta: timedelta, at_each_stop: Stop | None = None) -> None:
        """Move the bot's clock forward, stopping at each due job on the way.

        Every job then runs at its own time, as it would have in real time; one jump
        straight to the end would make each of them overdue and, past the grace period,
        reported as missed.
        """
        target = self.clock.now() + delta
        for _ in range(MAX_STOPS):
            due = await self.running_bot.scheduler.next_due()
            if due is None or due > target:
                break
            self.clock.set(max(due, self.clock.now()))
            await self.wait_for_due_work()
            if at_each_stop is not None:
                await at_each_stop()
        self.clock.set(target)
        await self.wait_for_due_work()
        if at_each_stop is not None:
            await at_each_stop()

    async def wait_for_due_work(self, timeout: float = 10.0) -> None:
        """Let every job that is due on the moved clock run, then let the bot go quiet."""
        scheduler = self.running_bot.scheduler
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            await self.double.settle(quiet=0.1)
            due = await scheduler.next_due()
            if due is None or due > self.clock.now():
                break
            await asyncio.sleep(0.05)
        await self.double.settle(quiet=0.1)


@contextlib.asynccontextmanager
async def running_sandbox(
    db_path: Path | None = None, say: Callable[[str], None] = print
) -> AsyncIterator[Sandbox]:
    """Start the double and the bot, seed the server, and clean everything up after."""
    refuse_used_database(db_path)
    logs = LogBuffer()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    root.handlers[:] = [logs]
    root.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("discord").setLevel(logging.WARNING)
    double = DiscordDouble()
    await double.start()
    temporary = None
    if db_path is None:
        temporary = tempfile.TemporaryDirectory(prefix="hub-sandbox-")
        db_path = Path(temporary.name) / "hub.sqlite3"
    guild = double.create_guild(GUILD_NAME)
    moderator_role = double.create_role(guild.id, "Moderator", position=5)
    for name in FIRST_CHANNELS:
        double.create_channel(guild.id, name)
    sandbox = Sandbox(double, OffsetClock(), db_path, guild.id, moderator_role.id, logs)
    try:
        from sandbox.seed import add_people, seed

        await sandbox.add_member(MODERATOR, moderator=True)
        await add_people(sandbox)
        say(f"Local Discord on 127.0.0.1:{double.port}; database {db_path}")
        await sandbox.start_bot()

        await seed(sandbox, say)
        yield sandbox
    finally:
        await sandbox.stop_bot()
        await double.stop()
        if temporary is not None:
            temporary.cleanup()
        root.handlers[:], root.level = saved


def refuse_used_database(db_path: Path | None) -> None:
    """A database from an earlier run holds a demo server whose local Discord is gone (it
    lives in memory): its scheduled jobs would run against a new, different server. So the
    sandbox starts only on a new file, and says so rather than half-continuing."""
    if db_path is not None and db_path.exists() and db_path.stat().st_size > 0:
        raise SandboxRefused(
            f"{db_path} already holds the database of an earlier sandbox run, and its demo "
            "server cannot be continued (the local Discord starts empty each time). Give a "
            "new path with --db, or delete that file."
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot sandbox",
        description="Try the whole bot offline: a local Discord, a demo server, a terminal.",
    )
    parser.add_argument("--tour", action="store_true", help="run the guided tour and exit")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="keep the database in this new file (default: a temporary one)",
    )
    return parser


async def _main(args: argparse.Namespace, out: TextIO) -> int:
    from sandbox.terminal import Terminal
    from sandbox.tour import run_tour

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    async with running_sandbox(args.db, say) as sandbox:
        terminal = Terminal(sandbox, out)
        if args.tour:
            return 0 if await run_tour(terminal) else EXIT_TOUR_FAILED
        await terminal.interact()
    return 0


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_main(args, out or sys.stdout))
    except (SettingsError, SandboxRefused) as exc:
        print(f"research-hub-bot sandbox: {exc}", file=sys.stderr)
        return EXIT_SETTINGS
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # one clear line, never a traceback
        print(f"research-hub-bot sandbox stopped: {failure_line(exc)}", file=sys.stderr)
        return EXIT_FAILED


def failure_line(exc: Exception) -> str:
    """What went wrong, in one line a person can act on."""
    from sandbox.seed import SeedError

    if isinstance(exc, SeedError):
        return (
            f"the demo server could not be built ({exc}). This is a fault in the sandbox or "
            "the bot; please report it with this line."
        )
    if isinstance(exc, OSError):
        return f"{exc}. Check the path given with --db: its folder must exist and be writable."
    return f"{type(exc).__name__}: {exc}. Please report it with this line."


if __name__ == "__main__":
    sys.exit(main())
