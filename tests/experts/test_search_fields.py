"""The searched text of a profile: one field in which each part is a value of its own."""

from __future__ import annotations

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
