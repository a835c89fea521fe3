"""The bot, against the double's channel permission overwrites: it names the permission a
channel takes away, whether it saw the overwrite (discord.py computes permissions from the
overwrites in channel payloads) or Discord refused the post (the double enforces them)."""

from __future__ import annotations

from sandbox.double.state import EMBED_LINKS, SEND_MESSAGES, VIEW_CHANNEL
from tests.e2e import conftest as e2e
from tests.e2e.event_steps import cards, confirm, create, moderator
from tests.e2e.harness import Hub

hub, conformance = e2e.hub, e2e.conformance  # the e2e fixtures, conformance check included


def bot_role(hub: Hub) -> int:
    guild = hub.double.guild(hub.guild_id)
    return guild.members[hub.double.bot_user.id].roles[0]


async def test_the_bot_names_the_permission_an_overwrite_takes_away(hub: Hub) -> None:
    mod = await moderator(hub)
    hub.double.set_overwrite(hub.channel("announcements"), bot_role(hub), deny=EMBED_LINKS)
    await hub.double.settle()
    done = await confirm(hub, mod, await create(hub, mod))
    assert done.content.startswith(
        "I cannot post the event card in #announcements: I am missing Embed Links there."
    ), done.content
    assert cards(hub) == []


async def test_a_hidden_channel_is_named_too(hub: Hub) -> None:
    mod = await moderator(hub)
    hub.double.set_overwrite(hub.channel("announcements"), hub.guild_id, deny=VIEW_CHANNEL)
    await hub.double.settle()
    done = await confirm(hub, mod, await create(hub, mod))
    assert "I am missing View Channel, Send Messages, Embed Links there" in done.content


async def test_a_refusal_the_bot_did_not_foresee_is_reported_in_words(hub: Hub) -> None:
    """The overwrite changed without the bot being told: it tries, Discord refuses."""
    mod = await moderator(hub)
    preview = await create(hub, mod)
    hub.double.set_overwrite(
        hub.channel("announcements"), bot_role(hub), deny=SEND_MESSAGES, announce=False
    )
    done = await confirm(hub, mod, preview)
    assert "Discord refused the event card (Missing Permissions)" in done.content, done.content
    assert cards(hub) == []
