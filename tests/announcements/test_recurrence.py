"""Repeats as cron expressions in a zone: named repeats, validation, daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.announcements.recurrence import (
    RecurrenceError,
    describe,
    first_run,
    next_after,
    parse_repeat,
    upcoming,
    weekday_names,
)
from tests.dst_oracle import (
    COUNT,
    daily_expected,
    instants_reading,
    series_cases,
    weekly_expected,
)

LONDON = ZoneInfo("Europe/London")
# Monday 22 March 2027 09:00 in London; the clocks go forward on Sunday 28 March 2027.
MONDAY = datetime(2027, 3, 22, 9, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("repeat", "cron"),
    [
        ("none", None),
        ("daily", "0 9 * * *"),
        ("Weekdays", "0 9 * * 1-5"),
        ("weekly", "0 9 * * 1"),
        ("monthly", "0 9 22 * *"),
        ("30 17 1 * *", "30 17 1 * *"),
    ],
)
def test_named_repeats_become_cron_from_the_first_run(repeat: str, cron: str | None) -> None:
    assert parse_repeat(repeat, MONDAY).cron == cron


def test_weekly_keeps_the_local_hour_across_daylight_saving() -> None:
    weekly = parse_repeat("weekly", MONDAY)
    runs = upcoming(weekly, "Europe/London", MONDAY.astimezone(UTC), 3)
    assert [r.astimezone(LONDON).strftime("%m-%d %H:%M") for r in runs] == [
        "03-22 09:00", "03-29 09:00", "04-05 09:00",
    ]  # fmt: skip
    assert [r.hour for r in runs] == [9, 8, 8]  # in UTC, the hour moves
    assert describe(weekly, "Europe/London", MONDAY) == "every Monday at 09:00 (Europe/London)"


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("0", "sun"),
        ("7", "sun"),
        ("0-6", "sun,mon,tue,wed,thu,fri,sat"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("mon-fri/2", "mon,wed,fri"),
        ("sat,sun", "sun,sat"),
        ("*", "*"),
    ],
)
def test_standard_weekdays_count_from_sunday(field: str, names: str) -> None:
    assert weekday_names(field) == names


def test_sunday_as_zero_runs_on_sunday() -> None:
    fire = next_after("0 9 * * 0", "UTC", datetime(2027, 3, 22, tzinfo=UTC))
    assert fire == datetime(2027, 3, 28, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cron", "message"),
    [
        ("60 * * * *", "The minute field '60' is not valid"),
        ("* 24 * * *", "The hour field '24' is not valid"),
        ("* * 0 * *", "The day field '0' is not valid"),
        ("* * * 13 *", "The month field '13' is not valid"),
        ("* * * * 9", "The weekday field '9' is not valid"),
        ("* * * * 5-1", "runs backwards"),
        ("*/0 * * * *", "a step of 0"),
        ("a b c d e", "The minute field 'a' is not valid"),
        ("0 9 * * * *", "is not a repeat I know"),
    ],
)
def test_bad_cron_says_which_field(cron: str, message: str) -> None:
    with pytest.raises(RecurrenceError, match=message):
        parse_repeat(cron, MONDAY)


def test_weekdays_from_a_saturday_start_on_monday() -> None:
    saturday = datetime(2027, 3, 20, 9, 0, tzinfo=LONDON)
    weekdays = parse_repeat("weekdays", saturday)
    start = first_run(weekdays, "Europe/London", saturday.astimezone(UTC))
    assert start is not None and start.astimezone(LONDON).strftime("%a %H:%M") == "Mon 09:00"


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(
        ["Europe/London", "America/New_York", "Australia/Sydney", "America/Sao_Paulo", "UTC"]
    ),
    day=st.dates(min_value=date(2027, 1, 1), max_value=date(2030, 12, 31)),
    hour=st.integers(min_value=4, max_value=22),  # clear of the hours clocks jump through
    minute=st.integers(min_value=0, max_value=59),
    repeat=st.sampled_from(["daily", "weekly", "monthly"]),
)
def test_every_run_keeps_the_local_time(
    zone: str, day: date, hour: int, minute: int, repeat: str
) -> None:
    tz = ZoneInfo(zone)
    first = datetime(day.year, day.month, min(day.day, 28), hour, minute, tzinfo=tz)
    recurrence = parse_repeat(repeat, first)
    runs = upcoming(recurrence, zone, first.astimezone(UTC), 12)
    assert len(runs) == 12
    for run in runs:
        local = run.astimezone(tz)
        assert (local.hour, local.minute) == (hour, minute)
        if repeat == "weekly":
            assert local.weekday() == first.weekday()
        if repeat == "monthly":
            assert local.day == first.day


# -- every local occurrence once, in seven zones, against tests/dst_oracle.py -------------

WINDOW = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
CASES = series_cases(*WINDOW)


def _case_id(zone: str, first_local: datetime, hits: str) -> str:
    return f"{zone}-{first_local:%a%H%M}-{hits.replace(' ', '_')}"


def _hits(expected_walls: list[datetime], zone: str, hits: str) -> None:
    """A case named for a skipped or repeated time really meets one, so it can fail."""
    readings = [len(instants_reading(w, ZoneInfo(zone))) for w in expected_walls]
    wanted = {"skipped": 0, "repeated": 2}.get(hits)
    assert wanted is None or wanted in readings


@pytest.mark.parametrize(
    ("zone", "first_local", "hits"), CASES, ids=[_case_id(*case) for case in CASES]
)
def test_weekly_runs_are_each_local_occurrence_once(
    zone: str, first_local: datetime, hits: str
) -> None:
    expected = weekly_expected(zone, first_local)
    _hits([first_local + timedelta(weeks=n) for n in range(COUNT)], zone, hits)
    weekly = parse_repeat("weekly", first_local.replace(tzinfo=ZoneInfo(zone)))
    start = first_run(weekly, zone, expected[0])
    assert start is not None
    assert upcoming(weekly, zone, start, COUNT) == expected


@pytest.mark.parametrize(
    ("zone", "first_local", "hits"),
    [case for case in CASES if case[2] != "ordinary"],
    ids=[_case_id(*case) for case in CASES if case[2] != "ordinary"],
)
def test_daily_runs_are_each_local_occurrence_once(
    zone: str, first_local: datetime, hits: str
) -> None:
    first_local -= timedelta(days=30)  # the change falls in the middle of the 60 days
    expected = daily_expected(zone, first_local)
    _hits([first_local + timedelta(days=n) for n in range(COUNT)], zone, hits)
    daily = parse_repeat("daily", first_local.replace(tzinfo=ZoneInfo(zone)))
    assert upcoming(daily, zone, expected[0], COUNT) == expected


def test_the_fall_back_hour_runs_once_at_its_first_instant() -> None:
    """The bug: '30 1 * * 0' in London fired at 01:30 BST and again at 01:30 GMT."""
    sunday = datetime(2027, 10, 24, 1, 30, tzinfo=LONDON)
    runs = upcoming(parse_repeat("weekly", sunday), "Europe/London", sunday.astimezone(UTC), 3)
    assert [r.isoformat() for r in runs] == [
        "2027-10-24T00:30:00+00:00", "2027-10-31T00:30:00+00:00", "2027-11-07T01:30:00+00:00",
    ]  # fmt: skip


def test_a_first_run_chosen_at_the_second_instant_is_kept_and_not_repeated() -> None:
    """An organiser who chose 01:30 GMT (after the change) for the first run gets it; the
    repeat carries on a week later, not at 01:30 BST before it nor twice."""
    second = datetime(2027, 10, 31, 1, 30, fold=1, tzinfo=LONDON).astimezone(UTC)
    assert second == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    weekly = parse_repeat("weekly", second.astimezone(LONDON))
    start = first_run(weekly, "Europe/London", second)
    assert start == second
    assert upcoming(weekly, "Europe/London", second, 2)[1] == datetime(
        2027, 11, 7, 1, 30, tzinfo=UTC
    )


def test_a_skipped_weekly_time_runs_that_day_later_by_the_jump() -> None:
    """02:30 New York does not exist on 14 March 2027: that week runs at 03:30 EDT."""
    sunday = datetime(2027, 3, 7, 2, 30, tzinfo=ZoneInfo("America/New_York"))
    runs = upcoming(parse_repeat("weekly", sunday), "America/New_York", sunday.astimezone(UTC), 3)
    walls = [r.astimezone(ZoneInfo("America/New_York")).strftime("%m-%d %H:%M") for r in runs]
    assert walls == ["03-07 02:30", "03-14 03:30", "03-21 02:30"]
