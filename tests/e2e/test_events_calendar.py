"""Calendar files and feed links through the double, read back by two parsers.

Each file is parsed by icalendar and expanded by recurring-ical-events; the instants must be
the ones the bot shows (its events) and reminds at (its pending reminder jobs).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from tests.e2e.event_steps import command, created, member, moderator, rsvp
from tests.e2e.harness import Hub
from tests.events.calendar_checks import expanded, master, overrides, reminded_starts, vevents

LONDON = ZoneInfo("Europe/London")
# The bot's clock starts before the 2030 series these tests walk through, so they are
# ahead of it whenever the suite runs.
pytestmark = pytest.mark.clock_at(datetime(2029, 12, 1, 9, 0, tzinfo=UTC))
PUBLIC = "https://hub.example.org"
LINK = re.compile(re.escape(PUBLIC) + r"/feed/([A-Za-z0-9_-]+)\.ics")


def ics_of(result: Any) -> bytes:
    [attachment] = result.attachments
    data: bytes = attachment["data"]
    return data


def london(day: int, month: int, hour: int) -> datetime:
    return datetime(2030, month, day, hour, 0, tzinfo=LONDON).astimezone(UTC)


async def test_cancelled_and_moved_occurrences_in_the_series_file(hub: Hub) -> None:
    hub.clock.set(datetime(2030, 10, 14, 9, 0, tzinfo=UTC))
    mod = await moderator(hub)
    await created(hub, mod, when="2030-10-22 15:00", timezone="Europe/London",
                  repeat="weekly", count=3, reminders="1h")  # fmt: skip
    cancelled = await command(hub, mod, "cancel", event="1")
    assert cancelled.content.startswith("Cancelled event #1.")
    data = ics_of(await command(hub, mod, "ics", event="1"))
    # The cancelled date is gone; the series is not cancelled.
    assert str(master(data)["STATUS"]) == "CONFIRMED" and master(data)["SEQUENCE"] == 1
    assert expanded(data, status=None) == [london(29, 10, 15), london(5, 11, 15)]
    hub.clock.set(datetime(2030, 10, 22, 14, 0, 1, tzinfo=UTC))  # the next one is made
    await hub.double.wait_for(
        lambda: len(hub.double.scheduled_events(hub.guild_id)) == 2, what="occurrence 2"
    )
    moved = await command(hub, mod, "edit", event="2", when="2030-10-29 18:00")
    assert moved.content.startswith("Updated event #2."), moved.content
    data = ics_of(await command(hub, mod, "ics", event="2"))
    [override] = overrides(data)
    assert override.decoded("RECURRENCE-ID") == datetime(2030, 10, 29, 15, 0, tzinfo=LONDON)
    assert override.decoded("DTSTART") == datetime(2030, 10, 29, 18, 0, tzinfo=LONDON)
    assert override["SEQUENCE"] >= 1
    assert expanded(data) == [london(29, 10, 18), london(5, 11, 15)]
    bot = hub.bot
    assert bot is not None
    assert await reminded_starts(bot.db, 2) == {london(29, 10, 18)}


@pytest.mark.hub_settings(public_url=PUBLIC, feed_port=0)
async def test_a_feed_link_polls_cheaply_and_stops_after_reset_and_delete(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 3 days at 15:00", title="Data clinic")
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    given = await command(hub, amira, "feed")
    assert given.ephemeral and given.attachments == []
    match = LINK.search(given.content)
    assert match is not None, given.content
    bot = hub.bot
    assert bot is not None and bot.web is not None
    local = f"http://127.0.0.1:{bot.web.port}/feed/"
    first = local + match.group(1) + ".ics"
    async with aiohttp.ClientSession() as http:

        async def get(url: str, **headers: str) -> tuple[int, bytes, str]:
            async with http.get(url, headers=headers) as response:
                return response.status, await response.read(), response.headers.get("ETag", "")

        status, body, etag = await get(first)
        assert status == 200 and [str(e["SUMMARY"]) for e in vevents(body)] == ["Data clinic"]
        assert (await get(first, **{"If-None-Match": etag}))[0] == 304
        assert (await get(local + "not-a-real-link-at-all-000000.ics"))[0] == 404
        again = await command(hub, amira, "feed")
        assert again.content.startswith("You already have a calendar link")
        assert LINK.search(again.content) is None
        reset = await command(hub, amira, "feed", reset=True)
        renewed = LINK.search(reset.content)
        assert renewed is not None and "The old link no longer works." in reset.content
        second = local + renewed.group(1) + ".ics"
        assert (await get(first))[0] == 404
        assert (await get(second))[0] == 200
        asked = await hub.double.run_command(hub.guild_id, amira, "profile delete")
        done = await hub.double.click(hub.guild_id, amira, asked.message,
                                      f"profiles:erase:{amira}")  # fmt: skip
        assert "deleted" in done.content
        assert (await get(second))[0] == 404
        await hub.stop()  # a clean stop closes the server
        with pytest.raises(aiohttp.ClientConnectionError):
            await get(second)


async def test_without_a_public_url_the_feed_is_a_file_that_keeps_cancellations(
    hub: Hub,
) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 3 days at 15:00", title="Data clinic")
    bot = hub.bot
    assert bot is not None and bot.web is None
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    before = vevents(ics_of(await command(hub, amira, "ics", event="1")))[0]
    edited = await command(hub, mod, "edit", event="1", title="Data clinic (online)")
    assert edited.ephemeral
    after = vevents(ics_of(await command(hub, amira, "ics", event="1")))[0]
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert str(after["SUMMARY"]) == "Data clinic (online)"
    await command(hub, mod, "cancel", event="1")
    feed = await command(hub, amira, "feed", reset=True)
    assert feed.content.startswith("0 upcoming events.")
    assert "nothing to reset" in feed.content
    [entry] = vevents(ics_of(feed))
    assert str(entry["STATUS"]) == "CANCELLED" and entry["SEQUENCE"] == 2
