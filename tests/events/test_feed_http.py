"""Members' feeds over HTTP: the real aiohttp server on 127.0.0.1, a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from multidict import CIMultiDict

from bot.clock import OffsetClock
from bot.db import Database
from bot.scheduler import Scheduler
from bot.settings import SettingsError, load_settings
from bot.web import RateLimiter, WebServer
from cogs.events.feed import CalendarStore, FeedTokens
from cogs.events.feed_http import PREFIX, FeedEndpoint, feed_url
from cogs.events.model import Draft
from cogs.events.service import EventService
from tests.events.calendar_checks import expanded, vevents

G, ORG, AMIRA = 100, 200, 7


class Served:
    def __init__(self, server: WebServer, tokens: FeedTokens, service: EventService) -> None:
        self.server, self.tokens, self.service = server, tokens, service
        self.http = aiohttp.ClientSession()

    def url(self, token: str) -> str:
        return feed_url(f"http://127.0.0.1:{self.server.port}", token)

    async def get(self, url: str, **headers: str) -> tuple[int, bytes, CIMultiDict[str]]:
        async with self.http.get(url, headers=headers) as response:
            return response.status, await response.read(), response.headers.copy()


@pytest.fixture
async def served(db: Database, clock: OffsetClock) -> AsyncIterator[Served]:
    async def areas_of(guild_id: int, user_id: int) -> tuple[str, ...]:
        return ("data",)

    tokens = FeedTokens(db, clock)
    endpoint = FeedEndpoint(CalendarStore(db, clock), tokens, areas_of)
    server = WebServer("127.0.0.1", 0)
    server.add_get(PREFIX, endpoint.handle)
    await server.start()
    found = Served(server, tokens, EventService(db, clock, Scheduler(db, clock)))
    yield found
    await found.http.close()
    await server.stop()


async def area_event(service: EventService, clock: OffsetClock) -> int:
    start = clock.now().replace(second=0, microsecond=0) + timedelta(days=2)
    draft = Draft("Data clinic", "in 2 days", "UTC", start, start + timedelta(hours=1),
                  area="data")  # fmt: skip
    made = await service.create_draft(G, ORG, draft)
    return (await service.confirm(G, made.id, ORG)).id


async def test_a_valid_link_gets_the_calendar_and_a_poll_gets_304(
    served: Served, clock: OffsetClock
) -> None:
    event_id = await area_event(served.service, clock)
    url = served.url(await served.tokens.issue(G, AMIRA))
    status, body, headers = await served.get(url)
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    assert [str(e["SUMMARY"]) for e in vevents(body)] == ["Data clinic"]
    event = await served.service.get(G, event_id)
    assert event is not None and expanded(body) == [event.starts_at]
    etag = headers["ETag"]
    assert "Last-Modified" in headers
    status, body, _ = await served.get(url, **{"If-None-Match": etag})
    assert (status, body) == (304, b"")
    # A change to the event is a new ETag, and the full calendar again.
    await served.service.edit(event, {"title": "Data clinic (moved online)"})
    status, body, headers = await served.get(url, **{"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag
    assert vevents(body)[0]["SEQUENCE"] == 1


async def test_anything_but_a_get_of_a_valid_link_is_404(served: Served) -> None:
    token = await served.tokens.issue(G, AMIRA)
    url = served.url(token)
    port = served.server.port
    for wrong in (
        served.url("x" * 43),
        served.url(token[:-1] + ("A" if token[-1] != "A" else "B")),
        url.removesuffix(".ics"),
        f"http://127.0.0.1:{port}/",
        f"http://127.0.0.1:{port}/feed/",
        f"http://127.0.0.1:{port}/other/{token}.ics",
    ):
        assert (await served.get(wrong))[0] == 404, wrong
    for method in ("HEAD", "POST", "PUT", "DELETE"):
        async with served.http.request(method, url) as response:
            assert response.status == 404, method
    assert (await served.get(url))[0] == 200


async def test_a_reset_or_an_erasure_stops_the_old_link(served: Served) -> None:
    old = served.url(await served.tokens.issue(G, AMIRA))
    assert (await served.get(old))[0] == 200
    new = served.url(await served.tokens.issue(G, AMIRA))
    assert (await served.get(old))[0] == 404
    assert (await served.get(new))[0] == 200
    assert await served.tokens.revoke(G, AMIRA) == 1
    assert (await served.get(new))[0] == 404
    assert await served.tokens.export(G, AMIRA) == {"calendar_link_created_at": None}


async def test_the_secret_is_stored_only_hashed(served: Served, db: Database) -> None:
    token = await served.tokens.issue(G, AMIRA)
    stored = await db.fetchval("SELECT token_hash FROM event_feed_tokens")
    assert token not in str(stored) and len(str(stored)) == 64


async def test_rate_limits_answer_429_with_retry_after(db: Database, clock: OffsetClock) -> None:
    moment = [0.0]
    limiter = RateLimiter(3, 60.0, now=lambda: moment[0])
    assert [limiter.retry_after("a") for _ in range(3)] == [None, None, None]
    assert limiter.retry_after("a") == pytest.approx(60.0)
    assert limiter.retry_after("b") is None  # per key
    moment[0] = 60.5
    assert limiter.retry_after("a") is None

    async def areas_of(guild_id: int, user_id: int) -> tuple[str, ...]:
        return ()

    tokens = FeedTokens(db, clock)
    endpoint = FeedEndpoint(CalendarStore(db, clock), tokens, areas_of, RateLimiter(2, 60.0))
    server = WebServer("127.0.0.1", 0, per_address=RateLimiter(5, 60.0))
    server.add_get(PREFIX, endpoint.handle)
    await server.start()
    try:
        url = feed_url(f"http://127.0.0.1:{server.port}", await tokens.issue(G, AMIRA))
        async with aiohttp.ClientSession() as http:
            statuses = []
            for _ in range(3):  # per link: 2 a minute
                async with http.get(url) as response:
                    statuses.append(response.status)
                    retry = response.headers.get("Retry-After")
            assert statuses == [200, 200, 429] and retry is not None and int(retry) >= 1
            for _ in range(2):  # per address: 5 a minute, wrong links included
                async with http.get(url + "x") as response:
                    assert response.status == 404
            async with http.get(url + "x") as response:
                assert response.status == 429
    finally:
        await server.stop()
    assert not server.running


async def test_a_busy_port_is_one_clear_line(served: Served) -> None:
    """Start-up turns this into exit code 2 with the line, like any bad setting."""
    second = WebServer("127.0.0.1", served.server.port)
    with pytest.raises(SettingsError, match="HUB_FEED_PORT"):
        await second.start()
    assert not second.running


def test_public_url_setting() -> None:
    assert load_settings().public_url == ""  # off by default
    assert load_settings(public_url="https://hub.example.org/").public_url == (
        "https://hub.example.org"
    )
    with pytest.raises(SettingsError, match="HUB_PUBLIC_URL is invalid"):
        load_settings(public_url="hub.example.org")
