"""Carries out a set-up plan against Discord, one step at a time.

Each id is recorded only after its step succeeded, so when Discord refuses half way the
database never claims more than exists, and the next /hub setup finishes the job.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord

from bot.lookup import find_role
from cogs.areas.planning import (
    CHANNEL_SETTINGS,
    ExistingChannel,
    ExistingRole,
    GuildSnapshot,
    SetupPlan,
    Step,
    fingerprint,
    plan_setup,
)
from cogs.areas.service import AreaService

if TYPE_CHECKING:
    from bot.app import HubBot

ORDER = {"role": 0, "category": 1, "channel": 2, "pin": 3}
# A set-up that finishes within FIRST_PROGRESS seconds shows only its summary; a longer one
# (Discord paces channel creation) edits the "thinking" reply at most every
# PROGRESS_INTERVAL seconds: the bot's requests share one budget, so progress stays cheap.
FIRST_PROGRESS = 5.0
PROGRESS_INTERVAL = 3.0
Overwrites = dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite]


class SetupStepError(Exception):
    """A step cannot be done with what exists; the message says why."""


@dataclass
class SetupOutcome:
    done: list[Step] = field(default_factory=list)
    failed: Step | None = None
    error: str | None = None

    def summary(self) -> str:
        counts = Counter((s.action, s.kind) for s in self.done if s.action != "adopt")
        if not counts and self.failed is None:
            return "Everything is already set up; nothing changed."
        words = {"create": "created", "rename": "renamed", "topic": "retitled", "pin": "pinned",
                 "access": "set access of"}  # fmt: skip
        nouns = {
            "category": ("category", "categories"),
            "channel": ("channel", "channels"),
            "role": ("role", "roles"),
            "pin": ("about message", "about messages"),
        }
        parts = [f"{words[a]} {n} {nouns[k][n != 1]}" for (a, k), n in sorted(counts.items())]
        text = ("Done: " + ", ".join(parts) + ".") if parts else ""
        if self.failed is not None:
            text += (
                f"\nStopped before I could {self.failed.describe()}: {self.error}. Nothing after "
                "that was changed. Fix the permission and run /hub setup again to finish."
            )
        return text.strip()


def snapshot(guild: discord.Guild) -> GuildSnapshot:
    me = guild.me
    channels = [ExistingChannel(c.id, c.name, "category", None, None) for c in guild.categories] + [
        ExistingChannel(c.id, c.name, "text", c.category_id, c.topic, *_access_of(c))
        for c in guild.text_channels
    ]
    return GuildSnapshot(
        channels=channels,
        roles=[ExistingRole(r.id, r.name, r.position) for r in guild.roles],
        bot_top_position=me.top_role.position,
        can_manage_channels=me.guild_permissions.manage_channels,
        can_manage_roles=me.guild_permissions.manage_roles,
    )


def _access_of(channel: discord.TextChannel) -> tuple[frozenset[int], bool]:
    """The roles a channel's overwrites show it to, and whether it is hidden from @everyone."""
    shown = frozenset(
        target.id
        for target, rule in channel.overwrites.items()
        if isinstance(target, discord.Role) and rule.view_channel is True
    )
    everyone = channel.overwrites.get(channel.guild.default_role)
    return shown, everyone is not None and everyone.view_channel is False


class Progress:
    """Shows "areas done / total" on the moderator's "thinking" reply while set-up runs.

    First after FIRST_PROGRESS seconds, then at most every PROGRESS_INTERVAL seconds (the
    summary replaces the last one); a failed edit never stops the set-up: progress is a
    courtesy, the summary is what counts.
    """

    def __init__(self, edit: Callable[[str], Awaitable[Any]]) -> None:
        self._edit = edit
        self._last = time.monotonic() + FIRST_PROGRESS - PROGRESS_INTERVAL
        self._shown: tuple[int, int] | None = None

    async def report(self, done: int, total: int) -> None:
        now = time.monotonic()
        if (done, total) == self._shown or now - self._last < PROGRESS_INTERVAL:
            return
        self._last, self._shown = now, (done, total)
        with contextlib.suppress(discord.HTTPException):
            await self._edit(progress_line(done, total))


def progress_line(done: int, total: int) -> str:
    noun = "area" if total == 1 else "areas"
    return f"Setting up the server: {done} of {total} {noun} done. This message will update."


class ServerSetup:
    def __init__(self, bot: HubBot, service: AreaService) -> None:
        self.bot = bot
        self.service = service

    async def plan(self, guild: discord.Guild) -> SetupPlan:
        settings = await self.bot.server_settings.for_server(guild.id)  # its own channels
        named = {name: str(getattr(settings, name)) for name in CHANNEL_SETTINGS}
        if settings.verification_channel:
            named["verification_channel"] = settings.verification_channel
        return plan_setup(
            snapshot(guild),
            await self.service.resources(guild.id),
            self.bot.areas.of(guild.id),
            named,
            await self.service.texts(guild.id),
            settings.introduced_role,
            settings.area_access,
        )

    def order(self, guild_id: int, steps: list[Step]) -> list[Step]:
        """Adoptions, then every role (channel access needs them), every category, the
        named channels, and then area by area (its channel, then its pinned message), so
        progress can count finished areas."""
        slugs = [area.slug for area in self.bot.areas.of(guild_id).areas]

        def key(step: Step) -> tuple[bool, int, int, int]:
            phase = min(ORDER[step.kind], 2)
            area = slugs.index(step.key) if step.key in slugs else -1
            return (step.action != "adopt", phase, area if phase == 2 else 0, ORDER[step.kind])

        return sorted(steps, key=key)

    async def run(
        self, guild: discord.Guild, plan: SetupPlan, progress: Progress | None = None
    ) -> SetupOutcome:
        outcome = SetupOutcome()
        steps = self.order(guild.id, plan.steps)
        slugs = {area.slug for area in self.bot.areas.of(guild.id).areas}
        pending = Counter(s.key for s in steps if s.key in slugs)
        total = len(slugs)
        for step in steps:
            try:
                await self._apply(guild, step)
            except discord.HTTPException as exc:
                outcome.failed = step
                outcome.error = (
                    "Discord refused (missing permission)" if exc.status == 403 else exc.text
                )
                break
            outcome.done.append(step)
            pending[step.key] -= 1
            if progress is not None:
                finished = total - sum(1 for n in pending.values() if n > 0)
                await progress.report(finished, total)
        return outcome

    async def _apply(self, guild: discord.Guild, step: Step) -> None:
        record = self.service.record
        if step.action == "adopt":
            assert step.discord_id is not None
            await record(guild.id, step.kind, step.key, step.discord_id, step.name)
        elif step.kind == "role":
            await self._role(guild, step)
        elif step.kind in ("category", "channel"):
            await self._channel(guild, step)
        elif step.kind == "pin":
            await self._pin(guild, step)

    async def _role(self, guild: discord.Guild, step: Step) -> None:
        if step.action == "create":
            role = await guild.create_role(name=step.name, reason="/hub setup")
        else:
            found = guild.get_role(step.discord_id or 0)
            assert found is not None
            role = await found.edit(name=step.name, reason="/hub setup: area renamed") or found
        await self.service.record(guild.id, "role", step.key, role.id, step.name)

    async def _channel(self, guild: discord.Guild, step: Step) -> None:
        resources = await self.service.resources(guild.id)
        if step.action == "create":
            channel: discord.abc.GuildChannel
            if step.kind == "category":
                channel = await guild.create_category(step.name, reason="/hub setup")
            else:
                parent = guild.get_channel(
                    resources.get(("category", step.parent_key or ""), (0, ""))[0]
                )
                channel = await guild.create_text_channel(
                    step.name,
                    category=parent if isinstance(parent, discord.CategoryChannel) else None,
                    topic=step.topic or discord.utils.MISSING,
                    overwrites=await self._access(guild, step, resources),
                    reason="/hub setup",
                )
        else:
            found = guild.get_channel(step.discord_id or 0)
            if isinstance(found, discord.TextChannel) and step.action == "topic":
                await found.edit(topic=step.topic or "", reason="/hub setup")
            elif isinstance(found, discord.TextChannel) and step.action == "access":
                rules = await self._access(guild, step, resources)
                await found.edit(overwrites=rules, reason="/hub setup: who sees area channels")
            elif isinstance(found, discord.TextChannel | discord.CategoryChannel):
                await found.edit(name=step.name, reason="/hub setup: renamed in the config")
            else:
                raise SetupStepError(f"#{step.name} is gone; run /hub setup again")
            channel = found
        await self.service.record(guild.id, step.kind, step.key, channel.id, step.name)

    async def _access(
        self, guild: discord.Guild, step: Step, resources: dict[tuple[str, str], tuple[int, str]]
    ) -> Overwrites:
        """Who may see a new channel: area channels follow the server's area_access; the audit and
        verification channels are for moderators only; the others are open."""
        hidden = discord.PermissionOverwrite(view_channel=False)
        shown = discord.PermissionOverwrite(view_channel=True)
        if step.private:
            server = await self.bot.server_settings.for_server(guild.id)
            moderators = find_role(guild, server.moderator_role)
            rules: Overwrites = {guild.default_role: hidden, guild.me: shown}
            if moderators is not None:
                rules[moderators] = shown
            return rules
        if self.bot.areas.of(guild.id).get(step.key) is None:
            return {}
        access = (await self.bot.server_settings.for_server(guild.id)).area_access
        key = "introduced" if access == "introduced" else step.key
        role = guild.get_role(resources.get(("role", key), (0, ""))[0])
        if role is None:
            return {}
        area_rules: Overwrites = {guild.default_role: hidden, role: shown, guild.me: shown}
        return area_rules

    async def _pin(self, guild: discord.Guild, step: Step) -> None:
        resources = await self.service.resources(guild.id)
        channel = guild.get_channel(resources.get(("channel", step.key), (0, ""))[0])
        if not isinstance(channel, discord.TextChannel):
            raise SetupStepError("the area's channel is missing")
        text = step.topic or ""
        none = discord.AllowedMentions.none()
        if step.discord_id:
            try:
                await channel.get_partial_message(step.discord_id).edit(
                    content=text, allowed_mentions=none
                )
                await self.service.record(
                    guild.id, "pin", step.key, step.discord_id, fingerprint(text)
                )
                return
            except discord.NotFound:
                pass
        message = await channel.send(text, allowed_mentions=none)
        await message.pin(reason="/hub setup: about this area")
        await self.service.record(guild.id, "pin", step.key, message.id, fingerprint(text))
