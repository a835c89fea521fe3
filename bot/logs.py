"""Human-readable logging, one line per event. Never log member text or the token."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
PAYLOAD_LOGGERS = ("aiosqlite", "discord", "aiohttp")


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # APScheduler logs every wake-up at INFO; the scheduler logs what matters itself.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, root.level))
    # At DEBUG these print whole payloads: aiosqlite every statement with its values,
    # discord.py every request body and gateway event, aiohttp every request. Member text
    # would end up in the log, so they stay at INFO whatever level the bot runs at.
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
