"""Private delivery for introductions and enquiries: by DM, or, when a member's DMs are
closed, as a mention in a private thread of the requests channel made for them alone, so
no one is silently skipped and no one else reads the card.

Also opens the private thread where two members meet once both have agreed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.lookup import find_text_channel

if TYPE_CHECKING:
    from bot.app import HubBot

NONE = discord.AllowedMentions.none()


class PrivateDelivery:
    def __init__(self, bot: HubBot) -> None:
        self.bot = bot

    async def send(
        self, guild: discord.Guild, user_id: int, closed_dms: str, **message: Any
    ) -> bool:
        """DM the member; if that fails, mention them in their private thread of the
        requests channel with `closed_dms` as the text. True when the DM went through."""
        member = guild.get_member(user_id)
        if member is not None:
            try:
                await member.send(allowed_mentions=NONE, **message)
                return True
            except discord.HTTPException:
                pass
        message.pop("content", None)
        await self.in_channel(guild, user_id, closed_dms, **message)
        return False

    async def tell(self, guild: discord.Guild, user_id: int, text: str) -> None:
        await self.send(guild, user_id, text, content=text)

    async def in_channel(self, guild: discord.Guild, user_id: int, text: str, **extra: Any) -> None:
        """Post in the member's own private thread of the requests channel (made for them
        alone, reused while it is open): the card says who asked what, and that this member
        is open to such requests, which other members of the channel must not see."""
        channel = find_text_channel(guild, self.bot.settings.requests_channel)
        if channel is None:
            details = {"channel": self.bot.settings.requests_channel, "fix": "Create it."}
            await self.bot.audit.record(guild.id, "experts.channel_missing", details=details)
            return
        member = guild.get_member(user_id)
        if member is None:
            return  # no longer in the server: nobody to tell, and nothing to show others
        name = f"Requests: {member.display_name}"[:100]
        thread = next(
            (t for t in channel.threads if t.name == name and not t.archived), None
        ) or await channel.create_thread(
            name=name, type=discord.ChannelType.private_thread, invitable=False
        )
        await thread.add_user(member)
        mention = discord.AllowedMentions(users=[member])
        await thread.send(f"<@{user_id}>, {text}"[:2000], allowed_mentions=mention, **extra)

    async def open_thread(
        self, guild: discord.Guild, title: str, member_ids: tuple[int, int], text: str
    ) -> discord.Thread | None:
        """A private thread in the introductions channel with just these two members."""
        channel = find_text_channel(guild, self.bot.settings.introductions_channel)
        if channel is None:
            return None
        members = [m for m in (guild.get_member(i) for i in member_ids) if m is not None]
        names = " and ".join(m.display_name for m in members) or "two members"
        thread = await channel.create_thread(
            name=f"{title}: {names}"[:100], type=discord.ChannelType.private_thread, invitable=False
        )
        for member in members:
            await thread.add_user(member)
        await thread.send(text[:2000], allowed_mentions=NONE)
        return thread
