"""Institution names compared as people write them, for conflicts of interest.

Members type their affiliation freely: "University of Leeds", "The University of Leeds" and
"Leeds University" are one place, "KCL" is King's College London, and "RAND" is the parent of
"RAND Europe". Exact text misses all of these, and plain substring search over-blocks (it
would make "University of Oxford" and "Oxford Brookes University" one place). So a name is
normalised to its significant words (folded case and accents, no punctuation, no "the",
"University of X" read as "X University", one spelling for British and American words),
and two names conflict when:

- their words are equal, directly or through the network's alias table
  (``config/institutions.toml``);
- one is the initials of the other's significant words ("KCL", "UCL"; "LSE" for the London
  School of Economics and Political Science, from the part before "and");
- one name, whole, is a run of whole words inside the other (a parent organisation:
  "RAND" in "RAND Europe"), as long as it has a word that is not generic ("College London"
  would, "University" alone would not).

Plain Python, no Discord; any feature may use it.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bot.textmatch import fold, normalise_word

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "institutions.toml"

SKIP = frozenset(
    ["of", "the", "and", "for", "at", "in", "on", "de", "du", "des", "di", "da", "del", "della",
     "der", "la", "le", "les", "van", "von", "und", "et", "y"]
)  # fmt: skip
PREPOSITIONS = frozenset(["of", "de", "di", "du", "des", "del", "della", "da", "van", "von"])
UNIVERSITY = frozenset(
    ["university", "universite", "universitat", "universidad", "universidade", "universita",
     "universiteit", "uniwersytet", "univ", "uni"]
)  # fmt: skip
GENERIC = frozenset(
    ["university", "college", "institute", "school", "center", "department", "faculty",
     "academy", "foundation", "research", "national", "state", "international", "group",
     "programme", "program", "office", "ministry", "council", "society", "association", "unit",
     "lab", "laboratory", "network", "trust", "studie", "science"]
)  # Words that name no particular place alone (as normalise_word spells them).  # fmt: skip
# Words of an affiliation that is no institution ("Independent researcher", "None",
# "Freelance consultant"): two such members share nothing to be in conflict about.
NO_INSTITUTION = frozenset(
    ["independent", "researcher", "research", "consultant", "consultancy", "freelance",
     "freelancer", "self", "employed", "none", "na", "n", "a", "retired", "unaffiliated",
     "private", "practice", "practitioner", "scholar", "no", "affiliation", "other"]
)  # fmt: skip
_SEGMENTS = re.compile(r"[,;:()\[\]/|–—]+| - ")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_POSSESSIVE = re.compile(r"['’`]s\b")
_APOSTROPHE = re.compile(r"['’`]")


class InstitutionConfigError(Exception):
    """The institutions file is wrong; the message names the entry and the problem."""


Words = tuple[str, ...]


@dataclass(frozen=True)
class Name:
    """An institution as typed, its significant words per part ("Dept X, University Y" has
    two parts), and the initials it may be written as."""

    typed: str
    parts: tuple[Words, ...]
    acronyms: frozenset[str]
    canonical: str = ""  # the alias table's name, when the text is one of its aliases
    own: tuple[Words, ...] = ()  # the words as typed, when the alias table replaced them

    @functools.cached_property
    def words(self) -> Words:
        return tuple(w for part in self.parts for w in part)

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(w for part in (*self.parts, *self.own) for w in part)

    @functools.cached_property
    def core(self) -> frozenset[str]:
        """The words that name this place in particular (not "university", "institute")."""
        return self.vocabulary - GENERIC


def _unrelated(a: Name, b: Name) -> bool:
    """A quick no: without an alias, equal words, a shared particular word or one's
    initials among the other's words, no rule below can find a conflict."""
    return (
        not a.canonical
        and not b.canonical
        and a.words != b.words
        and a.core.isdisjoint(b.core)
        and a.acronyms.isdisjoint(b.vocabulary)
        and b.acronyms.isdisjoint(a.vocabulary)
    )


def _raw_words(segment: str) -> list[str]:
    text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", fold(segment).replace("&", " and ")))
    raw = [w for w in _NON_WORD.split(text.replace("_", " ")) if w]
    if len(raw) > 1 and all(len(w) == 1 for w in raw):  # "K.C.L." -> "kcl"
        raw = ["".join(raw)]
    return ["university" if w in UNIVERSITY else w for w in raw]


def _significant(raw: list[str]) -> Words:
    """The words that name the place, "University of X" read as "X University"."""
    if raw[:1] == ["the"]:
        raw = raw[1:]
    if len(raw) >= 3 and raw[0] == "university" and raw[1] in PREPOSITIONS:
        raw = [*raw[2:], "university"]
    return tuple(normalise_word(w) for w in raw if w not in SKIP)


def _initials(raw: list[str]) -> set[str]:
    """Initials of the significant words, and of the part before "and" when that has
    three or more ("London School of Economics and Political Science": lseps and lse)."""
    found = set()
    words = [w for w in raw if w not in SKIP]
    if len(words) >= 2:
        found.add("".join(w[0] for w in words))
    if "and" in raw:
        before = [w for w in raw[: raw.index("and")] if w not in SKIP]
        if len(before) >= 3:
            found.add("".join(w[0] for w in before))
    return found


def parse(text: str) -> Name:
    """The institution's words and initials; empty parts for empty text."""
    parts, acronyms = [], set()
    for segment in _SEGMENTS.split(text):
        raw = _raw_words(segment)
        words = _significant(raw)
        if words:
            parts.append(words)
            acronyms |= _initials(raw)
    if all(w in NO_INSTITUTION for part in parts for w in part):
        return Name(text.strip(), (), frozenset())
    whole = _raw_words(text)
    acronyms |= _initials(whole)
    return Name(text.strip(), tuple(parts), frozenset(acronyms))


def _runs_inside(small: Words, big: Words) -> bool:
    n = len(small)
    return 0 < n <= len(big) and any(big[i : i + n] == small for i in range(len(big) - n + 1))


def _inside(small: tuple[Words, ...], big: tuple[Words, ...]) -> bool:
    words = [w for part in small for w in part]
    if not words or all(w in GENERIC for w in words):
        return False
    return all(any(_runs_inside(p, q) for q in big) for p in small)


def _part_of(small: Name, big: Name) -> bool:
    """Every part of ``small`` (as listed or as typed) is a run of whole words in a part of
    ``big``, and ``small`` says more than generic words."""
    return any(
        _inside(mine, theirs)
        for mine in (small.parts, small.own)
        for theirs in (big.parts, big.own)
        if mine and theirs
    )


def _acronym_of(short: Name, long: Name) -> bool:
    """``short`` is written as ``long``'s initials: the whole of it, or (three letters or
    more) one of its words ("UCL Department of Security" and University College London)."""
    if len(short.words) == 1 and short.words[0] in long.acronyms:
        return True
    return any(len(a) >= 3 and a in short.words for a in long.acronyms)


def _by_initials(short: Name, long: Name) -> str:
    if len(short.words) == 1:
        return f"same institution: '{short.typed}' is the initials of '{long.typed}'"
    return f"same institution: '{short.typed}' names '{long.typed}' by its initials"


@dataclass(eq=False)
class Institutions:
    """The alias table (canonical name -> the other names it goes by) and the comparisons,
    remembered per pair of texts: a round compares the same few names many times."""

    aliases: dict[Words, str] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)  # canonical name -> its parent
    _seen: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)
    _names: dict[str, Name] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, table: dict[str, list[str]], parents: dict[str, str] | None = None) -> Institutions:
        aliases: dict[Words, str] = {}
        for canonical, others in table.items():
            for text in (canonical, *others):
                name = parse(text)
                if name.words:
                    aliases[name.words] = canonical
        for parent in (parents or {}).values():
            aliases.setdefault(parse(parent).words, parent)
        return cls(aliases, dict(parents or {}))

    def name(self, text: str) -> Name:
        """The parsed name, replaced by the alias table's canonical one when listed."""
        if text not in self._names:
            self._names[text] = self._listed(parse(text))
        return self._names[text]

    def _listed(self, name: Name) -> Name:
        canonical = self.aliases.get(name.words)
        if canonical is None:
            return name
        listed = parse(canonical)
        acronyms = listed.acronyms | name.acronyms
        return Name(name.typed, listed.parts, acronyms, canonical, name.parts)

    def conflict(self, a: str, b: str) -> str | None:
        """Why two institutions count as the same or related, in words; None if not."""
        key = (a, b)
        if key not in self._seen:
            self._seen[key] = self._compare(a, b)
        return self._seen[key]

    def _compare(self, a: str, b: str) -> str | None:
        first, second = self.name(a), self.name(b)
        if not first.words or not second.words or _unrelated(first, second):
            return None
        if first.canonical and first.canonical == second.canonical:
            if fold(a).strip() == fold(b).strip():
                return f"same institution: {first.typed}"
            return (
                f"same institution: '{first.typed}' and '{second.typed}' are both "
                f"{first.canonical} in the institution list"
            )
        if first.words == second.words:
            return f"same institution: '{first.typed}' and '{second.typed}' (same name)"
        for short, long in ((first, second), (second, first)):
            if _acronym_of(short, long):
                return _by_initials(short, long)
        for small, big in ((first, second), (second, first)):
            if _part_of(small, big):
                return f"related institutions: '{small.typed}' is part of '{big.typed}'"
            parent = self.parents.get(big.canonical)
            if parent and parent in (small.canonical, small.typed):
                return (
                    f"related institutions: '{big.typed}' is part of {parent} in the "
                    "institution list"
                )
        return None


def load_institutions(path: Path = DEFAULT_FILE) -> Institutions:
    """The alias table from a TOML file of ``[[institution]]`` entries (``name`` and
    ``aliases``); a missing default file means no aliases."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if path == DEFAULT_FILE:
            return Institutions()
        raise InstitutionConfigError(f"{path}: the institutions file is missing.") from None
    except tomllib.TOMLDecodeError as exc:
        raise InstitutionConfigError(f"{path}: not valid TOML ({exc}).") from None
    entries = data.get("institution", [])
    if not isinstance(entries, list):
        raise InstitutionConfigError(f"{path}: write each entry as [[institution]].")
    table: dict[str, list[str]] = {}
    parents: dict[str, str] = {}
    for index, entry in enumerate(entries, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        aliases = entry.get("aliases", []) if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise InstitutionConfigError(f"{path}: institution {index}: give it a name.")
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise InstitutionConfigError(
                f"{path}: institution {index} ('{name}'): aliases must be a list of names, "
                'e.g. aliases = ["KCL"].'
            )
        parent = entry.get("part_of", "")
        if not isinstance(parent, str):
            raise InstitutionConfigError(
                f"{path}: institution {index} ('{name}'): part_of must be one name."
            )
        table[name.strip()] = [a.strip() for a in aliases if a.strip()]
        if parent.strip():
            parents[name.strip()] = parent.strip()
    return Institutions.of(table, parents)
