"""A small HTTP server in the bot process, for the few things a member's apps fetch by URL.

Today that is each member's calendar feed (``cogs.events.feed_http``). It is off unless
``HUB_PUBLIC_URL`` is set. It answers GET on the paths features register and 404 to
everything else (other methods, other paths), limits requests per client address, and keeps
no access log: the URLs carry secrets, and nothing personal is ever logged.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import format_datetime

from aiohttp import web

from bot.settings import SettingsError

Handler = Callable[[web.Request, str], Awaitable[web.StreamResponse]]
"""(request, the path after the registered prefix) -> response."""

NOT_FOUND = "Not found.\n"


class RateLimiter:
    """At most ``limit`` requests per ``window`` seconds per key (a sliding window)."""

    def __init__(
        self, limit: int, window: float, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._now = now
        self._seen: dict[str, deque[float]] = {}

    def retry_after(self, key: str) -> float | None:
        """None if this request may go ahead (and counts it); else seconds to wait."""
        now = self._now()
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return seen[0] + self.window - now
        seen.append(now)
        if len(self._seen) > 10_000:  # forget idle clients so memory stays bounded
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - self.window}
        return None


def too_many(retry_after: float) -> web.Response:
    return web.Response(
        status=429,
        text="Too many requests; try again later.\n",
        headers={"Retry-After": str(max(1, round(retry_after)))},
    )


def not_found() -> web.Response:
    return web.Response(status=404, text=NOT_FOUND)


def conditional(
    request: web.Request, body: bytes, content_type: str, modified: datetime | None
) -> web.Response:
    """The body with an ETag (its hash) and Last-Modified, or 304 when the client's
    If-None-Match holds that ETag, so a calendar that polls often costs little."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if modified is not None:
        headers["Last-Modified"] = _http_date(modified)
    # If-Modified-Since is not used: a feed can change without a newer entry (an event
    # leaves it), which only the ETag sees.
    sent = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/") for t in sent.split(",") if t.strip()}
    if etag in tags or "*" in tags:
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type=content_type, charset="utf-8", headers=headers)


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


class WebServer:
    """GET handlers by path prefix, started and stopped with the bot."""

    def __init__(self, host: str, port: int, per_address: RateLimiter | None = None) -> None:
        self.host = host
        self.port = port
        self._routes: dict[str, Handler] = {}
        self._limiter = per_address or RateLimiter(60, 60.0)
        self._runner: web.AppRunner | None = None

    def add_get(self, prefix: str, handler: Handler) -> None:
        """Serve GET /<prefix>/<rest>; ``handler`` gets the request and <rest>."""
        self._routes[prefix.strip("/")] = handler

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise SettingsError(
                f"The feed server cannot listen on {self.host}:{self.port} ({exc.strerror}). "
                "Set HUB_FEED_HOST and HUB_FEED_PORT to a free address, or leave "
                "HUB_PUBLIC_URL empty to turn the feed server off."
            ) from None
        self._runner = runner
        if runner.addresses:  # the port chosen when 0 was asked for
            self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        wait = self._limiter.retry_after(request.remote or "?")
        if wait is not None:
            return too_many(wait)
        if request.method != "GET":
            return not_found()
        prefix, _, rest = request.path.strip("/").partition("/")
        handler = self._routes.get(prefix)
        if handler is None or not rest:
            return not_found()
        return await handler(request, rest)
