"""ExpertService on a real SQLite file: ranking, spelling, typos, hostile input, privacy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.challenge_areas import load_areas
from bot.clock import OffsetClock
from bot.db import Database
from bot.server_areas import ServerAreas
from cogs.experts.search_index import Doc, Filters, SearchIndex
from cogs.experts.search_query import Scope, ranking
from cogs.experts.search_text import build_analyzer, one_spelling, parse, stem, words
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
async def search(db: Database, clock: OffsetClock) -> AsyncIterator[ExpertService]:
    catalog = ServerAreas(load_areas())
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
    yield service
    await service.close()


async def names(service: ExpertService, query: str, filters: Filters | None = None) -> list[str]:
    return [r.profile.name for r in (await service.find(G, query, filters or Filters())).results]


async def test_expertise_ranks_above_bio_and_hidden_or_gone_never_appear(
    search: ExpertService,
) -> None:
    assert await names(search, "radicalisation ") == ["Amira", "Ben"]
    page = await search.find(G, "radicalisation ", Filters())
    assert page.results[0].why == [
        "online radicalisation (expertise)",
        "youth radicalisation (area)",
    ]
    assert page.results[1].why == ["radicalisation (bio)"]  # the member's word, not a stem


async def test_spelling_variants_find_each_other(search: ExpertService) -> None:
    assert "Amira" in await names(search, "radicalization ")
    assert await names(search, "organisational behaviour ") == ["Dan"]
    assert await names(search, "Désinformation ") == ["Chloe"]


async def test_prefix_typo_and_suggestion(search: ExpertService) -> None:
    assert "Amira" in await names(search, "radical")
    page = await search.find(G, "disinfromation", Filters())
    assert page.corrected == {"disinfromation": "disinformation"}
    assert [r.profile.name for r in page.results] == ["Chloe"]
    assert search.nearest_keyword(G, "disinfo") == "disinformation"
    empty = await search.find(G, "astrophysics", Filters())
    assert empty.results == [] and empty.total == 0


async def test_filters(search: ExpertService) -> None:
    assert await names(search, "", Filters(country="DE")) == ["Chloe"]
    assert await names(search, "radicalisation ", Filters(area="youth-radicalisation")) == ["Amira"]
    assert await names(search, "radicalisation ", Filters(country="FR")) == []


async def test_bad_input_is_explained(search: ExpertService) -> None:
    with pytest.raises(ExpertInputError, match="Type what you are looking for"):
        await search.find(G, "   ", Filters())
    with pytest.raises(ExpertInputError, match="201 characters long; keep it under 200"):
        await search.find(G, "x" * 201, Filters())
    with pytest.raises(ExpertInputError, match="There is no area 'nope'"):
        await search.find(G, "data", Filters(area="nope"))


async def test_index_follows_profile_changes(
    search: ExpertService, db: Database, clock: OffsetClock
) -> None:
    profiles = ProfileService(db, clock, ServerAreas(load_areas()))
    await person(profiles, 8, "Newcomer", "drone incidents")
    await search.refresh(G, 8)
    assert await names(search, "drone ") == ["Newcomer"]
    await profiles.set_privacy(G, 8, None, False)
    await search.refresh(G, 8)
    assert await names(search, "drone ") == []


@settings(
    max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    st.text(max_size=200)
    | st.sampled_from(['"', "AND", "NEAR(", "*", "a OR b", "🙂", "日本語", "(", "'--"])
)
async def test_any_text_is_a_valid_query(search: ExpertService, query: str) -> None:
    try:
        page = await search.find(G, query, Filters())
    except ExpertInputError:
        return
    assert page.total >= len(page.results)


def test_an_index_built_from_profiles_without_words_still_answers_later_searches(
    tmp_path: Path,
) -> None:
    """Built while every searchable profile had no words, the old index divided by zero on
    every later search until a rebuild."""
    index = SearchIndex(tmp_path / "index")
    assert index.open() is None  # nothing on disk: built afresh
    index.replace_all([Doc(1, {"expertise": "", "bio": ""}, guild_id=G), Doc(2, {}, guild_id=G)])
    assert (
        index.search(ranking(parse("policing"), Scope(G, Filters()), set(), index), 5, 0).total == 0
    )
    index.upsert(Doc(3, {"expertise": "policing"}, guild_id=G))
    index.commit()
    hits = index.search(ranking(parse("policing"), Scope(G, Filters()), set(), index), 5, 0)
    assert hits.user_ids == [3]
    index.close()


def test_both_spellings_of_a_word_weigh_the_same(tmp_path: Path) -> None:
    """-ise and -ize are one term in the index: searched as two stems, the rarer spelling
    weighed more, and the one member who wrote 'radicalization' ranked above four who
    wrote 'radicalisation' the same way."""
    index = SearchIndex(tmp_path / "index")
    index.open()
    british = [Doc(u, {"expertise": "radicalisation", "bio": "x"}, guild_id=G) for u in range(1, 5)]
    american = Doc(5, {"expertise": "radicalization", "bio": "x"}, guild_id=G)
    capitals = Doc(6, {"expertise": "RADICALISATION", "bio": "x"}, guild_id=G)
    index.replace_all([*british, american, capitals])
    for typed in ("radicalisation", "Radicalization", "RADICALISED"):
        hits = index.search(ranking(parse(typed), Scope(G, Filters()), set(), index), 10, 0)
        assert hits.user_ids == [1, 2, 3, 4, 5, 6], typed  # equal scores: by user id
        assert len(set(hits.scores)) == 1, typed
    index.close()


ENDINGS = ["ise", "ize", "ised", "ized", "ising", "isation", "izations", "yse", "ysed", "yzing"]
WORDS = ["radical", "organ", "anal", "this", "cris", "İstanbul", "Théor", "x" * 38, "7", "a"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(WORDS),
            st.sampled_from(["", *ENDINGS, *(e.upper() for e in ENDINGS), "is", "es"]),
            st.sampled_from([" ", "_", "-", "; ", "\x1e", "İ", ""]),
        ),
        max_size=12,
    )
)
def test_the_index_holds_each_word_as_stem_gives_it(parts: list[tuple[str, str, str]]) -> None:
    """What reasons and queries stem one word at a time is what the index made of the whole
    text (spellings unified in both, the same words dropped as too long)."""
    text = "".join(w + ending + sep for w, ending, sep in parts)
    indexed = build_analyzer().analyze(one_spelling(text))
    assert indexed == [s for w in words(text) if (s := stem(w))]


@pytest.mark.parametrize(
    ("british", "american"),
    [("behaviour", "behavior"), ("programme", "program"), ("centre", "center")],
)
def test_a_word_searched_in_its_spellings_weighs_the_same_in_each(
    tmp_path: Path, british: str, american: str
) -> None:
    """Spellings still searched as several terms are each weighed as the word: before, the
    rarer spelling's term weighed more, and its one writer ranked above the four others."""
    index = SearchIndex(tmp_path / "index")
    index.open()
    docs = [Doc(u, {"expertise": british, "bio": "x"}, guild_id=G) for u in range(1, 5)]
    docs.append(Doc(5, {"expertise": american, "bio": "x"}, guild_id=G))
    docs.append(Doc(6, {"expertise": "policing", "bio": "x"}, guild_id=G))
    index.replace_all(docs)
    for typed in (british, american):
        hits = index.search(ranking(parse(typed), Scope(G, Filters()), set(), index), 10, 0)
        assert sorted(hits.user_ids) == [1, 2, 3, 4, 5], typed
        assert max(hits.scores) == pytest.approx(min(hits.scores), rel=1e-5), typed
    index.close()
