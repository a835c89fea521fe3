"""Scheduled announcements through the double: scheduling, preview, delivery, mentions."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.announce_steps import (
    advance_until_posted,
    command,
    confirm,
    moderator,
    posts,
    schedule,
    scheduled,
)
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce


async def test_one_off_is_previewed_then_posted_at_its_time(hub: Hub) -> None:
    mod = await moderator(hub)
    role = hub.double.create_role(hub.guild_id, "Members", position=1)
    preview = await schedule(hub, mod, "in 2 hours", role=role.id, timezone="Europe/Berlin")
    assert preview.ephemeral
    post, details = preview.embeds
    assert post["title"] == "Network meeting"
    assert post["description"] == "The network meets on Thursday."
    assert preview.content == f"<@&{role.id}>"
    assert details["title"] == "Preview"
    runs = next(f for f in details["fields"] if f["name"] == "Next runs")["value"]
    assert runs.count("<t:") == 2  # a one-off has one run, shown absolute and relative
    assert "Nothing is posted until you press Confirm." in details["footer"]["text"]
    assert "@Members is not mentionable" in details["footer"]["text"]
    assert posts(hub) == []
    done = await confirm(hub, mod, preview)
    assert done.content.startswith("Scheduled as announcement #1. First post: <t:")
    assert done.embeds == []  # the preview, with its "nothing is posted yet", is gone
    await hub.double.settle(quiet=0.1)
    assert posts(hub) == []
    [message] = await advance_until_posted(hub, timedelta(hours=2, seconds=1), 1)
    assert message.content == f"<@&{role.id}>"
    assert message.embeds[0]["description"] == "The network meets on Thursday."
    assert message.allowed_mentions == {"parse": [], "roles": [role.id]}
    history = await command(hub, mod, "history", announcement="1")
    assert "posted https://discord.com/channels/" in history.embeds[0]["description"]
    listed = await command(hub, mod, "list")
    assert "No announcements are scheduled" in listed.content


async def test_everyone_in_the_body_is_never_pinged(hub: Hub) -> None:
    mod = await moderator(hub)
    body = "@everyone please read. Also <@123> and <@&456>."
    await scheduled(hub, mod, "in 1 hour", body=body, style="text", title="")
    [message] = await advance_until_posted(hub, timedelta(hours=1, seconds=1), 1)
    assert message.content == body
    assert message.allowed_mentions is not None
    assert message.allowed_mentions["parse"] == [] and not message.allowed_mentions.get("roles")


async def test_cancel_in_the_preview_schedules_nothing(hub: Hub) -> None:
    mod = await moderator(hub)
    preview = await schedule(hub, mod, "in 1 hour")
    gone = await hub.double.click(
        hub.guild_id, mod, preview.message, preview.message.custom_id("announce:discard:")
    )
    assert gone.content == "Cancelled. Nothing was scheduled."
    listed = await command(hub, mod, "list")
    assert "No announcements are scheduled" in listed.content
    hub.clock.advance(timedelta(hours=2))
    await hub.double.settle(quiet=0.1)
    assert posts(hub) == []


async def test_autocomplete_offers_ids_and_titles_to_moderators_only(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour", title="Network meeting")
    await scheduled(hub, mod, "in 2 hours", title="Call for papers")
    choices = await hub.double.autocomplete(
        hub.guild_id, mod, "announce pause", "announcement", {"announcement": "papers"}
    )
    assert [c["name"] for c in choices] == ["#2 Call for papers (scheduled)"]
    assert choices[0]["value"] == "2"
    by_id = await hub.double.autocomplete(
        hub.guild_id, mod, "announce history", "announcement", {"announcement": "1"}
    )
    assert by_id[0]["name"] == "#1 Network meeting (scheduled)"
    member = (await hub.double.add_member(hub.guild_id, "member")).id
    hidden = await hub.double.autocomplete(
        hub.guild_id, member, "announce pause", "announcement", {"announcement": ""}
    )
    assert hidden == []
    paused = await command(hub, mod, "pause", announcement="Call for papers")
    assert paused.content.startswith("Paused announcement #2.")


async def test_confirm_still_works_after_a_restart(hub: Hub) -> None:
    mod = await moderator(hub)
    preview = await schedule(hub, mod, "in 2 hours")
    await hub.restart()
    done = await confirm(hub, mod, preview)
    assert done.content.startswith("Scheduled as announcement #1.")


async def test_the_zone_defaults_to_the_moderators_profile_then_the_server(hub: Hub) -> None:
    mod = await moderator(hub)
    server = await schedule(hub, mod, "tomorrow 09:00", repeat="daily")
    repeats = next(f for f in server.embeds[1]["fields"] if f["name"] == "Repeats")
    assert repeats["value"] == "every day at 09:00 (UTC)"
    await introduce(hub, mod, name="Mod Erator")
    await hub.double.run_command(hub.guild_id, mod, "profile timezone", {"zone": "Asia/Tokyo"})
    own = await schedule(hub, mod, "tomorrow 09:00", repeat="daily")
    repeats = next(f for f in own.embeds[1]["fields"] if f["name"] == "Repeats")
    assert repeats["value"] == "every day at 09:00 (Asia/Tokyo)"
