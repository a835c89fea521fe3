"""The tantivy search engine on a real SQLite file: spellings, typos against the live index,
phrases, reasons in the member's own words, the index on disk, rebuilds and concurrent edits."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

from bot.challenge_areas import load_areas
from bot.clock import OffsetClock
from bot.db import Database
from bot.server_areas import ServerAreas
from cogs.experts.search_engine import DOC_COLUMNS, doc_from_row, to_doc
from cogs.experts.search_index import STATE_FILE, Filters
from cogs.experts.search_service import ExpertInputError, ExpertService
from cogs.experts.search_text import stems_of
from cogs.profiles.service import ProfileService

G = 1
BASE = {"affiliation": "Uni", "methods": "", "country": "GB", "career_stage": "senior",
        "languages": ["English"], "timezone": "Europe/London", "bio": "x"}  # fmt: skip


async def person(
    db: Database, clock: OffsetClock, user_id: int, expertise: str, **more: Any
) -> None:
    profiles = ProfileService(db, clock, ServerAreas(load_areas()))
    name = more.pop("name", f"Person {user_id}")
    await profiles.save_draft(G, user_id, {**BASE, "name": name, "expertise": expertise, **more})
    await profiles.confirm(G, user_id, verification_on=False)


@pytest.fixture
async def service(db: Database) -> AsyncIterator[ExpertService]:
    catalog = ServerAreas(load_areas())
    found = ExpertService(db, catalog, ProfileService(db, OffsetClock(), catalog))
    yield found
    await found.close()


async def names(service: ExpertService, query: str, **options: Any) -> list[str]:
    page = await service.find(G, query, options.pop("filters", Filters()), **options)
    return [r.profile.name for r in page.results]


def test_every_british_and_american_pair_of_breame_meets() -> None:
    """A query in either spelling searches the other's indexed form too."""
    apart = [
        (uk, us)
        for uk, us in BRITISH_ENGLISH_SPELLINGS.items()
        if " " not in uk and not set(stems_of(uk)) & set(stems_of(us))
    ]
    assert apart == []


@pytest.mark.parametrize(
    ("written", "searched"),
    [("programme evaluation", "program"), ("defense policy", "defence"),
     ("agent-based modelling", "modeling"), ("trauma counseling", "counselling"),
     ("professional judgement", "judgment"), ("youth radicalization", "radicalisation"),
     ("behaviour change", "behavior"), ("research center", "centre")],
)  # fmt: skip
async def test_spelling_variants_find_each_other(
    service: ExpertService, db: Database, clock: OffsetClock, written: str, searched: str
) -> None:
    await person(db, clock, 1, written, name="Writer")
    await service.load(G)
    assert await names(service, searched + " ") == ["Writer"]


async def test_a_typo_reaches_the_common_word_not_another_misspelling(
    service: ExpertService, db: Database, clock: OffsetClock
) -> None:
    for user in range(1, 13):
        await person(db, clock, user, "propaganda")
    await person(db, clock, 20, "propahanda studies", name="Typist")
    await service.load(G)
    page = await service.find(G, "propahanda", Filters())
    assert page.corrected == {"propahanda": "propaganda"}
    assert page.total == 13  # the typed word is searched too: the typist still shows
    page = await service.find(G, "propagamda", Filters())
    assert page.corrected == {"propagamda": "propaganda"} and page.total == 12


async def test_a_word_from_a_profile_added_after_start_is_corrected(
    service: ExpertService, db: Database, clock: OffsetClock
) -> None:
    await person(db, clock, 1, "policing")
    await service.load(G)
    await person(db, clock, 2, "extremism", name="Newcomer")
    await service.refresh(G, 2)
    page = await service.find(G, "extremsim", Filters())
    assert page.corrected == {"extremsim": "extremism"}
    assert [r.profile.name for r in page.results] == ["Newcomer"]


async def test_quoted_phrases_must_match_and_loose_words_rank_the_phrase_first(
    service: ExpertService, db: Database, clock: OffsetClock
) -> None:
    await person(db, clock, 1, "hate speech", name="Phrase")
    await person(db, clock, 2, "speech acts, hate crime", name="Apart")
    for user in range(3, 30):
        await person(db, clock, user, "policing", name=f"Other {user}")
    await service.load(G)
    assert await names(service, '"hate speech"') == ["Phrase"]
    assert (await names(service, "hate speech "))[0] == "Phrase"
    assert await names(service, '"speech hate"') == []


async def test_reasons_quote_the_profile_never_a_stem(
    service: ExpertService, db: Database, clock: OffsetClock
) -> None:
    await person(db, clock, 1, "organizational behavior", methods="Counselling senior citizens",
                 bio="Methods for minors", name="Dana")  # fmt: skip
    await service.load(G)
    page = await service.find(G, "organisational counseling citizen minor method ", Filters())
    assert page.results[0].why == [
        "organizational behavior (expertise)",
        "Counselling, citizens (methods)",
        "Methods, minors (bio)",
    ]


async def test_the_searcher_is_left_out_of_their_own_results(
    service: ExpertService, db: Database, clock: OffsetClock
) -> None:
    await person(db, clock, 1, "drone incidents", name="Searcher")
    await person(db, clock, 2, "drone policy", name="Other")
    await service.load(G)
    assert await names(service, "drone ", searcher=1) == ["Other"]
    assert sorted(await names(service, "drone ")) == ["Other", "Searcher"]


async def test_the_index_lives_beside_the_database_and_is_reused_when_current(
    db: Database, db_path: Path, clock: OffsetClock
) -> None:
    await person(db, clock, 1, "drone incidents", name="Kept")
    catalog = ServerAreas(load_areas())
    first = ExpertService(db, catalog, ProfileService(db, clock, catalog))
    await first.load(G)
    assert first.engine.builds == 1
    await first.close()
    assert (db_path.parent / (db_path.name + ".search") / STATE_FILE).exists()

    again = ExpertService(db, catalog, ProfileService(db, clock, catalog))
    await again.load(G)
    assert again.engine.builds == 0 and await names(again, "drones") == ["Kept"]
    await again.close()

    # Changed in SQLite while no index followed (a crash before the index's commit).
    await db.execute(
        "UPDATE profiles SET expertise = ? WHERE user_id = 1", (json.dumps(["boats"]),)
    )
    stale = ExpertService(db, catalog, ProfileService(db, clock, catalog))
    await stale.load(G)
    assert stale.engine.builds == 1 and await names(stale, "boats") == ["Kept"]
    await stale.close()


async def test_an_index_of_another_version_is_rebuilt(
    db: Database, db_path: Path, clock: OffsetClock
) -> None:
    await person(db, clock, 1, "drone incidents", name="Kept")
    catalog = ServerAreas(load_areas())
    first = ExpertService(db, catalog, ProfileService(db, clock, catalog))
    await first.load(G)
    await first.close()
    state = db_path.parent / (db_path.name + ".search") / STATE_FILE
    state.write_text(json.dumps({**json.loads(state.read_text()), "schema": "older"}))
    again = ExpertService(db, catalog, ProfileService(db, clock, catalog))
    await again.load(G)
    assert again.engine.builds == 1 and await names(again, "drones") == ["Kept"]
    await again.close()


async def test_searches_during_a_rebuild_answer_from_the_previous_index(
    service: ExpertService, db: Database, clock: OffsetClock
) -> None:
    for user in range(1, 41):
        await person(db, clock, user, "online radicalisation")
    await service.load(G)
    rebuild = asyncio.ensure_future(service.engine.rebuild())
    totals = []
    while not rebuild.done():
        totals.append((await service.find(G, "radicalisation", Filters())).total)
    await rebuild
    assert totals and set(totals) == {40}


async def test_searches_while_profiles_change_never_fail_nor_see_half_an_edit(
    service: ExpertService, db: Database, clock: OffsetClock
) -> None:
    """Each edit swaps a word (a delete and an add in the index): every profile is always
    found exactly once by the word all share, never twice nor missing mid-edit."""
    for user in range(1, 21):
        await person(db, clock, user, "alpha, drones")
    await service.load(G)

    async def edit(round_: int) -> None:
        for user in range(1, 21):
            word = "boats" if (user + round_) % 2 else "drones"
            await db.execute(
                "UPDATE profiles SET expertise = ? WHERE user_id = ?",
                (json.dumps(["alpha", word]), user),
            )
            await service.refresh(G, user)

    async def search() -> list[tuple[int, int]]:
        seen = []
        for _ in range(60):
            page = await service.find(G, "alpha", Filters())
            seen.append((page.total, len(page.results)))
            await asyncio.sleep(0)
        return seen

    edits = asyncio.gather(*(edit(r) for r in range(3)))
    seen = await asyncio.gather(search(), search())
    await edits
    assert {s for run in seen for s in run} == {(20, 5)}


async def test_an_erased_member_leaves_no_word_in_the_index_files(
    service: ExpertService, db: Database, db_path: Path, clock: OffsetClock
) -> None:
    await person(db, clock, 1, "policing")
    await person(db, clock, 2, "zephyrquaxlor", name="Erased")
    await service.load(G)
    folder = db_path.parent / (db_path.name + ".search")
    before = {p.name for p in folder.iterdir()}
    vocabulary = await service.engine.run(lambda index: index.vocabulary("zephyr"))
    assert vocabulary == [("zephyrquaxlor", 1)]  # the test can fail: the word was written
    await db.execute("DELETE FROM profile_areas WHERE user_id = 2")
    await db.execute("DELETE FROM profiles WHERE user_id = 2")
    await service.refresh(G, 2)
    # A deleted document's words stay in its segment (and so in typo corrections) until the
    # segment is rewritten: after an erasure no file that held them is left.
    assert await service.engine.run(lambda index: index.vocabulary("zephyr")) == []
    segments = {n.split(".")[0] for n in before if "." in n and len(n.split(".")[0]) == 32}
    assert segments and not {p.name.split(".")[0] for p in folder.iterdir()} & segments
    assert await names(service, "zephyrquaxlor") == []
    assert (await service.find(G, "zephyrquaxlr", Filters())).corrected == {}


async def test_bad_filters_and_empty_searches_are_explained(service: ExpertService) -> None:
    await service.load(G)
    with pytest.raises(ExpertInputError, match="Type what you are looking for"):
        await service.find(G, '  "" ', Filters())
    assert (await service.find(G, "anything", Filters())).total == 0


async def test_a_build_and_a_profile_change_index_a_profile_alike(
    db: Database, db_path: Path, clock: OffsetClock
) -> None:
    """The build reads rows directly (fast); a change goes through Profile: both must give
    the same document, or every start would find the index stale."""
    await person(db, clock, 1, "drones, boats", visibility="moderators",
                 open_to=["media-enquiries"], areas=["data", "evaluation"],
                 languages=["English", "Arabic"])  # fmt: skip
    await person(db, clock, 2, "policing")
    # Keywords a fast reading of the stored JSON could get wrong: accents (stored as \u
    # escapes), a quote, a backslash, brackets and commas.
    await person(db, clock, 3, 'Désinformation, "lone" actors, a\\b, x],[y')
    profiles = ProfileService(db, clock, ServerAreas(load_areas()))
    connection = sqlite3.connect(db_path)
    for user in (1, 2, 3):
        row = connection.execute(
            f"SELECT {DOC_COLUMNS} FROM profiles WHERE user_id = ?", (user,)
        ).fetchone()
        profile = await profiles.get(G, user)
        assert profile is not None
        assert doc_from_row(row, profile.areas) == to_doc(profile)
    connection.close()
