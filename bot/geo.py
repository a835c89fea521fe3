"""Countries (ISO 3166) and time zones (IANA), read from the tzdata package's own tables.

Using tzdata's iso3166.tab and zone.tab keeps country names and the zones of each country
in step with the time-zone database itself, with no extra dependency.
"""

from __future__ import annotations

import functools
import unicodedata
import zoneinfo
from importlib import resources

# Spellings people type that the ISO names do not contain.
_ALIASES = {
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "us": "US",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "the netherlands": "NL",
    "holland": "NL",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "czechia": "CZ",
    "czech republic": "CZ",
    "turkey": "TR",
    "turkiye": "TR",
    "uae": "AE",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _table(name: str) -> list[list[str]]:
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@functools.cache
def countries() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> English short name, sorted by name."""
    pairs = sorted(((row[0], row[1]) for row in _table("iso3166.tab")), key=lambda p: p[1])
    return dict(pairs)


@functools.cache
def _country_index() -> dict[str, str]:
    index = {_fold(name): code for code, name in countries().items()}
    index.update({code.casefold(): code for code in countries()})
    index.update(_ALIASES)
    return index


def find_country(text: str) -> str | None:
    """The ISO code for a code, name or common alias ("uk", "Türkiye", "de"), else None."""
    return _country_index().get(_fold(text))


def search_countries(text: str, limit: int = 25) -> list[tuple[str, str]]:
    """(code, name) pairs whose name or code starts with, then contains, what was typed."""
    wanted = _fold(text)
    names = countries()
    if not wanted:
        return list(names.items())[:limit]
    starts = [
        (c, n) for c, n in names.items() if _fold(n).startswith(wanted) or c.casefold() == wanted
    ]
    contains = [(c, n) for c, n in names.items() if wanted in _fold(n) and (c, n) not in starts]
    return (starts + contains)[:limit]


def country_name(code: str) -> str:
    return countries().get(code.upper(), code)


@functools.cache
def _zones_by_country() -> dict[str, list[tuple[str, str]]]:
    zones: dict[str, list[tuple[str, str]]] = {}
    for row in _table("zone.tab"):
        comment = row[3] if len(row) > 3 else ""
        zones.setdefault(row[0], []).append((row[2], comment))
    return zones


def zones_for_country(code: str) -> list[str]:
    """The country's zones, its main one first ("most areas" in tzdata's comments)."""
    entries = _zones_by_country().get(code.upper(), [])
    main = [zone for zone, comment in entries if "most" in comment.casefold()]
    rest = [zone for zone, _ in entries if zone not in main]
    return main + rest


def suggest_zone(code: str | None) -> str:
    zones = zones_for_country(code) if code else []
    return zones[0] if zones else "UTC"


@functools.cache
def all_zones() -> frozenset[str]:
    """The zones a person would choose: Area/City names and UTC. The tz database also has
    "localtime" (whatever the server's clock is), "Factory" (a placeholder) and bare legacy
    names ("EST", "GB", "Zulu"), which mean nothing to a member or change meaning."""
    return frozenset(
        z for z in zoneinfo.available_timezones() if ("/" in z and z != "Etc/Unknown") or z == "UTC"
    )


def is_zone(name: str) -> bool:
    return name in all_zones()


def search_zones(text: str, limit: int = 25) -> list[str]:
    """IANA names matching what was typed: "london", "new york", "Europe/Ber"."""
    wanted = _fold(text).replace(" ", "_")
    if not wanted:
        return ["UTC", "Europe/London", "America/New_York", "Australia/Sydney"][:limit]
    pool = sorted(z for z in all_zones() if "/" in z or z == "UTC")
    starts = [
        z for z in pool if _fold(z).startswith(wanted) or _fold(z.split("/")[-1]).startswith(wanted)
    ]
    contains = [z for z in pool if wanted in _fold(z) and z not in starts]
    return (starts + contains)[:limit]


# Languages offered in the introduction form (at most 25: Discord's select limit).
LANGUAGES = [
    "English", "French", "German", "Spanish", "Portuguese", "Italian", "Dutch", "Arabic",
    "Urdu", "Hindi", "Bengali", "Chinese", "Japanese", "Korean", "Russian", "Ukrainian",
    "Polish", "Turkish", "Persian", "Swedish", "Norwegian", "Danish", "Finnish", "Indonesian",
    "Swahili",
]  # fmt: skip
