"""``python -m bot``: run the bot; ``migrate`` and ``backup PATH`` for maintenance;
``sandbox`` to try the whole bot offline against a local Discord.

Exit codes: 0 done, 2 a setting is missing or wrong, 3 the database refused to start,
4 Discord could not be reached (``sandbox --tour``: 1 when a step did not get its expected
answer).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import logging
import signal
import sys
from pathlib import Path

import aiohttp
import discord

from bot.app import HubBot
from bot.challenge_areas import AreaConfigError
from bot.clock import Clock
from bot.db import Database, backup_database
from bot.logs import configure_logging
from bot.migrations import MigrationError, migrate
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("bot")

EXIT_SETTINGS = 2
EXIT_DATABASE = 3
EXIT_NETWORK = 4


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    commands.add_parser("migrate", help="apply database migrations and exit")
    backup = commands.add_parser("backup", help="copy a consistent snapshot of the database")
    backup.add_argument("path", type=Path, help="where to write the copy (must not exist)")
    commands.add_parser(
        "sandbox",
        help="try the bot offline: a local Discord, a demo server and a terminal "
        "(--tour for a scripted walk, --db PATH to keep the database)",
    )
    return parser


def _fail(message: str, code: int) -> int:
    print(f"research-hub-bot: {message}", file=sys.stderr)
    return code


async def _migrate(settings: Settings) -> int:
    db = await Database.open(settings.database_path)
    try:
        applied = await migrate(db, Clock())
    finally:
        await db.close()
    names = ", ".join(m.path.name for m in applied) or "nothing to do"
    print(f"{settings.database_path}: {names}")
    return 0


async def _run(settings: Settings, token: str) -> None:
    bot = HubBot(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(token))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            log.info("stopping on signal")
        else:
            stopper.cancel()
        await bot.close()
        if runner in done:
            runner.result()
        else:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner


def _sandbox(argv: list[str]) -> int:
    """Hand over to the offline sandbox, which needs no token and no settings.

    Imported by name at run time: production code never imports the Discord double
    statically (the import-linter contract), and a normal start never loads it.
    """
    try:
        sandbox = importlib.import_module("sandbox.app")
    except ModuleNotFoundError:
        return _fail("the sandbox/ folder is not installed with this copy of the bot.", 1)
    return int(sandbox.main(argv))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sandbox"]:
        return _sandbox(argv[1:])
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc), EXIT_SETTINGS)
    configure_logging(settings.log_level)
    try:
        if args.command == "migrate":
            return asyncio.run(_migrate(settings))
        if args.command == "backup":
            backup_database(settings.database_path, args.path)
            print(f"copied {settings.database_path} to {args.path}")
            return 0
        token = settings.require_token()
        asyncio.run(_run(settings, token))
    except (SettingsError, AreaConfigError) as exc:
        return _fail(str(exc), EXIT_SETTINGS)
    except discord.LoginFailure:
        return _fail(
            "Discord refused HUB_DISCORD_TOKEN. Reset the token in the developer portal "
            "(Bot > Reset Token) and set it again.",
            EXIT_SETTINGS,
        )
    except discord.PrivilegedIntentsRequired:
        return _fail(
            "The Server Members intent is off. Turn it on in the developer portal "
            "(Bot > Privileged Gateway Intents) and start again.",
            EXIT_SETTINGS,
        )
    except aiohttp.ClientConnectionError:
        # No network, a firewall or a wrong address: one line, not aiohttp's traceback.
        return _fail(
            f"cannot reach Discord at {settings.discord_api_base}; check the network or "
            "HUB_DISCORD_API_BASE.",
            EXIT_NETWORK,
        )
    except MigrationError as exc:
        return _fail(str(exc), EXIT_DATABASE)
    except (FileNotFoundError, FileExistsError) as exc:
        return _fail(str(exc), EXIT_DATABASE)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
