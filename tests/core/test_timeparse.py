"""The moments people type for events and announcements, read in their own zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import parse_when

UTC = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next Tuesday 15:00", datetime(2026, 12, 1, 15, 0)),
        ("in 3 days at 9am", datetime(2026, 11, 28, 9, 0)),
        ("2026-12-03 14:00", datetime(2026, 12, 3, 14, 0)),
        ("3 Dec 2pm", datetime(2026, 12, 3, 14, 0)),
        ("in 2 hours", datetime(2026, 11, 25, 12, 0)),
    ],
)
def test_common_forms_read_as_wall_clock_time_in_the_zone(text: str, expected: datetime) -> None:
    assert parse_when(text, LONDON, NOW) == expected.replace(tzinfo=LONDON)


def test_summer_time_is_read_with_the_summer_offset() -> None:
    moment = parse_when("2027-07-01 15:00", ZoneInfo("America/New_York"), NOW)
    assert moment.astimezone(UTC).hour == 19


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "up to 100 characters"),
        ("whenever suits", "no time of day"),
        ("03/12 14:00", "day/month or month/day"),
        ("yesterday 3pm", "in the past"),
        ("2027-03-28 01:30", "^28 March 2027 01:30 does not exist in Europe/London"),
        ("flurb 14:00", "could not read"),
    ],
)
def test_unclear_or_past_times_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_when(text, LONDON, NOW)
