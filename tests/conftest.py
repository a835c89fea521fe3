"""Shared fixtures: a real SQLite file in a temporary folder and a clock tests can move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import OffsetClock
from bot.db import Database
from bot.migrations import migrate
from sandbox.fixtures import discord_double  # noqa: F401  (a fixture for every test folder)
from tests import conformance_report


def pytest_addoption(parser: pytest.Parser) -> None:
    conformance_report.add_option(parser)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    conformance_report.report(terminalreporter, config)


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> OffsetClock:
    """The bot's clock: real time, or the moment a test names with ``clock_at`` (a test about
    a given day must not depend on the day it runs)."""
    marker = request.node.get_closest_marker("clock_at")
    return OffsetClock(marker.args[0] if marker else None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "hub.sqlite3"


@pytest.fixture
async def db(db_path: Path, clock: OffsetClock) -> AsyncIterator[Database]:
    database = await Database.open(db_path)
    await migrate(database, clock)
    yield database
    await database.close()


@pytest.fixture(autouse=True)
def _no_stray_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the developer's own HUB_* variables or .env file."""
    import os

    for name in list(os.environ):
        if name.startswith("HUB_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
