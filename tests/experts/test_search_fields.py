"""The searched text of a profile: one field in which each part is a value of its own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cogs.experts.search_index import Doc, Filters, SearchIndex
from cogs.experts.search_query import Scope, ranking
from cogs.experts.search_text import parse

G = 1


def test_a_quoted_phrase_never_spans_two_keywords_or_two_parts(tmp_path: Path) -> None:
    """Keywords were one text joined by ' ; ', which the tokenizer drops: 'online' ending
    one keyword and 'radicalisation' starting the next matched "online radicalisation"."""
    index = SearchIndex(tmp_path / "index")
    index.open()
    index.replace_all(
        [
            Doc(1, {"expertise": "youth online ; radicalisation"}, guild_id=G),
            Doc(2, {"expertise": "online radicalisation"}, guild_id=G),
            Doc(3, {"methods": "surveys online", "bio": "radicalisation research"}, guild_id=G),
            Doc(4, {"bio": "studies online radicalization"}, guild_id=G),
            Doc(5, {"bio": "policing and drones"}, guild_id=G),
            Doc(6, {"expertise": "drones", "bio": "policing"}, guild_id=G),
            Doc(7, {"expertise": "drones"}, guild_id=G),
        ]
    )
    query = ranking(parse('"online radicalisation"'), Scope(G, Filters()), set(), index)
    hits = index.search(query, 5, 0)
    assert sorted(hits.user_ids) == [2, 4] and hits.total == 2
    # A few matches are ranked and counted in one pass: the searcher is left out of both,
    # and a keyword still outweighs the bio.
    query = ranking(parse("drones "), Scope(G, Filters(), exclude_user=7), set(), index)
    hits = index.search(query, 5, 0)
    assert hits.user_ids == [6, 5] and hits.total == 2
    index.close()


def test_a_common_word_across_partners_shows_as_good_a_page_and_the_same_count(
    tmp_path: Path,
) -> None:
    """With many matches the best are first read without the server filter (so tantivy can
    skip profiles) and checked after: the page must score as the filtered search's (equal
    scores may come in another order) and show only members the search may show, and the
    count must be the filter's. A guard for a faster path, not a change of what is found."""
    index = SearchIndex(tmp_path / "index")
    index.open()

    def guild(i: int) -> int:
        return 1 if i % 3 else 2 + i % 4

    index.replace_all(
        Doc(
            i,
            {"expertise": "drones" + " drones" * (i % 7), "bio": "policing " * (i % 5)},
            guild_id=guild(i),
            partner_visible=i % 4 == 1,
        )
        for i in range(24_000)
    )
    for scope, shown in (
        (Scope(1, Filters(), 8, partners=(2, 3, 4), every_other_linked=True), {2, 3, 4, 5}),
        (Scope(1, Filters(), 8, partners=(2,)), {2}),
        (Scope(1, Filters(), 8), set()),
    ):
        fast = ranking(parse("drones policing "), scope, set(), index)
        assert fast.servers is not None and fast.expected >= 20_000
        for page in (0, 3):
            hits = index.search(fast, 5, page * 5)
            filtered = index.search(replace(fast, servers=None), 5, page * 5)
            assert hits.total == filtered.total and hits.scores == filtered.scores
            assert 8 not in hits.user_ids and len(hits.user_ids) == 5
            assert all(g == 1 or (g in shown and u % 4 == 1) for g, u in hits.keys)
    index.close()


def test_a_filter_keeps_the_order_of_what_it_keeps(tmp_path: Path) -> None:
    """A filter (a country, the server) was a term scored like a word: its score, the same
    for every result, was then multiplied by the verified boost, so a country put a weaker
    match of a verified member above a better one (and the server ranked its own members
    above partners' equally good ones)."""
    index = SearchIndex(tmp_path / "index")
    index.open()
    index.replace_all(
        [
            Doc(1, {"bio": "drones drones drones"}, guild_id=G, country="GB"),
            Doc(
                2,
                {"bio": "drones drones drones policing policing policing"},
                guild_id=G,
                country="GB",
                verified=True,
            ),
            *(Doc(10 + i, {"bio": "other words"}, guild_id=G, country="DE") for i in range(30)),
        ]
    )
    for filters in (Filters(), Filters(country="GB")):
        query = ranking(parse("drones "), Scope(G, filters), set(), index)
        assert index.search(query, 5, 0).user_ids == [1, 2]
    index.close()
