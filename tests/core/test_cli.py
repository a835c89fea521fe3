"""``python -m bot migrate`` and ``python -m bot backup PATH`` as an operator runs them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.clock import OffsetClock
from bot.db import Database
from bot.migrations import migrate
from tests.core.test_settings import run_bot


def test_migrate_applies_then_has_nothing_to_do(tmp_path: Path) -> None:
    env = {"HUB_DATABASE_PATH": str(tmp_path / "nested" / "hub.sqlite3")}
    first = run_bot(env, "migrate", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "0001_core.sql" in first.stdout
    second = run_bot(env, "migrate", cwd=tmp_path)
    assert second.returncode == 0
    assert "nothing to do" in second.stdout


async def test_backup_copies_a_consistent_snapshot_while_open(
    tmp_path: Path, clock: OffsetClock
) -> None:
    source = tmp_path / "hub.sqlite3"
    db = await Database.open(source)
    await migrate(db, clock)
    await db.execute("CREATE TABLE notes (text TEXT)")
    await db.executemany("INSERT INTO notes VALUES (?)", [(f"n{i}",) for i in range(500)])
    target = tmp_path / "backups" / "copy.sqlite3"
    result = run_bot({"HUB_DATABASE_PATH": str(source)}, "backup", str(target), cwd=tmp_path)
    await db.close()
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT COUNT(*) FROM notes").fetchone() == (500,)
    copy.close()


def test_backup_refuses_to_overwrite(tmp_path: Path) -> None:
    source = tmp_path / "hub.sqlite3"
    assert run_bot({"HUB_DATABASE_PATH": str(source)}, "migrate", cwd=tmp_path).returncode == 0
    target = tmp_path / "exists.sqlite3"
    target.write_text("precious")
    result = run_bot({"HUB_DATABASE_PATH": str(source)}, "backup", str(target), cwd=tmp_path)
    assert result.returncode == 3
    assert "already exists" in result.stderr
    assert target.read_text() == "precious"


def test_start_refuses_an_edited_migration_with_exit_3(tmp_path: Path) -> None:
    source = tmp_path / "hub.sqlite3"
    assert run_bot({"HUB_DATABASE_PATH": str(source)}, "migrate", cwd=tmp_path).returncode == 0
    db = sqlite3.connect(source)
    db.execute("UPDATE schema_migrations SET checksum = 'different' WHERE version = 1")
    db.commit()
    db.close()
    result = run_bot({"HUB_DATABASE_PATH": str(source)}, "migrate", cwd=tmp_path)
    assert result.returncode == 3
    assert "0001_core.sql was edited after it was applied" in result.stderr
    assert "Traceback" not in result.stderr
