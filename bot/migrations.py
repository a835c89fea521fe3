"""Applies ``migrations/NNNN_name.sql`` in order, each in one transaction, with checksums.

The runner refuses to start on anything that would leave the schema uncertain: an applied
file that was edited, a gap or a duplicate in the numbering, or a database that is newer
than the code. Each refusal names the file and says what to do.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock, to_db_time
from bot.db import Database

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


class MigrationError(Exception):
    """The schema cannot be brought up to date safely; the message says what to do."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Read and check the migration files: well named, numbered 1, 2, 3… without gaps."""
    migrations: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(
                f"{path}: migration files must be named like 0003_add_events.sql "
                "(four digits, underscore, lower-case name). Rename the file."
            )
        sql = path.read_text(encoding="utf-8")
        migrations.append(Migration(int(match.group(1)), match.group(2), path, sql))
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            if migration.version < expected:
                raise MigrationError(
                    f"{migration.path.name}: number {migration.version:04d} is used twice. "
                    "Give the newer file the next free number."
                )
            raise MigrationError(
                f"{migration.path.name}: migration {expected:04d} is missing before it "
                "(numbering has a gap). Renumber the new files so the numbers run on "
                "without gaps."
            )
    return migrations


async def applied_versions(db: Database) -> dict[int, str]:
    await db.execute(_CREATE_TABLE)
    rows = await db.fetchall("SELECT version, checksum FROM schema_migrations ORDER BY version")
    return {int(row["version"]): str(row["checksum"]) for row in rows}


def _check_applied(migrations: list[Migration], applied: dict[int, str], db_path: Path) -> None:
    known = {m.version: m for m in migrations}
    for version, checksum in applied.items():
        migration = known.get(version)
        if migration is None:
            raise MigrationError(
                f"{db_path} has migration {version:04d}, which this code does not have. "
                "Run the newer version of the bot, or restore a backup made by this version."
            )
        if migration.checksum != checksum:
            raise MigrationError(
                f"{migration.path.name} was edited after it was applied to {db_path}. "
                "Restore the file as it was (git checkout) and put the change in a new "
                f"migration, {len(migrations) + 1:04d}_<name>.sql."
            )


async def migrate(db: Database, clock: Clock, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply every pending migration; return the ones applied now."""
    migrations = discover(directory)
    applied = await applied_versions(db)
    _check_applied(migrations, applied, db.path)
    pending = [m for m in migrations if m.version not in applied]
    for migration in pending:
        await _apply(db, migration, clock)
        log.info("applied migration %s", migration.path.name)
    return pending


async def _apply(db: Database, migration: Migration, clock: Clock) -> None:
    # executescript() would commit any open transaction first, so the transaction is part of
    # the script itself; on an error SQLite stops the script and we roll back what it began.
    record = (
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES "
        f"({migration.version}, '{migration.name}', '{migration.checksum}', "
        f"'{to_db_time(clock.now())}');"
    )
    script = f"BEGIN IMMEDIATE;\n{migration.sql}\n;\n{record}\nCOMMIT;"
    connection = db.connection
    try:
        await connection.executescript(script)
    except Exception as exc:
        if connection.in_transaction:
            await connection.execute("ROLLBACK")
        raise MigrationError(
            f"{migration.path.name} failed and was rolled back: {exc}. Fix the SQL and start again."
        ) from exc


async def schema_version(db: Database) -> int:
    value = await db.fetchval("SELECT MAX(version) FROM schema_migrations")
    return int(value or 0)
