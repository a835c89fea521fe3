"""Time zones people write inside a time: "14:00 CET", "noon EST", "15:00 Berlin time",
"2026-12-10T14:00Z", "GMT+2", "+05:30", "14:00 Europe/Berlin".

A zone written in the text always wins over the member's profile zone, because it is what
they meant. Abbreviations are the ones used across the network's countries; one that names
several zones (IST, CST, BST, AST) is never guessed: the caller is told to ask which.
A season-specific abbreviation ("EDT") is the fixed offset it names all year, so "15:00 EDT"
in January is 19:00 UTC, and the reading says that New York is on EST then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones


@dataclass(frozen=True)
class Abbreviation:
    """A fixed offset (``offset`` minutes east of UTC) or, with ``offset`` None, the wall
    clock of ``zone`` ("ET" is New York's clock, EST or EDT as the date falls)."""

    offset: int | None
    zone: str
    place: str


@dataclass(frozen=True)
class Meaning:
    """One reading of an abbreviation that names several zones, for the question."""

    zone: str
    place: str


def _fixed(hours: float, zone: str, place: str) -> Abbreviation:
    return Abbreviation(round(hours * 60), zone, place)


# Abbreviations of the network's countries and their neighbours, with the zone whose clock
# they belong to (for the out-of-season note and for a repeating event's wall clock).
ABBREVIATIONS: dict[str, Abbreviation] = {
    "UTC": _fixed(0, "UTC", "UTC"),
    "UT": _fixed(0, "UTC", "UTC"),
    "GMT": _fixed(0, "UTC", "UTC"),
    "Z": _fixed(0, "UTC", "UTC"),
    "WET": _fixed(0, "Europe/Lisbon", "Lisbon"),
    "WEST": _fixed(1, "Europe/Lisbon", "Lisbon"),
    "CET": _fixed(1, "Europe/Berlin", "Berlin"),
    "CEST": _fixed(2, "Europe/Berlin", "Berlin"),
    "EET": _fixed(2, "Europe/Helsinki", "Helsinki"),
    "EEST": _fixed(3, "Europe/Helsinki", "Helsinki"),
    "MSK": _fixed(3, "Europe/Moscow", "Moscow"),
    "IDT": _fixed(3, "Asia/Jerusalem", "Jerusalem"),
    "EST": _fixed(-5, "America/New_York", "New York"),
    "EDT": _fixed(-4, "America/New_York", "New York"),
    "CDT": _fixed(-5, "America/Chicago", "Chicago"),
    "MST": _fixed(-7, "America/Denver", "Denver"),
    "MDT": _fixed(-6, "America/Denver", "Denver"),
    "PST": _fixed(-8, "America/Los_Angeles", "Los Angeles"),
    "PDT": _fixed(-7, "America/Los_Angeles", "Los Angeles"),
    "AKST": _fixed(-9, "America/Anchorage", "Anchorage"),
    "AKDT": _fixed(-8, "America/Anchorage", "Anchorage"),
    "HST": _fixed(-10, "Pacific/Honolulu", "Honolulu"),
    "ADT": _fixed(-3, "America/Halifax", "Halifax"),
    "NST": _fixed(-3.5, "America/St_Johns", "St John's"),
    "NDT": _fixed(-2.5, "America/St_Johns", "St John's"),
    "BRT": _fixed(-3, "America/Sao_Paulo", "São Paulo"),
    "AEST": _fixed(10, "Australia/Sydney", "Sydney"),
    "AEDT": _fixed(11, "Australia/Sydney", "Sydney"),
    "ACST": _fixed(9.5, "Australia/Adelaide", "Adelaide"),
    "ACDT": _fixed(10.5, "Australia/Adelaide", "Adelaide"),
    "AWST": _fixed(8, "Australia/Perth", "Perth"),
    "NZST": _fixed(12, "Pacific/Auckland", "Auckland"),
    "NZDT": _fixed(13, "Pacific/Auckland", "Auckland"),
    "JST": _fixed(9, "Asia/Tokyo", "Tokyo"),
    "KST": _fixed(9, "Asia/Seoul", "Seoul"),
    "SGT": _fixed(8, "Asia/Singapore", "Singapore"),
    "HKT": _fixed(8, "Asia/Hong_Kong", "Hong Kong"),
    "PKT": _fixed(5, "Asia/Karachi", "Karachi"),
    "WIB": _fixed(7, "Asia/Jakarta", "Jakarta"),
    "EAT": _fixed(3, "Africa/Nairobi", "Nairobi"),
    "CAT": _fixed(2, "Africa/Maputo", "Maputo"),
    "WAT": _fixed(1, "Africa/Lagos", "Lagos"),
    "SAST": _fixed(2, "Africa/Johannesburg", "Johannesburg"),
    # Generic names: the place's clock, standard or summer time as the date falls.
    "ET": Abbreviation(None, "America/New_York", "New York"),
    "CT": Abbreviation(None, "America/Chicago", "Chicago"),
    "MT": Abbreviation(None, "America/Denver", "Denver"),
    "PT": Abbreviation(None, "America/Los_Angeles", "Los Angeles"),
    "AET": Abbreviation(None, "Australia/Sydney", "Sydney"),
    "UK": Abbreviation(None, "Europe/London", "London"),
}

# Names that several zones use: the member is asked which they meant.
AMBIGUOUS: dict[str, tuple[Meaning, ...]] = {
    "IST": (
        Meaning("Asia/Kolkata", "India"),
        Meaning("Europe/Dublin", "Ireland"),
        Meaning("Asia/Jerusalem", "Israel"),
    ),
    "CST": (
        Meaning("America/Chicago", "US Central"),
        Meaning("Asia/Shanghai", "China"),
        Meaning("America/Havana", "Cuba"),
    ),
    "BST": (Meaning("Europe/London", "British Summer Time"), Meaning("Asia/Dhaka", "Bangladesh")),
    "AST": (Meaning("America/Halifax", "Atlantic"), Meaning("Asia/Riyadh", "Arabia")),
}

# Short names that are also everyday words (French "et", English "west", "cat") count as a
# zone only when written in capitals.
_CAPITALS_ONLY = {"Z", "UT", "ET", "CT", "MT", "PT", "UK", "WEST", "EAT", "CAT", "WAT", "AST"}


class ZoneQuestion(ValueError):
    """The text names a zone that could be several; ``meanings`` are the choices."""

    def __init__(self, message: str, meanings: tuple[Meaning, ...]) -> None:
        super().__init__(message)
        self.meanings = meanings


@dataclass(frozen=True)
class ZoneInText:
    """A zone found in the text: ``tz`` reads the wall clock; ``zone`` is the IANA zone a
    repeat should follow (None for a bare offset such as "+05:30"); ``written`` is how it
    is named back to the member ("CET", "Europe/Berlin", "UTC+05:30")."""

    tz: tzinfo
    written: str
    zone: str | None
    abbreviation: Abbreviation | None = None

    def season_note(self, instant: datetime) -> str:
        """ "EDT is UTC−4; New York is on EST (UTC−5) then." when the abbreviation is out of
        season on that date; empty otherwise."""
        named = self.abbreviation
        if named is None or named.offset is None or named.zone == "UTC":
            return ""
        local = instant.astimezone(ZoneInfo(named.zone))
        real = local.utcoffset()
        if real is None or real == timedelta(minutes=named.offset):
            return ""
        return (
            f"{self.written} is {offset_words(timedelta(minutes=named.offset))}; {named.place} "
            f"is on {local.tzname()} ({offset_words(real)}) then."
        )


def offset_words(offset: timedelta) -> str:
    """UTC+1, UTC−5, UTC+5:30 (with a real minus sign, as printed timetables do)."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@cache
def _zone_names() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


@cache
def _cities() -> dict[str, str]:
    """ "new york" -> America/New_York, from the last part of every IANA name."""
    found: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "US/")):
            continue
        city = name.rsplit("/", 1)[1].replace("_", " ").casefold()
        found.setdefault(city, name)
    return found


_SIGN = r"[+\-−]"
_OFFSET_AFTER_NAME = re.compile(
    rf"\b(?:UTC|GMT|UT)\s*({_SIGN})\s*(\d{{1,2}})(?::?(\d{{2}}))?\b", re.IGNORECASE
)
_BARE_OFFSET = re.compile(rf"(?<![A-Za-z:])({_SIGN})(\d{{2}}):?(\d{{2}})\b")
_ISO_Z = re.compile(r"(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)Z\b")
_IANA = re.compile(r"\b[A-Za-z][A-Za-z_\-]*(?:/[A-Za-z0-9_\-+]+)+")
_CITY_TIME = re.compile(r"\b([A-Za-zÀ-ÿ'. ]{2,40}?)\s+time\b", re.IGNORECASE)
_WORD = re.compile(r"\b([A-Za-z]{1,5})\b")


def find_zone(text: str) -> tuple[ZoneInText | None, str]:
    """The zone written in ``text`` (or None) and the text without it.

    Raises ZoneQuestion for an abbreviation that names several zones, and ValueError for
    an offset beyond ±14 hours.
    """
    for finder in (_iso_z, _named_offset, _bare_offset, _iana_name, _city_time, _abbreviation):
        found = finder(text)
        if found is not None:
            zone, rest = found
            return zone, " ".join(rest.split())
    return None, text


def _cut(text: str, match: re.Match[str], keep: str = "") -> str:
    return f"{text[: match.start()]}{keep} {text[match.end() :]}"


def _offset(sign: str, hours: str, minutes: str | None) -> timezone:
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14) or int(minutes or 0) >= 60:
        raise ValueError(
            f"'{sign}{hours}{':' + minutes if minutes else ''}' is not a UTC offset: offsets run "
            "from UTC−12 to UTC+14, such as +05:30 or UTC-5."
        )
    return timezone(-delta if sign in "-−" else delta)


def _iso_z(text: str) -> tuple[ZoneInText, str] | None:
    match = _ISO_Z.search(text)
    if match is None:
        return None
    utc = ABBREVIATIONS["UTC"]
    return ZoneInText(UTC, "UTC", "UTC", utc), _cut(text, match, match.group(1))


def _named_offset(text: str) -> tuple[ZoneInText, str] | None:
    match = _OFFSET_AFTER_NAME.search(text)
    if match is None:
        return None
    tz = _offset(*match.groups())
    return _offset_zone(tz), _cut(text, match)


def _bare_offset(text: str) -> tuple[ZoneInText, str] | None:
    # Only after a time of day ("14:00+02:00", "14:00 -0500"), never a date's "-12".
    for match in _BARE_OFFSET.finditer(text):
        before = text[: match.start()].rstrip()
        if re.search(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", before):
            tz = _offset(*match.groups())
            return _offset_zone(tz), _cut(text, match)
    return None


def _offset_zone(tz: timezone) -> ZoneInText:
    offset = tz.utcoffset(None)
    if offset == timedelta(0):
        return ZoneInText(UTC, "UTC", "UTC", ABBREVIATIONS["UTC"])
    return ZoneInText(tz, offset_words(offset), None)


def _iana_name(text: str) -> tuple[ZoneInText, str] | None:
    for match in _IANA.finditer(text):
        name = _zone_names().get(match.group(0).casefold())
        if name is not None:
            return ZoneInText(ZoneInfo(name), name, name), _cut(text, match)
    return None


def _city_time(text: str) -> tuple[ZoneInText, str] | None:
    for match in _CITY_TIME.finditer(text):
        words = match.group(1).split()
        # "at 15:00 New York time": try the longest run of words before "time" first.
        for start in range(len(words)):
            city = " ".join(words[start:]).casefold()
            name = _cities().get(city)
            if name is not None:
                cut = text[: match.end(1) - len(" ".join(words[start:]))]
                rest = f"{cut} {text[match.end() :]}"
                written = f"{' '.join(words[start:])} time"
                return ZoneInText(ZoneInfo(name), written, name), rest
    return None


def _abbreviation(text: str) -> tuple[ZoneInText, str] | None:
    for match in _WORD.finditer(text):
        word = match.group(1)
        key = word.upper()
        if key in _CAPITALS_ONLY and word != key:
            continue
        if key in AMBIGUOUS:
            raise ZoneQuestion(_question(key, text, match), AMBIGUOUS[key])
        named = ABBREVIATIONS.get(key)
        if named is None:
            continue
        if named.offset is None:
            tz: tzinfo = ZoneInfo(named.zone)
        elif named.offset == 0:
            tz = UTC
        else:
            tz = timezone(timedelta(minutes=named.offset))
        return ZoneInText(tz, key, named.zone, named), _cut(text, match)
    return None


def _question(key: str, text: str, match: re.Match[str]) -> str:
    rest = " ".join(_cut(text, match).split())
    choices = [f"{m.place} ('{rest} {m.zone}')" for m in AMBIGUOUS[key]]
    return (
        f"{key} could mean {', '.join(choices[:-1])} or {choices[-1]}. I will not guess: "
        "type the time again with the zone's full name (as in those examples), an offset such "
        "as +01:00, or a city followed by 'time', such as 'Dublin time'."
    )
