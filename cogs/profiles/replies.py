"""Small reply helpers shared by the profile flows."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError
from bot.text import plural

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


ERASED = (
    "Done. Your profile and everything the bot stored about you are deleted, in every "
    "feature, from the database and its log files.\n"
    "Also taken back on Discord: your intro card, your private threads with the bot, the "
    "introduction requests and enquiries of yours it delivered to other members, messages "
    "that named you to others, and your name in weekly digests and event lists. Shared "
    "threads and the moderators' audit channel now say 'a former member' where they named "
    "you. Events you organised stay for the "
    "people who signed up, without your name or description.\n"
    "What the bot cannot remove:\n"
    "- what other members wrote, in shared threads and in DMs, and what you wrote yourself "
    "(you can delete your own messages in Discord);\n"
    "- copies people made, such as screenshots, notes or forwarded text;\n"
    "- backups the server's operator keeps, until they are rotated;\n"
    "- impact reports already posted, which stay as they were: they hold counts, never "
    "names, and reports made from now on no longer count you;\n"
    "- reports and summaries already shared outside Discord."
)


def erased_reply(not_removed: int) -> str:
    """The delete confirmation: what is gone, and plainly what is not."""
    if not not_removed:
        return ERASED
    return (
        f"{ERASED}\n{plural(not_removed, 'message')} the bot posted could not be removed from "
        "Discord (it lost access to them). Ask a moderator to delete them by hand."
    )
