"""End-to-end fixtures: the Discord double and the real bot on a temporary database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import OffsetClock
from sandbox.double import DiscordDouble
from tests.e2e.harness import Hub, build_hub


@pytest.fixture
async def hub(
    discord_double: DiscordDouble,
    tmp_path: Path,
    clock: OffsetClock,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Hub]:
    """A started bot; ``@pytest.mark.hub_settings(key=value)`` on a test changes settings."""
    harness = build_hub(discord_double, tmp_path / "hub.sqlite3", clock)
    marker = request.node.get_closest_marker("hub_settings")
    if marker is not None:
        harness.overrides.update(marker.kwargs)
    await harness.start()
    yield harness
    await harness.stop()
