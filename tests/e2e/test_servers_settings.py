"""One bot, two servers (issue 20): the roles and channels of a member's way in are each
server's own, set with /hub config (the environment the default): the partner network greets,
posts intro cards, queues them for review and reaches closed DMs in channels of its own, and
gives roles of its own, while the hub keeps the defaults."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce
from tests.e2e.servers_steps import (
    Servers,
    config,
    moderator,
    pending_due,
    servers,
    shown,
)

__all__ = ["servers"]  # the two-server fixture, from servers_steps


def role_names(hub: Hub, user_id: int) -> set[str]:
    roles = hub.double.member_roles(hub.guild_id, user_id)
    return {hub.double.guild_role(hub.guild_id, r).name for r in roles}


def channel(hub: Hub, name: str) -> None:
    hub.channels[name] = hub.double.create_channel(hub.guild_id, name).id


async def own_ways_in(partner: Hub, mod: int) -> None:
    """The partner network's own channels and roles, set with /hub config."""
    for name in ("hello", "cards", "queue", "asks"):
        channel(partner, name)
    for name in ("Members", "Checked"):
        partner.double.create_role(partner.guild_id, name, position=1)
    chosen = {
        "introduced_role": "@Members", "verified_role": "Checked", "welcome_channel": "#hello",
        "introductions_channel": "cards", "verification_channel": "#queue",
        "requests_channel": "asks",
    }  # fmt: skip
    for setting, value in chosen.items():
        done = await config(partner, mod, "set", setting=setting, value=value)
        assert "on this server (was" in done.content, done.content


async def test_each_server_greets_introduces_and_verifies_with_its_own_roles_and_channels(
    servers: Servers,
) -> None:
    hub, partner = servers, servers.other()
    partner_mod = await moderator(partner, "Pat Mod")
    missing = await config(partner, partner_mod, "set", setting="welcome_channel",
                           value="#nowhere")  # fmt: skip
    assert missing.ephemeral and missing.content.startswith(
        "There is no text channel 'nowhere' on this server."
    )
    no_role = await config(partner, partner_mod, "set", setting="verified_role", value="Ghosts")
    assert no_role.ephemeral and no_role.content.startswith("There is no role 'Ghosts'")
    await own_ways_in(partner, partner_mod)
    theirs = shown(await config(partner, partner_mod, "show"))
    assert theirs["Roles: introduced members"] == "Members"
    assert theirs["Channels: verification queue"] == "queue"
    hub_mod = await moderator(hub, "Hub Mod")
    own = shown(await config(hub, hub_mod, "show"))
    assert (own["Roles: introduced members"], own["Channels: verification queue"]) == (
        "Introduced", "none",
    )  # fmt: skip

    # A newcomer is greeted in the server's own welcome channel.
    zoe = await partner.double.add_member(partner.guild_id, "zoe")
    await partner.next_message("hello", f"Welcome to the network, <@{zoe.id}>")
    assert not [m for m in partner.messages("welcome") if str(zoe.id) in m.content]
    hana = await hub.double.add_member(hub.guild_id, "hana")
    await hub.next_message("welcome", f"Welcome to the network, <@{hana.id}>")

    # Her card goes to the partner's #cards, her introduction waits in its #queue, and the
    # roles she gets are the partner's.
    done = await introduce(partner, zoe.id, name="Zoe Partner")
    assert "you will get the Checked role when approved" in done.content
    assert partner.messages("cards")[-1].embeds[0]["title"] == "Zoe Partner"
    assert partner.messages("introductions") == []
    queued = partner.messages("queue")[-1]
    assert partner.messages("verification") == []
    assert "Members" in role_names(partner, zoe.id)
    assert "Introduced" not in role_names(partner, zoe.id)
    await partner.double.click(
        partner.guild_id, partner_mod, queued, f"profiles:verify:approve:{zoe.id}"
    )
    assert "Checked" in role_names(partner, zoe.id)
    assert "Verified" not in role_names(partner, zoe.id)
    told = partner.double.dms_of(zoe.id)[-1].content
    assert "Your card now shows (verified) and you have the Checked role." in told
    # Back to the default (no queue): the partner's next introduction needs no approval.
    off = await config(partner, partner_mod, "reset", setting="verification_channel")
    assert "Verification is off from now on" in off.content
    yan = await partner.double.add_member(partner.guild_id, "yan")
    assert "A moderator will review it" not in (await introduce(partner, yan.id)).content

    # The hub keeps the defaults: no review, its own #introductions and Introduced role.
    done = await introduce(hub, hana.id, name="Hana Hub")
    assert "A moderator will review it" not in done.content
    assert hub.messages("introductions")[-1].embeds[0]["title"] == "Hana Hub"
    assert "Introduced" in role_names(hub, hana.id)
    assert "Members" not in role_names(hub, hana.id)


async def ask(hub: Hub, seeker: int, expert_id: int) -> Any:
    found = await hub.double.run_command(hub.guild_id, seeker, "expert find", {"query": "online"})
    asked = await hub.double.click(hub.guild_id, seeker, found.message, f"experts:ask:{expert_id}")
    assert asked.modal is not None, asked.content
    ids = [c["custom_id"] for row in asked.modal["components"] for c in row["components"]]
    texts = ("Policy adviser", "Youth referrals online", "March")
    return await hub.double.submit_modal(
        hub.guild_id, seeker, asked.modal, dict(zip(ids, texts, strict=True))
    )


async def test_closed_dms_are_reached_in_each_servers_own_requests_channel(
    servers: Servers,
) -> None:
    hub, partner = servers, servers.other()
    await own_ways_in(partner, await moderator(partner, "Pat Mod"))
    for side in (hub, partner):
        expert = await side.double.add_member(side.guild_id, "amira", dms_open=False)
        await introduce(side, expert.id, name="Amira Haddad", expertise="online radicalisation")
        seeker = await side.double.add_member(side.guild_id, "seeker")
        sent = await ask(side, seeker.id, expert.id)
        assert "their DMs are closed" in sent.content, sent.content

    def request_threads(side: Hub) -> list[int | None]:
        return [t.parent_id for t in side.double.threads_in(side.guild_id)
                if t.name.startswith("Requests: ")]  # fmt: skip

    assert request_threads(partner) == [partner.channel("asks")]
    assert request_threads(hub) == [hub.channel("expert-requests")]


async def test_each_server_has_its_weekly_digest_on_its_own_day_and_hour(
    servers: Servers,
) -> None:
    hub, partner = servers, servers.other()
    partner_mod = await moderator(partner, "Pat Mod")
    for setting, value, wrong in (
        ("digest_hour", "9.5", "9.5 is not a whole number: Areas: weekly digest hour takes a "
         "whole number from 0 to 23."),
        ("digest_hour", "24", "24 is outside the range: Areas: weekly digest hour takes a whole "
         "number from 0 to 23."),
    ):  # fmt: skip
        refused = await config(partner, partner_mod, "set", setting=setting, value=value)
        assert refused.ephemeral and refused.content == wrong
    refused = await config(partner, partner_mod, "set", setting="digest_day", value="someday")
    assert refused.ephemeral and refused.content.endswith(
        "Areas: weekly digest day takes a weekday: mon, tue, wed, thu, fri, sat or sun."
    )
    moved = await config(partner, partner_mod, "set", setting="digest_day", value="Wed")
    assert "posted on wed from now on" in moved.content
    moved = await config(partner, partner_mod, "set", setting="digest_hour", value="14")
    assert "posted at 14:00 in the server's time zone" in moved.content
    due = pending_due(servers, "areas.digest")
    assert (due[partner.guild_id].weekday(), due[partner.guild_id].hour) == (2, 14)
    assert (due[hub.guild_id].weekday(), due[hub.guild_id].hour) == (0, 9)

    # The partner's digest goes out at its own time.
    await partner.double.run_command(partner.guild_id, partner_mod, "hub setup", {})
    zoe = await partner.double.add_member(partner.guild_id, "zoe")
    await introduce(partner, zoe.id, name="Zoe Partner")
    servers.clock.set(due[partner.guild_id] + timedelta(seconds=1))
    channel = partner.double.channel_by_name(partner.guild_id, "youth-radicalisation")
    assert channel is not None

    def posted() -> list[Any]:
        return [m for m in partner.double.messages_in(channel.id)
                if m.embeds and "This week in" in m.embeds[0]["title"]]  # fmt: skip

    await partner.double.wait_for(lambda: len(posted()) == 1, what="the partner's digest")
    assert "Zoe Partner" in json.dumps(posted()[0].embeds)
    await partner.double.wait_for(
        lambda: (
            pending_due(servers, "areas.digest").get(partner.guild_id, due[partner.guild_id])
            > due[partner.guild_id]
        ),
        what="the partner's next digest",
    )
    # Back to the default: its next digest is on Monday at 09:00 again.
    await config(partner, partner_mod, "reset", setting="digest_day")
    await config(partner, partner_mod, "reset", setting="digest_hour")
    after = pending_due(servers, "areas.digest")[partner.guild_id]
    assert (after.weekday(), after.hour) == (0, 9)


async def test_a_new_introduced_role_opens_the_area_channels_after_hub_setup(
    servers: Servers,
) -> None:
    hub, partner = servers, servers.other()
    mod = await moderator(partner, "Pat Mod")
    await partner.double.run_command(partner.guild_id, mod, "hub setup", {})
    members = partner.double.create_role(partner.guild_id, "Members", position=1)
    done = await config(partner, mod, "set", setting="introduced_role", value="Members")
    assert "run /hub setup" in done.content, done.content
    channel(partner, "hello")
    await config(partner, mod, "set", setting="welcome_channel", value="hello")
    await partner.double.run_command(partner.guild_id, mod, "hub setup", {})
    # Setup adopts the named role and channel; it renames nothing to their names.
    roles = partner.double.guilds[partner.guild_id].roles.values()
    assert [r.id for r in roles if r.name == "Members"] == [members.id]
    assert len([r for r in roles if r.name == "Introduced"]) == 1
    channels = [c.name for c in partner.double.guilds[partner.guild_id].channels.values()]
    assert (channels.count("hello"), channels.count("welcome")) == (1, 1)
    area = partner.double.channel_by_name(partner.guild_id, "youth-radicalisation")
    assert area is not None
    allowed = {int(o["id"]) for o in area.permission_overwrites if int(o["allow"]) & 1024}
    assert members.id in allowed
    assert hub.double.role_by_name(hub.guild_id, "Members") is None
