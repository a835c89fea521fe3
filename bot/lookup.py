"""Finding the channels and roles that settings name, by id or by name."""

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
