"""The Discord side of brokered enquiries: the form, private delivery, answers, closing.

Each matching member gets the enquiry privately (DM, or, when DMs are closed, a mention in
a private thread of the requests channel made for them). "I can help" tells the enquirer at
once and opens a private thread for the two of them; "Not for me" is recorded and never
shown to anyone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

import discord

from bot import countries, languages
from bot.delivery import FAILED, PrivateDelivery
from bot.errors import UserError
from bot.member_messages import CARD
from bot.scheduler import Job
from bot.text import escape_markdown
from bot.ui import discord_time
from cogs.experts.enquiries import (
    NEEDS,
    Enquiry,
    EnquiryDraft,
    EnquiryError,
    EnquiryService,
    Recipient,
)
from cogs.experts.views import EnquiryModal, enquiry_view
from cogs.profiles.fields import Viewer, can_see_details
from cogs.profiles.service import ProfileService

if TYPE_CHECKING:
    from bot.app import HubBot

Interaction = discord.Interaction[Any]
CLOSED_DMS = "you have an enquiry from a government member (your DMs are closed)."


class Brokering:
    def __init__(
        self,
        bot: HubBot,
        enquiries: EnquiryService,
        profiles: ProfileService,
        delivery: PrivateDelivery,
    ) -> None:
        self.bot = bot
        self.enquiries = enquiries
        self.profiles = profiles
        self.delivery = delivery

    async def start(self, interaction: Interaction, draft: EnquiryDraft) -> None:
        """Check there is someone to ask before the enquirer writes the details."""
        assert interaction.guild_id is not None
        if not await self.enquiries.recipients(interaction.guild_id, interaction.user.id, draft):
            raise UserError(
                ("No member here or in a partner network " if draft.partners else "No member ")
                + "open to government enquiries matches those areas"
                + (", countries or languages" if draft.countries or draft.languages else "")
                + ". Add an area, or drop the country or language."
            )
        await interaction.response.send_modal(EnquiryModal(partial(self._submitted, draft)))

    async def _submitted(self, draft: EnquiryDraft, interaction: Interaction, details: str) -> None:
        guild = interaction.guild
        assert guild is not None
        try:
            enquiry, recipients = await self.enquiries.create(
                guild.id, interaction.user.id, replace(draft, details=details)
            )
        except EnquiryError as exc:
            raise UserError(str(exc)) from exc
        await interaction.response.defer(ephemeral=True, thinking=True)
        named = await self.profiles.name_of(guild.id, interaction.user.id)
        card = self._card(enquiry, named or interaction.user.display_name)
        across = await self._card_across(enquiry, named or interaction.user.display_name)
        failed = 0
        for recipient in recipients:
            home = self.bot.get_guild(recipient.guild_id)
            how, message = FAILED, None
            if home is not None:
                how, message = await self.delivery.deliver(
                    home, recipient.user_id, CLOSED_DMS,
                    embed=card if home.id == guild.id else across,
                    view=enquiry_view(enquiry.id),
                )  # fmt: skip
            await self.enquiries.record_delivery(enquiry.id, recipient.user_id, how)
            await self._remember(guild.id, [enquiry.enquirer_id], message)
            failed += how == FAILED
        await self._audit_sent(enquiry, recipients)
        unreached = (
            f" {failed} of them could not be reached (DMs closed); moderators have been told."
            if failed
            else ""
        )
        partners = sum(r.guild_id != guild.id for r in recipients)
        abroad = f", {partners} of them in partner networks," if partners else ""
        await interaction.followup.send(
            f"Your enquiry went privately to {len(recipients)} members{abroad} open to government "
            f"enquiries in {self._areas(enquiry)}.{unreached} As each one says 'I can help' "
            "you get a message and a private thread with them; no one else's answer is shown. "
            f"It closes {discord_time(int(enquiry.deadline.timestamp()), 'D')}. "
            "/expert enquiries lists the answers so far.",
            ephemeral=True,
        )

    def _areas(self, enquiry: Enquiry) -> str:
        catalog = self.bot.areas.of(enquiry.guild_id)  # the enquirer's network's areas
        return ", ".join(a.name for a in (catalog.get(s) for s in enquiry.areas) if a)

    def _card(self, enquiry: Enquiry, enquirer: str) -> discord.Embed:
        embed = discord.Embed(title=f"Enquiry: {escape_markdown(enquiry.topic)}"[:256])
        embed.add_field(name="From", value=escape_markdown(enquirer)[:1024], inline=True)
        embed.add_field(name="Needed", value=NEEDS[enquiry.need], inline=True)
        embed.add_field(
            name="Answers by", value=discord_time(int(enquiry.deadline.timestamp()), "D")
        )
        embed.add_field(name="Areas", value=self._areas(enquiry)[:1024] or "-", inline=False)
        if enquiry.countries:
            names = ", ".join(countries.name(c) for c in enquiry.countries)
            embed.add_field(name="Countries", value=names[:1024], inline=True)
        if enquiry.languages:
            embed.add_field(name="Languages", value=languages.names(enquiry.languages)[:1024])
        embed.add_field(name="Details", value=escape_markdown(enquiry.details)[:1024], inline=False)
        embed.set_footer(
            text="Only 'I can help' is shared with the enquirer, with your profile as you "
            "set its visibility. 'Not for me' stays private."
        )
        return embed

    async def _card_across(self, enquiry: Enquiry, enquirer: str) -> discord.Embed:
        """The card for a partner network's member: who asks, from which organisation and
        network, since they share no server."""
        card = self._card(enquiry, enquirer)
        profile = await self.profiles.get(enquiry.guild_id, enquiry.enquirer_id)
        parts = [enquirer, profile.affiliation if profile else "", self._network(enquiry.guild_id)]
        sender = escape_markdown(", ".join(p for p in parts if p))
        card.set_field_at(0, name="From", value=sender[:1024], inline=True)
        return card

    def _network(self, guild_id: int) -> str:
        guild = self.bot.get_guild(guild_id)
        return guild.name if guild is not None else "a partner network"

    async def _audit_sent(self, enquiry: Enquiry, recipients: list[Recipient]) -> None:
        """An enquiry to partners is audited here and in each partner server reached."""
        if not enquiry.partners:
            return
        counts = Counter(r.guild_id for r in recipients if r.guild_id != enquiry.guild_id)
        await self.bot.audit.record(
            enquiry.guild_id, "partners.enquiry_sent", actor_id=enquiry.enquirer_id,
            details={"networks": [self._network(g) for g in counts], "enquiry": enquiry.id},
        )  # fmt: skip
        for guild_id, count in counts.items():
            await self.bot.audit.record(
                guild_id, "partners.enquiry_received", target=self._network(enquiry.guild_id),
                details={"recipients": count},
            )  # fmt: skip

    async def answer(self, interaction: Interaction, enquiry_id: int, yes: bool) -> None:
        try:
            enquiry = await self.enquiries.answer(enquiry_id, interaction.user.id, yes)
        except EnquiryError as exc:
            raise UserError(str(exc)) from exc
        if not yes:
            await interaction.response.edit_message(
                content="Noted: not for you. The enquirer is not told.", view=None
            )
            return
        await interaction.response.defer()
        guild = self.bot.get_guild(enquiry.guild_id)
        assert guild is not None
        home = await self.enquiries.recipient_guild(enquiry.id, interaction.user.id)
        if home is not None and home != enquiry.guild_id:
            await self._answer_across(interaction, enquiry, guild, home)
            return
        summary = await self._helper_summary(enquiry, interaction.user.id)
        text = (
            f"<@{enquiry.enquirer_id}> meet <@{interaction.user.id}>, who can help with the "
            f"enquiry **{escape_markdown(enquiry.topic)}** ({NEEDS[enquiry.need].lower()}).\n"
            f"**Details:** {escape_markdown(enquiry.details)}"
        )
        pair = (enquiry.enquirer_id, interaction.user.id)
        thread, opening = await self.delivery.open_pair_thread(guild, "Enquiry", pair, text)
        if thread is not None:
            await self.bot.member_messages.remember_thread(guild.id, list(pair), thread.id)
        await self._remember(guild.id, [enquiry.enquirer_id], opening)
        where = f" A private thread is open: <#{thread.id}>." if thread else ""
        await self._tell(
            guild,
            enquiry.enquirer_id,
            f"{summary} can help with your enquiry '{escape_markdown(enquiry.topic)}'.{where}",
            about=[interaction.user.id],
        )
        await interaction.edit_original_response(
            content=f"Thank you. The enquirer has been told.{where}", view=None
        )

    async def _answer_across(
        self, interaction: Interaction, enquiry: Enquiry, guild: discord.Guild, home: int
    ) -> None:
        """A partner network's member can help: they share no server with the enquirer, so
        the enquirer is told by DM who it is and how to write to them; audited on both sides."""
        helper = interaction.user.id
        summary = await self._helper_summary(enquiry, helper, home)
        await self._tell(
            guild, enquiry.enquirer_id,
            f"{summary} can help with your enquiry '{escape_markdown(enquiry.topic)}'. Write "
            f"to them directly: <@{helper}>.",
            about=[helper], about_guild=home,
        )  # fmt: skip
        await self.bot.audit.record(
            home, "partners.enquiry_answered", actor_id=helper,
            details={"network": self._network(enquiry.guild_id)},
        )  # fmt: skip
        await self.bot.audit.record(
            enquiry.guild_id, "partners.enquiry_helper", target=self._network(home),
            details={"enquiry": enquiry.id},
        )  # fmt: skip
        await interaction.edit_original_response(
            content="Thank you. The enquirer has been told and will write to you; you can "
            f"write to them too: <@{enquiry.enquirer_id}>.",
            view=None,
        )

    async def _helper_summary(self, enquiry: Enquiry, user_id: int, home: int | None = None) -> str:
        """The helper as the enquirer may see them: name, and affiliation if visible; a
        partner network's member also by their network, seen as by a member of another
        network (no moderator or verified rights cross a border)."""
        home = home or enquiry.guild_id
        profile = await self.profiles.get(home, user_id)
        if profile is None:
            return f"<@{user_id}>"
        if home == enquiry.guild_id:
            viewer = await self.profiles.viewer_for(enquiry.guild_id, enquiry.enquirer_id, False)
        else:
            viewer = Viewer(enquiry.enquirer_id)
        parts = [countries.name(profile.country)]
        if can_see_details(profile, viewer):
            parts.insert(0, profile.affiliation)
        if home != enquiry.guild_id:
            parts.append(self._network(home))
        return f"**{escape_markdown(profile.name)}** ({escape_markdown(', '.join(parts))})"

    async def listing(self, guild_id: int, enquirer_id: int) -> str:
        """The enquirer's recent enquiries with the members who said yes, and only those."""
        lines = []
        for enquiry in await self.enquiries.mine(guild_id, enquirer_id):
            helpers = await self.enquiries.helpers(enquiry.id)
            asked = await self.enquiries.recipient_count(enquiry.id)
            names = [await self._helper_summary(enquiry, h.user_id, h.guild_id) for h in helpers]
            state = "open until" if enquiry.status == "open" else "closed"
            when = discord_time(int(enquiry.deadline.timestamp()), "D")
            lines.append(
                f"**{escape_markdown(enquiry.topic)}** ({state} {when}): "
                + (f"{len(helpers)} of {asked} can help: " + "; ".join(names) if helpers else
                   f"no one has offered help yet ({asked} asked)")
            )  # fmt: skip
        return "\n".join(lines)[:2000] or "You have not sent any enquiries. Use /expert enquiry."

    async def close(self, job: Job) -> None:
        enquiry = await self.enquiries.close(int(job.payload["enquiry_id"]))
        guild = self.bot.get_guild(job.guild_id or 0)
        if enquiry is None or guild is None:
            return
        helpers = await self.enquiries.helpers(enquiry.id)
        topic = escape_markdown(enquiry.topic)
        if helpers:
            shown = [await self._helper_summary(enquiry, h.user_id, h.guild_id) for h in helpers]
            names = "; ".join(shown)
            text = f"Your enquiry '{topic}' has closed. {len(helpers)} offered help: {names}."
        else:
            text = (
                f"Your enquiry '{topic}' has closed with no offers of help. Try wider areas, "
                "or search with /expert find."
            )
        _, message = await self.delivery.deliver(
            guild, enquiry.enquirer_id, text[:2000], content=text[:2000]
        )
        for home in {h.guild_id for h in helpers}:  # each helper's copy, under their server
            named = [h.user_id for h in helpers if h.guild_id == home]
            await self._remember(home, named, message)

    async def _tell(
        self,
        guild: discord.Guild,
        user_id: int,
        text: str,
        about: list[int],
        about_guild: int | None = None,
    ) -> None:
        """A message naming helpers (their name, maybe affiliation), recorded for them under
        their own server, so their erasure there takes it back."""
        _, message = await self.delivery.deliver(guild, user_id, text, content=text)
        await self._remember(about_guild or guild.id, about, message)

    async def _remember(
        self, guild_id: int, user_ids: list[int], message: discord.Message | None
    ) -> None:
        if message is not None and user_ids:
            await self.bot.member_messages.remember(
                guild_id, user_ids, message.channel.id, message.id, CARD
            )
