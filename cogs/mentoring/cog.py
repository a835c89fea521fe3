"""``/mentor``: offers, requests, status, matching rounds and the moderators' overview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import languages as language_names
from bot.checks import (
    MODERATOR_PERMISSIONS,
    is_moderator,
    moderator_only,
    server_settings_of,
)
from bot.errors import UserError
from bot.institutions import load_institutions
from bot.options import Avoid, Listing, Mentees, Paragraph
from bot.scheduler import Job
from bot.text import escape_markdown, excerpt, plural
from bot.ui import area_choices
from bot.wallclock import next_cron_time
from cogs.mentoring.flow import PairingFlow
from cogs.mentoring.matching import Round, Weights, solve
from cogs.mentoring.pairings import (
    CHECKIN_JOB,
    EXPIRY_JOB,
    ROUND_JOB,
    Pairing,
    PairingService,
    PairThread,
)
from cogs.mentoring.rules import Rules, split_avoid
from cogs.mentoring.service import PREFERENCES, MentoringConfig, MentoringError, MentoringService
from cogs.mentoring.status import overview_text, pages_of, status_text
from cogs.mentoring.views import CheckinButton, ProposalButton, pages_view
from cogs.profiles.service import ProfileService
from cogs.reports.cog import ReportsCog

if TYPE_CHECKING:
    from bot.app import HubBot

Interaction = discord.Interaction[Any]
MAX_BLOCKED = 300  # blocked pairs listed in a dry run (30 pages); a large pool has many more


def config_from(bot: HubBot) -> MentoringConfig:
    s = bot.settings
    return MentoringConfig(
        offer_stages=tuple(s.mentor_offer_stages),
        request_stages=tuple(s.mentor_request_stages),
        weights=Weights(s.mentor_weight_areas, s.mentor_weight_text, s.mentor_weight_hours,
                        s.mentor_weight_country),
        proposal_expiry=s.mentor_proposal_expiry,
        max_missed=s.mentor_max_missed,
        checkins=tuple(s.mentor_checkins),
        rules=Rules(round(s.mentor_min_overlap_hours * 60),
                    load_institutions(s.mentor_institutions_file)),
    )  # fmt: skip


class MentoringCog(commands.Cog):
    mentor = app_commands.Group(
        name="mentor", description="Mentoring for early-career members", guild_only=True
    )
    mentor_admin = app_commands.Group(
        name="mentor-admin",
        description="Moderators: mentoring rounds and the overview",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
    )

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        config = config_from(bot)
        self.profiles = ProfileService(bot.db, bot.clock, bot.areas)
        self.service = MentoringService(bot.db, bot.clock, bot.areas, self.profiles, config)
        self.pairings = PairingService(bot.db, bot.clock, bot.scheduler, config)
        self.flow = PairingFlow(bot, self.pairings, self.profiles)
        self._erased: dict[tuple[int, int], tuple[list[Pairing], list[PairThread]]] = {}

    async def cog_load(self) -> None:
        self.bot.add_buttons({ProposalButton: self.flow.answer, CheckinButton: self.flow.checkin})
        self.bot.pages.register("mentoring", self._show_dry_run_page)
        self.bot.actions.register("mentoring:end", self.flow.end)
        self.bot.scheduler.register(EXPIRY_JOB, self.flow.expire)
        self.bot.scheduler.register(CHECKIN_JOB, self.flow.send_checkin)
        self.bot.scheduler.register(ROUND_JOB, self._scheduled_round)
        self.bot.personal_data.register("mentoring", export=self.service.export, erase=self._erase)
        self.bot.server_settings.on_change(self._zone_changed)

    async def _zone_changed(self, guild_id: int, name: str) -> None:
        """A server that moves to another time zone has its next matching round moved to the
        same hour of its new clock."""
        if name == "server_timezone" and self.bot.get_guild(guild_id) is not None:
            await self._plan_round(guild_id, replace=True)

    # -- offers and requests --------------------------------------------------------------------

    @mentor.command(name="offer", description="Offer to mentor, or change your offer")
    @app_commands.describe(
        capacity="How many mentees at once, 1 to 5",
        offer="What you offer, in a sentence or two",
        areas="Challenge areas you can help with, comma-separated (default: your profile's)",
        methods="Methods you can help with, e.g. interviews, survey design",
        languages="Languages you mentor in, comma-separated (default: your profile's)",
        free_hours="Optional: when you are usually free, your time, e.g. Tue 14-16, Thu 9-11",
    )
    async def offer(
        self,
        interaction: Interaction,
        capacity: Mentees | None = None,
        offer: Paragraph | None = None,
        areas: Listing | None = None,
        methods: Paragraph | None = None,
        languages: Listing | None = None,
        free_hours: Listing | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        try:
            saved, new = await self.service.save_offer(
                interaction.guild_id, interaction.user.id, capacity=capacity, areas=areas,
                methods=methods, languages=languages, offer=offer, free_hours=free_hours,
            )  # fmt: skip
        except MentoringError as exc:
            raise UserError(str(exc)) from exc
        catalog = self.bot.areas.of(interaction.guild_id)
        names = ", ".join(catalog.name_of(a) for a in saved.areas) or "any area"
        paused = (
            " It is paused; /mentor resume makes it count again."
            if saved.status == "paused"
            else ""
        )
        verb = "Thank you: your offer is saved" if new else "Your offer is updated"
        await interaction.response.send_message(
            f"{verb}. Up to {plural(saved.capacity, 'mentee')}; areas: {names}; languages: "
            f"{language_names.names(saved.languages)}.{paused} You will get a private proposal "
            "to accept or decline when a round finds a good match. /mentor pause stops new "
            "proposals.",
            ephemeral=True,
        )

    @mentor.command(name="request", description="Ask for a mentor")
    @app_commands.describe(
        goals="What you would like a mentor's help with",
        areas="Challenge areas, comma-separated (default: your profile's)",
        methods="Methods you want to learn or discuss",
        languages="Languages you can work in, comma-separated (default: your profile's)",
        country="A mentor in your own country, another country, or no preference",
        avoid="Anything to avoid, separated by commas or semicolons: institutions, names, "
        "countries",
        free_hours="Optional: when you are usually free, your time, e.g. Tue 14-16 "
        "(default: weekdays 9-17)",
    )
    @app_commands.choices(
        country=[app_commands.Choice(name=label, value=key) for key, label in PREFERENCES.items()]
    )
    async def request(
        self,
        interaction: Interaction,
        goals: Paragraph,
        areas: Listing | None = None,
        methods: Paragraph | None = None,
        languages: Listing | None = None,
        country: app_commands.Choice[str] | None = None,
        avoid: Avoid | None = None,
        free_hours: Listing | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        try:
            request = await self.service.create_request(
                interaction.guild_id, interaction.user.id, goals=goals, areas=areas,
                methods=methods, languages=languages,
                country_pref=country.value if country else "any", avoid=avoid,
                free_hours=free_hours,
            )  # fmt: skip
        except MentoringError as exc:
            raise UserError(str(exc)) from exc
        place, of = await self.service.queue_position(interaction.guild_id, request)
        entries = split_avoid(request.avoid)
        avoiding = (
            " You will not be paired with anyone whose name, institution or country is: "
            + "; ".join(f"'{excerpt(e)}'" for e in entries) + "."
            if entries else ""
        )  # fmt: skip
        await interaction.response.send_message(
            f"Your request is in: you are number {place} of {of} waiting. Matching rounds look "
            "at everyone at once, not first come first served, so the best fit counts more "
            f"than the wait.{avoiding} You will get a private proposal to accept or decline; "
            "/mentor status shows where you are.",
            ephemeral=True,
        )

    @mentor.command(name="status", description="Your offer, request, pairings and queue place")
    async def status(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        offer = await self.service.get_offer(guild_id, user_id)
        used = await self.service.used_places(guild_id, user_id) if offer else 0
        request = await self.service.open_request(guild_id, user_id)
        place = await self.service.queue_position(guild_id, request) if request else None
        pairings = await self.pairings.of_member(guild_id, user_id)
        names = {
            p.other(user_id): await self.flow._name(guild_id, p.other(user_id)) for p in pairings
        }
        text = status_text(
            user_id, offer, used, request, place, pairings, names,
            self.bot.areas.of(guild_id).name_of,
        )  # fmt: skip
        await interaction.response.send_message(text, ephemeral=True)

    @mentor.command(name="pause", description="Stop new mentoring proposals until you resume")
    async def pause(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        changed = await self.service.set_paused(interaction.guild_id, interaction.user.id, True)
        if not changed:
            raise UserError("You have no active offer or open request to pause.")
        await interaction.response.send_message(
            f"Paused your {' and '.join(changed)}: no new proposals until /mentor resume. "
            "Pairings you already have carry on.",
            ephemeral=True,
        )

    @mentor.command(name="resume", description="Take part in matching rounds again")
    async def resume(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        changed = await self.service.set_paused(interaction.guild_id, interaction.user.id, False)
        if not changed:
            raise UserError("Nothing of yours is paused. /mentor status shows where you are.")
        await interaction.response.send_message(
            f"Welcome back: your {' and '.join(changed)} "
            f"{'count' if len(changed) > 1 else 'counts'} in the next round again.",
            ephemeral=True,
        )

    @mentor.command(name="withdraw", description="Withdraw your mentor request")
    async def withdraw(self, interaction: Interaction) -> None:
        guild = interaction.guild
        assert guild is not None
        try:
            withdrawn = await self.pairings.withdraw_request(guild.id, interaction.user.id)
        except MentoringError as exc:
            raise UserError(str(exc)) from exc
        except ValueError as exc:
            raise UserError(str(exc)) from exc
        await interaction.response.send_message(
            "Your request is withdrawn. /mentor request whenever you want to ask again.",
            ephemeral=True,
        )
        for pairing in withdrawn:
            await self.flow.send(
                guild, pairing.mentor_id,
                content="A mentoring proposal to you was withdrawn by the mentee; nothing more "
                "is needed, and your place is free again.",
            )  # fmt: skip

    # -- rounds (moderators) ---------------------------------------------------------------------

    async def _solve(self, guild_id: int, dry_run: bool = False) -> tuple[Round, dict[int, int]]:
        mentees, mentors, request_ids = await self.service.pool(guild_id)
        # Per server (/hub config), the environment's HUB_MENTOR_WEIGHT_* by default.
        weights = Weights(*await self.bot.server_settings.mentor_weights(guild_id))
        catalog = self.bot.areas.of(guild_id)
        result = solve(mentees, mentors, weights, catalog.name_of, catalog.slugs(),
                       self.service.config.rules, with_blocked=dry_run)  # fmt: skip
        return result, request_ids

    @mentor_admin.command(name="match", description="Run a matching round")
    @app_commands.describe(dry_run="true: show the pairs and reasons, send nothing")
    @moderator_only()
    async def match(self, interaction: Interaction, dry_run: bool = False) -> None:
        guild = interaction.guild
        assert guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        result, request_ids = await self._solve(guild.id, dry_run)
        if dry_run:
            embed, view = await self._dry_run_page(guild.id, result, 0)
            await interaction.followup.send(embed=embed, view=view, ephemeral=True)
            return
        sent = await self._send_round(guild, result, request_ids, interaction.user.id)
        waiting = len(result.unmatched)
        await interaction.followup.send(
            f"Sent {plural(sent, 'proposal')}; both sides answer privately. "
            f"{plural(waiting, 'mentee')} {'stays' if waiting == 1 else 'stay'} in the pool "
            "(a dry run shows why).",
            ephemeral=True,
        )

    async def _send_round(
        self, guild: discord.Guild, result: Round, request_ids: dict[int, int], actor: int | None
    ) -> int:
        proposals = await self.pairings.propose(guild.id, result.pairs, request_ids)
        for pairing in proposals:
            await self.flow.deliver(guild, pairing)
        await self.bot.audit.record(
            guild.id, "mentoring.round", actor_id=actor,
            details={"proposed": len(proposals), "unmatched": len(result.unmatched)},
        )  # fmt: skip
        return len(proposals)

    async def _dry_run_page(
        self, guild_id: int, result: Round, page: int
    ) -> tuple[discord.Embed, discord.ui.View]:
        """One page of the dry run, with Previous and Next when there are more (the shared
        paginator: its buttons work after a restart, and a click works the round out again
        from the pool as it is then)."""
        names: dict[int, str] = {}

        async def name(user_id: int) -> str:
            if user_id not in names:
                names[user_id] = await self.flow._name(guild_id, user_id)
            return names[user_id]

        lines = []
        for pair in result.pairs:
            reasons = "; ".join(escape_markdown(r) for r in pair.reasons)
            lines.append(
                f"**{await name(pair.mentee_id)}** with **{await name(pair.mentor_id)}** "
                f"(score {pair.score:.2f}): {reasons}"
            )
        if result.unmatched:
            lines.append("**Not matched this round:**")
        for left in result.unmatched:
            lines.append(f"**{await name(left.mentee_id)}**: {left.why}")
        if result.blocked:
            lines.append("**Pairs the rules keep apart:**")
        for kept in result.blocked[:MAX_BLOCKED]:
            why = "; ".join(escape_markdown(w) for w in kept.why)
            lines.append(
                f"**{await name(kept.mentee_id)}** and **{await name(kept.mentor_id)}**: {why}"
            )
        if len(result.blocked) > MAX_BLOCKED:
            lines.append(f"... and {len(result.blocked) - MAX_BLOCKED} more pairs kept apart.")
        pages = pages_of(lines or ["No open requests and no free mentors."])
        page = min(max(page, 0), len(pages) - 1)
        embed = discord.Embed(title=f"Dry run: {plural(len(result.pairs), 'pair')}, nothing sent")
        embed.description = pages[page]
        where = f"Page {page + 1} of {len(pages)} · " if len(pages) > 1 else ""
        embed.set_footer(
            text=f"{where}Total score {result.total:.2f}. /mentor-admin match sends the proposals."
        )
        return embed, pages_view(page, len(pages))

    async def _show_dry_run_page(self, interaction: Interaction, key: str, page: int) -> None:
        guild = interaction.guild
        if guild is None or not is_moderator(
            interaction.user, await server_settings_of(interaction)
        ):
            raise UserError("This dry run is for moderators.")
        result, _ = await self._solve(guild.id, dry_run=True)
        embed, view = await self._dry_run_page(guild.id, result, page)
        await interaction.response.edit_message(embed=embed, view=view)

    @mentor_admin.command(name="overview", description="Mentoring at a glance")
    @moderator_only()
    async def overview(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        data = await self.pairings.overview(interaction.guild_id)
        reports = self.bot.get_cog("ReportsCog")
        if not isinstance(reports, ReportsCog):
            await interaction.response.send_message(overview_text(data), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        chart = await reports.mentoring_overview_file(interaction.guild_id)
        await interaction.followup.send(overview_text(data), file=chart, ephemeral=True)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self._plan_round(guild.id)

    async def _plan_round(self, guild_id: int, *, replace: bool = False) -> None:
        cron = self.bot.settings.mentor_round_cron
        if not cron:
            await self.bot.scheduler.cancel_key(ROUND_JOB, f"round:{guild_id}")
            return
        zone = await self.bot.server_settings.zone(guild_id)
        due = next_cron_time(cron, zone, self.bot.clock.now())
        if due is not None:
            await self.bot.scheduler.schedule(
                ROUND_JOB, due, {}, guild_id=guild_id, key=f"round:{guild_id}", replace=replace
            )

    async def _scheduled_round(self, job: Job) -> None:
        guild = self.bot.get_guild(job.guild_id or 0)
        if guild is not None and self.bot.settings.mentor_round_cron:
            result, request_ids = await self._solve(guild.id)
            await self._send_round(guild, result, request_ids, None)
            await self._plan_round(guild.id)

    @commands.Cog.listener()
    async def on_job_reported(self, job: Job, outcome: str, error: str | None) -> None:
        """A round missed during downtime (or failed) still plans the next one; a missed
        check-in is sent late."""
        if job.kind == ROUND_JOB and job.guild_id is not None:
            await self._plan_round(job.guild_id)
        elif job.kind == CHECKIN_JOB and outcome == "missed":
            await self.flow.send_missed_checkin(job)

    # -- leaving -----------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        await self.flow.member_left(member.guild, member.id)

    async def _erase(self, guild_id: int, user_id: int) -> int:
        """Erase the member's mentoring rows inside the shared erasure transaction; their
        live pairings are remembered so the other sides hear once it has committed."""
        live = await self.pairings.live_of(guild_id, user_id)
        threads = await self.pairings.threads_of(guild_id, user_id)
        await self.pairings.forget_jobs(live)
        removed = await self.service.erase(guild_id, user_id)
        self._erased[(guild_id, user_id)] = (live, threads)
        return removed

    @commands.Cog.listener()
    async def on_profile_changed(self, guild_id: int, user_id: int) -> None:
        """After ``/profile delete`` (or the retention purge): each pair thread of theirs
        drops their name and the bot's card about them, the other side of each live pairing
        is told, as when a member leaves, and its thread is archived. A pairing still stored
        means the erasure rolled back, so nothing happens."""
        erased = self._erased.pop((guild_id, user_id), None)
        guild = self.bot.get_guild(guild_id)
        if erased is None or guild is None or await self.pairings.of_member(guild_id, user_id):
            return
        live, threads = erased
        await self.flow.forget_in_threads(guild, threads, user_id)
        gone = [p for p in live if await self.pairings.get(p.id) is None]
        if gone:
            await self.flow.tell_closed(guild, user_id, gone, "the other side left mentoring")

    # -- helpers -----------------------------------------------------------------------------------

    @offer.autocomplete("areas")
    @request.autocomplete("areas")
    async def _areas(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        done, _, typed = current.rpartition(",")
        prefix = f"{done}, " if done else ""
        return [  # a choice cut at Discord's 100 characters would name an area that is not there
            app_commands.Choice(name=prefix + c.name, value=prefix + c.value)
            for c in area_choices(self.bot.areas.of(interaction.guild_id), typed.strip())
            if len(prefix + c.name) <= 100 and len(prefix + c.value) <= 100
        ]

    @offer.autocomplete("languages")
    @request.autocomplete("languages")
    async def _languages(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        done, _, typed = current.rpartition(",")
        prefix = f"{done}, " if done else ""
        return [
            app_commands.Choice(name=prefix + x, value=prefix + x)
            for _, x in language_names.search(typed)
            if len(prefix + x) <= 100  # Discord's limit
        ][:25]
