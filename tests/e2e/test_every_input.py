"""Every slash command, form field and autocomplete, driven with what members might type.

The commands come from the list the bot synced, so a new command is covered the day it is
added. For each one, hypothesis draws its options (text up to the declared max_length in many
scripts, with markdown, mentions, direction overrides, huge numbers and far dates; whole
numbers at and beyond their range), runs it as a member (and, for a moderator command, as a
moderator too), fills any form it opens, and checks what Discord would: an answer in time
that fits Discord's limits, no error id and no ERROR in the bot's log, nothing that could
ping. A plain member running a moderator command is refused with no side effect.

Hypothesis runs in a worker thread and hands each interaction to the bot's event loop, so one
bot serves every example; the seed is fixed (derandomize) so CI sees the same cases.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.e2e.harness import Hub
from tests.e2e.input_probe import AUTOCOMPLETE_EXAMPLES, SETTINGS, Probe, could_ping
from tests.e2e.input_strategies import Command, form_values, leaf_commands, text, value
from tests.e2e.intro_steps import introduce


def _options(probe: Probe, command: Command, data: st.DataObject) -> dict[str, Any]:
    chosen: dict[str, Any] = {}
    for option in command.options:
        if not option.get("required") and not data.draw(st.booleans(), option["name"] + "?"):
            continue
        strategy = value(option, probe.ids)
        offered = probe.suggestions(command, option) if option.get("autocomplete") else []
        if offered:
            strategy = st.one_of(st.sampled_from(offered), strategy)
        chosen[option["name"]] = data.draw(strategy, option["name"])
    return chosen


def _exercise(probe: Probe, command: Command) -> None:
    """One command's hypothesis run: options, then any form it opens."""

    @SETTINGS
    @given(st.data())
    def example(data: st.DataObject) -> None:
        options = _options(probe, command, data)
        as_member = not command.moderator_only or data.draw(st.booleans(), "as a plain member")
        user = probe.member if as_member else probe.moderator
        if command.moderator_only and as_member:
            _refused(probe, command, options)
            return
        with probe.watching(f"/{command.name} {options}"):
            result = probe.run(command, user, options)
        if result.modal is not None:
            values = data.draw(form_values(result.modal), "form")
            double, guild = probe.hub.double, probe.hub.guild_id
            with probe.watching(f"the form of /{command.name} with {values}"):
                probe.call(lambda: double.submit_modal(guild, user, result.modal, values))

    example()


def _refused(probe: Probe, command: Command, options: dict[str, Any]) -> None:
    with probe.watching(f"/{command.name} as a member"):
        result = probe.run(command, probe.member, options)
    assert result.ephemeral and "for moderators" in result.content, result.content
    changes = [
        f"{c.method} {c.path}"
        for c in probe.calls_during
        if c.method != "GET" and "/interactions/" not in c.path and "/webhooks/" not in c.path
    ]
    assert changes == [], f"/{command.name} by a member changed {changes}"


def _autocomplete(probe: Probe, command: Command, option: dict[str, Any]) -> None:
    name = option["name"]

    @settings(SETTINGS, max_examples=AUTOCOMPLETE_EXAMPLES)
    @given(typed=text(option.get("max_length")), moderator=st.booleans())
    def example(typed: str, moderator: bool) -> None:
        double, guild = probe.hub.double, probe.hub.guild_id
        user = probe.moderator if moderator else probe.member
        with probe.watching(f"autocomplete of /{command.name} {name} {typed!r}"):
            choices = probe.call(
                lambda: double.autocomplete(guild, user, command.name, name, {name: typed})
            )
        assert len(choices) <= 25
        for choice in choices:
            assert 1 <= len(choice["name"]) <= 100 and len(str(choice["value"])) <= 100, choice

    example()


async def test_every_command_form_and_autocomplete_answers_any_input(hub: Hub) -> None:
    probe = Probe(hub, asyncio.get_running_loop())
    await probe.prepare()
    synced = hub.double.commands.get(hub.guild_id) or []
    commands = leaf_commands(synced)
    assert len(commands) > 30, "the synced command list was not read"
    logging.getLogger().addHandler(probe.errors)
    failures: list[str] = []

    def everything() -> None:
        for command in commands:
            for check in [lambda c=command: _exercise(probe, c)] + [
                lambda c=command, o=option: _autocomplete(probe, c, o)
                for option in command.autocompleted
            ]:
                try:
                    check()
                except Exception as error:  # every command is tried; all failures are listed
                    failures.append(f"/{command.name}: {type(error).__name__}: {error}"[:1500])

    try:
        await asyncio.to_thread(everything)
    finally:
        logging.getLogger().removeHandler(probe.errors)
    assert len(hub.double.interactions) > 10 * len(commands), "too few examples ran"
    assert failures == [], "\n\n".join(failures)


def test_a_message_that_could_ping_is_caught() -> None:
    """The ping check itself can fail: Discord parses every mention when allowed_mentions is
    missing, and only the listed kinds when it is given."""
    from sandbox.double.state import Message, User

    def message(content: str, allowed: dict[str, Any] | None) -> Message:
        return Message(1, 2, 3, User(4, "bot"), content=content, allowed_mentions=allowed)

    assert could_ping(message("hi @everyone", None)) == ["everyone"]
    assert could_ping(message("<@123> and <@&45>", {"parse": ["users", "roles"]})) == [
        "users",
        "roles",
    ]
    assert could_ping(message("<@123> @here", {"parse": []})) == []
    assert could_ping(message("<@123>", {"parse": [], "users": [123]})) == []


async def test_a_refusal_quotes_only_a_short_escaped_excerpt_of_what_was_typed(hub: Hub) -> None:
    """Each refusal that repeats a member's words quotes at most ~40 characters of them,
    with markdown escaped and mentions broken (bot.text.excerpt), never the whole paste."""
    moderator = await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])
    await introduce(hub, moderator.id)
    pasted = "**@everyone** " + "loud words " * 8
    cases = [
        ("areas members", {"area": pasted}),
        ("event info", {"event": pasted}),
        ("event create", {"title": "Talk", "when": "tomorrow 10:00", "timezone": pasted[:64]}),
        ("expert find", {"country": pasted[:60]}),
        ("mentor request", {"goals": "A good mentor", "languages": pasted}),
        ("announce edit", {"announcement": pasted}),
    ]
    for name, options in cases:
        answer = await hub.double.run_command(hub.guild_id, moderator.id, name, options)
        assert "\\*\\*@\u2024everyone\\*\\*" in answer.content, (name, answer.content)
        assert "loud words loud words loud words loud" not in answer.content, name
