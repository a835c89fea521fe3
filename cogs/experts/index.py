"""An in-memory BM25 index of searchable profiles, kept in step with SQLite.

Why not FTS5 alone: bm25() scores every row that matches, so a common term in this field
("radicalisation", in most profiles) costs tens of milliseconds at 100,000 profiles (see
bench/bench_expert_search.py). Here each term's BM25 contribution per profile is computed
once, stored as numpy arrays, and a query only adds a few arrays and picks the top results.
SQLite stays the source of truth: the index is built from it at start-up and each changed
profile is re-indexed at once (a small side table, folded in when it grows).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from bot.textmatch import tokens

FIELD_WEIGHTS = {"expertise": 3.0, "name": 2.0, "methods": 1.5, "affiliation": 1.0, "bio": 1.0}
K1, B = 1.2, 0.75
VERIFIED_BOOST = 1.15
AREA_BOOST = 1.5
PREFIX_EXPANSIONS = 12
REBUILD_AFTER = 256

_FILTERS = ("area", "country", "stage", "open_to", "language")
Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Doc:
    """What the index knows of one profile."""

    user_id: int
    fields: dict[str, str]
    verified: bool = False
    areas: frozenset[str] = frozenset()
    country: str = ""
    stage: str = ""
    open_to: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Filters:
    area: str | None = None
    country: str | None = None
    stage: str | None = None
    open_to: str | None = None
    language: str | None = None

    def accepts(self, doc: Doc) -> bool:
        return (
            (self.area is None or self.area in doc.areas)
            and (self.country is None or doc.country == self.country)
            and (self.stage is None or doc.stage == self.stage)
            and (self.open_to is None or self.open_to in doc.open_to)
            and (self.language is None or self.language in doc.languages)
        )

    @property
    def empty(self) -> bool:
        return not any((self.area, self.country, self.stage, self.open_to, self.language))


@dataclass
class Hits:
    user_ids: list[int]
    total: int


def weighted_terms(doc: Doc) -> tuple[dict[str, float], float]:
    counts: dict[str, float] = {}
    length = 0.0
    for name, weight in FIELD_WEIGHTS.items():
        words = tokens(doc.fields.get(name, ""))
        length += weight * len(words)
        for word in words:
            counts[word] = counts.get(word, 0.0) + weight
    return counts, length


class _Codes:
    """Values of one filter as small ints or bits, so filters are array operations."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def code(self, value: str) -> int:
        return self.codes.setdefault(value, len(self.codes) + 1)

    def bits(self, values: frozenset[str]) -> int:
        return sum(1 << (self.code(v) % 63) for v in values)

    def bit(self, value: str) -> int | None:
        code = self.codes.get(value)
        return None if code is None else 1 << (code % 63)


@dataclass
class _Frozen:
    """The bulk of the index, as arrays; rebuilt from all documents at once."""

    slots: list[int] = field(default_factory=list)  # slot -> user_id
    postings: dict[str, tuple[Ints, Floats]] = field(default_factory=dict)
    df: dict[str, float] = field(default_factory=dict)
    avgdl: float = 1.0
    size: int = 0
    codes: dict[str, _Codes] = field(default_factory=lambda: {k: _Codes() for k in _FILTERS})
    columns: dict[str, npt.NDArray[np.int64]] = field(default_factory=dict)
    verified: Floats = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    def fill_columns(self, docs: list[Doc]) -> None:
        c = self.codes
        self.columns = {
            "country": np.asarray([c["country"].code(d.country) for d in docs], dtype=np.int64),
            "stage": np.asarray([c["stage"].code(d.stage) for d in docs], dtype=np.int64),
            "area": np.asarray([c["area"].bits(d.areas) for d in docs], dtype=np.int64),
            "open_to": np.asarray([c["open_to"].bits(d.open_to) for d in docs], dtype=np.int64),
            "language": np.asarray([c["language"].bits(d.languages) for d in docs], dtype=np.int64),
        }
        flags = np.asarray([d.verified for d in docs], dtype=bool)
        self.verified = np.where(flags, VERIFIED_BOOST, 1.0).astype(np.float32)

    def mask(self, filters: Filters, slots: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_] | None:
        """Which of ``slots`` pass the filters (None: all); an unseen value matches nothing."""
        result: npt.NDArray[np.bool_] | None = None
        for name in _FILTERS:
            wanted = getattr(filters, name)
            if wanted is None:
                continue
            column = self.columns[name][slots]
            if name in ("country", "stage"):
                code = self.codes[name].codes.get(wanted, -1)
                part = column == code
            else:
                bit = self.codes[name].bit(wanted)
                part = (column & bit) != 0 if bit is not None else np.zeros(len(slots), dtype=bool)
            result = part if result is None else result & part
        return result

    def area_match(
        self, areas: set[str], slots: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.bool_] | None:
        bits = [b for b in (self.codes["area"].bit(a) for a in areas) if b is not None]
        if not bits:
            return None
        matched: npt.NDArray[np.bool_] = (self.columns["area"][slots] & sum(bits)) != 0
        return matched


class ExpertIndex:
    def __init__(self) -> None:
        self.docs: dict[int, Doc] = {}
        self._frozen = _Frozen()
        self._slot_of: dict[int, int] = {}
        self._alive: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self._fresh: dict[int, tuple[dict[str, float], float]] = {}  # changed since the build
        self._vocabulary: list[str] = []

    # -- keeping in step ------------------------------------------------------------------

    def build(self, docs: list[Doc]) -> None:
        self.docs = {d.user_id: d for d in docs}
        self._fresh.clear()
        self._freeze()

    def upsert(self, doc: Doc) -> None:
        self.docs[doc.user_id] = doc
        self._retire(doc.user_id)
        self._fresh[doc.user_id] = weighted_terms(doc)
        if len(self._fresh) > REBUILD_AFTER:
            self._freeze()

    def remove(self, user_id: int) -> None:
        self.docs.pop(user_id, None)
        self._fresh.pop(user_id, None)
        self._retire(user_id)

    def _retire(self, user_id: int) -> None:
        slot = self._slot_of.get(user_id)
        if slot is not None:
            self._alive[slot] = False

    def _freeze(self) -> None:
        frozen = _Frozen(slots=list(self.docs))
        frozen.fill_columns([self.docs[u] for u in frozen.slots])
        per_doc = [weighted_terms(self.docs[u]) for u in frozen.slots]
        frozen.size = len(per_doc)
        total = sum(length for _, length in per_doc)
        # No words at all (every profile empty) must not make every later search divide by 0.
        frozen.avgdl = total / frozen.size if total > 0 else 1.0
        for counts, _ in per_doc:
            for word in counts:
                frozen.df[word] = frozen.df.get(word, 0.0) + 1.0
        collected: dict[str, tuple[list[int], list[float]]] = {}
        for slot, (counts, length) in enumerate(per_doc):
            for word, tf in counts.items():
                entry = collected.setdefault(word, ([], []))
                entry[0].append(slot)
                entry[1].append(self._weight(frozen, word, tf, length))
        frozen.postings = {
            w: (np.asarray(s, dtype=np.int32), np.asarray(v, dtype=np.float32))
            for w, (s, v) in collected.items()
        }
        self._frozen = frozen
        self._slot_of = {u: i for i, u in enumerate(frozen.slots)}
        self._alive = np.ones(frozen.size, dtype=bool)
        self._fresh.clear()
        self._vocabulary = sorted(frozen.df)

    @staticmethod
    def _weight(frozen: _Frozen, word: str, tf: float, length: float) -> float:
        df = frozen.df.get(word, 0)
        idf = math.log(1 + (frozen.size - df + 0.5) / (df + 0.5))
        return idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / frozen.avgdl))

    # -- words -----------------------------------------------------------------------------

    @property
    def vocabulary(self) -> list[str]:
        return self._vocabulary

    def knows(self, word: str) -> bool:
        return word in self._frozen.postings or any(word in c for c, _ in self._fresh.values())

    def expand(self, prefix: str) -> list[str]:
        """Known words starting with ``prefix``, most common first."""
        start = bisect.bisect_left(self._vocabulary, prefix)
        found = []
        for word in self._vocabulary[start:]:
            if not word.startswith(prefix):
                break
            found.append(word)
        found.sort(key=lambda w: -self._frozen.df.get(w, 0))
        return found[:PREFIX_EXPANSIONS]

    # -- searching ---------------------------------------------------------------------------

    def search(
        self,
        words: list[str],
        prefixes: list[str],
        filters: Filters,
        boost_areas: set[str],
        limit: int,
        offset: int,
    ) -> Hits:
        """Ranked user ids: BM25 over the weighted fields, boosted for verified profiles and
        for profiles in the areas the query is about; only profiles passing the filters."""
        frozen = self._frozen
        query = list(dict.fromkeys([*words, *(w for p in prefixes for w in self.expand(p))]))
        scores = np.zeros(frozen.size, dtype=np.float32)
        for word in query:
            posting = frozen.postings.get(word)
            if posting is not None:
                scores[posting[0]] += posting[1]
        slots = np.flatnonzero(self._alive & (scores > 0) if query else self._alive)
        passing = frozen.mask(filters, slots)
        if passing is not None:
            slots = slots[passing]
        chosen = scores[slots] if query else np.ones(len(slots), dtype=np.float32)
        chosen *= frozen.verified[slots]
        in_areas = frozen.area_match(boost_areas, slots)
        if in_areas is not None:
            chosen *= np.where(in_areas, AREA_BOOST, 1.0).astype(np.float32)
        top = self._top(chosen, offset + limit)
        ranked = [(float(chosen[i]), frozen.slots[int(slots[i])]) for i in top]
        total = len(slots)
        for user_id, (counts, length) in self._fresh.items():
            doc = self.docs[user_id]
            score = sum(self._weight(frozen, w, counts[w], length) for w in query if w in counts)
            if (score > 0 or not query) and filters.accepts(doc):
                ranked.append((self._boosted(score or 1.0, doc, boost_areas), user_id))
                total += 1
        ranked.sort(
            key=lambda item: (-item[0], self.docs[item[1]].fields.get("name", "").casefold())
        )
        return Hits([u for _, u in ranked[offset : offset + limit]], total)

    @staticmethod
    def _top(scores: Floats, count: int) -> list[int]:
        """Positions of the ``count`` best scores (unordered; the caller sorts them)."""
        if len(scores) <= count:
            return list(range(len(scores)))
        return [int(i) for i in np.argpartition(-scores, count - 1)[:count]]

    @staticmethod
    def _boosted(score: float, doc: Doc, boost_areas: set[str]) -> float:
        if doc.verified:
            score *= VERIFIED_BOOST
        if boost_areas & doc.areas:
            score *= AREA_BOOST
        return score
