"""What an event is, and reading what an organiser typed into one (no Discord here).

Every refusal is an ``EventError`` whose text is shown to the organiser as it is: it says
what was wrong and what to type instead, and nothing is created.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from bot.clock import from_db_time
from bot.db import Row
from bot.geo import is_zone
from bot.text import calendar_date, clean, discord_stamp, escape_markdown, excerpt
from bot.timeparse import (
    TimeContext,
    When,
    format_duration,
    parse_duration,
    parse_when,
)
from bot.wallclock import instants, to_instant, wall_time

TITLE_LIMIT = 100
LOCATION_LIMIT = 100
DESCRIPTION_LIMIT = 4000
MAX_DURATION = timedelta(days=7)
MAX_OFFSET = timedelta(days=30)
MIN_OFFSET = timedelta(minutes=1)  # the rule the message states: "between 1 minute and 30 days"
REPEATS = ("none", "weekly", "monthly")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

REMINDER_JOB = "events.reminder"
OFFER_JOB = "events.offer"
NEXT_JOB = "events.next"
CHANGED_JOB = "events.changed"  # refresh a card and tell who was promoted


class EventError(Exception):
    """Something the member can fix; the text is shown to them as it is."""


@dataclass(frozen=True)
class Event:
    id: int
    guild_id: int
    organiser_id: int | None
    title: str
    description: str
    location: str
    area: str | None
    timezone: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    reminders: tuple[int, ...]
    state: str
    when_text: str = ""
    series_id: int | None = None
    occurrence: int = 1
    channel_id: int | None = None
    message_id: int | None = None
    discord_event_id: int | None = None
    rrule: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def link(self) -> str | None:
        if self.channel_id is None or self.message_id is None:
            return None
        return f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/{self.message_id}"

    @property
    def shown(self) -> str:
        """The title for message text: markdown escaped, so it reads as the organiser typed
        it and cannot break the formatting around it or disguise a link."""
        return escape_markdown(self.title)

    @property
    def label(self) -> str:
        return f"#{self.id} {self.title}"

    @classmethod
    def from_row(cls, row: Row) -> Event:
        return cls(
            id=int(row["id"]),
            guild_id=int(row["guild_id"]),
            organiser_id=row["organiser_id"],
            title=str(row["title"]),
            description=str(row["description"]),
            location=str(row["location"]),
            area=row["area"],
            timezone=str(row["timezone"]),
            starts_at=from_db_time(row["starts_at"]),
            ends_at=from_db_time(row["ends_at"]),
            capacity=row["capacity"],
            reminders=tuple(json.loads(row["reminders"])),
            state=str(row["state"]),
            when_text=str(row["when_text"]),
            series_id=row["series_id"],
            occurrence=int(row["occurrence"]),
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            discord_event_id=row["discord_event_id"],
            rrule=row["rrule"],
        )


@dataclass(frozen=True)
class Draft:
    """Everything /event create collects, checked, before the preview."""

    title: str
    when_text: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    area: str | None = None
    capacity: int | None = None
    reminders: tuple[int, ...] = ()
    description: str = ""
    rrule: str | None = None
    reading: str = ""  # how the time was read, for the preview (never stored)

    def with_text(self, description: str) -> Draft:
        return replace(self, description=clean(description)[:DESCRIPTION_LIMIT])


@dataclass(frozen=True)
class Repeat:
    kind: str = "none"
    interval: int = 1
    until: str | None = None
    count: int | None = None


@dataclass
class Summary:
    """Who answered what, for the card: names in the order they answered."""

    going: list[str] = field(default_factory=list)
    maybe: list[str] = field(default_factory=list)
    declined: int = 0
    waitlist: int = 0
    offered: int = 0


# -- reading what was typed -----------------------------------------------------------------


def check_title(text: str) -> str:
    title = clean(text)
    if not title:
        raise EventError("Give the event a title (up to 100 characters).")
    if len(title) > TITLE_LIMIT:
        raise EventError(
            f"The title is {len(title)} characters; keep it to {TITLE_LIMIT} and put the rest "
            "in the description."
        )
    return title


def check_zone(name: str) -> str:
    if not is_zone(name.strip()):
        raise EventError(
            f"'{excerpt(name)}' is not a time zone I know. Pick one from the list, such as "
            "Europe/London or America/New_York."
        )
    return name.strip()


def check_capacity(capacity: int | None) -> int | None:
    if capacity is not None and capacity < 1:
        raise EventError(
            f"Capacity {capacity} is not possible: give at least 1, or leave it empty for no limit."
        )
    return capacity


def check_location(text: str) -> str:
    location = clean(text)
    if len(location) > LOCATION_LIMIT:
        raise EventError(
            f"The location is {len(location)} characters; keep it to {LOCATION_LIMIT} "
            "(a short place or a link)."
        )
    return location


def read_start(when: str, context: TimeContext, now: datetime) -> When:
    """The start as read in the member's context; a zone in the text wins."""
    try:
        return context.read(when, now)
    except ValueError as exc:
        raise EventError(str(exc)) from exc


def read_end(start: datetime, duration: str | None, ends: str | None, zone: str) -> datetime:
    """The end from a duration ("90m") or an end time ("16:30", on the start's day)."""
    if ends:
        try:
            day = start.astimezone(ZoneInfo(zone)).replace(hour=0, minute=0, second=0)
            end = parse_when(ends, ZoneInfo(zone), day)  # "16:30" is on the start's day
        except ValueError as exc:
            raise EventError(f"The end: {exc}") from exc
        if end <= start:
            raise EventError(
                f"The end ({discord_stamp(end)}) is not after the start "
                f"({discord_stamp(start)}). Give a later end or a duration such as 90m."
            )
    else:
        try:
            length = parse_duration(duration or "1h")
        except ValueError as exc:
            raise EventError(f"Duration: {exc}") from exc
        if length <= timedelta(0):
            raise EventError("The duration must be longer than zero, such as 45m or 2h.")
        end = start + length
    if end - start > MAX_DURATION:
        raise EventError("An event can last at most 7 days. Give a shorter duration.")
    return end


def read_offsets(text: str | None, default: list[timedelta]) -> tuple[int, ...]:
    """Reminder offsets such as "1d,1h" as seconds, largest first; "none" turns them off."""
    if text is None or not text.strip():
        return tuple(int(d.total_seconds()) for d in default)
    if text.strip().lower() in ("none", "off", "0"):
        return ()
    try:
        found = {parse_duration(p.strip()) for p in text.split(",") if p.strip()}
    except ValueError as exc:
        raise EventError(f"Reminders: {exc} Separate several with commas: 1d,1h.") from exc
    if any(d < MIN_OFFSET or d > MAX_OFFSET for d in found):
        raise EventError("Each reminder must be between 1 minute and 30 days before the event.")
    if len(found) > 5:
        raise EventError("Choose at most 5 reminders, such as 1d,1h.")
    return tuple(sorted((int(d.total_seconds()) for d in found), reverse=True))


def offsets_words(offsets: tuple[int, ...] | list[int]) -> str:
    if not offsets:
        return "none"
    return ", ".join(format_duration(timedelta(seconds=s)) + " before" for s in offsets)


# -- repeating events -----------------------------------------------------------------------


def build_rrule(start: datetime, zone: str, repeat: Repeat) -> str | None:
    """An RFC 5545 RRULE read on the wall clock of ``zone``; None for a one-off."""
    if repeat.kind == "none":
        if repeat.until or repeat.count:
            raise EventError("until and count are for repeating events; choose a repeat too.")
        return None
    if repeat.kind not in REPEATS:
        raise EventError("Repeat is none, weekly or monthly.")
    if not 1 <= repeat.interval <= 12:
        raise EventError("every must be between 1 and 12 (every 2 weeks: repeat weekly, every 2).")
    local = start.astimezone(ZoneInfo(zone))
    if (repeat.until is None) == (repeat.count is None):
        raise EventError(
            f"A repeating event needs one end: until (a date such as "
            f"{local + timedelta(days=91):%Y-%m-%d}) or count (how many times, 2 to 52)."
        )
    day = WEEKDAYS[local.weekday()]
    if repeat.kind == "weekly":
        rule = f"FREQ=WEEKLY;INTERVAL={repeat.interval};BYDAY={day}"
    else:
        nth = (local.day - 1) // 7 + 1
        rule = f"FREQ=MONTHLY;INTERVAL={repeat.interval};BYDAY={-1 if nth == 5 else nth}{day}"
    if repeat.count is not None:
        if not 2 <= repeat.count <= 52:
            raise EventError("count is how many times the event happens: 2 to 52.")
        return f"{rule};COUNT={repeat.count}"
    assert repeat.until is not None
    until = _read_date(repeat.until, local)
    if until.date() <= local.date():
        raise EventError(f"until ({calendar_date(until)}) must be after the first event.")
    return f"{rule};UNTIL={until:%Y%m%d}T235959"


def _read_date(text: str, start: datetime) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d")  # noqa: DTZ007 (a wall-clock date)
    except ValueError:
        raise EventError(
            f"until '{excerpt(text)}' is not a date. Write it as year-month-day, such as "
            f"{start + timedelta(days=91):%Y-%m-%d}."
        ) from None


def occurrences(rule: str, zone: str, first_start: datetime) -> Iterator[datetime]:
    """Each start of the series in UTC: the same wall-clock time in ``zone`` every time.

    Wall-clock times become instants by ``bot.wallclock``'s rule, as announcements do: a
    repeated time at its first instant, a skipped one later by the jump (RFC 5545's reading,
    so calendar apps show what the bot reminds at). The first start stays the instant the
    organiser chose, even the second one of a repeated hour.
    """
    local_start = wall_time(first_start, zone)
    walls = rrulestr(rule, dtstart=local_start)
    first = first_start.astimezone(UTC)
    for instant in instants(walls, zone):
        yield first if instant == to_instant(local_start, zone) else instant


def nth_start(rule: str, zone: str, first_start: datetime, n: int) -> datetime | None:
    """The start of occurrence ``n`` (from 1), or None when the series has ended."""
    found = list(itertools.islice(occurrences(rule, zone, first_start), n - 1, n))
    return found[0] if found else None


def describe_rrule(rule: str | None, zone: str, start: datetime) -> str:
    if not rule:
        return "once"
    parts = dict(p.split("=", 1) for p in rule.split(";"))
    local = start.astimezone(ZoneInfo(zone))
    interval = int(parts.get("INTERVAL", "1"))
    day = DAY_NAMES[local.weekday()]
    if parts["FREQ"] == "WEEKLY":
        text = f"every {day}" if interval == 1 else f"every {interval} weeks on {day}"
    else:
        nth = int(parts["BYDAY"][:-2])
        every = "every month" if interval == 1 else f"every {interval} months"
        text = f"the {ORDINALS[nth]} {day} of {every}"
    text += f" at {local:%H:%M} ({zone})"
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    if "UNTIL" in parts:
        until = parts["UNTIL"]
        text += f", until {calendar_date(date(int(until[:4]), int(until[4:6]), int(until[6:8])))}"
    return text


def repeat_of(rule: str | None) -> Repeat:
    """The choices an RRULE was built from, to build it again for a new first start."""
    if not rule:
        return Repeat()
    parts = dict(p.split("=", 1) for p in rule.split(";"))
    until = parts.get("UNTIL")
    return Repeat(
        kind="weekly" if parts["FREQ"] == "WEEKLY" else "monthly",
        interval=int(parts.get("INTERVAL", "1")),
        until=f"{until[:4]}-{until[4:6]}-{until[6:8]}" if until else None,
        count=int(parts["COUNT"]) if "COUNT" in parts else None,
    )
