"""The expert search index: tantivy on disk next to the database, derived from SQLite.

tantivy (Rust: BM25, phrase queries, Levenshtein automata, incremental add/delete with
commits) replaces a hand-written in-memory BM25 index that took 20+ s and about 1 GB to
build on the event loop at 100,000 profiles. This module is synchronous on purpose: the
engine (``search_engine.py``) calls it from worker threads only, writes from one thread.
A reader sees the last commit, so searches during a rebuild answer from the previous index.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import zlib
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import tantivy

from cogs.experts.search_text import ANALYZER, PLAIN, build_analyzer, one_spelling, plain_words
from cogs.experts.search_vocabulary import KnownWords

VERSION = 4  # raise when what is indexed, or how, changes: the index is then rebuilt
# How often each part of a profile is written into the one searched field: its weight.
# One field (not five, each weighted at query time) gives a word one term clause a
# spelling instead of five: at 100,000 profiles tantivy's best 50 for a common word took
# 0.40 ms instead of 0.93, and counting its matches 0.43 ms instead of 0.78. Each repeat
# is tokenised and stemmed again: expertise three times made the build about 10% slower
# than twice (the weights were 3, 2, 1.5, 1, 1 on five fields).
REPEATS = {"expertise": 2, "name": 2, "methods": 1, "affiliation": 1, "bio": 1}
TEXT = "text"
LISTS = ("areas", "open_to", "languages")
WRITER_HEAP = 128_000_000  # two segments at 100,000 profiles, not four: 10% faster, 30 MB more
CANDIDATES = 50  # ranked again with the boosts below; a page comes from these
VERIFIED_BOOST = 1.15
AREA_BOOST = 1.5
PHRASE_BOOST = 2.0
PHRASE_CANDIDATES = 20  # the best candidates checked for holding the words as a phrase

STATE_FILE = "hub-search.json"
PARALLEL_COUNT = 20_000  # from this many likely matches the count runs on a second thread
LAYOUT = (
    "key guild user verified:fast area_bits:fast partners:fast text:position,values words lists"
)
OPEN_CANDIDATES = 4  # times the candidates wanted, read without the server filter first


@dataclass(frozen=True)
class Doc:
    """What the index knows of one profile."""

    user_id: int
    fields: dict[str, str]
    guild_id: int = 0
    verified: bool = False
    areas: frozenset[str] = frozenset()
    country: str = ""
    stage: str = ""
    open_to: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    partner_visible: bool = False  # linked partner networks may find this member
    keywords: tuple[str, ...] = ()  # the expertise keywords, when not only in ``fields``
    # Set when made from a database row: the row's digest (a third of the Python time of
    # working it out from the fields, and a build works out 100,000).
    fingerprint: int = field(default=0, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.guild_id}:{self.user_id}"

    @property
    def expertise(self) -> list[str]:
        """Each expertise keyword (``fields`` holds them joined by ' ; ')."""
        if self.keywords:
            return list(self.keywords)
        return [k for k in self.fields.get("expertise", "").split(" ; ") if k]

    def digest(self) -> int:
        """A fingerprint of the indexed content, to tell a stale index from SQLite."""
        if self.fingerprint:
            return self.fingerprint
        lists = (",".join(sorted(x)) for x in (self.areas, self.open_to, self.languages))
        parts = [self.key, *(self.fields[name] for name in sorted(self.fields)),
                 "1" if self.verified else "0", self.country, self.stage, *lists,
                 "1" if self.partner_visible else "0"]  # fmt: skip
        body = "\x1f".join(parts).encode()
        return int.from_bytes(hashlib.blake2b(body, digest_size=8).digest(), "big")


@dataclass(frozen=True)
class Filters:
    area: str | None = None
    country: str | None = None
    stage: str | None = None
    open_to: str | None = None
    language: str | None = None

    @property
    def empty(self) -> bool:
        return not any((self.area, self.country, self.stage, self.open_to, self.language))


@dataclass
class Hits:
    user_ids: list[int]
    total: int
    scores: list[float] = field(default_factory=list)
    guild_ids: list[int] = field(default_factory=list)  # each hit's server, in the same order
    pending: Future[int] | None = None  # the count, while it still runs on a second thread

    def settle(self) -> Hits:
        """Wait for the count if it still runs (the page can be read meanwhile)."""
        if self.pending is not None:
            self.total, self.pending = self.pending.result(), None
        return self

    @property
    def keys(self) -> list[tuple[int, int]]:
        return list(zip(self.guild_ids, self.user_ids, strict=True))


@dataclass(frozen=True)
class Ranking:
    """How a page is chosen: BM25 by ``scoring`` over the best candidates, multiplied for
    verified profiles, members of the areas in ``area_bits`` and profiles holding
    ``phrase``. The ranking pass counts the matches too; ``leave_out`` (the searcher) is
    dropped from the candidates and the count rather than excluded in ``scoring``, which
    costs a third more. A search of several servers may read its candidates without the
    server filter (``open_scoring``, when about ``expected`` profiles or more match) and
    then counts ``counting`` (with the filter) on a second thread; None: no such search."""

    scoring: tantivy.Query
    counting: tantivy.Query | None
    area_bits: int = 0
    phrase: list[tantivy.Query] = field(default_factory=list)
    leave_out: int | None = None
    expected: int = PARALLEL_COUNT
    open_scoring: tantivy.Query | None = None  # ``scoring`` without the server filter
    servers: Servers | None = None  # that filter, checked on candidates


@dataclass(frozen=True)
class Servers:
    """The servers a search shows, checked on the candidates of a search without that
    filter: a filter stops tantivy skipping profiles that cannot make the candidates
    (block-max WAND), so with it a common word scores every profile holding it."""

    home: int
    partners: frozenset[int] = frozenset()
    any_opted_in: bool = False  # every other server in the index is a linked partner

    def admits(self, guild: int, opted_in: int) -> bool:
        if guild == self.home:
            return True
        return bool(opted_in) and (self.any_opted_in or guild in self.partners)

    def share(self, searcher: tantivy.Searcher) -> float:
        """About which share of the index may be shown (from the term dictionary)."""
        shown = searcher.doc_freq("guild", self.home)
        if self.partners:
            shown += searcher.doc_freq("partners", 1)
        return shown / max(1, searcher.num_docs)


def area_bits(slugs: Iterable[str]) -> int:
    """Areas as bits of one number, so ranking can read them for a page of candidates."""
    bits = 0
    for slug in slugs:
        bits |= _area_bit(slug)
    return bits


@functools.lru_cache(maxsize=4096)
def _area_bit(slug: str) -> int:
    return 1 << (zlib.crc32(slug.encode()) % 63)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("guild", indexed=True, fast=True)
    builder.add_unsigned_field("user", indexed=True, fast=True)
    builder.add_unsigned_field("verified", fast=True)
    builder.add_unsigned_field("area_bits", fast=True)
    builder.add_unsigned_field("partners", indexed=True, fast=True)
    # Every part of the profile, each a value of its own (tantivy leaves a gap between
    # values: a phrase never spans two keywords, or the end of the methods and the bio).
    builder.add_text_field(TEXT, tokenizer_name=ANALYZER, index_option="position")
    # The plain (unstemmed) words of the profile: the vocabulary typos are corrected against.
    builder.add_text_field("words", tokenizer_name=PLAIN, index_option="basic")
    for name in ("country", "stage", *LISTS):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    return builder.build()


SCHEMA = _schema()


def schema_hash() -> str:
    """Changes whenever the schema, the analyzer or VERSION does."""
    text = f"{VERSION}|{sorted(REPEATS.items())}|{LISTS}|{ANALYZER}|{PLAIN}|{LAYOUT}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _document(doc: Doc) -> tantivy.Document:
    body: dict[str, object] = {
        "key": doc.key,
        "guild": doc.guild_id,
        "user": doc.user_id,
        "verified": int(doc.verified),
        "area_bits": area_bits(doc.areas),
        "partners": int(doc.partner_visible),
        "words": " ".join(doc.fields.values()),
        TEXT: _values_of(doc),
        "country": doc.country,
        "stage": doc.stage,
        "areas": list(doc.areas),
        "open_to": list(doc.open_to),
        "languages": list(doc.languages),
    }
    return tantivy.Document.from_dict(body, SCHEMA)


_APART = "\x1e"  # between the parts given to one_spelling together: not a letter or digit


def _values_of(doc: Doc) -> list[str]:
    """The searched field's values, in one spelling (``one_spelling``): each expertise
    keyword on its own, each part repeated as often as it weighs (an empty one adds
    nothing)."""
    keywords = doc.expertise
    fields = doc.fields
    texts = [*keywords, *[fields.get(name) or "" for name, _ in _WHOLE]]
    # One call for the whole profile: a call a part costs more than the work.
    spelled = one_spelling(_APART.join(texts)).split(_APART)
    if len(spelled) != len(texts):  # a member's text holds the separator
        spelled = [one_spelling(text) for text in texts]
    values = spelled[: len(keywords)] * REPEATS["expertise"]
    for text, (_, times) in zip(spelled[len(keywords) :], _WHOLE, strict=True):
        values += [text] * times
    return values


_WHOLE = [(name, times) for name, times in REPEATS.items() if name != "expertise"]


class SearchIndex:
    """One tantivy index in ``folder`` and a small state file (version, fingerprint)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._index: tantivy.Index | None = None
        self._writer: tantivy.IndexWriter | None = None
        self._searcher: tantivy.Searcher | None = None
        self.known = KnownWords()  # the vocabulary typos are corrected against
        self._written: list[str] = []  # the words of profiles added since the last commit

    # -- opening ------------------------------------------------------------------------------

    def open(self) -> dict[str, object] | None:
        """Open the index on disk; its saved state if it is current, None if it had to be
        created afresh (missing, or made by another version or schema)."""
        state = self._read_state()
        current = (
            state is not None
            and state.get("schema") == schema_hash()
            and tantivy.Index.exists(str(self.folder))
        )
        if not current:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._index = tantivy.Index(SCHEMA, path=str(self.folder), reuse=current)
        self._index.register_tokenizer(ANALYZER, build_analyzer())
        self._index.register_tokenizer(PLAIN, build_analyzer(stemmed=False))
        self._index.config_reader(reload_policy="manual")
        self._writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=2)
        self._refresh_searcher()
        if current:
            self.known.reload(self.searcher, "words")
        return state if current else None

    def _read_state(self) -> dict[str, object] | None:
        try:
            loaded = json.loads((self.folder / STATE_FILE).read_text())
        except (OSError, ValueError):
            return None
        return loaded if isinstance(loaded, dict) else None

    def save_state(self, digest: int, count: int) -> None:
        """Written after each commit: a crash between the two makes the next start rebuild."""
        body = {"schema": schema_hash(), "version": VERSION, "digest": digest, "count": count}
        temporary = self.folder / (STATE_FILE + ".tmp")
        temporary.write_text(json.dumps(body))
        temporary.replace(self.folder / STATE_FILE)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.wait_merging_threads()
        self._writer = self._index = self._searcher = None

    # -- writing (one thread) ---------------------------------------------------------------

    @property
    def writer(self) -> tantivy.IndexWriter:
        assert self._writer is not None, "open() the index first"
        return self._writer

    def replace_all(self, docs: Iterable[Doc]) -> int:
        """Every document anew in one commit; readers see the old ones until it lands.
        Old segments are then dropped from disk (an erased member's words with them)."""
        writer = self.writer
        writer.delete_all_documents()
        count = 0
        for doc in docs:
            writer.add_document(_document(doc))
            count += 1
        self._written = []
        self.commit()
        writer.garbage_collect_files()
        self.known.reload(self.searcher, "words")
        return count

    def upsert(self, doc: Doc) -> None:
        self.writer.delete_documents_by_term("key", doc.key)
        self.writer.add_document(_document(doc))
        self._written.append(" ".join(doc.fields.values()))

    def remove(self, guild_id: int, user_id: int) -> None:
        self.writer.delete_documents_by_term("key", f"{guild_id}:{user_id}")

    def commit(self) -> None:
        self.writer.commit()
        self._refresh_searcher()
        written, self._written = self._written, []
        self.known.add(word for text in written for word in plain_words(text))

    def _refresh_searcher(self) -> None:
        assert self._index is not None
        self._index.reload()
        self._searcher = self._index.searcher()

    # -- reading (any thread) -------------------------------------------------------------

    @property
    def searcher(self) -> tantivy.Searcher:
        searcher = self._searcher
        assert searcher is not None, "open() the index first"
        return searcher

    def search(self, ranking: Ranking, limit: int, offset: int, settle: bool = True) -> Hits:
        """One page of user ids, best first, and how many profiles match in all. Ranking and
        counting are one pass (tantivy's count beside its top candidates costs 0.15 ms for a
        word in 95,000 profiles, counting apart 0.4 ms and a thread), except for a search
        of several servers read without their filter: its count (with the filter) runs on a
        second thread from the start, beside the candidates, and with ``settle`` False may
        still run when this returns (``Hits.settle`` waits for it), so the caller can read
        the page meanwhile."""
        searcher = self.searcher  # one snapshot for everything below
        wanted = max(CANDIDATES, 3 * (offset + limit)) + (ranking.leave_out is not None)
        counted, counting = None, ranking.counting
        if counting is not None and ranking.expected >= PARALLEL_COUNT:
            # The count starts first, so it runs beside the candidates as well as the page.
            counted = _COUNTER.submit(_count, searcher, counting)
        found = _open_candidates(searcher, ranking, wanted) if counted is not None else None
        if found is not None:
            total = 0
        else:  # one pass ranks and counts (a count started above is left to finish unused)
            counted = None
            ranked = searcher.search(ranking.scoring, limit=wanted, count=True)
            found = ranked.hits
            total = _total(ranked) - _matching_user(searcher, ranking.scoring, ranking.leave_out)
        addresses = [address for _, address in found]
        users = [int(u or 0) for u in _values(searcher, "user", addresses)]
        guilds = [int(g or 0) for g in _values(searcher, "guild", addresses)]
        verified = _values(searcher, "verified", addresses)
        bits = _values(searcher, "area_bits", addresses)
        phrased = _holding(searcher, ranking.phrase, users[:PHRASE_CANDIDATES])
        scored = []
        for (score, address), user, guild, is_verified, bits_of in zip(
            found, users, guilds, verified, bits, strict=True
        ):
            if user == ranking.leave_out:  # the searcher, in this server or a partner's
                continue
            score *= VERIFIED_BOOST if is_verified else 1.0
            score *= AREA_BOOST if int(bits_of or 0) & ranking.area_bits else 1.0
            score *= PHRASE_BOOST if _where(address) in phrased else 1.0
            scored.append((score, user, guild))
        scored.sort(key=lambda item: (-item[0], item[1], item[2]))
        page = scored[offset : offset + limit]
        hits = Hits(
            [u for _, u, _ in page],
            total,
            [s for s, _, _ in page],
            [g for _, _, g in page],
            counted,
        )
        return hits.settle() if settle else hits

    @property
    def size(self) -> int:
        return self.searcher.num_docs

    def doc_freq(self, term: str) -> int:
        """Profiles holding the (plain) word, in any server (cheap: read from the term
        dictionary)."""
        return self.searcher.doc_freq("words", term)

    def text_freq(self, stem: str) -> int:
        """Profiles whose searched text holds the (stemmed) word, deleted ones included
        until their segment is merged: an estimate, for choosing how to count."""
        return self.searcher.doc_freq(TEXT, stem)

    def doc_freq_in(self, within: tantivy.Query, term: str) -> int:
        """Profiles matching ``within`` (e.g. a server) that hold the word."""
        found = self.searcher.terms_with_prefix("words", term, filter_query=within)
        return next((count for word, count in found if word == term), 0)

    def vocabulary(self, prefix: str) -> list[tuple[str, int]]:
        """Indexed words starting with ``prefix``, with how many profiles hold each."""
        return self.searcher.terms_with_prefix("words", prefix)


MUST = tantivy.Occur.Must
_COUNTER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="search-count")


def _count(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
    """Matches counted without scoring (an aggregation over a fast field)."""
    result = searcher.aggregate(query, {"n": {"value_count": {"field": "user"}}})
    return int(result["n"]["value"])


def _open_candidates(
    searcher: tantivy.Searcher, ranking: Ranking, wanted: int
) -> list[tuple[float, tantivy.DocAddress]] | None:
    """The best ``wanted`` candidates among the servers searched, from a search without
    the server filter (so tantivy skips what cannot make them), or None when that would
    not give them: too few of the index may be shown, or too few of the best were. The
    scores are the same either way (BM25 statistics are the whole index's), and the best
    shown among the best of all are the best shown."""
    servers, scoring = ranking.servers, ranking.open_scoring
    if servers is None or scoring is None:
        return None
    limit = OPEN_CANDIDATES * wanted
    if servers.share(searcher) * limit < 2 * wanted:
        return None
    found = searcher.search(scoring, limit=limit, count=False).hits
    addresses = [address for _, address in found]
    guilds = _values(searcher, "guild", addresses)
    opted = _values(searcher, "partners", addresses)
    kept = [hit for hit, guild, opted_in in zip(found, guilds, opted, strict=True)
            if servers.admits(int(guild or 0), int(opted_in or 0))]  # fmt: skip
    if len(kept) >= wanted or len(found) < limit:  # enough, or every match was seen
        return kept[:wanted]
    return None


def _matching_user(searcher: tantivy.Searcher, query: tantivy.Query, user: int | None) -> int:
    """How many of the query's matches are this member (the searcher, left out of the
    results): counted apart, since excluding them in the query costs a third more."""
    if user is None:
        return 0
    theirs = tantivy.Query.term_query(SCHEMA, "user", user)
    both = tantivy.Query.boolean_query([(MUST, theirs), (MUST, query)])
    return _total(searcher.search(both, limit=1, count=True))


def _total(result: tantivy.SearchResult) -> int:
    """The count of a search run with ``count=True`` (missing from the bindings' stubs)."""
    return int(getattr(result, "count", 0) or 0)


def _where(address: tantivy.DocAddress) -> tuple[int, int]:
    return address.segment_ord, address.doc


def _holding(
    searcher: tantivy.Searcher, phrases: list[tantivy.Query], users: list[int]
) -> set[tuple[int, int]]:
    """Which candidates hold the phrase: positions are read for these few profiles only,
    never for every profile holding the words (for common words about 10 ms at 100,000
    profiles). Each phrase query (one field, one spelling) is joined to the candidates on
    its own: tantivy then leads with the candidates, which it does not do for a union."""
    if not users or not phrases:
        return set()
    among = tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "user", u)) for u in users]
    )
    each = [
        (tantivy.Occur.Should, tantivy.Query.boolean_query([(MUST, among), (MUST, phrase)]))
        for phrase in phrases
    ]
    found = searcher.search(tantivy.Query.boolean_query(each), limit=len(users), count=False)
    return {_where(address) for _, address in found.hits}


def _values(
    searcher: tantivy.Searcher, name: str, addresses: list[tantivy.DocAddress]
) -> list[int | float | bool | None]:
    return searcher.fast_field_values(name, addresses) if addresses else []
