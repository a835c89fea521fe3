"""Every slash command as Discord shows it: each free-text option declares how long it may
be, so Discord's client stops a member at the limit instead of sending 6,000 characters."""

from __future__ import annotations

from typing import Any

from bot.text import excerpt, fit
from tests.e2e.harness import Hub

STRING = 3


def _options(command: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []

    def walk(prefix: str, options: list[dict[str, Any]] | None) -> None:
        for option in options or []:
            if option["type"] in (1, 2):  # a subcommand or a group of them
                walk(f"{prefix} {option['name']}", option.get("options"))
            else:
                found.append((prefix, option))

    walk(command["name"], command.get("options"))
    return found


async def test_every_free_text_option_declares_a_max_length(hub: Hub) -> None:
    commands = hub.double.commands.get(hub.guild_id) or hub.double.commands.get(None) or []
    assert commands, "no commands were synced"
    unbounded = [
        f"/{where} {option['name']}"
        for command in commands
        for where, option in _options(command)
        if option["type"] == STRING and not option.get("choices")
        and not 1 <= (option.get("max_length") or 0) <= 6000
    ]  # fmt: skip
    assert unbounded == []
    unranged = [
        f"/{where} {option['name']}"
        for command in commands
        for where, option in _options(command)
        if option["type"] == 4 and ("min_value" not in option or "max_value" not in option)
    ]
    assert unranged == []
    lengths = {
        f"{where} {option['name']}": option.get("max_length")
        for command in commands
        for where, option in _options(command)
    }
    assert lengths["event create when"] == 100
    assert lengths["profile timezone zone"] == 64


def test_a_quote_of_member_text_is_short_escaped_and_cannot_ping() -> None:
    pasted = "@everyone **look** " + "word " * 2000
    quoted = excerpt(pasted)
    assert len(quoted) <= 60
    assert quoted.endswith("…") and "@everyone" not in quoted and "\\*\\*look" in quoted


def test_any_answer_is_cut_to_fit_discord_at_a_word() -> None:
    text = "Sorry: " + "long words here " * 400
    cut = fit(text, 2000)
    assert len(cut) <= 2000 and cut.endswith("…")
    assert cut[:-1].split()[-1] in {"long", "words", "here"}  # whole words only
    assert fit("short", 2000) == "short"


async def test_moderator_commands_are_hidden_from_members_by_discord(hub: Hub) -> None:
    """Discord applies default_member_permissions to top-level commands only, so every
    moderator command sits under a top-level command that carries it (Manage Server)."""
    commands = hub.double.commands.get(hub.guild_id) or hub.double.commands.get(None) or []
    hidden = {c["name"]: c.get("default_member_permissions") for c in commands}
    manage_server = str(1 << 5)
    for name in ("announce", "hub", "mentor-admin", "areas-admin"):
        assert hidden[name] == manage_server, name
    for name in ("about", "introduce", "profile", "areas", "expert", "event", "mentor"):
        assert hidden[name] is None, name
    member = await hub.double.add_member(hub.guild_id, "amira")
    refused = await hub.double.run_command(hub.guild_id, member.id, "hub health")
    assert refused.ephemeral and "for moderators" in refused.content  # the real guard stays
