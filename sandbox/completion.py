"""Tab completion: command names, option names, fixed choices, and the bot's own autocomplete.

``candidates`` is plain and synchronous; the values an option's autocomplete offers come
from ``suggest(path, option, typed)``, which the terminal answers by asking the real bot
through the double (the same autocomplete interaction Discord sends as you type).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.commandline import (
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    CommandLineError,
    find_leaf,
    tokenize,
)

TERMINAL_WORDS = (
    "as", "members", "click", "choose", "dms", "channel", "channels", "log", "wait", "time",
    "join", "complete", "restart", "server-events", "tour", "help", "quit", "roles",
    "move-role", "leave", "open",
)  # fmt: skip
Suggest = Callable[[str, str, str], list[str]]


def quoted(value: str) -> str:
    return f'"{value}"' if " " in value else value


def candidates(
    before: str,
    word: str,
    commands: list[dict[str, Any]],
    handles: list[str],
    channels: list[str],
    suggest: Suggest,
) -> list[str]:
    """What may replace ``word``, the word under the cursor, given the text ``before`` it."""
    if not before.strip():
        if word.startswith("/"):
            return sorted(f"/{c['name']}" for c in commands if c["name"].startswith(word[1:]))
        return [w for w in TERMINAL_WORDS if w.startswith(word)]
    first = before.split()[0]
    if not first.startswith("/"):
        if first == "as":
            return [h for h in handles if h.startswith(word)]
        if first == "channel" and len(before.split()) == 1:
            return [f"#{c}" for c in channels if f"#{c}".startswith(word) or c.startswith(word)]
        return []
    return _in_command(before, word, commands, suggest)


def _in_command(
    before: str, word: str, commands: list[dict[str, Any]], suggest: Suggest
) -> list[str]:
    words = [t.text for t in tokenize(before.strip().removeprefix("/"))]
    subs = _subcommands_after(commands, words)
    if subs is not None:
        return [s for s in subs if s.startswith(word)]
    try:
        path, declared, _ = find_leaf(commands, words)
    except CommandLineError:
        return []
    given = {w.partition(":")[0] for w in words if ":" in w}
    name, colon, typed = word.partition(":")
    if not colon:
        return [
            f"{o['name']}:"
            for o in declared
            if o["name"].startswith(word) and o["name"] not in given
        ]
    option = next((o for o in declared if o["name"] == name), None)
    if option is None:
        return []
    typed = typed.strip("\"'")
    if option.get("choices"):
        values = [str(c["value"]) for c in option["choices"]]
    elif option.get("autocomplete"):
        values = suggest(path, name, typed)
    elif option.get("type") == 5:
        values = ["true", "false"]
    else:
        return []
    return [f"{name}:{quoted(v)}" for v in values if v.casefold().startswith(typed.casefold())] or [
        f"{name}:{quoted(v)}" for v in values if typed.casefold() in v.casefold()
    ]


def _subcommands_after(commands: list[dict[str, Any]], words: list[str]) -> list[str] | None:
    """The subcommand names expected next, or None when the command path is complete."""
    command = next((c for c in commands if c["name"] == (words[0] if words else "")), None)
    if command is None:
        return None
    declared = command.get("options") or []
    for word in words[1:]:
        sub = next(
            (o for o in declared
             if o["name"] == word and o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)),
            None,
        )  # fmt: skip
        if sub is None:
            break
        declared = sub.get("options") or []
    subs = [o["name"] for o in declared if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    return sorted(subs) if subs else None
