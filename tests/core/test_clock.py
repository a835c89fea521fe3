"""The test clock: it may start on a chosen day, past or future, then only moves forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import OffsetClock

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_a_clock_starts_in_the_past_and_then_only_moves_forward() -> None:
    clock = OffsetClock(datetime(2020, 2, 29, 12, 0, tzinfo=UTC))
    assert abs(clock.now() - datetime(2020, 2, 29, 12, 0, tzinfo=UTC)) < timedelta(seconds=5)
    moment = clock.now()
    assert abs(clock.to_wall_time(moment) - datetime.now(UTC)) < timedelta(seconds=5)
    clock.set(datetime(2019, 1, 1, tzinfo=UTC))  # the past of this clock: no move
    assert clock.now() >= moment
    assert clock.advance(timedelta(days=1)) >= moment + timedelta(days=1)
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError):
        OffsetClock(datetime(2020, 1, 1))  # naive: which zone?


@pytest.mark.clock_at(MONDAY)
def test_the_clock_fixture_starts_where_the_test_says(clock: OffsetClock) -> None:
    assert MONDAY <= clock.now() < MONDAY + timedelta(seconds=5)
