"""Scheduled work whose truth is the ``scheduled_jobs`` table.

The pattern is RoboDanny's, made safer: one APScheduler wake-up is armed for the earliest
pending row; when it fires it runs everything that is due and re-arms for the next. A new
row due earlier re-arms it, and so does a jump of the clock. Each job is claimed with one
UPDATE before its handler runs and marked done only after the handler succeeded, so a
restart loses nothing and two fires never both run it. Rows are never deleted.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock, ensure_utc, from_db_time, to_db_time
from bot.db import Database, Row
from bot.jobs import Job, JobHandler, JobInterrupted, JobReporter, SchedulerPolicy
from bot.timeparse import format_duration

__all__ = [
    "Job",
    "JobHandler",
    "JobInterrupted",
    "JobReporter",
    "Scheduler",
    "SchedulerPolicy",
]

log = logging.getLogger(__name__)

WAKEUP_JOB_ID = "hub-scheduler-wakeup"
BATCH_SIZE = 50
MAX_CONCURRENT_HANDLERS = 8
MAX_RETRY_DELAY = timedelta(hours=6)
CANCEL_KEY_SQL = (
    "UPDATE scheduled_jobs SET status = 'cancelled', updated_at = ? "
    "WHERE kind = ? AND status = 'pending' "
    "AND job_key >= ? AND job_key < ? AND (job_key = ? OR job_key >= ?)"
)


class Scheduler:
    """Runs registered handlers for due rows; create work with ``schedule()``."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        policy: SchedulerPolicy | None = None,
        reporter: JobReporter | None = None,
        ready: Callable[[], Awaitable[Any]] | None = None,
        worker: str = "main",
    ) -> None:
        self._db = db
        # Which process claimed a job: several may share one database, each with its own
        # stable name (HUB_WORKER_NAME), and each re-queues only its own after a crash.
        self.worker = worker
        # Handlers need Discord's view of the servers; work that fell due while the bot
        # was down must not run (and find no server) before it has arrived.
        self._ready = ready
        self._clock = clock
        self.policy = policy or SchedulerPolicy()
        self._reporter = reporter
        self._handlers: dict[str, JobHandler] = {}
        self._timer: AsyncIOScheduler | None = None
        self._run_lock = asyncio.Lock()
        self._limit = asyncio.Semaphore(MAX_CONCURRENT_HANDLERS)
        self._background: set[asyncio.Task[Any]] = set()
        # Every handler running now, however it was started (timer, start-up, a test), so a
        # clean stop can wait for it; and each one's deadline, which the handler may move.
        self._running: set[asyncio.Task[Any]] = set()
        self._deadlines: dict[int, asyncio.Timeout] = {}
        self._stopping = False

    # -- registration and life cycle ------------------------------------------------------

    def register(self, kind: str, handler: JobHandler) -> None:
        if kind in self._handlers:
            raise ValueError(f"A handler for {kind!r} is already registered.")
        self._handlers[kind] = handler
        if self.running:
            self.rearm()

    @property
    def running(self) -> bool:
        return self._timer is not None and bool(self._timer.running)

    @property
    def stopping(self) -> bool:
        """True once a clean stop began: no job is claimed any more, and a long handler
        should record what it did and raise ``JobInterrupted`` to carry on after a restart."""
        return self._stopping

    async def start(self) -> None:
        """Re-queue work a crash of this worker left claimed (another worker's running jobs
        are its own), then arm for the earliest pending row."""
        requeued = await self._db.execute(
            "UPDATE scheduled_jobs SET status = 'pending', attempts = MAX(attempts - 1, 0), "
            "updated_at = ? WHERE status = 'running' "
            "AND (claimed_by = ? OR claimed_by IS NULL)",
            (to_db_time(self._clock.now()), self.worker),
        )
        if requeued:
            log.warning("re-queued %d job(s) left running by an earlier stop", requeued)
        self._stopping = False
        self._timer = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=UTC)
        self._timer.start()
        self._clock.subscribe(self.rearm)
        await self.arm()

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Claim nothing more, and give running handlers ``grace_seconds`` to finish (a
        fan-out ends early at ``stopping``); those still running then are cancelled, and
        their jobs go back to pending for the next start."""
        self._stopping = True
        self._clock.unsubscribe(self.rearm)
        if self._timer is not None:
            self._timer.shutdown(wait=False)
            self._timer = None
        tasks = self._running | self._background
        if tasks:
            _done, still_running = await asyncio.wait(tasks, timeout=grace_seconds)
            for task in still_running:
                task.cancel()
            if still_running:
                log.warning("cancelled %d job task(s) still running after the grace period",
                            len(still_running))  # fmt: skip
                await asyncio.wait(still_running)

    def allow(self, job: Job, seconds: float) -> None:
        """Let ``job``'s handler run until ``seconds`` from now, if that is later than its
        deadline: a fan-out knows its size, so its deadline grows with its audience instead
        of cutting a large one off half way."""
        deadline = self._deadlines.get(job.id)
        if deadline is None:
            return
        wanted = asyncio.get_running_loop().time() + seconds
        current = deadline.when()
        if current is None or wanted > current:
            deadline.reschedule(wanted)

    # -- creating and cancelling work -----------------------------------------------------

    async def schedule(
        self,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        guild_id: int | None = None,
        key: str | None = None,
        replace: bool = True,
    ) -> int:
        """Create a job (or, with ``key``, move the pending job of that kind and key; with
        ``replace=False`` a pending job of that key is left exactly as it is).

        Joins the caller's open transaction, so a feature's rows and its jobs commit together.
        """
        now = to_db_time(self._clock.now())
        due = to_db_time(ensure_utc(due_at))
        body = json.dumps(payload or {}, sort_keys=True)
        async with self._db.transaction() as tx:
            job_id: int | None = None
            if key is not None:
                row = await tx.fetchone(
                    "SELECT id FROM scheduled_jobs WHERE kind = ? AND job_key = ? "
                    "AND status = 'pending'",
                    (kind, key),
                )
                if row is not None and not replace:
                    return int(row["id"])
                if row is not None:
                    job_id = int(row["id"])
                    await tx.execute(
                        "UPDATE scheduled_jobs SET due_at = ?, payload = ?, guild_id = ?, "
                        "updated_at = ? WHERE id = ?",
                        (due, body, guild_id, now, job_id),
                    )
            if job_id is None:
                job_id = await tx.insert(
                    "INSERT INTO scheduled_jobs (guild_id, kind, job_key, payload, due_at, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (guild_id, kind, key, body, due, now, now),
                )
        self.rearm()
        return job_id

    async def cancel(self, job_id: int) -> bool:
        changed = await self._db.execute(
            "UPDATE scheduled_jobs SET status = 'cancelled', updated_at = ? "
            "WHERE id = ? AND status = 'pending'",
            (to_db_time(self._clock.now()), job_id),
        )
        self.rearm()
        return changed == 1

    async def cancel_key(self, kind: str, key: str) -> int:
        """Cancel pending jobs of ``kind`` keyed ``key`` or ``key:<anything>``.

        Keys are hierarchical (``announcement:5:<due>`` belongs to ``announcement:5``),
        so matching stops at a separator: cancelling ``request:1`` must never touch
        ``request:10``. The key and its children lie in the range from ``key`` up to
        ``key;`` (``;`` follows ``:``), which the (kind, job_key) index answers; within it
        only the key itself and keys from ``key:`` on count. A prefix test with substr()
        read every pending row of the kind (1.85 s at a million).
        """
        changed = await self._db.execute(
            CANCEL_KEY_SQL,
            (to_db_time(self._clock.now()), kind, key, key + ";", key, key + ":"),
        )
        self.rearm()
        return changed

    # -- reading ---------------------------------------------------------------------------

    async def next_due(self) -> datetime | None:
        value = await self._db.fetchval(
            "SELECT MIN(due_at) FROM scheduled_jobs WHERE status = 'pending'"
        )
        return None if value is None else from_db_time(value)

    async def pending_count(self, guild_id: int | None = None) -> int:
        if guild_id is None:
            sql, params = "SELECT COUNT(*) FROM scheduled_jobs WHERE status = 'pending'", ()
        else:
            sql = "SELECT COUNT(*) FROM scheduled_jobs WHERE status = 'pending' AND guild_id = ?"
            params = (guild_id,)  # type: ignore[assignment]
        return int(await self._db.fetchval(sql, params))

    async def export_member(self, guild_id: int, user_id: int) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT kind, due_at, status FROM scheduled_jobs WHERE guild_id = ? "
            "AND json_extract(payload, '$.user_id') = ? ORDER BY id",
            (guild_id, user_id),
        )
        return [dict(row) for row in rows]

    async def forget_member(self, guild_id: int, user_id: int) -> int:
        """Delete the member's jobs (by convention their payload carries ``user_id``).

        Running rows go too: a purge job erasing its own member is the last of its work.
        """
        return await self._db.execute(
            "DELETE FROM scheduled_jobs WHERE guild_id = ? "
            "AND json_extract(payload, '$.user_id') = ?",
            (guild_id, user_id),
        )

    async def get(self, job_id: int) -> Row | None:
        return await self._db.fetchone("SELECT * FROM scheduled_jobs WHERE id = ?", (job_id,))

    # -- the timer -------------------------------------------------------------------------

    def rearm(self) -> None:
        """Re-arm soon, from sync code (clock listeners, after scheduling)."""
        if not self.running:
            return
        self._spawn(self.arm())

    async def arm(self) -> None:
        """Point the single wake-up at the earliest pending row of a registered kind."""
        if self._timer is None:
            return
        due = await self._earliest_due()
        timer = self._timer  # a stop may have begun while the database answered
        if timer is None or self._stopping:
            return
        if due is None:
            if timer.get_job(WAKEUP_JOB_ID) is not None:
                timer.remove_job(WAKEUP_JOB_ID)
            return
        if due <= self._clock.now():
            self._spawn(self.run_due())
            return
        wall_time = self._clock.to_wall_time(due)
        timer.add_job(
            self._on_wakeup,
            DateTrigger(run_date=wall_time, timezone=UTC),
            id=WAKEUP_JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )

    async def _on_wakeup(self) -> None:
        # Not run inside APScheduler's own task: its shutdown cancels that at once.
        self._spawn(self.run_due())

    async def _earliest_due(self) -> datetime | None:
        kinds = list(self._handlers)
        if not kinds:
            return None
        marks = ",".join("?" * len(kinds))
        value = await self._db.fetchval(
            "SELECT MIN(due_at) FROM scheduled_jobs "
            f"WHERE status = 'pending' AND kind IN ({marks})",
            kinds,
        )
        return None if value is None else from_db_time(value)

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        task: asyncio.Task[Any] = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- running ---------------------------------------------------------------------------

    async def run_due(self) -> int:
        """Run every job that is due now, batch by batch; return how many were run."""
        ran = 0
        if self._ready is not None:
            await self._ready()
        async with self._run_lock:
            while not self._stopping:
                ids = await self._due_ids()
                if not ids:
                    break
                outcomes = await asyncio.gather(*(self._run_limited(i) for i in ids))
                ran += sum(1 for outcome in outcomes if outcome in {"done", "retry", "failed"})
                if all(outcome == "skipped" for outcome in outcomes):
                    break
        await self.arm()
        return ran

    async def _due_ids(self) -> list[int]:
        kinds = list(self._handlers)
        if not kinds:
            return []
        marks = ",".join("?" * len(kinds))
        rows = await self._db.fetchall(
            f"SELECT id FROM scheduled_jobs WHERE status = 'pending' AND kind IN ({marks}) "
            f"AND due_at <= ? ORDER BY due_at, id LIMIT {BATCH_SIZE}",
            [*kinds, to_db_time(self._clock.now())],
        )
        return [int(row["id"]) for row in rows]

    async def _run_limited(self, job_id: int) -> str:
        async with self._limit:
            return await self.run_job(job_id)

    async def _tracked(self, job: Job) -> None:
        """Run the handler as a task of its own, known to ``stop()``, under its deadline."""
        handler = self._handlers[job.kind]

        async def guarded() -> None:
            async with asyncio.timeout(self.policy.handler_timeout) as deadline:
                self._deadlines[job.id] = deadline
                await handler(job)

        task = asyncio.ensure_future(guarded())
        self._running.add(task)
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            task.cancel()  # the caller was cancelled: so is the handler
            await asyncio.wait({task})
            raise
        finally:
            self._running.discard(task)
            self._deadlines.pop(job.id, None)

    async def run_job(self, job_id: int) -> str:
        """Claim and run one job. Returns done, retry, failed, missed or skipped."""
        now = self._clock.now()
        if self._stopping:
            return "skipped"
        row = await self.get(job_id)
        if row is None or row["status"] != "pending" or from_db_time(row["due_at"]) > now:
            return "skipped"
        job = Job.from_row(row)
        if job.kind not in self._handlers:
            return "skipped"
        overdue = now - job.due_at
        if overdue > self.policy.grace_period:
            return await self._mark_missed(job, overdue)
        late = overdue > self.policy.late_after
        # The claim: one UPDATE that only a pending row passes, so of several fires, or
        # several processes on one database, exactly one gets the job (SQLite serialises
        # writers; PostgreSQL re-checks the WHERE after the winner commits).
        claimed = await self._db.execute(
            "UPDATE scheduled_jobs SET status = 'running', attempts = attempts + 1, late = ?, "
            "claimed_by = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
            (int(late), self.worker, to_db_time(now), job_id),
        )
        if claimed != 1:
            return "skipped"
        job = Job(**{**job.__dict__, "attempts": job.attempts + 1, "late": late})
        return await self._execute(job)

    async def _execute(self, job: Job) -> str:
        try:
            await self._tracked(job)
        except asyncio.CancelledError:
            await self._release(job)
            raise
        except JobInterrupted as exc:
            if not self._stopping:  # only a stop may hand work back unchanged
                return await self._record_failure(job, exc)
            await self._release(job)
            log.info("job %d (%s) stopped part way for a restart", job.id, job.kind)
            return "skipped"
        except Exception as exc:
            return await self._record_failure(job, exc)
        await self._db.execute(
            "UPDATE scheduled_jobs SET status = 'done', last_error = NULL, updated_at = ? "
            "WHERE id = ?",
            (to_db_time(self._clock.now()), job.id),
        )
        log.info("job %d (%s) done%s", job.id, job.kind, " late" if job.late else "")
        return "done"

    async def _release(self, job: Job) -> None:
        """Give a claimed job back when shutdown interrupts its handler."""
        await self._db.execute(
            "UPDATE scheduled_jobs SET status = 'pending', attempts = MAX(attempts - 1, 0), "
            "updated_at = ? WHERE id = ? AND status = 'running'",
            (to_db_time(self._clock.now()), job.id),
        )

    async def _record_failure(self, job: Job, exc: BaseException) -> str:
        error = f"{type(exc).__name__}: {exc}"[:500]
        now = self._clock.now()
        if job.attempts >= self.policy.max_attempts:
            await self._db.execute(
                "UPDATE scheduled_jobs SET status = 'failed', last_error = ?, updated_at = ? "
                "WHERE id = ?",
                (error, to_db_time(now), job.id),
            )
            log.error(
                "job %d (%s) failed after %d attempts", job.id, job.kind, job.attempts, exc_info=exc
            )
            await self._report(job, "failed", error)
            return "failed"
        delay = min(self.policy.retry_delay * 2 ** (job.attempts - 1), MAX_RETRY_DELAY)
        await self._db.execute(
            "UPDATE scheduled_jobs SET status = 'pending', due_at = ?, last_error = ?, "
            "updated_at = ? WHERE id = ?",
            (to_db_time(now + delay), error, to_db_time(now), job.id),
        )
        log.warning(
            "job %d (%s) attempt %d failed (%s); retrying in %s",
            job.id,
            job.kind,
            job.attempts,
            type(exc).__name__,
            delay,
        )
        return "retry"

    async def _mark_missed(self, job: Job, overdue: timedelta) -> str:
        # In words moderators read ("overdue by 22h 5m"), to the minute.
        reason = f"overdue by {format_duration(timedelta(minutes=overdue // timedelta(minutes=1)))}"
        changed = await self._db.execute(
            "UPDATE scheduled_jobs SET status = 'missed', last_error = ?, updated_at = ? "
            "WHERE id = ? AND status = 'pending'",
            (reason, to_db_time(self._clock.now()), job.id),
        )
        if changed != 1:
            return "skipped"
        log.warning("job %d (%s) missed: %s", job.id, job.kind, reason)
        await self._report(job, "missed", reason)
        return "missed"

    async def _report(self, job: Job, outcome: str, error: str | None) -> None:
        if self._reporter is None:
            return
        try:
            await self._reporter(job, outcome, error)
        except Exception:
            log.exception("could not report %s job %d", outcome, job.id)
