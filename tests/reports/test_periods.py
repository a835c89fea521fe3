"""Periods on the server's calendar and the monthly report's day, without Discord."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from cogs.reports.periods import PeriodError, choose_period, named_period
from cogs.reports.privacy import Cell, protect
from cogs.reports.service import next_monthly_post


@pytest.mark.parametrize(
    ("choice", "today", "first", "last", "label"),
    [
        ("last_month", date(2027, 1, 4), date(2026, 12, 1), date(2026, 12, 31), "December 2026"),
        ("this_month", date(2027, 3, 9), date(2027, 3, 1), date(2027, 3, 9), "March 2027 so far"),
        ("last_quarter", date(2027, 2, 14), date(2026, 10, 1), date(2026, 12, 31), "Q4 2026"),
        ("this_quarter", date(2027, 5, 2), date(2027, 4, 1), date(2027, 5, 2), "Q2 2027 so far"),
        ("last_year", date(2027, 1, 1), date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ],
)
def test_named_periods(choice: str, today: date, first: date, last: date, label: str) -> None:
    period = named_period(choice, today, "UTC")
    assert (period.first, period.last, period.label) == (first, last, label)


def test_a_period_is_whole_days_on_the_servers_wall_clock() -> None:
    period = named_period("last_month", date(2026, 4, 2), "Australia/Sydney")
    assert period.start == datetime(2026, 2, 28, 13, 0, tzinfo=UTC)  # 00:00 AEDT, 1 March
    assert period.end == datetime(2026, 3, 31, 13, 0, tzinfo=UTC)  # 00:00 AEDT, 1 April
    assert period.months() == [(2026, 3)]


def test_typed_dates_stop_at_today() -> None:
    period = choose_period(None, "1 Nov 2026", "2027-01-31", date(2026, 12, 7), "UTC")
    assert (period.first, period.last) == (date(2026, 11, 1), date(2026, 12, 7))
    with pytest.raises(PeriodError, match="not a date I can read for to"):
        choose_period(None, "2026-11-01", "soon", date(2026, 12, 7), "UTC")


def utc(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "zone", "due"),
    [
        # 1 May 2027 is a Saturday: Monday 3 May, 09:00 London (08:00 UTC in summer time).
        (utc(2027, 4, 15, 0), "Europe/London", utc(2027, 5, 3, 8)),
        # Already past this month's: next month's (1 June 2027 is a Tuesday).
        (utc(2027, 5, 3, 8), "Europe/London", utc(2027, 6, 1, 8)),
        # In Tokyo it is already 1 August (a Sunday) when UTC still says 31 July: Monday 2nd.
        (utc(2027, 7, 31, 16), "Asia/Tokyo", utc(2027, 8, 2, 0)),
    ],
)
def test_the_monthly_report_is_due_on_the_first_working_day(
    after: datetime, zone: str, due: datetime
) -> None:
    assert next_monthly_post(after, zone) == due


def test_one_hidden_cell_of_a_total_takes_the_smallest_other_with_it() -> None:
    counts = (("Kenya", 9), ("Nigeria", 4), ("Iceland", 2), ("Chile", 0))
    cells = [Cell("Members by country", "now", name, n, n, additive=True) for name, n in counts]
    shown = {c.breakdown: c.shown(3) for c in protect(cells, 3)}
    assert shown == {"Kenya": "9", "Nigeria": "not shown", "Iceland": "fewer than 3", "Chile": "0"}
    two = protect([*cells, Cell("Members by country", "now", "Peru", 1, 1, additive=True)], 3)
    assert [c.shown(3) for c in two][:2] == ["9", "4"]  # two hidden: neither can be worked out


def test_the_bot_starts_without_importing_matplotlib() -> None:
    """Start-up time is measured: the plotting library is loaded only to draw a chart."""
    code = (
        "import sys, bot.app, cogs.reports, cogs.reports.cog, cogs.hub.cog, cogs.mentoring.cog\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported at start-up'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
