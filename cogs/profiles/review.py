"""Verification: new introductions wait in a moderators' queue with Approve and Reject.

Approving gives the Verified role, marks the card and tells the member what that means;
rejecting asks the moderator for a reason and tells the member politely. Both reach the
member by DM, or in a private thread of the introductions channel when their DMs are
closed, and the queue card says which. A decision is taken once: a second moderator
pressing a button of the same introduction is told who decided first, and nothing changes.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import discord

from bot.audit import member_target
from bot.checks import is_moderator, server_settings_of
from bot.clock import from_db_time
from bot.delivery import DM, FAILED, THREAD, PrivateDelivery
from bot.errors import NotModerator
from bot.lookup import find_text_channel
from bot.text import escape_markdown, excerpt
from bot.ui import discord_time
from cogs.profiles.cards import profile_embed
from cogs.profiles.fields import Profile, Viewer
from cogs.profiles.replies import Interaction, ids_of, show
from cogs.profiles.views import OneLineModal, queue_view

if TYPE_CHECKING:
    from cogs.profiles.flow import ProfileFlow

DELETED = "That member has deleted their profile; nothing to review."
NONE = discord.AllowedMentions.none()


class ReviewFlow:
    def __init__(self, flow: ProfileFlow) -> None:
        self.flow = flow
        self.bot = flow.bot
        self.service = flow.service
        self.delivery = PrivateDelivery(
            self.bot,
            feature="profiles",
            setting="introductions_channel",
            title="Your introduction",
        )

    # -- verification -----------------------------------------------------------------------------

    async def queue_for_review(self, guild: discord.Guild, profile: Profile) -> list[str]:
        wanted = (await self.bot.server_settings.for_server(guild.id)).verification_channel
        channel = find_text_channel(guild, wanted)
        if channel is None:
            await self.flow.tell_moderators(
                guild, "profiles.channel_missing", profile.user_id,
                {"channel": wanted,
                 "fix": "Create the verification channel, or run /hub setup."},
            )  # fmt: skip
            return []
        embed = profile_embed(
            profile, self.bot.areas.of(profile.guild_id), Viewer(0, is_moderator=True)
        )
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
        if not is_moderator(interaction.user, await server_settings_of(interaction)):
            raise NotModerator("Only moderators can review introductions.")
        profile = await self.service.get(guild_id, user_id)
        if profile is None:
            await show(interaction, DELETED)
            return
        if profile.verification != "pending":
            await show(interaction, already_decided(profile))
            return
        if action == "reject":
            on_reason = functools.partial(self._rejected, user_id=user_id)
            await interaction.response.send_modal(
                OneLineModal(
                    "Reject introduction", "Reason (sent to the member)", on_reason, long=True
                )
            )
            return
        decision = await self.service.decide_verification(
            guild_id, user_id, "verified", moderator_id
        )
        if decision.profile is None or not decision.won:
            await show(interaction, already_decided(decision.profile))
            return
        await interaction.response.defer()
        profile = decision.profile
        guild = interaction.guild
        assert guild is not None
        role_given = await self._give_verified_role(guild, user_id)  # its name, if given
        self.bot.dispatch("profile_changed", guild_id, user_id)
        await self.flow.publish(guild, profile)
        told = await self._tell(guild, user_id, approval_notice(guild.name, role_given))
        await interaction.edit_original_response(
            content=f"Approved by <@{moderator_id}>{_when(profile)}: introduction of "
            f"<@{user_id}>. {TOLD[told]}",
            view=None,
            allowed_mentions=NONE,
        )
        await self.bot.audit.record(
            guild_id, "profile.verified", actor_id=moderator_id, target=member_target(user_id),
            details={"member_told": told},
        )  # fmt: skip

    async def _give_verified_role(self, guild: discord.Guild, user_id: int) -> str | None:
        """The server's verified role, remembered as given by the bot (so erasure removes
        it); its name, to tell the member, or None when it could not be given."""
        member = guild.get_member(user_id)
        if member is None:
            return None
        wanted = (await self.bot.server_settings.for_server(guild.id)).verified_role
        role, problem = await self.flow.give_role(guild, member, wanted)
        if problem is not None or role is None:
            return None
        await self.service.record_roles(guild.id, user_id, [role.id])
        return role.name

    async def _rejected(self, interaction: Interaction, reason: str, *, user_id: int) -> None:
        guild_id, moderator_id = ids_of(interaction)
        reason = reason.strip() or "no reason given"
        decision = await self.service.decide_verification(
            guild_id, user_id, "rejected", moderator_id
        )
        if decision.profile is None or not decision.won:
            note = f" Your note was not sent: '{excerpt(reason, 200)}'"
            await show(interaction, already_decided(decision.profile) + note)
            return
        await interaction.response.defer()
        guild = interaction.guild
        assert guild is not None
        told = await self._tell(
            guild,
            user_id,
            f"Thank you for introducing yourself in {escape_markdown(guild.name)}. A moderator "
            f"could not verify your introduction yet. Their note: {reason}\n"
            "You can update it with /profile edit.",
        )
        await interaction.edit_original_response(
            content=f"Rejected by <@{moderator_id}>{_when(decision.profile)}: introduction of "
            f"<@{user_id}>. {TOLD[told]}",
            view=None,
            allowed_mentions=NONE,
        )
        await self.bot.audit.record(
            guild_id, "profile.rejected", actor_id=moderator_id, target=member_target(user_id),
            details={"reason": reason, "member_told": told},
        )  # fmt: skip

    async def _tell(self, guild: discord.Guild, user_id: int, text: str) -> str:
        """DM the member; when their DMs are closed, their private thread in the
        introductions channel. Returns how it went (DM, THREAD or FAILED)."""
        closed = f"your DMs are closed, so here it is: {text}"
        return await self.delivery.send(guild, user_id, closed, content=text[:2000])


TOLD = {
    DM: "They were told by DM.",
    THREAD: "Their DMs are closed, so they were told in a private thread in the "
    "introductions channel.",
    FAILED: "They could not be reached by DM or in a private thread; please tell them another way.",
}


def approval_notice(guild_name: str, role_given: str | None) -> str:
    """What verification means for the member, so approval is not silent; ``role_given``
    names the server's verified role when they got it."""
    role = f" and you have the {escape_markdown(role_given)} role" if role_given else ""
    return (
        f"Good news: a moderator of {escape_markdown(guild_name)} verified your "
        f"introduction. Your card now shows (verified){role}. You can now see the "
        "affiliation and bio of members who show them only to verified members, and expert "
        "search lists verified profiles a little higher. Editing your profile later with "
        "/profile edit keeps it verified."
    )


def already_decided(profile: Profile | None) -> str:
    """The answer to a moderator whose decision came second: who decided first, and when."""
    if profile is None:
        return DELETED
    word = {"verified": "approved", "rejected": "rejected"}.get(profile.verification)
    if word is None:
        return "This introduction is not waiting for review; nothing changed."
    by = f" by <@{profile.verified_by}>" if profile.verified_by else ""
    return f"Already {word}{by}{_when(profile, 'R')}; nothing changed."


def _when(profile: Profile, style: str = "f") -> str:
    """When the decision was taken, as a Discord timestamp: " on <date>" or " <2 minutes ago>"."""
    if not profile.verified_at:
        return ""
    moment = discord_time(int(from_db_time(profile.verified_at).timestamp()), style)
    return f" {moment}" if style == "R" else f" on {moment}"
