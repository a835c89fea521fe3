"""What a scheduled job is, as its handler sees it, and the rules the scheduler runs it by.

Split from ``bot.scheduler`` so the scheduler module stays about running work; import these
names from either.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import from_db_time
from bot.db import Row


@dataclass(frozen=True)
class Job:
    """One row of ``scheduled_jobs`` as its handler sees it."""

    id: int
    kind: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    guild_id: int | None = None
    key: str | None = None
    attempts: int = 0
    late: bool = False

    @classmethod
    def from_row(cls, row: Row) -> Job:
        return cls(
            id=int(row["id"]),
            kind=str(row["kind"]),
            due_at=from_db_time(row["due_at"]),
            payload=json.loads(row["payload"]),
            guild_id=row["guild_id"],
            key=row["job_key"],
            attempts=int(row["attempts"]),
            late=bool(row["late"]),
        )


JobHandler = Callable[[Job], Awaitable[None]]
JobReporter = Callable[[Job, str, str | None], Awaitable[None]]
"""Told about a job that was missed or failed: (job, "missed" | "failed", error text)."""


@dataclass(frozen=True)
class SchedulerPolicy:
    """``handler_timeout`` is the default deadline; a long handler (a fan-out to thousands)
    moves its own with ``Scheduler.allow``, so the deadline grows with the work."""

    grace_period: timedelta = timedelta(hours=6)
    max_attempts: int = 5
    retry_delay: timedelta = timedelta(seconds=30)
    late_after: timedelta = timedelta(minutes=1)
    handler_timeout: float = 120.0


class JobInterrupted(Exception):
    """Raised by a handler that stopped part way because the bot is stopping cleanly: what
    it did is recorded, and its job goes back to pending, unchanged, to carry on after the
    restart (not an attempt, not a failure)."""
