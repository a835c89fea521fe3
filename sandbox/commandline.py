"""Reading a slash command typed as in Discord: ``/expert find query:online harms area:data``.

Plain functions over the command tree the bot synced, so they are tested without a bot.
A value runs until the next ``name:`` of a known option, as in Discord's own input box;
quotes (``query:"a b"`` or ``bio:'...'``) are also accepted and removed. Every mistake is
a ``CommandLineError`` whose message says what to type instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
TRUE_WORDS = {"true", "yes", "on", "1", "y"}
FALSE_WORDS = {"false", "no", "off", "0", "n"}


class CommandLineError(ValueError):
    """What was typed cannot be sent; the message says what to change."""


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool  # quoted from its first character, so never an option name


@dataclass
class ParsedCommand:
    path: str  # "expert find"
    options: dict[str, str] = field(default_factory=dict)  # as typed, before conversion
    declared: list[dict[str, Any]] = field(default_factory=list)  # the leaf's options


def tokenize(text: str) -> list[Token]:
    """Split on spaces; a quote at a token's start or right after ``name:`` groups words."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start_quoted = text[i] in "\"'"
        chunk: list[str] = []
        at_value_start = True
        while i < n and not text[i].isspace():
            char = text[i]
            if char in "\"'" and at_value_start:
                end = _closing(text, i)
                chunk.append(text[i + 1 : end].replace("\\" + char, char))
                i = end + 1
                at_value_start = False
                continue
            chunk.append(char)
            at_value_start = char == ":" and chunk.count(":") == 1
            i += 1
        tokens.append(Token("".join(chunk), start_quoted))
    return tokens


def _closing(text: str, start: int) -> int:
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    raise CommandLineError(
        f"A {quote} quote is not closed in: {text[start:][:40]}. Close it and try again."
    )


def command_names(commands: list[dict[str, Any]]) -> list[str]:
    """Every runnable path: "about", "expert find", "introduce"..."""
    paths: list[str] = []

    def walk(prefix: str, options: list[dict[str, Any]]) -> None:
        subs = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not subs:
            paths.append(prefix)
            return
        for sub in subs:
            walk(f"{prefix} {sub['name']}", sub.get("options") or [])

    for command in commands:
        walk(command["name"], command.get("options") or [])
    return sorted(paths)


def find_leaf(
    commands: list[dict[str, Any]], words: list[str]
) -> tuple[str, list[dict[str, Any]], int]:
    """The command path the first words name, its options, and how many words it used."""
    if not words:
        raise CommandLineError("Type a command after the slash, e.g. /about.")
    command = next((c for c in commands if c["name"] == words[0].lower()), None)
    if command is None:
        known = ", ".join(f"/{c['name']}" for c in sorted(commands, key=lambda c: c["name"]))
        raise CommandLineError(f"There is no /{words[0]} command. Commands: {known}.")
    path, declared, used = [command["name"]], command.get("options") or [], 1
    while True:
        subs = {o["name"]: o for o in declared if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)}
        if not subs:
            return " ".join(path), declared, used
        word = words[used].lower() if used < len(words) else ""
        if word not in subs:
            choices = ", ".join(sorted(subs))
            raise CommandLineError(f"/{' '.join(path)} needs one of: {choices}.")
        path.append(word)
        declared = subs[word].get("options") or []
        used += 1


def parse_command(line: str, commands: list[dict[str, Any]]) -> ParsedCommand:
    """``/name sub option:value ...`` -> the path and the options as typed."""
    text = line.strip().removeprefix("/")
    tokens = tokenize(text)
    path, declared, used = find_leaf(commands, [t.text for t in tokens])
    names = {o["name"] for o in declared}
    parsed = ParsedCommand(path, declared=declared)
    current: str | None = None
    for token in tokens[used:]:
        name, colon, value = token.text.partition(":")
        if colon and not token.quoted and name.lower() in names:
            current = name.lower()
            if current in parsed.options:
                raise CommandLineError(f"The option {current} is given twice. Give it once.")
            parsed.options[current] = value
        elif current is not None:
            parsed.options[current] = f"{parsed.options[current]} {token.text}".strip()
        else:
            raise CommandLineError(_no_option(path, token.text, declared))
    return parsed


def _no_option(path: str, text: str, declared: list[dict[str, Any]]) -> str:
    if not declared:
        return f"/{path} takes no options; '{text}' is not needed."
    listed = ", ".join(f"{o['name']}:" for o in declared)
    return f"'{text}' is not an option of /{path}. Its options: {listed}"


Resolver = Callable[[str], int | None]


def _nobody(text: str) -> int | None:
    return None


def convert_options(
    parsed: ParsedCommand,
    find_member: Resolver,
    find_channel: Resolver,
    find_role: Resolver = _nobody,
) -> dict[str, Any]:
    """Values of the right type for the double, or a clear CommandLineError."""
    by_name = {o["name"]: o for o in parsed.declared}
    missing = [
        o["name"] for o in parsed.declared if o.get("required") and o["name"] not in parsed.options
    ]
    if missing:
        shown = " ".join(f"{m}:..." for m in missing)
        raise CommandLineError(f"/{parsed.path} needs {shown}")
    return {
        name: _convert(by_name[name], raw, find_member, find_channel, find_role)
        for name, raw in parsed.options.items()
    }


def _convert(
    option: dict[str, Any],
    raw: str,
    find_member: Resolver,
    find_channel: Resolver,
    find_role: Resolver,
) -> Any:
    name, kind, value = option["name"], option["type"], raw.strip()
    if not value:
        raise CommandLineError(f"The option {name} is empty. Type {name}:value, or leave it out.")
    choices = option.get("choices")
    if choices:
        for choice in choices:
            if value.casefold() in (str(choice["value"]).casefold(), choice["name"].casefold()):
                return choice["value"]
        offered = ", ".join(str(c["value"]) for c in choices)
        raise CommandLineError(f"{name} can be one of: {offered}.")
    if kind == INTEGER:
        try:
            return int(value)
        except ValueError:
            raise CommandLineError(f"{name} takes a whole number, not '{value}'.") from None
    if kind == NUMBER:
        try:
            return float(value)
        except ValueError:
            raise CommandLineError(f"{name} takes a number, not '{value}'.") from None
    if kind == BOOLEAN:
        if value.casefold() in TRUE_WORDS:
            return True
        if value.casefold() in FALSE_WORDS:
            return False
        raise CommandLineError(f"{name} takes true or false, not '{value}'.")
    if kind == ROLE or (kind == MENTIONABLE and find_member(value.removeprefix("@")) is None):
        found = find_role(value.removeprefix("@"))
        if found is None:
            raise CommandLineError(f"There is no role '{value}'.")
        return found
    if kind in (USER, MENTIONABLE):
        found = find_member(value.removeprefix("@"))
        if found is None:
            raise CommandLineError(f"There is no member '{value}'. Type `members` to list them.")
        return found
    if kind == CHANNEL:
        found = find_channel(value.removeprefix("#"))
        if found is None:
            raise CommandLineError(f"There is no channel '{value}'.")
        return found
    return value
