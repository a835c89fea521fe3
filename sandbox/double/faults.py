"""Faults a test can put into the double: global 429 storms, and a record of when every
rate-limited request arrived, so a test can check the bot stayed under the limit with its
retries included (issue 13).

``faults = Faults(double)`` wraps the double's rate check; ``faults.hold(5)`` answers every
rate-limited request with a global 429 for five seconds, as Discord does when a bot is over
its global limit; ``faults.busiest_second()`` is the most requests that arrived in any one
second (refused ones included).
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from typing import TYPE_CHECKING

from aiohttp import web

from sandbox.double.server import json_response

if TYPE_CHECKING:
    from sandbox.double.server import DiscordDouble


class Faults:
    def __init__(self, double: DiscordDouble) -> None:
        self.arrivals: list[float] = []
        self.held_until = 0.0
        self.held = 0  # requests answered 429 by a hold (not by the rate limit)
        self._check = double._check_rate
        double._check_rate = self._check_rate  # type: ignore[method-assign]

    def hold(self, seconds: float) -> None:
        """Answer every rate-limited request with a global 429 for ``seconds`` from now."""
        self.held_until = asyncio.get_running_loop().time() + seconds

    def _check_rate(self, now: float) -> web.Response | None:
        self.arrivals.append(now)
        if now < self.held_until:
            self.held += 1
            retry_after = round(self.held_until - now, 3)
            return json_response(
                {"message": "You are being rate limited.", "code": 0,
                 "retry_after": retry_after, "global": True},
                429,
                {"Retry-After": str(retry_after), "X-RateLimit-Global": "true",
                 "X-RateLimit-Scope": "global", "Via": "1.1 google"},
            )  # fmt: skip
        return self._check(now)

    def busiest_second(self, since: float = 0.0) -> int:
        """The most requests that arrived within any one second, from ``since`` (loop time)."""
        times = [t for t in self.arrivals if t >= since]
        return max((bisect_right(times, t + 1.0 - 1e-9) - i for i, t in enumerate(times)),
                   default=0)  # fmt: skip
