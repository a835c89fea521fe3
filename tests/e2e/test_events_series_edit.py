"""Editing a repeating event: one occurrence, or (series:true) the coming ones too."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.event_steps import card_of, command, created, moderator
from tests.e2e.harness import Hub

LONDON = ZoneInfo("Europe/London")
# The bot's clock starts before the 2030 series these tests walk through, so they are
# ahead of it whenever the suite runs.
pytestmark = pytest.mark.clock_at(datetime(2029, 12, 1, 9, 0, tzinfo=UTC))


def scheduled(hub: Hub) -> list[tuple[str, datetime, str]]:
    return sorted(
        (e["name"], datetime.fromisoformat(e["scheduled_start_time"]),
         (e.get("entity_metadata") or {}).get("location", ""))
        for e in hub.double.scheduled_events(hub.guild_id)
    )  # fmt: skip


async def weekly(hub: Hub) -> int:
    hub.clock.set(datetime(2030, 10, 14, 9, 0, tzinfo=UTC))
    mod = await moderator(hub)
    await created(hub, mod, when="2030-10-22 15:00", timezone="Europe/London",
                  repeat="weekly", count=3, location="Room 1")  # fmt: skip
    return mod


async def test_editing_one_occurrence_says_so_and_leaves_the_next_alone(hub: Hub) -> None:
    mod = await weekly(hub)
    edited = await command(hub, mod, "edit", event="1", title="Special guest", location="Hall")
    assert edited.content.endswith(
        "Only this occurrence (number 1 of the series) changed; the coming ones keep the "
        "series' settings. Add series:true to change them too."
    )
    hub.clock.set(datetime(2030, 10, 22, 14, 0, 1, tzinfo=UTC))
    await hub.double.wait_for(lambda: len(scheduled(hub)) == 2, what="the second occurrence")
    assert card_of(hub, 2).embeds[0]["title"] == "Network seminar"
    assert ("Network seminar", datetime(2030, 10, 29, 15, 0, tzinfo=UTC), "Room 1") in scheduled(
        hub
    )


async def test_series_true_changes_title_place_and_time_of_day_of_the_coming_ones(
    hub: Hub,
) -> None:
    mod = await weekly(hub)
    edited = await command(hub, mod, "edit", event="1", series=True, title="Evidence seminar",
                           location="Room 2", when="16:30")  # fmt: skip
    assert "The coming occurrences of the series change too." in edited.content
    first = datetime(2030, 10, 22, 15, 30, tzinfo=UTC)  # 16:30 BST
    assert scheduled(hub) == [("Evidence seminar", first, "Room 2")]
    hub.clock.set(datetime(2030, 10, 22, 15, 30, 1, tzinfo=UTC))
    await hub.double.wait_for(lambda: len(scheduled(hub)) == 2, what="the second occurrence")
    _, (title, start, place) = scheduled(hub)
    assert (title, place) == ("Evidence seminar", "Room 2")
    assert start == datetime(2030, 10, 29, 16, 30, tzinfo=UTC)  # 16:30 GMT, after the change
    assert start.astimezone(LONDON).hour == 16
    assert card_of(hub, 2).embeds[0]["title"] == "Evidence seminar"


async def test_series_true_refusals(hub: Hub) -> None:
    mod = await weekly(hub)
    other_day = await command(hub, mod, "edit", event="1", series=True, when="next Friday 10:00")
    assert other_day.content.startswith("With series:true only the time of day can change")
    zone = await command(hub, mod, "edit", event="1", series=True, timezone="Asia/Tokyo",
                         when="10:00")  # fmt: skip
    assert zone.content == "series:true keeps the series' time zone; leave timezone out."
    one_off = await created(hub, mod, when="2030-10-25 10:00", title="One-off")
    assert one_off
    alone = await command(hub, mod, "edit", event="2", series=True, title="X")
    assert alone.content == "#2 One-off does not repeat; edit it without series."
