"""What each side of a mentoring proposal reads about the other, so both can decide.

A mentor asked to take someone on needs the mentee's goals in their own words; a mentee
needs to know what the proposed mentor works on and offers. Only what each gave for
mentoring and what their profile shows every member is used: never the other side's avoid
list, preferences or affiliation (which a profile may hide).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from cogs.profiles.service import ProfileService


@dataclass(frozen=True)
class Labelled:
    """One labelled piece of the other side's own text, shown as an embed field."""

    label: str
    text: str


async def about_the_mentee(
    db: Database, profiles: ProfileService, guild_id: int, mentee_id: int, request_id: int
) -> list[Labelled]:
    """For the mentor: the mentee's career stage, goals and the methods they want to learn."""
    row = await db.fetchone(
        "SELECT goals, methods FROM mentee_requests WHERE id = ? AND guild_id = ?",
        (request_id, guild_id),
    )
    profile = await profiles.get(guild_id, mentee_id)
    shown = []
    if profile is not None:
        shown.append(Labelled("Career stage", profile.career_stage.label))
        shown.append(Labelled("Their work", ", ".join(profile.expertise)))
    if row is not None:
        shown.append(Labelled("Their goals, in their words", row["goals"]))
        shown.append(Labelled("Methods they want to learn", row["methods"]))
    return [s for s in shown if s.text.strip()]


async def about_the_mentor(
    db: Database, profiles: ProfileService, guild_id: int, mentor_id: int
) -> list[Labelled]:
    """For the mentee: the mentor's career stage, expertise, and what they offer."""
    row = await db.fetchone(
        "SELECT offer, methods FROM mentor_offers WHERE guild_id = ? AND user_id = ?",
        (guild_id, mentor_id),
    )
    profile = await profiles.get(guild_id, mentor_id)
    shown = []
    if profile is not None:
        shown.append(Labelled("Career stage", profile.career_stage.label))
        shown.append(Labelled("Their expertise", ", ".join(profile.expertise)))
    if row is not None:
        shown.append(Labelled("What they offer, in their words", row["offer"]))
        shown.append(Labelled("Methods they can help with", row["methods"]))
    return [s for s in shown if s.text.strip()]
