"""/event edit: read what changes, optionally ask for the new description in a form, apply
it, and bring the card, the server's scheduled event, reminders and attendees up to date."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import UserError
from bot.text import clean, excerpt
from bot.timeparse import TimeContext
from cogs.events.creating import refusals
from cogs.events.model import (
    DESCRIPTION_LIMIT,
    Event,
    EventError,
    check_capacity,
    check_location,
    check_title,
    check_zone,
    offsets_words,
    read_end,
    read_offsets,
    read_start,
)
from cogs.events.service import Edited
from cogs.events.views import EventForm, stamp

if TYPE_CHECKING:
    from cogs.events.cog import EventsCog

log = logging.getLogger(__name__)
Interaction = discord.Interaction[Any]
NO_AREA = ("none", "-")


class Editing:
    def __init__(self, cog: EventsCog) -> None:
        self.cog = cog
        self.bot = cog.bot

    def read(
        self, event: Event, options: dict[str, Any], context: TimeContext
    ) -> tuple[dict[str, Any], str]:
        """The checked changes; the first problem is the organiser's answer. ``context``
        gives the organiser's languages and date order; times are read in the event's zone
        (or the one chosen) unless the text names another."""
        changes: dict[str, Any] = {}
        reading = ""
        with refusals():
            timezone, when = options.get("timezone"), options.get("when")
            duration = options.get("duration")
            zone = check_zone(timezone) if timezone else event.timezone
            if options.get("title") is not None:
                changes["title"] = check_title(options["title"])
            if options.get("location") is not None:
                changes["location"] = check_location(options["location"])
            if options.get("capacity") is not None:
                changes["capacity"] = check_capacity(options["capacity"])
            if options.get("area") is not None:
                changes["area"] = self._area(options["area"], event.guild_id)
            if options.get("reminders") is not None:
                changes["reminders"] = read_offsets(options["reminders"], [])
            if options.get("series"):
                self._check_series(event, timezone)
            if when is not None:
                context = context.with_zone(zone, f"the event's zone, {zone}")
                series = bool(options.get("series"))
                start, zone, reading = self._start(event, when, context, series, bool(timezone))
                length = event.ends_at - event.starts_at
                changes.update(starts_at=start, when_text=when, timezone=zone)
                changes["ends_at"] = (
                    read_end(start, duration, None, zone) if duration else start + length
                )
            elif duration is not None:
                changes["ends_at"] = read_end(event.starts_at, duration, None, zone)
        return changes, reading

    @staticmethod
    def _check_series(event: Event, timezone: str | None) -> None:
        if event.series_id is None:
            raise EventError(f"{event.label} does not repeat; edit it without series.")
        if timezone:
            raise EventError("series:true keeps the series' time zone; leave timezone out.")

    def _start(
        self, event: Event, when: str, context: TimeContext, series: bool, chosen: bool
    ) -> tuple[datetime, str, str]:
        """The new start, zone and how the time was read; for a whole series, a time of day
        on this occurrence's day in the series' zone."""
        now = self.bot.clock.now()
        if not series:
            read = read_start(when, context, now)
            zone = context.zone_kept(read, chosen)
            return read.instant, zone, read.reading(now, context.zone_words)
        day = event.starts_at.astimezone(event.zone).replace(hour=0, minute=0, second=0)
        try:
            read = context.read(when, day)
            start = read.instant
        except ValueError as exc:
            raise EventError(f"{exc} With series:true give a time of day, such as 16:00.") from exc
        if start.astimezone(event.zone).date() != day.date():
            raise EventError(
                "With series:true only the time of day can change; the series keeps its "
                "days. Give a time such as when:16:00."
            )
        if start <= now:
            raise EventError("That time has already passed today; give a later time.")
        return start, event.timezone, read.reading(now, context.zone_words)

    def _area(self, slug: str, guild_id: int) -> str | None:
        if slug.strip().lower() in NO_AREA:
            return None
        if self.bot.areas.of(guild_id).get(slug) is None:
            raise EventError(
                f"There is no area '{excerpt(slug)}'. Pick one from the list, or 'none'."
            )
        return slug

    async def start(self, interaction: Interaction, event: Event, options: dict[str, Any]) -> None:
        assert interaction.guild_id is not None
        context = await self.cog.profiles.time_context(
            interaction.guild_id, interaction.user.id, None,
            await self.bot.server_settings.zone(interaction.guild_id), str(interaction.locale),
        )  # fmt: skip
        changes, reading = self.read(event, options, context)
        series = bool(options.get("series"))
        if not options.get("description"):
            if not changes:
                raise UserError(
                    "Give at least one thing to change, such as when, location, area, "
                    "reminders, or description:true to rewrite the description."
                )
            await self.apply(interaction, event, changes, series, reading)
            return

        async def submitted(inner: Interaction, typed: dict[str, str]) -> None:
            changes["description"] = clean(typed.get("description", ""))[:DESCRIPTION_LIMIT]
            await self.apply(inner, event, changes, series, reading)

        form = EventForm("Edit the description", submitted, {"description": event.description},
                         full=False)  # fmt: skip
        await interaction.response.send_modal(form)

    async def apply(
        self,
        interaction: Interaction,
        event: Event,
        changes: dict[str, Any],
        series: bool,
        reading: str = "",
    ) -> None:
        """Store the changes and tell the organiser (with how a new time was read), the
        card, the scheduled event and the attendees."""
        assert interaction.guild is not None
        guild = interaction.guild
        with refusals():
            edited = await self.cog.service.edit(event, changes, series=series)
        event_now = edited.event
        moved_card = ""
        if edited.area_changed:
            try:
                event_now = await self.cog.delivery.move_card(guild, event_now)
            except discord.HTTPException as exc:
                moved_card = (
                    f" The card could not be posted in the new area's channel "
                    f"({exc.text or exc.status}), so it stays where it was."
                )
            edited = Edited(event_now, edited.moved, edited.place_changed, True,
                            edited.reminders_changed)  # fmt: skip
        text = f"Updated event #{event.id}. {self.words(edited, changes)}{moved_card}".strip()
        if reading:
            text += f"\n{reading}"
        if event.series_id is not None:
            text += "\n" + self.series_words(event, series)
        await interaction.response.send_message(text, ephemeral=True)
        # The edit has committed: it is audited whatever Discord says next.
        await self.bot.audit.record(
            guild.id, "events.edited", actor_id=interaction.user.id,
            target=f"event #{event_now.id}", details={"changed": sorted(changes)},
        )  # fmt: skip
        if "capacity" in changes:
            await self.cog.book.promote_and_tell(event_now)  # told by a scheduled job
        try:
            await self.cog.delivery.refresh_card(event_now)
            await self.cog.delivery.sync_discord_event(guild, event_now)
        except discord.HTTPException:
            log.warning("could not update the card of event %d", event_now.id, exc_info=True)
        if edited.moved or edited.place_changed:
            attendees = [
                u for u in await self.cog.service.attendees(event_now.id)
                if u != interaction.user.id
            ]  # fmt: skip
            text = (
                f"**{event_now.shown}** has changed. {self.words(edited, {})} "
                f"{event_now.link or ''}"
            )
            untold = await self.cog.delivery.tell_or_list(guild, event_now, attendees, text)
            if untold:
                await interaction.followup.send(
                    self.cog.delivery.untold_note(untold), ephemeral=True,
                    allowed_mentions=discord.AllowedMentions.none(),
                )  # fmt: skip

    @staticmethod
    def series_words(event: Event, series: bool) -> str:
        if series:
            return "The coming occurrences of the series change too."
        return (
            f"Only this occurrence (number {event.occurrence} of the series) changed; the "
            "coming ones keep the series' settings. Add series:true to change them too."
        )

    def words(self, edited: Edited, changes: dict[str, Any]) -> str:
        """What changed, in the words attendees (changes={}) or the organiser read."""
        event, words = edited.event, []
        if edited.moved:
            start = event.starts_at
            words.append(
                f"It now starts {stamp(start)} ({stamp(start, 'R')}); reminders moved with it."
            )
        if edited.place_changed:
            words.append(f"New place: {event.location or 'none given'}.")
        if edited.area_changed and changes:
            where = f"<#{event.channel_id}>" if event.channel_id else "its channel"
            area = self.bot.areas.of(event.guild_id).name_of(event.area) if event.area else "none"
            words.append(f"Area: {area}; the card is now in {where}.")
        if edited.reminders_changed and changes:
            words.append(
                f"Reminders: {offsets_words(event.reminders)}; pending ones are rescheduled."
            )
        if "description" in changes:
            words.append("The description is updated.")
        return " ".join(words)
