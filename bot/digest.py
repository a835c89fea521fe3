"""Sections other features add to an area's weekly digest.

The areas feature posts the digest but knows nothing of events or mentoring; a feature that
has something to say about an area in the coming week registers a section here
(``bot.digest_sections.register``), and the digest shows it under that heading. A section
that fails is left out with a log line, so one feature's fault never blocks the digest.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger(__name__)

# (guild_id, area slug, start, end) -> lines for the section, empty when there is nothing
SectionSource = Callable[[int, str, datetime, datetime], Awaitable[list[str]]]


@dataclass(frozen=True)
class DigestSection:
    heading: str
    lines: list[str]


class DigestSections:
    """The registered sources, in the order they were added; the bot holds one."""

    def __init__(self) -> None:
        self._sources: dict[str, SectionSource] = {}

    def register(self, heading: str, source: SectionSource) -> None:
        self._sources[heading] = source

    async def collect(
        self, guild_id: int, slug: str, start: datetime, end: datetime
    ) -> list[DigestSection]:
        found = []
        for heading, source in self._sources.items():
            try:
                lines = await source(guild_id, slug, start, end)
            except Exception:
                log.exception("digest section %r failed for %s; left out", heading, slug)
                continue
            if lines:
                found.append(DigestSection(heading, lines))
        return found
