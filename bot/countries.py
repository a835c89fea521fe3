"""Countries as people write them, read from pycountry's ISO 3166 data.

One place that turns what a member typed ("usa", "UK", "Britain (UK)", "Türkiye", "deu")
into ISO alpha-2 codes, and a code into every name it goes by, so features can compare
countries by code instead of by spelling. pycountry is maintained with the standard; the
few everyday names it does not carry ("uk", "america", "holland") are listed here.
Stored profile countries are alpha-2 codes (see ``bot.geo``), shown with tzdata's names
("Britain (UK)"), which are indexed too.
"""

from __future__ import annotations

import functools
import re

import pycountry

from bot import geo
from bot.textmatch import STOP_WORDS, fold

# Everyday names that neither pycountry nor tzdata carries.
EVERYDAY = {
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
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
def _names() -> dict[str, frozenset[str]]:
    """Alpha-2 code -> every name and code it goes by, as ``words``."""
    found: dict[str, set[str]] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        names = found.setdefault(code, set())
        names.update({code, str(country.alpha_3)})
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names.add(str(value))
    for code, name in geo.countries().items():
        found.setdefault(code, {code}).add(name)
    for alias, code in EVERYDAY.items():
        found.setdefault(code, {code}).add(alias)
    return {code: frozenset(words(n) for n in names) for code, names in found.items()}


@functools.cache
def _index() -> dict[str, str]:
    return {name: code for code, names in _names().items() for name in names}


@functools.lru_cache(maxsize=50_000)
def find(text: str) -> str | None:
    """The alpha-2 code that ``text`` names exactly (a code, a name, an everyday name)."""
    return _index().get(words(text))


def names_of(code: str) -> frozenset[str]:
    """Every name and code of a country, as ``words`` ('gb', 'gbr', 'united kingdom', ...)."""
    return _names().get(code.upper(), frozenset({words(code)}))


@functools.lru_cache(maxsize=4096)
def mentioned(text: str) -> frozenset[str]:
    """The countries ``text`` names: exactly, or else as whole words inside a name
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
