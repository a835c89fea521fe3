"""End-to-end fixtures: the Discord double and the real bot on a temporary database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.clock import OffsetClock
from sandbox.double import DiscordDouble
from sandbox.double.conformance import Conformance
from tests.conformance_report import record
from tests.e2e.harness import Hub, build_hub


@pytest.fixture(autouse=True)
def conformance(
    discord_double: DiscordDouble, request: pytest.FixtureRequest
) -> Iterator[Conformance]:
    """Every e2e test checks the bot's requests and the double's answers against Discord's
    specification; one mismatch fails the test, listed after it."""
    checker = discord_double.check_conformance()
    yield checker
    record(request.config, checker.tally)
    if checker.problems:
        shown = "\n  ".join(checker.problems[:20])
        pytest.fail(
            f"{len(checker.problems)} request(s)/answer(s) do not match Discord's "
            f"specification:\n  {shown}",
            pytrace=False,
        )


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
