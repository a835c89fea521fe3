"""Finding the channels and roles that settings name, by id or by name, and the members of a
server."""

from __future__ import annotations

import discord


def find_text_channel(guild: discord.Guild, name_or_id: str) -> discord.TextChannel | None:
    if name_or_id.isdigit():
        channel = guild.get_channel(int(name_or_id))
        return channel if isinstance(channel, discord.TextChannel) else None
    wanted = name_or_id.removeprefix("#")
    return discord.utils.get(guild.text_channels, name=wanted)


def find_role(guild: discord.Guild, name_or_id: str) -> discord.Role | None:
    if name_or_id.isdigit():
        return guild.get_role(int(name_or_id))
    return discord.utils.get(guild.roles, name=name_or_id)


class ServerNotReady(RuntimeError):
    """Discord has not sent this server, or all of its members, yet: work that needs them
    fails and is retried rather than treating the missing members as gone."""


async def complete_member_list(guild: discord.Guild) -> None:
    """Make sure ``guild.get_member`` knows every member, asking Discord for the list if
    the cache is partial (a server sent late, or chunking that timed out at start-up).
    Callers bound the wait (a scheduled job's deadline, or ``asyncio.timeout``)."""
    if guild.unavailable:
        raise ServerNotReady(f"server {guild.id} is not available yet")
    if not guild.chunked:
        await guild.chunk()


async def find_member(guild: discord.Guild, user_id: int) -> discord.Member | None:
    """The member, or None if they are not in the server. A miss in a server whose member
    list is still arriving (just after a start) is asked of Discord, one request, instead of
    being taken for a member who left."""
    member = guild.get_member(user_id)
    if member is not None or guild.chunked:
        return member
    try:
        return await guild.fetch_member(user_id)
    except discord.NotFound:
        return None
