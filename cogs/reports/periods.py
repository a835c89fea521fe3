"""The period a report covers, read from the moderator's choice or typed dates.

Periods are whole days on the server's wall clock (HUB_SERVER_TIMEZONE), so "last month"
means the same month to every moderator wherever they sit; the queries use the UTC instants
of its first and last midnight. Nothing here imports discord: bad input raises
``PeriodError`` with a message fit to show as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHOICES = {
    "this_month": "This month so far",
    "last_month": "Last month",
    "this_quarter": "This quarter so far",
    "last_quarter": "Last quarter",
    "this_year": "This year so far",
    "last_year": "Last year",
}
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y")
EXAMPLE = "a date such as 2026-03-01 or 1 March 2026"
LONGEST = timedelta(days=3 * 366)


class PeriodError(ValueError):
    """A period the report cannot cover; the message says what to type instead."""


@dataclass(frozen=True)
class Period:
    """Whole days ``first``..``last`` (inclusive) in ``zone``, and the instants around them."""

    first: date
    last: date
    zone: str
    label: str

    @property
    def start(self) -> datetime:
        return _midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """The instant just after the last day (exclusive)."""
        return _midnight(self.last + timedelta(days=1), self.zone)

    @property
    def span(self) -> str:
        return f"{day_text(self.first)} to {day_text(self.last)}"

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        found = []
        year, month = self.first.year, self.first.month
        while (year, month) <= (self.last.year, self.last.month):
            found.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


def day_text(day: date) -> str:
    """The network's one written form of a date: '1 March 2026'."""
    return f"{day.day} {day:%B %Y}"


def month_text(year: int, month: int) -> str:
    return f"{date(year, month, 1):%B %Y}"


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def named_period(choice: str, today: date, zone: str) -> Period:
    """One of ``CHOICES``, read on ``today`` (the server's date)."""
    if choice == "this_month":
        first = _month_start(today)
        return Period(first, today, zone, f"{first:%B %Y} so far")
    if choice == "last_month":
        first = _month_start(today, 1)
        return Period(first, _month_start(today) - timedelta(days=1), zone, f"{first:%B %Y}")
    quarter_first = _month_start(today, (today.month - 1) % 3)
    if choice == "this_quarter":
        return Period(quarter_first, today, zone, f"{_quarter(quarter_first)} so far")
    if choice == "last_quarter":
        first = _month_start(quarter_first, 3)
        return Period(first, quarter_first - timedelta(days=1), zone, _quarter(first))
    if choice == "this_year":
        return Period(date(today.year, 1, 1), today, zone, f"{today.year} so far")
    if choice == "last_year":
        year = today.year - 1
        return Period(date(year, 1, 1), date(year, 12, 31), zone, str(year))
    names = ", ".join(CHOICES.values())
    raise PeriodError(f"There is no period called that. Pick one from the list: {names}.")


def _quarter(first: date) -> str:
    return f"Q{(first.month - 1) // 3 + 1} {first.year}"


def parse_day(text: str, which: str) -> date:
    cleaned = " ".join(text.replace(",", " ").split())
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    shown = cleaned[:40]
    raise PeriodError(f"'{shown}' is not a date I can read for {which}. Type {EXAMPLE}.")


def choose_period(
    choice: str | None, start: str | None, end: str | None, today: date, zone: str
) -> Period:
    """The period from what the moderator gave: a named period, or both dates."""
    if start is None and end is None:
        return named_period(choice or "last_month", today, zone)
    if choice is not None:
        raise PeriodError("Give either a period from the list or the from and to dates, not both.")
    if start is None or end is None:
        missing = "from" if start is None else "to"
        raise PeriodError(f"Give the {missing} date too ({EXAMPLE}), or pick a period.")
    first, last = parse_day(start, "from"), parse_day(end, "to")
    if last < first:
        raise PeriodError(
            f"The to date ({day_text(last)}) is before the from date ({day_text(first)}). "
            "Swap them and try again."
        )
    if first > today:
        raise PeriodError(
            f"{day_text(first)} has not come yet, so there is nothing to report. "
            "Pick a from date up to today."
        )
    if last - first > LONGEST:
        raise PeriodError("A report covers up to three years. Pick dates closer together.")
    last = min(last, today)
    return Period(first, last, zone, f"{day_text(first)} to {day_text(last)}")
