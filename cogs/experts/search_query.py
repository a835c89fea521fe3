"""From what a member typed to one tantivy query: fields weighted, every spelling of each
word, phrases, the last word as a prefix, typos corrected, filters, and boosts.

Ranking: BM25 over the weighted fields; the prefix of a word still being typed counts a
little; a quoted phrase must match. The best candidates are then ranked again
(``SearchIndex.search``): verified profiles and members of the areas the query is about
rank higher. Profiles holding the query words as a phrase rank higher too (see
``_phrase_boost`` for when).
"""

from __future__ import annotations

from dataclasses import dataclass

import tantivy
from rapidfuzz import process
from rapidfuzz.distance import OSA

from cogs.experts.search_index import (
    FIELD_WEIGHTS,
    PHRASE_FIELDS,
    SCHEMA,
    Filters,
    Ranking,
    SearchIndex,
    area_bits,
)
from cogs.experts.search_text import ParsedQuery, Word, phrase_spellings, plain, spellings

PREFIX_SCORE = 0.3
PHRASE_BOOST = 2.0
PHRASE_SHARE = 0.05  # the phrase boost is used when a word of it is in at most 5% of profiles
MAX_PHRASE_WORDS = 6
STANDS = 50  # a word this many profiles use is not corrected
RATIO = 10  # a word in a few profiles yields to one within reach used ten times as often
Clause = tuple[tantivy.Occur, tantivy.Query]


def typo_distance(typed: str) -> int:
    """Edits allowed for a word of this length: none under 5 letters, 1, then 2 from 9."""
    return 0 if len(typed) < 5 else 1 if len(typed) < 9 else 2


def _term(name: str, value: object) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, name, value)


@dataclass(frozen=True)
class Scope:
    """Which profiles may appear at all: the server, the filters, never the searcher."""

    guild_id: int
    filters: Filters
    exclude_user: int | None = None
    shared: bool = True  # the index holds other servers too (else the server is no filter)

    def clauses(self) -> list[Clause]:
        f = self.filters
        guild = self.guild_id if self.shared else None
        wanted = [("guild", guild), ("areas", f.area), ("country", f.country),
                  ("stage", f.stage), ("open_to", f.open_to),
                  ("languages", f.language)]  # fmt: skip
        found = [(tantivy.Occur.Must, _term(n, v)) for n, v in wanted if v is not None]
        if self.exclude_user is not None:
            key = f"{self.guild_id}:{self.exclude_user}"
            found.append((tantivy.Occur.MustNot, _term("key", key)))
        return found


@dataclass(frozen=True)
class Correction:
    term: str  # the word searched for, as profiles write it
    alone: bool  # the typed word is in no profile: searched instead of it, not beside it


def correction(index: SearchIndex, guild_id: int, word: Word) -> Correction | None:
    """What this word was probably meant as, or None if it stands as typed.

    Frequency-aware: of the words within the allowed edits, the one most profiles use wins,
    so a common word beats someone's misspelling of it, even when that misspelling is in a
    profile or two (then both are searched, the typed one first). Candidates come from the
    live index, so a word added a minute ago counts. They are read by shared prefix, widest
    last: three letters, two, the first two swapped, then the first letter alone unless a
    common word was already found."""
    distance = typo_distance(word.typed)
    typed = plain(word.typed)
    own = max((index.doc_freq(plain(s)) for s in spellings(typed)), default=0)
    if not distance or not typed or own >= STANDS:
        return None
    found: dict[str, tuple[int, int]] = {}
    for prefix in dict.fromkeys([typed[:3], typed[:2], typed[1::-1], typed[:1]]):
        found.update(_near(index, typed, prefix, distance))
        if any(df >= STANDS for df, _ in found.values()):
            break
    ranked = sorted(((df, -edits, term) for term, (df, edits) in found.items()), reverse=True)
    for df, _, term in ranked:
        if df < max(1, own * RATIO):
            break
        if index.doc_freq_in(guild_id, term):
            return Correction(term, alone=own == 0)
    return None


def _near(index: SearchIndex, typed: str, prefix: str, distance: int) -> dict[str, tuple[int, int]]:
    """Indexed words starting with ``prefix`` within ``distance`` edits of ``typed``: how
    many profiles hold each, and how many edits away it is."""
    counts = {
        term: df
        for term, df in index.vocabulary(prefix)
        if term != typed and abs(len(term) - len(typed)) <= distance
    }
    close = process.extract(
        typed, list(counts), scorer=OSA.distance, score_cutoff=distance, limit=None
    )
    return {str(term): (counts[str(term)], int(edits)) for term, edits, _ in close}


def _word_clauses(stems: tuple[str, ...]) -> list[Clause]:
    """One flat list of term queries (every field, every spelling): cheap to score."""
    return [
        (tantivy.Occur.Should, tantivy.Query.boost_query(_term(name, s), weight))
        for s in stems
        for name, weight in FIELD_WEIGHTS.items()
    ]


def _phrase_query(phrase: list[Word]) -> tantivy.Query:
    parts = [
        (tantivy.Occur.Should, tantivy.Query.phrase_query(SCHEMA, name, spelling))
        for spelling in phrase_spellings(phrase)
        for name in PHRASE_FIELDS
    ]
    return tantivy.Query.boolean_query(parts)


def _prefix_query(word: Word) -> tantivy.Query:
    typed = plain(word.typed)
    automaton = tantivy.Query.fuzzy_term_query(SCHEMA, "words", typed, distance=0, prefix=True)
    return tantivy.Query.const_score_query(automaton, PREFIX_SCORE)


def _all(clauses: list[Clause]) -> tantivy.Query:
    return tantivy.Query.boolean_query(clauses)


def _phrase_boost(index: SearchIndex, sequence: list[Word]) -> list[Clause]:
    """Profiles holding the query's words as a phrase score higher, when one of its words is
    rare enough for that to be cheap: a phrase of words in most profiles (e.g. 'online
    radicalisation') reads most position lists, about 10 ms at 100,000 profiles."""
    if len(sequence) < 2 or len(sequence) > MAX_PHRASE_WORDS:
        return []
    rarest = min(index.doc_freq(plain(w.typed)) for w in sequence)
    if rarest > PHRASE_SHARE * max(1, index.size):
        return []
    phrase = tantivy.Query.boost_query(_phrase_query(sequence), PHRASE_BOOST)
    return [(tantivy.Occur.Should, phrase)]


def ranking(
    parsed: ParsedQuery, scope: Scope, boost_areas: set[str], index: SearchIndex
) -> Ranking:
    """Profiles matching any word (or the prefix) and every quoted phrase, within the scope;
    with no words, every profile in the scope (filters alone)."""
    scoring = [c for w in parsed.words for c in _word_clauses(w.stems)]
    scoring += _phrase_boost(index, parsed.sequence) if scoring else []
    counting = [
        (tantivy.Occur.Should, _term(name, s))
        for w in parsed.words
        for s in w.stems
        for name in FIELD_WEIGHTS
    ]
    if parsed.prefix is not None:
        prefix = (tantivy.Occur.Should, _prefix_query(parsed.prefix))
        scoring.append(prefix)
        counting.append(prefix)
    must = [(tantivy.Occur.Must, _phrase_query(p)) for p in parsed.phrases] + scope.clauses()
    if not scoring and not parsed.phrases:
        must.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    if scoring:
        must_scored = [(tantivy.Occur.Must, _all(scoring)), *must]
        must_counted = [(tantivy.Occur.Must, _all(counting)), *must]
    else:
        must_scored = must_counted = must
    return Ranking(_all(must_scored), _all(must_counted), area_bits(boost_areas))
