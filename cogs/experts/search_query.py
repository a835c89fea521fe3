"""From what a member typed to one tantivy query: parts weighted, every spelling of each
word, phrases, the last word as a prefix, typos corrected, filters, and boosts.

Ranking: BM25 over the profile's text, each part written into it as often as it weighs;
the likely endings of a word still being typed count a little; a quoted phrase must match.
The best candidates are then ranked again (``SearchIndex.search``): verified profiles,
members of the areas the query is about, and profiles holding the query's words as a
phrase rank higher.

Every scoring clause is a term query on one field (a clause a spelling; a word searched in
several spellings has each boosted to the weight of the word, so no spelling counts more),
the cheapest to score: a search counts its matches in the ranking pass, so it scores every
profile holding its words (about a millisecond for 'online radicalisation' at 100,000
profiles); a search across servers that reads its candidates without counting lets
tantivy skip the profiles that cannot reach them (block-max WAND). The phrase is checked
among the best candidates only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import tantivy
from rapidfuzz import process
from rapidfuzz.distance import OSA

from cogs.experts.search_index import (
    SCHEMA,
    TEXT,
    Filters,
    Ranking,
    SearchIndex,
    Servers,
    area_bits,
)
from cogs.experts.search_text import (
    ParsedQuery,
    Word,
    phrase_spellings,
    plain,
    spellings,
    stems_of,
)

PREFIX_WEIGHT = 0.3  # an ending guessed for a word being typed counts this much of a word
COMPLETIONS = 8  # the most used words a word being typed may become
MAX_PHRASE_WORDS = 6
STANDS = 50  # a word this many profiles use, and at least
STANDS_SHARE = 0.01  # this share of them, is taken as meant and not corrected
RATIO = 10  # a word in a few profiles yields to one within reach used ten times as often
Clause = tuple[tantivy.Occur, tantivy.Query]


def typo_distance(typed: str) -> int:
    """Edits allowed for a word of this length: none under 5 letters, 1, then 2 from 9."""
    return 0 if len(typed) < 5 else 1 if len(typed) < 9 else 2


def _term(name: str, value: object) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, name, value)


def _filter(query: tantivy.Query) -> tantivy.Query:
    """A condition that adds nothing to the score: a term of the server or a filter scored
    like a word, so members of this server (a rarer term than 'opted in') ranked above
    partners' equally good matches, and the rank depended on which filters were chosen."""
    return tantivy.Query.const_score_query(query, 0.0)


@dataclass(frozen=True)
class Scope:
    """Which profiles may appear at all: the server (and the linked partner networks'
    members who chose to be found), the filters, never the searcher."""

    guild_id: int
    filters: Filters
    exclude_user: int | None = None
    shared: bool = True  # the index holds other servers too (else the server is no filter)
    partners: tuple[int, ...] = ()  # linked servers searched too (their opted-in members)
    every_other_linked: bool = False  # no server in the index is outside the partners

    def clauses(self) -> list[Clause]:
        """What a profile must be to appear (the searcher is left out afterwards, in
        ``SearchIndex.search``, which keeps the scoring query a plain union)."""
        f = self.filters
        guild = self.guild_id if self.shared and not self.partners else None
        wanted = [("guild", guild), ("areas", f.area), ("country", f.country),
                  ("stage", f.stage), ("open_to", f.open_to),
                  ("languages", f.language)]  # fmt: skip
        found = [(tantivy.Occur.Must, _filter(_term(n, v))) for n, v in wanted if v is not None]
        return found + self._networks()

    def within(self) -> tuple[tantivy.Query, ...]:
        """The servers searched, as queries to try in turn, cheapest first (none: the index
        holds this server alone). With partners, this server alone comes first: reading the
        whole network's filter costs about 1 ms at 100,000 profiles, this server's 0.1 ms,
        and a word someone mistyped is usually used here too."""
        if self.partners:
            return _term("guild", self.guild_id), _all(self._networks())
        return (_term("guild", self.guild_id),) if self.shared else ()

    def _networks(self) -> list[Clause]:
        """This server's members, or a partner's who opted in (``partners`` = 1)."""
        if not self.partners:
            return []
        opted_in = (tantivy.Occur.Must, _term("partners", 1))
        if self.every_other_linked:  # the usual federation: reading the servers' ids (about
            theirs = _all([opted_in])  # 1 ms at 100,000 profiles) would change nothing
        else:
            servers = tantivy.Query.term_set_query(SCHEMA, "guild", list(self.partners))
            theirs = _all([(tantivy.Occur.Must, servers), opted_in])
        either = [(tantivy.Occur.Should, _term("guild", self.guild_id)),
                  (tantivy.Occur.Should, theirs)]  # fmt: skip
        return [(tantivy.Occur.Must, _filter(_all(either)))]

    def servers(self) -> Servers | None:
        """The server filter alone, to check on candidates; None when there is none, or
        other filters (which make fewer candidates, cheap to score with them)."""
        if not self.filters.empty or not (self.shared or self.partners):
            return None
        if not self.partners:
            return Servers(self.guild_id)
        return Servers(self.guild_id, frozenset(self.partners), self.every_other_linked)

    def leaving_out(self) -> list[Clause]:
        """The searcher, as a member of this server and of any partner's."""
        if self.exclude_user is None:
            return []
        return [(tantivy.Occur.MustNot, _term("user", self.exclude_user))]


@dataclass(frozen=True)
class Correction:
    term: str  # the word searched for, as profiles write it
    alone: bool  # the typed word is in no profile: searched instead of it, not beside it


def correction(
    index: SearchIndex, within: tuple[tantivy.Query, ...], word: Word
) -> Correction | None:
    """What this word was probably meant as, or None if it stands as typed.

    Frequency-aware: of the words within the allowed edits, the one most profiles use wins,
    so a common word beats someone's misspelling of it, even when that misspelling is in a
    profile or two (then both are searched, the typed one first). Candidates are the index's
    words starting with the typed first letter (or the second, for the first two swapped),
    of about the right length; how many profiles use each is read from the live index. The
    word offered must be in a profile the search can show (``within``: the servers
    searched)."""
    distance = typo_distance(word.typed)
    typed = plain(word.typed)
    own = max((index.doc_freq(plain(s)) for s in spellings(typed)), default=0)
    if not distance or not typed or own >= max(STANDS, STANDS_SHARE * index.size):
        return None
    found = _near(index, typed, distance)
    ranked = sorted(((df, -edits, term) for term, (df, edits) in found.items()), reverse=True)
    for df, _, term in ranked:
        if df < max(1, own * RATIO):
            break
        if not within or any(index.doc_freq_in(servers, term) for servers in within):
            return Correction(term, alone=own == 0)
    return None


def _near(index: SearchIndex, typed: str, distance: int) -> dict[str, tuple[int, int]]:
    """Indexed words within ``distance`` edits of ``typed``: how many profiles hold each,
    and how many edits away it is. Words in one profile at the last build are compared
    only when no word used more is within reach (they could not win over it)."""
    if not index.known.ready:  # just after a build, until the vocabulary is read: by prefix
        return _within(index, typed, distance, _by_prefix(index, typed, distance))
    found = _within(index, typed, distance, index.known.near(typed[:2], len(typed), distance))
    if max((df for df, _ in found.values()), default=0) <= 1:
        rare = index.known.near(typed[:2], len(typed), distance, rare=True)
        found.update(_within(index, typed, distance, rare))
    return found


def _within(
    index: SearchIndex, typed: str, distance: int, words: list[str]
) -> dict[str, tuple[int, int]]:
    close = process.extract(typed, words, scorer=OSA.distance, score_cutoff=distance, limit=None)
    counts = {str(term): (index.doc_freq(str(term)), int(edits)) for term, edits, _ in close}
    return {term: found for term, found in counts.items() if term != typed and found[0]}


def _by_prefix(index: SearchIndex, typed: str, distance: int) -> list[str]:
    words: list[str] = []
    for prefix in dict.fromkeys([typed[:3], typed[:2], typed[1::-1], typed[:1]]):
        entries = index.vocabulary(prefix)
        near = [(t, df) for t, df in entries if abs(len(t) - len(typed)) <= distance]
        words += [t for t, _ in near]
        if any(df >= STANDS for _, df in near):
            break
    return words


def _word_clauses(stems: tuple[str, ...], weight: float = 1.0) -> list[Clause]:
    """One flat list of term queries (a spelling each): cheap to score. A boost only where
    needed: a boosted clause is no plain term query, which tantivy skips less well."""
    plain_terms = [_term(TEXT, s) for s in stems]
    if weight != 1.0:
        plain_terms = [tantivy.Query.boost_query(q, weight) for q in plain_terms]
    return [(tantivy.Occur.Should, q) for q in plain_terms]


def _spelling_clauses(stems: tuple[str, ...], index: SearchIndex) -> list[Clause]:
    """A word in several spellings (behaviour, behavior), each weighed as the word: BM25
    weighs a term by how few profiles hold it, so the rarer spelling alone would count more
    and its writers rank first. Each spelling's clause is boosted to the weight of all its
    spellings together, as if they were one term (as -ise and -ize are, ``one_spelling``)."""
    if len(stems) == 1:
        return _word_clauses(stems)
    counts = [index.text_freq(s) for s in stems]
    profiles = index.size
    together = _weight(sum(counts), profiles)
    clauses: list[Clause] = []
    for stem, holding in zip(stems, counts, strict=True):
        query = _term(TEXT, stem)
        if holding:
            query = tantivy.Query.boost_query(query, together / _weight(holding, profiles))
        clauses.append((tantivy.Occur.Should, query))
    return clauses


def _weight(holding: int, profiles: int) -> float:
    """BM25's inverse document frequency, as tantivy computes it (always above 0: a count
    may include profiles deleted since the last merge, so it is held to the total)."""
    holding = min(holding, profiles)
    return math.log(1 + (profiles - holding + 0.5) / (holding + 0.5))


def _phrase_queries(phrase: list[Word]) -> list[tantivy.Query]:
    """The phrase in each of its spellings."""
    return [tantivy.Query.phrase_query(SCHEMA, TEXT, s) for s in phrase_spellings(phrase)]


def _phrase_query(phrase: list[Word]) -> tantivy.Query:
    return _all([(tantivy.Occur.Should, q) for q in _phrase_queries(phrase)])


def _all(clauses: list[Clause]) -> tantivy.Query:
    """The clauses together; a single one that must or should match is its own query, the
    same matches and scores: tantivy scores a bare term in its own fast path (a word in
    95,000 profiles: 0.56 ms to rank and count, 0.82 ms as the one clause of a boolean)."""
    if len(clauses) == 1 and clauses[0][0] != tantivy.Occur.MustNot:
        return clauses[0][1]
    return tantivy.Query.boolean_query(clauses)


def typing(index: SearchIndex, parsed: ParsedQuery) -> ParsedQuery:
    """The query with its last word kept as a word being typed only if no profile holds it
    as typed ('radicali'); a complete word ('radical') is searched as itself, as every
    other word is (a prefix of a common word would match most profiles for nothing)."""
    if parsed.prefix is None or index.doc_freq(plain(parsed.prefix.typed)) == 0:
        return parsed
    return replace(parsed, prefix=None)


def completions(index: SearchIndex, word: Word) -> tuple[str, ...]:
    """The stems of the words most profiles use that start with a word being typed."""
    found = sorted(index.vocabulary(plain(word.typed)), key=lambda item: -item[1])
    stems = (s for term, _ in found[:COMPLETIONS] for s in stems_of(term))
    return tuple(dict.fromkeys(s for s in stems if s not in word.stems))


def ranking(
    parsed: ParsedQuery, scope: Scope, boost_areas: set[str], index: SearchIndex
) -> Ranking:
    """Profiles matching any word (or a likely ending of the word being typed) and every
    quoted phrase, within the scope; with no words, every profile in the scope."""
    ending = completions(index, parsed.prefix) if parsed.prefix is not None else ()
    scoring = [c for w in parsed.words for c in _spelling_clauses(w.stems, index)]
    scoring += _word_clauses(ending, PREFIX_WEIGHT)
    must = [(tantivy.Occur.Must, _phrase_query(p)) for p in parsed.phrases] + scope.clauses()
    if not scoring and not parsed.phrases:
        must.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    sequence = parsed.sequence
    phrase = _phrase_queries(sequence) if 1 < len(sequence) <= MAX_PHRASE_WORDS else []
    if not scoring:  # filters or quoted phrases alone: one pass ranks and counts
        return Ranking(_all(must + scope.leaving_out()), None, area_bits(boost_areas), phrase)
    scored = [(tantivy.Occur.Must, _all(scoring)), *must] if must else scoring
    servers = None if parsed.phrases else scope.servers()
    if servers is None:  # the ranking pass counts (SearchIndex.search)
        return Ranking(_all(scored), None, area_bits(boost_areas), phrase, scope.exclude_user)
    # Several servers may be read without their filter: then the count, with the filter,
    # is made apart, and only when many profiles may match.
    searched = [s for w in parsed.words for s in w.stems] + list(ending)
    counting = [(tantivy.Occur.Should, _term(TEXT, s)) for s in searched]
    counted = [(tantivy.Occur.Must, _all(counting)), *must]
    return Ranking(
        scoring=_all(scored),
        counting=_all(counted + scope.leaving_out()),
        area_bits=area_bits(boost_areas),
        phrase=phrase,
        leave_out=scope.exclude_user,
        expected=sum(index.text_freq(s) for s in searched),
        open_scoring=_all(scoring),
        servers=servers,
    )
