"""``/introduce`` and ``/profile …``, the welcome message, leaving and returning, nudges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_moderator, server_settings_of
from bot.errors import UserError
from bot.lookup import find_text_channel
from bot.options import ZoneName
from bot.scheduler import Job
from bot.text import escape_markdown
from bot.ui import zone_choices
from cogs.profiles.cards import profile_embed
from cogs.profiles.fields import Profile, ProfileInputError, Visibility
from cogs.profiles.flow import ProfileFlow
from cogs.profiles.service import PURGE_JOB, ProfileService
from cogs.profiles.views import (
    EraseButton,
    FlowButton,
    FlowSelect,
    IntroduceButton,
    VerifyButton,
    erase_view,
    nudge_view,
    welcome_view,
)

if TYPE_CHECKING:
    from bot.app import HubBot

Interaction = discord.Interaction[Any]


def _guild_id(interaction: Interaction) -> int:
    if interaction.guild_id is None:
        raise UserError("This command works in the server, not in direct messages.")
    return interaction.guild_id


class ProfilesCog(commands.Cog):
    profile = app_commands.Group(
        name="profile",
        description="Your profile: view, edit, privacy, export, delete",
        guild_only=True,
    )

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        self.service = ProfileService(bot.db, bot.clock, bot.areas)
        self.flow = ProfileFlow(bot, self.service)

    async def cog_load(self) -> None:
        flow = self.flow
        self.bot.add_buttons(
            {
                IntroduceButton: flow.open_form,
                FlowButton: flow.button,
                VerifyButton: flow.review.verify,
                EraseButton: flow.own_data.erase,
            }
        )
        self.bot.add_dynamic_items(FlowSelect)
        self.bot.actions.register("profiles:pick", flow.picked)
        self.bot.scheduler.register(PURGE_JOB, self._purge)
        self.bot.personal_data.register(
            "profiles", export=self.service.export, erase=self.service.erase
        )

    # -- onboarding -------------------------------------------------------------------------------

    @app_commands.command(
        name="introduce", description="Introduce yourself to the network (2 minutes)"
    )
    @app_commands.guild_only()
    async def introduce(self, interaction: Interaction) -> None:
        await self.flow.open_form(interaction)

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        returned = await self.service.mark_returned(member.guild.id, member.id)
        welcome = (await self.bot.server_settings.for_server(member.guild.id)).welcome_channel
        channel = find_text_channel(member.guild, welcome)
        if returned:
            self.bot.dispatch("profile_changed", member.guild.id, member.id)
            await self.bot.scheduler.cancel_key(PURGE_JOB, f"{member.guild.id}:{member.id}")
            await self._restore_roles(member)
            profile = await self.service.get(member.guild.id, member.id)
            if profile is not None:
                await self.flow.publish(member.guild, profile)
        if channel is None:
            return
        if returned:
            text = f"Welcome back, {member.mention}. Your profile is as you left it."
            await channel.send(text, allowed_mentions=discord.AllowedMentions(users=[member]))
            return
        text = (
            f"Welcome to the network, {member.mention}. Introduce yourself so others can find "
            "you: one short form, about two minutes, all inside the server."
        )
        await channel.send(
            text, view=welcome_view(), allowed_mentions=discord.AllowedMentions(users=[member])
        )

    async def _restore_roles(self, member: discord.Member) -> None:
        roles = [
            member.guild.get_role(i)
            for i in await self.service.roles_given(member.guild.id, member.id)
        ]
        present = [r for r in roles if r is not None]
        if present:
            try:
                await member.add_roles(*present, reason="Member returned")
            except discord.HTTPException:
                await self.bot.audit.record(
                    member.guild.id, "profiles.role_failed",
                    details={"fix": "Move the bot's role above the roles it gives."},
                )  # fmt: skip

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        """Hide the profile at once; delete it after the retention period unless they return."""
        guild_id = member.guild.id
        if await self.service.mark_left(guild_id, member.id):
            self.bot.dispatch("profile_changed", guild_id, member.id)
            profile = await self.service.get(guild_id, member.id)
            if profile is not None:
                await self.flow.hide_card(member.guild, profile)
            keep = (await self.bot.server_settings.for_server(guild_id)).profile_retention
            due = self.bot.clock.now() + keep
            await self.bot.scheduler.schedule(
                PURGE_JOB,
                due,
                {"user_id": member.id},
                guild_id=guild_id,
                key=f"{guild_id}:{member.id}",
            )

    async def _purge(self, job: Job) -> None:
        guild = self.bot.get_guild(job.guild_id or 0)
        user_id = int(job.payload["user_id"])
        if guild is None:  # e.g. just after a start, before Discord sent the server: retry
            raise RuntimeError(f"server {job.guild_id} is not available yet")
        if not await self.service.is_left(guild.id, user_id):
            return
        await self.flow.own_data.erase_member(guild, user_id, reason="retention period ended")

    @commands.Cog.listener()
    async def on_job_reported(self, job: Job, outcome: str, error: str | None) -> None:
        """A purge missed during a long downtime still runs: a leaver's data is never kept
        longer because the bot was down when it was due."""
        if job.kind == PURGE_JOB and outcome == "missed":
            await self.bot.wait_until_ready()
            await self._purge(job)

    # -- viewing and editing -------------------------------------------------------------------

    @profile.command(name="view", description="See a profile (yours if no member is given)")
    @app_commands.describe(member="Whose profile to see")
    async def view(self, interaction: Interaction, member: discord.Member | None = None) -> None:
        guild_id = _guild_id(interaction)
        target = member or interaction.user
        viewer_is_mod = is_moderator(interaction.user, await server_settings_of(interaction))
        profile = await self.service.get(guild_id, target.id)
        if profile is not None and profile.status == "left" and not viewer_is_mod:
            profile = None
        if profile is None:
            if target.id == interaction.user.id:
                raise UserError(
                    "You have no profile yet. Use /introduce to create one; it takes two minutes."
                )
            name = escape_markdown(target.display_name)
            raise UserError(f"{name} has not introduced themself yet.")
        viewer = await self.service.viewer_for(guild_id, interaction.user.id, viewer_is_mod)
        embed = profile_embed(
            profile, self.bot.areas.of(profile.guild_id), viewer, now=self.bot.clock.now()
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @profile.command(name="edit", description="Change your profile (the same form, filled in)")
    async def edit(self, interaction: Interaction) -> None:
        await self.flow.open_form(interaction)

    @profile.command(name="timezone", description="Set your time zone")
    @app_commands.describe(zone="Start typing a city or region, e.g. London or America/Chicago")
    async def timezone(self, interaction: Interaction, zone: ZoneName) -> None:
        guild_id = _guild_id(interaction)
        try:
            profile = await self.service.set_timezone(guild_id, interaction.user.id, zone)
        except ProfileInputError as exc:
            raise UserError(str(exc)) from exc
        local = self.bot.clock.now().astimezone(ZoneInfo(profile.timezone)).strftime("%H:%M")
        await interaction.response.send_message(
            f"Your time zone is now {profile.timezone} (it is {local} there).", ephemeral=True
        )
        self.bot.dispatch("profile_changed", guild_id, interaction.user.id)
        if interaction.guild is not None:
            await self.flow.publish(interaction.guild, profile)

    @timezone.autocomplete("zone")
    async def _zones(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return zone_choices(current)

    @profile.command(
        name="privacy",
        description="Who sees your affiliation, bio and openness to enquiries; expert search",
    )
    @app_commands.describe(
        details="Who may see your affiliation, bio and what you are open to",
        searchable="Whether you appear in expert search",
        partners="Whether members of linked partner networks may find you (off until you choose)",
    )
    @app_commands.choices(
        details=[app_commands.Choice(name=v.label, value=v.value) for v in Visibility]
    )
    async def privacy(
        self,
        interaction: Interaction,
        details: app_commands.Choice[str] | None = None,
        searchable: bool | None = None,
        partners: bool | None = None,
    ) -> None:
        guild_id = _guild_id(interaction)
        if details is None and searchable is None and partners is None:
            raise UserError("Choose what to change: details, searchable or partners.")
        try:
            profile = await self.service.set_privacy(
                guild_id,
                interaction.user.id,
                Visibility(details.value) if details else None,
                searchable,
                partners,
            )
        except ProfileInputError as exc:
            raise UserError(str(exc)) from exc
        search = "appear in" if profile.searchable else "are hidden from"
        await interaction.response.send_message(
            f"Saved. {profile.visibility.label} see your affiliation, bio and what you are "
            f"open to, and you {search} expert search. {partner_note(profile)}",
            ephemeral=True,
        )
        self.bot.dispatch("profile_changed", guild_id, interaction.user.id)
        if interaction.guild is not None:
            await self.flow.publish(interaction.guild, profile)

    # -- the member's own data --------------------------------------------------------------------

    @profile.command(name="export", description="Download everything the bot stores about you")
    async def export(self, interaction: Interaction) -> None:
        await self.flow.own_data.export(interaction)

    @profile.command(name="delete", description="Delete your profile and all your data")
    async def delete(self, interaction: Interaction) -> None:
        await interaction.response.send_message(
            "This deletes your profile, your intro card, the roles the bot gave you and "
            "everything else the bot stores about you, in every feature, and takes back the "
            "bot's messages that carry your words or name. It cannot be undone.\n"
            "Messages people wrote themselves stay, yours included: delete your own in Discord "
            "first if you want them gone. /profile export gives you a copy of your data.\n"
            "Impact reports already posted stay as they were (they hold counts, never names); "
            "reports made after this no longer count you.",
            view=erase_view(interaction.user.id),
            ephemeral=True,
        )

    # -- a gentle nudge for old profiles ----------------------------------------------------------

    @commands.Cog.listener()
    async def on_app_command_completion(self, interaction: Interaction, command: Any) -> None:
        if interaction.guild_id is None or not interaction.response.is_done():
            return
        after = self.bot.settings.profile_nudge_after
        if not await self.service.due_for_nudge(interaction.guild_id, interaction.user.id, after):
            return
        await self.service.mark_nudged(interaction.guild_id, interaction.user.id)
        await interaction.followup.send(
            "Your profile has not been confirmed for a while. Is it still right?",
            view=nudge_view(),
            ephemeral=True,
        )


def partner_note(profile: Profile) -> str:
    """What the partner-network choice means, said with every privacy change."""
    if profile.partner_visible and profile.searchable:
        return (
            "Members of linked partner networks can find you and ask for an introduction; "
            "they see your card as members of another network do."
        )
    if profile.partner_visible:
        return "Partner networks cannot find you while you are hidden from expert search."
    return "Partner networks cannot find you (turn it on with partners:true)."
