"""Transactions are all-or-nothing, also when other tasks write at the same time."""

from __future__ import annotations

import asyncio

import pytest

from bot.db import Database


async def make_table(db: Database) -> None:
    await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")


async def count(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM notes"))


async def test_transaction_commits_all_rows(db: Database) -> None:
    await make_table(db)
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO notes (text) VALUES ('a')")
        await tx.execute("INSERT INTO notes (text) VALUES ('b')")
    assert await count(db) == 2


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    await make_table(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes (text) VALUES ('a')")
            raise RuntimeError("boom")
    assert await count(db) == 0


async def test_failed_statement_rolls_back_earlier_rows(db: Database) -> None:
    await make_table(db)
    with pytest.raises(Exception, match="NOT NULL"):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes (text) VALUES ('a')")
            await tx.execute("INSERT INTO notes (text) VALUES (NULL)")
    assert await count(db) == 0


async def test_nested_transaction_is_a_savepoint(db: Database) -> None:
    await make_table(db)
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO notes (text) VALUES ('outer')")
        with pytest.raises(ValueError):
            async with tx.transaction() as inner:
                await inner.execute("INSERT INTO notes (text) VALUES ('inner')")
                raise ValueError
    rows = await db.fetchall("SELECT text FROM notes")
    assert [r["text"] for r in rows] == ["outer"]


async def test_other_tasks_do_not_join_an_open_transaction(db: Database) -> None:
    await make_table(db)
    inside = asyncio.Event()
    release = asyncio.Event()

    async def failing_transaction() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes (text) VALUES ('rolled back')")
            inside.set()
            await release.wait()
            raise RuntimeError("boom")

    async def outside_write() -> None:
        await inside.wait()
        await db.execute("INSERT INTO notes (text) VALUES ('kept')")

    first = asyncio.create_task(failing_transaction())
    second = asyncio.create_task(outside_write())
    await inside.wait()
    await asyncio.sleep(0.05)
    assert not second.done(), "a write from another task ran inside the open transaction"
    release.set()
    with pytest.raises(RuntimeError):
        await first
    await second
    rows = await db.fetchall("SELECT text FROM notes")
    assert [r["text"] for r in rows] == ["kept"]


async def test_a_task_spawned_inside_a_transaction_waits_for_it_and_keeps_its_own(
    db: Database,
) -> None:
    """Confirming an announcement spawned the scheduler's re-arm inside a transaction; the
    spawned task inherited the transaction and later jobs broke each other's savepoints."""
    await make_table(db)

    async def spawned_transaction(text: str, fail: bool) -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes (text) VALUES (?)", (text,))
            await asyncio.sleep(0)
            if fail:
                raise RuntimeError("the spawned job's own failure")

    async with db.transaction() as tx:
        await tx.execute("INSERT INTO notes (text) VALUES ('outer')")
        spawned = [
            asyncio.create_task(spawned_transaction(f"job {i}", fail=i % 2 == 1)) for i in range(6)
        ]
        await asyncio.sleep(0.05)
        assert not any(task.done() for task in spawned), "a spawned task joined the transaction"
        await tx.execute("INSERT INTO notes (text) VALUES ('outer, later')")
    results = await asyncio.gather(*spawned, return_exceptions=True)
    assert [isinstance(r, RuntimeError) for r in results] == [False, True] * 3
    rows = await db.fetchall("SELECT text FROM notes ORDER BY id")
    assert [r["text"] for r in rows] == ["outer", "outer, later", "job 0", "job 2", "job 4"]
