"""One bot, two servers side by side (issue 20): each server's settings are its own (set with
/hub config, the environment the default for both), and nothing of one server's members,
settings or work shows in the other: not in an export, a search, a digest, the audit
channel, the scheduled jobs or the data a member sees."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tests.e2e.event_steps import confirm, create
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce
from tests.e2e.servers_steps import (
    Servers,
    config,
    moderator,
    servers,
    shown,
    sql,
    stored_time,
)

__all__ = ["servers"]  # the two-server fixture, from servers_steps


def days_from(hub: Hub, stored: str) -> int:
    """Whole days from now to a stored time."""
    return round((stored_time(stored) - hub.clock.now()) / timedelta(days=1))


def texts(hub: Hub, channel: str) -> str:
    return "\n".join(m.content + json.dumps(m.embeds) for m in hub.messages(channel))


async def test_each_server_has_its_own_settings_and_they_apply_only_there(
    servers: Servers,
) -> None:
    hub, partner = servers, servers.other()
    hub_mod, partner_mod = await moderator(hub, "Hub Mod"), await moderator(partner, "Pat Mod")
    hub.channels["mod-log"] = hub.double.create_channel(hub.guild_id, "mod-log").id
    missing = await config(hub, hub_mod, "set", setting="audit_channel", value="#nowhere")
    assert missing.ephemeral and missing.content == (
        "There is no text channel 'nowhere' on this server. Create it first, or give the "
        "name of one that exists."
    )
    wrong = await config(partner, partner_mod, "set", setting="profile_retention", value="soon")
    assert wrong.ephemeral and wrong.content.startswith("'soon' is not a duration.")
    assert wrong.content.endswith(
        "Members: keep a leaver's data takes a length such as 30d or 12h."
    )

    moved = await config(hub, hub_mod, "set", setting="audit_channel", value="#mod-log")
    assert "The audit log is mirrored in #mod-log from now on" in moved.content
    set_reminders = await config(hub, hub_mod, "set", setting="event_reminder_offsets",
                                 value="2h")  # fmt: skip
    assert "New events get reminders 2h before they start" in set_reminders.content
    kept = await config(partner, partner_mod, "set", setting="profile_retention", value="7d")
    assert "have their data kept for 7d" in kept.content
    await config(partner, partner_mod, "set", setting="mentor_weight_areas", value="3")

    own = shown(await config(hub, hub_mod, "show"))
    theirs = shown(await config(partner, partner_mod, "show"))
    assert own["Channels: moderators' audit channel"] == "mod-log"
    assert theirs["Channels: moderators' audit channel"] == "audit-log"
    assert (own["Events: default reminders"], theirs["Events: default reminders"]) == (
        "2h", "1d, 1h",
    )  # fmt: skip
    assert (own["Members: keep a leaver's data"], theirs["Members: keep a leaver's data"]) == (
        "30d", "7d",
    )  # fmt: skip
    assert (own["Mentoring: weight of shared areas"], theirs["Mentoring: weight of shared areas"]) \
        == ("1", "3")  # fmt: skip

    # The audit log: the hub's changes in its #mod-log, the partner's in its own #audit-log.
    await hub.next_message("mod-log", "changed a setting for this server")
    assert "Pat Mod" not in texts(hub, "mod-log") + texts(hub, "audit-log")
    assert "Pat Mod" in texts(partner, "audit-log")
    assert "Hub Mod" not in texts(partner, "audit-log")

    # Events: a new event in the hub gets the hub's reminders, one in the partner the default.
    for side, mod in ((hub, hub_mod), (partner, partner_mod)):
        await confirm(side, mod, await create(side, mod, title=f"Seminar {side.guild_id}"))
    reminders = dict(sql(servers.db_path, "SELECT guild_id, reminders FROM events"))
    assert json.loads(reminders[hub.guild_id]) == [7200]
    assert json.loads(reminders[partner.guild_id]) == [86400, 3600]

    # A member who leaves: their data is kept 30 days on the hub, 7 on the partner server.
    for side in (hub, partner):
        leaver = await side.double.add_member(side.guild_id, f"leaver{side.guild_id}")
        await introduce(side, leaver.id, name="Lee Ver")
        await side.double.remove_member(side.guild_id, leaver.id)
    due = dict(sql(servers.db_path, "SELECT guild_id, due_at FROM scheduled_jobs "
                   "WHERE kind = 'profiles.purge' AND status = 'pending'"))  # fmt: skip

    assert (days_from(servers, due[hub.guild_id]), days_from(servers, due[partner.guild_id])) == (
        30, 7,
    )  # fmt: skip


async def export(hub: Hub, user_id: int) -> str:
    """Everything /profile export gives the member, as text."""
    result = await hub.double.run_command(hub.guild_id, user_id, "profile export")
    assert result.attachments, result.content
    return "\n".join(str(a["data"]) for a in result.attachments)


async def find(hub: Hub, user_id: int, query: str) -> str:
    result = await hub.double.run_command(hub.guild_id, user_id, "expert find", {"query": query})
    return str(result.content) + json.dumps(result.embeds)


async def digest(hub: Hub, area_channel: str) -> str:
    """The weekly digest the bot posted in an area's channel, as text."""
    channel = hub.double.channel_by_name(hub.guild_id, area_channel)
    assert channel is not None

    def posted() -> list[Any]:
        return [m for m in hub.double.messages_in(channel.id)
                if m.embeds and "This week in" in m.embeds[0]["title"]]  # fmt: skip

    await hub.double.wait_for(lambda: len(posted()) == 1, what="the digest")
    return json.dumps(posted()[0].embeds)


async def test_one_member_in_both_servers_sees_each_servers_data_only_there(
    servers: Servers,
) -> None:
    """The same person is a member of both networks, with a profile in each: the export, the
    search, the scheduled work and the audit of each server hold only that server's, and
    the partner's own retention applies to her leaving it."""
    hub, partner = servers, servers.other()
    partner_mod = await moderator(partner, "Pat Mod")
    await config(partner, partner_mod, "set", setting="profile_retention", value="7d")
    hub_mod = await moderator(hub, "Hub Mod")
    for side, mod in ((hub, hub_mod), (partner, partner_mod)):  # area channels for digests
        await side.double.run_command(side.guild_id, mod, "hub setup", {})
    nadia = await hub.double.add_member(hub.guild_id, "nadia")
    await hub.double.add_member(partner.guild_id, "nadia", user_id=nadia.id)
    await introduce(hub, nadia.id, name="Nadia Hubside", expertise="quorvantic policing")
    await introduce(partner, nadia.id, name="Nadia Partnerside", expertise="zelmorian schools")
    seekers = [await side.double.add_member(side.guild_id, f"seek{side.guild_id}")
               for side in (hub, partner)]  # fmt: skip

    here, there = await export(hub, nadia.id), await export(partner, nadia.id)
    assert "Nadia Hubside" in here and "quorvantic" in here
    assert "Partnerside" not in here and "zelmorian" not in here
    assert "Nadia Partnerside" in there and "Hubside" not in there and "quorvantic" not in there

    assert "Nadia Hubside" in await find(hub, seekers[0].id, "quorvantic")
    assert "Nadia" not in await find(hub, seekers[0].id, "zelmorian")
    assert "Nadia Partnerside" in await find(partner, seekers[1].id, "zelmorian")
    assert "Nadia" not in await find(partner, seekers[1].id, "quorvantic")

    # The weekly digest of her area welcomes her in each server under that server's name.
    (due,) = sql(servers.db_path, "SELECT MIN(due_at) FROM scheduled_jobs "
                 "WHERE kind = 'areas.digest' AND status = 'pending'")[0]  # fmt: skip
    servers.clock.set(stored_time(due) + timedelta(seconds=1))
    digests = {side.guild_id: await digest(side, "youth-radicalisation") for side in (hub, partner)}
    assert "Nadia Hubside" in digests[hub.guild_id] and "Partnerside" not in digests[hub.guild_id]
    assert "Nadia Partnerside" in digests[partner.guild_id]
    assert "Hubside" not in digests[partner.guild_id]

    # She leaves the partner network only: its purge is scheduled there, her hub profile stays.
    await partner.double.remove_member(partner.guild_id, nadia.id)
    jobs = sql(servers.db_path, "SELECT guild_id, due_at FROM scheduled_jobs WHERE kind = "
               "'profiles.purge' AND status = 'pending'")  # fmt: skip
    assert [(guild, days_from(servers, due)) for guild, due in jobs] == [(partner.guild_id, 7)]
    assert "Nadia Hubside" in await find(hub, seekers[0].id, "quorvantic")
    assert "Nadia" not in await find(partner, seekers[1].id, "zelmorian")
    # Each audit channel tells of its own server's members only.
    assert "Partnerside" not in texts(hub, "audit-log")
    assert "Hubside" not in texts(partner, "audit-log")


async def test_each_server_names_its_own_moderator_role(servers: Servers) -> None:
    """The partner network's moderators are its 'Coordinators': that role is a moderator
    there, and the same name means nothing on the hub."""
    hub, partner = servers, servers.other()
    partner_mod = await moderator(partner, "Pat Mod")
    missing = await config(partner, partner_mod, "set", setting="moderator_role", value="@Nobody")
    assert missing.ephemeral and missing.content == (
        "There is no role 'Nobody' on this server. Create it first, or give the name of one "
        "that exists."
    )
    coordinators = partner.double.create_role(partner.guild_id, "Coordinators", position=4)
    done = await config(partner, partner_mod, "set", setting="moderator_role",
                        value="Coordinators")  # fmt: skip
    assert "Members with the Coordinators role may use moderator commands" in done.content
    lead = await partner.double.add_member(partner.guild_id, "lead", roles=[coordinators.id])
    assert shown(await config(partner, lead.id, "show"))["Roles: moderators"] == "Coordinators"
    refused = await config(partner, partner_mod, "show")  # the old role no longer is
    assert "This command is for moderators (the 'Coordinators' role)" in refused.content
    # /hub setup makes the moderators' channel visible to the server's own moderator role.
    await partner.double.delete_channel_by_hand(partner.channel("audit-log"))
    await partner.double.run_command(partner.guild_id, lead.id, "hub setup", {})
    remade = partner.double.channel_by_name(partner.guild_id, "audit-log")
    assert remade is not None
    allowed = {int(o["id"]) for o in remade.permission_overwrites if int(o["allow"]) & 1024}
    assert coordinators.id in allowed
    assert partner.moderator_role_id not in allowed

    namesake = hub.double.create_role(hub.guild_id, "Coordinators", position=4)
    other = await hub.double.add_member(hub.guild_id, "other", roles=[namesake.id])
    assert (
        "This command is for moderators (the 'Moderator' role)"
        in (await config(hub, other.id, "show")).content
    )
    hub_mod = await moderator(hub, "Hub Mod")
    assert shown(await config(hub, hub_mod, "show"))["Roles: moderators"] == "Moderator"
