"""RFC 5545 calendar files (icalendar): one event, one series, and a member's feed.

Times are written in the event's own zone (TZID with its VTIMEZONE), so a calendar keeps
15:00 London at 15:00 London across daylight-saving changes. UIDs are stable, so importing
a file again updates the entry instead of adding a second one.

What makes a calendar app take a change: a higher SEQUENCE (raised by the database on every
change of time, place, title or status, migration 0013), and LAST-MODIFIED. The files carry
no METHOD, so DTSTAMP is, as RFC 5545 says then, when the entry was last revised: the same
instant, never "now", so an unchanged feed is byte for byte the same and its ETag holds.

A series is one VEVENT with the rule, plus what differs from the rule: a cancelled
occurrence is an EXDATE (never a cancelled series), and a moved or changed one is an
override with RECURRENCE-ID (the rule's start of that occurrence) at its own time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from cogs.events.model import Event, nth_start

if TYPE_CHECKING:  # icalendar is imported where a file is written: ~15 ms at start-up
    from icalendar import Event as VEvent
    from icalendar import vRecur

PRODID = "-//research-hub-bot//events//EN"
FEED_POLL = timedelta(hours=1)


@dataclass(frozen=True)
class Stamped:
    """An event row with what calendar apps compare: its SEQUENCE and last change."""

    event: Event
    sequence: int
    modified: datetime


@dataclass(frozen=True)
class SeriesRecord:
    """A series as the calendar writes it: its rule, template and revision."""

    id: int
    guild_id: int
    rrule: str
    timezone: str
    first_start: datetime
    template: dict[str, Any]
    state: str
    sequence: int
    modified: datetime

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def uid(event: Event) -> str:
    """The series' UID for an occurrence's series file; the event's own otherwise."""
    if event.series_id is not None:
        return f"series-{event.series_id}@{event.guild_id}.research-hub-bot"
    return event_uid(event)


def event_uid(event: Event) -> str:
    return f"event-{event.id}@{event.guild_id}.research-hub-bot"


def _describe(item: VEvent, description: str, link: str | None) -> None:
    if link:
        description = f"{description}\n\n{link}".strip()
        item.add("url", link)
    if description:
        item.add("description", description)


def _revision(item: VEvent, sequence: int, modified: datetime) -> None:
    item.add("dtstamp", modified.astimezone(UTC))
    item.add("last-modified", modified.astimezone(UTC))
    item.add("sequence", sequence)


def _single(stamped: Stamped, item_uid: str, sequence: int | None = None) -> VEvent:
    """One occurrence as its own entry (one-off, feed entry, or an override's body)."""
    from icalendar import Event as VEvent

    event = stamped.event
    item = VEvent()
    item.add("uid", item_uid)
    _revision(item, stamped.sequence if sequence is None else sequence, stamped.modified)
    item.add("summary", event.title)
    item.add("dtstart", event.starts_at.astimezone(event.zone))
    item.add("dtend", event.ends_at.astimezone(event.zone))
    if event.location:
        item.add("location", event.location)
    _describe(item, event.description, event.link)
    item.add("status", "CANCELLED" if event.state == "cancelled" else "CONFIRMED")
    return item


def _rule_for_file(rule: str, zone: ZoneInfo, last: int | None) -> vRecur:
    """RFC 5545 wants UNTIL in UTC when DTSTART has a TZID; we store it on the local clock.
    ``last``: an ended series stops at its last occurrence (COUNT), so a series cancelled
    part way shows no dates after it."""
    from icalendar import vRecur

    recur = vRecur.from_ical(rule)
    if last is not None:
        recur.pop("UNTIL", None)
        recur["COUNT"] = [last]
    elif "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if isinstance(until, datetime) and until.tzinfo is None:
            recur["UNTIL"] = [until.replace(tzinfo=zone).astimezone(UTC)]
    return recur


def _differs(event: Event, rule_start: datetime, template: dict[str, Any]) -> bool:
    """Whether an occurrence needs an override: the rule alone would show it wrongly."""
    length = timedelta(seconds=int(template["duration_seconds"]))
    return (
        event.starts_at != rule_start
        or event.ends_at - event.starts_at != length
        or event.title != template["title"]
        or event.location != template["location"]
        or event.description != template["description"]
    )


def _master(series: SeriesRecord, rows: list[Stamped], item_uid: str) -> VEvent:
    """The series' own VEVENT: the template at the rule's times, with its EXDATEs."""
    from icalendar import Event as VEvent

    template, zone = series.template, series.zone
    cancelled = [r.event for r in rows if r.event.state == "cancelled"]
    item = VEvent()
    item.add("uid", item_uid)
    _revision(item, series.sequence, series.modified)
    item.add("summary", template["title"])
    item.add("dtstart", series.first_start.astimezone(zone))
    length = timedelta(seconds=int(template["duration_seconds"]))
    item.add("dtend", (series.first_start + length).astimezone(zone))
    if template["location"]:
        item.add("location", template["location"])
    _describe(item, str(template["description"]), rows[0].event.link if rows else None)
    every_one_cancelled = bool(rows) and len(cancelled) == len(rows)
    ended = series.state == "ended"
    item.add("status", "CANCELLED" if ended and every_one_cancelled else "CONFIRMED")
    last = max((r.event.occurrence for r in rows), default=None) if ended else None
    item.add("rrule", _rule_for_file(series.rrule, zone, last))
    if not (ended and every_one_cancelled):
        for event in cancelled:
            start = nth_start(series.rrule, series.timezone, series.first_start, event.occurrence)
            if start is not None:
                item.add("exdate", start.astimezone(zone))
    return item


def _overrides(series: SeriesRecord, rows: list[Stamped], item_uid: str) -> list[VEvent]:
    """Occurrences that moved or changed, at their own time, keyed to the rule's start."""
    found = []
    for stamped in rows:
        event = stamped.event
        if event.state != "scheduled":
            continue  # an EXDATE of the master
        start = nth_start(series.rrule, series.timezone, series.first_start, event.occurrence)
        if start is None or not _differs(event, start, series.template):
            continue
        # Never below the master's, which some calendar apps require of an override.
        item = _single(stamped, item_uid, max(stamped.sequence, series.sequence))
        item.add("recurrence-id", start.astimezone(series.zone))
        found.append(item)
    return found


def _calendar(name: str, components: Iterable[VEvent], poll: timedelta | None = None) -> bytes:
    from icalendar import Calendar, vDuration

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if poll is not None:  # how often a subscribed calendar should fetch it again
        calendar.add("refresh-interval", vDuration(poll), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(poll))
    for component in components:
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def event_file(stamped: Stamped) -> bytes:
    """The .ics for one event that does not repeat."""
    return _calendar(stamped.event.title, [_single(stamped, event_uid(stamped.event))])


def series_file(series: SeriesRecord, rows: list[Stamped]) -> bytes:
    """The .ics for a whole series: the rule, its EXDATEs and its overrides (``rows`` are
    the occurrences made so far, in order)."""
    item_uid = f"series-{series.id}@{series.guild_id}.research-hub-bot"
    master = _master(series, rows, item_uid)
    return _calendar(str(series.template["title"]), [master, *_overrides(series, rows, item_uid)])


def feed_file(items: list[Stamped], name: str = "Research hub events") -> bytes:
    """A member's calendar: each occurrence as its own entry, cancelled ones included (as
    CANCELLED with a higher SEQUENCE), so a calendar that had them removes them."""
    return _calendar(name, [_single(s, event_uid(s.event)) for s in items], FEED_POLL)
