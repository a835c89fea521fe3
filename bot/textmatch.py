"""Words for matching, spelled one way, shared by expert search and area suggestions.

An international network spells both ways: radicalisation and radicalization, behaviour and
behavior, organisation and organization must meet. Text is case-folded, stripped of
accents, split on anything that is not a letter or digit, and each word is normalised
(British and American endings alike, plural "s" dropped) before it is stored or searched.

Kept on purpose (issue 19 asked whether a library replaces it): country and language names
now come from pycountry and langcodes (``bot.countries``, ``bot.languages``), but these few
rules are the shared word form of area suggestions, mentoring's text similarity, institution
matching and the search engine's stop words; a stemmer would change all of their results.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "this",
        "to",
        "what",
        "when",
        "which",
        "who",
        "why",
        "with",
    ]
)
_IZ = re.compile(r"iz(?=[aei])")  # organization, radicalized, realizing -> -is-
_OR_END = re.compile(r"(?<=[ivlbmnh])or$")  # behavior, color, labor, humor -> -our
_TRE_END = re.compile(r"tre$")  # centre -> center


def fold(text: str) -> str:
    """Case-folded, without accents: 'Désinformation' -> 'desinformation'."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c))


@functools.lru_cache(maxsize=200_000)
def normalise_word(word: str) -> str:
    """One spelling for British and American variants, and no plural "s"."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        word = word[:-1]
    word = _IZ.sub("is", word).replace("yze", "yse")
    word = _OR_END.sub("our", word)
    return _TRE_END.sub("ter", word)


def tokens(text: str, *, keep_stop_words: bool = False) -> list[str]:
    """Normalised words in order, with repeats (for term frequencies)."""
    return list(_tokens(text, keep_stop_words))


@functools.lru_cache(maxsize=50_000)
def _tokens(text: str, keep_stop_words: bool) -> tuple[str, ...]:
    found = []
    for word in _WORD.findall(fold(text)):
        if not keep_stop_words and (word in STOP_WORDS or len(word) < 2):
            continue
        found.append(normalise_word(word))
    return tuple(found)


def terms(text: str) -> set[str]:
    return set(tokens(text))
