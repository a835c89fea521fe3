"""Pacing requests under Discord's global limit (no Discord here).

A reminder to 1,000 members is 2,000 requests (open the DM, send it). Sending as fast as
possible earns 429s, and each costs up to a second of waiting for everyone; pacing to the
limit keeps the fan-out close to the minimum time the limit allows.
"""

from __future__ import annotations

import asyncio
from collections import deque

WINDOW = 1.0
MARGIN = 0.02  # a request may reach Discord a little later than we let it go


class Pacer:
    """At most ``rate`` requests start in any one-second window (a sliding window log)."""

    def __init__(self, rate: float) -> None:
        self.rate = max(1, int(rate))
        self._started: deque[float] = deque()
        self._lock = asyncio.Lock()
        self.waited = 0.0

    async def wait(self) -> None:
        async with self._lock:
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                while self._started and now - self._started[0] >= WINDOW + MARGIN:
                    self._started.popleft()
                if len(self._started) < self.rate:
                    self._started.append(now)
                    return
                pause = self._started[0] + WINDOW + MARGIN - now
                self.waited += pause
                await asyncio.sleep(pause)


def mention_messages(
    text: str, user_ids: list[int], limit: int = 2000, most: int = 100
) -> list[list[int]]:
    """Split members into as few messages as fit: ``text``, a newline, then their mentions,
    each message at most ``limit`` characters and ``most`` mentions (Discord's cap on the
    users an allowed-mentions list may name)."""
    groups: list[list[int]] = []
    length = 0
    for user_id in user_ids:
        mention = len(f"<@{user_id}>")
        if groups and length + 1 + mention <= limit and len(groups[-1]) < most:
            groups[-1].append(user_id)
            length += 1 + mention
        else:
            groups.append([user_id])
            length = len(text) + 1 + mention
    return groups
