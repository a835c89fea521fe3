"""When an announcement runs: the repeat a moderator chose, as a cron expression in a zone.

Every recurrence is stored as a standard 5-field crontab expression read on the zone's wall
clock (through ``bot.wallclock.next_cron_time``), so "weekly, Monday 09:00 Europe/London"
stays 09:00 London when the clocks change. Each local occurrence runs once, by the rule in
``bot.wallclock`` that events follow too: a time the clocks repeat runs at its first instant
only, a time they skip runs later by the jump (02:30 New York at 03:30). The named repeats
are built from the first run's local time. Errors say which field is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.text import excerpt
from bot.wallclock import WallMatcher, cron_matcher, next_cron_time, wall_time

NAMED = ("none", "daily", "weekdays", "weekly", "monthly")
CRON_HELP = (
    "A cron expression has five fields: minute hour day month weekday, for example "
    "'0 9 * * 1' (Mondays 09:00) or '30 17 1 * *' (the 1st of each month, 17:30)."
)
_DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_DAY_WORDS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12))
_A_MOMENT = timedelta(microseconds=1)
_NUMBER_PART = re.compile(r"^(\*|\d+(?:-\d+)?)(?:/(\d+))?$")


class RecurrenceError(ValueError):
    """The repeat cannot be used; the message says what is wrong and what to type."""


@dataclass(frozen=True)
class Recurrence:
    """``repeat`` is one of NAMED or "cron"; ``cron`` is None only for a one-off."""

    repeat: str
    cron: str | None

    @property
    def recurring(self) -> bool:
        return self.cron is not None


def parse_repeat(text: str, first_local: datetime) -> Recurrence:
    """Read the ``repeat`` option: a named repeat (built from the first run) or a cron."""
    cleaned = " ".join(text.split()).lower() or "none"
    if cleaned in NAMED:
        return Recurrence(cleaned, _named_cron(cleaned, first_local))
    if len(cleaned.split()) != 5:
        raise RecurrenceError(
            f"'{excerpt(text)}' is not a repeat I know. Use none, daily, weekdays, weekly, "
            f"monthly, or a cron expression. {CRON_HELP}"
        )
    return Recurrence("cron", check_cron(cleaned))


def _named_cron(repeat: str, local: datetime) -> str | None:
    at = f"{local.minute} {local.hour}"
    weekday = (local.weekday() + 1) % 7  # Python counts from Monday, crontab from Sunday
    return {
        "none": None,
        "daily": f"{at} * * *",
        "weekdays": f"{at} * * 1-5",
        "weekly": f"{at} * * {weekday}",
        "monthly": f"{at} {local.day} * *",
    }[repeat]


def check_cron(expression: str) -> str:
    """Return the expression if every field is valid; else say which field is wrong."""
    fields = expression.split()
    for (name, low, high), value in zip(_FIELDS, fields[:4], strict=True):
        _check_numeric_field(name, value, low, high)
    weekday_names(fields[4])
    if fields[2] != "*" and fields[4] != "*":
        raise RecurrenceError(
            f"'{excerpt(expression, 100)}' sets both a day of the month and a weekday. "
            "Standard cron runs "
            "on either, which surprises people; keep one and put * in the other."
        )
    try:
        _wall_clock_matcher(expression)
    except ValueError as exc:
        raise RecurrenceError(
            f"'{excerpt(expression, 100)}' is not a valid cron expression: "
            f"{excerpt(str(exc), 200)}."
        ) from exc
    return expression


def _check_numeric_field(name: str, value: str, low: int, high: int) -> None:
    for part in value.split(","):
        match = _NUMBER_PART.match(part)
        numbers = [int(n) for n in re.findall(r"\d+", match.group(1))] if match else []
        if match is None or any(not low <= n <= high for n in numbers):
            raise RecurrenceError(
                f"The {name} field '{excerpt(value)}' is not valid: use numbers from {low} to "
                f"{high}, "
                f"*, ranges like {low}-{low + 2}, lists like {low},{low + 2} or steps like */2. "
                + CRON_HELP
            )
        if match.group(2) is not None and int(match.group(2)) == 0:
            raise RecurrenceError(
                f"The {name} field '{excerpt(value)}' has a step of 0. {CRON_HELP}"
            )


def weekday_names(value: str) -> str:
    """A standard crontab weekday field (Sunday = 0 or 7, names allowed) as a list of names.

    APScheduler counts weekdays from Monday and reads "0-6" as an error; a list of names
    means the same thing to both.
    """
    if value == "*":
        return "*"
    days: set[int] = set()
    for part in value.lower().split(","):
        days |= _weekday_part(part, value)
    return ",".join(_DAY_NAMES[d] for d in sorted(days))


def _weekday_part(part: str, whole: str) -> set[int]:
    text = part
    for number, name in enumerate(_DAY_NAMES):
        text = text.replace(name, str(number))
    match = _NUMBER_PART.match(text)
    numbers = [int(n) for n in re.findall(r"\d+", match.group(1))] if match else []
    if match is None or any(n > 7 for n in numbers):
        raise RecurrenceError(
            f"The weekday field '{excerpt(whole)}' is not valid: use 0 to 6 (Sunday is 0, 7 "
            "also means "
            f"Sunday), names like mon or fri, ranges like 1-5 or lists like 1,3. {CRON_HELP}"
        )
    step = int(match.group(2) or 1)
    if step == 0:
        raise RecurrenceError(f"The weekday field '{excerpt(whole)}' has a step of 0. {CRON_HELP}")
    if match.group(1) == "*":
        first, last = 0, 6
    else:
        first, last = numbers[0], numbers[-1]
    if first > last:
        raise RecurrenceError(
            f"The weekday range '{excerpt(part)}' runs backwards. Write it low to high, e.g. 1-5."
        )
    return {day % 7 for day in range(first, last + 1, step)}


def _wall_clock_matcher(expression: str) -> WallMatcher:
    """The expression's times on a bare wall clock (``bot.wallclock`` makes them instants)."""
    minute, hour, day, month, weekday = expression.split()
    return cron_matcher(minute, hour, day, month, weekday_names(weekday))


def next_after(cron: str, zone: str, after: datetime) -> datetime | None:
    """The first run strictly after ``after``, on the zone's wall clock, in UTC."""
    minute, hour, day, month, weekday = cron.split()
    expression = f"{minute} {hour} {day} {month} {weekday_names(weekday)}"
    return next_cron_time(expression, zone, after)


def first_run(recurrence: Recurrence, zone: str, when: datetime) -> datetime | None:
    """A one-off runs at ``when``; a repeat at its first fire from ``when`` (which is ``when``
    itself for daily, weekly and monthly; "weekdays" from a Saturday starts on Monday).

    ``when`` is kept as it is when its wall-clock time is one the repeat runs at, even as the
    second instant of a repeated hour: the organiser chose that instant for the first run;
    later runs take the first instant, and none runs twice on one local date and time.
    """
    if recurrence.cron is None:
        return when
    if _runs_at_wall_time(recurrence.cron, zone, when):
        return when
    return next_after(recurrence.cron, zone, when - _A_MOMENT)


def _runs_at_wall_time(cron: str, zone: str, when: datetime) -> bool:
    """Whether the clock in ``zone`` reads a time of the repeat at ``when`` (either instant)."""
    local = wall_time(when, zone)
    return _wall_clock_matcher(cron)(local) == local


def upcoming(recurrence: Recurrence, zone: str, start: datetime, count: int = 3) -> list[datetime]:
    """The next ``count`` runs from ``start`` (which is the first one)."""
    runs = [start]
    while recurrence.cron is not None and len(runs) < count:
        following = next_after(recurrence.cron, zone, runs[-1])
        if following is None:
            break
        runs.append(following)
    return runs


def describe(recurrence: Recurrence, zone: str, first_local: datetime) -> str:
    """ "every Monday at 09:00 (Europe/London)" — how the repeat reads to a person."""
    at = f"{first_local:%H:%M}"
    words = {
        "none": "once",
        "daily": f"every day at {at}",
        "weekdays": f"Monday to Friday at {at}",
        "weekly": f"every {_DAY_WORDS[(first_local.weekday() + 1) % 7]} at {at}",
        "monthly": f"every month on day {first_local.day} at {at}",
    }.get(recurrence.repeat, f"cron '{recurrence.cron}'")
    return f"{words} ({zone})"
