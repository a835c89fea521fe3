"""Small reply helpers shared by the profile flows."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError

Interaction = discord.Interaction[Any]


def ids_of(interaction: Interaction) -> tuple[int, int]:
    if interaction.guild_id is None:
        raise UserError("Introductions happen in the server. Use /introduce there.")
    return interaction.guild_id, interaction.user.id


async def show(
    interaction: Interaction,
    content: str,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Update the member's private form message, or start one (never edit a public message)."""
    own_message = interaction.message is not None and interaction.message.flags.ephemeral
    if own_message:
        await interaction.response.edit_message(content=content, embed=embed, view=view)
    else:
        await interaction.response.send_message(
            content,
            embed=embed or discord.utils.MISSING,
            view=view or discord.utils.MISSING,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )
