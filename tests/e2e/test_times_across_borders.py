"""Times typed by organisers in several countries, through Discord: the zone in the text
wins, what could be two instants is asked, impossible times are refused, and the member's
Discord language is read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.e2e import announce_steps
from tests.e2e.event_steps import confirm, create, field, moderator
from tests.e2e.harness import Hub

# The bot's clock: the typed dates (February and October 2027) are ahead of it whenever the
# suite runs.
pytestmark = pytest.mark.clock_at(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


def _text(result: Any) -> str:
    """Everything a member reads in an answer: its content and every embed."""
    return (result.content or "") + json.dumps(result.embeds, ensure_ascii=False)


async def test_a_zone_typed_in_the_text_wins_over_the_organisers_own(hub: Hub) -> None:
    mod = await moderator(hub)
    preview = await create(hub, mod, when="2027-02-10 14:00 EST")
    times = preview.embeds[1]
    assert times["description"].startswith("Read as Wednesday 10 February 2027, 14:00 EST")
    assert "(19:00 UTC)" in times["description"]
    assert "the zone is from your text" in times["description"]
    assert field(times, "UTC")["value"] == "Wed 10 Feb 2027, 19:00 (UTC)"
    assert field(times, "Event's zone")["value"].endswith("14:00 (America/New_York)")
    await confirm(hub, mod, preview)
    [scheduled] = hub.double.scheduled_events(hub.guild_id)
    assert scheduled["scheduled_start_time"].startswith("2027-02-10T19:00:00")


async def test_the_preview_says_when_the_organisers_own_zone_was_used(hub: Hub) -> None:
    mod = await moderator(hub)
    preview = await create(hub, mod, when="2027-02-10 14:00", timezone="Australia/Sydney")
    reading = preview.embeds[1]["description"]
    assert reading.startswith("Read as Wednesday 10 February 2027, 14:00 (03:00 UTC)")
    assert "read in the zone you chose, Australia/Sydney" in reading


async def test_an_abbreviation_of_several_zones_is_asked_not_guessed(hub: Hub) -> None:
    mod = await moderator(hub)
    asked = await create(hub, mod, when="2027-02-10 14:00 IST")
    assert asked.ephemeral and asked.modal is None
    for place in ("India", "Ireland", "Israel", "Asia/Kolkata", "Europe/Dublin"):
        assert place in asked.content
    assert hub.double.scheduled_events(hub.guild_id) == []


async def test_an_impossible_time_is_refused_with_what_to_type(hub: Hub) -> None:
    mod = await moderator(hub)
    for typed in ("2027-02-10 25:00", "2027-02-31 14:00", "2027-13-01 14:00"):
        refused = await create(hub, mod, when=typed)
        assert refused.ephemeral and refused.modal is None, typed
        assert "not a" in refused.content and "rite" in refused.content, refused.content


async def test_the_repeated_hour_of_a_clock_change_is_asked_with_both_instants(hub: Hub) -> None:
    mod = await moderator(hub)
    asked = await create(hub, mod, when="2027-10-31 01:30", timezone="Europe/London")
    assert "happens twice" in asked.content
    assert "00:30 UTC" in asked.content and "01:30 UTC" in asked.content
    chosen = await create(hub, mod, when="2027-10-31 01:30 +00:00", timezone="Europe/London")
    assert field(chosen.embeds[1], "UTC")["value"] == "Sun 31 Oct 2027, 01:30 (UTC)"


async def test_a_german_speaking_organiser_types_in_german(hub: Hub) -> None:
    mod = await moderator(hub)
    hub.double.users[mod].locale = "de"
    preview = await create(hub, mod, when="10.02.2027 14 Uhr", timezone="Europe/Berlin")
    assert field(preview.embeds[1], "UTC")["value"] == "Wed 10 Feb 2027, 13:00 (UTC)"


async def test_an_announcement_reads_the_zone_in_its_text_and_says_so(hub: Hub) -> None:
    mod = await announce_steps.moderator(hub)
    preview = await announce_steps.schedule(hub, mod, "2027-02-12 noon EST", repeat="weekly")
    shown = _text(preview)
    assert "Read as Friday 12 February 2027, 12:00 EST (17:00 UTC)" in shown
    assert "the zone is from your text" in shown
    assert "America/New_York" in shown  # the repeat follows New York's clock
    asked = await announce_steps.schedule(hub, mod, "2027-02-12 12:00 CST")
    assert "US Central" in asked.content and "China" in asked.content


async def test_event_list_shows_every_upcoming_event_unless_a_range_is_chosen(hub: Hub) -> None:
    """An event ten days away was hidden by a silent seven-day default."""
    mod = await moderator(hub)
    await confirm(hub, mod, await create(hub, mod, when="in 2 days at 10:00", title="Soon"))
    await confirm(hub, mod, await create(hub, mod, when="in 10 days at 10:00", title="Later"))
    listed = await hub.double.run_command(hub.guild_id, mod, "event list", {})
    [embed] = listed.embeds
    assert embed["title"] == "Upcoming events"
    assert "Soon" in embed["description"] and "Later" in embed["description"]
    assert embed["footer"]["text"] == "Page 1 of 1 · 2 events"
    week = await hub.double.run_command(hub.guild_id, mod, "event list", {"range": "week"})
    assert week.embeds[0]["title"] == "Events in the next 7 days"
    assert "Later" not in week.embeds[0]["description"]
    assert week.embeds[0]["footer"]["text"] == "Page 1 of 1 · 1 event"


async def test_an_edited_time_says_how_it_was_read(hub: Hub) -> None:
    mod = await moderator(hub)
    await confirm(hub, mod, await create(hub, mod, when="2027-02-10 14:00", timezone="UTC"))
    edited = await hub.double.run_command(
        hub.guild_id, mod, "event edit", {"event": "1", "when": "2027-02-11 09:00 Berlin time"}
    )
    assert "Read as Thursday 11 February 2027, 09:00 Berlin time (08:00 UTC)" in edited.content
    [scheduled] = hub.double.scheduled_events(hub.guild_id)
    assert scheduled["scheduled_start_time"].startswith("2027-02-11T08:00:00")
