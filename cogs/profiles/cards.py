"""How a profile looks: the intro card, the private view, and the moderators' queue entry."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot import countries, languages
from bot.challenge_areas import AreaCatalog
from bot.clock import from_db_time
from bot.text import calendar_date, defuse_mentions, escape_markdown, fit
from cogs.profiles.fields import Profile, Viewer, can_see_details

HIDDEN = "(shown only to {who})"


def _hidden_note(profile: Profile) -> str:
    who = "verified members" if profile.visibility.value == "verified" else "moderators"
    return HIDDEN.format(who=who)


def profile_embed(
    profile: Profile,
    areas: AreaCatalog,
    viewer: Viewer | None,
    *,
    now: datetime | None = None,
    title_prefix: str = "",
) -> discord.Embed:
    """The card: ``viewer=None`` is the public intro card, which follows the member's privacy."""
    details = can_see_details(profile, viewer)
    badge = " (verified)" if profile.verified else ""
    embed = discord.Embed(
        title=fit(f"{title_prefix}{escape_markdown(profile.name)}{badge}", 256),
        description=defuse_mentions(profile.bio) if details else _hidden_note(profile),
    )
    embed.add_field(
        name="Affiliation",
        value=escape_markdown(profile.affiliation) if details else _hidden_note(profile),
        inline=False,
    )
    embed.add_field(name="Country", value=countries.name(profile.country))
    embed.add_field(name="Career stage", value=profile.career_stage.label)
    embed.add_field(
        name="Expertise",
        value=fit(escape_markdown(", ".join(profile.expertise)), 1024),
        inline=False,
    )
    if profile.methods:
        embed.add_field(
            name="Methods", value=fit(escape_markdown(profile.methods), 1024), inline=False
        )
    area_names = [a.name for a in (areas.get(s) for s in profile.areas) if a is not None]
    if area_names:
        embed.add_field(
            name="Challenge areas", value=fit(", ".join(area_names), 1024), inline=False
        )
    embed.add_field(name="Languages", value=languages.names(profile.languages) or "not given")
    local = ""
    if now is not None:
        local = f", now {now.astimezone(ZoneInfo(profile.timezone)).strftime('%H:%M')}"
    embed.add_field(name="Time zone", value=f"{profile.timezone}{local}")
    if profile.open_to:
        # Being open to government or media enquiries can expose a researcher, so it
        # follows the same visibility as the affiliation and bio.
        shown = ", ".join(o.label for o in profile.open_to)
        embed.add_field(
            name="Open to", value=shown if details else _hidden_note(profile), inline=False
        )
    confirmed = calendar_date(from_db_time(profile.confirmed_at)) if profile.confirmed_at else ""
    footer = f"Last confirmed {confirmed}" if confirmed else "Not confirmed yet"
    if not profile.searchable:
        footer += " · hidden from expert search"
    embed.set_footer(text=footer)
    return embed


def intro_content(user_id: int) -> str:
    """The line above the card; the mention makes the member clickable and never pings."""
    return f"Please welcome <@{user_id}>."
