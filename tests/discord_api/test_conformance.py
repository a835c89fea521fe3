"""The conformance layer catches what Discord would refuse, so it can never pass by checking
nothing: known-bad requests and answers must be reported, known-good ones must not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.double.conformance import ANSWERS_URI, Conformance
from sandbox.double.state import Channel, Guild, Member, Role, User
from sandbox.double.tally import Tally

CHANNEL = "/channels/1234567890123/messages"


@pytest.fixture
def checker() -> Conformance:
    return Conformance()


def answer(data: object) -> bytes:
    return json.dumps(data).encode()


def message(**changes: object) -> dict[str, object]:
    author = User(1234567890123, "Hub Bot", bot=True).payload()
    data: dict[str, object] = {
        "id": "1", "channel_id": "2", "author": author, "content": "hi",
        "timestamp": "2026-01-01T00:00:00+00:00", "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": False, "type": 0, "flags": 0, "components": [],
    }  # fmt: skip
    data.update(changes)
    return data


def test_a_good_request_and_answer_pass(checker: Conformance) -> None:
    checker.check("POST", CHANNEL, {}, {"content": "hello"}, 200, answer(message()))
    assert checker.problems == []
    assert checker.tally.counts["create_message"] == [1, 0, 1, 0]


def test_an_unknown_route_is_caught(checker: Conformance) -> None:
    checker.check("POST", "/channels/1/spaghetti", {}, None, 404, answer({}))
    assert checker.problems == [
        "POST /channels/1/spaghetti: no operation in Discord's specification"
    ]
    assert checker.tally.counts["(unknown route)"] == [1, 1, 0, 0]


def test_a_method_the_path_does_not_have_is_an_unknown_route(checker: Conformance) -> None:
    checker.check("PUT", CHANNEL, {}, {"content": "x"}, 200, answer(message()))
    assert "no operation" in checker.problems[0]


def test_a_too_long_string_in_a_request_is_caught(checker: Conformance) -> None:
    checker.check("POST", CHANNEL, {}, {"content": "x" * 4001}, 200, answer(message()))
    assert len(checker.problems) == 1
    assert "request create_message" in checker.problems[0]
    assert "$.content" in checker.problems[0]
    assert "is longer than 4000 characters" in checker.problems[0]


def test_a_wrong_type_in_a_request_is_caught(checker: Conformance) -> None:
    checker.check("POST", CHANNEL, {}, {"content": 5}, 200, answer(message()))
    assert "$.content" in checker.problems[0] and "not of type" in checker.problems[0]


def test_a_missing_required_field_in_a_request_is_caught(checker: Conformance) -> None:
    checker.check_request("POST", "/guilds/1234567890124/channels", {}, {"type": 0})
    assert checker.problems == [
        "request create_guild_channel (POST /guilds/1234567890124/channels) "
        'body $: "name" is a required property'
    ]


def test_a_bad_path_or_query_value_is_caught(checker: Conformance) -> None:
    checker.check("GET", "/channels/abc/messages", {"limit": "500"}, None, 200, answer([]))
    problems = " | ".join(checker.problems)
    assert "path channel_id" in problems and "query limit" in problems


def test_an_undocumented_query_parameter_is_caught(checker: Conformance) -> None:
    checker.check("GET", CHANNEL, {"colour": "blue"}, None, 200, answer([]))
    assert "query colour: not a parameter" in checker.problems[0]


def test_the_allow_listed_encodings_pass(checker: Conformance) -> None:
    """Integer snowflakes, 1/0 query booleans and permissions as strings: discord.py sends
    them and Discord accepts them."""
    checker.check_request("POST", "/users/@me/channels", {}, {"recipient_id": 1234567890123})
    checker.check_request("POST", "/guilds/1/roles", {}, {"name": "r", "permissions": "1024"})
    path = "/interactions/1/tok/callback"
    checker.check_request("POST", path, {"with_response": "1"}, {"type": 6})
    assert checker.problems == []


def test_the_allow_list_does_not_open_everything(checker: Conformance) -> None:
    checker.check_request("POST", "/guilds/1/roles", {}, {"permissions": "lots"})
    checker.check_request("POST", "/users/@me/channels", {}, {"recipient_id": -4})
    assert len(checker.problems) == 2


def test_a_missing_required_field_in_an_answer_is_caught(checker: Conformance) -> None:
    broken = message()
    del broken["author"]
    checker.check("POST", CHANNEL, {}, {"content": "hi"}, 200, answer(broken))
    assert checker.problems == ['answer create_message 200 $: "author" is a required property']
    assert checker.tally.counts["create_message"] == [1, 0, 1, 1]


def test_a_wrong_type_in_an_answer_is_caught(checker: Conformance) -> None:
    checker.check("POST", CHANNEL, {}, {"content": "hi"}, 200, answer(message(pinned="no")))
    assert "$.pinned" in checker.problems[0]


def test_an_undocumented_status_is_caught(checker: Conformance) -> None:
    """Discord answers 201 to a new channel; a double answering 200 is wrong."""
    channel = Channel(1234567890123, 1234567890124, "general").payload()
    body = {"name": "general"}
    checker.check("POST", "/guilds/1234567890124/channels", {}, body, 200, answer(channel))
    assert checker.problems == ["answer create_guild_channel 200 status 200 is not documented"]
    checker.problems.clear()
    checker.check("POST", "/guilds/1234567890124/channels", {}, body, 201, answer(channel))
    assert checker.problems == []


def test_an_error_answer_is_checked_against_the_error_schema(checker: Conformance) -> None:
    checker.check("POST", CHANNEL, {}, {"content": "hi"}, 403, answer({"code": 50013}))
    assert '"message" is a required property' in checker.problems[0]


def test_the_doubles_users_and_roles_match_the_spec(checker: Conformance) -> None:
    role = Role(1234567890123, 1234567890124, "Moderator", 5, 1024).payload()
    checker.check("GET", "/guilds/1234567890124/roles", {}, None, 200, answer([role]))
    user = User(1234567890125, "amira").payload()
    checker.check("GET", "/users/1234567890125", {}, None, 200, answer(user))
    assert checker.problems == []


def test_validators_are_compiled_once_and_shared(checker: Conformance) -> None:
    checker.check("POST", CHANNEL, {}, {"content": "a"}, 200, answer(message()))
    compiled = dict(checker.spec._validators)
    other = Conformance()
    other.check("POST", CHANNEL, {}, {"content": "b"}, 200, answer(message()))
    assert other.spec is checker.spec
    assert all(other.spec._validators[key] is value for key, value in compiled.items())


def test_tallies_merge_save_and_print(tmp_path: Path) -> None:
    first, second = Tally(), Tally()
    first.count("create_message", request_ok=True, answer_ok=False)
    second.count("create_message", request_ok=False, answer_ok=True)
    second.problems.append("a problem")
    first.merge(second)
    first.save(tmp_path / "t.json")
    loaded = Tally.load(tmp_path / "t.json")
    assert loaded.counts == {"create_message": [2, 1, 2, 1]}
    assert loaded.problems == ["a problem"]
    assert "total" in loaded.table() and "create_message" in loaded.table()


def test_the_doubles_objects_match_their_response_schemas(checker: Conformance) -> None:
    """The same objects go out in gateway events (GUILD_CREATE, MEMBER_ADD, THREAD_CREATE),
    which no request checks; hold them to the specification's REST shapes."""
    user = User(1234567890123, "amira")
    guild = Guild(1234567890124, "Research Hub", user.id)
    guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone")
    member = Member(user, guild.id, [guild.id])
    guild.members[user.id] = member
    overwrite = {"id": str(guild.id), "type": 0, "allow": "0", "deny": "1024"}
    text = Channel(1234567890125, guild.id, "lab", permission_overwrites=[overwrite])
    thread = Channel(1234567890126, guild.id, "talk", 11, text.id, owner_id=user.id)
    dm = Channel(1234567890127, None, "", 1, recipient=user)
    for schema, value in [
        ("GuildResponse", guild.payload()), ("GuildMemberResponse", member.payload()),
        ("GuildChannelResponse", text.payload()), ("ThreadResponse", thread.payload()),
        ("PrivateChannelResponse", dm.payload()),
    ]:  # fmt: skip
        assert checker.spec.problem(ANSWERS_URI, f"/components/schemas/{schema}", value) is None
