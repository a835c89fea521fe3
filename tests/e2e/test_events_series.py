"""Repeating events, calendar files, lists and area channels through the double."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.e2e.event_steps import (
    card_of,
    command,
    confirm,
    create,
    created,
    member,
    moderator,
    rsvp,
)
from tests.e2e.harness import Hub

LONDON = ZoneInfo("Europe/London")
# The bot's clock starts before the 2030 series these tests walk through, so they are
# ahead of it whenever the suite runs.
pytestmark = pytest.mark.clock_at(datetime(2029, 12, 1, 9, 0, tzinfo=UTC))


def starts(hub: Hub) -> list[datetime]:
    return [
        datetime.fromisoformat(e["scheduled_start_time"])
        for e in hub.double.scheduled_events(hub.guild_id)
    ]


async def test_weekly_series_keeps_london_time_across_the_clock_change(hub: Hub) -> None:
    hub.clock.set(datetime(2030, 10, 14, 9, 0, tzinfo=UTC))
    mod = await moderator(hub)
    card = await created(
        hub, mod, when="2030-10-22 15:00", timezone="Europe/London", repeat="weekly", count=3
    )
    repeats = next(f for f in card.embeds[0]["fields"] if f["name"] == "Repeats")
    assert repeats["value"] == "every Tuesday at 15:00 (Europe/London), 3 times"
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    hub.clock.set(datetime(2030, 10, 22, 14, 0, 1, tzinfo=UTC))  # the first one starts
    await hub.double.wait_for(lambda: len(starts(hub)) == 2, what="the second occurrence")
    await hub.double.settle(quiet=0.1)
    first, second = sorted(starts(hub))
    assert first == datetime(2030, 10, 22, 14, 0, tzinfo=UTC)  # 15:00 BST
    assert second == datetime(2030, 10, 29, 15, 0, tzinfo=UTC)  # 15:00 GMT
    assert second.astimezone(LONDON).hour == 15
    embed = card_of(hub, 2).embeds[0]
    assert next(f for f in embed["fields"] if f["name"].startswith("Going"))["name"] == "Going (0)"
    hub.clock.set(datetime(2030, 10, 29, 15, 0, 1, tzinfo=UTC))
    await hub.double.wait_for(lambda: len(starts(hub)) == 3, what="the third occurrence")
    hub.clock.set(datetime(2030, 11, 5, 15, 0, 1, tzinfo=UTC))
    await hub.double.settle(quiet=0.2)
    assert len(starts(hub)) == 3  # count=3: the series has ended


async def test_ics_parses_back_with_uid_zone_and_rrule(hub: Hub) -> None:
    hub.clock.set(datetime(2030, 1, 1, 9, 0, tzinfo=UTC))
    mod = await moderator(hub)
    await created(
        hub, mod, when="2030-01-14 15:00", timezone="Europe/London", repeat="monthly",
        until="2030-06-30", location="Online",
    )  # fmt: skip
    first = await command(hub, mod, "ics", event="1")
    again = await command(hub, mod, "ics", event="1")
    [attachment] = first.attachments
    assert attachment["filename"] == "event-1.ics"
    calendar = Calendar.from_ical(attachment["data"])
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Network seminar"
    assert str(vevent["LOCATION"]) == "Online"
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    assert vevent.decoded("DTSTART") == datetime(2030, 1, 14, 15, 0, tzinfo=LONDON)
    assert vevent["RRULE"]["FREQ"] == ["MONTHLY"] and vevent["RRULE"]["BYDAY"] == ["2MO"]
    assert vevent["RRULE"]["UNTIL"][0].tzinfo is not None
    assert [t["TZID"] for t in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    again_uid = Calendar.from_ical(again.attachments[0]["data"]).walk("VEVENT")[0]["UID"]
    assert str(vevent["UID"]) == str(again_uid) == f"series-1@{hub.guild_id}.research-hub-bot"


async def test_list_info_mine_and_feed(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 48 hours", title="Data clinic")
    await created(hub, mod, when="in 20 days at 10:00", title="Annual meeting")
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    week = await command(hub, amira, "list", range="week")
    assert "Data clinic" in week.embeds[0]["description"]
    assert "Annual meeting" not in week.embeds[0]["description"]
    month = await command(hub, amira, "list", range="month")
    assert "Annual meeting" in month.embeds[0]["description"]
    info = await command(hub, amira, "info", event="Data clinic")
    assert info.embeds[0]["title"] == "Data clinic"
    mine = await command(hub, amira, "mine")
    assert "Data clinic" in mine.embeds[0]["description"]
    feed = await command(hub, amira, "feed")
    calendar = Calendar.from_ical(feed.attachments[0]["data"])
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Data clinic"]
    choices = await hub.double.autocomplete(
        hub.guild_id, amira, "event info", "event", {"event": "annual"}
    )
    assert choices == [{"name": "#2 Annual meeting", "value": "2"}]


async def test_an_area_event_goes_to_the_area_channel_and_its_list(hub: Hub) -> None:
    mod = await moderator(hub)
    await hub.double.run_command(hub.guild_id, mod, "hub setup", {})
    channel = hub.double.channel_by_name(hub.guild_id, "evaluation")
    assert channel is not None
    preview = await create(
        hub, mod, when="in 30 hours", title="Evaluation clinic", area="evaluation"
    )
    await confirm(hub, mod, preview)
    posted = hub.double.messages_in(channel.id)
    assert [m.embeds[0]["title"] for m in posted if m.embeds][-1] == "Evaluation clinic"
    listed = await command(hub, mod, "list", area="evaluation")
    assert "Evaluation clinic" in listed.embeds[0]["description"]
    other = await command(hub, mod, "list", area="data")
    assert other.content == (
        "No upcoming events in Data. Organisers create them with /event create."
    )
    week = await command(hub, mod, "list", area="data", range="week")
    assert week.content == "No events in Data in the next 7 days. Choose a longer range, or none."
    bot = hub.bot
    assert bot is not None
    cog: Any = bot.get_cog("EventsCog")
    now = bot.clock.now()
    [brief] = await cog.service.upcoming_for_area(hub.guild_id, "evaluation", now,
                                                 now + timedelta(days=7))  # fmt: skip
    assert brief.title == "Evaluation clinic" and brief.channel_id == channel.id
    assert brief.link.startswith("https://discord.com/channels/")


async def test_cancelling_the_series_stops_further_occurrences(hub: Hub) -> None:
    hub.clock.set(datetime(2030, 10, 14, 9, 0, tzinfo=UTC))
    mod = await moderator(hub)
    card = await created(hub, mod, when="2030-10-22 15:00", timezone="Europe/London",
                         repeat="weekly", until="2030-12-31")  # fmt: skip
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    single = await command(hub, mod, "cancel", event="1", series=True, reason="Funding ended.")
    assert single.content == "Cancelled the series. 1 attendee is being told."
    await hub.double.settle(quiet=0.1)
    assert "Reason: Funding ended." in hub.double.dms_of(amira)[0].content
    hub.clock.set(datetime(2030, 10, 22, 14, 0, 1, tzinfo=UTC))
    await hub.double.settle(quiet=0.3)
    assert len(starts(hub)) == 1
    assert hub.double.scheduled_events(hub.guild_id)[0]["status"] == 4
    one_off = await created(hub, mod, when="2030-10-25 10:00", title="One-off")
    assert one_off
    refused = await command(hub, mod, "cancel", event="2", series=True)
    assert refused.content == "#2 One-off does not repeat; cancel it without series."


async def test_a_long_list_pages_with_previous_and_next(hub: Hub) -> None:
    mod = await moderator(hub)
    for day in range(1, 13):
        await created(hub, mod, when=f"in {day * 24 + 1} hours", title=f"Clinic {day:02d}")
    first = await command(hub, mod, "list", range="month")
    assert first.embeds[0]["footer"]["text"] == "Page 1 of 2 · 12 events"
    assert "Clinic 10" in first.embeds[0]["description"]
    assert "Clinic 11" not in first.embeds[0]["description"]
    following = await hub.double.click(
        hub.guild_id, mod, first.message, "page:events:all.month:1:next"
    )
    assert "Clinic 12" in following.embeds[0]["description"]
