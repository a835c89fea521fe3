"""The audit log: who did what to what, kept in the database and mirrored for moderators.

Call ``record`` after the change it describes has committed, so the audit channel never
shows something that was rolled back. Details hold ids and facts, never personal text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import Clock, from_db_time, to_db_time
from bot.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    guild_id: int | None
    action: str
    created_at: datetime
    actor_id: int | None = None
    target: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


AuditMirror = Callable[[AuditEntry], Awaitable[None]]


class AuditLog:
    def __init__(self, db: Database, clock: Clock, mirror: AuditMirror | None = None) -> None:
        self._db = db
        self._clock = clock
        self._mirror = mirror

    async def record(
        self,
        guild_id: int | None,
        action: str,
        *,
        actor_id: int | None = None,
        target: str | None = None,
        details: dict[str, Any] | None = None,
        mirror: bool = True,
    ) -> AuditEntry:
        """Store the entry; ``mirror=False`` keeps routine reads out of the audit channel."""
        now = self._clock.now()
        body = details or {}
        entry_id = await self._db.insert(
            "INSERT INTO audit_log (guild_id, actor_id, action, target, details, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, actor_id, action, target, json.dumps(body, default=str), to_db_time(now)),
        )
        entry = AuditEntry(entry_id, guild_id, action, now, actor_id, target, body)
        if mirror and self._mirror is not None and guild_id is not None:
            try:
                await self._mirror(entry)
            except Exception:
                log.exception("could not mirror audit entry %d", entry_id)
        return entry

    async def recent(self, guild_id: int, limit: int = 20) -> list[AuditEntry]:
        rows = await self._db.fetchall(
            "SELECT * FROM audit_log WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [
            AuditEntry(
                id=int(row["id"]),
                guild_id=row["guild_id"],
                action=str(row["action"]),
                created_at=from_db_time(row["created_at"]),
                actor_id=row["actor_id"],
                target=row["target"],
                details=json.loads(row["details"]),
            )
            for row in rows
        ]

    async def export_member(self, guild_id: int, user_id: int) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT action, target, created_at FROM audit_log WHERE guild_id = ? "
            "AND (actor_id = ? OR target = ?) ORDER BY id",
            (guild_id, user_id, member_target(user_id)),
        )
        return [dict(row) for row in rows]

    async def forget_member(self, guild_id: int, user_id: int) -> int:
        """Erase a member's id from entries by or about them, keeping the bare facts."""
        by_them = await self._db.execute(
            "UPDATE audit_log SET actor_id = NULL WHERE guild_id = ? AND actor_id = ?",
            (guild_id, user_id),
        )
        about_them = await self._db.execute(
            "UPDATE audit_log SET target = 'a deleted member', details = '{}' "
            "WHERE guild_id = ? AND target = ?",
            (guild_id, member_target(user_id)),
        )
        return by_them + about_them


def member_target(user_id: int) -> str:
    """How entries about a member name them, so erasure can find every one."""
    return f"member:{user_id}"
