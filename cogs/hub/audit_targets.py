"""How the audit channel names events and announcements: their titles and cards, not numbers.

The hub reads the other features' services (never their SQL) when an entry is mirrored, so
a moderator sees "the event 'Evaluation seminar' (#12)" with a link to its card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.audit_text import Target, without_names
from bot.member_messages import AUDIT
from bot.text import escape_markdown

if TYPE_CHECKING:
    from bot.app import HubBot


def _service(bot: HubBot, cog_name: str) -> Any:
    cog = bot.get_cog(cog_name)
    return getattr(cog, "service", None)


def register_audit_targets(bot: HubBot) -> None:
    async def event(guild_id: int, number: int) -> Target | None:
        service = _service(bot, "EventsCog")
        found = await service.get(guild_id, number) if service else None
        if found is None:
            return None
        return Target(f"the event '{escape_markdown(found.title)}' (#{number})", found.link)

    async def announcement(guild_id: int, number: int) -> Target | None:
        service = _service(bot, "AnnouncementsCog")
        found = await service.get(guild_id, number) if service else None
        if found is None:
            return None
        title = found.title or (found.body.splitlines()[0] if found.body else "")
        name = f"the announcement '{escape_markdown(title)}' (#{number})" if title else None
        return Target(name or f"announcement #{number}")

    bot.audit_targets.register("event", event)
    bot.audit_targets.register("announcement", announcement)
    bot.member_messages.on_retract(AUDIT, retract_audit_names)


async def retract_audit_names(
    guild: discord.Guild, channel_id: int, message_id: int, others: list[int]
) -> None:
    """An erased member's name leaves the audit entries that named them ("a former
    member"); the entry's facts stay, as they do in the audit_log table."""
    channel = guild.get_channel(channel_id)
    if not isinstance(channel, discord.TextChannel):
        return
    message = await channel.fetch_message(message_id)
    text = without_names(message.content, set(others))
    if text != message.content:
        await message.edit(content=text, allowed_mentions=discord.AllowedMentions.none())
