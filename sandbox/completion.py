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

# What the terminal's help prints: each of the words above, with what it does.
HELP = """\
/command sub option:value ...   run a slash command as the acting member (Tab completes)
as NAME                         act as another member (as moderator for moderator commands)
members                         list who is in the demo server
click N | click LABEL           press button N of the last reply
choose N 1,3 | choose 1,3       pick options of select N (or of the only select)
dms [N]                         your last N direct messages from the bot
dms off | dms on                close (or open) your DMs, as in Discord's privacy settings
roles [NAME]                    a member's roles (area roles, Introduced, career stage...)
move-role NAME above-bot        (moderator) drag a role above the bot's own (or below-bot)
leave [NAME]                    a member leaves the server (join NAME brings them back)
open N                          the text of file N the bot attached (an export, an .ics)
channel #name [N]               the last N messages in a channel or thread (channels: list)
server-events                   the server's scheduled events (Discord's Events list)
log [N]                         the bot's last N log lines (errors have their id there)
restart                         stop and start the bot (buttons shown before keep working)
wait 25h                        move the bot's clock forward; each delivery shows as it happens
join NAME                       a new member joins the server
complete TEXT                   show what Tab offers for TEXT
time                            the time now, for the acting member
tour                            a guided walk through every feature
help | quit"""


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
        if first in ("as", "roles", "leave", "join"):
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
