"""The probe that drives the bot with generated input and checks every answer as Discord would.

Shared by the command test (test_every_input) and the walk through buttons and forms
(test_every_form): an answer in time that fits Discord's limits, no error answer and no ERROR
in the bot's log, nothing that could ping.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, settings

from sandbox.double.limits import check_message
from tests.e2e.harness import Hub
from tests.e2e.input_strategies import Command, Ids
from tests.e2e.intro_steps import introduce

_T = TypeVar("_T")
EXAMPLES = 12  # per command (30 and 15 found nothing more, in 55 s); about 25 s in all
AUTOCOMPLETE_EXAMPLES = 6
ANSWER_WITHIN = 3.0
SORRY = "Sorry, something went wrong"
PINGS = {
    "everyone": re.compile(r"@(everyone|here)"),
    "users": re.compile(r"<@!?\d+>"),
    "roles": re.compile(r"<@&\d+>"),
}
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # shrinking a live bot costs minutes
    suppress_health_check=list(HealthCheck),
)


class _Errors(logging.Handler):
    """Every ERROR the bot (or discord.py) logs while an example runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def could_ping(message: Any) -> list[str]:
    """The kinds of mention this message's text holds that Discord would turn into pings."""
    allowed = message.allowed_mentions
    parse = ["everyone", "users", "roles"] if allowed is None else allowed.get("parse") or []
    texts = [message.content] + [str(e) for e in message.embeds if allowed is None]
    return [kind for kind in parse if kind in PINGS and any(PINGS[kind].search(t) for t in texts)]


class Probe:
    """Runs interactions on the bot's loop from hypothesis's thread and checks each answer."""

    def __init__(self, hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        self.hub = hub
        self.loop = loop
        self.errors = _Errors()
        self.moderator = 0
        self.member = 0
        self.ids = Ids((), (), ())
        self.suggested: dict[tuple[str, str], list[str]] = {}
        self.calls_during: list[Any] = []

    async def prepare(self) -> None:
        double, guild = self.hub.double, self.hub.guild_id
        moderator = await double.add_member(guild, "moderator", roles=[self.hub.moderator_role_id])
        member = await double.add_member(guild, "amira")
        await introduce(self.hub, member.id)
        other = await double.add_member(guild, "tomas")
        self.moderator, self.member = moderator.id, member.id
        role = double.create_role(guild, "Reading group", position=1, permissions=0)
        self.ids = Ids(
            (member.id, other.id, moderator.id, double.bot_user.id),
            tuple(self.hub.channels.values()),
            (role.id, self.hub.moderator_role_id),
        )

    def call(self, make: Callable[[], Awaitable[_T]], timeout: float = 30.0) -> _T:
        async def run() -> _T:
            return await make()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)

    @contextmanager
    def watching(self, what: str) -> Iterator[Callable[[], list[Any]]]:
        """Checks everything the bot sent while the block ran; yields a reader of those sends."""
        double = self.hub.double
        before, refused, calls = set(double.messages), len(double.refusals), len(double.calls)
        self.errors.records.clear()
        sent: list[Any] = []
        problems: list[str] = []
        try:
            yield lambda: list(sent)
        finally:
            sent[:] = [m for i, m in double.messages.items() if i not in before]
            problems += [f"Discord refused: {r}" for r in double.refusals[refused:]]
            problems += [f"logged {r.levelname}: {r.getMessage()}" for r in self.errors.records]
            for message in sent:
                problems += [f"oversize: {p}" for p in check_message(message.payload())]
                if SORRY in message.content or "Traceback" in message.content:
                    problems.append(f"an error answer: {message.content[:200]!r}")
                problems += [f"could ping {kind}" for kind in could_ping(message)]
            self.calls_during = double.calls[calls:]
        if problems:
            raise AssertionError(f"{what}: " + "; ".join(problems))

    def run(self, command: Command, user: int, options: dict[str, Any]) -> Any:
        double, guild = self.hub.double, self.hub.guild_id
        return self.call(
            lambda: double.run_command(guild, user, command.name, options, timeout=10.0)
        )

    def suggestions(self, command: Command, option: dict[str, Any]) -> list[str]:
        """What the bot's autocomplete offers for an empty field, to run with real values too."""
        key = (command.name, option["name"])
        if key not in self.suggested:
            double, guild = self.hub.double, self.hub.guild_id
            choices = self.call(
                lambda: double.autocomplete(
                    guild, self.moderator, command.name, option["name"], {option["name"]: ""}
                )
            )
            self.suggested[key] = [str(c["value"]) for c in choices]
        return self.suggested[key]
