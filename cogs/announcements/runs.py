"""Runs of announcements, and their scheduler jobs, mixed into AnnouncementService.

Each run that starts is a row of ``announcement_runs`` keyed by (announcement, scheduled
time), claimed before anything is posted, so a second fire, a restart or a clock jump
posts nothing twice; a run left "sending" by a stopped bot is marked failed and reported,
never retried blindly, whether its job runs again or it has none left (``stranded``). No
``discord`` here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.scheduler import Scheduler
from cogs.announcements.model import (
    CHECK_CHANNEL,
    INTERRUPTED,
    MISSED,
    MISSED_FIX,
    RUN_JOB,
    STOPPED,
    Announcement,
    Claim,
    Run,
)
from cogs.announcements.recurrence import next_after


class RunLedger:
    _db: Database
    _clock: Clock
    _scheduler: Scheduler
    _in_flight: set[int]

    # -- runs -----------------------------------------------------------------------------

    async def claim(
        self, announcement_id: int, scheduled_for: datetime, *, late: bool, manual: bool = False
    ) -> Claim:
        """Take the run (announcement, scheduled time), or say why it must not be posted."""
        key = to_db_time(scheduled_for)
        now = to_db_time(self._clock.now())
        async with self._db.transaction():
            row = await self._db.fetchone(
                "SELECT * FROM announcements WHERE id = ?", (announcement_id,)
            )
            found = None if row is None else Announcement.from_row(row)
            existing = await self._db.fetchone(
                "SELECT * FROM announcement_runs WHERE announcement_id = ? AND scheduled_for = ?",
                (announcement_id, key),
            )
            if found is None or (not manual and found.state != "scheduled"):
                if existing is not None and existing["status"] == "retrying":
                    await self._finish(int(existing["id"]), "failed", error=STOPPED)
                return Claim("skip", "the announcement is no longer scheduled")
            if existing is None:
                if not manual and found.next_run_at != scheduled_for:
                    return Claim("skip", "this run was rescheduled")
                run_id = await self._db.insert(
                    "INSERT INTO announcement_runs (guild_id, announcement_id, scheduled_for, "
                    "status, manual, late, attempts, started_at) "
                    "VALUES (?, ?, ?, 'sending', ?, ?, 1, ?)",
                    (found.guild_id, announcement_id, key, int(manual), int(late), now),
                )
                if not manual:
                    await self._arm_following(found, scheduled_for)
            elif existing["status"] == "retrying":
                run_id = int(existing["id"])
                await self._db.execute(
                    "UPDATE announcement_runs SET status = 'sending', attempts = attempts + 1 "
                    "WHERE id = ?",
                    (run_id,),
                )
            elif existing["status"] == "sending" and int(existing["id"]) not in self._in_flight:
                run = Run.from_row(existing)
                await self._finish(run.id, "failed", error=INTERRUPTED, fix=CHECK_CHANNEL)
                return Claim("interrupted", INTERRUPTED, run, found)
            else:
                return Claim("skip", f"this run is already {existing['status']}")
            self._in_flight.add(run_id)
            run_row = await self._db.fetchone(
                "SELECT * FROM announcement_runs WHERE id = ?", (run_id,)
            )
        assert run_row is not None
        return Claim("go", run=Run.from_row(run_row), announcement=found)

    async def stranded(self) -> list[tuple[Run, Announcement]]:
        """Runs left "sending" that nothing will finish: not being posted now, and with no
        pending or running job of their own (a crash during /announce send_now, or a job
        that ended without its post). Each is marked failed and returned once, to be
        reported: it may have been posted, so it is never posted again blindly."""
        found: list[tuple[Run, Announcement]] = []
        async with self._db.transaction():
            rows = await self._db.fetchall(
                "SELECT r.* FROM announcement_runs r WHERE r.status = 'sending' AND NOT EXISTS "
                "(SELECT 1 FROM scheduled_jobs j WHERE j.kind = ? AND j.status IN "
                "('pending', 'running') AND j.job_key = 'announcement:' || r.announcement_id "
                "|| ':' || r.scheduled_for) ORDER BY r.id",
                (RUN_JOB,),
            )
            for row in rows:
                run = Run.from_row(row)
                owner = await self._db.fetchone(
                    "SELECT * FROM announcements WHERE id = ?", (run.announcement_id,)
                )
                if run.id in self._in_flight or owner is None:
                    continue
                await self._finish(run.id, "failed", error=INTERRUPTED, fix=CHECK_CHANNEL)
                found.append((run, Announcement.from_row(owner)))
        return found

    def forget(self, run_id: int) -> None:
        """A post was interrupted (shutdown): its next claim must treat it as uncertain."""
        self._in_flight.discard(run_id)

    async def sent(self, run: Run, channel_id: int, message_id: int) -> None:
        async with self._db.transaction():
            await self._finish(run.id, "sent", channel_id=channel_id, message_id=message_id)
            await self._end_one_off(run, "done")

    async def failed(self, run: Run, error: str, fix: str, *, final: bool) -> None:
        """Record a failed attempt; the last one ends the run (and a one-off with it)."""
        async with self._db.transaction():
            await self._finish(run.id, "failed" if final else "retrying", error=error, fix=fix)
            if final:
                await self._end_one_off(run, "failed")

    async def missed(self, announcement_id: int, scheduled_for: datetime) -> Announcement | None:
        """The scheduler gave up on a run that fell due too long ago: record it, carry on."""
        return await self.gave_up(announcement_id, scheduled_for, "missed", MISSED, MISSED_FIX)

    async def gave_up(
        self, announcement_id: int, scheduled_for: datetime, status: str, error: str, fix: str
    ) -> Announcement | None:
        """A run the scheduler will not run again (missed, or failed outside a post attempt):
        record it, and carry a recurrence on to its next run."""
        now = to_db_time(self._clock.now())
        async with self._db.transaction():
            found = await self._db.fetchone(
                "SELECT * FROM announcements WHERE id = ?", (announcement_id,)
            )
            if found is None:
                return None
            announcement = Announcement.from_row(found)
            await self._db.execute(
                "INSERT INTO announcement_runs (guild_id, announcement_id, scheduled_for, status, "
                "error, fix, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (announcement_id, scheduled_for) DO UPDATE SET "
                "status = excluded.status, error = excluded.error, fix = excluded.fix, "
                "finished_at = excluded.finished_at "
                "WHERE announcement_runs.status IN ('sending', 'retrying')",
                (announcement.guild_id, announcement_id, to_db_time(scheduled_for), status,
                 error, fix, now, now),
            )  # fmt: skip
            if announcement.state != "scheduled":
                return announcement
            if announcement.cron is None and announcement.next_run_at in (None, scheduled_for):
                await self._set(announcement_id, state="failed", next_run_at=None)
            elif announcement.cron is not None and announcement.next_run_at == scheduled_for:
                await self._arm_following(announcement, scheduled_for)
        return announcement

    async def _finish(self, run_id: int, status: str, **fields: Any) -> None:
        self._in_flight.discard(run_id)
        done = status in ("sent", "failed")
        await self._db.execute(
            "UPDATE announcement_runs SET status = ?, channel_id = COALESCE(?, channel_id), "
            "message_id = COALESCE(?, message_id), error = ?, fix = ?, "
            "finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?",
            (status, fields.get("channel_id"), fields.get("message_id"), fields.get("error"),
             fields.get("fix"), int(done), to_db_time(self._clock.now()), run_id),
        )  # fmt: skip

    async def _end_one_off(self, run: Run, state: str) -> None:
        if run.manual:
            return
        await self._db.execute(
            "UPDATE announcements SET state = ?, next_run_at = NULL, updated_at = ? "
            "WHERE id = ? AND cron IS NULL AND state = 'scheduled'",
            (state, to_db_time(self._clock.now()), run.announcement_id),
        )

    async def _arm_following(self, found: Announcement, scheduled_for: datetime) -> None:
        """Schedule the next run of a recurrence, skipping any that fell due meanwhile."""
        if found.cron is None:
            await self._set(found.id, next_run_at=None)
            return
        following = next_after(found.cron, found.timezone, max(scheduled_for, self._clock.now()))
        if following is None:
            await self._set(found.id, state="done", next_run_at=None)
            return
        await self._arm(found, following)

    # -- jobs -----------------------------------------------------------------------------

    async def _arm(self, found: Announcement, due: datetime) -> None:
        await self._scheduler.schedule(
            RUN_JOB,
            due,
            {"announcement_id": found.id, "scheduled_for": to_db_time(due)},
            guild_id=found.guild_id,
            key=f"announcement:{found.id}:{to_db_time(due)}",
            replace=False,
        )
        await self._set(found.id, state="scheduled", next_run_at=due)

    async def _disarm(self, announcement_id: int) -> None:
        """Cancel the pending runs, and end a run that was waiting for its retry."""
        await self._scheduler.cancel_key(RUN_JOB, f"announcement:{announcement_id}")
        await self._db.execute(
            "UPDATE announcement_runs SET status = 'failed', error = ?, fix = NULL, "
            "finished_at = ? WHERE announcement_id = ? AND status = 'retrying'",
            (STOPPED, to_db_time(self._clock.now()), announcement_id),
        )

    async def _set(self, announcement_id: int, **fields: Any) -> None:
        if "next_run_at" in fields and fields["next_run_at"] is not None:
            fields["next_run_at"] = to_db_time(fields["next_run_at"])
        fields["updated_at"] = to_db_time(self._clock.now())
        names = ", ".join(f"{name} = ?" for name in fields)
        await self._db.execute(
            f"UPDATE announcements SET {names} WHERE id = ?", (*fields.values(), announcement_id)
        )
