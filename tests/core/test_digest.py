"""Digest sections: each feature's lines under its heading, and a failing one left out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.digest import DigestSections

START = datetime(2026, 12, 7, 9, tzinfo=UTC)


async def test_sections_keep_their_order_and_skip_empty_and_failing_ones(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sections = DigestSections()
    seen: list[tuple[int, str, datetime, datetime]] = []

    async def events(guild: int, slug: str, start: datetime, end: datetime) -> list[str]:
        seen.append((guild, slug, start, end))
        return [f"Seminar in {slug}"]

    async def broken(guild: int, slug: str, start: datetime, end: datetime) -> list[str]:
        raise RuntimeError("database is locked")

    async def quiet(guild: int, slug: str, start: datetime, end: datetime) -> list[str]:
        return []

    sections.register("Upcoming events", events)
    sections.register("Broken", broken)
    sections.register("Quiet", quiet)
    found = await sections.collect(1, "data", START, START + timedelta(days=7))
    assert [(s.heading, s.lines) for s in found] == [("Upcoming events", ["Seminar in data"])]
    assert seen == [(1, "data", START, START + timedelta(days=7))]
    assert "digest section 'Broken' failed for data" in caplog.text
