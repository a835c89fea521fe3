"""ProfileService on a real SQLite file: drafts, confirmation, leaving, export and erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.challenge_areas import load_areas
from bot.clock import OffsetClock
from bot.db import Database
from bot.server_areas import ServerAreas
from cogs.profiles.fields import ProfileInputError
from cogs.profiles.service import ProfileService

G, U = 100, 200
DRAFT = {
    "name": "Amira Haddad",
    "affiliation": "University of Leeds",
    "expertise": "Online radicalisation, online radicalisation, RCTs",
    "methods": "",
    "bio": "Youth and online spaces.",
    "country": "GB",
    "career_stage": "early-career",
    "languages": ["English", "Arabic"],
    "timezone": "Europe/London",
    "areas": ["youth-radicalisation", "not-an-area"],
    "open_to": ["being-mentored"],
}


@pytest.fixture
def service(db: Database, clock: OffsetClock) -> ProfileService:
    return ProfileService(db, clock, ServerAreas(load_areas()))


async def test_draft_is_kept_and_confirm_writes_all_rows(
    service: ProfileService, db: Database
) -> None:
    await service.save_draft(G, U, {"name": "Amira"})
    assert (await service.draft(G, U))["name"] == "Amira"
    await service.save_draft(G, U, DRAFT)
    result = await service.confirm(G, U, verification_on=False)
    assert result.created
    profile = result.profile
    assert profile.expertise == ("Online radicalisation", "RCTs")
    assert profile.areas == ("youth-radicalisation",)
    rows = await db.fetchall("SELECT folded FROM profile_keywords WHERE user_id = ?", (U,))
    assert [r["folded"] for r in rows] == ["online radicalisation", "rcts"]
    assert await db.fetchval("SELECT COUNT(*) FROM profile_drafts") == 0


async def test_missing_choices_are_named(service: ProfileService) -> None:
    await service.save_draft(G, U, {**DRAFT, "country": None, "timezone": ""})
    with pytest.raises(ProfileInputError, match="Still missing: country, time zone"):
        await service.confirm(G, U, verification_on=False)
    assert await service.get(G, U) is None


async def test_reconfirm_edits_in_place(service: ProfileService, db: Database) -> None:
    await service.save_draft(G, U, DRAFT)
    await service.confirm(G, U, verification_on=True)
    await service.save_draft(G, U, {**DRAFT, "name": "Dr Amira Haddad", "areas": ["data"]})
    result = await service.confirm(G, U, verification_on=True)
    assert not result.created
    assert result.profile.name == "Dr Amira Haddad"
    assert result.profile.areas == ("data",)
    assert result.profile.verification == "pending"
    assert await db.fetchval("SELECT COUNT(*) FROM profiles") == 1


async def test_leave_and_return_and_nudge(service: ProfileService, clock: OffsetClock) -> None:
    await service.save_draft(G, U, DRAFT)
    await service.confirm(G, U, verification_on=False)
    assert await service.mark_left(G, U)
    assert await service.is_left(G, U)
    assert await service.count(G) == 0
    assert await service.mark_returned(G, U)
    assert await service.count(G) == 1
    assert not await service.due_for_nudge(G, U, timedelta(days=180))
    clock.advance(timedelta(days=181))
    assert await service.due_for_nudge(G, U, timedelta(days=180))
    await service.mark_nudged(G, U)
    assert not await service.due_for_nudge(G, U, timedelta(days=180))
    await service.reconfirm(G, U)
    clock.advance(timedelta(days=200))
    assert await service.due_for_nudge(G, U, timedelta(days=180))


async def test_export_and_erase_cover_every_table(service: ProfileService, db: Database) -> None:
    await service.save_draft(G, U, DRAFT)
    await service.confirm(G, U, verification_on=False)
    await service.record_roles(G, U, [5, 6])
    await service.save_draft(G, U, {"bio": "half-typed"})
    data = await service.export(G, U)
    assert data["profile"]["name"] == "Amira Haddad"
    assert data["keywords"] == ["Online radicalisation", "RCTs"]
    assert data["roles_given_by_bot"] == [5, 6]
    assert data["unfinished_introduction"]["bio"] == "half-typed"
    async with db.transaction():
        assert await service.erase(G, U) > 0
    for table in (
        "profiles",
        "profile_keywords",
        "profile_areas",
        "profile_roles",
        "profile_drafts",
    ):
        assert await db.fetchval(f"SELECT COUNT(*) FROM {table}") == 0, table
