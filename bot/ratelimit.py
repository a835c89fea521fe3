"""One limiter for every request the bot makes to Discord, retries after a 429 included.

Discord's global limit (50 requests a second) counts every request that reaches it. A
limiter in front of a feature's first attempts is not enough: discord.py retries a request
turned away with 429 by itself, and when a global 429 ends it releases every request it was
holding at once, so bursts went over the limit and earned more 429s (issue 13). The limiter
therefore sits in the HTTP session itself, as an aiohttp trace hook that runs before each
attempt leaves, whoever made it.

A fan-out that must record a member as "being sent" only when the request really leaves
takes its slot first (``Pacer.turn``), records, then sends: the request uses the slot it
already holds instead of waiting for a second one, provided it leaves soon after (a slot
held through a long wait, such as a global 429, is stale and a fresh one is taken).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace

import aiohttp

WINDOW = 1.0
MARGIN = 0.02  # a request may reach Discord a little later than we let it go
BURST = 4  # requests that may start together after a quiet spell
FRESH = 0.25  # seconds a slot taken by ``turn`` stays usable by the request that follows
EXEMPT = ("/interactions/", "/webhooks/")  # not bound by the global limit on Discord


@dataclass
class _Slot:
    taken_at: float
    used: bool = False


_held: ContextVar[_Slot | None] = ContextVar("hub_rate_slot", default=None)


class Pacer:
    """At most ``rate`` requests start in any one-second window (a sliding window log),
    spread evenly: beyond a small burst, one every 1/``rate`` seconds (a token bucket). A
    fan-out that took a whole second's requests at once would have that many in flight at
    any moment, so a crash would leave them all uncertain; spread out, about one is."""

    def __init__(self, rate: float, burst: int = BURST) -> None:
        self.rate = max(1, int(rate))
        self._burst = float(max(1, min(burst, self.rate)))
        self._tokens = self._burst
        self._refilled = 0.0
        self._started: deque[float] = deque()
        self._lock = asyncio.Lock()
        self.waited = 0.0
        self.requests = 0

    async def wait(self) -> None:
        """Return when one more request may start now (and count it as started)."""
        async with self._lock:
            loop = asyncio.get_running_loop()
            spacing = (WINDOW + MARGIN) / self.rate
            held_by_window = False
            while True:
                now = loop.time()
                if self._refilled:
                    gained = (now - self._refilled) / spacing
                    # No burst saved up behind a full window: it would all leave at once.
                    most = 1.0 if held_by_window else self._burst
                    self._tokens = min(most, self._tokens + gained)
                self._refilled = now
                while self._started and now - self._started[0] >= WINDOW + MARGIN:
                    self._started.popleft()
                full = len(self._started) >= self.rate
                if self._tokens >= 1 and not full:
                    self._tokens -= 1
                    self._started.append(now)
                    self.requests += 1
                    return
                pause = (1 - self._tokens) * spacing if self._tokens < 1 else 0.0
                held_by_window = full
                if full:
                    pause = max(pause, self._started[0] + WINDOW + MARGIN - now)
                self.waited += pause
                await asyncio.sleep(pause)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for a slot, then let this task's next request use it: code inside runs
        just before its request leaves (to record it as being sent) without holding a slot
        for longer than the request itself needs."""
        await self.wait()
        token = _held.set(_Slot(asyncio.get_running_loop().time()))
        try:
            yield
        finally:
            _held.reset(token)

    async def before_request(self) -> None:
        """Called for every attempt: use the slot ``turn`` took if it is fresh, else wait."""
        slot = _held.get()
        if slot is not None and not slot.used:
            slot.used = True
            if asyncio.get_running_loop().time() - slot.taken_at <= FRESH:
                return
        await self.wait()


def limit_requests(pacer: Pacer, api_base: str) -> aiohttp.TraceConfig:
    """A trace config for discord.py's HTTP session (``Client(http_trace=...)``): every
    attempt to Discord's REST API waits on ``pacer``; the gateway and interaction
    responses, which the global limit does not count, pass freely."""

    async def on_request_start(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        url = str(params.url)
        if url.startswith(api_base) and not any(part in url for part in EXEMPT):
            await pacer.before_request()

    config = aiohttp.TraceConfig()
    config.on_request_start.append(on_request_start)
    return config
