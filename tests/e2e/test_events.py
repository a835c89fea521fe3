"""Events through the double: create with a preview, the card, the server's scheduled event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.event_steps import confirm, create, field, moderator
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce


@pytest.mark.clock_at(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
async def test_natural_language_preview_then_card_and_scheduled_event(hub: Hub) -> None:
    mod = await moderator(hub)
    preview = await create(
        hub, mod, when="2026-12-08 15:00", timezone="Europe/London", location="Leeds, room 4"
    )
    assert preview.ephemeral
    card, times = preview.embeds
    assert card["title"] == "Network seminar"
    assert field(times, "Event's zone")["value"] == "Tue 08 Dec 2026, 15:00 (Europe/London)"
    assert field(times, "UTC")["value"] == "Tue 08 Dec 2026, 15:00 (UTC)"
    assert field(times, "Each member sees")["value"].startswith("<t:")
    assert field(times, "America/New_York")["value"] == "Tue 08 Dec 2026, 10:00 (America/New_York)"
    assert field(times, "Australia/Sydney")["value"] == "Wed 09 Dec 2026, 02:00 (Australia/Sydney)"
    assert hub.double.scheduled_events(hub.guild_id) == []
    done = await confirm(hub, mod, preview)
    assert done.content.startswith("Created event #1")
    [scheduled] = hub.double.scheduled_events(hub.guild_id)
    assert scheduled["name"] == "Network seminar"
    assert scheduled["entity_type"] == 3
    assert scheduled["entity_metadata"] == {"location": "Leeds, room 4"}
    assert scheduled["scheduled_start_time"].startswith("2026-12-08T15:00:00")
    posted = [m for m in hub.messages("announcements") if m.embeds]
    assert posted[0].embeds[0]["title"] == "Network seminar"
    assert "events:rsvp:1:going" in posted[0].custom_ids()


async def test_edit_in_the_preview_then_confirm(hub: Hub) -> None:
    mod = await moderator(hub)
    preview = await create(hub, mod, when="in 3 days at 15:00", timezone="Asia/Tokyo")
    edit = preview.message.custom_id("events:edit:")
    form = await hub.double.click(hub.guild_id, mod, preview.message, edit)
    assert form.modal is not None
    changed = await hub.double.submit_modal(
        hub.guild_id, mod, form.modal,
        {"events:form:title": "Renamed seminar", "events:form:when": "in 4 days at 09:30"},
    )  # fmt: skip
    card, times = changed.embeds
    assert card["title"] == "Renamed seminar"
    assert field(times, "Event's zone")["value"].endswith("09:30 (Asia/Tokyo)")
    again = await hub.double.click(hub.guild_id, mod, preview.message, edit)
    refused = await hub.double.submit_modal(
        hub.guild_id, mod, again.modal, {"events:form:when": "yesterday 10:00"}
    )
    assert "in the past" in refused.content
    done = await confirm(hub, mod, preview)
    assert done.content.startswith("Created event #1")
    assert hub.double.scheduled_events(hub.guild_id)[0]["name"] == "Renamed seminar"


async def test_the_zone_defaults_to_the_organisers_profile(hub: Hub) -> None:
    mod = await moderator(hub)
    await introduce(hub, mod, name="Mod Erator")
    await hub.double.run_command(hub.guild_id, mod, "profile timezone", {"zone": "America/Chicago"})
    preview = await create(hub, mod, when="in 3 days at 15:00")
    assert field(preview.embeds[1], "Event's zone")["value"].endswith("15:00 (America/Chicago)")
    zones = await hub.double.autocomplete(
        hub.guild_id, mod, "event create", "timezone", {"timezone": "Europe/Lon"}
    )
    assert {"name": "Europe/London", "value": "Europe/London"} in zones
