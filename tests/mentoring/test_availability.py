"""Working-hour overlap across zones whose offsets are not whole hours, and areas in the
order of the areas file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cogs.mentoring.availability import (
    duration,
    offset_minutes,
    overlap_minutes,
    parse_free_hours,
    to_utc_week,
    working_hours,
)
from cogs.mentoring.matching import Mentee, Mentor, Weights, ordered_areas, solve

DECEMBER = datetime(2026, 12, 1, 12, tzinfo=UTC)  # Adelaide on summer time, UTC+10:30
JULY = datetime(2026, 7, 1, 12, tzinfo=UTC)  # Adelaide on standard time, UTC+9:30


def week(zone: str, at: datetime = DECEMBER) -> frozenset[int]:
    return to_utc_week(working_hours(), zone, at)


@pytest.mark.parametrize(
    ("zone", "at", "minutes"),
    [("Asia/Kolkata", DECEMBER, 330), ("Asia/Kathmandu", DECEMBER, 345),
     ("Australia/Adelaide", DECEMBER, 630), ("Australia/Adelaide", JULY, 570),
     ("America/St_Johns", DECEMBER, -210), ("Europe/Amsterdam", JULY, 120)],
)  # fmt: skip
def test_offsets_are_read_to_the_minute(zone: str, at: datetime, minutes: int) -> None:
    assert offset_minutes(zone, at) == minutes


@pytest.mark.parametrize(
    ("a", "b", "at", "daily"),
    [
        # Kolkata 03:30-11:30 UTC, Kathmandu 03:15-11:15 UTC: 7 h 45 min a day.
        ("Asia/Kolkata", "Asia/Kathmandu", DECEMBER, 7 * 60 + 45),
        # Adelaide (summer) 22:30-06:30 UTC the day before, Kolkata 03:30-11:30: 3 h.
        ("Australia/Adelaide", "Asia/Kolkata", DECEMBER, 3 * 60),
        ("Australia/Adelaide", "Asia/Kathmandu", DECEMBER, 3 * 60 + 15),
        # Adelaide (winter) 23:30-07:30 UTC: 4 h with Kolkata, 4 h 15 min with Kathmandu.
        ("Australia/Adelaide", "Asia/Kolkata", JULY, 4 * 60),
        ("Australia/Adelaide", "Asia/Kathmandu", JULY, 4 * 60 + 15),
        # Kolkata and Amsterdam in winter (08:00-16:00 UTC): 3 h 30 min.
        ("Asia/Kolkata", "Europe/Amsterdam", DECEMBER, 3 * 60 + 30),
        ("Asia/Kolkata", "Asia/Kolkata", DECEMBER, 8 * 60),
    ],
)
def test_working_hours_overlap_exactly_across_odd_offsets(
    a: str, b: str, at: datetime, daily: int
) -> None:
    assert overlap_minutes(week(a, at), week(b, at)) == 5 * daily


def test_a_mentor_s_free_hours_in_a_half_hour_zone() -> None:
    """Tue 14:00-15:30 in Kolkata is 08:30-10:00 UTC; Amsterdam's working day starts 08:00."""
    free = to_utc_week(parse_free_hours("Tue 14-15:30"), "Asia/Kolkata", DECEMBER)
    assert overlap_minutes(free, week("Europe/Amsterdam")) == 90


def test_reasons_give_the_overlap_in_hours_and_minutes() -> None:
    common = {"areas": frozenset({"data"}), "languages": frozenset({"English"}), "text": "data",
              "institution": ""}  # fmt: skip
    mentor = Mentor(user_id=1, capacity=1, country="NP", hours=week("Asia/Kathmandu"), **common)  # type: ignore[arg-type]
    mentee = Mentee(user_id=2, country="AU", hours=week("Australia/Adelaide"), **common)  # type: ignore[arg-type]
    [pair] = solve([mentee], [mentor], Weights()).pairs
    assert "3 hours 15 minutes of shared working time a day" in pair.reasons


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(45, "45 minutes"), (60, "1 hour"), (210, "3 hours 30 minutes"), (61, "1 hour 1 minute")],
)
def test_durations_in_words(minutes: int, text: str) -> None:
    assert duration(minutes) == text


def test_shared_areas_follow_the_areas_file_then_names() -> None:
    names = {"data": "Data", "disinformation": "Disinformation", "zz-local": "Arts",
             "evaluation": "Evaluation"}  # fmt: skip
    order = ["disinformation", "evaluation", "data"]
    slugs = {"data", "zz-local", "disinformation", "evaluation"}
    assert ordered_areas(slugs, names.__getitem__, order) == [
        "Disinformation", "Evaluation", "Data", "Arts"
    ]  # fmt: skip
    assert ordered_areas(slugs, names.__getitem__) == ["Arts", "Data", "Disinformation",
                                                       "Evaluation"]  # fmt: skip
