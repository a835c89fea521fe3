"""``/event``: create, answer, look up, change and cancel events; reminders and calendars."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_moderator, server_settings_of
from bot.errors import UserError
from bot.options import (
    Moment,
    Occurrences,
    Place,
    Places,
    Reason,
    Reference,
    Span,
    SpanList,
    Title,
    ZoneName,
)
from bot.paging import page_view, show_page
from bot.scheduler import Job
from bot.text import escape_markdown, excerpt, fit, plural
from bot.timeparse import MAX_AHEAD
from bot.ui import area_choices, discord_time, zone_choices
from cogs.areas.service import AreaService
from cogs.events.answering import Answering
from cogs.events.creating import Creation, is_organiser, refusals
from cogs.events.delivery import Delivery
from cogs.events.editing import Editing
from cogs.events.model import (
    CHANGED_JOB,
    NEXT_JOB,
    OFFER_JOB,
    REMINDER_JOB,
    Event,
    offsets_words,
    read_offsets,
)
from cogs.events.rsvp import CHOICES, RsvpBook
from cogs.events.service import EventService
from cogs.events.subscribing import Subscription
from cogs.events.views import (
    AcceptOfferButton,
    ConfirmButton,
    EditButton,
    MuteButton,
    RsvpButton,
    card_embed,
    stamp,
)
from cogs.profiles.service import ProfileService

if TYPE_CHECKING:
    from bot.app import HubBot

log = logging.getLogger(__name__)
Interaction = discord.Interaction[Any]
NONE = discord.AllowedMentions.none()
EVENT = "The event: pick from the list, or type its number"
REPEATS = [app_commands.Choice(name=n, value=n) for n in ("none", "weekly", "monthly")]
# How far ahead /event list looks; without a range it shows every upcoming event, paged.
RANGES = {"today": 1, "week": 7, "month": 31, "quarter": 92}


def told_words(count: int) -> str:
    """Who hears of a cancellation, as a sentence with the verb agreeing with the count."""
    if count == 0:
        return "Nobody had answered, so nobody needs telling."
    return f"{plural(count, 'attendee')} {'is' if count == 1 else 'are'} being told."


RANGE_WORDS = {"today": "today", "week": "in the next 7 days", "month": "in the next 31 days",
               "quarter": "in the next 92 days", "all": "all upcoming"}  # fmt: skip
RANGE_CHOICES = [
    *(app_commands.Choice(name=f"next {n}" if n != "today" else "today", value=n) for n in RANGES),
    app_commands.Choice(name="all upcoming", value="all"),
]
LIST_LIMIT = 10


class EventsCog(commands.Cog):
    event = app_commands.Group(name="event", description="Network events", guild_only=True)

    def __init__(self, bot: HubBot) -> None:
        self.bot = bot
        settings = bot.settings
        self.service = EventService(
            bot.db, bot.clock, bot.scheduler, settings.event_reminder_offsets
        )
        self.book = RsvpBook(bot.db, bot.clock, bot.scheduler, settings.event_offer_expiry)
        self.profiles = ProfileService(bot.db, bot.clock, bot.areas)
        self.areas = AreaService(bot.db, bot.clock, bot.areas, self.profiles)
        self.delivery = Delivery(bot, self.service, self.book, self.areas)
        self.creation = Creation(self)
        self.answering = Answering(self)
        self.editing = Editing(self)
        self.subscription = Subscription(self)

    async def cog_load(self) -> None:
        self.bot.add_buttons(
            {
                ConfirmButton: self.confirm,
                EditButton: self.edit_preview,
                RsvpButton: self.rsvp,
                AcceptOfferButton: self.accept_offer,
                MuteButton: self.mute_from_button,
            }
        )
        self.bot.pages.register("events", self._list_page)
        self.bot.scheduler.register(REMINDER_JOB, self.delivery.remind)
        self.bot.scheduler.register(OFFER_JOB, self.answering.offer_expired)
        self.bot.scheduler.register(NEXT_JOB, self.answering.next_occurrence)
        self.bot.scheduler.register(CHANGED_JOB, self.answering.changed)
        self.bot.personal_data.register("events", export=self.service.export,
                                        erase=self._erase)  # fmt: skip
        self.bot.digest_sections.register("Upcoming events", self._digest_lines)
        self.subscription.load()

    async def _erase(self, guild_id: int, user_id: int) -> int:
        """Erasure: answers removed as if the member dropped (their place goes to the
        waitlist, cards updated), then the rest of their events data."""
        touched = await self.book.forget_member(guild_id, user_id)
        return len(touched) + await self.service.erase(guild_id, user_id)

    @commands.Cog.listener()
    async def on_job_reported(self, job: Job, outcome: str, error: str | None) -> None:
        """A reminder the scheduler gave up on is reported in plain words, never lost."""
        if job.kind == REMINDER_JOB:
            await self.delivery.given_up(job, outcome, error)

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        """A member who leaves no longer counts: their answers to coming events go, and a
        place they held goes to the first on the waitlist."""
        await self.book.forget_member(member.guild.id, member.id)

    async def _digest_lines(
        self, guild_id: int, area: str, start: datetime, end: datetime
    ) -> list[str]:
        """The area's events in the digest's coming week, each with its time and card."""
        found = await self.service.upcoming_for_area(guild_id, area, start, end)
        lines = []
        for brief in found[:8]:
            title = escape_markdown(brief.title)
            named = f"[{title}]({brief.link})" if brief.link else title
            lines.append(f"{discord_time(int(brief.starts_at.timestamp()), 'F')}: {named}")
        if len(found) > 8:
            more = plural(len(found) - 8, "more event")
            lines.append(
                f"and {more}: /event list area:{self.bot.areas.of(guild_id).name_of(area)}"
            )
        return lines

    # -- creating ---------------------------------------------------------------------------

    @event.command(name="create", description="Create an event (moderators and organisers)")
    @app_commands.describe(
        title="Up to 100 characters",
        when="e.g. 'next Tuesday 15:00', 'in 3 days at 9am', '3 Dec 2pm CET', 'morgen 14 Uhr'",
        duration="How long, e.g. 90m or 2h (default 1h)",
        ends="Or an end time instead of a duration, e.g. '16:30'",
        location="A place or a link (up to 100 characters)",
        area="The challenge area (its channel gets the card)",
        capacity="Places; later Going clicks join a waitlist",
        reminders="Reminders before, e.g. 1d,1h (default from the settings), or none",
        timezone="The zone 'when' is in (default: your profile's)",
        repeat="Repeat weekly or monthly (on the same weekday, e.g. second Tuesday)",
        every="Every N weeks or months (default 1)",
        until="A repeating event's last date, as year-month-day",
        count="Or how many times it happens (2 to 52)",
    )
    @app_commands.choices(repeat=REPEATS)
    async def create(
        self,
        interaction: Interaction,
        title: Title,
        when: Moment,
        duration: Span | None = None,
        ends: Moment | None = None,
        location: Place | None = None,
        area: Reference | None = None,
        capacity: Places | None = None,
        reminders: SpanList | None = None,
        timezone: ZoneName | None = None,
        repeat: app_commands.Choice[str] | None = None,
        every: app_commands.Range[int, 1, 12] | None = None,
        until: Span | None = None,
        count: Occurrences | None = None,
    ) -> None:
        options = {
            "title": title, "when": when, "duration": duration, "ends": ends,
            "location": location, "area": area, "capacity": capacity, "reminders": reminders,
            "timezone": timezone, "repeat": repeat.value if repeat else None, "every": every,
            "until": until, "count": count,
        }  # fmt: skip
        await self.creation.start(interaction, options)

    async def confirm(self, interaction: Interaction, event_id: int) -> None:
        await self.creation.confirm(interaction, event_id)

    async def edit_preview(self, interaction: Interaction, event_id: int) -> None:
        await self.creation.edit_preview(interaction, event_id)

    # -- answering (cogs/events/answering.py) ---------------------------------------------

    async def rsvp(self, interaction: Interaction, event_id: int, choice: str) -> None:
        await self.answering.rsvp(interaction, event_id, choice)

    async def accept_offer(self, interaction: Interaction, event_id: int) -> None:
        await self.answering.accept_offer(interaction, event_id)

    # -- looking up -------------------------------------------------------------------------

    @event.command(name="list", description="Upcoming events")
    @app_commands.describe(
        area="Only this area's events", range="How far ahead (default: all upcoming events)"
    )
    @app_commands.choices(range=RANGE_CHOICES)
    async def list_(
        self,
        interaction: Interaction,
        area: Reference | None = None,
        range: app_commands.Choice[str] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        catalog = self.bot.areas.of(interaction.guild_id)
        found = catalog.find(area) if area is not None else None
        if area is not None and found is None:
            raise UserError(f"There is no area '{excerpt(area)}'. Pick one from the list.")
        area = found.slug if found is not None else None  # a title typed in full works too
        await self.show_list(interaction, f"{area or 'all'}.{range.value if range else 'all'}", 0)

    async def _list_page(self, interaction: Interaction, key: str, page: int) -> None:
        await self.show_list(interaction, key, page, edit=True)

    async def show_list(
        self, interaction: Interaction, key: str, page: int, edit: bool = False
    ) -> None:
        """One page of upcoming events; the key ("<area or all>.<range>") rides in the
        Previous and Next buttons, so they keep working after a restart."""
        assert interaction.guild_id is not None
        area, _, span = key.partition(".")
        span = span if span in RANGE_WORDS else "all"
        now = self.bot.clock.now()
        end = now + (timedelta(days=RANGES[span]) if span in RANGES else MAX_AHEAD)
        found = await self.service.upcoming(
            interaction.guild_id, None if area == "all" else area, now, end
        )
        named = self.bot.areas.of(interaction.guild_id).name_of(area)
        where = f" in {named}" if area != "all" else ""
        if not found:
            if span != "all":
                text = f"No events{where} {RANGE_WORDS[span]}. Choose a longer range, or none."
            else:
                text = f"No upcoming events{where}. Organisers create them with /event create."
            await interaction.response.send_message(text, ephemeral=True)
            return
        pages = (len(found) + LIST_LIMIT - 1) // LIST_LIMIT
        page = min(max(page, 0), pages - 1)
        shown = found[page * LIST_LIMIT : (page + 1) * LIST_LIMIT]
        heading = "Upcoming events" if span == "all" else f"Events {RANGE_WORDS[span]}"
        embed = discord.Embed(
            title=f"{heading}{where}",
            description=fit("\n".join(self._line(e) for e in shown), 4096),
        )
        embed.set_footer(text=f"Page {page + 1} of {pages} · {plural(len(found), 'event')}")
        await show_page(interaction, embed, page_view("events", key, page, pages), edit=edit)

    @staticmethod
    def _line(event: Event, status: str | None = None) -> str:
        title = discord.utils.escape_markdown(event.title)
        link = f" · [card]({event.link})" if event.link else ""
        mark = f" · {CHOICES.get(status, status)}" if status else ""
        return f"**#{event.id}** {title} · {stamp(event.starts_at, 'f')}{mark}{link}"

    @event.command(name="info", description="One event's details")
    @app_commands.describe(event=EVENT)
    async def info(self, interaction: Interaction, event: Reference) -> None:
        found = await self._find(interaction, event)
        summary = await self.book.summary(found.id)
        await interaction.response.send_message(
            content=found.link or None,
            embed=card_embed(found, self.bot.areas.of(found.guild_id), summary),
            ephemeral=True,
        )

    @event.command(name="mine", description="Your upcoming events")
    async def mine(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        found = await self.service.mine(interaction.guild_id, interaction.user.id)
        if not found:
            await interaction.response.send_message(
                "You have no upcoming events. See /event list and press Going on a card.",
                ephemeral=True,
            )
            return
        lines = [self._line(e, s) for e, s in found[:LIST_LIMIT]]
        embed = discord.Embed(title="Your events", description=fit("\n".join(lines), 4096))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # -- changing ---------------------------------------------------------------------------

    @event.command(name="edit", description="Change an event (its organiser or a moderator)")
    @app_commands.describe(
        event=EVENT, title="New title", when="New start", duration="New length, e.g. 2h",
        location="New place or link", timezone="Zone for 'when' (default: the event's)",
        capacity="New number of places (not below the number Going)",
        area="New area: the card moves to its channel ('none' for no area)",
        reminders="New reminder times, e.g. 1d,1h, or none; pending ones are rescheduled",
        description="true opens a form with the description to rewrite",
        series="true: a repeating event's coming occurrences change too (title, place, "
        "time of day, ...)",
    )  # fmt: skip
    async def edit(
        self,
        interaction: Interaction,
        event: Reference,
        title: Title | None = None,
        when: Moment | None = None,
        duration: Span | None = None,
        location: Place | None = None,
        timezone: ZoneName | None = None,
        capacity: Places | None = None,
        area: Reference | None = None,
        reminders: SpanList | None = None,
        description: bool = False,
        series: bool = False,
    ) -> None:
        found = await self._find(interaction, event)
        await self._require_manager(interaction, found)
        options = {
            "title": title, "when": when, "duration": duration, "location": location,
            "timezone": timezone, "capacity": capacity, "area": area, "reminders": reminders,
            "description": description, "series": series,
        }  # fmt: skip
        await self.editing.start(interaction, found, options)

    @event.command(name="cancel", description="Cancel an event (its organiser or a moderator)")
    @app_commands.describe(
        event=EVENT,
        reason="Told to everyone who answered",
        series="Also end a repeating event: no more occurrences",
    )
    async def cancel(
        self,
        interaction: Interaction,
        event: Reference,
        reason: Reason | None = None,
        series: bool = False,
    ) -> None:
        found = await self._find(interaction, event)
        await self._require_manager(interaction, found)
        assert interaction.guild is not None
        with refusals():
            if series:
                occurrences = await self.service.cancel_series(found)
                told = {o.id: await self.service.attendees(o.id) for o in occurrences}
            else:
                told = {found.id: await self.service.cancel(found)}
        count = sum(len(users) for users in told.values())
        what = "the series" if series else f"event #{found.id}"
        await interaction.response.send_message(
            f"Cancelled {what}. {told_words(count)}", ephemeral=True
        )
        why = f" Reason: {fit(reason, 300)}" if reason else ""
        untold: list[int] = []
        for event_id, attendees in told.items():
            cancelled = await self.service.get(found.guild_id, event_id)
            assert cancelled is not None
            # The cancellation has committed: it is audited whatever Discord says next.
            await self._audit(interaction, "events.cancelled", cancelled,
                              {"told": len(attendees), "series": series})  # fmt: skip
            text = f"**{cancelled.shown}** ({stamp(cancelled.starts_at)}) is cancelled.{why}"
            missed = await self.delivery.tell_or_list(interaction.guild, cancelled, attendees,
                                                      text)  # fmt: skip
            untold += [u for u in missed if u not in untold]
            try:
                await self.delivery.refresh_card(cancelled)
                await self.delivery.sync_discord_event(interaction.guild, cancelled)
            except discord.HTTPException:
                log.warning("could not update the card of event %d", cancelled.id, exc_info=True)
        if untold:
            await interaction.followup.send(
                self.delivery.untold_note(untold), ephemeral=True, allowed_mentions=NONE
            )

    # -- reminders and calendars ------------------------------------------------------------

    @event.command(name="reminders", description="Your own reminder times")
    @app_commands.describe(
        offsets="When to remind you before each event, e.g. 2h,15m; 'default' for the event's",
        maybe="Also remind you of events you answered Maybe",
    )
    async def reminders(
        self, interaction: Interaction, offsets: SpanList | None = None, maybe: bool | None = None
    ) -> None:
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        own, include_maybe = await self.service.prefs(guild_id, user_id)
        if offsets is not None:
            if offsets.strip().lower() == "default":
                own = None
            else:
                with refusals():
                    own = list(read_offsets(offsets, []))
        if maybe is not None:
            include_maybe = maybe
        if offsets is not None or maybe is not None:
            await self.service.set_prefs(guild_id, user_id, own, include_maybe)
        times = "each event's own" if own is None else offsets_words(own)
        await interaction.response.send_message(
            f"Your reminders: {times}. Maybe answers are "
            f"{'reminded' if include_maybe else 'not reminded'}. Turn one event's reminders "
            "off with /event mute.",
            ephemeral=True,
        )

    @event.command(name="mute", description="Turn reminders off (or on) for one event")
    @app_commands.describe(event=EVENT, muted="false turns them back on")
    async def mute(self, interaction: Interaction, event: Reference, muted: bool = True) -> None:
        found = await self._find(interaction, event)
        with refusals():
            await self.service.mute(found, interaction.user.id, muted)
        state = "off" if muted else "on"
        await interaction.response.send_message(
            f"Reminders for {found.shown} are {state}.", ephemeral=True
        )

    async def mute_from_button(self, interaction: Interaction, event_id: int) -> None:
        """The button on a reminder DM (no server there, so the event is found by id)."""
        found = await self.service.get_any(event_id)
        if found is None or found.state != "scheduled":
            raise UserError("This event was cancelled or no longer exists; nothing to mute.")
        with refusals():
            await self.service.mute(found, interaction.user.id, True)
        await interaction.response.send_message(
            f"Reminders for {found.shown} are off. Turn them back on with /event mute "
            f"event:{found.id} muted:false.",
            ephemeral=interaction.guild is not None,
        )

    @event.command(name="ics", description="A calendar file (.ics) for an event or its series")
    @app_commands.describe(event=EVENT)
    async def ics(self, interaction: Interaction, event: Reference) -> None:
        await self.subscription.ics(interaction, await self._find(interaction, event))

    @event.command(name="feed", description="Your calendar: your RSVPs and your areas' events")
    @app_commands.describe(reset="true: a new calendar link; the old one stops working")
    async def feed(self, interaction: Interaction, reset: bool = False) -> None:
        await self.subscription.feed(interaction, reset)

    # -- autocomplete -----------------------------------------------------------------------

    @info.autocomplete("event")
    @edit.autocomplete("event")
    @cancel.autocomplete("event")
    @mute.autocomplete("event")
    @ics.autocomplete("event")
    async def _events(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        found = await self.service.search(interaction.guild_id, current)
        return [app_commands.Choice(name=fit(e.label, 100), value=str(e.id)) for e in found]

    @create.autocomplete("area")
    @edit.autocomplete("area")
    @list_.autocomplete("area")
    async def _areas(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return area_choices(self.bot.areas.of(interaction.guild_id), current)

    @create.autocomplete("timezone")
    @edit.autocomplete("timezone")
    async def _zones(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return zone_choices(current)

    # -- helpers ----------------------------------------------------------------------------

    async def _find(self, interaction: Interaction, reference: str) -> Event:
        assert interaction.guild_id is not None
        with refusals():
            return await self.service.require(interaction.guild_id, reference)

    async def _require_manager(self, interaction: Interaction, event: Event) -> None:
        settings = await server_settings_of(interaction)
        if is_moderator(interaction.user, settings):
            return
        if event.organiser_id == interaction.user.id and is_organiser(interaction.user, settings):
            return
        raise UserError(
            f"Only the event's organiser or a moderator can change {event.shown}. Ask "
            "them if something needs to change."
        )

    async def _audit(
        self, interaction: Interaction, action: str, event: Event, details: dict[str, Any]
    ) -> None:
        await self.bot.audit.record(
            interaction.guild_id, action, actor_id=interaction.user.id,
            target=f"event #{event.id}", details=details,
        )  # fmt: skip
