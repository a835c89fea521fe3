"""The one clock every part of the bot reads.

Nothing calls ``datetime.now()`` directly: tests, and the offline sandbox, swap in an
``OffsetClock`` and move time forward so due work fires without sleeping. The scheduler
listens for such jumps and re-arms itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

ClockListener = Callable[[], None]


class Clock:
    """Real time, always timezone-aware UTC."""

    def __init__(self) -> None:
        self._listeners: list[ClockListener] = []

    def now(self) -> datetime:
        return datetime.now(UTC)

    def to_wall_time(self, moment: datetime) -> datetime:
        """Convert a time on this clock into real wall-clock time (what timers wait for)."""
        return moment

    def subscribe(self, listener: ClockListener) -> None:
        """Be told when this clock jumps, so timers armed in wall time can be re-armed."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: ClockListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()


class OffsetClock(Clock):
    """Real time plus an offset: it starts at real time or at ``start`` (which may be in the
    past, so a test about a given day runs on that day whenever it runs), and from then on
    moves forward only."""

    def __init__(self, start: datetime | None = None) -> None:
        super().__init__()
        self._offset = timedelta(0)
        if start is not None:
            if start.tzinfo is None:
                raise ValueError("Use an aware datetime.")
            self._offset = start - datetime.now(UTC)

    @property
    def offset(self) -> timedelta:
        return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def to_wall_time(self, moment: datetime) -> datetime:
        return moment - self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("The clock only moves forward.")
        self._offset += delta
        self._notify()
        return self.now()

    def set(self, moment: datetime) -> datetime:
        """Jump to ``moment`` (aware), which must not be in this clock's past."""
        if moment.tzinfo is None:
            raise ValueError("Use an aware datetime.")
        return self.advance(max(moment - self.now(), timedelta(0)))


def ensure_utc(moment: datetime) -> datetime:
    """Refuse naive datetimes and normalise aware ones to UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Naive datetime: every stored time must be timezone-aware.")
    return moment.astimezone(UTC)


def to_db_time(moment: datetime) -> str:
    """UTC text that sorts in time order, as stored in every table."""
    return ensure_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
