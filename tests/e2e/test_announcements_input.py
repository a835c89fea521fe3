"""Every bad input to /announce gets a clear private answer, and nothing is half-saved."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.announce_steps import command, moderator, schedule, scheduled
from tests.e2e.harness import Hub


async def saved(hub: Hub) -> int:
    assert hub.bot is not None
    return int(await hub.bot.db.fetchval("SELECT COUNT(*) FROM announcements"))


async def refused(hub: Hub, mod: int, when: str, **options: Any) -> str:
    answer = await schedule(hub, mod, when, **options)
    assert answer.ephemeral and answer.modal is None
    assert await saved(hub) == 0
    return str(answer.content)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"repeat": "61 9 * * 1"}, "The minute field '61' is not valid: use numbers from 0 to 59"),
        ({"repeat": "0 25 * * *"}, "The hour field '25' is not valid"),
        ({"repeat": "0 9 * * 8"}, "The weekday field '8' is not valid"),
        ({"repeat": "0 9 * *"}, r"'0 9 \* \*' is not a repeat I know."),  # quoted escaped
        ({"repeat": "0 9 30 2 *"}, r"The cron expression '0 9 30 2 \*' never runs"),
        ({"repeat": "0 9 1 * 1"}, "sets both a day of the month and a weekday"),
        ({"timezone": "Mars/Olympus"}, "'Mars/Olympus' is not a time zone I know."),
    ],
)
async def test_bad_repeat_and_zone(hub: Hub, options: dict[str, str], expected: str) -> None:
    mod = await moderator(hub)
    assert expected in await refused(hub, mod, "tomorrow 10:00", **options)


async def test_one_off_in_the_past(hub: Hub) -> None:
    mod = await moderator(hub)
    text = await refused(hub, mod, "2020-01-06 10:00")
    assert "which is in the past. Give a future time." in text
    text = await refused(hub, mod, "someday")
    assert "has no time of day" in text


async def test_a_channel_the_bot_cannot_post_in(hub: Hub) -> None:
    mod = await moderator(hub)
    locked = hub.double.create_channel(hub.guild_id, "locked")
    deny = str((1 << 11) | (1 << 14))  # Send Messages, Embed Links
    locked.permission_overwrites = [
        {"id": str(hub.double.bot_user.id), "type": 1, "allow": "0", "deny": deny}
    ]
    hub.double.announce("CHANNEL_UPDATE", locked.payload())
    await hub.double.settle()
    hub.channels["locked"] = locked.id
    text = await refused(hub, mod, "tomorrow 10:00", channel="locked")
    assert text.startswith("I cannot post in #locked: I am missing Send Messages, Embed Links")


async def test_a_body_over_the_limit(hub: Hub) -> None:
    mod = await moderator(hub)
    answer = await schedule(hub, mod, "tomorrow 10:00", style="text", body="x" * 2100)
    assert answer.ephemeral
    assert answer.content.startswith("The body is 2,100 characters; a plain-text post has room")
    assert "choose style: embed (up to 4,000)" in answer.content
    assert await saved(hub) == 0


async def test_everyone_as_the_role_to_ping(hub: Hub) -> None:
    mod = await moderator(hub)
    text = await refused(hub, mod, "tomorrow 10:00", role=hub.guild_id)
    assert text.startswith("Announcements never ping @everyone.")


async def test_unknown_announcement_and_wrong_states(hub: Hub) -> None:
    mod = await moderator(hub)
    missing = await command(hub, mod, "pause", announcement="99")
    assert missing.content.startswith("There is no announcement '99'.")
    await scheduled(hub, mod, "in 1 hour")
    resumed = await command(hub, mod, "resume", announcement="1")
    assert "is scheduled, so you cannot resume it" in resumed.content
    await command(hub, mod, "cancel", announcement="1")
    sent = await command(hub, mod, "send_now", announcement="1")
    assert "is cancelled, so it cannot be sent" in sent.content


async def test_members_cannot_use_any_announce_command(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour")
    member = (await hub.double.add_member(hub.guild_id, "member")).id
    answers = [
        await schedule(hub, member, "tomorrow 10:00"),
        await command(hub, member, "list"),
        *[
            await command(hub, member, name, announcement="1")
            for name in ("edit", "pause", "resume", "cancel", "send_now", "history")
        ],
    ]
    for answer in answers:
        assert answer.ephemeral and answer.modal is None
        assert answer.content.startswith("This command is for moderators")
    assert await saved(hub) == 1
