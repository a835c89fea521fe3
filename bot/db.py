"""The database: one aiosqlite connection, WAL mode, and all-or-nothing transactions.

One connection is shared by every feature. An asyncio lock serialises statements so a
transaction opened by one task never swallows another task's writes. A transaction has an
owner, the task that opened it: only that task's statements join it, and only its nested
``transaction()`` blocks become savepoints. Every other task waits for the commit, even one
spawned from inside the transaction (a context variable would be inherited by such a task,
which then wrote into, and broke the savepoints of, a transaction that was not its own).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

BUSY_TIMEOUT_MS = 5_000
# The write-ahead log is cut back to this size whenever it is reset, so old page images
# (erased members' data among them) do not linger in a large, reused file.
JOURNAL_SIZE_LIMIT = 1_048_576

Row = sqlite3.Row
Params = Sequence[Any] | dict[str, Any]


class Database:
    """A handle on the bot's SQLite file; open with ``await Database.open(path)``."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._conn = connection
        self.path = path
        self._lock = asyncio.Lock()
        self._savepoint_counter = 0
        self._owner: asyncio.Task[Any] | None = None  # the task whose transaction is open

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = sqlite3.Row
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute("PRAGMA synchronous = NORMAL")
        # Deleted content is overwritten with zeros, not just unlinked: an erased member's
        # data must not survive in free pages of the main file.
        await connection.execute("PRAGMA secure_delete = ON")
        await connection.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
        return cls(connection, path)

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    @property
    def connection(self) -> aiosqlite.Connection:
        """The raw connection, for the migration runner; features use the methods below."""
        return self._conn

    def _in_own_transaction(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """Hold the lock unless this task is already inside its own transaction."""
        if self._in_own_transaction():
            yield
            return
        async with self._lock:
            yield

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""
        async with self._turn():
            cursor = await self._conn.execute(sql, params)
            count = cursor.rowcount
            await cursor.close()
            return count

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT; return the new row id."""
        async with self._turn():
            cursor = await self._conn.execute(sql, params)
            row_id = cursor.lastrowid
            await cursor.close()
            if row_id is None:
                raise RuntimeError("INSERT produced no row id")
            return row_id

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._turn():
            await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        # One hop to SQLite's thread (execute, fetch and close together) instead of three.
        async with self._turn():
            return list(await self._conn.execute_fetchall(sql, params))

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """All statements inside commit together or not at all.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so a transaction never fails half
        way with "database is locked" after it has read something.
        """
        if self._in_own_transaction():
            async with self._savepoint():
                yield self
            return
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            self._owner = asyncio.current_task()
            try:
                yield self
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")
            finally:
                self._owner = None

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        self._savepoint_counter += 1
        name = f"sp_{self._savepoint_counter}"
        await self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await self._conn.execute(f"ROLLBACK TO {name}")
            await self._conn.execute(f"RELEASE {name}")
            raise
        else:
            await self._conn.execute(f"RELEASE {name}")

    async def forget_old_pages(self) -> None:
        """Copy the write-ahead log into the main file and truncate it to nothing, so that no
        older copy of a page (such as an erased member's rows) stays on disk. Used after an
        erasure; an open reader (a backup) can make the checkpoint partial, and then the
        next erasure or the journal size limit finishes the job."""
        async with self._turn():
            await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def table_exists(self, name: str) -> bool:
        found = await self.fetchval(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        )
        return found is not None


def backup_database(source: Path, destination: Path) -> None:
    """Copy a consistent snapshot with SQLite's online backup API, safe while the bot runs."""
    if not source.exists():
        raise FileNotFoundError(f"There is no database at {source}.")
    if destination.exists():
        raise FileExistsError(f"{destination} already exists. Choose a new file name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(destination)
    try:
        src.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()
