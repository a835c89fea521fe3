"""The migration runner on a real SQLite file: apply once, refuse edits and gaps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.clock import OffsetClock
from bot.db import Database
from bot.migrations import MIGRATIONS_DIR, MigrationError, migrate, schema_version


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    target = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, target)
    return target


async def open_db(path: Path) -> Database:
    return await Database.open(path)


async def test_fresh_database_gets_every_migration(
    db_path: Path, clock: OffsetClock, migrations_dir: Path
) -> None:
    db = await open_db(db_path)
    applied = await migrate(db, clock, migrations_dir)
    assert [m.version for m in applied] == list(range(1, len(applied) + 1))
    assert await db.table_exists("scheduled_jobs")
    assert await db.table_exists("audit_log")
    assert await schema_version(db) == len(applied)
    mode = await db.fetchval("PRAGMA journal_mode")
    assert mode == "wal"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    await db.close()


async def test_rerun_changes_nothing(
    db_path: Path, clock: OffsetClock, migrations_dir: Path
) -> None:
    db = await open_db(db_path)
    await migrate(db, clock, migrations_dir)
    before = await db.fetchall("SELECT * FROM schema_migrations")
    await db.close()
    db = await open_db(db_path)
    assert await migrate(db, clock, migrations_dir) == []
    after = await db.fetchall("SELECT * FROM schema_migrations")
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
    await db.close()


async def test_new_file_is_applied_in_its_own_transaction(
    db_path: Path, clock: OffsetClock, migrations_dir: Path
) -> None:
    db = await open_db(db_path)
    count = len(await migrate(db, clock, migrations_dir))
    broken = migrations_dir / f"{count + 1:04d}_broken.sql"
    broken.write_text("CREATE TABLE half (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n")
    with pytest.raises(MigrationError, match=f"{broken.name} failed and was rolled back"):
        await migrate(db, clock, migrations_dir)
    assert not await db.table_exists("half")
    assert await schema_version(db) == count
    broken.write_text("CREATE TABLE whole (id INTEGER);\n")
    assert [m.name for m in await migrate(db, clock, migrations_dir)] == ["broken"]
    assert await db.table_exists("whole")
    await db.close()


async def test_edited_applied_file_is_refused(
    db_path: Path, clock: OffsetClock, migrations_dir: Path
) -> None:
    db = await open_db(db_path)
    await migrate(db, clock, migrations_dir)
    first = migrations_dir / "0001_core.sql"
    first.write_text(first.read_text() + "\n-- a harmless looking edit\n")
    with pytest.raises(MigrationError) as caught:
        await migrate(db, clock, migrations_dir)
    message = str(caught.value)
    assert "0001_core.sql was edited after it was applied" in message
    assert "new migration" in message
    await db.close()


async def test_gap_in_numbering_is_refused(
    db_path: Path, clock: OffsetClock, migrations_dir: Path
) -> None:
    count = len(list(migrations_dir.glob("*.sql")))
    (migrations_dir / f"{count + 2:04d}_later.sql").write_text("SELECT 1;")
    db = await open_db(db_path)
    with pytest.raises(MigrationError, match=f"migration {count + 1:04d} is missing"):
        await migrate(db, clock, migrations_dir)
    assert not await db.table_exists("scheduled_jobs")
    await db.close()


async def test_badly_named_file_is_refused(
    db_path: Path, clock: OffsetClock, migrations_dir: Path
) -> None:
    (migrations_dir / "2-extra.sql").write_text("SELECT 1;")
    db = await open_db(db_path)
    with pytest.raises(MigrationError, match=r"2-extra\.sql: migration files must be named"):
        await migrate(db, clock, migrations_dir)
    await db.close()


async def test_database_newer_than_code_is_refused(
    db_path: Path, clock: OffsetClock, migrations_dir: Path
) -> None:
    db = await open_db(db_path)
    await migrate(db, clock, migrations_dir)
    await db.execute(
        "INSERT INTO schema_migrations VALUES (99, 'future', 'x', '2030-01-01T00:00:00.000000Z')"
    )
    with pytest.raises(MigrationError, match="has migration 0099, which this code does not have"):
        await migrate(db, clock, migrations_dir)
    await db.close()
