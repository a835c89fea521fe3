"""Expert search and saved searches. The search itself lives in ``search_service.py`` (on a
tantivy index kept off the event loop); its names are re-exported here for the cog."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.textmatch import tokens
from cogs.experts.search_index import Filters
from cogs.experts.search_service import (
    PAGE_SIZE,
    ExpertInputError,
    ExpertService,
    Result,
    SearchPage,
)

__all__ = ["PAGE_SIZE", "ExpertInputError", "ExpertService", "Result", "SavedSearch",
           "SavedSearches", "SearchPage"]  # fmt: skip
AS_TYPED = "as_typed"  # kept with the filters: the search asked for no corrections
PARTNERS = "partners"  # kept with the filters: linked partner networks searched too


@dataclass(frozen=True)
class SavedSearch:
    query: str
    filters: Filters
    as_typed: bool = False
    partners: bool = False


class SavedSearches:
    """Searches kept for their page buttons; personal data, so exported and erased."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def save(
        self,
        guild_id: int,
        user_id: int,
        query: str,
        filters: Filters,
        as_typed: bool = False,
        partners: bool = False,
    ) -> int:
        options: dict[str, object] = {k: v for k, v in filters.__dict__.items() if v is not None}
        options.update({k: True for k, on in ((AS_TYPED, as_typed), (PARTNERS, partners)) if on})
        body = json.dumps(options)
        return await self._db.insert(
            "INSERT INTO expert_searches (guild_id, user_id, query, filters, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (guild_id, user_id, query, body, to_db_time(self._clock.now())),
        )

    async def get(self, search_id: int, user_id: int) -> SavedSearch | None:
        row = await self._db.fetchone(
            "SELECT query, filters FROM expert_searches WHERE id = ? AND user_id = ?",
            (search_id, user_id),
        )
        if row is None:
            return None
        options = json.loads(row["filters"])
        as_typed, partners = (bool(options.pop(k, False)) for k in (AS_TYPED, PARTNERS))
        return SavedSearch(str(row["query"]), Filters(**options), as_typed, partners)

    async def export(self, guild_id: int, user_id: int) -> list[dict[str, object]]:
        rows = await self._db.fetchall(
            "SELECT query, filters, created_at FROM expert_searches WHERE guild_id = ? "
            "AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return [dict(r) for r in rows]

    async def erase(self, guild_id: int, user_id: int) -> int:
        """The member's own searches, and every other member's search that names them.

        Results are never stored (a page is searched again when shown, and an erased member
        has left the index), but a query such as "Amira Haddad" would still say who was
        looked for. The name is read here, inside the erasure, before the profile goes."""
        own = await self._db.execute(
            "DELETE FROM expert_searches WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        name = await self._db.fetchval(
            "SELECT name FROM profiles WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        parts = {t for t in tokens(str(name or "")) if len(t) >= 3}
        if not parts:
            return own
        rows = await self._db.fetchall(
            "SELECT id, query FROM expert_searches WHERE guild_id = ?", (guild_id,)
        )
        naming = [(int(r["id"]),) for r in rows if parts & set(tokens(str(r["query"])))]
        await self._db.executemany("DELETE FROM expert_searches WHERE id = ?", naming)
        return own + len(naming)

    async def purge(self, older_than: timedelta) -> int:
        """Retention: a search older than this is deleted; its page buttons then say so."""
        cutoff = to_db_time(self._clock.now() - older_than)
        removed = await self._db.execute(
            "DELETE FROM expert_searches WHERE created_at < ?", (cutoff,)
        )
        if removed:
            await self._db.forget_old_pages()  # no copy of the queries left in the log
        return removed
