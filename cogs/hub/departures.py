"""A server that removed the bot: its data is kept for a while, then deleted, all of it.

Each network owns its members' data, so when a server removes the bot nothing of it should
stay for ever; but a removal by mistake (or a moderator re-inviting the bot after a clean-up)
must not cost the network its profiles, events and mentoring pairs. So the removal only
schedules the deletion (``HUB_LEFT_SERVER_RETENTION`` later, a row in ``scheduled_jobs``, so a
restart neither loses nor repeats it); adding the bot back before then cancels it, and
everything is as it was. The server's scheduled work is held while it is away (not run for
a server the bot is not in, where it would be lost) and pending again on its return, when
work that fell due meanwhile runs late or, past the grace period, is reported as missed.

The deletion covers every row with the server in a column whose name says ``guild``
(``guild_id``; ``expert_guild``, ``used_by_guild``, ``guild_low`` and ``guild_high`` of the
partner tables), found from the schema itself, so a table a later migration adds is covered
without a change here: links with partner networks and requests across them go too. It runs in one
transaction; afterwards the write-ahead log is truncated, as for a member's erasure.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.audit import AuditLog
from bot.clock import Clock, from_db_time, to_db_time
from bot.db import Database
from bot.scheduler import Scheduler

log = logging.getLogger(__name__)
PURGE_JOB = "hub.server_purge"
CHECKPOINT_TRIES = 50


def purge_key(guild_id: int) -> str:
    return f"server:{guild_id}"


@dataclass(frozen=True)
class Purged:
    """What a deletion removed: rows per table, and the members whose profiles went (their
    search index entries must go too)."""

    rows: dict[str, int]
    profile_user_ids: list[int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class ServerDepartures:
    def __init__(self, db: Database, clock: Clock, scheduler: Scheduler, audit: AuditLog) -> None:
        self._db = db
        self._clock = clock
        self._scheduler = scheduler
        self._audit = audit

    async def left(self, guild_id: int, keep: timedelta) -> datetime:
        """The bot was removed: schedule the deletion ``keep`` from now (an earlier pending
        one stands, so a second removal event does not push it back)."""
        due = self._clock.now() + keep
        async with self._db.transaction():
            await self._scheduler.schedule(
                PURGE_JOB, due, {}, guild_id=guild_id, key=purge_key(guild_id), replace=False
            )
            await self._db.execute(
                "UPDATE scheduled_jobs SET status = 'held', updated_at = ? "
                "WHERE guild_id = ? AND status = 'pending' AND kind != ?",
                (to_db_time(self._clock.now()), guild_id, PURGE_JOB),
            )
            pending = await self.pending_until(guild_id)
            await self._audit.record(
                guild_id, "hub.server_left", details={"deleted_after": pending or due}
            )
        return pending or due

    async def returned(self, guild_id: int) -> bool:
        """The bot is back in time: the deletion is cancelled and the server's held work is
        pending again. False when no deletion was pending."""
        cancelled = await self._scheduler.cancel_key(PURGE_JOB, purge_key(guild_id))
        if cancelled:
            await self._audit.record(guild_id, "hub.server_returned")
        if await self._release_held(guild_id):
            self._scheduler.rearm()  # what fell due meanwhile is looked at now
        return cancelled > 0

    async def _release_held(self, guild_id: int) -> int:
        """Held work back to pending; a held job whose key has since been planned again
        (the weekly digest, planned afresh when the server comes back) gives way to it.
        Every start comes through here for every server: one that has nothing held (almost
        always) costs an indexed read, not a write transaction."""
        held = await self._db.fetchval(
            "SELECT 1 FROM scheduled_jobs WHERE guild_id = ? AND status = 'held' LIMIT 1",
            (guild_id,),
        )
        if not held:
            return 0
        now = to_db_time(self._clock.now())
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE scheduled_jobs SET status = 'cancelled', last_error = ?, updated_at = ? "
                "WHERE guild_id = ? AND status = 'held' AND job_key IS NOT NULL AND EXISTS "
                "(SELECT 1 FROM scheduled_jobs AS planned WHERE planned.kind = "
                "scheduled_jobs.kind AND planned.job_key = scheduled_jobs.job_key "
                "AND planned.status = 'pending')",
                ("planned again when the server came back", now, guild_id),
            )
            return await tx.execute(
                "UPDATE scheduled_jobs SET status = 'pending', updated_at = ? "
                "WHERE guild_id = ? AND status = 'held'",
                (now, guild_id),
            )

    async def with_data(self) -> set[int]:
        """Servers that have data here: profiles, own settings or work still to do."""
        rows = await self._db.fetchall(
            "SELECT guild_id FROM profiles UNION SELECT guild_id FROM server_settings "
            "UNION SELECT guild_id FROM scheduled_jobs WHERE status IN ('pending', 'held') "
            "AND guild_id IS NOT NULL AND kind != ?",
            (PURGE_JOB,),
        )
        return {int(row["guild_id"]) for row in rows}

    async def pending_until(self, guild_id: int) -> datetime | None:
        """When this server's data will be deleted, if a deletion is pending."""
        due = await self._db.fetchval(
            "SELECT due_at FROM scheduled_jobs WHERE kind = ? AND job_key = ? "
            "AND status = 'pending'",
            (PURGE_JOB, purge_key(guild_id)),
        )
        return None if due is None else from_db_time(due)

    async def purge(self, guild_id: int, keep_job_id: int | None = None) -> Purged:
        """Delete every row of the server in one transaction, then record that it happened
        (counts only). ``keep_job_id`` is the running purge job, left for the scheduler to
        mark done."""
        async with self._db.transaction() as tx:
            await tx.execute("PRAGMA defer_foreign_keys = ON")
            users = await tx.fetchall(
                "SELECT user_id FROM profiles WHERE guild_id = ?", (guild_id,)
            )
            rows: dict[str, int] = {}
            for table, column in await self._server_columns():
                sql = f'DELETE FROM "{table}" WHERE "{column}" = ?'  # names from the schema
                params: tuple[int, ...] = (guild_id,)
                if table == "scheduled_jobs" and keep_job_id is not None:
                    sql += " AND id != ?"
                    params = (guild_id, keep_job_id)
                rows[table] = rows.get(table, 0) + await tx.execute(sql, params)
            await self._audit.record(
                guild_id, "hub.server_deleted", details={"rows": sum(rows.values())}
            )
        await self._forget_old_pages()
        return Purged({t: n for t, n in rows.items() if n}, [int(u["user_id"]) for u in users])

    async def _forget_old_pages(self) -> None:
        """Truncate the write-ahead log, which still holds the deleted rows' old pages. A
        search running at that moment holds a snapshot that makes the checkpoint partial, so
        it is tried again until it is complete (a member's erasure leaves that to the next
        one; a server's deletion has no next one)."""
        for _ in range(CHECKPOINT_TRIES):
            busy = await self._db.fetchval("PRAGMA wal_checkpoint(TRUNCATE)")
            if not busy:
                return
            await asyncio.sleep(0.1)
        log.warning("the write-ahead log could not be truncated after a server's deletion; "
                    "the next erasure or checkpoint will")  # fmt: skip

    async def _server_columns(self) -> list[tuple[str, str]]:
        """(table, column) for every column that names a server (``guild_id``,
        ``expert_guild``, ``guild_low``…). The order does not matter: foreign keys are
        checked at the commit (``defer_foreign_keys``), when every row of the server is gone."""
        tables = await self._db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        found: list[tuple[str, str]] = []
        for table in tables:
            name = str(table["name"])
            columns = await self._db.fetchall(f"PRAGMA table_info('{name}')")
            names = [str(column["name"]) for column in columns]
            found += [(name, column) for column in names if "guild" in column]
        return found
