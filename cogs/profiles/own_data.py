"""The member's own data: export everything, or erase everything, across every feature."""

from __future__ import annotations

import io
import json
import logging
from typing import TYPE_CHECKING

import discord

from bot.errors import UserError
from bot.lookup import find_text_channel
from cogs.profiles.replies import Interaction, ids_of

if TYPE_CHECKING:
    from cogs.profiles.flow import ProfileFlow

log = logging.getLogger(__name__)


class OwnData:
    def __init__(self, flow: ProfileFlow) -> None:
        self.bot = flow.bot
        self.service = flow.service

    async def export(self, interaction: Interaction) -> None:
        guild_id, user_id = ids_of(interaction)
        data = await self.bot.personal_data.export(guild_id, user_id)
        body = json.dumps({"guild_id": guild_id, "user_id": user_id, **data}, indent=2, default=str)
        file = discord.File(io.BytesIO(body.encode()), filename="my-research-hub-data.json")
        await interaction.response.send_message(
            "Here is everything the bot stores about you, from every feature.",
            file=file,
            ephemeral=True,
        )

    async def erase(self, interaction: Interaction, user_id: int) -> None:
        _, actor_id = ids_of(interaction)
        if actor_id != user_id:
            raise UserError("This button belongs to someone else's deletion request.")
        await interaction.response.defer()
        await self.erase_member(interaction.guild, user_id, reason="requested")
        await interaction.edit_original_response(
            content="Done. Your profile and everything the bot stored about you are deleted.",
            view=None,
        )

    async def erase_member(self, guild: discord.Guild | None, user_id: int, reason: str) -> None:
        """Delete the rows first (all or nothing), then the card and the roles the bot gave."""
        assert guild is not None
        profile = await self.service.get(guild.id, user_id)
        queue_id = await self.service.queue_message(guild.id, user_id)
        role_ids = await self.service.roles_given(guild.id, user_id)
        own_threads = await self.bot.member_threads.of_member(guild.id, user_id)
        removed = await self.bot.personal_data.erase(guild.id, user_id)
        self.bot.dispatch("profile_changed", guild.id, user_id)
        for thread_id in own_threads:  # named after them, and full of what was sent to them
            await _delete_thread(guild, thread_id)
        if profile and profile.intro_channel_id and profile.intro_message_id:
            await _delete_message(guild, profile.intro_channel_id, profile.intro_message_id)
        verification = find_text_channel(guild, self.bot.settings.verification_channel or "-")
        if queue_id and verification is not None:
            await _delete_message(guild, verification.id, queue_id)
        member = guild.get_member(user_id)
        roles = [r for r in (guild.get_role(i) for i in role_ids) if r is not None]
        if member is not None and roles:
            try:
                await member.remove_roles(*roles, reason="Profile deleted")
            except discord.HTTPException:
                log.warning("could not remove roles after a profile deletion")
        await self.bot.audit.record(
            guild.id, "profile.deleted", details={"reason": reason, "rows": sum(removed.values())}
        )


async def _delete_message(guild: discord.Guild, channel_id: int, message_id: int) -> None:
    channel = guild.get_channel(channel_id)
    if isinstance(channel, discord.TextChannel):
        try:
            await channel.get_partial_message(message_id).delete()
        except discord.HTTPException:
            log.warning("could not delete message %d", message_id)


async def _delete_thread(guild: discord.Guild, thread_id: int) -> None:
    thread = guild.get_thread(thread_id)
    if thread is None:
        return  # already gone
    try:
        await thread.delete()
    except discord.HTTPException:
        log.warning("could not delete thread %d", thread_id)
