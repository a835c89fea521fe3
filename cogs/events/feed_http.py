"""Each member's calendar feed over HTTP: GET /feed/<secret>.ics (no Discord here).

A calendar app subscribes once to the URL `/event feed` gives, then polls it; the answer is
the same file `/event feed` attaches, built fresh on every request. Anything but a valid
secret is a plain 404 (nothing tells a wrong secret from a revoked one). Each secret may be
fetched a few times a minute, and 304 answers a poll whose ETag still holds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web import RateLimiter, conditional, not_found, too_many
from cogs.events.feed import CalendarStore, FeedTokens, token_hash

PREFIX = "feed"
CONTENT_TYPE = "text/calendar"
AreasOf = Callable[[int, int], Awaitable[tuple[str, ...]]]


def feed_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/{PREFIX}/{token}.ics"


class FeedEndpoint:
    def __init__(
        self,
        calendars: CalendarStore,
        tokens: FeedTokens,
        areas_of: AreasOf,
        per_token: RateLimiter | None = None,
    ) -> None:
        self._calendars = calendars
        self._tokens = tokens
        self._areas_of = areas_of
        self._limiter = per_token or RateLimiter(10, 60.0)

    async def handle(self, request: web.Request, rest: str) -> web.StreamResponse:
        token = rest.removesuffix(".ics")
        owner = None if token == rest else await self._tokens.owner(token)
        if owner is None:
            return not_found()
        wait = self._limiter.retry_after(token_hash(token))
        if wait is not None:
            return too_many(wait)
        guild_id, user_id = owner
        areas = await self._areas_of(guild_id, user_id)
        body, items = await self._calendars.feed(guild_id, user_id, areas)
        modified = max((s.modified for s in items), default=None)
        return conditional(request, body, CONTENT_TYPE, modified)
