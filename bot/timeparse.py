"""Parsing of the time values people type: durations ("90m", "1d 2h") in settings and commands.

Kept in the core so every feature (and every setting) accepts the same spellings.
"""

from __future__ import annotations

import re
from datetime import timedelta

_UNIT_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)\s*(w|d|h|m|s)", re.IGNORECASE)
_WHOLE = re.compile(r"^\s*(?:\d+\s*[wdhms]\s*)+$", re.IGNORECASE)


def parse_duration(text: str) -> timedelta:
    """Read "1d", "2h 30m", "45m" or a bare number of seconds ("90").

    Raises ValueError with a message fit to show a person.
    """
    cleaned = text.strip()
    if cleaned.isdigit():
        return timedelta(seconds=int(cleaned))
    if not _WHOLE.match(cleaned):
        raise ValueError(f"'{text}' is not a duration. Use forms like 45m, 2h, 1d or 1d 2h.")
    seconds = sum(int(n) * _UNIT_SECONDS[unit.lower()] for n, unit in _PART.findall(cleaned))
    return timedelta(seconds=seconds)


def parse_duration_list(text: str) -> list[timedelta]:
    """Read a comma-separated list of durations, largest first, without duplicates."""
    parts = [p for p in (s.strip() for s in text.split(",")) if p]
    durations = {parse_duration(p) for p in parts}
    return sorted(durations, reverse=True)


def format_duration(delta: timedelta) -> str:
    """The inverse of parse_duration, for replies and docs: 90 minutes -> "1h 30m"."""
    remaining = int(delta.total_seconds())
    if remaining == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts)
