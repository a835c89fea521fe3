"""RFC 5545 calendar files (icalendar): one event or series, and a member's feed.

Times are written in the event's own zone (TZID with its VTIMEZONE), so a calendar keeps
15:00 London at 15:00 London across daylight-saving changes. UIDs are stable, so importing
a file again updates the entry instead of adding a second one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from cogs.events.model import Event

PRODID = "-//research-hub-bot//events//EN"


def uid(event: Event) -> str:
    if event.series_id is not None:
        return f"series-{event.series_id}@{event.guild_id}.research-hub-bot"
    return f"event-{event.id}@{event.guild_id}.research-hub-bot"


def _vevent(event: Event, now: datetime, first_start: datetime | None = None) -> VEvent:
    """One VEVENT; with ``first_start`` the whole series (DTSTART of the first, and RRULE)."""
    start = first_start or event.starts_at
    item = VEvent()
    item.add(
        "uid", uid(event) if first_start else f"event-{event.id}@{event.guild_id}.research-hub-bot"
    )
    item.add("dtstamp", now.astimezone(UTC))
    item.add("summary", event.title)
    item.add("dtstart", start.astimezone(event.zone))
    item.add("dtend", (start + (event.ends_at - event.starts_at)).astimezone(event.zone))
    if event.location:
        item.add("location", event.location)
    description = event.description
    if event.link:
        description = f"{description}\n\n{event.link}".strip()
        item.add("url", event.link)
    if description:
        item.add("description", description)
    item.add("status", "CANCELLED" if event.state == "cancelled" else "CONFIRMED")
    if first_start is not None and event.rrule:
        item.add("rrule", _rule_for_file(event.rrule, event))
    return item


def _rule_for_file(rule: str, event: Event) -> vRecur:
    """RFC 5545 wants UNTIL in UTC when DTSTART has a TZID; we store it on the local clock."""
    recur = vRecur.from_ical(rule)
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if isinstance(until, datetime) and until.tzinfo is None:
            recur["UNTIL"] = [until.replace(tzinfo=event.zone).astimezone(UTC)]
    return recur


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def event_file(event: Event, now: datetime, first_start: datetime | None = None) -> bytes:
    """The .ics for one event; for an occurrence of a series, the series with its RRULE."""
    calendar = _calendar(event.title)
    calendar.add_component(_vevent(event, now, first_start if event.rrule else None))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def feed_file(events: list[Event], now: datetime, name: str = "Research hub events") -> bytes:
    """A member's calendar: each occurrence as its own entry."""
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_vevent(event, now))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
