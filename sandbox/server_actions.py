"""Terminal lines for what people do in Discord itself, outside the bot.

Seeing a member's roles, a moderator dragging a role in Server Settings > Roles, a member
closing their DMs, a member leaving, and reading a file the bot attached. Each acts on the
double as Discord would (the bot hears of it through the gateway, as it would in a real
server), so the bot's own handling of it (the role report, the fallback thread, the
retention purge) can be tried in the sandbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.timeparse import format_duration
from sandbox.commandline import CommandLineError

if TYPE_CHECKING:
    from sandbox.terminal import Terminal

Action = Callable[[str], Awaitable[None]]
DAY = timedelta(days=1)
MOVES = ("above-bot", "below-bot")


class ServerActions:
    """The terminal's actions on the server itself; ``table`` maps each word to one."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.sandbox = terminal.sandbox
        self.files: list[dict[str, Any]] = []  # attachments of what was shown last

    def table(self) -> dict[str, Action]:
        return {
            "roles": self.roles,
            "move-role": self.move_role,
            "leave": self.leave,
            "open": self.open_file,
        }

    def say(self, text: str = "") -> None:
        self.terminal.say(text)

    def _member(self, rest: str) -> tuple[str, int]:
        """The named member (the acting one when no name is given) and their id."""
        handle = rest.strip().casefold() or self.terminal.acting
        user_id = self.sandbox.members.get(handle)
        if user_id is None:
            raise CommandLineError(f"There is no member '{rest}'. Type members to list them.")
        return handle, user_id

    # -- roles ---------------------------------------------------------------------------------

    async def roles(self, rest: str) -> None:
        """A member's roles as Discord lists them on their profile, highest first."""
        handle, user_id = self._member(rest)
        if handle in self.sandbox.left:
            raise CommandLineError(f"{handle} has left the server, so has no roles here.")
        guild = self.sandbox.double.guild(self.sandbox.guild_id)
        held = self.sandbox.double.member_roles(guild.id, user_id)
        roles = sorted((r for r in guild.roles.values() if r.id in held), key=lambda r: -r.position)
        if not roles:
            self.say(f"{handle} has no roles.")
            return
        self.say(f"{handle}'s roles, highest first: " + ", ".join(r.name for r in roles) + ".")

    async def move_role(self, rest: str) -> None:
        """``move-role NAME above-bot|below-bot``: a moderator drags a role in Server
        Settings > Roles, so the bot can no longer manage it (or can again)."""
        name, _, where = rest.strip().rpartition(" ")
        if where not in MOVES or not name:
            raise CommandLineError(
                "Type move-role NAME above-bot (or below-bot), e.g. move-role Evaluation above-bot."
            )
        if self.sandbox.moderator_role_id not in self.sandbox.double.member_roles(
            self.sandbox.guild_id, self.terminal.user_id
        ):
            raise CommandLineError(
                "Only a moderator can move roles (Server Settings > Roles). Type as moderator."
            )
        guild = self.sandbox.double.guild(self.sandbox.guild_id)
        wanted = name.strip("\"'").casefold()
        role = next((r for r in guild.roles.values() if r.name.casefold() == wanted), None)
        if role is None or role.managed or role.id == guild.id:
            raise CommandLineError(f"There is no role '{name}' a moderator can move.")
        bot_top = guild.top_position(self.sandbox.double.bot_user.id)
        role.position = bot_top + 1 if where == "above-bot" else 1
        self.sandbox.double.announce(
            "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role.payload()}
        )
        await self.sandbox.double.settle()
        side = "above" if where == "above-bot" else "below"
        self.say(f"The role '{role.name}' is now {side} the bot's own role (Hub Bot).")

    # -- direct messages -------------------------------------------------------------------------

    def set_dms(self, word: str) -> None:
        """``dms off``: the acting member closes DMs from server members (Privacy Settings)."""
        user = self.sandbox.double.users[self.terminal.user_id]
        user.dms_open = word == "on"
        who = self.terminal.acting
        if user.dms_open:
            self.say(f"{who} accepts direct messages from the bot again.")
        else:
            self.say(
                f"{who} no longer accepts direct messages from server members; the bot must "
                "reach them another way (a private thread in the server)."
            )

    # -- leaving ---------------------------------------------------------------------------------

    async def leave(self, rest: str) -> None:
        """A member leaves the server; ``join NAME`` brings them back."""
        handle, user_id = self._member(rest)
        if handle in self.sandbox.left:
            raise CommandLineError(f"{handle} has already left. Type join {handle} to return.")
        if handle == "moderator":
            raise CommandLineError("The moderator stays; choose another member to leave.")
        await self.sandbox.double.remove_member(self.sandbox.guild_id, user_id)
        self.sandbox.left.add(handle)
        retention = self.sandbox.running_bot.settings.profile_retention
        typed = format_duration(retention + timedelta(days=1))
        self.say(
            f"{handle} left the server. The bot hides their profile now and deletes their "
            f"data after {in_words(retention)} unless they come back (join {handle}); "
            f"type wait {typed} to see it happen."
        )
        if handle == self.terminal.acting:
            self.terminal.acting = "moderator"
            self.say("You are now moderator.")

    # -- files -------------------------------------------------------------------------------------

    async def open_file(self, rest: str) -> None:
        """The text of a file the bot attached (an export, an .ics), as a download shows."""
        if not self.files:
            raise CommandLineError("No file has been shown yet; open N reads file N of a reply.")
        number = int(rest) if rest.strip().isdigit() else (1 if not rest.strip() else 0)
        if not 1 <= number <= len(self.files):
            raise CommandLineError(f"Choose a file number from 1 to {len(self.files)}.")
        attachment = self.files[number - 1]
        self.say(f"── {attachment.get('filename', 'attachment')} " + "─" * 40)
        for line in str(attachment.get("data", "")).splitlines():
            self.say(line)
        self.say("─" * 60)


def in_words(length: timedelta) -> str:
    """ "30 days" for a whole number of days, else the short form ("36h")."""
    if length % DAY or not length:
        return format_duration(length)
    days = length // DAY
    return f"{days} day{'' if days == 1 else 's'}"
