"""The bot's one request limiter, in a real aiohttp session against a local server."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.ratelimit import FRESH, Pacer, limit_requests


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[tuple[float, str]]]]:
    """A server that notes when each request arrived; answers 200."""
    arrivals: list[tuple[float, str]] = []

    async def handle(request: web.Request) -> web.Response:
        arrivals.append((asyncio.get_running_loop().time(), request.path))
        return web.Response(text="{}", content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/api/v10", arrivals
    await runner.cleanup()


def busiest(times: list[float], window: float = 1.0) -> int:
    return max(sum(1 for t in times[i:] if t - start < window) for i, start in enumerate(times))


async def test_every_request_waits_on_the_limiter_but_interaction_answers_do_not(
    server: tuple[str, list[tuple[float, str]]],
) -> None:
    base, arrivals = server
    pacer = Pacer(20)
    async with aiohttp.ClientSession(trace_configs=[limit_requests(pacer, base)]) as session:

        async def get(path: str) -> None:
            async with session.get(base + path) as response:
                await response.read()

        paced_calls = [get(f"/channels/{i}/messages") for i in range(30)]
        await asyncio.gather(*paced_calls, *(get(f"/interactions/{i}/cb") for i in range(10)))
    paced = sorted(t for t, path in arrivals if "/interactions/" not in path)
    free = sorted(t for t, path in arrivals if "/interactions/" in path)
    assert pacer.requests == 30
    assert busiest(paced) <= 20
    gaps = [later - earlier for earlier, later in itertools.pairwise(paced[3:])]
    assert min(gaps) > 0.03  # after a small burst, spread out: one every 1/20 s
    assert free[-1] - free[0] < 0.3  # not held behind the paced ones


async def test_a_slot_taken_by_turn_is_used_by_the_next_request_if_still_fresh() -> None:
    pacer = Pacer(10)
    async with pacer.turn():
        await pacer.before_request()  # the slot turn took
        assert pacer.requests == 1
        await pacer.before_request()  # a retry of the same request: a slot of its own
        assert pacer.requests == 2
    async with pacer.turn():
        await asyncio.sleep(FRESH + 0.05)  # held too long (a global 429, a slow database)
        await pacer.before_request()
        assert pacer.requests == 4
