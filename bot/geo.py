"""Time zones (IANA): the ones a member may choose, and each country's zones.

Zones come from the time-zone database itself (``zoneinfo`` and the tzdata package's
zone.tab), so they stay in step with it. Country names and codes are not here: they come
from pycountry (``bot.countries``), and languages from langcodes (``bot.languages``).
"""

from __future__ import annotations

import functools
import zoneinfo
from importlib import resources

from bot.textmatch import fold


def _fold(text: str) -> str:
    return fold(text).strip()


def _table(name: str) -> list[list[str]]:
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


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


def zone_named(text: str) -> str | None:
    """The zone a person means by an IANA name in any case ("europe/berlin") or by the
    city it is named after ("Berlin", "new york"); None when it names no zone, or several."""
    wanted = _fold(text).replace(" ", "_")
    if not wanted:
        return None
    by_name = {_fold(zone): zone for zone in all_zones()}
    if wanted in by_name:
        return by_name[wanted]
    cities = [zone for zone in all_zones() if _fold(zone.rsplit("/", 1)[-1]) == wanted]
    return cities[0] if len(cities) == 1 else None
