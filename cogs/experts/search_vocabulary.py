"""The words of the index by first letter and length, for typo correction.

Correcting 'xenophobai' means finding the indexed words within two edits of it. Reading them
from tantivy's term dictionary by prefix costs about a microsecond a word, and a one-letter
prefix holds thousands (18 ms for 'a' at 100,000 profiles), so the words are kept here once,
grouped by first letter and length: a correction then compares only the few thousand words
of about the right length, in C (rapidfuzz), and reads the document frequency of the few
within reach from the live index.

Most distinct words are someone's misspelling, in one profile each (about 250,000 of them at
100,000 profiles): those are kept apart, and compared only when no word used by two profiles
or more (nor one added since the build) is within reach, since a word used by two or more
always wins over them. That makes the common correction several times cheaper.

The lists are filled from the term dictionary after each full build, on a background thread
(the index serves meanwhile and ``ready`` is False: correction then reads by prefix as
before), and every profile change adds its words at once, so a word typed into a profile a
minute ago can be corrected to. Words of removed profiles stay until the next build; their
document frequency, read live, is then 0 and they are never offered.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import tantivy

Buckets = dict[tuple[str, int], dict[str, None]]  # an ordered set of words a bucket


class KnownWords:
    """Every indexed plain word once, by (first letter, length); those in one profile at the
    last build apart (``rare``)."""

    def __init__(self) -> None:
        self._buckets: Buckets = {}
        self._rare: Buckets = {}
        self._lock = threading.Lock()
        self._loading = 0  # generation of the load in progress (0: none)
        self._added_meanwhile: list[str] = []
        self.ready = False

    def near(
        self, first_letters: Iterable[str], length: int, distance: int, rare: bool = False
    ) -> list[str]:
        """Words starting with one of ``first_letters``, within ``distance`` of ``length``:
        those used by two profiles or more at the last build, or added since; with ``rare``
        the others (in one profile at the last build, so in one at most now, unless added
        again since, when they are among the first)."""
        with self._lock:  # the writer thread may be adding a profile's words
            buckets = self._rare if rare else self._buckets
            return [
                word
                for letter in dict.fromkeys(first_letters)
                for size in range(length - distance, length + distance + 1)
                for word in buckets.get((letter, size), {})
            ]

    def add(self, words: Iterable[str]) -> None:
        """A profile's words, as soon as it is committed (the writer thread)."""
        with self._lock:
            fresh = [w for w in words if w]
            if self._loading:
                self._added_meanwhile.extend(fresh)
            _extend(self._buckets, fresh)

    def reload(self, searcher: tantivy.Searcher, field: str) -> None:
        """Everything again from the term dictionary, on a thread of its own."""
        with self._lock:
            self._loading += 1
            generation = self._loading
            self._added_meanwhile = []
        thread = threading.Thread(
            target=self._load, args=(searcher, field, generation), daemon=True,
            name="search-vocabulary",
        )  # fmt: skip
        thread.start()

    def _load(self, searcher: tantivy.Searcher, field: str, generation: int) -> None:
        buckets: Buckets = {}
        rare: Buckets = {}
        terms = searcher.terms_with_prefix(field, "")
        _extend(buckets, (term for term, count in terms if count > 1))
        _extend(rare, (term for term, count in terms if count <= 1))
        with self._lock:
            if generation != self._loading:
                return  # a newer load started meanwhile: it will swap in
            _extend(buckets, self._added_meanwhile)
            self._buckets, self._rare, self._added_meanwhile = buckets, rare, []
            self._loading = 0
            self.ready = True


def _extend(buckets: Buckets, words: Iterable[str]) -> None:
    for word in words:
        buckets.setdefault((word[:1], len(word)), {})[word] = None
