"""Verification: new introductions wait in a moderators' queue with Approve and Reject.

Approving gives the Verified role and marks the card; rejecting asks the moderator for a
reason and tells the member politely by DM, or tells the moderator when DMs are closed.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import discord

from bot.audit import member_target
from bot.checks import is_moderator
from bot.errors import NotModerator
from bot.lookup import find_role, find_text_channel
from cogs.profiles.cards import profile_embed
from cogs.profiles.fields import Profile, Viewer
from cogs.profiles.replies import Interaction, ids_of, show
from cogs.profiles.views import OneLineModal, queue_view

if TYPE_CHECKING:
    from cogs.profiles.flow import ProfileFlow


class ReviewFlow:
    def __init__(self, flow: ProfileFlow) -> None:
        self.flow = flow
        self.bot = flow.bot
        self.service = flow.service

    # -- verification -----------------------------------------------------------------------------

    async def queue_for_review(self, guild: discord.Guild, profile: Profile) -> list[str]:
        channel = find_text_channel(guild, self.bot.settings.verification_channel)
        if channel is None:
            await self.flow.tell_moderators(
                guild, "profiles.channel_missing", profile.user_id,
                {"channel": self.bot.settings.verification_channel,
                 "fix": "Create the verification channel, or run /hub setup."},
            )  # fmt: skip
            return []
        embed = profile_embed(profile, self.bot.areas, Viewer(0, is_moderator=True))
        content = f"Introduction from <@{profile.user_id}> waiting for review."
        existing = await self.service.queue_message(guild.id, profile.user_id)
        none = discord.AllowedMentions.none()
        if existing:
            try:
                await channel.get_partial_message(existing).edit(
                    content=content, embed=embed, view=queue_view(profile.user_id)
                )
                return []
            except discord.NotFound:
                pass
        message = await channel.send(
            content, embed=embed, view=queue_view(profile.user_id), allowed_mentions=none
        )
        await self.service.set_queue_message(guild.id, profile.user_id, message.id)
        return []

    async def verify(self, interaction: Interaction, action: str, user_id: int) -> None:
        guild_id, moderator_id = ids_of(interaction)
        if not is_moderator(interaction.user, self.bot.settings):
            raise NotModerator("Only moderators can review introductions.")
        if await self.service.get(guild_id, user_id) is None:
            await show(interaction, "That member has deleted their profile; nothing to review.")
            return
        if action == "reject":
            on_reason = functools.partial(self._rejected, user_id=user_id)
            await interaction.response.send_modal(
                OneLineModal(
                    "Reject introduction", "Reason (sent to the member)", on_reason, long=True
                )
            )
            return
        profile = await self.service.set_verification(guild_id, user_id, "verified", moderator_id)
        await interaction.response.edit_message(
            content=f"Approved by <@{moderator_id}>: introduction of <@{user_id}>.", view=None
        )
        guild = interaction.guild
        assert guild is not None
        member = guild.get_member(user_id)
        if member is not None:
            _, problem = await self.flow.give_role(guild, member, self.bot.settings.verified_role)
            if problem is None:
                role = find_role(guild, self.bot.settings.verified_role)
                if role is not None:
                    await self.service.record_roles(guild_id, user_id, [role.id])
        self.bot.dispatch("profile_changed", guild_id, user_id)
        await self.flow.publish(guild, profile)
        await self.bot.audit.record(
            guild_id, "profile.verified", actor_id=moderator_id, target=member_target(user_id)
        )

    async def _rejected(self, interaction: Interaction, reason: str, *, user_id: int) -> None:
        guild_id, moderator_id = ids_of(interaction)
        reason = reason.strip() or "no reason given"
        await self.service.set_verification(guild_id, user_id, "rejected", moderator_id)
        guild = interaction.guild
        assert guild is not None
        told = await self._dm(
            guild.get_member(user_id),
            f"Thank you for introducing yourself in {guild.name}. A moderator could not verify "
            f"your introduction yet. Their note: {reason}\nYou can update it with /profile edit.",
        )
        note = (
            ""
            if told
            else " (their DMs are closed, so they were not told; please reach them another way)"
        )
        await interaction.response.edit_message(
            content=f"Rejected by <@{moderator_id}>: introduction of <@{user_id}>.{note}", view=None
        )
        await self.bot.audit.record(
            guild_id, "profile.rejected", actor_id=moderator_id, target=member_target(user_id),
            details={"reason": reason, "member_told": told},
        )  # fmt: skip

    @staticmethod
    async def _dm(member: discord.Member | None, text: str) -> bool:
        if member is None:
            return False
        try:
            await member.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            return False
        return True
