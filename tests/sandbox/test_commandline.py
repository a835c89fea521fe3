"""Reading typed slash commands: paths, name:value options, quotes, and clear mistakes."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.commandline import (
    CommandLineError,
    ParsedCommand,
    command_names,
    convert_options,
    parse_command,
    tokenize,
)
from sandbox.completion import candidates

COMMANDS: list[dict[str, Any]] = [
    {"name": "introduce", "options": []},
    {
        "name": "expert",
        "options": [
            {"type": 1, "name": "find", "options": [
                {"type": 3, "name": "query", "autocomplete": True},
                {"type": 3, "name": "country"},
                {"type": 3, "name": "career_stage", "choices": [
                    {"name": "Senior researcher", "value": "senior"},
                    {"name": "Practitioner", "value": "practitioner"},
                ]},
            ]},
            {"type": 1, "name": "pause", "options": [
                {"type": 3, "name": "until", "required": True},
            ]},
        ],
    },
    {
        "name": "profile",
        "options": [
            {"type": 1, "name": "view", "options": [{"type": 6, "name": "member"}]},
            {"type": 1, "name": "privacy", "options": [{"type": 5, "name": "searchable"}]},
            {"type": 1, "name": "ping", "options": [{"type": 8, "name": "role"}]},
        ],
    },
]  # fmt: skip


def convert(parsed: ParsedCommand) -> dict[str, Any]:
    return convert_options(parsed, {"amira": 42}.get, lambda name: None, {"Moderator": 7}.get)


def test_tokens_keep_quoted_words_together_and_apostrophes_as_typed() -> None:
    texts = [t.text for t in tokenize("find query:\"online harms\" bio:I'm here 'a b'")]
    assert texts == ["find", "query:online harms", "bio:I'm", "here", "a b"]
    assert [t.quoted for t in tokenize("'a b' c")] == [True, False]


def test_a_value_runs_until_the_next_option_as_in_discord() -> None:
    parsed = parse_command("/expert find query:online radicalisation country:New Zealand", COMMANDS)
    assert parsed.path == "expert find"
    assert parsed.options == {"query": "online radicalisation", "country": "New Zealand"}


def test_quotes_and_colons_inside_values() -> None:
    parsed = parse_command('/expert pause until:"2026-12-03 15:00"', COMMANDS)
    assert parsed.options == {"until": "2026-12-03 15:00"}
    parsed = parse_command("/expert pause until:2026-12-03 15:00", COMMANDS)
    assert parsed.options == {"until": "2026-12-03 15:00"}
    parsed = parse_command("/expert find query:'country:x'", COMMANDS)
    assert parsed.options == {"query": "country:x"}


def test_choices_by_value_or_name_booleans_and_members() -> None:
    parsed = parse_command("/expert find career_stage:Senior researcher", COMMANDS)
    assert convert(parsed) == {"career_stage": "senior"}
    parsed = parse_command("/profile privacy searchable:no", COMMANDS)
    assert convert(parsed) == {"searchable": False}
    parsed = parse_command("/profile view member:@amira", COMMANDS)
    assert convert(parsed) == {"member": 42}
    parsed = parse_command("/profile ping role:@Moderator", COMMANDS)
    assert convert(parsed) == {"role": 7}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/nothing", "There is no /nothing command. Commands: /expert, /introduce, /profile."),
        ("/expert", "/expert needs one of: find, pause."),
        ("/expert find hello", "'hello' is not an option of /expert find. Its options: query:"),
        ("/introduce now", "/introduce takes no options"),
        ('/expert find query:"open', 'A " quote is not closed'),
        ("/expert find query:a query:b", "The option query is given twice"),
    ],
)
def test_mistakes_say_what_to_type(line: str, message: str) -> None:
    with pytest.raises(CommandLineError, match=message.replace("(", r"\(").replace("/", "/")):
        parse_command(line, COMMANDS)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/expert pause", "/expert pause needs until:..."),
        ("/expert find career_stage:boss", "career_stage can be one of: senior, practitioner."),
        ("/profile privacy searchable:maybe", "searchable takes true or false, not 'maybe'."),
        ("/profile view member:nobody", "There is no member 'nobody'."),
        ("/profile ping role:Nobody", "There is no role 'Nobody'."),
        ("/expert find query:", "The option query is empty."),
    ],
)
def test_bad_values_say_what_to_type(line: str, message: str) -> None:
    with pytest.raises(CommandLineError) as caught:
        convert(parse_command(line, COMMANDS))
    assert message in str(caught.value)


def test_command_names_list_every_runnable_path() -> None:
    assert command_names(COMMANDS) == [
        "expert find", "expert pause", "introduce", "profile ping", "profile privacy",
        "profile view",
    ]  # fmt: skip


def test_completion_of_names_subcommands_options_and_values() -> None:
    asked: list[tuple[str, str, str]] = []

    def suggest(path: str, option: str, typed: str) -> list[str]:
        asked.append((path, option, typed))
        return ["online radicalisation", "online harms"]

    def complete(before: str, word: str) -> list[str]:
        return candidates(before, word, COMMANDS, ["amira", "ben"], ["welcome"], suggest)

    assert complete("", "/ex") == ["/expert"]
    assert complete("", "wa") == ["wait"]
    assert complete("/expert ", "f") == ["find"]
    assert complete("/expert find ", "c") == ["country:", "career_stage:"]
    assert complete("/expert find ", "career_stage:s") == ["career_stage:senior"]
    assert complete("/expert find ", "query:onl") == [
        'query:"online radicalisation"',
        'query:"online harms"',
    ]
    assert asked == [("expert find", "query", "onl")]
    assert complete("/profile privacy ", "searchable:") == ["searchable:true", "searchable:false"]
    assert complete("as ", "a") == ["amira"]
    assert complete("channel ", "#w") == ["#welcome"]
