"""/event create: read the options, ask for the description, show the preview, and on
Confirm post the card and the server's scheduled event. Nothing exists before Confirm."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.checks import is_moderator, server_settings_of
from bot.errors import UserError
from bot.lookup import find_role
from bot.settings import Settings
from bot.text import excerpt
from bot.timeparse import TimeContext, format_duration
from cogs.events.model import (
    Draft,
    Event,
    EventError,
    Repeat,
    build_rrule,
    check_capacity,
    check_location,
    check_title,
    check_zone,
    read_end,
    read_offsets,
    read_start,
    repeat_of,
)
from cogs.events.views import EventForm, preview_embeds, preview_view, stamp

if TYPE_CHECKING:
    from cogs.events.cog import EventsCog

Interaction = discord.Interaction[Any]
NONE = discord.AllowedMentions.none()


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """An EventError from the logic becomes a short private answer to the member."""
    try:
        yield
    except EventError as exc:
        raise UserError(str(exc)) from exc


def is_organiser(member: discord.Member | discord.User, settings: Settings) -> bool:
    if is_moderator(member, settings):
        return True
    if not isinstance(member, discord.Member):
        return False
    role = find_role(member.guild, settings.event_organiser_role)
    return role is not None and role in member.roles


def require_organiser(interaction: Interaction, settings: Settings) -> None:
    if not is_organiser(interaction.user, settings):
        raise UserError(
            f"Creating events is for moderators and the '{settings.event_organiser_role}' "
            "role. Ask a moderator to create it, or to give you that role."
        )


class Creation:
    def __init__(self, cog: EventsCog) -> None:
        self.cog = cog
        self.bot = cog.bot

    async def context_of(self, interaction: Interaction, timezone: str | None) -> TimeContext:
        """How this organiser's times are read (zone, languages, date order)."""
        chosen = None
        if timezone:
            with refusals():
                chosen = check_zone(timezone)
        assert interaction.guild_id is not None
        return await self.cog.profiles.time_context(
            interaction.guild_id, interaction.user.id, chosen,
            await self.bot.server_settings.zone(interaction.guild_id), str(interaction.locale),
        )  # fmt: skip

    def read(
        self,
        guild_id: int,
        options: dict[str, Any],
        context: TimeContext,
        now: datetime,
        chosen: bool,
        defaults: list[timedelta] | None = None,
    ) -> Draft:
        """Check every option; the first problem is the member's answer. ``chosen``: the
        zone was picked in the command, so the event keeps it whatever the text names;
        ``defaults``: the server's usual reminders (/hub config), else the environment's."""
        with refusals():
            title = check_title(options["title"])
            location = check_location(options.get("location") or "")
            capacity = check_capacity(options.get("capacity"))
            area = options.get("area")
            if area is not None and self.bot.areas.of(guild_id).get(area) is None:
                raise EventError(f"There is no area '{excerpt(area)}'. Pick one from the list.")
            when = read_start(options["when"], context, now)
            start, zone = when.instant, context.zone_kept(when, chosen)
            end = read_end(start, options.get("duration"), options.get("ends"), zone)
            usual = self.bot.settings.event_reminder_offsets if defaults is None else defaults
            reminders = read_offsets(options.get("reminders"), usual)
            repeat = Repeat(
                options.get("repeat") or "none", options.get("every") or 1,
                options.get("until"), options.get("count"),
            )  # fmt: skip
            rule = build_rrule(start, zone, repeat)
        return Draft(
            title=title, when_text=options["when"], timezone=zone, starts_at=start,
            ends_at=end, location=location, area=area, capacity=capacity,
            reminders=reminders, rrule=rule, reading=when.reading(now, context.zone_words),
        )  # fmt: skip

    async def start(self, interaction: Interaction, options: dict[str, Any]) -> None:
        require_organiser(interaction, await server_settings_of(interaction))
        context = await self.context_of(interaction, options.get("timezone"))
        chosen = bool(options.get("timezone"))
        assert interaction.guild_id is not None
        server = await self.bot.server_settings.for_server(interaction.guild_id)
        draft = self.read(
            interaction.guild_id, options, context, self.bot.clock.now(), chosen,
            server.event_reminder_offsets,
        )  # fmt: skip

        async def submitted(inner: Interaction, values: dict[str, str]) -> None:
            assert inner.guild_id is not None
            made = draft.with_text(values.get("description", ""))
            event = await self.cog.service.create_draft(inner.guild_id, inner.user.id, made)
            await inner.response.send_message(
                embeds=preview_embeds(event, self.bot.areas.of(event.guild_id),
                                      self.bot.settings.event_zones,
                                      draft.reading),
                view=preview_view(event.id), ephemeral=True, allowed_mentions=NONE,
            )  # fmt: skip

        await interaction.response.send_modal(EventForm("New event", submitted, None))

    async def _draft(self, interaction: Interaction, event_id: int) -> Event:
        assert interaction.guild_id is not None
        event = await self.cog.service.get(interaction.guild_id, event_id)
        if event is None or event.state != "draft":
            raise UserError("This preview was already used. See /event list.")
        if event.organiser_id != interaction.user.id:
            raise UserError("Only the member who made this preview can change or confirm it.")
        return event

    async def edit_preview(self, interaction: Interaction, event_id: int) -> None:
        event = await self._draft(interaction, event_id)
        length = format_duration(event.ends_at - event.starts_at)
        values = {
            "title": event.title, "when": event.when_text, "duration": length,
            "location": event.location, "description": event.description,
        }  # fmt: skip

        async def submitted(inner: Interaction, typed: dict[str, str]) -> None:
            options = {
                "title": typed["title"], "when": typed["when"], "duration": typed["duration"],
                "location": typed["location"], "area": event.area, "capacity": event.capacity,
                "reminders": ",".join(f"{s}s" for s in event.reminders) or "none",
            }  # fmt: skip
            repeat = repeat_of(event.rrule)
            options.update(repeat=repeat.kind, every=repeat.interval, until=repeat.until,
                           count=repeat.count)  # fmt: skip
            context = (await self.context_of(inner, None)).with_zone(
                event.timezone, f"the event's zone, {event.timezone}"
            )
            draft = self.read(event.guild_id, options, context, self.bot.clock.now(), chosen=False)
            draft = replace(draft, reminders=event.reminders).with_text(typed["description"])
            with refusals():
                updated = await self.cog.service.update_draft(event, draft)
            await inner.response.edit_message(
                embeds=preview_embeds(updated, self.bot.areas.of(updated.guild_id),
                                      self.bot.settings.event_zones,
                                      draft.reading),
                view=preview_view(updated.id), allowed_mentions=NONE,
            )  # fmt: skip

        await interaction.response.send_modal(EventForm("Edit the event", submitted, values))

    async def confirm(self, interaction: Interaction, event_id: int) -> None:
        assert interaction.guild is not None
        event = await self._draft(interaction, event_id)
        channel = await self.cog.delivery.channel_for(interaction.guild, event.area)
        if channel is None:
            server = await self.bot.server_settings.for_server(interaction.guild.id)
            raise UserError(
                "There is no channel to post the event in: create the area's channel with "
                f"/hub setup, or a #{server.announcements_channel} channel."
            )
        # Checked before anything goes live: an event without its card cannot be answered,
        # and a confirmed preview cannot be confirmed again once the problem is fixed.
        missing = card_permissions_missing(channel)
        if missing:
            raise UserError(
                f"I cannot post the event card in #{channel.name}: I am missing "
                f"{', '.join(missing)} there. Give the bot's role those permissions in the "
                "channel settings, then press Confirm again."
            )
        await interaction.response.defer()
        with refusals():
            event = await self.cog.service.confirm(event.guild_id, event.id, interaction.user.id)
        try:
            event, problem = await self.cog.delivery.publish(interaction.guild, event)
        except discord.HTTPException as exc:
            await self.cog.service.unconfirm(event)
            raise UserError(
                f"Discord refused the event card ({exc.text or exc.status}), so nothing was "
                "created. Press Confirm to try again."
            ) from exc
        text = f"Created event #{event.id}, {stamp(event.starts_at)}: {event.link}"
        if event.discord_event_id is None:
            why = problem or "Use /event edit to try again."
            text += f"\nThe server's scheduled event could not be created. {why}"
        await interaction.edit_original_response(content=text, embeds=[], view=None)
        await self.bot.audit.record(
            event.guild_id, "events.created", actor_id=interaction.user.id,
            target=f"event #{event.id}", details={"title": event.title,
                                                  "starts_at": event.starts_at.isoformat()},
        )  # fmt: skip


def card_permissions_missing(channel: discord.TextChannel) -> list[str]:
    """What the bot lacks to post an event card (an embed with buttons) in ``channel``."""
    allowed = channel.permissions_for(channel.guild.me)
    wanted = {
        "View Channel": allowed.view_channel,
        "Send Messages": allowed.send_messages,
        "Embed Links": allowed.embed_links,
    }
    return [name for name, ok in wanted.items() if not ok]


def within(days: int, now: datetime) -> tuple[datetime, datetime]:
    return now, now + timedelta(days=days)
