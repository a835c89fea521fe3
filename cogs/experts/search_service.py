"""Expert search: what was typed is checked, searched on the index off the event loop, and
each result says why it matched, in the member's own words.

The index (``search_engine.py``) is derived from SQLite; the five profiles of a page are
read from SQLite when shown, so nothing but the index is held for search in memory.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.challenge_areas import AreaCatalog
from bot.db import Database
from bot.partners import linked_guild_ids
from bot.server_areas import ServerAreas
from bot.text import excerpt
from bot.textmatch import fold
from cogs.experts.search_engine import IndexBuilding, SearchEngine, to_doc
from cogs.experts.search_index import Filters, Hits, SearchIndex
from cogs.experts.search_query import Scope, correction, ranking, typing
from cogs.experts.search_text import (
    ParsedQuery,
    Word,
    parse,
    plain,
    stem,
    stems_of,
    words,
)
from cogs.profiles.fields import CareerStage, OpenTo, Profile
from cogs.profiles.service import ProfileService

PAGE_SIZE = 5
MAX_QUERY = 200
MAX_REASONS = 4
SUGGESTIONS = 2_000
SUGGESTIONS_TTL = 60.0
REBUILDING = "The search index is being rebuilt; try again in a minute."
NO_PARTNERS = (
    "No partner network is linked with this server at the moment, so there is no one else "
    "to search. Moderators link networks with /partners invite; search this server without "
    "'partners'."
)


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
    without_filters: int = 0  # when filters left no one: how many the words alone find


@dataclass(frozen=True)
class _Found:
    hits: Hits
    page: int
    parsed: ParsedQuery
    corrected: dict[str, str]  # typed word -> the word searched instead (or as well)
    results: list[Result]


@functools.lru_cache(maxsize=200_000)
def _folded(text: str) -> str:
    return fold(text)


class ExpertService:
    def __init__(
        self,
        db: Database,
        catalogs: ServerAreas,
        profiles: ProfileService,
        index_folder: Path | None = None,
    ) -> None:
        self._db = db
        self._catalogs = catalogs
        self._profiles = profiles
        self.engine = SearchEngine(db.path, index_folder)
        self._suggestions: dict[int, tuple[float, list[str]]] = {}
        self._stems: dict[int, tuple[AreaCatalog, dict[str, set[str]]]] = {}

    # -- keeping the index in step with the database -------------------------------------------

    async def load(self, guild_id: int) -> int:
        """Wait until the index is open and checked against SQLite; how many it holds here."""
        await self.engine.start()
        return self.engine.count(guild_id)

    async def refresh(self, guild_id: int, user_id: int) -> None:
        """Re-index one member after any change to their profile (or its removal)."""
        await self.engine.refresh(guild_id, user_id)

    async def close(self) -> None:
        await self.engine.close()

    # -- searching --------------------------------------------------------------------------------

    async def find(
        self,
        guild_id: int,
        query: str,
        filters: Filters,
        page: int = 0,
        searcher: int | None = None,
        as_typed: bool = False,
        partners: tuple[int, ...] = (),
    ) -> SearchPage:
        """One page of results; ``searcher`` (the member searching) is never among them.
        ``as_typed``: no word is corrected (the member asked for their own spelling).
        ``partners``: linked servers whose members who chose to be found are searched too
        (``partner_servers`` gives them)."""
        text = query.strip()
        if len(text) > MAX_QUERY:
            raise ExpertInputError(
                f"Your search is {len(text)} characters long; keep it under {MAX_QUERY}. "
                "A few keywords work best."
            )
        self._check_filters(guild_id, filters)
        parsed = parse(query)
        if parsed.empty and filters.empty:
            raise ExpertInputError(
                "Type what you are looking for, e.g. 'online radicalisation', or choose a "
                "filter such as area or country."
            )
        others = self.engine.guilds() - {guild_id}
        scope = Scope(guild_id, filters, searcher, self.engine.shared(guild_id), partners,
                      every_other_linked=others <= set(partners))  # fmt: skip
        job = functools.partial(self._search, parsed, scope, page, as_typed)
        try:
            found = await self.engine.run(job)
        except IndexBuilding:
            raise ExpertInputError(REBUILDING) from None
        results = found.results
        corrected = found.corrected
        suggestion, without_filters = None, 0
        if not results and not parsed.empty and not filters.empty:
            words_alone = replace(scope, filters=Filters())
            unfiltered = await self.engine.run(
                functools.partial(self._search, parsed, words_alone, 0, as_typed)
            )
            without_filters = unfiltered.hits.total
        if not results and not without_filters:
            suggestion = await asyncio.to_thread(self.nearest_keyword, guild_id, text)
        pages = max(1, -(-found.hits.total // PAGE_SIZE))
        return SearchPage(
            results, found.hits.total, found.page, pages, corrected, suggestion, without_filters
        )

    def _search(
        self, parsed: ParsedQuery, scope: Scope, page: int, as_typed: bool, index: SearchIndex
    ) -> _Found:
        """On a worker thread: typos corrected against the live index, then the query; the
        page's profiles are read and their reasons found while the count still runs."""
        corrected: dict[str, str] = {}
        fixed: list[Word] = []
        for word in parsed.words:
            better = None if as_typed else correction(index, scope.within(), word)
            if better is not None:
                corrected[word.typed] = better.term
                meant = stems_of(better.term)
                word = Word(word.typed, meant if better.alone else (*word.stems, *meant))
            fixed.append(word)
        parsed = typing(index, replace(parsed, words=fixed))
        stems = self._area_stems(scope.guild_id).items()
        boost = {slug for slug, found in stems if found & self._matched(parsed)}
        if scope.filters.area:
            boost.add(scope.filters.area)
        query = ranking(parsed, scope, boost, index)
        hits = index.search(query, PAGE_SIZE, page * PAGE_SIZE, settle=page > 0)
        if page:  # a page past the end (the results shrank meanwhile) shows the last one
            last = max(0, (hits.total - 1) // PAGE_SIZE)
            if page > last and hits.total:
                hits = index.search(query, PAGE_SIZE, last * PAGE_SIZE)
            page = min(page, last)
        people = self.engine.read_profiles(scope.guild_id, hits.keys)
        matched = self._matched(parsed)
        prefix = plain(parsed.prefix.typed) if parsed.prefix else None
        results = [Result(p, self._why(p, matched, prefix, scope.filters)) for p in people]
        return _Found(hits.settle(), page, parsed, corrected, results)

    @staticmethod
    def _matched(parsed: ParsedQuery) -> set[str]:
        found = {s for w in parsed.words for s in w.stems}
        return found | {s for p in parsed.phrases for w in p for s in w.stems}

    def _area_stems(self, guild_id: int) -> dict[str, set[str]]:
        """The stems of each area's name on this server, to find areas a search names (its
        own list, kept until the server's moderators change it)."""
        catalog = self._catalogs.of(guild_id)
        kept = self._stems.get(guild_id)
        if kept is None or kept[0] is not catalog:
            stems = {a.slug: {s for w in words(a.name) for s in stems_of(w)} for a in catalog.areas}
            kept = self._stems[guild_id] = (catalog, stems)
        return kept[1]

    def _check_filters(self, guild_id: int, filters: Filters) -> None:
        if filters.area and self._catalogs.of(guild_id).get(filters.area) is None:
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

    async def partner_servers(
        self, guild_id: int, served: Callable[[int], bool]
    ) -> tuple[int, ...]:
        """The linked servers a partner search covers: only those this bot still serves (a
        server that removed the bot keeps its data for a while, but nobody searches it)."""
        linked = tuple(g for g in await linked_guild_ids(self._db, guild_id) if served(g))
        if not linked:
            raise ExpertInputError(NO_PARTNERS)
        return linked

    # -- why it matched ---------------------------------------------------------------------------

    def _why(
        self, profile: Profile, matched: set[str], prefix: str | None, filters: Filters
    ) -> list[str]:
        """Reasons in the member's own words: a keyword as written, an area, or the words of
        another field that matched (never a stem)."""

        def hits(text: str) -> list[str]:
            written = dict.fromkeys(words(text))  # each word once, in order
            return [w for w in written if stem(w) in matched
                    or (prefix is not None and plain(w).startswith(prefix))]  # fmt: skip

        reasons = [f"{k} (expertise)" for k in profile.expertise if hits(k)]
        catalog, stems = self._catalogs.of(profile.guild_id), self._area_stems(profile.guild_id)
        for slug in profile.areas:
            area = catalog.get(slug)
            if area and (stems.get(slug, set()) & matched or slug == filters.area):
                reasons.append(f"{area.name.lower()} (area)")
        fields = to_doc(profile).fields
        for name in ("methods", "name", "affiliation", "bio"):
            if found := hits(fields[name]):
                reasons.append(f"{', '.join(found[:3])} ({name})")
        return list(dict.fromkeys(reasons))[:MAX_REASONS]

    # -- suggestions ---------------------------------------------------------------------------

    def nearest_keyword(self, guild_id: int, text: str) -> str | None:
        """The expertise keyword closest to a search that found no one, among the most used
        (all of them at 100,000 profiles would take a third of a second)."""
        keywords = self._suggestable(guild_id)
        if not text or not keywords:
            return None
        typed = fold(text)
        others = [k for k in keywords if _folded(k) != typed]  # never the search itself
        match = process.extractOne(
            typed, others, scorer=fuzz.WRatio, processor=_folded, score_cutoff=60
        )
        return None if match is None else str(match[0])

    def _suggestable(self, guild_id: int) -> list[str]:
        """The most used keywords, worked out again at most once a minute."""
        now = time.monotonic()
        cached = self._suggestions.get(guild_id)
        if cached is None or now - cached[0] > SUGGESTIONS_TTL:
            counts = Counter(dict(list(self.engine.keywords.get(guild_id, Counter()).items())))
            top = [k for k, n in counts.most_common(SUGGESTIONS) if n > 0]
            cached = self._suggestions[guild_id] = (now, top)
        return cached[1]

    async def common_keywords(self, guild_id: int, typed: str, limit: int = 25) -> list[str]:
        """For autocomplete: the most used expertise keywords containing what was typed."""
        return await asyncio.to_thread(self._common_keywords, guild_id, typed, limit)

    def _common_keywords(self, guild_id: int, typed: str, limit: int) -> list[str]:
        wanted = fold(typed.strip())
        counts = list(self.engine.keywords.get(guild_id, Counter()).items())
        folded: dict[str, tuple[str, int]] = {}
        for keyword, count in counts:
            key = _folded(keyword)
            if count <= 0 or wanted not in key:
                continue
            shown, total = folded.get(key, (keyword, 0))
            folded[key] = (shown, total + count)
        ranked = sorted(folded.values(), key=lambda item: (-item[1], item[0].casefold()))
        return [shown[:100] for shown, _ in ranked[:limit]]
