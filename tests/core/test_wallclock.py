"""The wall-clock rule every repeat follows, checked against an oracle built from zoneinfo
alone (tests/dst_oracle.py): a repeated time once at its first instant, a skipped time later
by the jump, and cron fires that never post one local time twice."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.wallclock import (
    cron_instants,
    cron_matcher,
    instants,
    next_cron_time,
    skipped_by,
    to_instant,
    wall_time,
)
from tests.dst_oracle import ZONES, Change, changes, expected_instant

WINDOW = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
CHANGES = [(zone, change) for zone in ZONES for change in changes(zone, *WINDOW)]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("zone", "wall", "instant"),
    [
        ("Europe/London", "2027-10-31 01:30", "2027-10-31 00:30"),  # repeated: BST, the first
        ("Europe/London", "2027-03-28 01:30", "2027-03-28 01:30"),  # skipped: 02:30 BST
        ("America/New_York", "2027-03-14 02:30", "2027-03-14 07:30"),  # skipped: 03:30 EDT
        ("America/New_York", "2027-11-07 01:30", "2027-11-07 05:30"),  # repeated: EDT
        ("Australia/Lord_Howe", "2027-10-03 02:15", "2027-10-02 15:45"),  # skipped: 02:45
        ("Australia/Lord_Howe", "2027-04-04 01:45", "2027-04-03 14:45"),  # repeated: +11
        ("Pacific/Chatham", "2027-09-26 03:15", "2027-09-25 14:30"),  # skipped: 04:15
        ("Asia/Kolkata", "2027-03-28 01:30", "2027-03-27 20:00"),
    ],
)
def test_to_instant_takes_the_first_instant_and_moves_skipped_times_forward(
    zone: str, wall: str, instant: str
) -> None:
    assert to_instant(local(wall), zone) == utc(instant)
    assert to_instant(local(wall), zone) == expected_instant(local(wall), ZoneInfo(zone))


def test_how_far_a_skipped_time_moves() -> None:
    assert skipped_by(local("2027-03-14 02:30"), "America/New_York") == timedelta(hours=1)
    assert skipped_by(local("2027-10-03 02:15"), "Australia/Lord_Howe") == timedelta(minutes=30)
    assert skipped_by(local("2027-11-07 01:30"), "America/New_York") == timedelta(0)
    with pytest.raises(ValueError, match="naive"):
        to_instant(utc("2027-01-01 00:00"), "UTC")
    with pytest.raises(ValueError, match="aware"):
        wall_time(local("2027-01-01 00:00"), "UTC")


def test_the_first_instant_of_a_repeated_time_is_not_followed_by_its_second() -> None:
    first = utc("2027-10-31 00:30")  # 01:30 BST; 01:30 GMT is an hour later
    following = next_cron_time("30 1 * * *", "Europe/London", first)
    assert following == utc("2027-11-01 01:30")
    assert next_cron_time("30 1 * * *", "Europe/London", first - timedelta(seconds=1)) == first


def test_a_skipped_time_and_the_real_time_it_moves_to_post_once() -> None:
    """02:30 and 03:30 New York both mean 07:30 UTC on the night the clocks go forward."""
    matches = cron_matcher("0,30", "2,3", "*", "*", "*")
    runs = list(
        itertools.islice(cron_instants(matches, "America/New_York", utc("2027-03-14 06:00")), 4)
    )
    assert runs == [utc(t) for t in ("2027-03-14 07:00", "2027-03-14 07:30", "2027-03-15 06:00",
                                      "2027-03-15 06:30")]  # fmt: skip


def test_a_run_after_the_jump_does_not_hide_a_skipped_time_moved_past_it() -> None:
    """At 03:10 EDT the next run of '30 2 * * *' is 02:30 moved to 03:30, not tomorrow."""
    after = utc("2027-03-14 07:10")
    assert next_cron_time("30 2 * * *", "America/New_York", after) == utc("2027-03-14 07:30")
    every_quarter = next_cron_time("*/15 * * * *", "America/New_York", utc("2027-03-14 07:00"))
    assert every_quarter == utc("2027-03-14 07:15")


def test_a_skipped_time_moved_forward_does_not_hide_a_real_time_before_it() -> None:
    """Lord Howe skips 02:00-02:30: at 02:35, 02:15 moved to 02:45 comes after 02:40."""
    after = utc("2027-10-02 15:35")  # 02:35 +11
    assert next_cron_time("15,40 2 * * *", "Australia/Lord_Howe", after) == utc("2027-10-02 15:40")


def test_instants_drop_a_repeat_of_the_same_instant() -> None:
    walls = [local("2027-03-14 02:30"), local("2027-03-14 03:30"), local("2027-03-14 04:00")]
    assert list(instants(walls, "America/New_York")) == [
        utc("2027-03-14 07:30"), utc("2027-03-14 08:00"),
    ]  # fmt: skip


def _oracle_next(minutes: list[int], hours: list[int], zone: str, after: datetime) -> datetime:
    """The earliest promised instant after ``after`` of any matching wall-clock time nearby."""
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    walls = [
        day + timedelta(days=d, hours=h, minutes=m)
        for d, h, m in itertools.product(range(-1, 3), hours, minutes)
    ]
    return min(i for i in (expected_instant(w, tz) for w in walls) if i > after)


@settings(max_examples=300, deadline=None)
@given(
    case=st.sampled_from(CHANGES),
    minutes=st.lists(
        st.sampled_from([0, 10, 15, 20, 30, 40, 45, 50]), min_size=1, max_size=4, unique=True
    ),
    hour_offsets=st.lists(st.integers(-2, 2), min_size=1, max_size=3, unique=True),
    shift=st.integers(min_value=-150, max_value=150),
    seconds=st.sampled_from([0, 1, -1]),
)
def test_next_cron_time_matches_the_oracle_around_every_clock_change(
    case: tuple[str, Change],
    minutes: list[int],
    hour_offsets: list[int],
    shift: int,
    seconds: int,
) -> None:
    zone, change = case
    low, _ = change.odd_walls
    hours = sorted({(low.hour + h) % 24 for h in hour_offsets})
    after = change.instant + timedelta(minutes=shift, seconds=seconds)
    expression = f"{','.join(map(str, sorted(minutes)))} {','.join(map(str, hours))} * * *"
    assert next_cron_time(expression, zone, after) == _oracle_next(minutes, hours, zone, after)


@settings(max_examples=40, deadline=None)
@given(case=st.sampled_from(CHANGES), minute=st.sampled_from([0, 15, 30, 45]))
def test_hourly_runs_post_each_local_time_once(case: tuple[str, Change], minute: int) -> None:
    zone, change = case
    tz = ZoneInfo(zone)
    start = change.instant - timedelta(hours=6)
    runs = list(itertools.islice(cron_instants(cron_matcher(str(minute), "*", "*", "*", "*"),
                                               zone, start), 12))  # fmt: skip
    walls = [run.astimezone(tz).replace(tzinfo=None) for run in runs]
    assert runs == sorted(set(runs))
    assert len(set(walls)) == len(walls)  # no local time twice
    assert all(expected_instant(w, tz) == r for w, r in zip(walls, runs, strict=True))
