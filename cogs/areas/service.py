"""Challenge areas: stored set-up ids, membership counts, suggestions, member lists, area
texts and the weekly digest's bookkeeping. Membership itself is the profile's areas
(ProfileService.set_areas), so the two can never disagree."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.challenge_areas import Area, AreaCatalog
from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.server_areas import ServerAreas
from cogs.areas.suggestions import AreaMatcher, area_texts, fragments
from cogs.profiles.fields import Profile, Viewer
from cogs.profiles.service import ProfileService

PAGE_SIZE = 10


@dataclass(frozen=True)
class AreaSummary:
    area: Area
    members: int
    joined: bool


@dataclass(frozen=True)
class Suggestion:
    area: Area
    because: list[str]


class AreaService:
    def __init__(
        self, db: Database, clock: Clock, catalogs: ServerAreas, profiles: ProfileService
    ) -> None:
        self._db = db
        self._clock = clock
        self.catalogs = catalogs
        self.profiles = profiles

    # -- what set-up made ------------------------------------------------------------------

    async def resources(self, guild_id: int) -> dict[tuple[str, str], tuple[int, str]]:
        rows = await self._db.fetchall(
            "SELECT kind, key, discord_id, name FROM guild_resources WHERE guild_id = ?",
            (guild_id,),
        )
        return {(r["kind"], r["key"]): (int(r["discord_id"]), str(r["name"])) for r in rows}

    async def record(self, guild_id: int, kind: str, key: str, discord_id: int, name: str) -> None:
        await self._db.execute(
            "INSERT INTO guild_resources (guild_id, kind, key, discord_id, name, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, kind, key) DO UPDATE SET "
            "discord_id = excluded.discord_id, name = excluded.name, "
            "updated_at = excluded.updated_at",
            (guild_id, kind, key, discord_id, name, to_db_time(self._clock.now())),
        )

    async def resource_by_id(self, guild_id: int, discord_id: int) -> tuple[str, str] | None:
        row = await self._db.fetchone(
            "SELECT kind, key FROM guild_resources WHERE guild_id = ? AND discord_id = ?",
            (guild_id, discord_id),
        )
        return None if row is None else (str(row["kind"]), str(row["key"]))

    async def area_of_channel(self, guild_id: int, channel_id: int) -> str | None:
        found = await self.resource_by_id(guild_id, channel_id)
        if found and found[0] == "channel" and self.catalogs.of(guild_id).get(found[1]):
            return found[1]
        return None

    # -- texts -------------------------------------------------------------------------------

    async def texts(self, guild_id: int) -> dict[str, tuple[str, list[str]]]:
        rows = await self._db.fetchall(
            "SELECT slug, purpose, questions FROM area_texts WHERE guild_id = ?", (guild_id,)
        )
        return {r["slug"]: (r["purpose"], json.loads(r["questions"])) for r in rows}

    async def text(self, guild_id: int, area: Area) -> tuple[str, list[str]]:
        return (await self.texts(guild_id)).get(area.slug, (area.purpose, area.questions))

    async def describe(
        self, guild_id: int, area: Area, purpose: str, questions: list[str], moderator_id: int
    ) -> None:
        await self._db.execute(
            "INSERT INTO area_texts (guild_id, slug, purpose, questions, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, slug) DO UPDATE SET "
            "purpose = excluded.purpose, questions = excluded.questions, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (guild_id, area.slug, purpose, json.dumps(questions), moderator_id,
             to_db_time(self._clock.now())),
        )  # fmt: skip

    # -- the server's own list ----------------------------------------------------------------

    async def replace_list(self, guild_id: int, text: str) -> AreaCatalog:
        """The uploaded list is in force from now on, its purposes and questions over those
        moderators wrote for the old list; raises AreaConfigError and changes nothing when
        the list is not valid."""
        async with self._db.transaction() as tx:
            catalog = await self.catalogs.store(tx, guild_id, text, self._clock)
            await tx.execute("DELETE FROM area_texts WHERE guild_id = ?", (guild_id,))
        await self.catalogs.adopt(guild_id, catalog)
        return catalog

    async def reset_list(self, guild_id: int) -> bool:
        """Back to the bot's list; False when the server had none of its own."""
        async with self._db.transaction() as tx:
            dropped = await self.catalogs.drop(tx, guild_id)
            if dropped:
                await tx.execute("DELETE FROM area_texts WHERE guild_id = ?", (guild_id,))
        if dropped:
            await self.catalogs.adopt(guild_id, None)
        return dropped

    # -- membership ----------------------------------------------------------------------------

    async def counts(self, guild_id: int) -> dict[str, int]:
        rows = await self._db.fetchall(
            "SELECT a.area_slug, COUNT(*) AS n FROM profile_areas a JOIN profiles p "
            "ON p.guild_id = a.guild_id AND p.user_id = a.user_id "
            "WHERE a.guild_id = ? AND p.status = 'active' GROUP BY a.area_slug",
            (guild_id,),
        )
        return {r["area_slug"]: int(r["n"]) for r in rows}

    async def browse(self, guild_id: int, user_id: int) -> list[AreaSummary]:
        counts = await self.counts(guild_id)
        mine = set(await self.profiles.areas_of(guild_id, user_id))
        return [
            AreaSummary(a, counts.get(a.slug, 0), a.slug in mine)
            for a in self.catalogs.of(guild_id).areas
        ]

    async def members(
        self, guild_id: int, area: Area, viewer: Viewer, page: int
    ) -> tuple[list[Profile], int]:
        """One page of an area's members, leaving out those hidden from search (except for
        moderators); returns the page and the number of pages."""
        hidden = "" if viewer.is_moderator else "AND p.searchable = 1"
        rows = await self._db.fetchall(
            "SELECT p.user_id FROM profile_areas a JOIN profiles p ON p.guild_id = a.guild_id "
            "AND p.user_id = a.user_id WHERE a.guild_id = ? AND a.area_slug = ? "
            f"AND p.status = 'active' {hidden} ORDER BY p.name COLLATE NOCASE",
            (guild_id, area.slug),
        )
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        chosen = rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        profiles = [await self.profiles.get(guild_id, int(r["user_id"])) for r in chosen]
        return [p for p in profiles if p is not None], pages

    async def new_members(self, guild_id: int, slug: str, since: datetime) -> list[tuple[int, str]]:
        """(user id, name) of who joined the area since then, for the digest."""
        rows = await self._db.fetchall(
            "SELECT p.user_id, p.name FROM profile_areas a JOIN profiles p "
            "ON p.guild_id = a.guild_id AND p.user_id = a.user_id WHERE a.guild_id = ? "
            "AND a.area_slug = ? AND a.joined_at >= ? AND p.status = 'active' "
            "AND p.searchable = 1 ORDER BY a.joined_at",
            (guild_id, slug, to_db_time(since)),
        )
        return [(int(r["user_id"]), str(r["name"])) for r in rows]

    async def names_of(self, guild_id: int, user_ids: list[int]) -> list[str]:
        """Names of these members, in this order, as a digest may still show them: a
        digest edited after someone's erasure lists the others as they are now."""
        found = []
        for user_id in user_ids:
            name = await self._db.fetchval(
                "SELECT name FROM profiles WHERE guild_id = ? AND user_id = ? "
                "AND status = 'active' AND searchable = 1",
                (guild_id, user_id),
            )
            if name is not None:
                found.append(str(name))
        return found

    # -- suggestions ---------------------------------------------------------------------------

    async def suggest(self, guild_id: int, profile: Profile, limit: int = 3) -> list[Suggestion]:
        """Areas the member's keywords and methods tie to, best first, each with the member's
        own words that tie them (see ``suggestions``); areas they already joined are left
        out. The area texts are this server's, as moderators edited them."""
        edited = await self.texts(guild_id)
        catalog = self.catalogs.of(guild_id)
        matcher = AreaMatcher(
            area_texts(((a.slug, a.name, a.purpose, a.questions) for a in catalog.areas), edited)
        )
        ties = matcher.ties(fragments(profile.expertise, profile.methods), profile.areas)
        return [
            Suggestion(area, tie.because)
            for tie in ties[:limit]
            if (area := catalog.get(tie.slug)) is not None
        ]

    # -- the weekly digest ---------------------------------------------------------------------

    async def claim_digest(self, guild_id: int, slug: str, week: str) -> bool:
        """Claim the week's digest before sending; False when it was already claimed."""
        changed = await self._db.execute(
            "INSERT OR IGNORE INTO area_digests (guild_id, slug, week, status, updated_at) "
            "VALUES (?, ?, ?, 'sending', ?)",
            (guild_id, slug, week, to_db_time(self._clock.now())),
        )
        return changed == 1

    async def release_digest(self, guild_id: int, slug: str, week: str) -> None:
        await self._db.execute(
            "DELETE FROM area_digests WHERE guild_id = ? AND slug = ? AND week = ? "
            "AND status = 'sending'",
            (guild_id, slug, week),
        )

    async def digest_sent(self, guild_id: int, slug: str, week: str, message_id: int) -> None:
        await self._db.execute(
            "UPDATE area_digests SET status = 'sent', message_id = ?, updated_at = ? "
            "WHERE guild_id = ? AND slug = ? AND week = ?",
            (message_id, to_db_time(self._clock.now()), guild_id, slug, week),
        )

    async def count_thread_message(self, guild_id: int, slug: str, thread_id: int) -> None:
        day = self._clock.now().date().isoformat()
        await self._db.execute(
            "INSERT INTO area_thread_activity (guild_id, slug, thread_id, day, messages) "
            "VALUES (?, ?, ?, ?, 1) ON CONFLICT (guild_id, thread_id, day) "
            "DO UPDATE SET messages = messages + 1",
            (guild_id, slug, thread_id, day),
        )

    async def busiest_threads(
        self, guild_id: int, slug: str, since: datetime, limit: int = 3
    ) -> list[tuple[int, int]]:
        rows = await self._db.fetchall(
            "SELECT thread_id, SUM(messages) AS n FROM area_thread_activity WHERE guild_id = ? "
            "AND slug = ? AND day >= ? GROUP BY thread_id ORDER BY n DESC, thread_id LIMIT ?",
            (guild_id, slug, since.date().isoformat(), limit),
        )
        return [(int(r["thread_id"]), int(r["n"])) for r in rows]

    # -- the member's data ---------------------------------------------------------------------

    async def export(self, guild_id: int, user_id: int) -> dict[str, object]:
        rows = await self._db.fetchall(
            "SELECT slug, purpose, questions, updated_at FROM area_texts WHERE guild_id = ? "
            "AND updated_by = ?",
            (guild_id, user_id),
        )
        return {"area_texts_edited": [dict(r) for r in rows]}

    async def erase(self, guild_id: int, user_id: int) -> int:
        return await self._db.execute(
            "UPDATE area_texts SET updated_by = NULL WHERE guild_id = ? AND updated_by = ?",
            (guild_id, user_id),
        )


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"
