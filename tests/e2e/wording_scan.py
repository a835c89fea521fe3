"""What the bot said to people, gathered from the double, and the faults a reader would see.

Every message, embed, component label and ephemeral answer the bot wrote is read as text
(links and Discord's own markup taken out first, since a link or ``<@id>`` is not shown as
digits) and checked for machine wording: "(s)" plurals, internal ids ("member:123", bare
snowflakes), slugs where an area's title belongs, login handles where a name is known, raw
JSON, and dates written as data ("2026-12-02") instead of "2 December 2026".
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.challenge_areas import load_areas
from sandbox.double import DiscordDouble

_LINK = re.compile(r"https?://\S+")
_DISCORD_MARKUP = re.compile(r"<(?:@[!&]?|#|t:|/[\w -]+:)\d+(?::\w)?>")
_PLURAL = re.compile(r"\w\((?:s|es)\)")
_INTERNAL_ID = re.compile(r"\b(?:member|user|guild|channel|role|event|pairing):\d+\b")
_SNOWFLAKE = re.compile(r"(?<![\w#])\d{17,20}(?!\w)")
_JSON = re.compile(r"```json|\{\s*\"\w+\"\s*:")
_ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")


@dataclass(frozen=True)
class Said:
    """One piece of text the bot showed, and where, so a failure points at it."""

    where: str
    text: str


def said_by_bot(double: DiscordDouble, skip_channels: Iterable[int] = ()) -> Iterator[Said]:
    """Every text the bot wrote that a person reads: content, embed parts, component
    labels, placeholders and select options, in channels, threads, DMs and ephemerals."""
    skipped = set(skip_channels)
    for message in list(double.messages.values()):
        if message.author.id != double.bot_user.id or message.channel_id in skipped:
            continue
        where = f"message {message.id} in channel {message.channel_id}"
        yield Said(where, message.content)
        for embed in message.embeds:
            yield from (Said(f"{where}, embed", t) for t in _embed_texts(embed))
        for component in _components(message.components):
            for key in ("label", "placeholder"):
                if isinstance(component.get(key), str):
                    yield Said(f"{where}, component", component[key])
            for option in component.get("options", []):
                for key in ("label", "description"):
                    if isinstance(option.get(key), str):
                        yield Said(f"{where}, select option", option[key])


def thread_names(double: DiscordDouble, guild_id: int) -> Iterator[Said]:
    """The names of the threads the bot opened ("Introduction: Nadia Rahman and ..."), which
    members read in their channel list."""
    for thread in double.threads_in(guild_id):
        if thread.owner_id in (None, double.bot_user.id):
            yield Said(f"thread {thread.id} name", thread.name)


def _embed_texts(embed: dict[str, Any]) -> Iterator[str]:
    for key in ("title", "description"):
        if isinstance(embed.get(key), str):
            yield embed[key]
    for part in ("footer", "author"):
        found = embed.get(part) or {}
        for key in ("text", "name"):
            if isinstance(found.get(key), str):
                yield found[key]
    for field in embed.get("fields", []):
        yield field.get("name", "")
        yield field.get("value", "")


def _components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from _components(component.get("components", []))


def faults(said: Said, handles: Iterable[str] = ()) -> list[str]:
    """What is wrong with one text as a person reads it; empty when it reads well."""
    text = _DISCORD_MARKUP.sub("", _LINK.sub("", said.text))
    found = [f"machine plural {m!r}" for m in _PLURAL.findall(text)]
    found += [f"internal id {m!r}" for m in _INTERNAL_ID.findall(text)]
    found += [f"bare Discord id {m!r}" for m in _SNOWFLAKE.findall(text)]
    found += [f"raw JSON {m!r}" for m in _JSON.findall(text)]
    found += [f"date written as data {m!r}" for m in _ISO_DATE.findall(text)]
    for slug in _slugs():
        if re.search(rf"(?<![\w#/:-]){re.escape(slug)}(?![\w-])", text):
            found.append(f"area slug {slug!r} where its title belongs")
    for handle in handles:
        if re.search(rf"(?<![\w@.]){re.escape(handle)}(?![\w.])", text):
            found.append(f"login handle {handle!r} where the member's name belongs")
    return [f"{said.where}: {fault} in {said.text[:160]!r}" for fault in found]


def _slugs() -> list[str]:
    """The slugs that cannot be mistaken for an ordinary word ("data" can)."""
    return [a.slug for a in load_areas().areas if "-" in a.slug]


def plural_literals(root: Path) -> list[str]:
    """String literals under ``root`` with a "(s)" plural, outside logging calls (logs are
    for operators, not members): the static half of the check, for texts no journey sends."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        logged = {id(n) for call in ast.walk(tree) if _is_log_call(call) for n in ast.walk(call)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in logged
                and _PLURAL.search(node.value)
            ):
                found.append(f"{path}:{node.lineno}: {node.value[:80]!r}")
    return found


def _is_log_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    owner = node.func.value
    return isinstance(owner, ast.Name) and owner.id in {"log", "logger", "logging"}
