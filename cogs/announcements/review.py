"""Confirm or discard a preview, and the second moderator's Approve or Reject.

With ``HUB_ANNOUNCE_REQUIRE_APPROVAL`` a confirmed (or edited) announcement waits in the
audit channel on a card with Approve and Reject; the author cannot approve their own, and an
older card is retired when the text changes, so nobody approves words they did not see.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import discord

from bot.checks import is_moderator, server_settings_of
from bot.errors import UserError
from bot.lookup import find_text_channel
from bot.settings import Settings
from bot.ui import discord_time
from cogs.announcements.delivery import missing_permissions
from cogs.announcements.model import Announcement, AnnouncementError
from cogs.announcements.service import AnnouncementService
from cogs.announcements.views import approval_card, approval_view

if TYPE_CHECKING:
    from bot.app import HubBot

Interaction = discord.Interaction[Any]
NONE = discord.AllowedMentions.none()


class Review:
    def __init__(self, bot: HubBot, service: AnnouncementService) -> None:
        self.bot = bot
        self.service = service

    async def confirm(self, interaction: Interaction, draft_id: int) -> None:
        assert interaction.guild is not None
        require_moderator(interaction, await server_settings_of(interaction))
        draft = await self.service.get(interaction.guild.id, draft_id)
        if draft is not None and draft.state == "draft":
            check_channel_id(interaction.guild, draft.channel_id, draft.style)
        # Per server (/hub config), the environment's HUB_ANNOUNCE_REQUIRE_APPROVAL by default.
        approval = await self.bot.server_settings.get(
            interaction.guild.id, "announce_require_approval"
        )
        found = await unwrap(
            self.service.confirm(interaction.guild.id, draft_id, interaction.user.id, approval)
        )
        if approval:
            text = f"Announcement #{found.id} is waiting for a second moderator's approval."
            text += await self.ask_for_approval(interaction.guild, found)
        else:
            first = discord_time(int(found.next_run_at.timestamp())) if found.next_run_at else "-"
            text = f"Scheduled as announcement #{found.id}. First post: {first}."
        # The preview's "nothing is posted until you press Confirm" would now be wrong.
        await interaction.response.edit_message(
            content=text, embeds=[], view=None, allowed_mentions=NONE
        )
        await audit(self.bot, interaction, "announce.scheduled", found, {"approval": approval})

    async def discard(self, interaction: Interaction, draft_id: int) -> None:
        assert interaction.guild_id is not None
        await self.service.discard_draft(interaction.guild_id, draft_id, interaction.user.id)
        await interaction.response.edit_message(
            content="Cancelled. Nothing was scheduled.", embeds=[], view=None
        )

    async def ask_for_approval(self, guild: discord.Guild, found: Announcement) -> str:
        """Post the approval card (retiring an older one); return a note if it could not be."""
        await self.retire_card(found.id)
        audit = (await self.bot.server_settings.for_server(guild.id)).audit_channel
        channel = find_text_channel(guild, audit)
        if channel is None:
            return " There is no audit channel to ask in; create it (see /hub setup)."
        try:
            card = await channel.send(
                **approval_card(found), view=approval_view(found.id), allowed_mentions=NONE
            )
        except discord.HTTPException as exc:
            return (
                f" I could not post the approval card in #{channel.name} ({exc.text or exc.status})"
                "; give the bot Send Messages and Embed Links there, then edit the announcement "
                "to ask again."
            )
        await self.service.set_review_card(found.id, channel.id, card.id)
        return ""

    async def retire_card(self, announcement_id: int) -> None:
        """An approval card for text that has since changed must not be approvable."""
        where = await self.service.review_card(announcement_id)
        channel = self.bot.get_channel(where[0]) if where else None
        if where is None or not isinstance(channel, discord.TextChannel):
            return
        with contextlib.suppress(discord.HTTPException):
            await channel.get_partial_message(where[1]).edit(
                content=f"Announcement #{announcement_id} was edited after this card was "
                "posted; the newer card below asks for approval.",
                view=None,
            )

    async def review(self, interaction: Interaction, announcement_id: int, approve: bool) -> None:
        assert interaction.guild_id is not None
        require_moderator(interaction, await server_settings_of(interaction))
        guild_id, user_id = interaction.guild_id, interaction.user.id
        if approve:
            found = await unwrap(self.service.approve(guild_id, announcement_id, user_id))
            first = discord_time(int(found.next_run_at.timestamp())) if found.next_run_at else "-"
            text = f"Approved by <@{user_id}>. First post: {first}."
        else:
            found = await unwrap(self.service.reject(guild_id, announcement_id, user_id))
            text = f"Rejected by <@{user_id}>. It will not be posted."
        await interaction.response.edit_message(
            content=f"Announcement #{found.id}: {text}", view=None, allowed_mentions=NONE
        )
        action = "announce.approved" if approve else "announce.rejected"
        await audit(self.bot, interaction, action, found)


async def unwrap(awaitable: Any) -> Announcement:
    """Await a service call, turning its refusals into a short ephemeral answer."""
    try:
        result: Announcement = await awaitable
    except AnnouncementError as exc:
        raise UserError(str(exc)) from exc
    return result


def require_moderator(interaction: Interaction, settings: Settings) -> None:
    if not is_moderator(interaction.user, settings):
        raise UserError(f"Only moderators (the '{settings.moderator_role}' role) can do this.")


def check_channel_id(guild: discord.Guild, channel_id: int, style: str) -> None:
    channel = guild.get_channel(channel_id)
    if not isinstance(channel, discord.TextChannel):
        raise UserError("That channel no longer exists. Pick a text channel.")
    missing = missing_permissions(channel, guild.me, style)
    if missing:
        raise UserError(
            f"I cannot post in #{channel.name}: I am missing {', '.join(missing)} there. "
            "Give the bot's role those permissions in the channel settings, or pick "
            "another channel."
        )


async def audit(
    bot: HubBot,
    interaction: Interaction,
    action: str,
    found: Announcement,
    details: dict[str, Any] | None = None,
    mirror: bool = True,
) -> None:
    facts = {"state": found.state, "channel_id": found.channel_id, **(details or {})}
    await bot.audit.record(
        interaction.guild_id, action, actor_id=interaction.user.id,
        target=f"announcement #{found.id}", details=facts, mirror=mirror,
    )  # fmt: skip
