"""The time of day and the date inside what a member typed, in the network's languages.

dateparser reads dates in many languages but guesses at times of day it does not know
("14 Uhr" becomes the current time, "25:00" too), so the time of day is found here first,
checked (hours 00-23, minutes 00-59), and taken out; dateparser then reads only the date.
Numeric dates are read here too, strictly: "2026-13-01" and "31.02.2027" are refused rather
than turned into another day, a dotted date is always day.month (no country writes
month.day with dots), and a slash date that could be either is refused unless the member's
country settles the order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from bot.text import excerpt

_AMPM = r"(a\.?m\.?|p\.?m\.?)"
_KEYWORDS = r"at|um|à|a\s+las|a\s+la|alle|om|kl\.?|klo|o|godz\.?|às|as|ás|vers|gegen"
_CLOCK = re.compile(
    rf"(?<![\d.:/-])(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?\s*(?:{_AMPM}|uhr|hrs?|h)?\b", re.IGNORECASE
)
_DOT_UHR = re.compile(r"(?<![\d.:/-])(\d{1,2})(?:\.(\d{2}))?\s*uhr(?:\s+(\d{2})\b)?", re.IGNORECASE)
_H_STYLE = re.compile(r"(?<![\d.:/-])(\d{1,2})\s?h(\d{2})?\b", re.IGNORECASE)
_AM_PM = re.compile(rf"(?<![\d.:/-])(\d{{1,2}})(?:[.:](\d{{2}}))?\s*{_AMPM}(?!\w)", re.IGNORECASE)
_AFTER_KEYWORD = re.compile(
    rf"\b(?:{_KEYWORDS})\s+(\d{{1,2}})(?:\.(\d{{2}}))?(?![\d:/\-]|\.\d)\b", re.IGNORECASE
)
_WORDS = {
    12: r"noon|midday|mittag|midi|mediod[ií]a|mezzogiorno|middag|południe|meio-dia",
    0: r"midnight|mitternacht|minuit|medianoche|mezzanotte|middernacht|midnatt|północ|meia-noite",
}
_FILLER = re.compile(rf"(?:\b(?:{_KEYWORDS}|uhr|uur)\b|,)", re.IGNORECASE)

_RELATIVE_UNIT = (
    r"h|hrs?|hours?|mins?|minutes?|stunden?|minuten?|heures?|horas?|minutos?|ore|ora|"
    r"minuti|timm(?:e|ar)|timer?|minut(?:er|ter|y)?|tunni[na]?|tuntia|minuutin|minuuttia|"
    r"godzin[yę]?"
)
_RELATIVE = re.compile(
    rf"(?:\b(?:in|dans|en|om|tra|fra|za|em|daqui\s+a|within)\s+\d+\s*(?:{_RELATIVE_UNIT})\b"
    rf"|\b\d+\s*(?:{_RELATIVE_UNIT})\s+(?:from\s+now|päästä|später|later)\b"
    r"|\bover\s+\d+\s*(?:uur|minuten|minuut)\b)",  # Dutch: "om 2 uur" is a clock time
    re.IGNORECASE,
)

_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})T?")
_DOTTED_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?(?![\d.])")
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])")


# Words around a weekday that dateparser does not take ("mardi prochain", "el viernes"):
# without them the weekday alone means the first such day after today, which is also how
# "next Thursday" is read in English.
_AROUND_WEEKDAY = re.compile(
    r"\b(?:el|la|le|am|den|der|il|lo|o|on|op|på|ensi|w|we|na|no|next|this|"
    r"prochaine?|pr[oó]xim[oa]|n[aä]chste[nr]?|kommenden?|prossim[oa]|volgende|komende|"
    r"n[aä]sta|neste|n[æa]ste|przysz[łl]ym?|przysz[łl]a|seuraavana)\b",
    re.IGNORECASE,
)


def without_weekday_words(text: str) -> str:
    """The date words with "next", articles and prepositions dropped, for a second try."""
    return " ".join(_AROUND_WEEKDAY.sub(" ", text).split())


class ClockError(ValueError):
    """What was typed cannot be a time or date; the text says what to type instead."""


@dataclass(frozen=True)
class NumericDate:
    """A date written in numbers; ``year`` None means the next such day."""

    year: int | None
    month: int
    day: int


def is_relative(text: str) -> bool:
    """ "in 2 hours", "dans 30 minutes", "in 2 Stunden": now plus a span, no clock time."""
    return _RELATIVE.search(text) is not None


def take_time_of_day(text: str) -> tuple[time | None, str]:
    """The time of day in ``text`` and the text without it; refuses an impossible one."""
    found: list[tuple[re.Match[str], time]] = []
    for pattern, reader in (
        (_CLOCK, _clock),
        (_DOT_UHR, _uhr),
        (_AM_PM, _am_pm),
        (_H_STYLE, _hour_and_minutes),
        (_AFTER_KEYWORD, _hour_and_minutes),
    ):
        for match in pattern.finditer(text):
            if not any(_overlaps(match, other) for other, _ in found):
                found.append((match, reader(match)))
    for hour, words in _WORDS.items():
        for match in re.finditer(rf"\b(?:{words})\b", text, re.IGNORECASE):
            found.append((match, time(hour, 0)))
    if not found:
        return None, text
    if len({moment for _, moment in found}) > 1:
        raise ClockError(
            "I found more than one time of day in that. Give the start only (the length goes "
            "in duration or ends), for example 'tomorrow 14:00'."
        )
    rest = text
    for match, _ in sorted(found, key=lambda f: f[0].start(), reverse=True):
        rest = rest[: match.start()] + " " + rest[match.end() :]
    return found[0][1], " ".join(_FILLER.sub(" ", rest).split())


def _overlaps(one: re.Match[str], other: re.Match[str]) -> bool:
    return one.start() < other.end() and other.start() < one.end()


def _checked(hour: int, minute: int, second: int = 0, written: str = "") -> time:
    if hour == 24 and minute == 0:
        raise ClockError(
            f"'{excerpt(written)}' is the end of a day: write 00:00 with the next day's "
            "date, or 23:59."
        )
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise ClockError(
            f"'{excerpt(written)}' is not a time of day: hours run from 00 to 23 and minutes "
            "from 00 to "
            "59. Write it like 14:30, 2:30pm or 14h30."
        )
    return time(hour, minute, second)


def _with_ampm(hour: int, minute: int, marker: str, written: str) -> time:
    if not 1 <= hour <= 12:
        raise ClockError(
            f"'{excerpt(written)}' is not a time of day: with am or pm the hour runs from 1 to 12. "
            "Write 14:00 or 2pm."
        )
    afternoon = marker.lower().startswith("p")
    return _checked(hour % 12 + (12 if afternoon else 0), minute, 0, written)


def _clock(match: re.Match[str]) -> time:
    hour, minute, second, marker = match.groups()
    if marker:
        return _with_ampm(int(hour), int(minute), marker, match.group(0).strip())
    return _checked(int(hour), int(minute), int(second or 0), match.group(0).strip())


def _uhr(match: re.Match[str]) -> time:
    hour, dotted, after = match.groups()
    return _checked(int(hour), int(dotted or after or 0), 0, match.group(0).strip())


def _am_pm(match: re.Match[str]) -> time:
    hour, minute, marker = match.groups()
    return _with_ampm(int(hour), int(minute or 0), marker, match.group(0).strip())


def _hour_and_minutes(match: re.Match[str]) -> time:
    """ "15h", "14h30", "a las 10", "klo 14.30": an hour and, maybe, its minutes."""
    hour, minute = match.groups()
    return _checked(int(hour), int(minute or 0), 0, match.group(0).strip())


def take_numeric_date(text: str, month_first: bool | None) -> tuple[NumericDate | None, str]:
    """A date in numbers ("2026-12-03", "06.01.2027", "3/12") and the text without it.

    ``month_first`` is what the member's country writes (True in the US, False in most of
    the world, None when unknown); it settles a slash date that could be read both ways.
    """
    for pattern, reader in (
        (_ISO_DATE, _iso),
        (_DOTTED_DATE, _dotted),
        (_SLASH_DATE, lambda m: _slashed(m, month_first)),
    ):
        match = pattern.search(text)
        if match is not None:
            found = reader(match)
            return found, " ".join((text[: match.start()] + " " + text[match.end() :]).split())
    return None, text


def _valid(year: int | None, month: int, day: int, written: str) -> NumericDate:
    if not 1 <= month <= 12:
        raise ClockError(
            f"'{excerpt(written)}' is not a date: months run from 1 to 12. Write it as "
            "year-month-day "
            "or with the month as a word (6 Jan)."
        )
    try:
        date(year or 2024, month, day)  # 2024: a leap year, so 29 February passes here
    except ValueError:
        raise ClockError(
            f"'{excerpt(written)}' is not a date: that month has no day {day}. Check the day, "
            "or write "
            "the month as a word (6 Jan)."
        ) from None
    return NumericDate(year, month, day)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _iso(match: re.Match[str]) -> NumericDate:
    year, month, day = (int(g) for g in match.groups())
    return _valid(year, month, day, match.group(0).rstrip("T"))


def _dotted(match: re.Match[str]) -> NumericDate:
    day, month, year = match.groups()
    return _valid(_year(year), int(month), int(day), match.group(0))


def _slashed(match: re.Match[str], month_first: bool | None) -> NumericDate:
    first, second, year = match.groups()
    a, b = int(first), int(second)
    if a != b and a <= 12 and b <= 12 and month_first is None:
        raise ClockError(
            f"'{excerpt(match.group(0))}' could be read as day/month or month/day. Write the "
            "month as a "
            "word (3 Dec 2pm), or the date as year-month-day or as day.month.year."
        )
    if month_first or (month_first is None and b > 12):
        a, b = b, a
    return _valid(_year(year), b, a, match.group(0))
