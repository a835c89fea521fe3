"""Profiles: drafts, confirmation, visibility, leaving and returning, export and erasure.

Everything a member typed passes through ``fields`` before it is stored. Multi-row changes
(a profile with its keywords and areas) commit together or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, from_db_time, to_db_time
from bot.db import Database, Row
from bot.server_areas import ServerAreas
from bot.timeparse import TimeContext
from cogs.profiles.fields import (
    CareerStage,
    OpenTo,
    Profile,
    ProfileInputError,
    Viewer,
    Visibility,
    check_timezone,
    validate_text,
)

TEXT_KEYS = ("name", "affiliation", "expertise", "methods", "bio")
PURGE_JOB = "profiles.purge"
ACTIVE_COUNT_SQL = "SELECT COUNT(*) FROM profiles WHERE guild_id = ? AND status = 'active'"


@dataclass(frozen=True)
class ConfirmResult:
    profile: Profile
    created: bool


@dataclass(frozen=True)
class Decision:
    """A moderator's verification decision: ``won`` when it was theirs; ``profile`` as
    stored afterwards (None when the member deleted it), which shows who decided first."""

    won: bool
    profile: Profile | None


class ProfileService:
    def __init__(self, db: Database, clock: Clock, areas: ServerAreas) -> None:
        self._db = db
        self._clock = clock
        self._areas = areas

    # -- reading --------------------------------------------------------------------------

    async def get(self, guild_id: int, user_id: int) -> Profile | None:
        row = await self._db.fetchone(
            "SELECT * FROM profiles WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        if row is None:
            return None
        areas = await self.areas_of(guild_id, user_id)
        return profile_from_row(row, areas)

    async def name_of(self, guild_id: int, user_id: int) -> str | None:
        """The name a member gave in their profile, None without one: other features name
        people as the network knows them ("Amira Haddad"), not by their login handle."""
        row = await self._db.fetchone(
            "SELECT name FROM profiles WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return str(row["name"]) if row is not None and str(row["name"]).strip() else None

    async def time_context(
        self, guild_id: int, user_id: int, chosen: str | None, server_zone: str, locale: str
    ) -> TimeContext:
        """How to read the times this member types: the zone chosen in the command, else
        their profile's, else the server's; their Discord locale and profile languages; and
        their country's date order."""
        own = await self.get(guild_id, user_id)
        return TimeContext.of_member(
            chosen,
            own.timezone if own else None,
            server_zone,
            locale,
            own.languages if own else (),
            own.country if own else None,
        )

    async def viewer_for(self, guild_id: int, user_id: int, is_moderator: bool) -> Viewer:
        """Who is looking, for the visibility rules: moderator, and verified or not."""
        own = await self.get(guild_id, user_id)
        return Viewer(user_id, is_moderator, bool(own and own.verified))

    async def areas_of(self, guild_id: int, user_id: int) -> tuple[str, ...]:
        rows = await self._db.fetchall(
            "SELECT area_slug FROM profile_areas WHERE guild_id = ? AND user_id = ? "
            "ORDER BY area_slug",
            (guild_id, user_id),
        )
        known = self._areas.of(guild_id).slugs()
        slugs = {str(row["area_slug"]) for row in rows}
        return tuple(s for s in known if s in slugs)

    async def count(self, guild_id: int) -> int:
        value = await self._db.fetchval(ACTIVE_COUNT_SQL, (guild_id,))
        return int(value or 0)

    # -- drafts -----------------------------------------------------------------------------

    async def draft(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """The unfinished form: the saved draft, else the current profile, else empty."""
        row = await self._db.fetchone(
            "SELECT data FROM profile_drafts WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is not None:
            data: dict[str, Any] = json.loads(row["data"])
            return data
        profile = await self.get(guild_id, user_id)
        return _draft_from_profile(profile) if profile else {}

    async def save_draft(
        self, guild_id: int, user_id: int, changes: dict[str, Any]
    ) -> dict[str, Any]:
        async with self._db.transaction():
            data = await self.draft(guild_id, user_id)
            data.update(changes)
            await self._db.execute(
                "INSERT INTO profile_drafts (guild_id, user_id, data, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, user_id) "
                "DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                (guild_id, user_id, json.dumps(data), to_db_time(self._clock.now())),
            )
        return data

    def missing(self, draft: dict[str, Any]) -> list[str]:
        """What the form still needs before it can be confirmed, in words."""
        wanted = {
            "country": "country",
            "career_stage": "career stage",
            "languages": "at least one language",
            "timezone": "time zone",
        }
        return [label for key, label in wanted.items() if not draft.get(key)]

    # -- confirming ----------------------------------------------------------------------

    async def confirm(self, guild_id: int, user_id: int, verification_on: bool) -> ConfirmResult:
        """Turn the draft into the profile, keywords and areas, in one transaction."""
        draft = await self.draft(guild_id, user_id)
        text = validate_text({k: str(draft.get(k, "")) for k in TEXT_KEYS})
        missing = self.missing(draft)
        if missing:
            raise ProfileInputError(
                f"Still missing: {', '.join(missing)}. Choose them above, then press Preview."
            )
        stage = CareerStage(draft["career_stage"])
        timezone = check_timezone(str(draft["timezone"]))
        open_to = [OpenTo(v).value for v in draft.get("open_to", [])]
        areas = [slug for slug in draft.get("areas", []) if self._areas.of(guild_id).get(slug)]
        visibility = Visibility(draft.get("visibility", Visibility.MEMBERS.value))
        searchable = bool(draft.get("searchable", True))
        now = to_db_time(self._clock.now())
        existing = await self.get(guild_id, user_id)
        verification = existing.verification if existing else "none"
        if verification_on and verification in {"none", "rejected"}:
            verification = "pending"
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO profiles (guild_id, user_id, name, affiliation, expertise, methods, "
                "bio, country, career_stage, languages, timezone, open_to, visibility, "
                "searchable, verification, confirmed_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO UPDATE SET name = excluded.name, "
                "affiliation = excluded.affiliation, expertise = excluded.expertise, "
                "methods = excluded.methods, bio = excluded.bio, country = excluded.country, "
                "career_stage = excluded.career_stage, languages = excluded.languages, "
                "timezone = excluded.timezone, open_to = excluded.open_to, "
                "visibility = excluded.visibility, searchable = excluded.searchable, "
                "verification = excluded.verification, confirmed_at = excluded.confirmed_at, "
                "nudged_at = NULL, updated_at = excluded.updated_at",
                (
                    guild_id, user_id, text.name, text.affiliation,
                    json.dumps(list(text.expertise.shown)), text.methods, text.bio,
                    str(draft["country"]), stage.value, json.dumps(list(draft["languages"])),
                    timezone, json.dumps(open_to), visibility.value, int(searchable),
                    verification, now, now, now,
                ),
            )  # fmt: skip
            await tx.execute(
                "DELETE FROM profile_keywords WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            await tx.executemany(
                "INSERT INTO profile_keywords (guild_id, user_id, folded, keyword, position) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (guild_id, user_id, folded, shown, i)
                    for i, (shown, folded) in enumerate(
                        zip(text.expertise.shown, text.expertise.folded, strict=True)
                    )
                ],
            )
            await self._replace_areas(tx, guild_id, user_id, areas, now)
            await tx.execute(
                "DELETE FROM profile_drafts WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
        profile = await self.get(guild_id, user_id)
        assert profile is not None
        return ConfirmResult(profile, created=existing is None)

    async def _replace_areas(
        self, tx: Database, guild_id: int, user_id: int, slugs: list[str], now: str
    ) -> None:
        await tx.execute(
            "DELETE FROM profile_areas WHERE guild_id = ? AND user_id = ? AND area_slug NOT IN "
            f"({','.join('?' * len(slugs)) or 'NULL'})",
            (guild_id, user_id, *slugs),
        )
        await tx.executemany(
            "INSERT OR IGNORE INTO profile_areas (guild_id, user_id, area_slug, joined_at) "
            "VALUES (?, ?, ?, ?)",
            [(guild_id, user_id, slug, now) for slug in slugs],
        )

    async def set_areas(self, guild_id: int, user_id: int, slugs: list[str]) -> None:
        """The areas feature's join and leave: the same rows as the profile's areas."""
        unknown = [s for s in slugs if self._areas.of(guild_id).get(s) is None]
        if unknown:
            raise ProfileInputError(f"Unknown area: {', '.join(unknown)}.")
        async with self._db.transaction() as tx:
            await self._replace_areas(tx, guild_id, user_id, slugs, to_db_time(self._clock.now()))

    async def set_intro_message(
        self, guild_id: int, user_id: int, channel_id: int, message_id: int
    ) -> None:
        await self._db.execute(
            "UPDATE profiles SET intro_channel_id = ?, intro_message_id = ? "
            "WHERE guild_id = ? AND user_id = ?",
            (channel_id, message_id, guild_id, user_id),
        )

    async def set_queue_message(self, guild_id: int, user_id: int, message_id: int | None) -> None:
        await self._db.execute(
            "UPDATE profiles SET queue_message_id = ? WHERE guild_id = ? AND user_id = ?",
            (message_id, guild_id, user_id),
        )

    async def queue_message(self, guild_id: int, user_id: int) -> int | None:
        value = await self._db.fetchval(
            "SELECT queue_message_id FROM profiles WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return None if value is None else int(value)

    async def set_privacy(
        self,
        guild_id: int,
        user_id: int,
        visibility: Visibility | None,
        searchable: bool | None,
        partners: bool | None = None,
    ) -> Profile:
        """Each choice left as None keeps its value; ``partners`` is whether linked partner
        networks may find the member (off until they turn it on)."""
        profile = await self._require(guild_id, user_id)
        await self._db.execute(
            "UPDATE profiles SET visibility = ?, searchable = ?, partner_visible = ?, "
            "updated_at = ? WHERE guild_id = ? AND user_id = ?",
            (
                (visibility or profile.visibility).value,
                int(profile.searchable if searchable is None else searchable),
                int(profile.partner_visible if partners is None else partners),
                to_db_time(self._clock.now()),
                guild_id,
                user_id,
            ),
        )
        return await self._require(guild_id, user_id)

    async def set_timezone(self, guild_id: int, user_id: int, timezone: str) -> Profile:
        await self._require(guild_id, user_id)
        zone = check_timezone(timezone)
        now = to_db_time(self._clock.now())
        await self._db.execute(
            "UPDATE profiles SET timezone = ?, updated_at = ?, confirmed_at = ? "
            "WHERE guild_id = ? AND user_id = ?",
            (zone, now, now, guild_id, user_id),
        )
        return await self._require(guild_id, user_id)

    async def reconfirm(self, guild_id: int, user_id: int) -> Profile:
        """The member says the profile is still right: reset "last confirmed"."""
        await self._require(guild_id, user_id)
        await self._db.execute(
            "UPDATE profiles SET confirmed_at = ?, nudged_at = NULL "
            "WHERE guild_id = ? AND user_id = ?",
            (to_db_time(self._clock.now()), guild_id, user_id),
        )
        return await self._require(guild_id, user_id)

    async def _require(self, guild_id: int, user_id: int) -> Profile:
        profile = await self.get(guild_id, user_id)
        if profile is None:
            raise ProfileInputError("You have no profile yet. Use /introduce to create one.")
        return profile

    # -- verification -----------------------------------------------------------------------

    async def decide_verification(
        self, guild_id: int, user_id: int, status: str, moderator_id: int
    ) -> Decision:
        """Approve or reject a pending introduction, once. The UPDATE only matches a row
        still pending, so of two moderators deciding at the same moment exactly one changes
        it; the other gets the stored decision back (who and when) to be told about it.

        ``verified_by`` and ``verified_at`` record the moderator who decided and when,
        whichever way they decided."""
        now = to_db_time(self._clock.now())
        changed = await self._db.execute(
            "UPDATE profiles SET verification = ?, verified_by = ?, verified_at = ?, "
            "updated_at = ? WHERE guild_id = ? AND user_id = ? AND verification = 'pending'",
            (status, moderator_id, now, now, guild_id, user_id),
        )
        return Decision(changed == 1, await self.get(guild_id, user_id))

    # -- roles the bot gave -------------------------------------------------------------

    async def record_roles(self, guild_id: int, user_id: int, role_ids: list[int]) -> None:
        await self._db.executemany(
            "INSERT OR IGNORE INTO profile_roles (guild_id, user_id, role_id) VALUES (?, ?, ?)",
            [(guild_id, user_id, role_id) for role_id in role_ids],
        )

    async def forget_roles(self, guild_id: int, user_id: int, role_ids: list[int]) -> None:
        await self._db.executemany(
            "DELETE FROM profile_roles WHERE guild_id = ? AND user_id = ? AND role_id = ?",
            [(guild_id, user_id, role_id) for role_id in role_ids],
        )

    async def roles_given(self, guild_id: int, user_id: int) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT role_id FROM profile_roles WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return [int(row["role_id"]) for row in rows]

    # -- leaving, returning, staleness ----------------------------------------------------

    async def mark_left(self, guild_id: int, user_id: int) -> bool:
        changed = await self._db.execute(
            "UPDATE profiles SET status = 'left', left_at = ? WHERE guild_id = ? AND user_id = ? "
            "AND status = 'active'",
            (to_db_time(self._clock.now()), guild_id, user_id),
        )
        return changed == 1

    async def mark_returned(self, guild_id: int, user_id: int) -> bool:
        changed = await self._db.execute(
            "UPDATE profiles SET status = 'active', left_at = NULL "
            "WHERE guild_id = ? AND user_id = ? AND status = 'left'",
            (guild_id, user_id),
        )
        return changed == 1

    async def is_left(self, guild_id: int, user_id: int) -> bool:
        value = await self._db.fetchval(
            "SELECT status FROM profiles WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return bool(value == "left")

    async def due_for_nudge(self, guild_id: int, user_id: int, after: timedelta) -> bool:
        """Not confirmed for ``after``, and not already nudged within that time."""
        row = await self._db.fetchone(
            "SELECT confirmed_at, nudged_at FROM profiles WHERE guild_id = ? AND user_id = ? "
            "AND status = 'active'",
            (guild_id, user_id),
        )
        if row is None:
            return False
        now = self._clock.now()
        stale = now - from_db_time(row["confirmed_at"]) >= after
        recently = row["nudged_at"] is not None and now - from_db_time(row["nudged_at"]) < after
        return stale and not recently

    async def mark_nudged(self, guild_id: int, user_id: int) -> None:
        await self._db.execute(
            "UPDATE profiles SET nudged_at = ? WHERE guild_id = ? AND user_id = ?",
            (to_db_time(self._clock.now()), guild_id, user_id),
        )

    # -- the member's own data ----------------------------------------------------------------

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        profile = await self._db.fetchone(
            "SELECT * FROM profiles WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        where = (guild_id, user_id)
        keywords = await self._db.fetchall(
            "SELECT keyword FROM profile_keywords WHERE guild_id = ? AND user_id = ? "
            "ORDER BY position",
            where,
        )
        draft = await self._db.fetchone(
            "SELECT data, updated_at FROM profile_drafts WHERE guild_id = ? AND user_id = ?",
            where,
        )
        return {
            "profile": _plain(profile) if profile else None,
            "keywords": [row["keyword"] for row in keywords],
            "areas": list(await self.areas_of(guild_id, user_id)),
            "roles_given_by_bot": await self.roles_given(guild_id, user_id),
            "unfinished_introduction": json.loads(draft["data"]) if draft else None,
        }

    async def erase(self, guild_id: int, user_id: int) -> int:
        """Delete every profile row about the member (runs inside the erasure transaction)."""
        removed = 0
        for table in ("profile_keywords", "profile_areas", "profile_roles", "profile_drafts"):
            removed += await self._db.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
        removed += await self._db.execute(
            "DELETE FROM profiles WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return removed


def _plain(row: Row) -> dict[str, Any]:
    data = dict(row)
    for key in ("expertise", "languages", "open_to"):
        data[key] = json.loads(data[key])
    return data


def profile_from_row(row: Row, areas: tuple[str, ...]) -> Profile:
    return Profile(
        guild_id=int(row["guild_id"]),
        user_id=int(row["user_id"]),
        name=row["name"],
        affiliation=row["affiliation"],
        expertise=tuple(json.loads(row["expertise"])),
        methods=row["methods"],
        bio=row["bio"],
        country=row["country"],
        career_stage=CareerStage(row["career_stage"]),
        languages=tuple(json.loads(row["languages"])),
        timezone=row["timezone"],
        open_to=tuple(OpenTo(v) for v in json.loads(row["open_to"])),
        areas=areas,
        visibility=Visibility(row["visibility"]),
        searchable=bool(row["searchable"]),
        partner_visible=bool(row["partner_visible"]),
        verification=row["verification"],
        confirmed_at=row["confirmed_at"],
        status=row["status"],
        intro_channel_id=row["intro_channel_id"],
        intro_message_id=row["intro_message_id"],
        verified_by=row["verified_by"],
        verified_at=row["verified_at"],
    )


def _draft_from_profile(profile: Profile) -> dict[str, Any]:
    return {
        "name": profile.name,
        "affiliation": profile.affiliation,
        "expertise": ", ".join(profile.expertise),
        "methods": profile.methods,
        "bio": profile.bio,
        "country": profile.country,
        "career_stage": profile.career_stage.value,
        "languages": list(profile.languages),
        "timezone": profile.timezone,
        "open_to": [o.value for o in profile.open_to],
        "areas": list(profile.areas),
        "visibility": profile.visibility.value,
        "searchable": profile.searchable,
    }


def confirmed_date(profile: Profile) -> datetime:
    return from_db_time(profile.confirmed_at)
