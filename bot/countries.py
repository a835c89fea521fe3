"""Countries as people write them and as they are shown, from pycountry's ISO 3166 data.

One place that turns what a member typed ("usa", "UK", "Deutschland", "Türkiye", "deu")
into ISO alpha-2 codes, names a code for people ("United Kingdom", never tzdata's
"Britain (UK)"), and offers countries as someone types. Profiles, enquiries and avoid lists
store alpha-2 codes and compare them, never spellings. pycountry is maintained with the
standard and carries its names in many languages (its gettext catalogues), so a member may
type their country's own name; the few everyday names it does not carry ("uk", "america",
"holland") are listed here.
"""

from __future__ import annotations

import functools
import gettext
import re

import pycountry

from bot.textmatch import STOP_WORDS, fold

# Everyday names that pycountry does not carry.
EVERYDAY = {
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "britain uk": "GB",  # "Britain (UK)": how cards named it until 2026, so people copy it
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "us": "US",
    "usa": "US",
    "america": "US",
    "united states": "US",
    "holland": "NL",
    "the netherlands": "NL",
    "south korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "turkey": "TR",
    "czech republic": "CZ",
    "uae": "AE",
    "ivory coast": "CI",
}
# The network's working languages: a country's name in any of them finds it.
_NAME_LANGUAGES = (
    "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "nb", "fi", "cs", "tr", "he",
    "ar", "ru", "uk", "id",
)  # fmt: skip
# Words inside many countries' names that name none of them alone.
_TOO_COMMON = STOP_WORDS | {
    "republic", "islands", "island", "state", "states", "kingdom", "united", "democratic",
    "people", "peoples", "federal", "federation", "saint", "south", "north", "east", "west",
    "new", "plurinational", "province", "territory", "territories", "sar", "commonwealth",
}  # fmt: skip
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


@functools.lru_cache(maxsize=50_000)
def words(text: str) -> str:
    """Folded words joined by single spaces: 'Korea, Republic of' -> 'korea republic of'."""
    return " ".join(w for w in _NON_WORD.split(fold(text).replace("_", " ")) if w)


@functools.cache
def countries() -> dict[str, str]:
    """Alpha-2 code -> the English name people use ("United Kingdom", "South Korea",
    "Iran"), sorted by name: pycountry's common name where it has one."""
    named = {
        str(c.alpha_2): str(getattr(c, "common_name", None) or c.name) for c in pycountry.countries
    }
    return dict(sorted(named.items(), key=lambda pair: words(pair[1])))


def name(code: str) -> str:
    """A stored code as people read it; anything unknown is shown as it was stored."""
    return countries().get(code.upper(), code)


@functools.cache
def _names() -> dict[str, frozenset[str]]:
    """Alpha-2 code -> every English name and code it goes by, as ``words``."""
    found: dict[str, set[str]] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        names = found.setdefault(code, set())
        names.update({code, str(country.alpha_3)})
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names.add(str(value))
    for alias, code in EVERYDAY.items():
        found.setdefault(code, {code}).add(alias)
    return {code: frozenset(words(n) for n in names) for code, names in found.items()}


@functools.cache
def _local_names() -> dict[str, frozenset[str]]:
    """Alpha-2 code -> its names in the network's languages ("deutschland", "espana")."""
    found: dict[str, set[str]] = {}
    for language in _NAME_LANGUAGES:
        try:
            catalogue = gettext.translation(
                "iso3166-1", pycountry.LOCALES_DIR, languages=[language]
            )
        except OSError:
            continue
        for country in pycountry.countries:
            for english in {country.name, getattr(country, "common_name", None)} - {None}:
                local = catalogue.gettext(str(english))
                if local != english:
                    found.setdefault(str(country.alpha_2), set()).add(words(local))
    return {code: frozenset(names) for code, names in found.items()}


@functools.cache
def _index() -> dict[str, str]:
    """Every name -> its code; English names win over a clash with another language's."""
    index = {n: code for code, names in _local_names().items() for n in names}
    index.update({n: code for code, names in _names().items() for n in names})
    return index


@functools.lru_cache(maxsize=50_000)
def find(text: str) -> str | None:
    """The alpha-2 code that ``text`` names exactly (a code, a name in English or in one of
    the network's languages, an everyday name), else None."""
    return _index().get(words(text))


def names_of(code: str) -> frozenset[str]:
    """Every name and code of a country, as ``words`` ('gb', 'gbr', 'united kingdom', ...)."""
    code = code.upper()
    english = _names().get(code, frozenset({words(code)}))
    return english | _local_names().get(code, frozenset())


def search(text: str, limit: int = 25) -> list[tuple[str, str]]:
    """(code, name) pairs for autocomplete: the country ``text`` names exactly ("uk",
    "Deutschland"), then names starting with it, then names containing it."""
    wanted = words(text)
    shown = countries()
    if not wanted:
        return list(shown.items())[:limit]
    codes: list[str] = []
    exact = find(wanted)
    if exact in shown:
        codes.append(exact)
    for test in (str.startswith, str.__contains__):
        for code, names in _names().items():
            if code not in codes and code in shown and any(test(n, wanted) for n in names):
                codes.append(code)
    return [(code, shown[code]) for code in codes[:limit]]


@functools.lru_cache(maxsize=4096)
def mentioned(text: str) -> frozenset[str]:
    """The countries ``text`` names: exactly, or else as whole words inside an English name
    ("congo" names both Congos). Whole words only, so "us" never means Australia."""
    wanted = words(text)
    if not wanted:
        return frozenset()
    exact = find(wanted)
    if exact is not None:
        return frozenset({exact})
    if wanted in _TOO_COMMON or len(wanted) < 3:
        return frozenset()
    pattern = f" {wanted} "
    return frozenset(
        code
        for code, names in _names().items()
        if any(pattern in f" {name} " for name in names if len(name) > 3)
    )


def same(a: str, b: str) -> bool:
    """Do two stored or typed country values name the same country?"""
    first, second = find(a) or words(a), find(b) or words(b)
    return bool(first) and first == second
