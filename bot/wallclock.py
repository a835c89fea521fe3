"""Wall-clock times to instants: the one rule every repeat on a local clock follows.

Repeats are defined on a zone's wall clock ("every Monday 09:00 Europe/London"), but work is
scheduled at instants. Twice a year the two disagree, and before this module announcements
(APScheduler's CronTrigger in the zone) and events (dateutil's rrule) each had their own
answer; the cron one posted a repeat in the fall-back hour twice. Every feature now maps
wall-clock times through ``to_instant`` and finds cron fires with ``next_cron_instant``:

- A repeated wall-clock time (the hour the clocks go back) means its FIRST instant, once.
  01:30 on the night London goes back is 01:30 BST (00:30 UTC), never also 01:30 GMT.
- A skipped wall-clock time (the hour the clocks go forward) is moved forward by the length
  of the jump: 01:30 on the night London goes forward runs at 02:30 BST, 02:30 in New York at
  03:30 EDT, 02:15 on Lord Howe Island (a 30-minute jump) at 02:45. The repeat still runs
  that day, once. This is RFC 5545's rule (section 3.3.5), so the bot posts at the instant
  a calendar app shows for the same series in the bot's .ics files, and Python's own
  reading of a naive time with ``fold=0``.

Two wall-clock times can therefore name one instant (02:30 skipped and 03:30 real, on the
night New York goes forward); that instant runs once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.clock import ensure_utc

# The first matching wall-clock time at or after the given one, or None when none is left.
WallMatcher = Callable[[datetime], datetime | None]

_DAY = timedelta(days=1)
_A_SECOND = timedelta(seconds=1)


def zone_of(zone: str | ZoneInfo) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def to_instant(local: datetime, zone: str | ZoneInfo) -> datetime:
    """The UTC instant of a naive wall-clock time in ``zone``, by the rule above.

    ``fold=0`` is Python's spelling of that rule: the earlier offset for a repeated time,
    the offset from before the jump (so later by the jump) for a skipped one.
    """
    if local.tzinfo is not None:
        raise ValueError("to_instant takes a naive wall-clock time.")
    return local.replace(tzinfo=zone_of(zone), fold=0).astimezone(UTC)


def wall_time(instant: datetime, zone: str | ZoneInfo) -> datetime:
    """What the clocks in ``zone`` read at ``instant`` (aware), without a zone."""
    if instant.tzinfo is None:
        raise ValueError("wall_time takes an aware instant.")
    return instant.astimezone(zone_of(zone)).replace(tzinfo=None, fold=0)


def skipped_by(local: datetime, zone: str | ZoneInfo) -> timedelta:
    """How far ``to_instant`` moves a skipped wall-clock time forward; zero for a real one."""
    return wall_time(to_instant(local, zone), zone) - local


def instants(walls: Iterable[datetime], zone: str | ZoneInfo) -> Iterator[datetime]:
    """Each wall-clock time of an ascending series as its instant, each instant once.

    Only a zone that skips a whole day (Samoa, December 2011) can map two times a day apart
    to one instant; the later one is then dropped rather than posted twice.
    """
    tz = zone_of(zone)
    last: datetime | None = None
    for local in walls:
        instant = to_instant(local, tz)
        if last is None or instant > last:
            last = instant
            yield instant


def cron_matcher(minute: str, hour: str, day: str, month: str, day_of_week: str) -> WallMatcher:
    """Cron fields (APScheduler's spelling) matched on a bare wall clock.

    The trigger runs in UTC, which has no daylight saving, over naive local times treated as
    UTC: it only answers "which wall-clock times match", and ``to_instant`` alone decides
    which instant each one means. Raises ValueError for fields APScheduler refuses.
    """
    trigger = CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone=UTC
    )

    def first_at_or_after(local: datetime) -> datetime | None:
        fire: datetime | None = trigger.get_next_fire_time(None, local.replace(tzinfo=UTC))
        return None if fire is None else fire.replace(tzinfo=None)

    return first_at_or_after


def next_instant(matches: WallMatcher, zone: str | ZoneInfo, after: datetime) -> datetime | None:
    """The earliest instant strictly after ``after`` (aware) of any matching wall-clock time.

    The wall clock of ``after`` is where the search starts, less the length of any jump
    forward in the day before it: a skipped time just before can be moved past ``after``.
    The first match found past ``after`` may itself be a skipped time, moved forward past
    real matches that follow it; those up to its moved time are compared too. A repeated
    time never comes back: its first instant is the only one, so when ``after`` is that
    first instant, the same wall-clock time is not found again an hour later.
    """
    tz = zone_of(zone)
    after = after.astimezone(UTC)
    wall = min(wall_time(after, tz), wall_time(after - _DAY, tz) + _DAY)
    best: datetime | None = None
    limit: datetime | None = None
    while (local := matches(wall)) is not None and (limit is None or local < limit):
        instant = to_instant(local, tz)
        if instant > after:
            best = instant if best is None else min(best, instant)
            if limit is None:
                moved = skipped_by(local, tz)
                if not moved:
                    return best  # a real time: nothing after it can come sooner
                limit = local + moved + _A_SECOND
        wall = local + _A_SECOND
    return best


def cron_instants(
    matches: WallMatcher, zone: str | ZoneInfo, after: datetime
) -> Iterator[datetime]:
    """Every instant of a cron repeat after ``after``, in order, each local occurrence once."""
    following = next_instant(matches, zone, after)
    while following is not None:
        yield following
        following = next_instant(matches, zone, following)


_CRON_DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _standard_weekdays(field: str) -> str:
    """Standard crontab counts weekdays from Sunday = 0; APScheduler 3 from Monday = 0."""
    return re.sub(r"\d", lambda m: _CRON_DAY_NAMES[int(m.group(0)) % 8], field)


def next_cron_time(expression: str, timezone: str, after: datetime) -> datetime | None:
    """Next fire of a standard crontab expression in an IANA time zone, after ``after``.

    The expression is matched on the zone's wall clock and each match becomes an instant by
    ``bot.wallclock``'s rule (a repeated time once, at its first instant; a skipped time
    later by the jump), the rule events follow too. CronTrigger in the zone posted a repeated
    time at both instants.
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"'{expression}' needs five fields: minute hour day month weekday.")
    minute, hour, day, month, weekday = fields
    matches = cron_matcher(minute, hour, day, month, _standard_weekdays(weekday))
    return next_instant(matches, ZoneInfo(timezone), ensure_utc(after))
