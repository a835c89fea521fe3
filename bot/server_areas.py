"""Each server's challenge areas: its own list when its moderators uploaded one, else the
bot's file (``HUB_CHALLENGE_AREAS_FILE``).

A partner network works on other questions than the hub, so its areas are its own. The
list is kept as the TOML text the moderators uploaded (``server_areas``), checked by the same
rules as the file at start-up, and held in memory once read: every feature asks ``of(server)``
for the catalogue that applies, which costs a dictionary lookup. Rows that name an area a
server later drops are kept: a member's choice comes back if the area does, and an event's
area reads as its slug meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.challenge_areas import AreaCatalog, AreaConfigError, parse_areas
from bot.clock import Clock, to_db_time
from bot.db import Database

log = logging.getLogger(__name__)
Listener = Callable[[int], Awaitable[None]]


class ServerAreas:
    def __init__(self, default: AreaCatalog) -> None:
        self.default = default
        self._own: dict[int, AreaCatalog] = {}
        self._listeners: list[Listener] = []

    def of(self, guild_id: int | None) -> AreaCatalog:
        """The areas that apply on this server (the bot's file without a server)."""
        if guild_id is None:
            return self.default
        return self._own.get(guild_id, self.default)

    def is_own(self, guild_id: int) -> bool:
        return guild_id in self._own

    def on_change(self, listener: Listener) -> None:
        """Call ``listener(guild_id)`` after a server's list is replaced or reset."""
        self._listeners.append(listener)

    async def load(self, db: Database) -> None:
        """Read every server's own list, at start-up. One that a newer version's rules
        refuse is logged and the bot's file serves that server, rather than the bot not
        starting for every server."""
        self._own = {}
        for row in await db.fetchall("SELECT guild_id, source FROM server_areas"):
            try:
                self._own[int(row["guild_id"])] = parse_areas(str(row["source"]), "stored list")
            except AreaConfigError as exc:
                log.warning("server %s: its own areas are no longer valid (%s)", row[0], exc)

    async def store(self, tx: Database, guild_id: int, text: str, clock: Clock) -> AreaCatalog:
        """Write ``text`` as the server's list inside the caller's transaction, and return it;
        raises AreaConfigError (naming the entry and the problem) when it is not a valid list.
        It applies once the caller has committed and called ``adopt``."""
        catalog = parse_areas(text, "the uploaded file")
        await tx.execute(
            "INSERT INTO server_areas (guild_id, source, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET source = excluded.source, "
            "updated_at = excluded.updated_at",
            (guild_id, text, to_db_time(clock.now())),
        )
        return catalog

    @staticmethod
    async def drop(tx: Database, guild_id: int) -> bool:
        """Remove the server's own list inside the caller's transaction; False when it had
        none. The bot's file applies once the caller has committed and called ``adopt``."""
        return await tx.execute("DELETE FROM server_areas WHERE guild_id = ?", (guild_id,)) > 0

    async def adopt(self, guild_id: int, catalog: AreaCatalog | None) -> None:
        """After the commit: ``catalog`` is the server's list from now on (None: the file's)."""
        if catalog is None:
            self._own.pop(guild_id, None)
        else:
            self._own[guild_id] = catalog
        for listener in self._listeners:
            await listener(guild_id)

    def forget(self, guild_id: int) -> None:
        """The server's rows were deleted (it removed the bot long ago): drop its list."""
        self._own.pop(guild_id, None)
