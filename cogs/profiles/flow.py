"""The Discord side of introductions: the form's steps, publishing, roles, verification.

Thin over ProfileService: it reads what the member chose, asks the service, and renders the
answer. Everything happens in the server with ephemeral replies, never in DMs, so members
with closed DMs can introduce themselves like everyone else.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot import geo
from bot.audit import member_target
from bot.lookup import find_role, find_text_channel
from cogs.profiles.cards import intro_content, profile_embed
from cogs.profiles.fields import (
    CareerStage,
    OpenTo,
    Profile,
    ProfileInputError,
    Visibility,
    check_country,
    check_languages,
    check_timezone,
    validate_text,
)
from cogs.profiles.own_data import OwnData
from cogs.profiles.replies import Interaction, ids_of, show
from cogs.profiles.review import ReviewFlow
from cogs.profiles.service import ProfileService
from cogs.profiles.views import (
    OTHER,
    IntroModal,
    OneLineModal,
    about_view,
    preview_view,
    retry_view,
    work_view,
)

if TYPE_CHECKING:
    from bot.app import HubBot

log = logging.getLogger(__name__)
LEFT_CARD = "A member who has left the network. Their introduction is hidden."
ABOUT_FIELDS = {"country", "career_stage", "languages", "timezone"}
STEP_TEXT = {
    "about": "**Step 2 of 3: about you.** Choose your country, career stage, languages and "
    "time zone. Each choice is saved as you make it.",
    "work": "**Step 3 of 3: your work.** Challenge areas, what you are open to, and who sees "
    "your details. Then press Preview.",
}


class ProfileFlow:
    def __init__(self, bot: HubBot, service: ProfileService) -> None:
        self.bot = bot
        self.service = service
        self.review = ReviewFlow(self)
        self.own_data = OwnData(self)

    # -- the form -------------------------------------------------------------------------------

    async def open_form(self, interaction: Interaction) -> None:
        guild_id, user_id = ids_of(interaction)
        draft = await self.service.draft(guild_id, user_id)
        await interaction.response.send_modal(IntroModal(draft, self))

    async def submitted_text(self, interaction: Interaction, typed: dict[str, str]) -> None:
        guild_id, user_id = ids_of(interaction)
        draft = await self.service.save_draft(guild_id, user_id, typed)
        try:
            validate_text(typed)
        except ProfileInputError as exc:
            await show(interaction, f"{exc} What you typed is kept.", view=retry_view())
            return
        await self._step(interaction, "about", draft)

    async def _step(self, interaction: Interaction, step: str, draft: dict[str, Any]) -> None:
        view = (
            about_view(draft)
            if step == "about"
            else work_view(draft, self.bot.areas.of(interaction.guild_id))
        )
        await show(interaction, STEP_TEXT[step], view=view)

    async def picked(self, interaction: Interaction, field: str, values: list[str]) -> None:
        guild_id, user_id = ids_of(interaction)
        if OTHER in values:
            chosen = [v for v in values if v != OTHER]
            if field == "languages" and chosen:  # keep what was ticked beside "Other"
                await self.service.save_draft(guild_id, user_id, {"languages": chosen})
            await self._ask_typed(interaction, field)
            return
        draft = await self.service.draft(guild_id, user_id)
        changes: dict[str, Any] = {}
        if field == "country":
            changes["country"] = values[0]
            changes.update(self._zone_suggestion(draft, values[0]))
        elif field in {"languages", "areas", "open_to"}:
            changes[field] = values
        elif field == "searchable":
            changes["searchable"] = values == ["yes"]
        else:
            changes[field] = values[0] if values else None
        draft = await self.service.save_draft(guild_id, user_id, changes)
        await self._step(interaction, "about" if field in ABOUT_FIELDS else "work", draft)

    @staticmethod
    def _zone_suggestion(draft: dict[str, Any], country: str) -> dict[str, str]:
        """Suggest the country's main zone unless the member already chose one themselves."""
        current = draft.get("timezone")
        previous = geo.suggest_zone(draft.get("country")) if draft.get("country") else None
        if not current or current in {"UTC", previous}:
            return {"timezone": geo.suggest_zone(country)}
        return {}

    async def _ask_typed(self, interaction: Interaction, field: str) -> None:
        if field == "country":
            modal = OneLineModal(
                "Your country", "Country name or two-letter code", self._typed_country
            )
        elif field == "languages":
            modal = OneLineModal(
                "Other languages", "Languages, e.g. Hebrew, Czech",
                self._typed_languages,
            )  # fmt: skip
        else:
            modal = OneLineModal(
                "Your time zone", "Time zone, e.g. Europe/Berlin", self._typed_zone
            )
        await interaction.response.send_modal(modal)

    async def _typed_country(self, interaction: Interaction, text: str) -> None:
        guild_id, user_id = ids_of(interaction)
        try:
            code = check_country(text)
        except ProfileInputError as exc:
            draft = await self.service.draft(guild_id, user_id)
            await show(interaction, str(exc), view=about_view(draft))
            return
        draft = await self.service.draft(guild_id, user_id)
        changes = {"country": code, **self._zone_suggestion(draft, code)}
        draft = await self.service.save_draft(guild_id, user_id, changes)
        await self._step(interaction, "about", draft)

    async def _typed_zone(self, interaction: Interaction, text: str) -> None:
        guild_id, user_id = ids_of(interaction)
        try:
            zone = check_timezone(text)
        except ProfileInputError as exc:
            draft = await self.service.draft(guild_id, user_id)
            await show(interaction, str(exc), view=about_view(draft))
            return
        draft = await self.service.save_draft(guild_id, user_id, {"timezone": zone})
        await self._step(interaction, "about", draft)

    async def _typed_languages(self, interaction: Interaction, text: str) -> None:
        """Typed languages join those already chosen, as ISO 639 codes."""
        guild_id, user_id = ids_of(interaction)
        draft = await self.service.draft(guild_id, user_id)
        try:
            typed = check_languages(text)
        except ProfileInputError as exc:
            await show(interaction, str(exc), view=about_view(draft))
            return
        chosen = list(draft.get("languages", []))
        chosen += [code for code in typed if code not in chosen]
        draft = await self.service.save_draft(guild_id, user_id, {"languages": chosen})
        await self._step(interaction, "about", draft)

    async def button(self, interaction: Interaction, action: str) -> None:
        guild_id, user_id = ids_of(interaction)
        if action == "text":
            await self.open_form(interaction)
        elif action in {"about", "work"}:
            await self._step(interaction, action, await self.service.draft(guild_id, user_id))
        elif action == "preview":
            await self._preview(interaction)
        elif action == "confirm":
            await self._confirm(interaction)
        elif action == "reconfirm":
            await self.service.reconfirm(guild_id, user_id)
            await show(interaction, "Thank you. Your profile is marked as confirmed today.")

    async def _preview(self, interaction: Interaction) -> None:
        guild_id, user_id = ids_of(interaction)
        draft = await self.service.draft(guild_id, user_id)
        try:
            text = validate_text(
                {
                    k: str(draft.get(k, ""))
                    for k in ("name", "affiliation", "expertise", "methods", "bio")
                }
            )
        except ProfileInputError as exc:
            await show(interaction, f"{exc} What you typed is kept.", view=retry_view())
            return
        missing = self.service.missing(draft)
        if missing:
            await show(
                interaction,
                f"Still missing: {', '.join(missing)}. Choose them below.",
                view=about_view(draft),
            )
            return
        profile = Profile(
            guild_id=guild_id,
            user_id=user_id,
            name=text.name,
            affiliation=text.affiliation,
            expertise=text.expertise.shown,
            methods=text.methods,
            bio=text.bio,
            country=draft["country"],
            career_stage=CareerStage(draft["career_stage"]),
            languages=tuple(draft["languages"]),
            timezone=draft["timezone"],
            open_to=tuple(draft.get("open_to", [])),
            areas=tuple(draft.get("areas", [])),
        ).with_changes(
            visibility=draft.get("visibility", "members"), searchable=draft.get("searchable", True)
        )
        profile = _coerce(profile)
        embed = profile_embed(
            profile, self.bot.areas.of(profile.guild_id), None, title_prefix="Preview: "
        )
        await show(
            interaction,
            "**Preview.** This is your card as other members will see it in the "
            "introductions channel. Press Confirm to post it.",
            embed=embed,
            view=preview_view(),
        )

    async def _confirm(self, interaction: Interaction) -> None:
        guild_id, user_id = ids_of(interaction)
        await interaction.response.defer()
        settings = await self.bot.server_settings.for_server(guild_id)
        verification_on = bool(settings.verification_channel)
        try:
            result = await self.service.confirm(guild_id, user_id, verification_on)
        except ProfileInputError as exc:
            draft = await self.service.draft(guild_id, user_id)
            await interaction.edit_original_response(
                content=str(exc), embed=None, view=about_view(draft)
            )
            return
        guild = interaction.guild
        assert guild is not None
        problems = await self.publish(guild, result.profile)
        member = interaction.user if isinstance(interaction.user, discord.Member) else None
        if member is not None:
            problems += await self.grant_roles(guild, member, result.profile)
        if verification_on and result.profile.verification == "pending":
            problems += await self.review.queue_for_review(guild, result.profile)
        done = (
            "Your introduction is posted."
            if result.created
            else "Your profile and card are updated."
        )
        if verification_on and result.profile.verification == "pending":
            done += (
                f" A moderator will review it; you will get the {settings.verified_role} role "
                "when approved."
            )
        if problems:
            done += "\n" + "\n".join(f"- {p}" for p in problems)
        await interaction.edit_original_response(content=done, embed=None, view=None)
        self.bot.dispatch("profile_changed", guild_id, user_id)
        await self.bot.audit.record(
            guild_id,
            "profile.created" if result.created else "profile.updated",
            actor_id=user_id,
            target=member_target(user_id),
        )
        areas_cog = self.bot.get_cog("AreasCog")
        if areas_cog is not None and hasattr(areas_cog, "after_introduction"):
            await areas_cog.after_introduction(interaction, result.profile)

    # -- publishing and roles -----------------------------------------------------------------

    async def publish(self, guild: discord.Guild, profile: Profile) -> list[str]:
        """Post the intro card, or edit the existing one; never a second card."""
        wanted = (await self.bot.server_settings.for_server(guild.id)).introductions_channel
        channel = find_text_channel(guild, wanted)
        if channel is None:
            await self.tell_moderators(
                guild, "profiles.channel_missing", profile.user_id,
                {"channel": wanted,
                 "fix": "Create the channel, or run /hub setup."},
            )  # fmt: skip
            return ["I could not post your card: the introductions channel is missing. "
                    "Moderators have been told."]  # fmt: skip
        embed = profile_embed(profile, self.bot.areas.of(profile.guild_id), None)
        content = intro_content(profile.user_id)
        none = discord.AllowedMentions.none()
        if profile.intro_message_id and profile.intro_channel_id == channel.id:
            try:
                await channel.get_partial_message(profile.intro_message_id).edit(
                    content=content, embed=embed, allowed_mentions=none
                )
                return []
            except discord.NotFound:
                pass  # deleted by hand: post it again below
        message = await channel.send(content, embed=embed, allowed_mentions=none)
        await self.service.set_intro_message(guild.id, profile.user_id, channel.id, message.id)
        return []

    async def hide_card(self, guild: discord.Guild, profile: Profile) -> None:
        """A member who left is not left on show: the card keeps its place (a return
        restores it with ``publish``) but shows nothing about them."""
        if not (profile.intro_channel_id and profile.intro_message_id):
            return
        channel = guild.get_channel(profile.intro_channel_id)
        if not isinstance(channel, discord.TextChannel):
            return
        try:
            await channel.get_partial_message(profile.intro_message_id).edit(
                content=LEFT_CARD, embeds=[], allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException:
            log.warning("could not hide the intro card of a member who left")

    async def grant_roles(
        self, guild: discord.Guild, member: discord.Member, profile: Profile
    ) -> list[str]:
        """Give the introduced and career-stage roles; report every role that fails."""
        introduced = (await self.bot.server_settings.for_server(guild.id)).introduced_role
        wanted = [introduced, profile.career_stage.role_name]
        outdated = [s.role_name for s in CareerStage if s is not profile.career_stage]
        problems: list[str] = []
        given: list[int] = []
        for name in wanted:
            role, problem = await self.give_role(guild, member, name)
            if problem:
                problems.append(problem)
            elif role is not None:
                given.append(role.id)
        await self.service.record_roles(guild.id, member.id, given)
        by_bot = set(await self.service.roles_given(guild.id, member.id))
        stale = [r for r in member.roles if r.name in outdated and r.id in by_bot]
        if stale:
            try:
                await member.remove_roles(*stale, reason="Career stage changed")
                await self.service.forget_roles(guild.id, member.id, [r.id for r in stale])
            except discord.HTTPException:
                problems.append("I could not remove your previous career-stage role.")
        return problems

    async def give_role(
        self, guild: discord.Guild, member: discord.Member, name: str
    ) -> tuple[discord.Role | None, str | None]:
        role = find_role(guild, name)
        try:
            if role is None:
                role = await guild.create_role(name=name, reason="Role for introduced members")
            if role not in member.roles:
                await member.add_roles(role, reason="Introduction confirmed")
            return role, None
        except discord.Forbidden:
            fix = (
                f"In Server Settings > Roles, drag the bot's own role above '{name}' and make "
                "sure it has Manage Roles."
            )
            await self.tell_moderators(
                guild, "profiles.role_failed", member.id, {"role": name, "fix": fix}
            )
            return None, (
                f"I could not give you the role '{name}' because my own role is too low "
                "or lacks permission. Moderators have been told; your profile is saved."
            )

    async def tell_moderators(
        self, guild: discord.Guild, action: str, user_id: int, details: dict[str, Any]
    ) -> None:
        await self.bot.audit.record(
            guild.id, action, target=member_target(user_id), details=details
        )


def _coerce(profile: Profile) -> Profile:
    """The preview holds raw draft values; give them their types."""
    return profile.with_changes(
        open_to=tuple(OpenTo(v) for v in profile.open_to),
        visibility=Visibility(profile.visibility),
        searchable=bool(profile.searchable),
    )
