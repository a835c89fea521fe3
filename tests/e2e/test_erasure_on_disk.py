"""After /profile delete has answered, no copy of the member's words is left on disk: not in
the database file, not in its write-ahead log (which SQLite reuses without truncating)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce

UNIQUE = {
    "name": "Quillon Varnebright",
    "affiliation": "Institute Zephyrqua",
    "bio": "Studies xylomorphic moderation ledgers.",
}


def _on_disk(db_path: Path) -> bytes:
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_an_erased_profile_is_gone_from_the_database_file_and_its_log(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(
        hub, amira.id, name=UNIQUE["name"], affiliation=UNIQUE["affiliation"], bio=UNIQUE["bio"]
    )
    for value in UNIQUE.values():  # the test can fail: the words were really written
        assert value.encode() in _on_disk(hub.db_path)
    asked = await hub.double.run_command(hub.guild_id, amira.id, "profile delete")
    done = await hub.double.click(
        hub.guild_id, amira.id, asked.message, f"profiles:erase:{amira.id}"
    )
    assert "deleted" in done.content
    for _ in range(3):  # later writes reuse the log; nothing of the member may come back
        other = await hub.double.add_member(hub.guild_id, f"other{_}")
        await introduce(hub, other.id, name=f"Other Person {_}")
    leftovers = [v for v in UNIQUE.values() if v.encode() in _on_disk(hub.db_path)]
    assert leftovers == []
