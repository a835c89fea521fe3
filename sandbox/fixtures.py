"""Pytest fixtures for the Discord double; tests/conftest.py imports them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import discord
import pytest
import yarl

from sandbox.double import DiscordDouble


def check_no_unknown_routes(double: DiscordDouble) -> None:
    """Fail when the bot called a route the double does not serve (real Discord might)."""
    if double.unknown_routes:
        raise AssertionError(
            f"the bot called routes the double does not serve: {double.unknown_routes}"
        )


@pytest.fixture
async def discord_double() -> AsyncIterator[DiscordDouble]:
    double = DiscordDouble()
    await double.start()
    try:
        yield double
    finally:
        await double.stop()
    check_no_unknown_routes(double)


@contextmanager
def point_discord_py_at(double: DiscordDouble) -> Iterator[None]:
    """For tests that drive a plain discord.py client (not the project's bot)."""
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = double.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(double.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway
