"""The member's own data: export everything, or erase everything, across every feature.

Erasure first deletes the rows, in every feature at once (all or nothing); then, best
effort, the bot takes back what it posted on Discord with the member's words or name in it:
their intro card, their private threads, the cards it delivered to other members, their line
in weekly digests, and their name in the titles of shared threads. Discord may refuse one of
these (already gone, or a permission taken away): that is logged, by id only, and never
undoes the erasure. What the bot cannot remove is said plainly in the confirmation.
"""

from __future__ import annotations

import io
import json
import logging
from typing import TYPE_CHECKING

import discord

from bot.errors import UserError
from bot.lookup import find_text_channel
from bot.member_messages import CARD, THREAD_NAME, Posted
from bot.text import clean
from cogs.profiles.replies import Interaction, erased_reply, ids_of

if TYPE_CHECKING:
    from bot.app import HubBot
    from cogs.profiles.flow import ProfileFlow

log = logging.getLogger(__name__)
FORMER = "a former member"


class OwnData:
    def __init__(self, flow: ProfileFlow) -> None:
        self.bot: HubBot = flow.bot
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
        not_removed = await self.erase_member(interaction.guild, user_id, reason="requested")
        await interaction.edit_original_response(content=erased_reply(not_removed), view=None)

    async def erase_member(self, guild: discord.Guild | None, user_id: int, reason: str) -> int:
        """Delete the rows first (all or nothing), then what the bot posted about the member;
        returns how many posts Discord would not let the bot take back."""
        assert guild is not None
        profile = await self.service.get(guild.id, user_id)
        queue_id = await self.service.queue_message(guild.id, user_id)
        role_ids = await self.service.roles_given(guild.id, user_id)
        own_threads = await self.bot.member_threads.of_member(guild.id, user_id)
        posted = await self.bot.member_messages.of_member(guild.id, user_id)
        removed = await self.bot.personal_data.erase(guild.id, user_id)
        self.bot.dispatch("profile_changed", guild.id, user_id)
        for thread_id in own_threads:  # named after them, and full of what was sent to them
            await _delete_thread(guild, thread_id)
        if profile and profile.intro_channel_id and profile.intro_message_id:
            await _delete_message(guild, profile.intro_channel_id, profile.intro_message_id)
        queue = (await self.bot.server_settings.for_server(guild.id)).verification_channel
        verification = find_text_channel(guild, queue or "-")
        if queue_id and verification is not None:
            await _delete_message(guild, verification.id, queue_id)
        not_removed = 0
        for post in posted:
            not_removed += not await self._take_back(guild, post)
        member = guild.get_member(user_id)
        roles = [r for r in (guild.get_role(i) for i in role_ids) if r is not None]
        if member is not None and roles:
            try:
                await member.remove_roles(*roles, reason="Profile deleted")
            except discord.HTTPException:
                log.warning("could not remove roles after a profile deletion")
        await self.bot.audit.record(
            guild.id,
            "profile.deleted",
            details={"reason": reason, "rows": sum(removed.values()), "not_removed": not_removed},
        )
        return not_removed

    async def _take_back(self, guild: discord.Guild, post: Posted) -> bool:
        """Delete a card, rename a thread, or have the feature edit a message that names
        others too. True when done or already gone; False when Discord refused."""
        messages = self.bot.member_messages
        try:
            if post.kind == CARD:
                await self._delete_anywhere(post.channel_id, post.message_id)
                await messages.forget_message(guild.id, post.message_id)
            elif post.kind == THREAD_NAME:
                await self._rename_thread(guild, post.channel_id)
            elif (retract := messages.retractor(post.kind)) is not None:
                others = await messages.others_on(guild.id, post.message_id)
                await retract(guild, post.channel_id, post.message_id, others)
        except discord.NotFound:
            await messages.forget_message(guild.id, post.message_id)
        except discord.HTTPException as exc:
            log.warning(
                "could not take back %s %d in channel %d (HTTP %d)",
                post.kind, post.message_id, post.channel_id, exc.status,
            )  # fmt: skip
            return False
        return True

    async def _delete_anywhere(self, channel_id: int, message_id: int) -> None:
        """The bot may delete its own message in any channel, thread or DM it wrote in."""
        channel = self.bot.get_partial_messageable(channel_id)
        await channel.get_partial_message(message_id).delete()

    async def _rename_thread(self, guild: discord.Guild, thread_id: int) -> None:
        """ "Introduction: Amira and Tomas" becomes "Introduction: Tomas and a former member"."""
        thread = guild.get_thread(thread_id) or await guild.fetch_channel(thread_id)
        if not isinstance(thread, discord.Thread):
            return
        others = await self.bot.member_messages.others_on(guild.id, thread_id)
        names = [await self._thread_name_of(guild, u) for u in others]
        title = thread.name.split(":", 1)[0]
        name = f"{title}: {' and '.join([*names, FORMER])}" if names else f"{title}: former members"
        if thread.archived:  # an archived thread takes no edit but being opened again
            await thread.edit(archived=False, name=name[:100])
            await thread.edit(archived=True)
        else:
            await thread.edit(name=name[:100])

    async def _thread_name_of(self, guild: discord.Guild, user_id: int) -> str:
        """A thread's title names people as their profile does ("Amira Haddad"), not by
        login handle; a thread name renders no markdown, so it is only cleaned."""
        profile = await self.service.get(guild.id, user_id)
        if profile is not None and profile.name.strip():
            return clean(profile.name)
        member = guild.get_member(user_id)
        return clean(member.display_name) if member is not None else "a member"


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
