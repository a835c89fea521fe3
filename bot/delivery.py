"""Private delivery, for every feature that must reach one member privately (introductions,
enquiries, mentoring, profile review, partner networks): by DM, or, when a member's DMs are
closed, as a mention in a private thread made for them alone (in the feature's channel), so
no one is silently skipped and no one else reads the card. It lives in the shared core
because several features use it, not only expert search, where it began.

Also opens the private thread where two members meet once both have agreed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.audit import member_target
from bot.lookup import find_member, find_text_channel
from bot.text import clean, fit

if TYPE_CHECKING:
    from bot.app import HubBot

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()


DM, THREAD, FAILED = "dm", "channel", "failed"  # how a card reached the member (stored)


class PrivateDelivery:
    """One member's private delivery for a feature: ``feature`` names its audit entries,
    ``setting`` is the channel setting where the fallback threads live (read per server, as
    /hub config sets it; ``channel`` names one channel for every server instead) and
    ``title`` starts their names."""

    def __init__(
        self,
        bot: HubBot,
        *,
        feature: str = "experts",
        channel: str | None = None,
        setting: str = "requests_channel",
        title: str = "Requests",
    ) -> None:
        self.bot = bot
        self.feature = feature
        self.channel = channel
        self.setting = setting
        self.title = title

    async def channel_name(self, guild_id: int) -> str:
        """The fallback threads' channel on this server: its own setting's value."""
        if self.channel:
            return self.channel
        return str(getattr(await self.bot.server_settings.for_server(guild_id), self.setting))

    async def send(
        self, guild: discord.Guild, user_id: int, closed_dms: str, **message: Any
    ) -> str:
        """DM the member; if that fails, mention them in their private thread of the
        feature's channel with `closed_dms` as the text. Returns DM, THREAD or FAILED."""
        return (await self.deliver(guild, user_id, closed_dms, **message))[0]

    async def deliver(
        self, guild: discord.Guild, user_id: int, closed_dms: str, **message: Any
    ) -> tuple[str, discord.Message | None]:
        """As ``send``, with the message posted, so a card carrying someone else's words
        can be recorded and deleted when that person erases their data."""
        member = await find_member(guild, user_id)
        if member is not None:
            try:
                return DM, await self.bot.dm_channels.send(member, allowed_mentions=NONE, **message)
            except discord.HTTPException:
                pass
        message.pop("content", None)
        posted = await self._in_thread(guild, user_id, closed_dms, **message)
        return (THREAD if posted else FAILED), posted

    async def tell(self, guild: discord.Guild, user_id: int, text: str) -> None:
        await self.send(guild, user_id, text, content=text)

    async def in_channel(self, guild: discord.Guild, user_id: int, text: str, **extra: Any) -> bool:
        """Post in the member's own private thread of the requests channel (made for them
        alone, reused while it is open): the card says who asked what, and that this member
        is open to such requests, which other members of the channel must not see. False,
        with the fix in the audit channel, when that is not possible: one member who cannot
        be reached never stops the others being asked."""
        return await self._in_thread(guild, user_id, text, **extra) is not None

    async def _in_thread(
        self, guild: discord.Guild, user_id: int, text: str, **extra: Any
    ) -> discord.Message | None:
        wanted = await self.channel_name(guild.id)
        channel = find_text_channel(guild, wanted)
        if channel is None:
            details = {"channel": wanted, "fix": "Create it."}
            await self.bot.audit.record(
                guild.id, f"{self.feature}.channel_missing", details=details
            )
            return None
        member = await find_member(guild, user_id)
        if member is None:
            return None  # no longer in the server: nobody to tell, and nothing to show others
        try:
            thread = await self.own_thread(channel, member, self.title)
            await thread.add_user(member)
            mention = discord.AllowedMentions(users=[member])
            return await thread.send(
                f"<@{user_id}>, {text}"[:2000], allowed_mentions=mention, **extra
            )
        except discord.HTTPException as exc:
            log.warning("could not reach member %d in #%s: %s", user_id, channel.name, exc)
            await self.bot.audit.record(
                guild.id, f"{self.feature}.delivery_failed", target=member_target(user_id),
                details={"channel": channel.name, "fix": "Give the bot 'Create Private "
                         "Threads' and 'Send Messages in Threads' in that channel."},
            )  # fmt: skip
            return None

    async def _name(self, guild_id: int, member: discord.Member) -> str:
        """A thread title names members by their profile's name (a thread shows no markdown),
        else their server display name, never their login handle when a name is known."""
        # Imported here: the profiles feature imports this module, so a top-level import
        # would be circular; by the time a thread is named, both are loaded.
        from cogs.profiles.service import ProfileService

        profiles = ProfileService(self.bot.db, self.bot.clock, self.bot.areas)
        return clean(await profiles.name_of(guild_id, member.id) or member.display_name)

    async def own_thread(
        self, channel: discord.TextChannel, member: discord.Member, title: str
    ) -> discord.Thread:
        """The member's open thread in ``channel``, found by id (two members may share a
        name), or a new one called "<title>: <name>", remembered for the next time."""
        threads = self.bot.member_threads
        known = await threads.get(channel.guild.id, member.id, channel.id)
        thread = channel.guild.get_thread(known) if known else None
        if thread is not None and not thread.archived:
            return thread
        thread = await channel.create_thread(
            name=fit(f"{title}: {await self._name(channel.guild.id, member)}", 100),
            type=discord.ChannelType.private_thread,
            invitable=False,
        )
        await threads.remember(channel.guild.id, member.id, channel.id, thread.id)
        return thread

    async def open_thread(
        self, guild: discord.Guild, title: str, member_ids: tuple[int, int], text: str
    ) -> discord.Thread | None:
        """A private thread in the introductions channel with just these two members."""
        return (await self.open_pair_thread(guild, title, member_ids, text))[0]

    async def open_pair_thread(
        self, guild: discord.Guild, title: str, member_ids: tuple[int, int], text: str
    ) -> tuple[discord.Thread | None, discord.Message | None]:
        """As ``open_thread``, with the opening message, so both can be recorded: the
        thread is named after the two members and the message carries their words."""
        wanted = (await self.bot.server_settings.for_server(guild.id)).introductions_channel
        channel = find_text_channel(guild, wanted)
        if channel is None:
            return None, None
        members = [m for m in (guild.get_member(i) for i in member_ids) if m is not None]
        names = " and ".join([await self._name(guild.id, m) for m in members]) or "two members"
        thread = await channel.create_thread(
            name=fit(f"{title}: {names}", 100),
            type=discord.ChannelType.private_thread,
            invitable=False,
        )
        for member in members:
            await thread.add_user(member)
        return thread, await thread.send(text[:2000], allowed_mentions=NONE)
