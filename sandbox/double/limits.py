"""Discord's documented limits, checked on everything the bot sends.

Each check returns a list of problems (empty when fine). The REST layer answers a problem
with 400 / code 50035, as Discord does, so a test fails exactly where Discord would refuse.
"""

from __future__ import annotations

import re
from typing import Any

MAX_CONTENT = 2000
MAX_EMBEDS = 10
EMBED_TOTAL = 6000
MAX_FIELDS = 25
MAX_CHOICES = 25
MAX_ROWS = 5
MAX_BUTTONS_PER_ROW = 5
MAX_CUSTOM_ID = 100
MAX_MODAL_COMPONENTS = 5
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
MAX_SUBCOMMANDS = 25
MAX_COMMANDS = 100


def _long(value: Any, limit: int, where: str, problems: list[str]) -> int:
    text = value if isinstance(value, str) else ""
    if len(text) > limit:
        problems.append(f"{where}: must be {limit} or fewer in length (got {len(text)})")
    return len(text)


def check_embeds(embeds: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(embeds) > MAX_EMBEDS:
        problems.append(f"embeds: must be {MAX_EMBEDS} or fewer in length")
    total = 0
    for i, embed in enumerate(embeds):
        where = f"embeds.{i}"
        total += _long(embed.get("title"), 256, f"{where}.title", problems)
        total += _long(embed.get("description"), 4096, f"{where}.description", problems)
        total += _long(
            (embed.get("footer") or {}).get("text"), 2048, f"{where}.footer.text", problems
        )
        total += _long(
            (embed.get("author") or {}).get("name"), 256, f"{where}.author.name", problems
        )
        fields = embed.get("fields") or []
        if len(fields) > MAX_FIELDS:
            problems.append(f"{where}.fields: must be {MAX_FIELDS} or fewer in length")
        for j, item in enumerate(fields):
            name, value = item.get("name"), item.get("value")
            if not name or not value:
                problems.append(f"{where}.fields.{j}: name and value are required")
            total += _long(name, 256, f"{where}.fields.{j}.name", problems)
            total += _long(value, 1024, f"{where}.fields.{j}.value", problems)
    if total > EMBED_TOTAL:
        problems.append(f"embeds: total length must be {EMBED_TOTAL} or fewer (got {total})")
    return problems


def _check_select(component: dict[str, Any], where: str, problems: list[str]) -> None:
    options = component.get("options")
    if component.get("type") == 3:
        if not options:
            problems.append(f"{where}.options: a string select needs 1 to 25 options")
        elif len(options) > MAX_CHOICES:
            problems.append(f"{where}.options: must be {MAX_CHOICES} or fewer in length")
        for k, option in enumerate(options or []):
            _long(option.get("label"), 100, f"{where}.options.{k}.label", problems)
            _long(option.get("value"), 100, f"{where}.options.{k}.value", problems)
            _long(option.get("description"), 100, f"{where}.options.{k}.description", problems)
        if options and component.get("max_values", 1) > len(options):
            problems.append(f"{where}.max_values: must be at most the number of options")
    _long(component.get("placeholder"), 150, f"{where}.placeholder", problems)


def check_components(components: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(components) > MAX_ROWS:
        problems.append(f"components: must be {MAX_ROWS} or fewer in length")
    for i, row in enumerate(components):
        children = row.get("components", [])
        if row.get("type") == 1:
            buttons = [c for c in children if c.get("type") == 2]
            if len(buttons) > MAX_BUTTONS_PER_ROW or len(children) > MAX_BUTTONS_PER_ROW:
                problems.append(f"components.{i}.components: must be 5 or fewer in length")
            if any(c.get("type") != 2 for c in children) and len(children) > 1:
                problems.append(f"components.{i}: a select must be alone in its row")
        for j, child in enumerate(children):
            where = f"components.{i}.components.{j}"
            _long(child.get("custom_id"), MAX_CUSTOM_ID, f"{where}.custom_id", problems)
            _long(child.get("label"), 80, f"{where}.label", problems)
            if child.get("type") == 2 and child.get("style") != 5 and not child.get("custom_id"):
                problems.append(f"{where}.custom_id: required for this button style")
            _check_select(child, where, problems)
    return problems


def check_message(body: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    _long(body.get("content"), MAX_CONTENT, "content", problems)
    problems += check_embeds(body.get("embeds") or [])
    problems += check_components(body.get("components") or [])
    return problems


def check_modal(body: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if not body.get("title"):
        problems.append("title: required")
    _long(body.get("title"), 45, "title", problems)
    _long(body.get("custom_id"), MAX_CUSTOM_ID, "custom_id", problems)
    rows = body.get("components") or []
    if not 1 <= len(rows) <= MAX_MODAL_COMPONENTS:
        problems.append(f"components: must be 1 to {MAX_MODAL_COMPONENTS} in length")
    for i, row in enumerate(rows):
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        if row.get("type") == 18:
            _long(row.get("label"), 45, f"components.{i}.label", problems)
        for j, text_input in enumerate(inner):
            where = f"components.{i}.components.{j}"
            _long(text_input.get("custom_id"), MAX_CUSTOM_ID, f"{where}.custom_id", problems)
            _long(text_input.get("label"), 45, f"{where}.label", problems)
            if text_input.get("type") == 4:
                if int(text_input.get("max_length") or 4000) > 4000:
                    problems.append(f"{where}.max_length: must be 4000 or less")
                _long(text_input.get("value"), 4000, f"{where}.value", problems)
                _long(text_input.get("placeholder"), 100, f"{where}.placeholder", problems)
    return problems


def check_choices(choices: list[dict[str, Any]], where: str = "choices") -> list[str]:
    problems: list[str] = []
    if len(choices) > MAX_CHOICES:
        problems.append(f"{where}: must be {MAX_CHOICES} or fewer in length")
    for i, choice in enumerate(choices):
        _long(choice.get("name"), 100, f"{where}.{i}.name", problems)
    return problems


def _check_options(options: list[dict[str, Any]], where: str, problems: list[str]) -> None:
    if len(options) > MAX_SUBCOMMANDS:
        problems.append(f"{where}: must be 25 or fewer in length")
    for i, option in enumerate(options):
        here = f"{where}.{i}"
        _check_name(option.get("name", ""), f"{here}.name", problems)
        _check_description(option.get("description", ""), f"{here}.description", problems)
        problems += check_choices(option.get("choices") or [], f"{here}.choices")
        _check_options(option.get("options") or [], f"{here}.options", problems)


def _check_name(name: str, where: str, problems: list[str]) -> None:
    if not COMMAND_NAME.match(name) or name != name.lower():
        problems.append(f"{where}: '{name}' must be 1-32 lower-case letters, digits, - or _")


def _check_description(text: str, where: str, problems: list[str]) -> None:
    if not 1 <= len(text) <= 100:
        problems.append(f"{where}: must be 1 to 100 characters (got {len(text)})")


def check_commands(commands: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(commands) > MAX_COMMANDS:
        problems.append(f"commands: must be {MAX_COMMANDS} or fewer in length")
    for i, command in enumerate(commands):
        _check_name(command.get("name", ""), f"{i}.name", problems)
        if command.get("type", 1) == 1:
            _check_description(command.get("description", ""), f"{i}.description", problems)
        _check_options(command.get("options") or [], f"{i}.options", problems)
    return problems
