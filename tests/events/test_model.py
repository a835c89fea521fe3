"""Pure logic of events: reading options, RRULEs on the local clock, pacing."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.announcements.recurrence import parse_repeat, upcoming
from cogs.events.model import (
    WEEKDAYS,
    EventError,
    Repeat,
    build_rrule,
    describe_rrule,
    nth_start,
    occurrences,
    read_offsets,
    repeat_of,
)
from cogs.events.pacing import Pacer, mention_messages
from tests.dst_oracle import COUNT, instants_reading, series_cases, weekly_expected

LONDON = "Europe/London"


def at(text: str, zone: str = LONDON) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def test_monthly_by_weekday_and_last_weekday() -> None:
    second_tuesday = at("2030-01-08 15:00")
    rule = build_rrule(second_tuesday, LONDON, Repeat("monthly", count=3))
    assert rule == "FREQ=MONTHLY;INTERVAL=1;BYDAY=2TU;COUNT=3"
    local = [s.astimezone(ZoneInfo(LONDON)).date().isoformat() for s in
             occurrences(rule, LONDON, second_tuesday)]  # fmt: skip
    assert local == ["2030-01-08", "2030-02-12", "2030-03-12"]
    fifth = build_rrule(at("2030-01-29 15:00"), LONDON, Repeat("monthly", until="2030-06-01"))
    assert fifth == "FREQ=MONTHLY;INTERVAL=1;BYDAY=-1TU;UNTIL=20300601T235959"
    assert describe_rrule(fifth, LONDON, at("2030-01-29 15:00")).startswith(
        "the last Tuesday of every month at 15:00"
    )
    assert repeat_of(fifth) == Repeat("monthly", 1, "2030-06-01", None)


def test_every_two_weeks_ends_on_count() -> None:
    start = at("2030-03-04 09:00")
    rule = build_rrule(start, LONDON, Repeat("weekly", interval=2, count=2))
    assert nth_start(rule or "", LONDON, start, 2) == at("2030-03-18 09:00").astimezone(UTC)
    assert nth_start(rule or "", LONDON, start, 3) is None


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Tokyo"]),
    day=st.dates(min_value=datetime(2030, 1, 1).date(), max_value=datetime(2031, 12, 1).date()),
    hour=st.integers(min_value=6, max_value=22),
)
def test_every_occurrence_keeps_the_local_time(zone: str, day: object, hour: int) -> None:
    start = datetime.fromisoformat(f"{day}T{hour:02d}:30").replace(tzinfo=ZoneInfo(zone))
    rule = build_rrule(start, zone, Repeat("weekly", count=30))
    assert rule is not None
    for moment in occurrences(rule, zone, start):
        local = moment.astimezone(ZoneInfo(zone))
        assert (local.hour, local.minute, local.weekday()) == (hour, 30, start.weekday())


@pytest.mark.parametrize(
    ("repeat", "message"),
    [
        (Repeat("weekly"), "needs one end"),
        (Repeat("weekly", count=1), "2 to 52"),
        (Repeat("weekly", interval=13, count=3), "between 1 and 12"),
        (Repeat("weekly", until="2029-01-01"), "must be after the first event"),
        (Repeat("none", count=3), "until and count are for repeating events"),
    ],
)
def test_bad_repeats(repeat: Repeat, message: str) -> None:
    with pytest.raises(EventError, match=message):
        build_rrule(at("2030-03-04 09:00"), LONDON, repeat)


def test_offsets() -> None:
    assert read_offsets(None, [timedelta(days=1), timedelta(hours=1)]) == (86400, 3600)
    assert read_offsets("15m, 2h", []) == (7200, 900)
    assert read_offsets("none", [timedelta(hours=1)]) == ()
    with pytest.raises(EventError, match="at most 5"):
        read_offsets("1m,2m,3m,4m,5m,6m", [])


def test_reminder_offsets_below_a_minute_are_refused_as_the_message_says() -> None:
    assert read_offsets("1m", []) == (60,)
    for text in ("30s", "59s", "1m, 10s"):
        with pytest.raises(EventError, match="between 1 minute and 30 days"):
            read_offsets(text, [])


async def test_pacer_keeps_any_second_under_the_rate() -> None:
    pacer = Pacer(20)
    loop = asyncio.get_running_loop()
    started: list[float] = []

    async def request() -> None:
        await pacer.wait()
        started.append(loop.time())

    await asyncio.gather(*(request() for _ in range(45)))
    for i, moment in enumerate(started):
        assert sum(1 for t in started[i:] if t - moment < 1.0) <= 20
    assert started[-1] - started[0] < 2.4  # spread out evenly, hardly slower


def test_mentions_split_under_the_message_limit() -> None:
    text = "Reminder: **Seminar** starts soon. Your direct messages are closed."
    ids = [10**18 + i for i in range(150)]
    groups = mention_messages(text, ids)
    assert [u for g in groups for u in g] == ids
    assert len(groups) == 2
    for group in groups:
        message = text + "\n" + " ".join(f"<@{u}>" for u in group)
        assert len(message) <= 2000 and len(group) <= 100
    assert mention_messages("x", [1, 2, 3], most=2) == [[1, 2], [3]]


# -- every local occurrence once, in seven zones, against tests/dst_oracle.py -------------

DST_CASES = series_cases(datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("zone", "first_local", "hits"),
    DST_CASES,
    ids=[f"{z}-{w:%a%H%M}-{h.replace(' ', '_')}" for z, w, h in DST_CASES],
)
def test_weekly_series_start_each_local_occurrence_once(
    zone: str, first_local: datetime, hits: str
) -> None:
    expected = weekly_expected(zone, first_local)
    walls = [first_local + timedelta(weeks=n) for n in range(COUNT)]
    readings = [len(instants_reading(w, ZoneInfo(zone))) for w in walls]
    assert {"skipped": 0, "repeated": 2}.get(hits, 1) in readings  # the case meets its change
    rule = f"FREQ=WEEKLY;INTERVAL=1;BYDAY={WEEKDAYS[first_local.weekday()]}"
    assert list(itertools.islice(occurrences(rule, zone, expected[0]), COUNT)) == expected
    assert nth_start(rule, zone, expected[0], COUNT) == expected[-1]


def test_events_and_announcements_share_the_rule() -> None:
    """The same weekly 01:30 London across the fall-back: one instant each, the same ones."""
    sunday = datetime(2027, 10, 24, 1, 30, tzinfo=ZoneInfo(LONDON))
    rule = build_rrule(sunday, LONDON, Repeat("weekly", count=3))
    assert rule is not None
    starts = list(occurrences(rule, LONDON, sunday.astimezone(UTC)))
    weekly = parse_repeat("weekly", sunday)
    assert starts == upcoming(weekly, LONDON, sunday.astimezone(UTC), 3)
    assert starts[1] == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST, the first


def test_a_first_start_chosen_after_the_change_stays_where_it_was_put() -> None:
    """The second 01:30 (GMT) chosen for the first event is kept; the series goes on weekly."""
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 01:30 GMT, after the change
    starts = list(itertools.islice(occurrences("FREQ=WEEKLY;BYDAY=SU", LONDON, second), 2))
    assert starts == [second, datetime(2027, 11, 7, 1, 30, tzinfo=UTC)]


def test_a_one_hour_event_in_the_repeated_hour_lasts_one_hour() -> None:
    """01:30 on the night London's clocks go back, typed as its first instant: the default
    hour ends an hour later in real time (it used to add an hour of wall clock: two hours)."""
    from bot.timeparse import TimeContext
    from cogs.events.model import read_end, read_start

    now = datetime(2027, 10, 1, tzinfo=UTC)
    start = read_start("2027-10-31 01:30 +01:00", TimeContext("Europe/London"), now).instant
    end = read_end(start, None, None, "Europe/London")
    assert end - start == timedelta(hours=1)
    assert f"{end:%H:%M}" == "01:30"  # UTC: 01:30 GMT, after the change
