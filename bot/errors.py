"""The global error handler: expected errors get a helpful line, unexpected ones an error id.

Tier 1, expected: a ``UserError`` raised by a feature, a failed check, a cooldown, a value
Discord could not convert. The member is told what to do. Tier 2, anything else: the member
gets an apology and a short id, and the traceback is logged under that id.
"""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from bot.text import excerpt, fit

log = logging.getLogger(__name__)
MESSAGE_LIMIT = 2000


class UserError(Exception):
    """Something the member can fix; the message is shown to them as it is."""


class NotModerator(app_commands.CheckFailure):
    """The member lacks the configured moderator role."""


def new_error_id() -> str:
    return secrets.token_hex(4)


def _unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ or getattr(error, "original", None)
        if inner is None or inner is error:
            break
        if isinstance(error, app_commands.TransformerError) and not isinstance(inner, UserError):
            break
        error = inner
    return error


def expected_message(error: BaseException) -> str | None:
    """The line to show for an expected error, or None when the error is unexpected."""
    error = _unwrap(error)
    if isinstance(error, UserError | NotModerator):
        return str(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"You are doing that too often. Try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.MissingPermissions | app_commands.BotMissingPermissions):
        names = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        if isinstance(error, app_commands.BotMissingPermissions):
            return f"I am missing a permission here: {names}. Ask a moderator to grant it."
        return f"You need this permission for that: {names}."
    if isinstance(error, app_commands.MissingRole | app_commands.MissingAnyRole):
        return "You do not have the role this command needs. Ask a moderator if you should."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in the server, not in direct messages."
    if isinstance(error, app_commands.TransformerError):
        value = excerpt(str(error.value))
        return f"'{value}' is not a valid {error.type.name.lower()}. Check it and try again."
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    return None


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Answer privately, whether or not the interaction was already responded to; cut to
    Discord's 2,000 characters, so no exception text can make the answer fail."""
    text = fit(text, MESSAGE_LIMIT)
    if interaction.response.is_done():
        await interaction.followup.send(
            text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )
    else:
        await interaction.response.send_message(
            text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


async def report_error(interaction: discord.Interaction, error: BaseException) -> str | None:
    """Tell the member what went wrong; return the error id for unexpected errors."""
    message = expected_message(error)
    error_id: str | None = None
    if message is None:
        error_id = new_error_id()
        where = interaction.command.qualified_name if interaction.command else "a component"
        log.error("error %s in %s", error_id, where, exc_info=_unwrap(error))
        message = (
            "Sorry, something went wrong on our side. If it keeps happening, give a "
            f"moderator this error id: `{error_id}`."
        )
    try:
        await send_ephemeral(interaction, message)
    except discord.HTTPException:
        log.warning("could not deliver the error message for %s", error_id or "an expected error")
    return error_id
