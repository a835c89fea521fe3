"""``/expert find``: ranked members, five a page, with why each one matched."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot import countries
from bot import languages as language_names
from bot.checks import is_moderator, server_settings_of
from bot.delivery import PrivateDelivery
from bot.errors import UserError
from bot.options import CountryName, LanguageName, Query, Reference, Span, Topic
from bot.scheduler import Job
from bot.text import calendar_date, escape_markdown, excerpt, plural
from bot.ui import area_choices
from cogs.experts.brokering import Brokering
from cogs.experts.enquiries import (
    CLOSE_JOB,
    NEEDS,
    EnquiryDraft,
    EnquiryError,
    EnquiryService,
    parse_deadline,
)
from cogs.experts.introductions import Introductions
from cogs.experts.requests import EXPIRY_JOB, RequestError, RequestLimits, RequestService
from cogs.experts.search_index import Filters
from cogs.experts.service import (
    ExpertInputError,
    ExpertService,
    SavedSearch,
    SavedSearches,
    SearchPage,
)
from cogs.experts.views import (
    AnswerButton,
    AskButton,
    AsTypedButton,
    EnquiryAnswerButton,
    Found,
    results_view,
)
from cogs.profiles.fields import CareerStage, OpenTo, can_see_details
from cogs.profiles.service import ProfileService

if TYPE_CHECKING:
    from bot.app import HubBot

Interaction = discord.Interaction[Any]
SEARCH_PURGE_JOB = "experts.search_purge"


class ExpertsCog(commands.Cog):
    expert = app_commands.Group(name="expert", description="Find the right people", guild_only=True)

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        self.profiles = ProfileService(bot.db, bot.clock, bot.areas)
        self.service = ExpertService(bot.db, bot.areas, self.profiles)
        self.searches = SavedSearches(bot.db, bot.clock)
        settings = bot.settings
        limits = RequestLimits(
            per_day=settings.expert_requests_per_day,
            pending_per_requester=settings.expert_pending_per_requester,
            pending_per_expert=settings.expert_pending_per_expert,
            expiry=settings.expert_request_expiry,
        )
        self.requests = RequestService(bot.db, bot.clock, bot.scheduler, limits)
        self.introductions = Introductions(bot, self.requests, self.profiles)
        self.enquiries = EnquiryService(bot.db, bot.clock, bot.scheduler)
        delivery = PrivateDelivery(bot)
        self.brokering = Brokering(bot, self.enquiries, self.profiles, delivery)

    async def cog_load(self) -> None:
        self.bot.add_buttons(
            {
                AsTypedButton: self.search_as_typed,
                AskButton: self.introductions.ask,
                AnswerButton: self.introductions.answer,
                EnquiryAnswerButton: self.brokering.answer,
            }
        )
        # The partners feature posts this one's button (PartnerAskButton) with its own cards.
        self.bot.actions.register("experts:ask_partner", self.introductions.ask_partner)
        self.bot.pages.register("experts", self._show_page)
        self.bot.scheduler.register(EXPIRY_JOB, self.introductions.expire)
        self.bot.scheduler.register(CLOSE_JOB, self.brokering.close)
        self.bot.personal_data.register(
            "expert_enquiries", export=self.enquiries.export, erase=self.enquiries.erase
        )
        self.bot.personal_data.register(
            "expert_requests", export=self.requests.export, erase=self.requests.erase
        )
        self.bot.personal_data.register(
            "expert_searches", export=self.searches.export, erase=self.searches.erase
        )
        self.bot.scheduler.register(SEARCH_PURGE_JOB, self._purge_searches)
        await self._schedule_search_purge(self.bot.clock.now(), replace=False)

    async def _schedule_search_purge(self, after: datetime, *, replace: bool) -> None:
        """Once a day; the job is a row, so a restart neither loses nor doubles it."""
        await self.bot.scheduler.schedule(
            SEARCH_PURGE_JOB, after + timedelta(days=1), {}, key="daily", replace=replace
        )

    async def _purge_searches(self, job: Job) -> None:
        """Saved searches past HUB_SAVED_SEARCH_RETENTION are deleted: a query may name
        another member, and the page buttons are the only reason to keep it."""
        await self.searches.purge(self.bot.settings.saved_search_retention)
        await self._schedule_search_purge(max(job.due_at, self.bot.clock.now()), replace=True)

    @commands.Cog.listener()
    async def on_job_reported(self, job: Job, outcome: str, error: str | None) -> None:
        """A purge missed while the bot was down still runs, and the next one is set."""
        if job.kind == SEARCH_PURGE_JOB and outcome == "missed":
            await self._purge_searches(job)

    async def cog_unload(self) -> None:
        """Finish queued index writes and release the index before the bot closes."""
        await self.service.close()

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.service.load(guild.id)

    @commands.Cog.listener()
    async def on_profile_changed(self, guild_id: int, user_id: int) -> None:
        await self.service.refresh(guild_id, user_id)

    @expert.command(name="find", description="Find members by expertise, with optional filters")
    @app_commands.describe(
        query="What you are looking for, e.g. online radicalisation",
        area="Only members in this challenge area",
        country="Only members in this country",
        career_stage="Only members at this career stage",
        open_to="Only members open to this",
        language="Only members who work in this language",
        scope="This server only (the default), or linked partner networks' members too",
    )
    @app_commands.choices(
        career_stage=[app_commands.Choice(name=s.label[:100], value=s.value) for s in CareerStage],
        open_to=[app_commands.Choice(name=o.label, value=o.value) for o in OpenTo],
        scope=[
            app_commands.Choice(name="This server", value="server"),
            app_commands.Choice(name="Partner networks too", value="partners"),
        ],
    )
    async def find(
        self,
        interaction: Interaction,
        query: Query = "",
        area: Reference | None = None,
        country: CountryName | None = None,
        career_stage: app_commands.Choice[str] | None = None,
        open_to: app_commands.Choice[str] | None = None,
        language: LanguageName | None = None,
        scope: app_commands.Choice[str] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        partners = scope is not None and scope.value == "partners"
        code = self._country_code(country) if country else None
        slug = self._area_slug(interaction.guild_id, area) if area else None
        filters = Filters(
            area=slug,
            country=code,
            stage=career_stage.value if career_stage else None,
            open_to=open_to.value if open_to else None,
            language=self._language_code(language) if language else None,
        )
        saved = SavedSearch(query, filters, partners=partners)
        page = await self._search(interaction, saved, 0)
        search_id = await self.searches.save(
            interaction.guild_id, interaction.user.id, query, filters, partners=partners
        )
        embed = await self._render(interaction, query, page)
        view = self._view(interaction.guild_id, search_id, page)
        await interaction.response.send_message(
            embed=embed, view=view or discord.utils.MISSING, ephemeral=True
        )

    @staticmethod
    def _country_code(text: str) -> str:
        code = countries.find(text)
        if code is None:
            raise UserError(
                f"'{excerpt(text)}' is not a country I know. Pick one from the list as you type."
            )
        return code

    @staticmethod
    def _language_code(text: str) -> str:
        """The ISO 639 code profiles store, from a picked code or a typed name."""
        code = language_names.find(text)
        if code is None:
            raise UserError(
                f"'{excerpt(text)}' is not a language I know. Pick one from the list as you type."
            )
        return code

    def _area_slug(self, guild_id: int | None, text: str) -> str:
        catalog = self.bot.areas.of(guild_id)
        found = catalog.get(text) or catalog.find(text)
        if found is None:
            raise UserError(
                f"There is no area called '{excerpt(text)}'. Pick one from the list as you type."
            )
        return found.slug

    async def _search(self, interaction: Interaction, saved: SavedSearch, page: int) -> SearchPage:
        """The searcher is left out of their own results."""
        assert interaction.guild_id is not None
        try:
            served = self.bot.get_guild
            partners = (
                await self.service.partner_servers(interaction.guild_id, lambda g: bool(served(g)))
                if saved.partners
                else ()
            )
            return await self.service.find(
                interaction.guild_id,
                saved.query,
                saved.filters,
                page,
                searcher=interaction.user.id,
                as_typed=saved.as_typed,
                partners=partners,
            )
        except ExpertInputError as exc:
            raise UserError(str(exc)) from exc

    async def _show_page(self, interaction: Interaction, key: str, page: int) -> None:
        assert interaction.guild_id is not None
        search_id = int(key)
        saved = await self._saved(interaction, search_id)
        result = await self._search(interaction, saved, page)
        embed = await self._render(interaction, saved.query, result, saved.as_typed)
        view = self._view(interaction.guild_id, search_id, result)
        await interaction.response.edit_message(embed=embed, view=view)

    async def search_as_typed(self, interaction: Interaction, search_id: int) -> None:
        """The "Search as typed" button: the same search, no word corrected."""
        assert interaction.guild_id is not None
        saved = replace(await self._saved(interaction, search_id), as_typed=True)
        result = await self._search(interaction, saved, 0)
        new_id = await self.searches.save(
            interaction.guild_id, interaction.user.id, saved.query, saved.filters,
            as_typed=True, partners=saved.partners,
        )  # fmt: skip
        embed = await self._render(interaction, saved.query, result, as_typed=True)
        view = self._view(interaction.guild_id, new_id, result)
        await interaction.response.edit_message(embed=embed, view=view)

    async def _saved(self, interaction: Interaction, search_id: int) -> SavedSearch:
        saved = await self.searches.get(search_id, interaction.user.id)
        if saved is None:
            raise UserError("That search is no longer available. Run /expert find again.")
        return saved

    @staticmethod
    def _view(home: int, search_id: int, page: SearchPage) -> discord.ui.View | None:
        experts = []
        for result in page.results:
            p = result.profile
            experts.append(Found(p.user_id, p.name, None if p.guild_id == home else p.guild_id))
        return results_view(search_id, page.page, page.pages, experts, bool(page.corrected))

    @expert.command(name="pause", description="Stop receiving introduction requests until a date")
    @app_commands.describe(until="The date to start again, as year-month-day")
    async def pause(self, interaction: Interaction, until: Span) -> None:
        assert interaction.guild_id is not None
        try:
            day = datetime.strptime(until.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
            await self.requests.pause(interaction.guild_id, interaction.user.id, day)
        except ValueError as exc:
            message = (
                str(exc)
                if isinstance(exc, RequestError)
                else (
                    f"'{excerpt(until)}' is not a date. Write it as year-month-day, e.g. "
                    f"{self.bot.clock.now() + timedelta(days=30):%Y-%m-%d}."
                )
            )
            raise UserError(message) from exc
        await interaction.response.send_message(
            f"You will not get introduction requests until {calendar_date(day)}. "
            "Use /expert resume to start again sooner.", ephemeral=True)  # fmt: skip

    @expert.command(name="resume", description="Receive introduction requests again")
    async def resume(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        resumed = await self.requests.resume(interaction.guild_id, interaction.user.id)
        text = "You can receive introduction requests again." if resumed else "You were not paused."
        await interaction.response.send_message(text, ephemeral=True)

    @expert.command(name="enquiry", description="Ask members open to government enquiries for help")
    @app_commands.describe(
        topic="What the enquiry is about, in a few words",
        need="What you need from the members who can help",
        area="The challenge area it belongs to",
        deadline="The date you need answers by, e.g. '31 Jan', 'next Friday' or year-month-day",
        second_area="Another area it touches",
        country="Only members in this country",
        language="Only members who work in this language",
        partners="Also ask members of linked partner networks who chose to be found",
    )
    @app_commands.choices(
        need=[app_commands.Choice(name=label, value=key) for key, label in NEEDS.items()]
    )
    async def enquiry(
        self,
        interaction: Interaction,
        topic: Topic,
        need: app_commands.Choice[str],
        area: Reference,
        deadline: Span,
        second_area: Reference | None = None,
        country: CountryName | None = None,
        language: LanguageName | None = None,
        partners: bool = False,
    ) -> None:
        assert interaction.guild_id is not None
        profile = await self.profiles.get(interaction.guild_id, interaction.user.id)
        if not is_moderator(interaction.user, await server_settings_of(interaction)) and (
            profile is None or profile.career_stage != CareerStage.POLICY
        ):
            raise UserError(
                "Enquiries are for members in policy or government, and for moderators. "
                "If that is you, set your career stage with /profile edit. "
                "Anyone can search with /expert find."
            )
        if len(topic.strip()) > 200 or not topic.strip():
            raise UserError("Give a topic of 1 to 200 characters; the details come next.")
        areas = tuple(
            dict.fromkeys(
                self._area_slug(interaction.guild_id, a) for a in (area, second_area) if a
            )
        )
        server_zone = await self.bot.server_settings.zone(interaction.guild_id)
        zone = ZoneInfo(profile.timezone if profile else server_zone)
        try:
            when = parse_deadline(deadline, zone, self.bot.clock.now())
        except EnquiryError as exc:
            raise UserError(str(exc)) from exc
        draft = EnquiryDraft(
            topic=topic.strip(),
            details="",
            need=need.value,
            areas=areas,
            countries=(self._country_code(country),) if country else (),
            languages=(self._language_code(language),) if language else (),
            deadline=when,
            partners=partners,
        )
        await self.brokering.start(interaction, draft)

    @expert.command(name="enquiries", description="Your enquiries and who offered to help")
    async def enquiries_list(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        text = await self.brokering.listing(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(
            text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    async def _render(
        self, interaction: Interaction, query: str, page: SearchPage, as_typed: bool = False
    ) -> discord.Embed:
        assert interaction.guild_id is not None
        viewer = await self.profiles.viewer_for(
            interaction.guild_id,
            interaction.user.id,
            is_moderator(interaction.user, await server_settings_of(interaction)),
        )
        shown = escape_markdown(query.strip()) or "your filters"
        embed = discord.Embed(title=f"Experts for {shown}"[:256])
        notes = [
            f"Showing results for '{excerpt(c)}' instead of '{excerpt(w)}'."
            for w, c in page.corrected.items()
        ]
        if page.corrected:
            notes.append("To search exactly what you typed, press “Search as typed”.")
        elif as_typed:
            notes.append("Searched exactly as typed, without spelling corrections.")
        if not page.results and page.without_filters:
            found = plural(page.without_filters, "member")
            notes.append(
                f"No one matched with these filters; without them, '{excerpt(query)}' finds "
                f"{found}. Drop a filter to see them."
            )
        elif not page.results:
            hint = f" Try '{excerpt(page.suggestion)}'." if page.suggestion else ""
            notes.append(f"No one matched.{hint} Fewer words, or fewer filters, may find someone.")
        embed.description = "\n".join(notes) or None
        now = self.bot.clock.now()
        for result in page.results:
            p = result.profile
            local = now.astimezone(ZoneInfo(p.timezone)).strftime("%a %H:%M")
            lines = []
            if can_see_details(p, viewer):
                lines.append(escape_markdown(p.affiliation))
            catalog = self.bot.areas.of(p.guild_id)  # a partner's member: their network's areas
            areas = [a.name for a in (catalog.get(s) for s in p.areas) if a]
            if p.guild_id != interaction.guild_id:
                lines.append(f"Network: {self._network_name(p.guild_id)}")
            lines.append(f"{countries.name(p.country)} · local time {local}")
            if areas:
                lines.append("Areas: " + ", ".join(areas))
            lines.append("Expertise: " + escape_markdown(", ".join(p.expertise[:5])))
            if result.why:
                lines.append("matched: " + escape_markdown(", ".join(result.why)))
            badge = " (verified)" if p.verified else ""
            embed.add_field(
                name=f"{escape_markdown(p.name)}{badge}"[:256],
                value="\n".join(lines)[:1024],
                inline=False,
            )
        embed.set_footer(text=f"Page {page.page + 1} of {page.pages} · {page.total} found")
        return embed

    def _network_name(self, guild_id: int) -> str:
        guild = self.bot.get_guild(guild_id)
        return escape_markdown(guild.name) if guild else "a partner network"

    @find.autocomplete("query")
    async def _queries(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        keywords = await self.service.common_keywords(interaction.guild_id or 0, current)
        return [app_commands.Choice(name=k, value=k) for k in keywords]

    @find.autocomplete("area")
    @enquiry.autocomplete("area")
    @enquiry.autocomplete("second_area")
    async def _areas(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return area_choices(self.bot.areas.of(interaction.guild_id), current)

    @find.autocomplete("country")
    @enquiry.autocomplete("country")
    async def _countries(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=c) for c, n in countries.search(current)]

    @find.autocomplete("language")
    @enquiry.autocomplete("language")
    async def _languages(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=c) for c, n in language_names.search(current)]
