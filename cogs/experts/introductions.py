"""The Discord side of introductions with consent: the form, delivery, answers, expiry.

Requests reach the expert by DM; when their DMs are closed, as a mention in a private
thread of the requests channel instead. The requester only learns the answer: a private
thread on Accept, a polite note on Decline, and a note when a request expires.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import discord

from bot.delivery import DM, FAILED, THREAD, PrivateDelivery
from bot.errors import UserError
from bot.member_messages import CARD
from bot.partners import may_reach
from bot.scheduler import Job
from bot.text import escape_markdown
from cogs.experts.requests import IntroRequest, RequestError, RequestService
from cogs.experts.views import RequestModal, answer_view
from cogs.partners.crossing import Federation
from cogs.profiles.service import ProfileService

if TYPE_CHECKING:
    from bot.app import HubBot

Interaction = discord.Interaction[Any]
CLOSED_DMS = "you have an introduction request (your DMs are closed)."
DECLINED = (
    "Your introduction request could not be taken up this time. This is no reflection on "
    "you; /expert find can suggest others."
)
NOT_REACHABLE = (
    "That member cannot be asked from this server: they are not in a linked partner network, "
    "or have not chosen to be found by partner networks. /expert find shows who can be asked."
)


class Introductions:
    def __init__(self, bot: HubBot, requests: RequestService, profiles: ProfileService) -> None:
        self.bot = bot
        self.requests = requests
        self.profiles = profiles
        self.delivery = PrivateDelivery(bot)
        self.federation = Federation(bot, requests, profiles, self.delivery)

    async def _expert_name(self, guild_id: int, expert_id: int) -> str:
        profile = await self.profiles.get(guild_id, expert_id)
        if profile is None or profile.status != "active" or not profile.searchable:
            raise UserError("That member is no longer available for introductions.")
        return profile.name

    async def ask(self, interaction: Interaction, expert_id: int) -> None:
        assert interaction.guild_id is not None
        name = await self._expert_name(interaction.guild_id, expert_id)
        try:
            await self.requests.check(interaction.guild_id, interaction.user.id, expert_id, name)
        except RequestError as exc:
            raise UserError(str(exc)) from exc
        await interaction.response.send_modal(RequestModal(expert_id, name, self.submitted))

    async def submitted(
        self,
        interaction: Interaction,
        expert_id: int,
        name: str,
        text: dict[str, str],
        expert_guild_id: int | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        crossing = expert_guild_id is not None and expert_guild_id != guild.id
        if crossing and not await may_reach(self.bot.db, guild.id, expert_guild_id or 0, expert_id):
            raise UserError(NOT_REACHABLE)  # the link ended, or they opted out, meanwhile
        try:
            request = await self.requests.create(
                guild.id, interaction.user.id, expert_id, name, text, expert_guild_id
            )
        except RequestError as exc:
            raise UserError(str(exc)) from exc
        await interaction.response.defer(ephemeral=True, thinking=True)
        how = await self._deliver(guild, request)
        if request.crosses:
            await self.federation.requested(request, how)
        days = self.bot.settings.expert_request_expiry.days
        where = {
            DM: "",
            THREAD: " (their DMs are closed, so it waits in a private thread for them)",
            FAILED: " (their DMs are closed and I could not reach them another way; "
            "moderators have been told)",
        }[how]
        await interaction.followup.send(
            f"Your request was sent to {escape_markdown(name)}{where}. You will hear back when "
            f"they answer, or in {days} days if they do not.",
            ephemeral=True,
        )

    async def ask_partner(
        self, interaction: Interaction, expert_guild_id: int, expert_id: int
    ) -> None:
        """The entry point for a partner network's search result: the same form and consent
        flow as within one server. Nothing is said about a member who cannot be reached
        (not linked, not opted in, or no such member): one answer for all, so a partner
        server learns nothing about who is there."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        if expert_guild_id == guild_id:
            await self.ask(interaction, expert_id)
            return
        if not await may_reach(self.bot.db, guild_id, expert_guild_id, expert_id):
            raise UserError(NOT_REACHABLE)
        name = await self._expert_name(expert_guild_id, expert_id)
        try:
            await self.requests.check(
                guild_id, interaction.user.id, expert_id, name, expert_guild_id
            )
        except RequestError as exc:
            raise UserError(str(exc)) from exc
        submitted = partial(self.submitted, expert_guild_id=expert_guild_id)
        await interaction.response.send_modal(RequestModal(expert_id, name, submitted))

    def _card(self, request: IntroRequest, requester: str) -> discord.Embed:
        if request.crosses:
            requester = f"{requester} ({self.federation.network(request.guild_id)})"
        embed = discord.Embed(title=f"Introduction request from {escape_markdown(requester)}"[:256])
        embed.add_field(name="Who they are", value=request.who[:1024], inline=False)
        embed.add_field(
            name="What they would like to discuss", value=request.topic[:1024], inline=False
        )
        if request.by_when:
            embed.add_field(name="By when", value=request.by_when[:1024], inline=False)
        embed.set_footer(
            text="Accept introduces you to each other by direct message. Decline is private."
            if request.crosses
            else "Accept opens a private thread with both of you. Decline is private."
        )
        return embed

    async def _deliver(self, guild: discord.Guild, request: IntroRequest) -> str:
        """DM the expert; if that fails, their private thread of the requests channel."""
        requester = guild.get_member(request.requester_id)
        named = await self.profiles.name_of(guild.id, request.requester_id)
        card = self._card(request, named or (requester.display_name if requester else "a member"))
        expert_guild = self.bot.get_guild(request.expert_guild_id)
        if expert_guild is None:
            return FAILED
        how, message = await self.delivery.deliver(
            expert_guild, request.expert_id, CLOSED_DMS, embed=card, view=answer_view(request.id)
        )
        if message is not None:  # the requester's words, in the expert's DMs or thread
            await self.bot.member_messages.remember(
                guild.id, [request.requester_id], message.channel.id, message.id, CARD
            )
        return how

    async def answer(self, interaction: Interaction, request_id: int, accept: bool) -> None:
        request = await self.requests.get(request_id)
        if request is None:
            raise UserError("This request no longer exists.")
        if interaction.user.id != request.expert_id:
            raise UserError("This request is for someone else.")
        try:
            request = await self.requests.decide(request_id, interaction.user.id, accept)
        except RequestError as exc:
            raise UserError(str(exc)) from exc
        guild = self.bot.get_guild(request.guild_id)
        assert guild is not None
        if request.crosses:
            await self.federation.answered(request)
        if not accept:
            await interaction.response.edit_message(
                content="Declined. The requester is told politely, with no reason given.", view=None
            )
            await self.delivery.tell(guild, request.requester_id, DECLINED)
            return
        await interaction.response.defer()
        if request.crosses:
            await self.federation.introduce(request)
            await interaction.edit_original_response(
                content="Accepted. You are introduced to each other by direct message.", view=None
            )
            return
        thread = await self._open_thread(guild, request)
        note = f" A private thread is open: <#{thread.id}>." if thread else ""
        await interaction.edit_original_response(content=f"Accepted.{note}", view=None)

    async def _open_thread(
        self, guild: discord.Guild, request: IntroRequest
    ) -> discord.Thread | None:
        text = (
            f"<@{request.requester_id}> meet <@{request.expert_id}>.\n**Who:** {request.who}\n"
            f"**To discuss:** {request.topic}"
            + (f"\n**By when:** {request.by_when}" if request.by_when else "")
        )
        members = (request.requester_id, request.expert_id)
        thread, opening = await self.delivery.open_pair_thread(guild, "Introduction", members, text)
        if thread is not None:
            await self.requests.set_thread(request.id, thread.id)
            await self.bot.member_messages.remember_thread(guild.id, list(members), thread.id)
        if opening is not None:  # who the requester is and what they asked
            await self.bot.member_messages.remember(
                guild.id, [request.requester_id], opening.channel.id, opening.id, CARD
            )
        return thread

    async def expire(self, job: Job) -> None:
        request = await self.requests.expire(int(job.payload["request_id"]))
        guild = self.bot.get_guild(job.guild_id or 0)
        if request is None or guild is None:
            return
        await self.delivery.tell(guild, request.requester_id,
                         "Your introduction request expired without an answer. /expert find can "
                         "suggest others.")  # fmt: skip
        expert_guild = self.bot.get_guild(request.expert_guild_id)
        if expert_guild is not None:
            await self.delivery.tell(expert_guild, request.expert_id,
                             "An introduction request to you expired without an answer; nothing "
                             "more is needed.")  # fmt: skip
        if request.crosses:
            await self.federation.expired(request, "no answer in time")

    async def link_ended(self, guild_id: int, other_guild_id: int) -> int:
        """The link between two servers ended: requests waiting across it expire now, and
        both people are told why; returns how many."""
        return await self.federation.link_ended(guild_id, other_guild_id)
