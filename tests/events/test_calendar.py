"""Calendar files on a real SQLite file, each read back by two independent parsers.

The instants ``recurring-ical-events`` expands a file to must be the instants the bot shows
(event rows, and the series rule for occurrences not made yet) and reminds at.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import OffsetClock
from bot.db import Database
from bot.scheduler import Scheduler
from cogs.events.feed import CalendarStore
from cogs.events.model import Draft, Event
from cogs.events.rsvp import RsvpBook
from cogs.events.service import EventService
from tests.events.calendar_checks import expanded, master, overrides, reminded_starts, vevents

G, ORG, AMIRA = 100, 200, 7
LONDON = ZoneInfo("Europe/London")
# The bot's clock starts before the 2030 series these tests walk through, so they are
# ahead of it whenever the suite runs.
pytestmark = pytest.mark.clock_at(datetime(2029, 12, 1, 9, 0, tzinfo=UTC))
RULE = "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=6"


@pytest.fixture
def service(db: Database, clock: OffsetClock) -> EventService:
    return EventService(db, clock, Scheduler(db, clock))


@pytest.fixture
def store(db: Database, clock: OffsetClock) -> CalendarStore:
    return CalendarStore(db, clock)


def tuesdays_at_three() -> list[datetime]:
    """The oracle: 15:00 on the wall clock in London, six Tuesdays from 22 October 2030
    (across the clocks going back on 27 October)."""
    first = datetime(2030, 10, 22, 15, 0, tzinfo=LONDON)
    return [(first + timedelta(weeks=k)).astimezone(UTC) for k in range(6)]


async def one_off(service: EventService, clock: OffsetClock, area: str | None = None) -> Event:
    start = clock.now().replace(second=0, microsecond=0) + timedelta(days=2)
    draft = Draft("Data clinic", "in 2 days", "UTC", start, start + timedelta(hours=1),
                  location="Room 1", area=area, reminders=(3600,))  # fmt: skip
    made = await service.create_draft(G, ORG, draft)
    return await service.confirm(G, made.id, ORG)


async def weekly(service: EventService, clock: OffsetClock, made: int = 3) -> list[Event]:
    """A weekly London series and its first ``made`` occurrences."""
    clock.set(datetime(2030, 10, 14, 9, 0, tzinfo=UTC))
    start = tuesdays_at_three()[0]
    draft = Draft("Methods circle", "2030-10-22 15:00", "Europe/London", start,
                  start + timedelta(hours=1), location="Online", reminders=(3600,),
                  rrule=RULE)  # fmt: skip
    first = await service.confirm(G, (await service.create_draft(G, ORG, draft)).id, ORG)
    assert first.series_id is not None
    found = [first]
    while len(found) < made:
        following = await service.create_next(first.series_id, found[-1].id)
        assert following is not None
        found.append(following)
    return found


async def test_every_change_of_time_place_title_or_status_raises_the_sequence(
    service: EventService, store: CalendarStore, clock: OffsetClock
) -> None:
    event = await one_off(service, clock)
    [before] = vevents(await store.ics(event))
    assert before["SEQUENCE"] == 0 and str(before["STATUS"]) == "CONFIRMED"
    clock.advance(timedelta(hours=1))
    asked_at = clock.now().replace(microsecond=0)  # the clock runs: a second may turn
    await service.edit(event, {"title": "Data clinic (new room)"})
    [renamed] = vevents(await store.ics(event))
    assert renamed["SEQUENCE"] == 1
    # DTSTAMP is when the entry was last revised (no METHOD), the same as LAST-MODIFIED.
    edited_at = renamed.decoded("DTSTAMP")
    assert renamed.decoded("LAST-MODIFIED") == edited_at
    assert asked_at <= edited_at <= clock.now()
    clock.advance(timedelta(minutes=5))
    await service.edit(event, {"description": "Bring a laptop."})
    [described] = vevents(await store.ics(event))
    assert described["SEQUENCE"] == 1  # not a change a calendar must act on
    assert described.decoded("LAST-MODIFIED") > edited_at
    later = event.starts_at + timedelta(hours=3)
    await service.edit(event, {"starts_at": later, "ends_at": later + timedelta(hours=1)})
    await service.edit(event, {"location": "Room 2"})
    moved = await store.ics(event)
    assert vevents(moved)[0]["SEQUENCE"] == 3
    assert expanded(moved) == [later]
    assert await reminded_starts(service._db, event.id) == {later}
    current = await service.get(G, event.id)
    assert current is not None
    await service.cancel(current)
    [cancelled] = vevents(await store.ics(event))
    assert cancelled["SEQUENCE"] == 4 and str(cancelled["STATUS"]) == "CANCELLED"
    assert expanded(await store.ics(event)) == []


async def test_a_series_file_expands_to_the_rule_in_london_time(
    service: EventService, store: CalendarStore, clock: OffsetClock
) -> None:
    made = await weekly(service, clock)
    data = await store.ics(made[1])
    assert overrides(data) == []
    assert master(data)["RRULE"]["COUNT"] == [6]
    assert expanded(data) == tuesdays_at_three()
    for event in made:
        assert await reminded_starts(service._db, event.id) == {event.starts_at}


async def test_cancelling_one_occurrence_removes_only_that_date(
    service: EventService, store: CalendarStore, clock: OffsetClock
) -> None:
    made = await weekly(service, clock)
    await service.cancel(made[1])
    # /event ics on the cancelled occurrence: the series, never a cancelled series.
    data = await store.ics(made[1])
    series = master(data)
    assert str(series["STATUS"]) == "CONFIRMED"
    assert series["SEQUENCE"] == 1  # a new EXDATE is a change of the series
    expected = [t for t in tuesdays_at_three() if t != made[1].starts_at]
    assert expanded(data) == expected
    assert expanded(data, status=None) == expected  # not even as a CANCELLED instance
    assert data == await store.ics(made[0])  # every occurrence gives the same file


async def test_a_moved_occurrence_is_an_override_at_its_new_time(
    service: EventService, store: CalendarStore, clock: OffsetClock
) -> None:
    made = await weekly(service, clock)
    old = made[2].starts_at
    new = old + timedelta(hours=2, minutes=30)
    await service.edit(made[2], {"starts_at": new, "ends_at": new + timedelta(hours=1)})
    data = await store.ics(made[0])
    [override] = overrides(data)
    assert override.decoded("RECURRENCE-ID") == old.astimezone(LONDON)
    assert override.decoded("DTSTART") == new.astimezone(LONDON)
    assert override["SEQUENCE"] == 1
    assert master(data)["SEQUENCE"] == 0  # the rule itself did not change
    expected = sorted([t for t in tuesdays_at_three() if t != old] + [new])
    assert expanded(data) == expected
    assert await reminded_starts(service._db, made[2].id) == {new}
    # Renaming one occurrence is an override too; the rest keep the series' title.
    await service.edit(made[0], {"title": "Methods circle: kick-off"})
    renamed = await store.ics(made[0])
    assert {str(o["SUMMARY"]) for o in overrides(renamed)} == {
        "Methods circle", "Methods circle: kick-off"
    }  # fmt: skip
    assert expanded(renamed) == expected


async def test_a_new_time_of_day_for_the_series_raises_its_sequence(
    service: EventService, store: CalendarStore, clock: OffsetClock
) -> None:
    made = await weekly(service, clock, made=1)
    later = made[0].starts_at + timedelta(hours=1)
    await service.edit(made[0], {"starts_at": later, "ends_at": later + timedelta(hours=1)},
                       series=True)  # fmt: skip
    data = await store.ics(made[0])
    assert master(data)["SEQUENCE"] == 1 and overrides(data) == []
    assert expanded(data) == [t + timedelta(hours=1) for t in tuesdays_at_three()]


async def test_cancelling_the_whole_series(
    service: EventService, store: CalendarStore, clock: OffsetClock
) -> None:
    made = await weekly(service, clock, made=1)
    await service.cancel_series(made[0])
    data = await store.ics(made[0])
    assert str(master(data)["STATUS"]) == "CANCELLED"
    assert expanded(data) == []


async def test_cancelling_the_rest_of_a_series_keeps_what_happened(
    service: EventService, store: CalendarStore, clock: OffsetClock
) -> None:
    made = await weekly(service, clock, made=2)
    clock.set(made[0].ends_at + timedelta(minutes=1))
    await service.cancel_series(made[1])
    data = await store.ics(made[1])
    assert str(master(data)["STATUS"]) == "CONFIRMED"
    assert expanded(data) == [made[0].starts_at]


async def test_the_feed_keeps_a_cancelled_event_for_30_days(
    db: Database, service: EventService, store: CalendarStore, clock: OffsetClock
) -> None:
    book = RsvpBook(db, clock, Scheduler(db, clock), timedelta(hours=1))
    answered = await one_off(service, clock)
    in_area = await one_off(service, clock, area="data")
    await one_off(service, clock, area="evaluation")  # neither answered nor in their areas
    await book.answer(answered, AMIRA, "amira", "going")
    await service.cancel(answered)
    data, items = await store.feed(G, AMIRA, ("data",))
    assert store.upcoming(items) == 1
    entries = {int(str(e["UID"]).split("-")[1].split("@")[0]): e for e in vevents(data)}
    assert set(entries) == {answered.id, in_area.id}
    assert str(entries[answered.id]["STATUS"]) == "CANCELLED"
    assert entries[answered.id]["SEQUENCE"] == 1
    assert expanded(data) == [in_area.starts_at]
    assert (await store.feed(G, AMIRA, ("data",)))[0] == data  # the same bytes: ETag holds
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in data  # subscribed calendars poll hourly
    clock.set(answered.ends_at + timedelta(days=29))
    assert len(vevents((await store.feed(G, AMIRA, ("data",)))[0])) == 2
    clock.set(answered.ends_at + timedelta(days=30, minutes=1))
    assert vevents((await store.feed(G, AMIRA, ("data",)))[0]) == []
