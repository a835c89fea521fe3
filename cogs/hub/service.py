"""Facts about the running bot, gathered from the database and the scheduler."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.db import Database
from bot.migrations import schema_version
from bot.scheduler import Scheduler
from cogs.profiles.service import ProfileService


@dataclass(frozen=True)
class AboutFacts:
    version: str
    started_at: datetime
    uptime: timedelta
    members_with_profiles: int
    pending_jobs: int


@dataclass(frozen=True)
class HealthReport:
    database_ok: bool
    database_ms: float
    schema_version: int
    scheduler_running: bool
    next_due: datetime | None
    database_error: str | None = None


class HubService:
    def __init__(
        self,
        db: Database,
        scheduler: Scheduler,
        clock: Clock,
        profiles: ProfileService,
        version: str,
        started_at: datetime,
    ) -> None:
        self._db = db
        self._profiles = profiles
        self._scheduler = scheduler
        self._clock = clock
        self._version = version
        self._started_at = started_at

    async def about(self, guild_id: int) -> AboutFacts:
        return AboutFacts(
            version=self._version,
            started_at=self._started_at,
            uptime=self._clock.now() - self._started_at,
            members_with_profiles=await self._count_profiles(guild_id),
            pending_jobs=await self._scheduler.pending_count(guild_id),
        )

    async def _count_profiles(self, guild_id: int) -> int:
        return await self._profiles.count(guild_id)

    async def health(self) -> HealthReport:
        started = time.perf_counter()
        try:
            await self._db.fetchval("SELECT 1")
            version = await schema_version(self._db)
            next_due = await self._scheduler.next_due()
        except Exception as exc:
            return HealthReport(
                database_ok=False,
                database_ms=0.0,
                schema_version=0,
                scheduler_running=self._scheduler.running,
                next_due=None,
                database_error=type(exc).__name__,
            )
        elapsed_ms = (time.perf_counter() - started) * 1000
        return HealthReport(True, elapsed_ms, version, self._scheduler.running, next_due)
