"""Who may run what.

The run-time check (``moderator_only``) is the real guard. On top of it, every moderator
command lives under a top-level command carrying ``MODERATOR_PERMISSIONS`` as its
``default_member_permissions`` (/announce, /hub, /mentor-admin, /areas-admin), so Discord
itself hides it from members: Discord applies default permissions to top-level commands
only, never to a subcommand. A server lets its Moderator role see them in Server Settings >
Integrations > this bot (the README says how).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.errors import NotModerator
from bot.settings import Settings

T = TypeVar("T")

# Manage Server: the permission Discord checks before showing a moderator command; a server
# can grant the commands to its Moderator role instead, in its Integrations settings.
MODERATOR_PERMISSIONS = discord.Permissions(manage_guild=True)


def is_moderator(member: discord.Member | discord.User, settings: Settings) -> bool:
    """Members with the configured moderator role, or server administrators."""
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.administrator:
        return True
    wanted = settings.moderator_role
    return any(str(role.id) == wanted or role.name == wanted for role in member.roles)


async def server_settings_of(interaction: discord.Interaction[Any]) -> Settings:
    """The settings as they apply on the interaction's server: its own values from /hub
    config (the moderator role among them) over the environment's."""
    settings: Settings = await interaction.client.server_settings.for_server(interaction.guild_id)
    return settings


def moderator_only() -> Callable[[T], T]:
    """An app-command check against the moderator role named in the server's settings."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        settings = await server_settings_of(interaction)
        if not is_moderator(interaction.user, settings):
            raise NotModerator(
                f"This command is for moderators (the '{settings.moderator_role}' role). "
                "Ask a moderator if you need it done."
            )
        return True

    return app_commands.check(predicate)
