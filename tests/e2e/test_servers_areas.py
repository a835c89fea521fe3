"""One bot, two servers with different challenge areas (issue 20): a partner network's
moderators download the list in force, edit it and upload it as their own; its members,
channels, searches and events then use that list while the hub keeps the bot's file, and
the list survives a restart until they reset it."""

from __future__ import annotations

import tomllib
from typing import Any

import tomli_w

from sandbox.double import Upload
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce
from tests.e2e.servers_steps import Servers, moderator, servers, sql

__all__ = ["servers"]  # the two-server fixture, from servers_steps

NEW_AREA = {
    "slug": "far-right-online",
    "name": "Far-right online",
    "group": "acute",
    "purpose": "How far-right movements organise and recruit on fringe and gaming platforms.",
    "questions": ["Which platforms matter most for recruitment?"],
}


async def admin(hub: Hub, mod: int, sub: str, **options: Any) -> Any:
    return await hub.double.run_command(hub.guild_id, mod, f"areas-admin {sub}", options)


async def download(hub: Hub, mod: int) -> tuple[str, dict[str, Any]]:
    answer = await admin(hub, mod, "download")
    assert answer.ephemeral, answer.content
    [attachment] = answer.attachments
    assert attachment["filename"] == "challenge-areas.toml"
    text = attachment["bytes"].decode("utf-8")
    return answer.content, tomllib.loads(text)


def own_list(hub_list: dict[str, Any]) -> bytes:
    """The partner's list: youth radicalisation renamed, data kept, one new area, the rest
    dropped."""
    kept = {a["slug"]: a for a in hub_list["area"]}
    youth = kept["youth-radicalisation"] | {"name": "Young people and extremism"}
    areas = [youth, kept["data"], NEW_AREA]
    return tomli_w.dumps({"groups": hub_list["groups"], "area": areas}).encode("utf-8")


async def area_names(hub: Hub, user_id: int, command: str = "expert find") -> list[str]:
    choices = await hub.double.autocomplete(hub.guild_id, user_id, command, "area", {"area": ""})
    return [c["name"] for c in choices]


async def test_a_partner_uploads_its_own_areas_and_only_it_uses_them(servers: Servers) -> None:
    hub, partner = servers, servers.other()
    mod = await moderator(partner, "Pat Mod")
    said, current = await download(partner, mod)
    assert said.startswith("The bot's list (this server has none of its own yet): 10 areas.")
    assert len(current["area"]) == 10
    mine = own_list(current)

    for upload, wrong in (
        (Upload("areas.toml", b"[[area]\nslug = "),
         "Nothing was changed: areas.toml: not valid TOML"),
        (Upload("areas.toml", mine.replace(b'group = "acute"', b'group = "urgent"')),
         "Nothing was changed: areas.toml: area 1 ('youth-radicalisation'): group 'urgent' "
         "is not one of: acute, chronic, cross-cutting. Fix it"),
        (Upload("areas.toml", b"\xff\xfe\x00bad"), "That file is not text (UTF-8)."),
        (Upload("areas.toml", b"#" * 100_001),
         "That file is 100 KB; a list of areas fits in 100 KB."),
    ):  # fmt: skip
        refused = await admin(partner, mod, "upload", file=upload)
        assert refused.ephemeral and refused.content.startswith(wrong), refused.content

    preview = await admin(partner, mod, "upload", file=Upload("ours.toml", mine), preview=True)
    assert preview.content.startswith(
        "Preview, nothing saved: this server's areas would become the 3 of ours.toml."
    ), preview.content
    assert "New: Far-right online." in preview.content
    assert "Renamed: Youth radicalisation to Young people and extremism." in preview.content
    assert "Dropped: Disinformation (no member chose it;" in preview.content
    assert len(await area_names(partner, mod)) == 10

    done = await admin(partner, mod, "upload", file=Upload("ours.toml", mine))
    assert done.content.startswith("This server now has its own 3 challenge areas."), done.content
    assert "Run /hub setup to create the channels and roles of new areas" in done.content
    settings = await partner.double.run_command(partner.guild_id, mod, "hub config show")
    assert "Challenge areas: this server's own list of 3" in settings.embeds[0]["description"]
    hub_mod = await moderator(hub, "Hub Mod")
    settings = await hub.double.run_command(hub.guild_id, hub_mod, "hub config show")
    assert "Challenge areas: the bot's list of 10" in settings.embeds[0]["description"]
    actions = sql(servers.db_path, "SELECT action FROM audit_log WHERE guild_id = ?",
                  partner.guild_id)  # fmt: skip
    assert ("areas.list_uploaded",) in actions

    # The partner's members choose among its three areas; the hub's still among ten.
    expected = ["Young people and extremism", "Data", "Far-right online"]
    assert sorted(await area_names(partner, mod)) == sorted(expected)
    hub_areas = await area_names(hub, hub_mod)
    assert len(hub_areas) == 10 and "Far-right online" not in hub_areas
    zoe = await partner.double.add_member(partner.guild_id, "zoe")
    await introduce(partner, zoe.id, name="Zoe Partner", areas=("far-right-online",),
                    expertise="far-right recruitment")  # fmt: skip
    asked = {"query": "recruitment", "area": "Far-right online"}
    found = await partner.double.run_command(partner.guild_id, mod, "expert find", asked)
    assert "Zoe Partner" in str(found.embeds), found.content
    asked = {"query": "recruitment", "area": "far-right-online"}
    refused = await hub.double.run_command(hub.guild_id, hub_mod, "expert find", asked)
    assert refused.ephemeral and refused.content.startswith("There is no area"), refused.content

    # Set-up makes the partner's channels from its own list, and the hub's from the file.
    await partner.double.run_command(partner.guild_id, mod, "hub setup", {})
    channels = {c.name for c in partner.double.guilds[partner.guild_id].channels.values()}
    assert {"far-right-online", "data"} <= channels
    assert "disinformation" not in channels

    # A restart keeps the list; the downloaded file is the one in force.
    await servers.restart()
    said, again = await download(partner, mod)
    assert said.startswith("This server's own list: 3 areas.")
    assert [a["slug"] for a in again["area"]] == [
        "youth-radicalisation",
        "data",
        "far-right-online",
    ]

    # Reset: the bot's list again; Zoe's choice is kept for if the area comes back.
    back = await admin(partner, mod, "reset")
    assert back.content.startswith("This server uses the bot's list of challenge areas again.")
    assert "Dropped: Far-right online (1 member chose it;" in back.content
    assert len(await area_names(partner, mod)) == 10
    kept = sql(servers.db_path, "SELECT area_slug FROM profile_areas WHERE user_id = ?", zoe.id)
    assert kept == [("far-right-online",)]
    again_reset = await admin(partner, mod, "reset")
    assert again_reset.ephemeral and again_reset.content.startswith(
        "This server already uses the bot's list"
    )


async def test_only_moderators_change_a_servers_areas(servers: Servers) -> None:
    partner = servers.other()
    member = await partner.double.add_member(partner.guild_id, "member")
    refused = await admin(partner, member.id, "upload", file=Upload("a.toml", b"x = 1"))
    assert refused.ephemeral and "moderator" in refused.content.lower(), refused.content
    assert sql(servers.db_path, "SELECT COUNT(*) FROM server_areas") == [(0,)]
