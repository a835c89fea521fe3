"""ExpertService on a real SQLite file: ranking, spelling, typos, hostile input, privacy."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.challenge_areas import load_areas
from bot.clock import OffsetClock
from bot.db import Database
from cogs.experts.index import Filters
from cogs.experts.service import ExpertInputError, ExpertService
from cogs.profiles.service import ProfileService

G = 1
BASE = {"affiliation": "Uni", "methods": "", "country": "GB", "career_stage": "senior",
        "languages": ["English"], "timezone": "Europe/London"}  # fmt: skip


async def person(
    profiles: ProfileService, user_id: int, name: str, expertise: str, **more: Any
) -> None:
    await profiles.save_draft(
        G,
        user_id,
        {**BASE, "name": name, "expertise": expertise, "bio": more.pop("bio", "x"), **more},
    )
    await profiles.confirm(G, user_id, verification_on=False)


@pytest.fixture
async def search(db: Database, clock: OffsetClock) -> ExpertService:
    catalog = load_areas()
    profiles = ProfileService(db, clock, catalog)
    await person(
        profiles, 1, "Amira", "online radicalisation, youth work", areas=["youth-radicalisation"]
    )
    await person(profiles, 2, "Ben", "evaluation", bio="I evaluate programmes on radicalisation.")
    await person(profiles, 3, "Chloe", "disinformation, conspiracy narratives", country="DE")
    await person(profiles, 4, "Dan", "organizational behavior")
    await person(profiles, 5, "Hidden", "radicalisation")
    await profiles.set_privacy(G, 5, None, False)
    await person(
        profiles,
        6,
        "Private",
        "policing",
        bio="secret radicalisation work",
        visibility="moderators",
    )
    await person(profiles, 7, "Gone", "radicalisation")
    await profiles.mark_left(G, 7)
    service = ExpertService(db, catalog, profiles)
    await service.load(G)
    return service


def names(service: ExpertService, query: str, filters: Filters | None = None) -> list[str]:
    return [r.profile.name for r in service.find(G, query, filters or Filters()).results]


async def test_expertise_ranks_above_bio_and_hidden_or_gone_never_appear(
    search: ExpertService,
) -> None:
    assert names(search, "radicalisation ") == ["Amira", "Ben"]
    page = search.find(G, "radicalisation ", Filters())
    assert page.results[0].why == [
        "online radicalisation (expertise)",
        "youth radicalisation (area)",
    ]
    assert page.results[1].why == ["bio"]


async def test_spelling_variants_find_each_other(search: ExpertService) -> None:
    assert "Amira" in names(search, "radicalization ")
    assert names(search, "organisational behaviour ") == ["Dan"]
    assert names(search, "Désinformation ") == ["Chloe"]


async def test_prefix_typo_and_suggestion(search: ExpertService) -> None:
    assert "Amira" in names(search, "radical")
    page = search.find(G, "disinfromation", Filters())
    assert page.corrected == {"disinfromation": "disinformation"}
    assert [r.profile.name for r in page.results] == ["Chloe"]
    assert search.nearest_keyword(G, "disinfo") == "disinformation"
    empty = search.find(G, "astrophysics", Filters())
    assert empty.results == [] and empty.total == 0


async def test_filters(search: ExpertService) -> None:
    assert names(search, "", Filters(country="DE")) == ["Chloe"]
    assert names(search, "radicalisation ", Filters(area="youth-radicalisation")) == ["Amira"]
    assert names(search, "radicalisation ", Filters(country="FR")) == []


async def test_bad_input_is_explained(search: ExpertService) -> None:
    with pytest.raises(ExpertInputError, match="Type what you are looking for"):
        search.find(G, "   ", Filters())
    with pytest.raises(ExpertInputError, match="201 characters long; keep it under 200"):
        search.find(G, "x" * 201, Filters())
    with pytest.raises(ExpertInputError, match="There is no area 'nope'"):
        search.find(G, "data", Filters(area="nope"))


async def test_index_follows_profile_changes(
    search: ExpertService, db: Database, clock: OffsetClock
) -> None:
    profiles = ProfileService(db, clock, load_areas())
    await person(profiles, 8, "Newcomer", "drone incidents")
    await search.refresh(G, 8)
    assert names(search, "drone ") == ["Newcomer"]
    await profiles.set_privacy(G, 8, None, False)
    await search.refresh(G, 8)
    assert names(search, "drone ") == []


@settings(
    max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    st.text(max_size=200)
    | st.sampled_from(['"', "AND", "NEAR(", "*", "a OR b", "🙂", "日本語", "(", "'--"])
)
def test_any_text_is_a_valid_query(search: ExpertService, query: str) -> None:
    try:
        page = search.find(G, query, Filters())
    except ExpertInputError:
        return
    assert page.total >= len(page.results)


def test_an_index_built_from_profiles_without_words_still_answers_later_searches() -> None:
    """Built while every searchable profile had no words, the index divided by zero on
    every later search until a rebuild."""
    from cogs.experts.index import Doc, ExpertIndex

    index = ExpertIndex()
    index.build([Doc(1, {"expertise": "", "bio": ""}), Doc(2, {})])
    index.upsert(Doc(3, {"expertise": "policing"}))
    hits = index.search(["policing"], [], Filters(), set(), limit=5, offset=0)
    assert hits.user_ids == [3]
