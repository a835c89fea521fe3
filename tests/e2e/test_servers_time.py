"""One bot, two servers on different clocks (issue 20): a partner network in Nairobi sets
its own time zone with /hub config; its weekly digest, monthly report and matching round
follow 09:00 of its clock, and times its members type are read in it, while the hub keeps
the environment's zone. Verification and who sees area channels are each server's too."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.event_steps import confirm, create
from tests.e2e.intro_steps import introduce
from tests.e2e.servers_steps import (
    Servers,
    config,
    moderator,
    pending_due,
    servers,
    shown,
    sql,
)

__all__ = ["servers"]  # the two-server fixture, from servers_steps

NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.mark.clock_at(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))  # a Tuesday
async def test_a_server_in_another_time_zone_runs_its_digest_report_and_events_on_its_clock(
    servers: Servers,
) -> None:
    hub, partner = servers, servers.other()
    mod = await moderator(partner, "Pat Mod")
    for typed, said in (
        ("Atlantis", "'Atlantis' is not a time zone I know. Time: the server's time zone takes "
         "a time zone or its city, e.g. Europe/Berlin or Nairobi."),
        ("new", "'new' is not a time zone I know. Did you mean America/New_York"),
    ):  # fmt: skip
        refused = await config(partner, mod, "set", setting="server_timezone", value=typed)
        assert refused.ephemeral and refused.content.startswith(said), refused.content
    assert shown(await config(partner, mod, "show"))["Time: the server's time zone"] == "UTC"

    before = pending_due(servers, "areas.digest")
    moved = await config(partner, mod, "set", setting="server_timezone", value="nairobi")
    assert moved.content.startswith(
        "Time: the server's time zone is now Africa/Nairobi on this server (was UTC)."
    ), moved.content
    assert "the next weekly digest, monthly report and matching round move" in moved.content

    # The partner's digest and monthly report moved to 09:00 in Nairobi; the hub's did not.
    digest, monthly = pending_due(servers, "areas.digest"), pending_due(servers, "reports.monthly")
    for due in (digest[partner.guild_id], monthly[partner.guild_id]):
        assert (due.astimezone(NAIROBI).hour, due.minute) == (9, 0)
    assert digest[partner.guild_id] == before[partner.guild_id].replace(hour=6)
    assert digest[hub.guild_id] == before[hub.guild_id]
    assert (digest[hub.guild_id].hour, monthly[hub.guild_id].hour) == (9, 9)
    audit = sql(servers.db_path, "SELECT details FROM audit_log WHERE guild_id = ? AND action = "
                "'hub.config_set'", partner.guild_id)  # fmt: skip
    assert "Africa/Nairobi" in audit[-1][0]

    # An organiser with no zone in their profile types a time: it is read on the server's
    # clock.
    for server, organiser in ((partner, mod), (hub, await moderator(hub, "Hub Mod"))):
        preview = await create(server, organiser, when="2027-03-10 15:00", title="Seminar")
        assert preview.message is not None, preview.content
        await confirm(server, organiser, preview)
    rows = dict(sql(servers.db_path, "SELECT guild_id, starts_at || ' ' || timezone FROM events"))
    assert rows[partner.guild_id] == "2027-03-10T12:00:00.000000Z Africa/Nairobi"
    assert rows[hub.guild_id] == "2027-03-10T15:00:00.000000Z UTC"

    # Back to the default: the partner's digest is at 09:00 UTC again.
    await config(partner, mod, "reset", setting="server_timezone")
    assert pending_due(servers, "areas.digest")[partner.guild_id] == before[partner.guild_id]


async def test_one_server_turns_verification_off_while_the_environment_turns_it_on(
    servers: Servers,
) -> None:
    hub, partner = servers, servers.other()
    servers.overrides["verification_channel"] = "verification"
    await servers.restart()
    mod = await moderator(partner, "Pat Mod")
    off = await config(partner, mod, "set", setting="verification_channel", value="none")
    assert off.content.startswith(
        "Channels: verification queue is now none on this server (was verification)."
    ), off.content
    assert "Verification is off from now on" in off.content
    zoe = await partner.double.add_member(partner.guild_id, "zoe")
    done = await introduce(partner, zoe.id, name="Zoe Partner")
    assert "approved" not in done.content, done.content
    assert partner.messages("verification") == []
    hana = await hub.double.add_member(hub.guild_id, "hana")
    await introduce(hub, hana.id, name="Hana Hub")
    await hub.double.wait_for(lambda: len(hub.messages("verification")) == 1,
                              what="the hub's queue still in use")  # fmt: skip


async def test_one_server_opens_area_channels_to_each_areas_members_only(
    servers: Servers,
) -> None:
    hub, partner = servers, servers.other()
    mod = await moderator(partner, "Pat Mod")
    wrong = await config(partner, mod, "set", setting="area_access", value="everyone")
    assert wrong.ephemeral and "takes introduced or members" in wrong.content, wrong.content
    done = await config(partner, mod, "set", setting="area_access", value="Members")
    assert "Run /hub setup to apply it" in done.content, done.content
    for server in (partner, hub):
        owner = mod if server is partner else await moderator(hub, "Hub Mod")
        await server.double.run_command(server.guild_id, owner, "hub setup", {})

    def openers(server: object) -> set[str]:
        assert server is hub or server is partner
        channel = server.double.channel_by_name(server.guild_id, "youth-radicalisation")
        assert channel is not None
        allowed = {int(o["id"]) for o in channel.permission_overwrites if int(o["allow"]) & 1024}
        roles = server.double.guilds[server.guild_id].roles
        return {roles[r].name for r in allowed if r in roles}

    assert "Introduced" not in openers(partner) and "Introduced" in openers(hub)
    assert len(openers(partner) - {"Introduced"}) >= 1
