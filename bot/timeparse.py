"""Parsing of the time values people type: durations ("90m", "1d 2h") and moments
("next Tuesday 15:00", "3 Dec 2pm") in settings and commands.

Kept in the core so every feature (and every setting) accepts the same spellings.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

_UNIT_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)\s*(w|d|h|m|s)", re.IGNORECASE)
_WHOLE = re.compile(r"^\s*(?:\d+\s*[wdhms]\s*)+$", re.IGNORECASE)


def parse_duration(text: str) -> timedelta:
    """Read "1d", "2h 30m", "45m" or a bare number of seconds ("90").

    Raises ValueError with a message fit to show a person.
    """
    cleaned = text.strip()
    if cleaned.isdigit():
        return timedelta(seconds=int(cleaned))
    if not _WHOLE.match(cleaned):
        raise ValueError(f"'{text}' is not a duration. Use forms like 45m, 2h, 1d or 1d 2h.")
    seconds = sum(int(n) * _UNIT_SECONDS[unit.lower()] for n, unit in _PART.findall(cleaned))
    return timedelta(seconds=seconds)


def parse_duration_list(text: str) -> list[timedelta]:
    """Read a comma-separated list of durations, largest first, without duplicates."""
    parts = [p for p in (s.strip() for s in text.split(",")) if p]
    durations = {parse_duration(p) for p in parts}
    return sorted(durations, reverse=True)


def format_duration(delta: timedelta) -> str:
    """The inverse of parse_duration, for replies and docs: 90 minutes -> "1h 30m"."""
    remaining = int(delta.total_seconds())
    if remaining == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts)


WHEN_EXAMPLES = '"next Tuesday 15:00", "in 3 days at 9am", "2026-12-03 14:00" or "3 Dec 2pm"'
_NUMERIC_DAY_MONTH = re.compile(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.]\d{2,4})?\b")
_HAS_TIME_OF_DAY = re.compile(
    r"\d{1,2}:\d{2}|\d\s*(?:am|pm)\b|\bnoon\b|\bmidnight\b|\bin\s+\d+\s*(?:h|hour|min|minute)s?\b",
    re.IGNORECASE,
)


def parse_when(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """Read a future moment typed by a person, as wall-clock time in `zone`.

    Refuses what a person would likely get wrong rather than guessing: "03/12"
    (3 December or 12 March?), a day without a time of day, a wall-clock time that
    a daylight-saving jump skips, and anything not after `now`. Raises ValueError
    with a message that says what to type instead.
    """
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > 100:
        raise ValueError(f"Give a time of up to 100 characters, such as {WHEN_EXAMPLES}.")
    _refuse_ambiguous_numeric_date(cleaned)
    if not _HAS_TIME_OF_DAY.search(cleaned):
        raise ValueError(f"'{cleaned}' has no time of day. Add one, for example {WHEN_EXAMPLES}.")
    local_now = now.astimezone(zone).replace(tzinfo=None)
    parsed = dateparser.parse(
        cleaned,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local_now,
            "DATE_ORDER": "DMY",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise ValueError(f"I could not read '{cleaned}' as a time. Try {WHEN_EXAMPLES}.")
    moment = parsed.replace(tzinfo=zone)
    if moment.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != parsed:
        raise ValueError(
            f"{parsed:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks jump forward "
            "then. Pick a time an hour later."
        )
    if moment <= now:
        raise ValueError(
            f"'{cleaned}' is {moment:%Y-%m-%d %H:%M} {zone.key}, which is in the past. "
            "Give a future time."
        )
    return moment


def _refuse_ambiguous_numeric_date(text: str) -> None:
    for match in _NUMERIC_DAY_MONTH.finditer(text):
        first, second = int(match.group(1)), int(match.group(2))
        if first != second and first <= 12 and second <= 12:
            raise ValueError(
                f"'{match.group(0)}' could be read as day/month or month/day. Write the month "
                "as a word (3 Dec 2pm) or use year-month-day (2026-12-03 14:00)."
            )
