"""The double's own behaviour: it serves what a bot uses and refuses what Discord refuses."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from sandbox.double import DiscordDouble
from sandbox.fixtures import check_no_unknown_routes, point_discord_py_at
from tests.sandbox.conftest import Probed, start_probe


async def call(double: DiscordDouble, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {double.bot_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, double.api_base + path, json=body, headers=headers) as response,
    ):
        data = await response.json() if response.status != 204 else None
        return response.status, data


# -- what a bot uses works ---------------------------------------------------------------------


async def test_every_option_type_and_an_ephemeral_answer(probed: Probed) -> None:
    d, g = probed.double, probed.guild
    role = d.create_role(g.id, "Analyst")
    amira = await d.add_member(g.id, "amira", roles=[role.id])
    channel = d.create_channel(g.id, "lab")
    await d.settle()
    result = await d.run_command(
        g.id, amira.id, "echo",
        {"text": "hi", "count": 3, "ratio": 0.5, "flag": True, "who": amira.id,
         "where": channel.id, "role": role.id},
    )  # fmt: skip
    assert result.ephemeral
    assert result.content == "hi|3|0.5|True|amira|lab|Analyst"


async def test_defer_then_follow_up(probed: Probed) -> None:
    amira = await probed.double.add_member(probed.guild.id, "amira")
    result = await probed.double.run_command(probed.guild.id, amira.id, "slow")
    assert result.type == 5
    assert result.content == "done thinking"


async def test_autocomplete(probed: Probed) -> None:
    amira = await probed.double.add_member(probed.guild.id, "amira")
    choices = await probed.double.autocomplete(
        probed.guild.id, amira.id, "fruit", focused="name", options={"name": "ap"}
    )
    assert [c["value"] for c in choices] == ["apple", "apricot"]


async def test_button_select_and_modal(probed: Probed) -> None:
    d, g = probed.double, probed.guild
    amira = await d.add_member(g.id, "amira")
    panel = await d.run_command(g.id, amira.id, "panel")
    assert not panel.ephemeral
    pressed = await d.click(g.id, amira.id, panel.message, "probe:button")
    assert pressed.type == 7 and pressed.content == f"pressed by {amira.id}"
    chosen = await d.select(g.id, amira.id, panel.message, "probe:select", ["red", "blue"])
    assert chosen.content == "chose red,blue"
    with pytest.raises(AssertionError, match="has no option"):
        await d.select(g.id, amira.id, panel.message, "probe:select", ["purple"])
    form = await d.run_command(g.id, amira.id, "form")
    assert form.modal is not None and form.modal["title"] == "Probe form"
    answered = await d.submit_modal(g.id, amira.id, form.modal, {"probe:answer": "yes"})
    assert answered.content == "you said yes"


async def test_actions_without_settling_return_at_the_answer(probed: Probed) -> None:
    """settle=False (many members acting at once, as the sandbox seed does) still waits for
    the bot's answer, only not for the bot to go quiet afterwards."""
    d, g = probed.double, probed.guild
    amira = await d.add_member(g.id, "amira")
    panel = await d.run_command(g.id, amira.id, "panel", settle=False)
    pressed = await d.click(g.id, amira.id, panel.message, "probe:button", settle=False)
    assert pressed.answered() and pressed.content == f"pressed by {amira.id}"
    chosen = await d.select(g.id, amira.id, panel.message, "probe:select", ["red"], settle=False)
    assert chosen.content == "chose red"
    form = await d.run_command(g.id, amira.id, "form", settle=False)
    answered = await d.submit_modal(
        g.id, amira.id, form.modal, {"probe:answer": "yes"}, settle=False
    )
    assert answered.content == "you said yes"


async def test_other_routes_and_their_refusals(probed: Probed) -> None:
    d, g = probed.double, probed.guild
    d.create_role(g.id, "High", position=60)
    closed = await d.add_member(g.id, "closed", dms_open=False)
    result = await d.run_command(g.id, closed.id, "work", {"who": closed.id})
    assert result.content == "worked"
    results = probed.bot.probe.results
    assert results["dm"] == 50007
    assert results["add_low"] == 0 and results["remove_low"] == 0
    assert results["add_high"] == 50013
    room = d.channels[results["room"]]
    assert room.name == "quiet-room-2" and room.topic == "for tests"
    overwrites = {o["id"] for o in room.permission_overwrites}
    assert overwrites == {str(g.id), str(d.bot_user.id), str(closed.id)}
    assert d.channels[room.parent_id or 0].type == 4
    assert d.messages[results["message"]].pinned
    assert d.messages[results["message"]].content == "pinned"
    thread = d.channels[results["thread"]]
    assert thread.type == 12 and closed.id in thread.thread_members
    assert d.scheduled_events(g.id) == []
    assert any(c.path.endswith(f"scheduled-events/{results['event']}") for c in d.calls)
    open_member = await d.add_member(g.id, "open")
    await d.run_command(g.id, open_member.id, "work", {"who": open_member.id})
    assert d.dms_of(open_member.id)[0].content == "hello"


async def test_persistent_view_works_after_restart(discord_double: DiscordDouble) -> None:
    d = discord_double
    guild = d.create_guild("Probe")
    with point_discord_py_at(d):
        bot, task = await start_probe(d, guild)
        amira = await d.add_member(guild.id, "amira")
        panel = await d.run_command(guild.id, amira.id, "panel")
        await bot.close()
        await task
        bot, task = await start_probe(d, guild)
        pressed = await d.click(guild.id, amira.id, panel.message, "probe:button")
        assert pressed.content == f"pressed by {amira.id}"
        await bot.close()
        await task


async def test_member_side_events_reach_the_bot(probed: Probed) -> None:
    d, g, bot = probed.double, probed.guild, probed.bot
    seen: list[str] = []

    async def on_message(message: Any) -> None:
        seen.append(message.content)

    bot.add_listener(on_message)
    amira = await d.add_member(g.id, "amira")
    general = next(iter(g.channels))
    await d.post_message(general, amira.id, "hello everyone")
    assert seen == ["hello everyone"]
    role = d.create_role(g.id, "Reader")
    await d.set_member_roles(g.id, amira.id, [role.id])
    cached = bot.get_guild(g.id)
    assert cached is not None
    member = cached.get_member(amira.id)
    assert member is not None and [r.name for r in member.roles[1:]] == ["Reader"]
    await d.delete_role_by_hand(g.id, role.id)
    assert cached.get_role(role.id) is None
    await d.delete_channel_by_hand(general)
    assert bot.get_channel(general) is None
    await d.remove_member(g.id, amira.id)
    assert cached.get_member(amira.id) is None


# -- faults ---------------------------------------------------------------------------------------


async def test_gateway_dropped_mid_session_resumes(probed: Probed) -> None:
    d, g = probed.double, probed.guild
    amira = await d.add_member(g.id, "amira")
    await d.drop_gateway()
    ben = await d.add_member(g.id, "ben")
    await d.wait_for(lambda: d.gateway.resumes == 1, what="the bot to resume")
    result = await d.run_command(g.id, ben.id, "slow")
    assert result.content == "done thinking"
    assert probed.bot.get_guild(g.id) is not None
    assert probed.bot.get_guild(g.id).get_member(ben.id) is not None  # type: ignore[union-attr]
    assert amira.id != ben.id


async def test_burst_under_a_low_rate_limit_loses_nothing(probed: Probed) -> None:
    d, g = probed.double, probed.guild
    d.rate_limit_per_second = 5
    channel = probed.bot.get_channel(next(iter(g.channels)))
    assert channel is not None
    await asyncio.gather(*(channel.send(f"n{i}") for i in range(20)))  # type: ignore[union-attr]
    assert sorted(m.content for m in d.messages_in(channel.id)) == sorted(
        f"n{i}" for i in range(20)
    )
    assert d.rate_limited > 0


def _row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


def _button(custom_id: str) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": "b", "custom_id": custom_id}


# -- Discord's limits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"content": "x" * 2001}, "content: must be 2000 or fewer"),
        ({"embeds": [{"description": "x" * 4000}, {"description": "x" * 2001}]}, "total length"),
        ({"embeds": [{"title": "t" * 257}]}, "title: must be 256"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "fields: must be 25"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, "value: must be 1024"),
        ({"components": [_row(_button("b" * 101))]}, "custom_id: must be 100"),
        ({"components": [_row(_button(f"b{i}")) for i in range(6)]}, "components: must be 5"),
        ({"components": [_row(*(_button(f"b{i}") for i in range(6)))]}, "must be 5 or fewer"),
        ({"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "options": [
            {"label": str(i), "value": str(i)} for i in range(26)]}]}]}, "options: must be 25"),
    ],
)  # fmt: skip
async def test_messages_over_limits_are_refused(
    discord_double: DiscordDouble, body: dict[str, Any], problem: str
) -> None:
    guild = discord_double.create_guild("Limits")
    channel = next(iter(guild.channels))
    status, data = await call(discord_double, "POST", f"/channels/{channel}/messages", body)
    assert status == 400 and data["code"] == 50035
    assert problem in data["message"]


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ({"name": "Hub", "description": "d"}, "lower-case"),
        ({"name": "x" * 33, "description": "d"}, "1-32"),
        ({"name": "hub", "description": ""}, "1 to 100"),
        ({"name": "hub", "description": "d", "options": [
            {"type": 1, "name": f"s{i}", "description": "d"} for i in range(26)]}, "25 or fewer"),
        ({"name": "hub", "description": "d", "options": [{"type": 3, "name": "o",
            "description": "d", "choices": [{"name": f"{i}", "value": "v"} for i in range(26)]}]},
         "25 or fewer"),
    ],
)  # fmt: skip
async def test_bad_commands_are_refused(
    discord_double: DiscordDouble, command: dict[str, Any], problem: str
) -> None:
    app = discord_double.application_id
    status, data = await call(discord_double, "PUT", f"/applications/{app}/commands", [command])
    assert status == 400 and problem in data["message"]


async def test_interaction_callback_rules(discord_double: DiscordDouble) -> None:
    d = discord_double
    guild = d.create_guild("Rules")
    member = await d.add_member(guild.id, "amira")
    modal = {"title": "Form", "custom_id": "f", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": f"t{i}", "label": "L", "style": 1}]}
        for i in range(6)]}  # fmt: skip
    record = d._new_interaction(2, guild.id, member.id, {"name": "x"})
    path = f"/interactions/{record.id}/{record.token}/callback"
    status, data = await call(d, "POST", path, {"type": 9, "data": modal})
    assert status == 400 and "components: must be 1 to 5" in data["message"]
    status, _ = await call(d, "POST", path, {"type": 4, "data": {"content": "ok"}})
    assert status == 204
    status, data = await call(d, "POST", path, {"type": 4, "data": {"content": "again"}})
    assert status == 400 and data["code"] == 40060

    d.interaction_deadline = 0.05
    late = d._new_interaction(2, guild.id, member.id, {"name": "x"})
    await asyncio.sleep(0.1)
    status, data = await call(
        d, "POST", f"/interactions/{late.id}/{late.token}/callback", {"type": 5}
    )
    assert status == 404 and data["code"] == 10062

    d.token_lifetime = 0.05
    await asyncio.sleep(0.1)
    status, data = await call(
        d, "POST", f"/webhooks/{d.application_id}/{record.token}", {"content": "x"}
    )
    assert status == 401 and data["code"] == 50027

    record = d._new_interaction(4, guild.id, member.id, {"name": "x"})
    d.interaction_deadline = 3.0
    choices = [{"name": str(i), "value": str(i)} for i in range(26)]
    status, data = await call(
        d,
        "POST",
        f"/interactions/{record.id}/{record.token}/callback",
        {"type": 8, "data": {"choices": choices}},
    )
    assert status == 400 and "choices: must be 25" in data["message"]


async def test_posting_needs_send_messages(discord_double: DiscordDouble) -> None:
    from sandbox.double.state import BOT_PERMISSIONS, SEND_MESSAGES

    guild = discord_double.create_guild("Perms")
    channel = discord_double.create_channel(guild.id, "news")
    path = f"/channels/{channel.id}/messages"
    status, _ = await call(discord_double, "POST", path, {"content": "hello"})
    assert status == 200
    guild.everyone.permissions &= ~SEND_MESSAGES
    discord_double.set_bot_permissions(guild.id, BOT_PERMISSIONS & ~SEND_MESSAGES, announce=False)
    status, body = await call(discord_double, "POST", path, {"content": "again"})
    assert (status, body["code"]) == (403, 50013)
    assert [m.content for m in discord_double.messages_in(channel.id)] == ["hello"]


async def test_a_private_thread_needs_create_private_threads(
    discord_double: DiscordDouble,
) -> None:
    from sandbox.double.state import BOT_PERMISSIONS, CREATE_PRIVATE_THREADS

    guild = discord_double.create_guild("Perms")
    channel = discord_double.create_channel(guild.id, "requests")
    path = f"/channels/{channel.id}/threads"
    status, _ = await call(discord_double, "POST", path, {"name": "a", "type": 12})
    assert status == 201
    less = BOT_PERMISSIONS & ~CREATE_PRIVATE_THREADS
    discord_double.set_bot_permissions(guild.id, less, announce=False)
    status, body = await call(discord_double, "POST", path, {"name": "b", "type": 12})
    assert (status, body["code"]) == (403, 50013)
    status, _ = await call(discord_double, "POST", path, {"name": "c", "type": 11})
    assert status == 201  # public threads need their own permission, still given
    assert [t.name for t in discord_double.threads_in(guild.id)] == ["a", "c"]


async def test_unknown_route_is_recorded_and_fails_the_test(discord_double: DiscordDouble) -> None:
    status, _ = await call(discord_double, "GET", "/guilds/1/audit-logs")
    assert status == 404
    assert discord_double.unknown_routes == ["GET /guilds/1/audit-logs"]
    with pytest.raises(AssertionError, match="routes the double does not serve"):
        check_no_unknown_routes(discord_double)
    discord_double.unknown_routes.clear()


async def test_wrong_token_is_unauthorized(discord_double: DiscordDouble) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            discord_double.api_base + "/users/@me", headers={"Authorization": "Bot x"}
        ) as r,
    ):
        assert r.status == 401


async def test_a_thread_can_be_archived_and_locked(discord_double: DiscordDouble) -> None:
    guild = discord_double.create_guild("Threads")
    channel = discord_double.create_channel(guild.id, "introductions")
    status, thread = await call(
        discord_double, "POST", f"/channels/{channel.id}/threads", {"name": "pair", "type": 12}
    )
    assert status == 201 and thread["thread_metadata"]["archived"] is False
    path = f"/channels/{thread['id']}"
    status, edited = await call(discord_double, "PATCH", path, {"archived": True, "locked": True})
    assert status == 200
    assert edited["thread_metadata"]["archived"] is True
    assert edited["thread_metadata"]["locked"] is True
    assert discord_double.channels[int(thread["id"])].archived
