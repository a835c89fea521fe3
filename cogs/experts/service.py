"""Expert search: validation of what was typed, ranking through the index, why it matched,
typo correction and suggestions. In memory on the search path; SQLite is read to build and
refresh the index."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from rapidfuzz import fuzz, process

from bot.challenge_areas import AreaCatalog
from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.text import excerpt
from bot.textmatch import fold, tokens
from cogs.experts.index import Doc, ExpertIndex, Filters
from cogs.profiles.fields import CareerStage, OpenTo, Profile, Visibility
from cogs.profiles.service import ProfileService, profile_from_row

PAGE_SIZE = 5
MAX_QUERY = 200


class ExpertInputError(ValueError):
    """The search cannot run as typed; the message says what to do."""


@dataclass(frozen=True)
class Result:
    profile: Profile
    why: list[str]


@dataclass(frozen=True)
class SearchPage:
    results: list[Result]
    total: int
    page: int
    pages: int
    corrected: dict[str, str]
    suggestion: str | None


def to_doc(profile: Profile) -> Doc:
    open_details = profile.visibility is Visibility.MEMBERS
    return Doc(
        user_id=profile.user_id,
        fields={
            "expertise": " ; ".join(profile.expertise),
            "name": profile.name,
            "methods": profile.methods,
            "affiliation": profile.affiliation if open_details else "",
            "bio": profile.bio if open_details else "",
        },
        verified=profile.verified,
        areas=frozenset(profile.areas),
        country=profile.country,
        stage=profile.career_stage.value,
        open_to=frozenset(o.value for o in profile.open_to),
        languages=frozenset(profile.languages),
    )


class ExpertService:
    def __init__(self, db: Database, catalog: AreaCatalog, profiles: ProfileService) -> None:
        self._db = db
        self._catalog = catalog
        self._profiles = profiles
        self._indexes: dict[int, ExpertIndex] = {}
        self._people: dict[int, dict[int, Profile]] = {}
        self._keywords: dict[int, Counter[str]] = {}
        self._area_words = {a.slug: set(tokens(a.name)) for a in catalog.areas}

    # -- keeping the index in step with the database -------------------------------------------

    async def load(self, guild_id: int) -> int:
        """Index every active, searchable profile of a server; returns how many."""
        rows = await self._db.fetchall(
            "SELECT * FROM profiles WHERE guild_id = ? AND status = 'active' AND searchable = 1",
            (guild_id,),
        )
        area_rows = await self._db.fetchall(
            "SELECT user_id, area_slug FROM profile_areas WHERE guild_id = ?", (guild_id,)
        )
        areas: dict[int, list[str]] = {}
        for row in area_rows:
            areas.setdefault(int(row["user_id"]), []).append(str(row["area_slug"]))
        people = {
            int(r["user_id"]): profile_from_row(r, tuple(areas.get(int(r["user_id"]), ())))
            for r in rows
        }
        index = ExpertIndex()
        index.build([to_doc(p) for p in people.values()])
        self._indexes[guild_id] = index
        self._people[guild_id] = people
        self._keywords[guild_id] = Counter(k for p in people.values() for k in p.expertise)
        return len(people)

    async def refresh(self, guild_id: int, user_id: int) -> None:
        """Re-index one member after any change to their profile (or its removal)."""
        if guild_id not in self._indexes:
            await self.load(guild_id)
            return
        index, people, keywords = (
            self._indexes[guild_id],
            self._people[guild_id],
            self._keywords[guild_id],
        )
        old = people.pop(user_id, None)
        if old is not None:
            keywords.subtract(old.expertise)
        profile = await self._profiles.get(guild_id, user_id)
        if profile is None or profile.status != "active" or not profile.searchable:
            index.remove(user_id)
            return
        people[user_id] = profile
        keywords.update(profile.expertise)
        index.upsert(to_doc(profile))

    def _index(self, guild_id: int) -> ExpertIndex:
        return self._indexes.setdefault(guild_id, ExpertIndex())

    # -- searching --------------------------------------------------------------------------------

    def find(self, guild_id: int, query: str, filters: Filters, page: int = 0) -> SearchPage:
        text = query.strip()
        if len(text) > MAX_QUERY:
            raise ExpertInputError(
                f"Your search is {len(text)} characters long; keep it under {MAX_QUERY}. "
                "A few keywords work best."
            )
        self._check_filters(filters)
        words = tokens(text)
        if not words and filters.empty:
            raise ExpertInputError(
                "Type what you are looking for, e.g. 'online radicalisation', or choose a "
                "filter such as area or country."
            )
        index = self._index(guild_id)
        corrected = {w: c for w in words if (c := self._correction(index, w)) is not None}
        words = [corrected.get(w, w) for w in words]
        prefixes = (
            [words[-1]] if words and text and not text[-1].isspace() and len(words[-1]) >= 3 else []
        )
        boost = {slug for slug, names in self._area_words.items() if names & set(words)}
        if filters.area:
            boost.add(filters.area)
        hits = index.search(words, prefixes, filters, boost, PAGE_SIZE, page * PAGE_SIZE)
        pages = max(1, -(-hits.total // PAGE_SIZE))
        if page >= pages and hits.total:
            return self.find(guild_id, query, filters, pages - 1)
        people = self._people.get(guild_id, {})
        expanded = set(words) | {w for p in prefixes for w in index.expand(p)}
        results = [
            Result(people[u], self._why(people[u], expanded, filters))
            for u in hits.user_ids
            if u in people
        ]
        suggestion = None if results else self.nearest_keyword(guild_id, text)
        return SearchPage(results, hits.total, min(page, pages - 1), pages, corrected, suggestion)

    def _check_filters(self, filters: Filters) -> None:
        if filters.area and self._catalog.get(filters.area) is None:
            raise ExpertInputError(
                f"There is no area '{excerpt(filters.area)}'. Pick one from the list as you type."
            )
        if filters.stage and filters.stage not in {s.value for s in CareerStage}:
            raise ExpertInputError(
                f"'{excerpt(filters.stage)}' is not a career stage. Pick one from the list."
            )
        if filters.open_to and filters.open_to not in {o.value for o in OpenTo}:
            raise ExpertInputError(
                f"'{excerpt(filters.open_to)}' is not one of the choices. Pick one from the list."
            )

    @staticmethod
    def _correction(index: ExpertIndex, word: str) -> str | None:
        """The nearest known word for one the index has never seen ("disinfromation")."""
        if len(word) < 4 or index.knows(word) or index.expand(word):
            return None
        match = process.extractOne(word, index.vocabulary, scorer=fuzz.ratio, score_cutoff=80)
        return None if match is None else str(match[0])

    def nearest_keyword(self, guild_id: int, text: str) -> str | None:
        keywords = [k for k, n in self._keywords.get(guild_id, Counter()).items() if n > 0]
        if not text or not keywords:
            return None
        match = process.extractOne(
            fold(text), keywords, scorer=fuzz.WRatio, processor=fold, score_cutoff=60
        )
        return None if match is None else str(match[0])

    def _why(self, profile: Profile, words: set[str], filters: Filters) -> list[str]:
        reasons: list[str] = []
        for keyword in profile.expertise:
            if set(tokens(keyword)) & words:
                reasons.append(f"{keyword} (expertise)")
        for slug in profile.areas:
            area = self._catalog.get(slug)
            if area and (self._area_words[slug] & words or slug == filters.area):
                reasons.append(f"{area.name.lower()} (area)")
        doc = to_doc(profile)
        for field in ("methods", "name", "affiliation", "bio"):
            if set(tokens(doc.fields[field])) & words:
                reasons.append(field)
        return list(dict.fromkeys(reasons))[:4]

    def common_keywords(self, guild_id: int, typed: str, limit: int = 25) -> list[str]:
        """For autocomplete: the most used expertise keywords containing what was typed."""
        wanted = fold(typed.strip())
        counts = self._keywords.get(guild_id, Counter())
        folded: dict[str, tuple[str, int]] = {}
        for keyword, count in counts.items():
            if count <= 0 or wanted not in fold(keyword):
                continue
            key = fold(keyword)
            shown, total = folded.get(key, (keyword, 0))
            folded[key] = (shown, total + count)
        ranked = sorted(folded.values(), key=lambda item: (-item[1], item[0].casefold()))
        return [shown[:100] for shown, _ in ranked[:limit]]


class SavedSearches:
    """Searches kept for their page buttons; personal data, so exported and erased."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def save(self, guild_id: int, user_id: int, query: str, filters: Filters) -> int:
        body = json.dumps({k: v for k, v in filters.__dict__.items() if v is not None})
        return await self._db.insert(
            "INSERT INTO expert_searches (guild_id, user_id, query, filters, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (guild_id, user_id, query, body, to_db_time(self._clock.now())),
        )

    async def get(self, search_id: int, user_id: int) -> tuple[str, Filters] | None:
        row = await self._db.fetchone(
            "SELECT query, filters FROM expert_searches WHERE id = ? AND user_id = ?",
            (search_id, user_id),
        )
        return None if row is None else (str(row["query"]), Filters(**json.loads(row["filters"])))

    async def export(self, guild_id: int, user_id: int) -> list[dict[str, object]]:
        rows = await self._db.fetchall(
            "SELECT query, filters, created_at FROM expert_searches WHERE guild_id = ? "
            "AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return [dict(r) for r in rows]

    async def erase(self, guild_id: int, user_id: int) -> int:
        """The member's own searches, and every other member's search that names them.

        Results are never stored (a page is searched again when shown, and an erased member
        has left the index), but a query such as "Amira Haddad" would still say who was
        looked for. The name is read here, inside the erasure, before the profile goes."""
        own = await self._db.execute(
            "DELETE FROM expert_searches WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        name = await self._db.fetchval(
            "SELECT name FROM profiles WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        parts = {t for t in tokens(str(name or "")) if len(t) >= 3}
        if not parts:
            return own
        rows = await self._db.fetchall(
            "SELECT id, query FROM expert_searches WHERE guild_id = ?", (guild_id,)
        )
        naming = [(int(r["id"]),) for r in rows if parts & set(tokens(str(r["query"])))]
        await self._db.executemany("DELETE FROM expert_searches WHERE id = ?", naming)
        return own + len(naming)

    async def purge(self, older_than: timedelta) -> int:
        """Retention: a search older than this is deleted; its page buttons then say so."""
        cutoff = to_db_time(self._clock.now() - older_than)
        removed = await self._db.execute(
            "DELETE FROM expert_searches WHERE created_at < ?", (cutoff,)
        )
        if removed:
            await self._db.forget_old_pages()  # no copy of the queries left in the log
        return removed
