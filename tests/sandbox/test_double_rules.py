"""Rules the double enforces as Discord does: channel permission overwrites when the bot
posts, and the scheduled-event status changes Discord allows."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.double import DiscordDouble, Guild
from sandbox.double.permissions import channel_permissions
from sandbox.double.state import (
    ADMINISTRATOR,
    ATTACH_FILES,
    EMBED_LINKS,
    MANAGE_THREADS,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
)
from tests.sandbox.test_double import call

EMBED = {"embeds": [{"title": "card"}]}


def bot_role(double: DiscordDouble, guild: Guild) -> int:
    return guild.members[double.bot_user.id].roles[0]


async def test_overwrites_deny_and_allow_in_discords_order(discord_double: DiscordDouble) -> None:
    d = discord_double
    guild = d.create_guild("Rules")
    channel = d.create_channel(guild.id, "lab")
    bot = d.bot_user.id
    d.set_overwrite(channel.id, guild.id, deny=SEND_MESSAGES)  # @everyone
    assert not channel_permissions(guild, channel, bot) & SEND_MESSAGES
    d.set_overwrite(channel.id, bot_role(d, guild), allow=SEND_MESSAGES)  # a role wins
    assert channel_permissions(guild, channel, bot) & SEND_MESSAGES
    d.set_overwrite(channel.id, bot, deny=SEND_MESSAGES, member=True)  # the member wins
    assert not channel_permissions(guild, channel, bot) & SEND_MESSAGES
    assert not channel_permissions(guild, channel, bot) & EMBED_LINKS  # implied by no Send
    d.set_overwrite(channel.id, bot, deny=VIEW_CHANNEL, member=True)
    assert channel_permissions(guild, channel, bot) == 0
    guild.roles[bot_role(d, guild)].permissions |= ADMINISTRATOR
    assert channel_permissions(guild, channel, bot) & SEND_MESSAGES


@pytest.mark.parametrize(
    ("deny", "body", "status", "code"),
    [
        (VIEW_CHANNEL, {"content": "hi"}, 403, 50001),
        (SEND_MESSAGES, {"content": "hi"}, 403, 50013),
        (EMBED_LINKS, EMBED, 403, 50013),
        (EMBED_LINKS, {"content": "plain text needs no Embed Links"}, 200, None),
    ],
)
async def test_posting_obeys_the_channels_overwrites(
    discord_double: DiscordDouble, deny: int, body: dict[str, Any], status: int, code: int | None
) -> None:
    d = discord_double
    guild = d.create_guild("Rules")
    channel = d.create_channel(guild.id, "lab")
    d.set_overwrite(channel.id, bot_role(d, guild), deny=deny)
    answer, data = await call(d, "POST", f"/channels/{channel.id}/messages", body)
    assert answer == status, data
    if code is not None:
        assert data["code"] == code
    payload = d.channels[channel.id].payload()
    assert payload["permission_overwrites"][0]["deny"] == str(deny)  # sent to the bot too


async def test_a_file_needs_attach_files(discord_double: DiscordDouble) -> None:
    import aiohttp

    d = discord_double
    guild = d.create_guild("Rules")
    channel = d.create_channel(guild.id, "lab")
    d.set_overwrite(channel.id, guild.id, deny=ATTACH_FILES)
    form = aiohttp.FormData()
    form.add_field("payload_json", '{"content": "see file"}')
    form.add_field("files[0]", b"data", filename="a.ics")
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{d.api_base}/channels/{channel.id}/messages",
            data=form,
            headers={"Authorization": f"Bot {d.bot_token}"},
        ) as response,
    ):
        assert response.status == 403
        assert (await response.json())["code"] == 50013


async def test_threads_take_the_parents_overwrites(discord_double: DiscordDouble) -> None:
    d = discord_double
    guild = d.create_guild("Rules")
    channel = d.create_channel(guild.id, "lab")
    status, thread = await call(d, "POST", f"/channels/{channel.id}/threads",
                                {"name": "talk", "type": 11})  # fmt: skip
    assert status == 201
    d.set_overwrite(channel.id, bot_role(d, guild), deny=SEND_MESSAGES_IN_THREADS)
    status, data = await call(d, "POST", f"/channels/{thread['id']}/messages", {"content": "x"})
    assert (status, data["code"]) == (403, 50013)
    status, _ = await call(d, "POST", f"/channels/{channel.id}/messages", {"content": "x"})
    assert status == 200  # the channel itself is still fine
    status, _ = await call(d, "PATCH", f"/channels/{thread['id']}", {"archived": True})
    assert status == 200  # its own thread: archiving needs no Manage Threads
    d.set_overwrite(channel.id, bot_role(d, guild), deny=MANAGE_THREADS)
    status, data = await call(d, "PATCH", f"/channels/{thread['id']}", {"locked": True})
    assert (status, data["code"]) == (403, 50013)


async def event(d: DiscordDouble, guild: Guild) -> str:
    status, data = await call(d, "POST", f"/guilds/{guild.id}/scheduled-events", {
        "name": "Seminar", "privacy_level": 2, "entity_type": 3,
        "scheduled_start_time": "2030-01-01T10:00:00+00:00",
        "scheduled_end_time": "2030-01-01T11:00:00+00:00",
        "entity_metadata": {"location": "Online"},
    })  # fmt: skip
    assert status == 200, data
    assert data["recurrence_rule"] is None and data["guild_scheduled_event_exceptions"] == []
    return f"/guilds/{guild.id}/scheduled-events/{data['id']}"


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        ([2, 3], None),  # SCHEDULED -> ACTIVE -> COMPLETED
        ([4], None),  # SCHEDULED -> CANCELED
        ([3], 3),  # SCHEDULED -> COMPLETED is refused
        ([2, 4], 4),  # ACTIVE -> CANCELED is refused
        ([2, 1], 1),  # and so is going back
    ],
)
async def test_scheduled_event_status_changes(
    discord_double: DiscordDouble, steps: list[int], refused: int | None
) -> None:
    d = discord_double
    path = await event(d, d.create_guild("Rules"))
    for status in steps:
        answer, data = await call(d, "PATCH", path, {"status": status})
        if status == refused:
            assert (answer, data["code"]) == (400, 50035), data
            assert "cannot change a scheduled event" in data["message"]
            return
        assert answer == 200 and data["status"] == status, data
    assert refused is None


async def test_a_finished_event_cannot_be_edited(discord_double: DiscordDouble) -> None:
    d = discord_double
    path = await event(d, d.create_guild("Rules"))
    await call(d, "PATCH", path, {"status": 4})
    answer, data = await call(d, "PATCH", path, {"name": "Renamed"})
    assert (answer, data["code"]) == (400, 180000)
