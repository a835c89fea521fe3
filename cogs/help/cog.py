"""``/help``: an ephemeral list of what this member can do here, with clickable commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_moderator, server_settings_of
from cogs.events.creating import is_organiser
from cogs.help.listing import MEMBER, MODERATOR, ORGANISER, entries, for_member, line

if TYPE_CHECKING:
    from bot.app import HubBot
    from bot.settings import Settings

FIELD_LIMIT = 1024
INTRO = {
    MEMBER: "Click a command to start it; you can fill in its options before sending.",
    ORGANISER: "You can also create and run events. Click a command to start it.",
    MODERATOR: "You are a moderator here, so moderator commands are listed too. Click a "
    "command to start it.",
}


def role_of(member: discord.Member | discord.User, settings: Settings) -> str:
    """``settings`` as they apply on the member's server (its own roles)."""
    if is_moderator(member, settings):
        return MODERATOR
    return ORGANISER if is_organiser(member, settings) else MEMBER


def chunks(lines: list[str]) -> list[str]:
    """Lines joined into field values within Discord's 1,024 characters, never mid-line."""
    values: list[str] = []
    for text in lines:
        if values and len(values[-1]) + 1 + len(text) <= FIELD_LIMIT:
            values[-1] += "\n" + text
        else:
            values.append(text[:FIELD_LIMIT])
    return values


class HelpCog(commands.Cog):
    """/help for everyone, from the synced command tree."""

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What you can do here, with the commands")
    @app_commands.guild_only()
    async def help(self, interaction: discord.Interaction[HubBot]) -> None:
        embed = self.help_embed(interaction, await server_settings_of(interaction))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    def help_embed(
        self, interaction: discord.Interaction[HubBot], settings: Settings
    ) -> discord.Embed:
        guild = discord.Object(interaction.guild_id) if interaction.guild_id else None
        synced = self.bot.command_ids
        in_guild = interaction.guild_id in synced
        ids = synced.get(interaction.guild_id if in_guild else None, {})
        tree_commands = self.bot.tree.get_commands(guild=guild if in_guild else None)
        role = role_of(interaction.user, settings)
        embed = discord.Embed(title="What you can do here", description=INTRO[role])
        for title, found in for_member(entries(tree_commands), role).items():
            lines = [line(entry, ids.get(entry.root)) for entry in found]
            for number, value in enumerate(chunks(lines)):
                embed.add_field(name=title if number == 0 else f"{title} (more)", value=value,
                                inline=False)  # fmt: skip
        return embed
