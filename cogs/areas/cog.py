"""``/areas …``, set-up for ``/hub setup``, roles that follow membership, and the listeners
of the weekly digest (weekly_digest.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.audit import member_target
from bot.challenge_areas import Area
from bot.checks import (
    MODERATOR_PERMISSIONS,
    is_moderator,
    moderator_only,
    server_settings_of,
)
from bot.errors import UserError
from bot.member_messages import DIGEST
from bot.options import Reference
from bot.paging import page_view, show_page
from bot.scheduler import Job
from bot.text import escape_markdown, excerpt, fit, plural
from bot.ui import area_choices
from cogs.areas.own_list import OwnAreaList
from cogs.areas.planning import about_text, fingerprint
from cogs.areas.server_setup import Progress, ServerSetup
from cogs.areas.service import AreaService
from cogs.areas.views import (
    DYNAMIC_ITEMS,
    DescribeModal,
    area_line,
    choose_view,
    grouped_fields,
    suggestion_view,
)
from cogs.areas.weekly_digest import DIGEST_JOB, WeeklyDigest
from cogs.profiles.cog import ProfilesCog
from cogs.profiles.fields import Profile, Viewer, can_see_details
from cogs.profiles.service import ProfileService

if TYPE_CHECKING:
    from bot.app import HubBot

Interaction = discord.Interaction[Any]


class AreasCog(commands.Cog):
    areas = app_commands.Group(
        name="areas", description="Challenge areas: browse, join, see members", guild_only=True
    )
    areas_admin = app_commands.Group(
        name="areas-admin",
        description="Moderators: edit the challenge areas",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
    )

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        self.profiles = ProfileService(bot.db, bot.clock, bot.areas)
        self.service = AreaService(bot.db, bot.clock, bot.areas, self.profiles)
        self.own_list = OwnAreaList(bot, self.service)
        self.server_setup = ServerSetup(bot, self.service)
        self.digest = WeeklyDigest(bot, self.service)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.pages.register("areas", self._members_page)
        self.bot.actions.register("areas:chosen", self.chosen)
        self.bot.scheduler.register(DIGEST_JOB, self.digest.run)
        self.bot.server_settings.on_change(self.digest.time_changed)
        self.bot.personal_data.register(
            "areas", export=self.service.export, erase=self.service.erase
        )
        self.bot.member_messages.on_retract(DIGEST, self.digest.without)

    def _area(self, guild_id: int | None, text: str) -> Area:
        """An area of this server's list, by slug or name, or the member is told."""
        catalog = self.bot.areas.of(guild_id)
        area = catalog.get(text) or catalog.find(text)
        if area is None:
            raise UserError(
                f"There is no area called '{excerpt(text)}'. Pick one from the list as you type."
            )
        return area

    # -- /hub setup (the command lives in the hub feature) --------------------------------------

    async def setup_server(self, interaction: Interaction, dry_run: bool) -> None:
        guild = interaction.guild
        assert guild is not None
        plan = await self.server_setup.plan(guild)
        if plan.problems:
            lines = "\n".join(f"- {p}" for p in plan.problems)
            await interaction.response.send_message(
                f"I cannot set up the server yet, so nothing was changed.\n{lines}", ephemeral=True
            )
            return
        if dry_run:
            steps = [s.describe() for s in plan.changes]
            text = "Dry run: everything is already set up; /hub setup would change nothing."
            if steps:
                shown = steps[:40] + ([f"...and {len(steps) - 40} more"] if len(steps) > 40 else [])
                text = "Dry run, nothing was changed. /hub setup would:\n" + "\n".join(
                    f"- {s}" for s in shown
                )
            await interaction.response.send_message(text[:2000], ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        progress = Progress(lambda text: interaction.edit_original_response(content=text))
        outcome = await self.server_setup.run(guild, plan, progress)
        await interaction.edit_original_response(content=outcome.summary())
        changed = [s for s in outcome.done if s.action != "adopt"]
        if changed or outcome.failed:
            await self.bot.audit.record(
                guild.id, "areas.setup", actor_id=interaction.user.id,
                details={"changes": len(changed), "stopped": outcome.error},
            )  # fmt: skip
        await self.digest.schedule(guild.id, replace=False)

    # -- browsing and joining -----------------------------------------------------------------

    @areas.command(name="browse", description="See the challenge areas and join or leave them")
    async def browse(self, interaction: Interaction) -> None:
        embed, view = await self._browse(interaction)
        await interaction.response.send_message(
            embed=embed, view=view or discord.utils.MISSING, ephemeral=True
        )

    async def _browse(
        self, interaction: Interaction
    ) -> tuple[discord.Embed, discord.ui.View | None]:
        assert interaction.guild_id is not None
        summaries = await self.service.browse(interaction.guild_id, interaction.user.id)
        has_profile = await self.profiles.get(interaction.guild_id, interaction.user.id) is not None
        embed = discord.Embed(
            title="Challenge areas",
            description="Choose below the areas you work on; their channels and roles follow."
            if has_profile
            else "Introduce yourself first with /introduce; then you can join areas here.",
        )
        catalog = self.bot.areas.of(interaction.guild_id)
        for group in catalog.groups:
            lines = [
                area_line(
                    f"**{s.area.name}**{' (joined)' if s.joined else ''}, "
                    f"{plural(s.members, 'member')}",
                    s.area.purpose,
                    len(summaries),
                )
                for s in summaries
                if s.area.group == group
            ]
            for name, value in grouped_fields(catalog.groups[group], lines):
                embed.add_field(name=name, value=value, inline=False)
        joined = {s.area.slug for s in summaries if s.joined}
        return embed, choose_view(catalog, joined) if has_profile else None

    async def chosen(self, interaction: Interaction, values: list[str], add: bool) -> None:
        guild = interaction.guild
        assert guild is not None and isinstance(interaction.user, discord.Member)
        profile = await self.profiles.get(guild.id, interaction.user.id)
        if profile is None:
            raise UserError(
                "Join areas after you introduce yourself: use /introduce (two minutes)."
            )
        # One request per role, and the intro card: under Discord's rate limits that can take
        # longer than the 3 seconds a select has to be acknowledged, so acknowledge it first.
        await interaction.response.defer()
        wanted = set(profile.areas) | set(values) if add else set(values)
        await self.profiles.set_areas(guild.id, profile.user_id, sorted(wanted))
        self.bot.dispatch("profile_changed", guild.id, profile.user_id)
        problems = await self.sync_roles(interaction.user, wanted)
        profile = await self.profiles.get(guild.id, profile.user_id)
        profiles_cog = self.bot.get_cog("ProfilesCog")
        if profile is not None and isinstance(profiles_cog, ProfilesCog):
            await profiles_cog.flow.publish(guild, profile)
        note = "\n".join(problems)
        if add:
            names = ", ".join(self._area(guild.id, value).name for value in values)
            await interaction.edit_original_response(
                content=f"Joined: {names}.\n{note}".strip(), view=None
            )
            return
        embed, view = await self._browse(interaction)
        await interaction.edit_original_response(content=note or None, embed=embed, view=view)

    async def sync_roles(self, member: discord.Member, wanted: set[str]) -> list[str]:
        """Give the roles of the areas a member is in and take the others; say what failed."""
        resources = await self.service.resources(member.guild.id)
        problems = []
        for area in self.bot.areas.of(member.guild.id).areas:
            role = member.guild.get_role(resources.get(("role", area.slug), (0, ""))[0])
            if role is None:
                continue
            try:
                if area.slug in wanted and role not in member.roles:
                    await member.add_roles(role, reason="Joined the area")
                elif area.slug not in wanted and role in member.roles:
                    await member.remove_roles(role, reason="Left the area")
            except discord.Forbidden:
                problems.append(
                    f"I could not change the role '{role.name}'; moderators have been told."
                )
                await self.bot.audit.record(
                    member.guild.id, "areas.role_failed", target=member_target(member.id),
                    details={"role": role.name, "fix": f"Drag the bot's role above '{role.name}'."},
                )  # fmt: skip
        return problems

    async def after_introduction(self, interaction: Interaction, profile: Profile) -> None:
        """Called by profiles after a confirmed introduction: roles, then suggestions."""
        if isinstance(interaction.user, discord.Member):
            await self.sync_roles(interaction.user, set(profile.areas))
        suggestions = await self.service.suggest(profile.guild_id, profile)
        if not suggestions:
            return
        lines = [
            f"- **{s.area.name}**: matched {', '.join(escape_markdown(b) for b in s.because)}"
            for s in suggestions
        ]
        await interaction.followup.send(
            "These areas match your keywords:\n" + "\n".join(lines),
            view=suggestion_view([s.area for s in suggestions]),
            ephemeral=True,
        )

    # -- members and descriptions -------------------------------------------------------------

    @areas.command(name="members", description="Who works on an area")
    @app_commands.describe(area="The challenge area")
    async def members(self, interaction: Interaction, area: Reference) -> None:
        await self.show_members(
            interaction, self._area(interaction.guild_id, area).slug, 0, edit=False
        )

    def _choices(self, guild_id: int | None, current: str) -> list[app_commands.Choice[str]]:
        return area_choices(self.bot.areas.of(guild_id), current)

    @members.autocomplete("area")
    async def _members_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return self._choices(interaction.guild_id, current)

    async def _members_page(self, interaction: Interaction, slug: str, page: int) -> None:
        await self.show_members(interaction, slug, page, edit=True)

    async def show_members(
        self, interaction: Interaction, slug: str, page: int, edit: bool
    ) -> None:
        area = self._area(interaction.guild_id, slug)
        assert interaction.guild_id is not None
        viewer = await self.profiles.viewer_for(
            interaction.guild_id,
            interaction.user.id,
            is_moderator(interaction.user, await server_settings_of(interaction)),
        )
        profiles, pages = await self.service.members(interaction.guild_id, area, viewer, page)
        page = min(max(page, 0), pages - 1)
        lines = [self._member_line(p, viewer) for p in profiles]
        embed = discord.Embed(
            title=f"Members of {area.name}",
            description=fit("\n".join(lines), 4096) or "No members yet. Join with /areas browse.",
        )
        embed.set_footer(text=f"Page {page + 1} of {pages}")
        view = page_view("areas", area.slug, page, pages)
        await show_page(interaction, embed, view, edit=edit)

    @staticmethod
    def _member_line(profile: Profile, viewer: Viewer) -> str:
        parts = [f"**{escape_markdown(profile.name)}**"]
        if can_see_details(profile, viewer):
            parts.append(escape_markdown(profile.affiliation))
        parts.append(profile.country)
        parts.append(escape_markdown(", ".join(profile.expertise[:3])))
        return " · ".join(parts)

    @areas_admin.command(name="describe", description="Edit an area's purpose and questions")
    @app_commands.describe(area="The challenge area")
    @moderator_only()
    async def describe(self, interaction: Interaction, area: Reference) -> None:
        chosen = self._area(interaction.guild_id, area)
        assert interaction.guild_id is not None
        purpose, questions = await self.service.text(interaction.guild_id, chosen)
        await interaction.response.send_modal(
            DescribeModal(chosen, purpose, questions, self.described)
        )

    @describe.autocomplete("area")
    async def _describe_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return self._choices(interaction.guild_id, current)

    async def described(
        self, interaction: Interaction, area: Area, purpose: str, questions: list[str]
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        if not purpose:
            raise UserError("The purpose is empty. Write one paragraph about what the area is for.")
        if len(questions) > 10 or any(len(q) > 300 for q in questions):
            raise UserError("Keep to 10 questions of at most 300 characters each.")
        await self.service.describe(guild.id, area, purpose, questions, interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        resources = await self.service.resources(guild.id)
        channel = guild.get_channel(resources.get(("channel", area.slug), (0, ""))[0])
        pinned = resources.get(("pin", area.slug))
        text = about_text(area, purpose, questions)
        where = "Run /hub setup to create the area's channel."
        if isinstance(channel, discord.TextChannel):
            await channel.edit(topic=fit(purpose, 1024), reason="/areas-admin describe")
            if pinned:
                await channel.get_partial_message(pinned[0]).edit(
                    content=text, allowed_mentions=discord.AllowedMentions.none()
                )
                await self.service.record(guild.id, "pin", area.slug, pinned[0], fingerprint(text))
            where = f"The topic and pinned message in <#{channel.id}> are updated."
        await interaction.followup.send(f"Saved. {where}", ephemeral=True)
        await self.bot.audit.record(
            guild.id, "areas.described", actor_id=interaction.user.id, target=area.slug
        )

    # -- a server's own list of areas ---------------------------------------------------------

    @areas_admin.command(name="download", description="This server's challenge areas as a file")
    @moderator_only()
    async def download(self, interaction: Interaction) -> None:
        await self.own_list.download(interaction)

    @areas_admin.command(name="upload", description="Give this server its own challenge areas")
    @app_commands.describe(
        file="The areas as a .toml file: start from /areas-admin download",
        preview="true: only show what would change, save nothing",
    )
    @moderator_only()
    async def upload(
        self, interaction: Interaction, file: discord.Attachment, preview: bool = False
    ) -> None:
        await self.own_list.upload(interaction, file, preview)

    @areas_admin.command(name="reset", description="Go back to the bot's list of challenge areas")
    @app_commands.describe(preview="true: only show what would change, save nothing")
    @moderator_only()
    async def reset(self, interaction: Interaction, preview: bool = False) -> None:
        await self.own_list.reset(interaction, preview)

    # -- noticing hand-made changes and thread activity ---------------------------------------

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self._deleted(channel.guild, channel.id, f"#{channel.name}")

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await self._deleted(role.guild, role.id, f"role '{role.name}'")

    async def _deleted(self, guild: discord.Guild, discord_id: int, what: str) -> None:
        found = await self.service.resource_by_id(guild.id, discord_id)
        if found is None:
            return
        await self.bot.audit.record(
            guild.id, "areas.resource_deleted", target=found[1],
            details={"deleted": what, "fix": "Run /hub setup to recreate it."},
        )  # fmt: skip

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if (
            message.author.bot
            or message.guild is None
            or not isinstance(message.channel, discord.Thread)
        ):
            return
        parent = message.channel.parent_id
        slug = await self.service.area_of_channel(message.guild.id, parent) if parent else None
        if slug is not None:
            await self.service.count_thread_message(message.guild.id, slug, message.channel.id)

    # -- the weekly digest (weekly_digest.py) ----------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        for guild in self.bot.guilds:
            await self.digest.schedule(guild.id, replace=False)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """A server that adds the bot, or adds it back after a removal (when its digest
        fell due with no server to post in), gets its weekly digest without a restart."""
        await self.digest.schedule(guild.id, replace=False)

    @commands.Cog.listener()
    async def on_job_reported(self, job: Job, outcome: str, error: str | None) -> None:
        await self.digest.reported(job, outcome)
