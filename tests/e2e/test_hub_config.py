"""/hub config show|set|reset: per-server settings with the environment as default,
validated, audited, with autocomplete and a preview of the effect."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.server_settings import CONFIGURABLE
from tests.e2e.announce_steps import schedule, scheduled
from tests.e2e.audit_steps import audit_entry, audit_text
from tests.e2e.harness import Hub
from tests.e2e.mentor_steps import offer, person, request


async def moderator(hub: Hub, name: str = "mod") -> int:
    return (await hub.double.add_member(hub.guild_id, name, roles=[hub.moderator_role_id])).id


async def config(hub: Hub, user_id: int, sub: str, **options: Any) -> Any:
    return await hub.double.run_command(hub.guild_id, user_id, f"hub config {sub}", options)


def stored(hub: Hub) -> dict[str, str]:
    with sqlite3.connect(hub.db_path) as db:
        return dict(db.execute("SELECT name, value FROM server_settings").fetchall())


def fields(result: Any) -> dict[str, str]:
    return {f["name"]: f["value"] for f in result.embeds[0]["fields"]}


async def test_show_lists_each_setting_with_its_value_and_where_it_comes_from(hub: Hub) -> None:
    mod = await moderator(hub)
    shown = await config(hub, mod, "show")
    assert shown.ephemeral
    found = fields(shown)
    weight = found["Mentoring: weight of shared areas"]
    assert weight.startswith("**1**: the default, from HUB_MENTOR_WEIGHT_AREAS.")
    assert "takes a number from 0 to 10" in weight
    assert found["Announcements: second moderator approves"].startswith("**off**: the default")


async def test_set_validates_stores_audits_and_says_the_effect_then_reset(hub: Hub) -> None:
    mod = await moderator(hub, "Nadia Karim")
    wrong = await config(hub, mod, "set", setting="mentor_weight_areas", value="11")
    assert wrong.ephemeral and wrong.content == (
        "11 is outside the range: Mentoring: weight of shared areas takes a number from 0 to 10."
    )
    dry = await config(hub, mod, "set", setting="mentor_weight_areas", value="1,5", preview=True)
    assert dry.content.startswith("Preview, nothing saved: Mentoring: weight of shared areas")
    assert "shared areas 1.5 (45%)" in dry.content and stored(hub) == {}

    done = await config(hub, mod, "set", setting="mentor_weight_areas", value="1,5")
    assert done.content.startswith(
        "Mentoring: weight of shared areas is now 1.5 on this server (was 1)."
    )
    assert "A match's score weighs shared areas 1.5 (45%), goals and expertise 1 (30%)" in (
        done.content
    )
    assert "Before: shared areas 1 (36%)" in done.content
    assert stored(hub) == {"mentor_weight_areas": "1.5"}
    entry = audit_text(await audit_entry(hub, "changed a setting for this server"))
    assert entry.startswith(f"**Nadia Karim** (<@{mod}>) changed a setting for this server.")
    assert "Setting: Mentoring: weight of shared areas" in entry
    assert "Was: 1" in entry and "Now: 1.5" in entry
    own = fields(await config(hub, mod, "show"))["Mentoring: weight of shared areas"]
    assert own.startswith("**1.5**: this server's own (the default is 1).")

    back = await config(hub, mod, "reset", setting="mentor_weight_areas")
    assert back.content.startswith("Mentoring: weight of shared areas is back to the default, 1")
    assert stored(hub) == {}
    again = await config(hub, mod, "reset", setting="mentor_weight_areas")
    assert again.content == (
        "Mentoring: weight of shared areas already uses the default (1); nothing changed."
    )
    await audit_entry(hub, "put a setting for this server back to its default")


async def test_the_approval_switch_takes_effect_on_this_server(hub: Hub) -> None:
    mod = await moderator(hub)
    wrong = await config(hub, mod, "set", setting="announce_require_approval", value="maybe")
    assert wrong.content.startswith("'maybe' is not on or off.")
    done = await config(hub, mod, "set", setting="announce_require_approval", value="on")
    assert "New announcements wait for another moderator's Approve in #audit-log" in (done.content)
    preview = await schedule(hub, mod, "in 2 days at 10:00")
    assert "A second moderator must then approve it." in str(preview.message.payload())
    confirmed = await scheduled(hub, mod, "in 3 days at 10:00", title="Second")
    assert "waiting for a second moderator's approval" in confirmed.content, confirmed.content


async def test_autocomplete_offers_the_settings_and_fitting_values(hub: Hub) -> None:
    mod = await moderator(hub)
    names = await hub.double.autocomplete(hub.guild_id, mod, "hub config set", "setting",
                                          {"setting": "weight"})  # fmt: skip
    assert [c["value"] for c in names] == [
        "mentor_weight_areas", "mentor_weight_text", "mentor_weight_hours",
        "mentor_weight_country",
    ]  # fmt: skip
    switch = await hub.double.autocomplete(hub.guild_id, mod, "hub config set", "value",
        {"setting": "announce_require_approval", "value": ""})  # fmt: skip
    assert [c["value"] for c in switch] == ["on", "off"]
    weight = await hub.double.autocomplete(hub.guild_id, mod, "hub config set", "value",
        {"setting": "mentor_weight_hours", "value": ""})  # fmt: skip
    assert [c["value"] for c in weight][:3] == ["0.5", "0", "1"]


async def test_a_member_cannot_change_settings(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    refused = await config(hub, amira.id, "set", setting="mentor_weight_areas", value="2")
    assert "This command is for moderators" in refused.content
    assert stored(hub) == {}


async def test_the_mentoring_weights_change_the_next_rounds_scores(hub: Hub) -> None:
    mod = await moderator(hub)
    mentor = await person(hub, "Nora Lind", stage="senior", country="SE",
                          affiliation="Uppsala University")  # fmt: skip
    mentee = await person(hub, "Ana Lima")
    assert "saved" in (await offer(hub, mentor)).content
    await request(hub, mentee)

    async def total() -> str:
        dry = await hub.double.run_command(hub.guild_id, mod, "mentor-admin match",
                                           {"dry_run": True})  # fmt: skip
        footer: str = dry.embeds[0]["footer"]["text"]
        return footer.split("Total score ")[1][:4]

    before = await total()
    for name in ("mentor_weight_areas", "mentor_weight_text", "mentor_weight_hours",
                 "mentor_weight_country"):  # fmt: skip
        await config(hub, mod, "set", setting=name, value="0")
    assert before != "0.00" and await total() == "0.00"


async def test_settings_that_outgrow_one_message_are_shown_on_pages(hub: Hub) -> None:
    """Channels and roles with 100-character names (Discord's longest) push the settings
    past one message's 6,000 characters: Previous and Next turn the pages, and only for a
    moderator."""
    mod = await moderator(hub)
    names = {name: (name.replace("_", "-") + "-" + "x" * 100)[:100] for name in CONFIGURABLE
             if name.endswith(("_channel", "_role"))}  # fmt: skip
    for name, long_name in names.items():
        if name.endswith("_channel"):
            hub.double.create_channel(hub.guild_id, long_name)
        else:
            role = hub.double.create_role(hub.guild_id, long_name)
            if name == "moderator_role":
                await hub.double.set_member_roles(
                    hub.guild_id, mod, [hub.moderator_role_id, role.id]
                )
    for name, long_name in names.items():
        done = await config(hub, mod, "set", setting=name, value=long_name)
        assert "is now" in done.content, done.content

    first = await config(hub, mod, "show")
    assert first.ephemeral and first.embeds[0]["footer"]["text"] == "Page 1 of 2"
    shown = fields(first)  # the page is replaced in place when it is turned
    following = await hub.double.click(
        hub.guild_id, mod, first.message, "page:config:settings:1:next"
    )
    assert following.embeds[0]["footer"]["text"] == "Page 2 of 2"
    shown |= fields(following)
    assert list(shown) == [s.label for s in CONFIGURABLE.values()]
    assert shown["Channels: expert requests"].startswith(f"**{names['requests_channel']}**")

    await hub.double.set_member_roles(hub.guild_id, mod, [])  # no longer a moderator
    refused = await hub.double.click(
        hub.guild_id, mod, following.message, "page:config:settings:0:prev"
    )
    assert refused.ephemeral and refused.content == "The server's settings are for moderators."
