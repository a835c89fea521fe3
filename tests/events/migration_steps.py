"""A database as it was before a migration, to test that migration on existing rows."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.clock import OffsetClock
from bot.db import Database
from bot.migrations import MIGRATIONS_DIR, migrate


async def database_before(tmp_path: Path, clock: OffsetClock, number: int) -> Database:
    """A database with every migration numbered below ``number`` applied, and no other."""
    before = tmp_path / "migrations"
    before.mkdir()
    for script in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if int(script.name[:4]) < number:
            shutil.copy(script, before)
    db = await Database.open(tmp_path / "hub.sqlite3")
    await migrate(db, clock, before)
    return db


async def apply(db: Database, tmp_path: Path, clock: OffsetClock, number: int) -> None:
    """Now apply migration ``number`` itself to the database ``database_before`` made."""
    [script] = MIGRATIONS_DIR.glob(f"{number:04d}_*.sql")
    shutil.copy(script, tmp_path / "migrations")
    await migrate(db, clock, tmp_path / "migrations")
