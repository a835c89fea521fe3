"""Words for expert search: one analyzer for profiles and queries, spellings, phrases.

tantivy tokenises and stems the profiles (Snowball English, in Rust, while indexing) and the
same analyzer reads the query, so both sides always agree. British and American spellings
meet in two ways. The -ise/-ize and -yse/-yze endings, the most frequent difference in this
network's words (radicalisation, organisation, polarisation, analyse), are written one way
in the text given to tantivy and in every word searched (``one_spelling``, regular
expressions over a profile's whole text: about 0.4 s of CPU a build of 100,000): one term,
so both spellings weigh the same. The rest is expanded on the query side: each query word
is searched in every spelling of it (rules for -our/-or and -tre/-ter, and the breame
package's list of about 1,700 pairs: programme/program, defence/defense, judgement/judgment,
...), which costs a build nothing; each spelling's term is weighed as the whole word
(``search_query``). The reasons ("matched: ...") quote the member's own words, read from
their profile.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

import tantivy
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

from bot.textmatch import STOP_WORDS, fold

ANALYZER = "hub_en"
PLAIN = "hub_plain"  # the same words unstemmed: the vocabulary typos are corrected against
MAX_WORD = 40
MAX_PHRASE_SPELLINGS = 8

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_QUOTED = re.compile(r'"([^"]*)"?')
# (before, British, American, after): endings that differ; each applies in both directions.
_ENDINGS = [
    ("[a-z]{2}", "is", "iz", "(e|es|ed|ing|ation|ations|ational|er|ers)$"),
    ("[a-z]{2}", "ys", "yz", "(e|es|ed|ing|er|ers)$"),
    ("[a-z][ivlbmnh]", "our", "or", "(s|ed|ing|al|ally|ite|ites|able|)$"),
    ("[a-z]{3}", "tre", "ter", "(s|)$"),
]
_RULES = [
    (re.compile(f"(?<={before}){a}(?={after})"), b)
    for before, uk, us, after in _ENDINGS
    for a, b in ((uk, us), (us, uk))
]
_AMERICAN_OF = {uk: us for uk, us in BRITISH_ENGLISH_SPELLINGS.items() if " " not in uk}
_BRITISH_OF = {us: uk for uk, us in _AMERICAN_OF.items()}


def build_analyzer(stemmed: bool = True) -> tantivy.TextAnalyzer:
    """Split on anything not a letter or digit, lower case, accents off, Snowball stems."""
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_WORD))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )
    return (builder.filter(tantivy.Filter.stemmer("english")) if stemmed else builder).build()


_PLAIN = build_analyzer(stemmed=False)


def plain(word: str) -> str:
    """A word as the vocabulary holds it: lower case, no accents, not stemmed."""
    found = _PLAIN.analyze(word)
    return found[0] if found else ""


def plain_words(text: str) -> list[str]:
    """Every word of a text as the vocabulary holds it."""
    return _PLAIN.analyze(text)


_ANALYZER = build_analyzer()

# British -ise and -yse endings, written as -ize and -yze in what is indexed and in each word
# searched. Snowball's English stemmer strips -ization but not -isation (radicalization ->
# "radic", radicalisation -> "radicalis"), so a search had to take the union of both stems:
# two posting lists to rank (0.82 ms for "radicalisation" at 100,000 profiles, as one stem
# 0.56) and two document frequencies, which weighed the rarer spelling higher and ranked its
# writers first. Plain regular expressions (no callback), so a build's 85 MB of text takes
# about 0.4 s. The case is kept (lower-casing is tantivy's, after splitting:
# Python's would split a word at a capital I with a dot), so a word in all capitals has its
# own pass and one in mixed case (RadicalISation) keeps its spelling.
_ISE = r"(?=(?:e|es|ed|ing|ations?|ational|ers?)(?![^\W_]))"  # then the word ends
_YSE = r"(?=(?:e|es|ed|ing|ers?)(?![^\W_]))"
_ONE_SPELLING = [
    (re.compile("is" + _ISE), "iz"),
    (re.compile("ys" + _YSE), "yz"),
    (re.compile("IS" + _ISE.upper()), "IZ"),
    (re.compile("YS" + _YSE.upper()), "YZ"),
]


def one_spelling(text: str) -> str:
    """``text`` with British -ise/-yse endings as -ize/-yze (organise -> organize,
    RADICALISATION -> RADICALIZATION, analysed -> analyzed), everything else as it was."""
    for pattern, replacement in _ONE_SPELLING:
        text = pattern.sub(replacement, text)
    return text


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The indexed form of one word ('' for a word the index would not keep)."""
    found = _ANALYZER.analyze(one_spelling(word))
    return found[0] if found else ""


def words(text: str) -> list[str]:
    """The words of a text as written (for reasons), in order."""
    return _WORD.findall(text)


@functools.lru_cache(maxsize=20_000)
def spellings(word: str) -> tuple[str, ...]:
    """Every spelling of one word the network may have used, the typed one first (kept:
    the eight rules cost about 40 microseconds a word, and every search asks again)."""
    typed = fold(word)
    found = [typed]
    for rule, other in _RULES:
        found.extend(rule.sub(other, form) for form in list(found))
    for form in list(found):
        found.extend(x for x in (_AMERICAN_OF.get(form), _BRITISH_OF.get(form)) if x)
    return tuple(dict.fromkeys(found))


@functools.lru_cache(maxsize=20_000)
def stems_of(word: str) -> tuple[str, ...]:
    """Indexed forms of every spelling of ``word``, the typed spelling's first."""
    first = stem(fold(word))
    others = [s for s in (stem(f) for f in spellings(word)) if s and s != first]
    return tuple(dict.fromkeys([first, *others])) if first else ()


@dataclass(frozen=True)
class Word:
    typed: str
    stems: tuple[str, ...]

    @property
    def main(self) -> str:
        return self.stems[0]


@dataclass(frozen=True)
class ParsedQuery:
    """What a query asks for: loose words, quoted phrases (which must match), the words in
    order (for ranking profiles that hold them as a phrase higher), and a last word still
    being typed (also matched as a prefix)."""

    words: list[Word]
    phrases: list[list[Word]]
    sequence: list[Word]
    prefix: Word | None

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases


def _word(typed: str) -> Word | None:
    found = stems_of(typed)
    return Word(typed, found) if found else None


def _sequence(text: str) -> list[Word]:
    return [w for w in (_word(t) for t in words(text)) if w is not None]


def parse(text: str) -> ParsedQuery:
    phrases = [p for p in (_sequence(m) for m in _QUOTED.findall(text)) if len(p) > 0]
    loose_text = _QUOTED.sub(" ", text)
    loose = [w for w in _sequence(loose_text) if fold(w.typed) not in STOP_WORDS]
    single_phrases = [p[0] for p in phrases if len(p) == 1]
    phrases = [p for p in phrases if len(p) > 1]
    prefix = None
    if loose and loose_text and not loose_text[-1].isspace() and len(loose[-1].typed) >= 3:
        prefix = loose[-1]
    everything = list({w.main: w for w in [*loose, *single_phrases]}.values())
    return ParsedQuery(everything, phrases, _sequence(loose_text), prefix)


def phrase_spellings(phrase: list[Word]) -> list[list[str | tuple[int, str]]]:
    """The phrase in each combination of spellings, at most a few (the typed one first)."""
    combos = itertools.islice(itertools.product(*(w.stems for w in phrase)), MAX_PHRASE_SPELLINGS)
    return [list(c) for c in combos]
