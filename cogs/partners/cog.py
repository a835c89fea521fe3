"""``/partners invite|accept|list|end``: moderators link this server with partner networks.

Every step is audited on both sides (the other side's entry names no one from here), and
ending a link expires the introduction requests waiting across it, with both people told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import MODERATOR_PERMISSIONS, moderator_only
from bot.errors import UserError
from bot.options import Reference
from bot.text import escape_markdown, excerpt, plural
from bot.ui import discord_time
from cogs.partners.service import INVITE_LIFETIME, PartnerError, PartnerService
from cogs.partners.views import PartnerAskButton

if TYPE_CHECKING:
    from bot.app import HubBot

Interaction = discord.Interaction[Any]


class PartnersCog(commands.Cog):
    partners = app_commands.Group(
        name="partners",
        description="Moderators: link this server with partner research networks",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
    )

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        self.service = PartnerService(bot.db, bot.clock)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PartnerAskButton)

    def network_name(self, guild_id: int) -> str:
        """A partner server as its moderators named it, or plainly when the bot left it."""
        guild = self.bot.get_guild(guild_id)
        return guild.name if guild is not None else "a server the bot is no longer in"

    @partners.command(name="invite", description="Make a one-time code for another server")
    @moderator_only()
    async def invite(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        try:
            made = await self.service.invite(interaction.guild_id)
        except PartnerError as exc:
            raise UserError(str(exc)) from exc
        await self.bot.audit.record(
            interaction.guild_id, "partners.invited", actor_id=interaction.user.id,
            details={"expires": made.expires_at.isoformat(timespec="minutes")},
        )  # fmt: skip
        hours = int(INVITE_LIFETIME.total_seconds() // 3600)
        await interaction.response.send_message(
            f"Your one-time code: `{made.code}`\nGive it privately to a moderator of the "
            "partner server; they link the two servers with /partners accept there. It works "
            f"once and expires {discord_time(int(made.expires_at.timestamp()), 'R')} "
            f"({hours} hours). Members here stay invisible to partners until each one turns "
            "on 'partner networks' with /profile privacy.",
            ephemeral=True,
        )

    @partners.command(name="accept", description="Link with the server that gave you a code")
    @app_commands.describe(code="The one-time code a moderator of the other server gave you")
    @moderator_only()
    async def accept(self, interaction: Interaction, code: Reference) -> None:
        assert interaction.guild_id is not None
        try:
            link = await self.service.accept(interaction.guild_id, code)
        except PartnerError as exc:
            raise UserError(str(exc)) from exc
        here, there = interaction.guild_id, link.partner_id
        await self.bot.audit.record(
            here, "partners.linked", actor_id=interaction.user.id,
            target=self.network_name(there),
        )  # fmt: skip
        await self.bot.audit.record(
            there, "partners.linked_by_partner", target=self.network_name(here)
        )
        await interaction.response.send_message(
            f"Linked with **{escape_markdown(self.network_name(there))}**. Their members who "
            "chose to be found by partner networks can now be found from here, and yours "
            "from there once they choose so too. /partners end undoes this at any time.",
            ephemeral=True,
        )

    @partners.command(name="list", description="The partner networks this server is linked with")
    @moderator_only()
    async def list_links(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        links = await self.service.links(interaction.guild_id)
        visible = await self.service.findable_count(interaction.guild_id)
        if not links:
            text = (
                "This server is not linked with any partner network. /partners invite makes a code."
            )
        else:
            lines = [
                f"**{escape_markdown(self.network_name(link.partner_id))}**, linked "
                f"{discord_time(int(link.since.timestamp()), 'D')} "
                f"({'your code' if link.invited_here else 'their code'})"
                for link in links
            ]
            text = "Linked partner networks:\n" + "\n".join(lines)
        text += (
            f"\nMembers of this server findable by partners: {visible} "
            "(each chose it with /profile privacy)."
        )
        await interaction.response.send_message(
            text[:2000], ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @partners.command(name="end", description="End the link with a partner network")
    @app_commands.describe(partner="The partner network to unlink (pick from the list)")
    @moderator_only()
    async def end(self, interaction: Interaction, partner: Reference) -> None:
        assert interaction.guild_id is not None
        partner_id = await self._partner_id(interaction.guild_id, partner)
        try:
            ended = await self.service.end(interaction.guild_id, partner_id)
        except PartnerError as exc:
            raise UserError(str(exc)) from exc
        await interaction.response.defer(ephemeral=True, thinking=True)
        here, there = interaction.guild_id, ended.partner_id
        await self.bot.audit.record(
            here, "partners.ended", actor_id=interaction.user.id, target=self.network_name(there)
        )
        await self.bot.audit.record(
            there, "partners.ended_by_partner", target=self.network_name(here)
        )
        expired = await self._close_across(here, there)
        note = (
            f" {plural(expired, 'introduction request')} waiting across it expired; both "
            "sides were told."
            if expired
            else ""
        )
        await interaction.followup.send(
            f"The link with **{escape_markdown(self.network_name(there))}** has ended. Neither "
            f"server's members can be found from the other any more.{note}",
            ephemeral=True,
        )

    async def _close_across(self, guild_id: int, partner_id: int) -> int:
        """Requests waiting across the ended link expire, with both people told; an enquiry's
        card in the other server then answers that the link ended (cogs/experts/enquiries)."""
        experts: Any = self.bot.get_cog("ExpertsCog")
        if experts is None:
            return 0
        expired: int = await experts.introductions.link_ended(guild_id, partner_id)
        return expired

    async def _partner_id(self, guild_id: int, typed: str) -> int:
        """The linked server picked from the list (its id), or typed by its name."""
        links = await self.service.links(guild_id)
        for link in links:
            if typed.strip() in (str(link.partner_id), self.network_name(link.partner_id)):
                return link.partner_id
        raise UserError(
            f"'{excerpt(typed)}' is not a partner network of this server. Pick one from the "
            "list as you type; /partners list shows your links."
        )

    @end.autocomplete("partner")
    async def _partners(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        links = await self.service.links(interaction.guild_id or 0)
        names = [(self.network_name(link.partner_id), str(link.partner_id)) for link in links]
        typed = current.casefold()
        return [
            app_commands.Choice(name=name[:100], value=value)
            for name, value in names
            if typed in name.casefold()
        ][:25]
