"""Which challenge areas a member's keywords point to, and the member's own words that say why.

Every area text speaks of terrorism, violence, prevention and researchers, so a word shared
with an area says nothing by itself: it has to be one that sets the area apart. Each word of
the area texts (name, purpose, questions) is weighed by how few areas use its family
(inverse document frequency over the catalogue; a family is the Snowball stem, with "-ist"
taken off too, so "extremism" counts as common as "extremist"): a word in one area weighs
most, a word in more than a fifth of the areas is the field's common vocabulary and ties
nothing, unless it is in the area's own name ("risk" for Threat and risk management). A word
of the name counts double. Words tie only when they are the same word, in either spelling
(UK/US, breame's list) and either number: "generative" never ties to "generation".
An area is suggested only when its words add up to at least one word unique to it, so two
words it shares with one other area will do, and "terrorism, targeted violence" will not.

Methods ("interviews, network analysis") count half: area texts describe topics, and a
method word that happens to appear in one ("across the network") is weak evidence.

The reason quotes the member's words as they typed them, and only those that tie the member
to that area, consecutive ones kept together ("conspiracy narratives"), so two areas show
the same reason only when the same words truly tie both. Other members' keywords are not
used: they tied everyone who shares one method with whoever happened to join an area.
Plain Python, no Discord.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.textmatch import STOP_WORDS, fold, normalise_word

if TYPE_CHECKING:
    import tantivy

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_BREAK = re.compile(r"[,;/|\n.()]+")
# Words that carry no topic, beyond the shared stop words, and words of every profile here.
_EMPTY = frozenset({
    "about", "all", "also", "any", "can", "could", "do", "does", "each", "how", "i", "its",
    "may", "might", "more", "most", "my", "no", "not", "our", "own", "per", "should", "so",
    "some", "such", "than", "there", "these", "they", "those", "under", "us", "use", "used",
    "uses", "via", "we", "well", "would", "you", "your", "research", "researcher", "study",
    "studie", "work",
})  # fmt: skip
NAME_WEIGHT = 2.0
METHODS_WEIGHT = 0.5
COMMON_SHARE = 0.2  # a word in more than this share of the areas is the field's vocabulary
MAX_REASONS = 3


@functools.cache
def _british() -> dict[str, str]:
    """American spelling -> British, from the breame package (imported when first needed)."""
    from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

    return {us: uk for uk, us in BRITISH_ENGLISH_SPELLINGS.items() if " " not in uk}


@functools.cache
def _stemmer() -> tantivy.TextAnalyzer:
    import tantivy

    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


@functools.lru_cache(maxsize=20_000)
def term(word: str) -> str | None:
    """The form two spellings of a word share ('Programs' -> 'programme'); None when the
    word says nothing about a topic."""
    folded = fold(word)
    if len(folded) < 2 or folded in STOP_WORDS or folded in _EMPTY:
        return None
    single = normalise_word(folded)
    return _british().get(single, single)


@functools.lru_cache(maxsize=20_000)
def family(word: str) -> str:
    """The stem a word shares with its relatives, for counting how common it is."""
    stems = _stemmer().analyze(word)
    stem = stems[0] if stems else word
    return stem[:-3] if stem.endswith("ist") and len(stem) > 6 else stem


def terms_of(text: str) -> set[str]:
    return {t for t in map(term, _WORD.findall(text)) if t is not None}


@dataclass(frozen=True)
class AreaText:
    slug: str
    name: str
    text: str  # purpose and questions


@dataclass(frozen=True)
class Typed:
    """A run of the member's text between commas or other breaks, as they typed it."""

    text: str
    words: tuple[re.Match[str], ...]
    weight: float  # 1 for expertise, METHODS_WEIGHT for methods


@dataclass(frozen=True)
class Tie:
    slug: str
    score: float
    because: list[str]


@dataclass(frozen=True)
class _Phrase:
    weight: float
    shown: str
    words: frozenset[str]


def fragments(keywords: Iterable[str], methods: str) -> list[Typed]:
    """The member's words, in order, cut at punctuation: phrases never span two keywords."""
    sources = [(k, 1.0) for k in keywords] + [(methods, METHODS_WEIGHT)]
    found = []
    for text, weight in sources:
        for part in _BREAK.split(text):
            words = tuple(_WORD.finditer(part))
            if words:
                found.append(Typed(part, words, weight))
    return found


class AreaMatcher:
    """Weights of the words of one catalogue's area texts, ready to score members."""

    def __init__(self, areas: list[AreaText]) -> None:
        self.areas = areas
        self._names = {a.slug: terms_of(a.name) for a in areas}
        self._words = {a.slug: terms_of(f"{a.name} {a.text}") for a in areas}
        counts: dict[str, int] = {}
        for words in self._words.values():
            for stem in {family(w) for w in words}:
                counts[stem] = counts.get(stem, 0) + 1
        total = len(areas)
        common = max(1, int(total * COMMON_SHARE))
        self._idf = {
            w: math.log(1 + total / counts[family(w)]) for w in set().union(*self._words.values())
        }
        self._common = {w for w in self._idf if counts[family(w)] > common}
        self.enough = math.log(1 + total)  # the weight of a word only one area uses

    def weight(self, slug: str, word: str) -> float:
        """How much this word ties a member to this area (0 when it does not)."""
        if word not in self._words[slug]:
            return 0.0
        in_name = word in self._names[slug]
        if word in self._common and not in_name:
            return 0.0
        return self._idf[word] * (NAME_WEIGHT if in_name else 1.0)

    def ties(self, typed: list[Typed], leave_out: Iterable[str] = ()) -> list[Tie]:
        """Areas the member's words tie to, best first, each with the words that do."""
        skipped = set(leave_out)
        found = []
        for area in self.areas:
            if area.slug in skipped:
                continue
            tie = self._tie(area.slug, typed)
            if tie is not None:
                found.append(tie)
        found.sort(key=lambda t: -t.score)
        return found

    def _tie(self, slug: str, typed: list[Typed]) -> Tie | None:
        best: dict[str, float] = {}  # each word counts once, at its strongest
        phrases: list[_Phrase] = []
        for fragment in typed:
            run: list[tuple[re.Match[str], str, float]] = []
            for match in (*fragment.words, None):
                key = term(match[0]) if match else None
                weight = self.weight(slug, key) * fragment.weight if key else 0.0
                if match and key and weight > 0:
                    run.append((match, key, weight))
                    best[key] = max(best.get(key, 0.0), weight)
                elif run:
                    shown = fragment.text[run[0][0].start() : run[-1][0].end()]
                    total = sum(w for _, _, w in run)
                    phrases.append(_Phrase(total, shown, frozenset(k for _, k, _ in run)))
                    run = []
        if sum(best.values()) < self.enough - 1e-9:
            return None
        return Tie(slug, sum(best.values()), self._reasons(phrases))

    def _reasons(self, phrases: list[_Phrase]) -> list[str]:
        """The strongest phrases, each adding a word the ones before did not show; a word
        too weak to tie on its own (a shared method word) is left unsaid."""
        shown: list[str] = []
        covered: set[str] = set()
        for phrase in sorted(phrases, key=lambda p: -p.weight):  # stable: typed order on ties
            if phrase.words <= covered or phrase.weight < self.enough / 2:
                continue
            covered |= phrase.words
            shown.append(phrase.shown)
            if len(shown) == MAX_REASONS:
                break
        return shown


def area_texts(
    catalog_areas: Iterable[tuple[str, str, str, list[str]]],
    edited: Mapping[str, tuple[str, list[str]]],
) -> list[AreaText]:
    """Each area's name and text, with a moderator's edited purpose and questions if any."""
    found = []
    for slug, name, purpose, questions in catalog_areas:
        purpose, questions = edited.get(slug, (purpose, questions))
        found.append(AreaText(slug, name, " ".join([purpose, *questions])))
    return found
