"""Each direct message the bot sends, shown when it is delivered, with the time and recipient.

After every typed line and at every due time a ``wait`` stops at, new DMs to any member
are announced: the acting member's in full (timestamps relative to the moment they
arrived, so a reminder reads "in 1 hour", not "1 hour ago"), other members' as one line
saying who received what. Nothing piles up to pour out later at ``as``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sandbox.double.state import Message

if TYPE_CHECKING:
    from sandbox.terminal import Terminal

SUMMARY_WIDTH = 70
PRIVATE_THREAD = 12


class DeliveryWatch:
    """Remembers which deliveries were shown or announced; ``report`` tells of the rest."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self._seen: set[int] | None = None  # message ids; filled on first use

    def _delivered(self) -> Iterator[Delivery]:
        """Every DM, and every bot message in a member's private thread (how the bot
        reaches a member whose DMs are closed), with its recipient: one pass over the
        messages, as this runs after every line and at every stop of a wait."""
        sandbox = self.terminal.sandbox
        double = sandbox.double
        handles = {user_id: handle for handle, user_id in sandbox.members.items()}
        places: dict[int, tuple[list[str], str | None]] = {}
        for user_id, handle in handles.items():
            dm_channel = double.users[user_id].dm_channel_id
            if dm_channel is not None:
                places[dm_channel] = ([handle], None)
        for thread in double.threads_in(sandbox.guild_id):
            if thread.type == PRIVATE_THREAD:
                members = [handles[u] for u in sorted(thread.thread_members) if u in handles]
                places[thread.id] = (members, thread.name)
        for message in list(double.messages.values()):
            place = places.get(message.channel_id)
            if place is None or message.ephemeral or message.deleted or not message.author.bot:
                continue
            for handle in place[0]:
                yield Delivery(handle, message, place[1])

    def prime(self) -> None:
        """Take what was delivered so far (the demo server's own) as already seen."""
        if self._seen is None and self.terminal.sandbox.members:
            self._seen = {d.message.id for d in self._delivered()}

    async def report(self) -> None:
        """Announce every delivery since the last report, once per message."""
        if self._seen is None:
            self.prime()
            return
        new: dict[int, list[Delivery]] = {}
        for delivery in self._delivered():
            if delivery.message.id not in self._seen:
                new.setdefault(delivery.message.id, []).append(delivery)
        if not new:
            return
        renderer = await self.terminal.renderer()
        stamp = renderer.moment(int(self.terminal.sandbox.clock.now().timestamp()), "f")
        for message_id, deliveries in new.items():
            self._seen.add(message_id)
            await self._announce(deliveries, stamp, renderer.text)

    async def _announce(
        self, deliveries: list[Delivery], stamp: str, text: Callable[[str], str]
    ) -> None:
        first = deliveries[0]
        handles = [d.handle for d in deliveries]
        if first.thread is None:
            where, read = f"New DM to {first.handle} from Hub Bot", "dms 1"
        else:
            where = f"In the private thread '{first.thread}' of {', '.join(handles)}"
            read = f"channel {first.thread}"
        if self.terminal.acting in handles:
            await self.terminal.show([first.message], _fixed(f"[{stamp}] {where}:"))
            return
        summary = _summary(text(_first_words(first.message)))
        self.terminal.say(
            f"[{stamp}] {where}: {summary} (as {handles[0]}, then {read}, to read it)"
        )


@dataclass(frozen=True)
class Delivery:
    handle: str  # the recipient
    message: Message
    thread: str | None  # the private thread's name, or None for a DM


def _fixed(heading: str) -> Callable[[Message], str]:
    return lambda message: heading


def _first_words(message: Message) -> str:
    if message.content:
        return message.content
    for embed in message.embeds:
        for key in ("title", "description"):
            if embed.get(key):
                return str(embed[key])
    return "(a message)"


def _summary(text: str) -> str:
    line = " ".join(text.split())
    if len(line) <= SUMMARY_WIDTH:
        return line
    return line[:SUMMARY_WIDTH].rsplit(" ", 1)[0] + "…"
