"""When people are free, as hours of a UTC week, so members in different zones can be compared.

A mentor may say when they are usually free in their own time ("Tue 14-16, Thu 9-11",
"weekdays 8-12"); without that, and for every mentee, the working day (Monday to Friday,
09 to 17 local time) stands in. Hours are whole hours of a week that starts Monday 00:00
UTC (0 to 167). The zone's offset is taken at one reference moment (the matching round), which
is precise enough for "usually free".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

HOURS_IN_WEEK = 168
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKING_DAYS = range(5)
WORKING_HOURS = range(9, 17)
MAX_TEXT = 200
EXAMPLE = "e.g. 'Tue 14-16, Thu 9-11' or 'weekdays 8-12'"

_ITEM = re.compile(
    r"^(?:(?P<days>[a-z]+(?:\s*-\s*[a-z]+)?)\s+)?"
    r"(?P<start>\d{1,2})(?::(?P<start_min>\d{2}))?\s*-\s*(?P<end>\d{1,2})(?::(?P<end_min>\d{2}))?$"
)


class AvailabilityError(ValueError):
    """The free hours cannot be read; the message says how to write them."""


def _day(word: str) -> int:
    for index, name in enumerate(DAYS):
        if word.startswith(name) or (len(word) >= 3 and name.startswith(word[:3])):
            return index
    raise AvailabilityError(f"'{word}' is not a day. Write days as Mon, Tue ... Sun, {EXAMPLE}.")


def _days(text: str | None) -> list[int]:
    if text is None or text in ("weekday", "weekdays"):
        return list(WORKING_DAYS)
    if text in ("weekend", "weekends"):
        return [5, 6]
    if text in ("daily", "everyday"):
        return list(range(7))
    if "-" in text:
        first, last = (_day(part.strip()) for part in text.split("-", 1))
        return [d % 7 for d in range(first, last + 1 if last >= first else last + 8)]
    return [_day(text)]


def parse_free_hours(text: str) -> frozenset[int]:
    """Local hours of the week (day * 24 + hour) that the text names; empty text: none."""
    text = text.strip().casefold()
    if not text:
        return frozenset()
    if len(text) > MAX_TEXT:
        raise AvailabilityError(f"Keep your free hours under {MAX_TEXT} characters, {EXAMPLE}.")
    hours: set[int] = set()
    for raw in re.split(r"[,;]", text):
        item = raw.strip()
        if not item:
            continue
        match = _ITEM.match(item)
        if match is None:
            raise AvailabilityError(f"'{item}' is not a time range I can read, {EXAMPLE}.")
        start, end = int(match["start"]), int(match["end"])
        if match["end_min"] and int(match["end_min"]) > 0:
            end += 1
        if not (0 <= start < end <= 24):
            raise AvailabilityError(
                f"'{item}': hours run from 0 to 24 and the end comes after the start, {EXAMPLE}."
            )
        for day in _days(match["days"]):
            hours.update(day * 24 + hour for hour in range(start, end))
    return frozenset(hours)


def working_hours() -> frozenset[int]:
    """Monday to Friday, 09 to 17, local time."""
    return frozenset(day * 24 + hour for day in WORKING_DAYS for hour in WORKING_HOURS)


def to_utc_week(local_hours: frozenset[int], zone: str, at: datetime) -> frozenset[int]:
    """Shift local hours of the week into the UTC week, by the zone's offset at ``at``."""
    offset = ZoneInfo(zone).utcoffset(at.replace(tzinfo=None)) or timedelta(0)
    shift = int(offset.total_seconds() // 3600)
    return frozenset((hour - shift) % HOURS_IN_WEEK for hour in local_hours)


def overlap(a: frozenset[int], b: frozenset[int]) -> int:
    return len(a & b)
