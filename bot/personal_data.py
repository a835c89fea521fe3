"""One hook through which every feature exports and erases a member's data.

Each feature registers an exporter and an eraser (Red-DiscordBot's pattern). ``/profile
export`` gathers every feature's rows; ``/profile delete`` and the retention purge erase them
all in one transaction, so a member's data is either all there or all gone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.db import Database

Exporter = Callable[[int, int], Awaitable[Any]]
"""(guild_id, user_id) -> JSON-able data about the member."""
Eraser = Callable[[int, int], Awaitable[int]]
"""(guild_id, user_id) -> rows removed; runs inside the shared erasure transaction."""


@dataclass(frozen=True)
class _Hook:
    export: Exporter
    erase: Eraser


class PersonalData:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._hooks: dict[str, _Hook] = {}

    def register(self, feature: str, *, export: Exporter, erase: Eraser) -> None:
        self._hooks[feature] = _Hook(export, erase)

    @property
    def features(self) -> list[str]:
        return sorted(self._hooks)

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        return {
            name: await hook.export(guild_id, user_id) for name, hook in sorted(self._hooks.items())
        }

    async def erase(self, guild_id: int, user_id: int) -> dict[str, int]:
        """Erase in every feature at once; if one fails, nothing is erased.

        Hooks run in name order, so a hook may still read a later feature's rows: saved
        searches read the member's profile name ("profiles" comes after "expert_searches")
        to delete other members' searches that name them."""
        removed: dict[str, int] = {}
        async with self._db.transaction():
            for name, hook in sorted(self._hooks.items()):
                removed[name] = await hook.erase(guild_id, user_id)
        await self._db.forget_old_pages()  # no copy left in the write-ahead log either
        return removed
