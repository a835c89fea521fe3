"""Introductions across linked servers: audited on both sides, introduced by DM.

The consent flow is the one of cogs/experts/introductions.py; this module adds what crossing
a border needs. The two people share no server channel, so on Accept each gets a direct
message naming the other (or, with DMs closed, the message waits in their own server's
private thread). Each server's audit log names only its own member and the other network.
Messages naming someone are recorded under that person's own server, so erasing them there
takes back the copies on the other side too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.audit import member_target
from bot.member_messages import CARD
from bot.text import escape_markdown

TOLD = {"dm": "DM", "channel": "THREAD", "failed": "FAILED"}  # as the audit text reads them

if TYPE_CHECKING:
    import discord

    from bot.app import HubBot
    from bot.delivery import PrivateDelivery
    from cogs.experts.requests import IntroRequest, RequestService
    from cogs.profiles.service import ProfileService


class Federation:
    def __init__(
        self,
        bot: HubBot,
        requests: RequestService,
        profiles: ProfileService,
        delivery: PrivateDelivery,
    ) -> None:
        self.bot = bot
        self.requests = requests
        self.profiles = profiles
        self.delivery = delivery

    def network(self, guild_id: int) -> str:
        """A server as the other side reads it: its name."""
        guild = self.bot.get_guild(guild_id)
        return guild.name if guild is not None else "a partner network"

    async def requested(self, request: IntroRequest, how: str) -> None:
        await self.bot.audit.record(
            request.guild_id, "partners.introduction_requested", actor_id=request.requester_id,
            target=self.network(request.expert_guild_id), details={"request": request.id},
        )  # fmt: skip
        await self.bot.audit.record(
            request.expert_guild_id, "partners.introduction_received",
            target=member_target(request.expert_id),
            details={"network": self.network(request.guild_id), "member_told": TOLD[how]},
        )  # fmt: skip

    async def answered(self, request: IntroRequest) -> None:
        """The expert's decision, on both sides (the request row already says which)."""
        decided = await self.requests.get(request.id)
        answer = decided.status if decided is not None else request.status
        await self.bot.audit.record(
            request.expert_guild_id, "partners.introduction_answered",
            actor_id=request.expert_id,
            details={"network": self.network(request.guild_id), "answer": answer},
        )  # fmt: skip
        await self.bot.audit.record(
            request.guild_id, "partners.introduction_outcome",
            target=member_target(request.requester_id),
            details={"network": self.network(request.expert_guild_id), "answer": answer},
        )  # fmt: skip

    async def introduce(self, request: IntroRequest) -> None:
        """One direct message each, naming the other; recorded under the named person."""
        here = self.bot.get_guild(request.guild_id)
        there = self.bot.get_guild(request.expert_guild_id)
        if here is None or there is None:
            return
        expert = await self._who(request.expert_guild_id, request.expert_id)
        requester = await self._who(request.guild_id, request.requester_id)
        to_requester = (
            f"{expert} accepted your introduction request. Write to them directly: "
            f"<@{request.expert_id}>. They have read who you are and what you would like to "
            "discuss."
        )
        to_expert = (
            f"You are introduced to {requester}. Write to them directly: "
            f"<@{request.requester_id}>.\n**Who:** {escape_markdown(request.who)}\n"
            f"**To discuss:** {escape_markdown(request.topic)}"
            + (f"\n**By when:** {escape_markdown(request.by_when)}" if request.by_when else "")
        )
        await self._send(here, request.requester_id, to_requester, request.expert_guild_id,
                         request.expert_id)  # fmt: skip
        await self._send(there, request.expert_id, to_expert, request.guild_id,
                         request.requester_id)  # fmt: skip

    async def _who(self, guild_id: int, user_id: int) -> str:
        """Their profile's name, else their server name, and their network."""
        guild = self.bot.get_guild(guild_id)
        member = guild.get_member(user_id) if guild is not None else None
        shown = member.display_name if member is not None else "A member"
        name = await self.profiles.name_of(guild_id, user_id) or shown
        return f"**{escape_markdown(name)}** of {escape_markdown(self.network(guild_id))}"

    async def _send(
        self, guild: discord.Guild, user_id: int, text: str, named_guild: int, named_id: int
    ) -> None:
        _, message = await self.delivery.deliver(guild, user_id, text, content=text[:2000])
        if message is not None:
            await self.bot.member_messages.remember(
                named_guild, [named_id], message.channel.id, message.id, CARD
            )

    async def expired(self, request: IntroRequest, reason: str) -> None:
        for guild_id, user_id, other in (
            (request.guild_id, request.requester_id, request.expert_guild_id),
            (request.expert_guild_id, request.expert_id, request.guild_id),
        ):
            await self.bot.audit.record(
                guild_id, "partners.introduction_expired", target=member_target(user_id),
                details={"network": self.network(other), "reason": reason},
            )  # fmt: skip

    async def link_ended(self, guild_id: int, other_guild_id: int) -> int:
        """Requests waiting across an ended link expire now; both people are told why."""
        count = 0
        for waiting in await self.requests.pending_across(guild_id, other_guild_id):
            request = await self.requests.expire_now(waiting.id)
            if request is None:
                continue  # answered meanwhile
            count += 1
            here = self.bot.get_guild(request.guild_id)
            there = self.bot.get_guild(request.expert_guild_id)
            unlinked = "expired: the two networks are no longer linked."
            if here is not None:
                to_requester = (
                    "Your introduction request to a member of "
                    f"{self.network(request.expert_guild_id)} {unlinked} /expert find can "
                    "suggest others."
                )
                await self.delivery.tell(here, request.requester_id, to_requester)
            if there is not None:
                to_expert = (
                    "An introduction request to you from a member of "
                    f"{self.network(request.guild_id)} {unlinked} Nothing more is needed."
                )
                await self.delivery.tell(there, request.expert_id, to_expert)
            await self.expired(request, "the link between the networks ended")
        return count
