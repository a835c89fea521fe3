"""Migration 0020 on a database with languages stored as names: every stored list and filter
holds ISO 639 codes afterwards, in the same order, so mentoring still finds shared ones."""

from __future__ import annotations

import json
from pathlib import Path

from bot.clock import OffsetClock
from tests.events.migration_steps import apply, database_before

T0 = "2030-01-01T10:00:00.000000Z"
PROFILE = (
    "INSERT INTO profiles (guild_id, user_id, name, affiliation, expertise, country, "
    "career_stage, languages, timezone, confirmed_at, created_at, updated_at) "
    "VALUES (5, ?, 'N', 'A', '[]', 'GB', 'senior', ?, 'UTC', ?, ?, ?)"
)


async def test_0020_turns_language_names_into_codes(tmp_path: Path, clock: OffsetClock) -> None:
    db = await database_before(tmp_path, clock, 20)
    await db.execute(PROFILE, (1, json.dumps(["English", "arabic", "Klingon"]), T0, T0, T0))
    await db.execute(PROFILE, (2, json.dumps(["Norwegian"]), T0, T0, T0))
    await db.execute(
        "INSERT INTO mentor_offers (guild_id, user_id, capacity, languages, offer, created_at, "
        "updated_at) VALUES (5, 1, 1, ?, 'o', ?, ?)",
        (json.dumps(["French", "English"]), T0, T0),
    )
    await db.execute(
        "INSERT INTO mentee_requests (guild_id, user_id, goals, languages, created_at, "
        "updated_at) VALUES (5, 2, 'g', ?, ?, ?)",
        (json.dumps(["Persian"]), T0, T0),
    )
    await db.execute(
        "INSERT INTO profile_drafts (guild_id, user_id, data, updated_at) VALUES (5, 3, ?, ?)",
        (json.dumps({"name": "D", "languages": ["German", "Swahili"]}), T0),
    )
    await db.execute(
        "INSERT INTO expert_searches (guild_id, user_id, query, filters, created_at) "
        "VALUES (5, 1, 'q', ?, ?)",
        (json.dumps({"country": "GB", "language": "German"}), T0),
    )
    await apply(db, tmp_path, clock, 20)

    rows = await db.fetchall("SELECT user_id, languages FROM profiles ORDER BY user_id")
    assert [json.loads(r["languages"]) for r in rows] == [["en", "ar", "Klingon"], ["no"]]
    assert json.loads(await db.fetchval("SELECT languages FROM mentor_offers")) == ["fr", "en"]
    assert json.loads(await db.fetchval("SELECT languages FROM mentee_requests")) == ["fa"]
    draft = json.loads(await db.fetchval("SELECT data FROM profile_drafts"))
    assert draft == {"name": "D", "languages": ["de", "sw"]}
    filters = json.loads(await db.fetchval("SELECT filters FROM expert_searches"))
    assert filters == {"country": "GB", "language": "de"}
    await db.close()
