"""The sandbox's terminal: act as any member, type slash commands, see what they would see.

Each line is one action. Slash commands go to the real bot through the double exactly as
Discord sends them; replies are rendered by ``sandbox.render`` for the acting member (their
time zone, their ephemeral messages). Mistakes in what is typed get a one-line answer, and
nothing the bot does (not even a crash) ends the terminal.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

from bot.timeparse import format_duration, parse_duration
from cogs.profiles.service import ProfileService
from sandbox.commandline import CommandLineError, convert_options, parse_command
from sandbox.completion import HELP, candidates
from sandbox.deliveries import DeliveryWatch
from sandbox.double.actors import InteractionResult
from sandbox.double.state import Channel, Message
from sandbox.forms import END_OF_FIELD, MORE_PROMPT, read_form, read_paragraph
from sandbox.lineinput import LineReader
from sandbox.render import Choice, Renderer, parse_picks
from sandbox.server_actions import ServerActions

if TYPE_CHECKING:
    from sandbox.app import Sandbox

Ask = Callable[[str], Awaitable[str]]
ERROR_ID = re.compile(r"error id: `?([0-9a-f]{8})")


class Terminal:
    def __init__(self, sandbox: Sandbox, out: TextIO, ask: Ask | None = None) -> None:
        self.sandbox = sandbox
        self.out = out
        self.acting = "amira" if "amira" in sandbox.members else "moderator"
        self.choices: list[Choice] = []
        self.answers: deque[str] = deque()  # scripted answers to form fields (the tour)
        self.said: list[str] = []  # what the last action printed (the tour checks it)
        self._ask = ask or self._ask_stdin
        self.server = ServerActions(self)
        self.deliveries = DeliveryWatch(self)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reader: LineReader | None = None

    @property
    def reader(self) -> LineReader:
        """Made on first use: only an interactive session reads from the keyboard."""
        reader = self._reader or LineReader(self.candidates)
        self._reader = reader
        return reader

    @property
    def profiles(self) -> ProfileService:
        """Read-only look-ups (names, zones) on the running bot's database, even after a
        restart opened a new connection."""
        bot = self.sandbox.running_bot
        return ProfileService(bot.db, bot.clock, bot.areas)

    # -- output ----------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        self.said.append(text)
        print(text, file=self.out, flush=True)

    @property
    def user_id(self) -> int:
        return self.sandbox.members[self.acting]

    @property
    def prompt(self) -> str:
        return f"[{self.acting}] > "

    async def renderer(self) -> Renderer:
        return Renderer(await self.zone(), self.sandbox.clock.now(), self._name_of)

    async def zone(self) -> ZoneInfo:
        """The acting member's zone; UTC without a profile, or when it cannot be read (the
        terminal still shows what the bot answered when the bot is in trouble)."""
        try:
            profile = await self.profiles.get(self.sandbox.guild_id, self.user_id)
        except Exception:
            return ZoneInfo("UTC")
        return ZoneInfo(profile.timezone if profile else "UTC")

    def _name_of(self, kind: str, ident: int) -> str:
        double = self.sandbox.double
        if kind == "user":
            user = double.users.get(ident)
            return self.sandbox.handle_of(ident) if user is None or not user.bot else user.name
        if kind == "channel":
            channel = double.channels.get(ident)
            return channel.name if channel else str(ident)
        role = double.guild(self.sandbox.guild_id).roles.get(ident)
        return role.name if role else str(ident)

    async def show(self, messages: list[Message], heading: Callable[[Message], str]) -> None:
        """Render messages and number their buttons and selects for click and choose."""
        renderer = await self.renderer()
        for message in messages:
            for line in renderer.message(message, heading(message)):
                self.say(line)
        if renderer.choices:
            self.choices = renderer.choices
        if renderer.files:
            self.server.files = renderer.files

    # -- the loop ----------------------------------------------------------------------------

    async def interact(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.say(f"You are {self.acting}. Type help for what you can do, tour for a walk through.")
        while True:
            try:
                line = await self.reader.read(self.prompt)
            except EOFError:
                self.say()
                return
            if not await self.execute(line):
                return

    async def execute(self, line: str) -> bool:
        """Run one typed line; False when the member asked to quit."""
        self.said = []
        self._loop = asyncio.get_running_loop()
        self.deliveries.prime()
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        word, _, rest = line.partition(" ")
        if word in ("quit", "exit"):
            return False
        try:
            await self._dispatch(word, rest.strip(), line)
        except (CommandLineError, ValueError) as exc:
            self.say(str(exc))
        except AssertionError as exc:
            self.say(f"That did not work: {exc}")
        except Exception as exc:  # the terminal outlives any failure
            self.say(f"The sandbox hit an error ({type(exc).__name__}: {exc}). Type log.")
        await self.deliveries.report()
        return True

    async def _dispatch(self, word: str, rest: str, line: str) -> None:
        if line.startswith("/"):
            await self.slash(line)
            return
        actions: dict[str, Callable[[str], Awaitable[None]]] = {
            "as": self.act_as, "members": self.list_members, "click": self.click,
            "choose": self.choose, "dms": self.dms, "channel": self.channel,
            "channels": self.list_channels, "log": self.log, "wait": self.wait,
            "time": self.time, "join": self.join, "complete": self.complete,
            "tour": self.tour, "help": self.help, "restart": self.restart,
            "server-events": self.server_events, **self.server.table(),
        }  # fmt: skip
        action = actions.get(word)
        if action is None and word.lower() in {c["name"] for c in self.commands()}:
            raise CommandLineError(f"Slash commands start with a slash: /{line}")
        if action is None:
            raise CommandLineError(f"'{word}' is not something I know. Type help for the list.")
        await action(rest)

    # -- slash commands and their answers --------------------------------------------------

    def commands(self) -> list[dict[str, Any]]:
        double = self.sandbox.double
        return double.commands.get(self.sandbox.guild_id, []) + double.commands.get(None, [])

    async def slash(self, line: str) -> None:
        parsed = parse_command(line, self.commands())
        values = convert_options(parsed, self._find_member, self._find_channel, self._find_role)
        result = await self.sandbox.double.run_command(
            self.sandbox.guild_id, self.user_id, parsed.path, values
        )
        await self.answer(result)

    def _find_member(self, text: str) -> int | None:
        if text.isdigit():
            return int(text)
        return self.sandbox.members.get(text.casefold())

    def _find_role(self, text: str) -> int | None:
        guild = self.sandbox.double.guild(self.sandbox.guild_id)
        wanted = text.casefold()
        return next((r.id for r in guild.roles.values() if r.name.casefold() == wanted), None)

    def _find_channel(self, text: str) -> int | None:
        found = self._channel_named(text)
        return found.id if found else None

    async def answer(self, result: InteractionResult) -> None:
        """Show what the member saw; fill in a form the bot opened."""
        if result.modal is not None:
            await self.fill_modal(result.modal)
            return
        shown = [m for m in [result.latest, *result.followups] if m is not None]
        unique = list({id(m): m for m in shown}.values())
        await self.show(unique, lambda m: "Hub Bot:")
        for error_id in ERROR_ID.findall("\n".join(self.said)):
            logged = [line for line in self.sandbox.logs.lines if error_id in line]
            if logged:
                self.say(f"(the bot's log: {logged[-1].splitlines()[0]}; type log for more)")

    async def fill_modal(self, modal: dict[str, Any]) -> None:
        values = await read_form(modal, self.ask, self.ask_paragraph, self.say)
        if values is None:
            return
        result = await self.sandbox.double.submit_modal(
            self.sandbox.guild_id, self.user_id, modal, values
        )
        await self.answer(result)

    async def ask(self, prompt: str) -> str:
        if self.answers:
            answer = self.answers.popleft()
            self.say(f"{prompt}{answer}")
            return answer
        return await self._ask(prompt)

    async def ask_paragraph(self, prompt: str) -> str:
        """A paragraph field: lines up to one holding only "." (a scripted answer, as the
        tour gives, is the whole value and may hold line breaks)."""
        if not self.answers:
            return await read_paragraph(await self._ask(prompt), self._ask)
        answer = self.answers.popleft()
        lines = answer.split("\n")
        self.say(f"{prompt}{lines[0]}")
        for line in [*lines[1:], END_OF_FIELD] if answer else []:
            self.say(f"{MORE_PROMPT}{line}")
        return answer

    async def _ask_stdin(self, prompt: str) -> str:
        try:
            return (await self.reader.read(prompt, complete=False)).strip()
        except EOFError:
            return ""

    def _choice(self, text: str) -> Choice:
        if not self.choices:
            raise CommandLineError("There is nothing to click or choose yet.")
        if text.isdigit():
            number = int(text)
            if not 1 <= number <= len(self.choices):
                raise CommandLineError(f"Choose a number from 1 to {len(self.choices)}.")
            return self.choices[number - 1]
        wanted = text.casefold()
        exact = [
            c for c in self.choices
            if wanted in (c.label.casefold(), c.custom_id.rsplit(":", 1)[-1])
        ]  # fmt: skip
        found = exact or [c for c in self.choices if wanted in c.label.casefold()]
        if len(found) == 1:
            return found[0]
        if found:  # e.g. two proposals, each with its Accept: never guess which was meant
            numbers = ", ".join(f"[{c.number}]" for c in found)
            raise CommandLineError(
                f"Several buttons are called '{text}': {numbers}. Use its number."
            )
        raise CommandLineError(f"No button or select is called '{text}'. Use its number.")

    def _named_choice(self, text: str) -> Choice | None:
        try:
            return self._choice(text)
        except CommandLineError:
            return None

    def _current(self, choice: Choice) -> Choice:
        """Refuse, in words, a button the bot has since taken off its message (Discord would
        no longer show it), rather than the double's internal complaint."""
        if choice.message.deleted or choice.message.component(choice.custom_id) is None:
            kind = "button" if choice.is_button else "menu"
            raise CommandLineError(
                f"That {kind} [{choice.number}] is out of date: the bot has changed or removed "
                "the message since it was shown, so nothing was done. Look at the channel or "
                "your DMs again (channel #name, dms) and use what the message offers now."
            )
        return choice

    async def click(self, rest: str) -> None:
        choice = self._current(self._choice(rest))
        if not choice.is_button:
            raise CommandLineError(f"[{choice.number}] is a select; use choose {choice.number} ...")
        result = await self.sandbox.double.click(
            choice.message.guild_id, self.user_id, choice.message, choice.custom_id
        )
        await self.answer(result)

    async def choose(self, rest: str) -> None:
        selects = [c for c in self.choices if not c.is_button]
        target, _, picks = rest.partition(" ")
        choice = self._named_choice(target) if picks else None
        if choice is None and len(selects) == 1:
            choice, picks = selects[0], rest
        if choice is None:
            raise CommandLineError("Say which select: choose N 1,3 (N is its number).")
        if choice.is_button:
            raise CommandLineError(f"[{choice.number}] is a button; use click {choice.number}.")
        self._current(choice)
        result = await self.sandbox.double.select(
            choice.message.guild_id,
            self.user_id,
            choice.message,
            choice.custom_id,
            parse_picks(picks, choice),
        )
        await self.answer(result)

    # -- who, where, when ------------------------------------------------------------------

    async def act_as(self, rest: str) -> None:
        wanted = rest.strip().casefold()
        match = wanted if wanted in self.sandbox.members else None
        if match is None:
            found = [h for h in self.sandbox.members if h.startswith(wanted)] if wanted else []
            match = found[0] if len(found) == 1 else None
            if len(found) > 1:
                raise CommandLineError(
                    f"'{rest}' could be {', '.join(found[:8])}"
                    + (", ..." if len(found) > 8 else "")
                    + ". Type more of the name."
                )
        if match is None:
            raise CommandLineError(f"There is no member '{rest}'. Type members to list them.")
        if match in getattr(self.sandbox, "left", ()):
            raise CommandLineError(f"{match} has left the server. Type join {match} to return.")
        self.acting = match
        profile = await self.profiles.get(self.sandbox.guild_id, self.user_id)
        about = f" ({profile.name}, {profile.timezone})" if profile else " (no profile yet)"
        self.say(f"You are now {match}{about}.")
        self.choices = []

    async def list_members(self, rest: str) -> None:
        for handle, user_id in self.sandbox.members.items():
            profile = await self.profiles.get(self.sandbox.guild_id, user_id)
            about = (
                f"{profile.name}, {profile.country}, {profile.career_stage.value}"
                if profile
                else "no profile"
            )
            notes = [" (left the server)" if handle in self.sandbox.left else ""]
            if not self.sandbox.double.users[user_id].dms_open:
                notes.append(" (DMs closed)")
            self.say(f"  {handle:<10} {about}{''.join(notes)}")

    async def join(self, rest: str) -> None:
        handle = rest.strip().casefold()
        if not handle.isalnum():
            raise CommandLineError("Give a one-word name, e.g. join tomas.")
        if handle in self.sandbox.members and handle not in self.sandbox.left:
            raise CommandLineError(f"{handle} is already a member.")
        back = handle in self.sandbox.left
        await self.sandbox.add_member(handle)
        if back:
            self.say(f"{handle} came back to the server. Type as {handle} to act as them.")
            return
        self.say(f"{handle} joined the server. Type as {handle}, then channel #welcome.")

    async def dms(self, rest: str) -> None:
        if rest in ("off", "on"):
            self.server.set_dms(rest)
            return
        count = int(rest) if rest.isdigit() else 5
        messages = self.sandbox.double.dms_of(self.user_id)
        if not messages:
            self.say("No direct messages.")
            return
        await self.show(messages[-count:], lambda m: "DM from Hub Bot:")

    async def channel(self, rest: str) -> None:
        name, count = rest.strip(), 5
        head, _, tail = name.rpartition(" ")
        if head and tail.isdigit():
            name, count = head, int(tail)
        found = self._channel_named(name.strip("\"'").lstrip("#"))
        if found is None:
            raise CommandLineError(f"There is no channel {name}. Type channels to list them.")
        messages = self.sandbox.double.messages_in(found.id)
        if not messages:
            self.say(f"#{found.name} is empty.")
            return
        title = found.name
        await self.show(
            messages[-count:], lambda m: f"#{title}, {self._name_of('user', m.author.id)}:"
        )

    def _channel_named(self, name: str) -> Channel | None:
        guild = self.sandbox.double.guild(self.sandbox.guild_id)
        texts = [c for c in guild.channels.values() if c.type in (0, 11, 12)]
        wanted = name.casefold()
        exact = [c for c in texts if c.name.casefold() == wanted]
        starting = [c for c in texts if c.name.casefold().startswith(wanted)]
        return next(iter(exact or starting), None)

    async def list_channels(self, rest: str) -> None:
        guild = self.sandbox.double.guild(self.sandbox.guild_id)
        names = sorted(f"#{c.name}" for c in guild.channels.values() if c.type == 0)
        self.say("  ".join(names))
        threads = sorted(c.name for c in guild.channels.values() if c.is_thread)
        if threads:
            self.say("Threads: " + "; ".join(threads))

    async def server_events(self, rest: str) -> None:
        """Discord's own scheduled events (the server's Events list), in the member's zone."""
        events = self.sandbox.double.scheduled_events(self.sandbox.guild_id)
        if not events:
            self.say("The server has no scheduled events.")
            return
        renderer = await self.renderer()
        for event in events:
            start = datetime.fromisoformat(str(event["scheduled_start_time"]))
            when = renderer.moment(int(start.timestamp()), "F")
            self.say(f"- {event['name']}: {when} ({renderer.moment(int(start.timestamp()), 'R')})")

    async def log(self, rest: str) -> None:
        count = int(rest) if rest.isdigit() else 15
        for line in list(self.sandbox.logs.lines)[-count:]:
            self.say(line)

    async def wait(self, rest: str) -> None:
        delta = parse_duration(rest or "1h")
        double = self.sandbox.double
        before = {c: len(double.messages_in(c)) for c in double.channels}
        await self.sandbox.advance(delta, at_each_stop=self.deliveries.report)
        await self.time("")
        for channel_id, count in before.items():
            channel = double.channels.get(channel_id)
            new = len(double.messages_in(channel_id)) - count
            if channel is not None and channel.type != 1 and new > 0:
                self.say(f"{new} new message{'' if new == 1 else 's'} in #{channel.name}")
        self.say(f"({format_duration(delta)} passed)")

    async def time(self, rest: str) -> None:
        renderer = await self.renderer()
        now = int(self.sandbox.clock.now().timestamp())
        self.say(f"It is {renderer.moment(now, 'F')} for {self.acting}.")

    async def complete(self, rest: str) -> None:
        before, _, word = rest.rpartition(" ")
        found = await asyncio.to_thread(self.candidates, f"{before} " if before else "", word)
        self.say("  ".join(found) if found else "(nothing to complete)")

    async def tour(self, rest: str) -> None:
        from sandbox.tour import run_tour

        await run_tour(self)

    async def restart(self, rest: str) -> None:
        self.say("Stopping the bot...")
        await self.sandbox.stop_bot()
        await self.sandbox.start_bot()
        self.say("The bot is back, on the same database.")

    async def help(self, rest: str) -> None:
        self.say(HELP)

    # -- reading lines and completing them ----------------------------------------------------

    def candidates(self, before: str, word: str) -> list[str]:
        """Called from the input thread (Tab) or a worker thread (complete)."""
        guild = self.sandbox.double.guild(self.sandbox.guild_id)
        channels = sorted(c.name for c in guild.channels.values() if c.type == 0)
        return candidates(
            before, word, self.commands(), list(self.sandbox.members), channels, self._suggest
        )

    def _suggest(self, path: str, option: str, typed: str) -> list[str]:
        """The bot's own autocomplete for ``option``, asked from a thread."""
        loop = self._loop
        if loop is None:
            return []
        coroutine = self.sandbox.double.autocomplete(
            self.sandbox.guild_id, self.user_id, path, option, {option: typed}
        )
        try:
            choices = asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=5)
        except Exception:
            return []
        return [str(c["value"]) for c in choices]
