"""Events through the double: create with a preview, the card, the server's scheduled event."""

from __future__ import annotations

from tests.e2e.event_steps import confirm, create, field, moderator
from tests.e2e.harness import Hub


async def test_natural_language_preview_then_card_and_scheduled_event(hub: Hub) -> None:
    mod = await moderator(hub)
    preview = await create(
        hub, mod, when="2026-12-08 15:00", timezone="Europe/London", location="Leeds, room 4"
    )
    assert preview.ephemeral
    card, times = preview.embeds
    assert card["title"] == "Network seminar"
    assert field(times, "Your time")["value"] == "Tue 08 Dec 2026, 15:00 (Europe/London)"
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
