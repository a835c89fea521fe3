"""An oracle for repeats on a local clock, built only from zoneinfo and dateutil.rrule.

It shares no code with ``bot.wallclock``: it finds every instant at which a zone's clock
reads a given time by trying each offset the zone used nearby, and the clock changes by
scanning UTC. The rule it encodes is the one the bot promises: a repeated time means its
first instant; a skipped time is read with the offset from before the jump.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, WEEKLY, rrule

ZONES = (
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "America/Nuuk",
)
COUNT = 60


@dataclass(frozen=True)
class Change:
    """One change of a zone's clocks: at ``instant`` the offset goes from one to the other."""

    instant: datetime
    before: timedelta
    after: timedelta

    @property
    def forward(self) -> bool:
        return self.after > self.before

    @property
    def odd_walls(self) -> tuple[datetime, datetime]:
        """The wall-clock times skipped (forward) or repeated (back): [start, end)."""
        naive = self.instant.replace(tzinfo=None)
        low, high = sorted((naive + self.before, naive + self.after))
        return low, high

    def test_times(self) -> list[datetime]:
        """The first odd time, one in the middle, and the first ordinary one after."""
        low, high = self.odd_walls
        middle = low + (high - low) / 2
        return [low, middle.replace(second=0, microsecond=0), high]


def offsets_near(local: datetime, tz: ZoneInfo) -> list[timedelta]:
    guess = local.replace(tzinfo=UTC)
    found = {(guess + timedelta(hours=h)).astimezone(tz).utcoffset() for h in range(-50, 51)}
    return sorted(offset for offset in found if offset is not None)


def instants_reading(local: datetime, tz: ZoneInfo) -> list[datetime]:
    """Every instant at which the clock in ``tz`` reads ``local``: none, one or two."""
    guess = local.replace(tzinfo=UTC)
    return sorted(
        {
            guess - offset
            for offset in offsets_near(local, tz)
            if (guess - offset).astimezone(tz).replace(tzinfo=None) == local
        }
    )


def expected_instant(local: datetime, tz: ZoneInfo) -> datetime:
    """The promised instant: the first of a repeated time; a skipped one by the old offset."""
    readings = instants_reading(local, tz)
    if readings:
        return readings[0]
    return local.replace(tzinfo=UTC) - min(offsets_near(local, tz))


def changes(zone: str, start: datetime, end: datetime) -> list[Change]:
    """Every clock change in [start, end), to the minute, found by scanning UTC."""
    tz = ZoneInfo(zone)
    found: list[Change] = []
    step = timedelta(minutes=30)
    moment = start
    while moment < end:
        before, after = (
            moment.astimezone(tz).utcoffset(),
            (moment + step).astimezone(tz).utcoffset(),
        )
        if before != after and before is not None and after is not None:
            low, high = moment, moment + step
            while high - low > timedelta(minutes=1):
                mid = low + (high - low) / 2
                if mid.astimezone(tz).utcoffset() == before:
                    low = mid
                else:
                    high = mid
            found.append(Change(high.replace(second=0, microsecond=0), before, after))
        moment += step
    return found


def weekly_expected(zone: str, first_local: datetime, count: int = COUNT) -> list[datetime]:
    tz = ZoneInfo(zone)
    return [expected_instant(w, tz) for w in rrule(WEEKLY, dtstart=first_local, count=count)]


def daily_expected(zone: str, first_local: datetime, count: int = COUNT) -> list[datetime]:
    tz = ZoneInfo(zone)
    return [expected_instant(w, tz) for w in rrule(DAILY, dtstart=first_local, count=count)]


def series_cases(start: datetime, end: datetime) -> list[tuple[str, datetime, str]]:
    """(zone, first wall-clock time, what it hits): weekly series whose third week lands on
    each time that is skipped or repeated (or the first ordinary one after) in each zone,
    and two plain night times in every zone."""
    cases: list[tuple[str, datetime, str]] = []
    for zone in ZONES:
        first_night = datetime(start.year, start.month, start.day + 6)
        cases += [(zone, first_night.replace(hour=h, minute=30), "ordinary") for h in (1, 2)]
        for change in changes(zone, start, end)[:2]:
            kind = "skipped" if change.forward else "repeated"
            for local in change.test_times():
                hit = kind if local < change.odd_walls[1] else "after " + kind
                cases.append((zone, local - timedelta(weeks=2), hit))
    return cases
