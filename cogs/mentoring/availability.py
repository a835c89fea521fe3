"""When people are free, as quarter hours of a UTC week, so members in different zones can be
compared exactly.

A member may say when they are usually free in their own time ("Tue 14-16, Thu 9:30-11",
"weekdays 8-12"); without that the working day (Monday to Friday, 09 to 17 local time) stands
in. Free time is a set of quarter-hour slots of a week that starts Monday 00:00 UTC (0 to
671). Quarter hours, not whole hours, because real offsets are not all whole hours:
Asia/Kolkata is UTC+5:30, Australia/Adelaide UTC+9:30 or +10:30, Asia/Kathmandu UTC+5:45;
every zone in use today is a multiple of 15 minutes. The zone's offset is taken at one
reference moment (the matching round), which is precise enough for "usually free".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.text import excerpt

SLOT_MINUTES = 15
SLOTS_IN_DAY = 24 * 60 // SLOT_MINUTES
SLOTS_IN_WEEK = 7 * SLOTS_IN_DAY
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKING_DAYS = range(5)
WORKING_DAY = (9 * 60, 17 * 60)  # minutes after local midnight
MAX_TEXT = 200
EXAMPLE = "e.g. 'Tue 14-16', 'Thu 9:30-11' or 'weekdays 8-12'"

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
    raise AvailabilityError(
        f"'{excerpt(word)}' is not a day. Write days as Mon, Tue ... Sun, {EXAMPLE}."
    )


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


def _minutes(item: str, hour: str, minute: str | None) -> int:
    if minute is not None and int(minute) >= 60:
        raise AvailabilityError(f"'{excerpt(item)}': minutes run from 00 to 59, {EXAMPLE}.")
    return int(hour) * 60 + int(minute or 0)


def _slots(day: int, start: int, end: int) -> range:
    """The quarter hours from ``start`` to ``end`` minutes of ``day``, rounded outwards."""
    first = day * SLOTS_IN_DAY + start // SLOT_MINUTES
    last = day * SLOTS_IN_DAY + -(-end // SLOT_MINUTES)
    return range(first, last)


def parse_free_hours(text: str) -> frozenset[int]:
    """Local quarter hours of the week that the text names; empty text: none.

    Times between quarter hours are rounded outwards (9:10-10:50 counts as 9:00-11:00)."""
    text = text.strip().casefold()
    if not text:
        return frozenset()
    if len(text) > MAX_TEXT:
        raise AvailabilityError(f"Keep your free hours under {MAX_TEXT} characters, {EXAMPLE}.")
    slots: set[int] = set()
    for raw in re.split(r"[,;]", text):
        item = raw.strip()
        if not item:
            continue
        match = _ITEM.match(item)
        if match is None:
            raise AvailabilityError(f"'{excerpt(item)}' is not a time range I can read, {EXAMPLE}.")
        start = _minutes(item, match["start"], match["start_min"])
        end = _minutes(item, match["end"], match["end_min"])
        if not (0 <= start < end <= 24 * 60):
            raise AvailabilityError(
                f"'{excerpt(item)}': hours run from 0 to 24 and the end comes after the "
                f"start, {EXAMPLE}."
            )
        for day in _days(match["days"]):
            slots.update(_slots(day, start, end))
    return frozenset(slots)


def working_hours() -> frozenset[int]:
    """Monday to Friday, 09 to 17, local time."""
    return frozenset(s for day in WORKING_DAYS for s in _slots(day, *WORKING_DAY))


def offset_minutes(zone: str, at: datetime) -> int:
    """The zone's offset from UTC at the moment ``at``, in minutes (330 for Asia/Kolkata)."""
    offset = at.astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def to_utc_week(local: frozenset[int], zone: str, at: datetime) -> frozenset[int]:
    """Shift local quarter hours of the week into the UTC week, by the zone's offset at ``at``
    (rounded to the nearest quarter hour, which changes nothing for any zone in use today)."""
    shift = round(offset_minutes(zone, at) / SLOT_MINUTES)
    return frozenset((slot - shift) % SLOTS_IN_WEEK for slot in local)


def overlap_minutes(a: frozenset[int], b: frozenset[int]) -> int:
    """Minutes a week that two people are both free."""
    return len(a & b) * SLOT_MINUTES


def duration(minutes: int) -> str:
    """'3 hours 30 minutes', '45 minutes', '1 hour'."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
