"""``/announce``: schedule, review, manage and look back on announcements (moderators only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import (
    MODERATOR_PERMISSIONS,
    is_moderator,
    moderator_only,
    server_settings_of,
)
from bot.clock import from_db_time
from bot.errors import UserError
from bot.options import Moment, Reference, Repeat, ZoneName
from bot.scheduler import Job
from bot.text import fit
from bot.timeparse import TimeContext
from bot.ui import discord_time, zone_choices
from cogs.announcements.delivery import Delivery, DeliveryProblem
from cogs.announcements.model import (
    RUN_JOB,
    Announcement,
    AnnouncementError,
    EditConflict,
    Timing,
    known_zone,
    read_timing,
    retime,
)
from cogs.announcements.recurrence import NAMED
from cogs.announcements.review import (
    Review,
    audit,
    check_channel_id,
    unwrap,
)
from cogs.announcements.service import AnnouncementService
from cogs.announcements.views import (
    STATE_WORDS,
    AnnouncementForm,
    ConfirmButton,
    DiscardButton,
    ReviewButton,
    confirm_view,
    conflict_reply,
    preview,
    repeat_words,
)
from cogs.profiles.service import ProfileService

if TYPE_CHECKING:
    from bot.app import HubBot

Interaction = discord.Interaction[Any]
NONE = discord.AllowedMentions.none()
STYLES = [
    app_commands.Choice(name="embed (body up to 4,000 characters)", value="embed"),
    app_commands.Choice(name="plain text (body up to 2,000 characters)", value="text"),
]
ANNOUNCEMENT = "The announcement: pick from the list, or type its id"
UNEXPECTED = "Use /announce send_now if the post is still needed; the log has the details."


class AnnouncementsCog(commands.Cog):
    announce = app_commands.Group(
        name="announce",
        description="Moderators: scheduled announcements",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
    )

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        self.service = AnnouncementService(bot.db, bot.clock, bot.scheduler)
        self.delivery = Delivery(bot, self.service)
        self.profiles = ProfileService(bot.db, bot.clock, bot.areas)
        self.reviews = Review(bot, self.service)

    async def cog_load(self) -> None:
        self.bot.add_buttons(
            {
                ConfirmButton: self.reviews.confirm,
                DiscardButton: self.reviews.discard,
                ReviewButton: self.reviews.review,
            }
        )
        self.bot.scheduler.register(RUN_JOB, self.delivery.run)
        self.bot.personal_data.register(
            "announcements", export=self.service.export, erase=self.service.erase
        )

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """A run a crash left "sending" with no job to finish it is reported, not left unseen."""
        await self.delivery.report_stranded()

    @commands.Cog.listener()
    async def on_job_reported(self, job: Job, outcome: str, error: str | None) -> None:
        """A run the scheduler gave up on (the bot was down too long, or an unexpected error
        outside a post attempt): record it, and carry a recurrence on."""
        if job.kind != RUN_JOB:
            return
        scheduled_for = from_db_time(job.payload["scheduled_for"])
        announcement_id = int(job.payload["announcement_id"])
        if outcome == "missed":
            await self.service.missed(announcement_id, scheduled_for)
        elif outcome == "failed":
            reason = f"An unexpected error stopped this run ({error or 'no details'})."
            await self.service.gave_up(announcement_id, scheduled_for, "failed", reason, UNEXPECTED)

    # -- scheduling -------------------------------------------------------------------------

    @announce.command(name="schedule", description="Schedule a one-off or recurring post")
    @app_commands.describe(
        channel="Where to post it",
        when="The first post, e.g. 'next Monday 09:00', '3 Dec 14:00 CET' or 'in 2 hours'",
        repeat="none, daily, weekdays, weekly, monthly, or a cron expression like '0 9 * * 1'",
        timezone="Time zone for 'when' and the repeat (default: your profile's, else the server's)",
        role="A role to ping (the only mention the post will make)",
        style="An embed (default) or plain text",
    )
    @app_commands.choices(style=STYLES)
    @moderator_only()
    async def schedule(
        self,
        interaction: Interaction,
        channel: discord.TextChannel,
        when: Moment,
        repeat: Repeat = "none",
        timezone: ZoneName | None = None,
        role: discord.Role | None = None,
        style: app_commands.Choice[str] | None = None,
    ) -> None:
        assert interaction.guild is not None
        timing = self._timing(when, repeat, await self._context(interaction, timezone), timezone)
        self._check_channel(channel, style.value if style else "embed")
        role_id = self._check_role(role)
        chosen = style.value if style else "embed"

        async def submitted(inner: Interaction, title: str, body: str) -> None:
            await self._draft(inner, channel.id, timing, (title, body, chosen, role_id))

        await interaction.response.send_modal(AnnouncementForm("New announcement", submitted))

    async def _draft(
        self,
        interaction: Interaction,
        channel_id: int,
        timing: Timing,
        content: tuple[str, str, str, int | None],
    ) -> None:
        assert interaction.guild_id is not None
        try:
            draft = await self.service.create_draft(
                interaction.guild_id, interaction.user.id, channel_id, timing, content
            )
        except AnnouncementError as exc:
            raise UserError(str(exc)) from exc
        notes = [timing.reading, "Nothing is posted until you press Confirm."]
        if await self.bot.server_settings.get(interaction.guild_id, "announce_require_approval"):
            notes.append("A second moderator must then approve it.")
        notes += self._role_notes(interaction.guild, draft.role_id)
        if (
            draft.repeat == "monthly"
            and draft.starts_at.astimezone(ZoneInfo(draft.timezone)).day > 28
        ):
            notes.append("Months without that day are skipped.")
        await interaction.response.send_message(
            **preview(draft, "Preview", notes), view=confirm_view(draft.id), ephemeral=True,
            allowed_mentions=NONE,
        )  # fmt: skip

    # -- managing ---------------------------------------------------------------------------

    @announce.command(name="list", description="Scheduled, paused and waiting announcements")
    @app_commands.describe(ended="Also show announcements that are done, failed or cancelled")
    @moderator_only()
    async def list_(self, interaction: Interaction, ended: bool = False) -> None:
        assert interaction.guild_id is not None
        await self.bot.audit.record(
            interaction.guild_id, "announce.listed", actor_id=interaction.user.id, mirror=False
        )
        found = await self.service.list_live(interaction.guild_id, include_ended=ended)
        if not found:
            await interaction.response.send_message(
                "No announcements are scheduled. Use /announce schedule to add one.",
                ephemeral=True,
            )
            return
        lines = [self._line(a) for a in found[:20]]
        if len(found) > 20:
            lines.append(f"...and {len(found) - 20} more.")
        embed = discord.Embed(title="Announcements", description=fit("\n".join(lines), 4096))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @staticmethod
    def _line(found: Announcement) -> str:
        when = discord_time(int(found.next_run_at.timestamp()), "f") if found.next_run_at else "-"
        title = fit(discord.utils.escape_markdown(found.label.split(" ", 1)[-1]), 60)
        author = f"<@{found.author_id}>" if found.author_id else "a former moderator"
        return (
            f"**#{found.id}** {title} · <#{found.channel_id}> · next {when} · "
            f"{repeat_words(found)} · by {author} · {STATE_WORDS[found.state]}"
        )

    @announce.command(name="edit", description="Change an announcement's text, time or place")
    @app_commands.describe(
        announcement=ANNOUNCEMENT,
        channel="Move it to this channel",
        when="New first post time",
        repeat="New repeat: none, daily, weekdays, weekly, monthly or a cron expression",
        timezone="New time zone",
        role="Ping this role instead",
        remove_role="Ping nobody",
        style="An embed or plain text",
    )
    @app_commands.choices(style=STYLES)
    @moderator_only()
    async def edit(
        self,
        interaction: Interaction,
        announcement: Reference,
        channel: discord.TextChannel | None = None,
        when: Moment | None = None,
        repeat: Repeat | None = None,
        timezone: ZoneName | None = None,
        role: discord.Role | None = None,
        remove_role: bool = False,
        style: app_commands.Choice[str] | None = None,
    ) -> None:
        found = await self._find(interaction, announcement)
        self._editable(found)
        chosen = style.value if style else found.style
        if channel is not None:
            self._check_channel(channel, chosen)
        try:
            context = await self._context(interaction, None)
            timing = retime(found, when, repeat, timezone, self.bot.clock.now(), context)
        except AnnouncementError as exc:
            raise UserError(str(exc)) from exc
        role_id = None if remove_role else (self._check_role(role) or found.role_id)

        approval = await self.bot.server_settings.get(found.guild_id, "announce_require_approval")

        async def submitted(inner: Interaction, title: str, body: str) -> None:
            try:
                edited = await self.service.edit(
                    found,
                    channel_id=channel.id if channel else None,
                    timing=timing,
                    content=(title, body, chosen, role_id),
                    require_approval=approval,
                    editor_id=inner.user.id,
                )
            except EditConflict as conflict:  # another moderator saved first
                await inner.response.send_message(
                    **conflict_reply(conflict.current, title, body), ephemeral=True,
                    allowed_mentions=NONE,
                )  # fmt: skip
                return
            except AnnouncementError as exc:
                raise UserError(str(exc)) from exc
            notes = ["It waits for a second moderator's approval again."] if approval else []
            await inner.response.send_message(
                **preview(edited, f"Announcement #{edited.id} updated", notes), ephemeral=True,
                allowed_mentions=NONE,
            )  # fmt: skip
            if approval and inner.guild is not None:
                await self.reviews.ask_for_approval(inner.guild, edited)
            await audit(self.bot, inner, "announce.edited", edited)

        heading = f"Edit announcement #{found.id}"
        form = AnnouncementForm(heading, submitted, found.title, found.body)
        await interaction.response.send_modal(form)

    @announce.command(name="pause", description="Stop an announcement's runs until you resume it")
    @app_commands.describe(announcement=ANNOUNCEMENT)
    @moderator_only()
    async def pause(self, interaction: Interaction, announcement: Reference) -> None:
        found = await unwrap(self.service.pause(await self._find(interaction, announcement)))
        text = f"Paused announcement #{found.id}. /announce resume starts it again."
        await self._done(interaction, "announce.paused", found, text)

    @announce.command(name="resume", description="Start a paused announcement again")
    @app_commands.describe(announcement=ANNOUNCEMENT)
    @moderator_only()
    async def resume(self, interaction: Interaction, announcement: Reference) -> None:
        found = await unwrap(self.service.resume(await self._find(interaction, announcement)))
        when = discord_time(int(found.next_run_at.timestamp())) if found.next_run_at else "-"
        text = f"Resumed announcement #{found.id}. Next post: {when}."
        await self._done(interaction, "announce.resumed", found, text)

    @announce.command(name="cancel", description="Cancel an announcement for good")
    @app_commands.describe(announcement=ANNOUNCEMENT)
    @moderator_only()
    async def cancel(self, interaction: Interaction, announcement: Reference) -> None:
        found = await unwrap(self.service.cancel(await self._find(interaction, announcement)))
        text = f"Cancelled announcement #{found.id}. It will not be posted again."
        await self._done(interaction, "announce.cancelled", found, text)

    @announce.command(name="send_now", description="Post an announcement now (its schedule stays)")
    @app_commands.describe(announcement=ANNOUNCEMENT)
    @moderator_only()
    async def send_now(self, interaction: Interaction, announcement: Reference) -> None:
        found = await self._find(interaction, announcement)
        if found.state not in ("scheduled", "paused", "done", "failed"):
            raise UserError(
                f"Announcement #{found.id} is {STATE_WORDS[found.state]}, so it cannot be sent."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        claim = await self.service.claim(found.id, self.bot.clock.now(), late=False, manual=True)
        assert claim.run is not None and claim.announcement is not None
        try:
            message = await self.delivery.attempt(claim.announcement, claim.run, final=True)
        except DeliveryProblem as problem:
            await interaction.followup.send(
                f"Not posted: {problem.reason} {problem.fix}", ephemeral=True
            )
            return
        await interaction.followup.send(
            f"Posted announcement #{found.id}: {message.jump_url}", ephemeral=True
        )
        await audit(self.bot, interaction, "announce.sent_now", found, {"message_id": message.id})

    @announce.command(name="history", description="Past runs, with links or why they failed")
    @app_commands.describe(announcement=ANNOUNCEMENT)
    @moderator_only()
    async def history(self, interaction: Interaction, announcement: Reference) -> None:
        found = await self._find(interaction, announcement)
        await audit(self.bot, interaction, "announce.history", found, mirror=False)
        runs = await self.service.history(found.id)
        lines = []
        if found.approved_by:
            verdict = "Rejected" if found.state == "rejected" else "Approved"
            lines.append(f"{verdict} by <@{found.approved_by}>.")
        for run in runs:
            when = discord_time(int(run.scheduled_for.timestamp()), "f")
            how = " (sent now)" if run.manual else " (late)" if run.late else ""
            if run.status == "sent":
                link = f"https://discord.com/channels/{found.guild_id}/{run.channel_id}/{run.message_id}"
                lines.append(f"{when}{how}: posted {link}")
            else:
                why = f"{run.error or ''} {run.fix or ''}".strip()
                lines.append(f"{when}{how}: {run.status}. {why}".strip())
        text = "\n".join(lines) or "No runs yet."
        embed = discord.Embed(
            title=fit(f"History of {found.label}", 256), description=fit(text, 4096)
        )
        embed.set_footer(text=f"{STATE_WORDS[found.state]} · {repeat_words(found)}")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # -- autocomplete -----------------------------------------------------------------------

    @edit.autocomplete("announcement")
    @pause.autocomplete("announcement")
    @resume.autocomplete("announcement")
    @cancel.autocomplete("announcement")
    @send_now.autocomplete("announcement")
    @history.autocomplete("announcement")
    async def _announcements(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not is_moderator(
            interaction.user, await server_settings_of(interaction)
        ):
            return []
        found = await self.service.search(interaction.guild_id, current)
        return [
            app_commands.Choice(
                name=fit(f"{a.label} ({STATE_WORDS[a.state]})", 100), value=str(a.id)
            )
            for a in found
        ]

    @schedule.autocomplete("timezone")
    @edit.autocomplete("timezone")
    async def _zones(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return zone_choices(current)

    @schedule.autocomplete("repeat")
    @edit.autocomplete("repeat")
    async def _repeats(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        named = [r for r in NAMED if r.startswith(current.strip().lower())]
        choices = [app_commands.Choice(name=r, value=r) for r in named]
        if current.strip() and not named:
            choices.append(app_commands.Choice(name=f"cron: {current.strip()}"[:100],
                                               value=current.strip()[:100]))  # fmt: skip
        return choices

    # -- helpers ----------------------------------------------------------------------------

    async def _context(self, interaction: Interaction, timezone: str | None) -> TimeContext:
        """How this moderator's times are read: the zone chosen, else their profile's, else
        the server's; their Discord locale and profile languages; their date order."""
        assert interaction.guild_id is not None
        try:
            chosen = known_zone(timezone) if timezone else None
        except AnnouncementError as exc:
            raise UserError(str(exc)) from exc
        return await self.profiles.time_context(
            interaction.guild_id, interaction.user.id, chosen,
            await self.bot.server_settings.zone(interaction.guild_id), str(interaction.locale),
        )  # fmt: skip

    def _timing(self, when: str, repeat: str, context: TimeContext, timezone: str | None) -> Timing:
        try:
            return read_timing(when, repeat, context, self.bot.clock.now(), timezone is not None)
        except AnnouncementError as exc:
            raise UserError(str(exc)) from exc

    def _check_channel(self, channel: discord.abc.GuildChannel, style: str) -> None:
        check_channel_id(channel.guild, channel.id, style)

    @staticmethod
    def _check_role(role: discord.Role | None) -> int | None:
        if role is None:
            return None
        if role.is_default():
            raise UserError("Announcements never ping @everyone. Pick a role, or leave role empty.")
        return role.id

    @staticmethod
    def _role_notes(guild: discord.Guild | None, role_id: int | None) -> list[str]:
        role = guild.get_role(role_id) if guild and role_id else None
        if role is None or role.mentionable or guild is None:
            return []
        if guild.me.guild_permissions.mention_everyone:
            return []
        return [f"Note: @{role.name} is not mentionable, so it will show without a ping; "
                "make it mentionable in the role settings."]  # fmt: skip

    async def _find(self, interaction: Interaction, reference: str) -> Announcement:
        assert interaction.guild_id is not None
        return await unwrap(self.service.require(interaction.guild_id, reference))

    @staticmethod
    def _editable(found: Announcement) -> None:
        try:
            AnnouncementService.check_editable(found)
        except AnnouncementError as exc:
            raise UserError(str(exc)) from exc

    async def _done(
        self, interaction: Interaction, action: str, found: Announcement, text: str
    ) -> None:
        await interaction.response.send_message(text, ephemeral=True)
        await audit(self.bot, interaction, action, found)
