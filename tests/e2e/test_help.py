"""/help: what this member can do here, by feature, with clickable command mentions."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.harness import Hub


def synced_ids(hub: Hub) -> dict[str, str]:
    return {c["name"]: c["id"] for c in hub.double.commands[hub.guild_id]}


def help_text(result: Any) -> str:
    embed = result.embeds[0]
    return "\n".join(f"## {f['name']}\n{f['value']}" for f in embed["fields"])


async def test_a_member_sees_their_commands_by_feature_as_clickable_mentions(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    result = await hub.double.run_command(hub.guild_id, amira.id, "help")
    assert result.ephemeral
    text = help_text(result)
    ids = synced_ids(hub)
    assert f"</profile view:{ids['profile']}> See a profile" in text
    assert f"</event list:{ids['event']}> Upcoming events" in text
    assert f"</introduce:{ids['introduce']}>" in text
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings[:2] == ["Introductions and profiles", "Challenge areas"]
    assert "Events" in headings and "Mentoring" in headings
    for hidden in ("hub setup", "announce schedule", "mentor-admin match", "event create"):
        assert f"</{hidden}:" not in text, hidden
    assert "(moderators)" not in text


async def test_an_organiser_also_sees_the_event_commands_they_may_run(hub: Hub) -> None:
    organiser = hub.double.create_role(hub.guild_id, "Organiser", position=1, permissions=0)
    await hub.double.settle()
    nadia = await hub.double.add_member(hub.guild_id, "nadia", roles=[organiser.id])
    text = help_text(await hub.double.run_command(hub.guild_id, nadia.id, "help"))
    ids = synced_ids(hub)
    assert f"</event create:{ids['event']}> Create an event" in text
    assert f"</event edit:{ids['event']}> Change an event (its organiser or a moderator)" in text
    assert "</hub setup:" not in text


async def test_a_moderator_sees_every_synced_command_including_theirs(hub: Hub) -> None:
    mod = await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])
    result = await hub.double.run_command(hub.guild_id, mod.id, "help")
    text = help_text(result)
    ids = synced_ids(hub)
    assert f"</hub setup:{ids['hub']}> Create the area channels and roles *(moderators)*" in text
    for name, command_id in ids.items():  # a new command appears by itself
        assert re.search(rf"</{re.escape(name)}( [^:>]+)?:{command_id}>", text), name
    assert len(result.embeds[0]["fields"]) <= 25
