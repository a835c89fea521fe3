"""Keeps the search index in step with SQLite, off the event loop.

Every write (the start-up check, a rebuild, each profile change) runs on one worker thread,
in order, reading SQLite through its own read-only connection, so the bot answers every
interaction meanwhile and two changes of one profile can never land out of order. Searches
run on other threads against the last commit: during a rebuild they see the previous index;
only when there is none yet (first start, or a new index version) do they say so.

The index lives beside the database (``<db>.search/``): two bots or tests never share one.
At start-up an index on disk serves at once; its fingerprint (a sum of per-profile digests,
saved after each commit) is then compared with SQLite's and the index rebuilt if they
differ, e.g. after a crash between a profile's commit and the index's.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from cogs.experts.search_index import Doc, SearchIndex
from cogs.profiles.fields import Profile, Visibility
from cogs.profiles.service import profile_from_row

T = TypeVar("T")
MASK = (1 << 64) - 1
FIRST_BUILD_WAIT = 1.5  # seconds a search waits for a first build before saying so
WRITE_WAIT = 0.5  # seconds a search waits for profile changes already on their way in
SEARCHABLE = "status = 'active' AND searchable = 1"
OPEN_DETAILS = Visibility.MEMBERS.value


class IndexBuilding(Exception):
    """There is no index yet to answer from; one is being built."""


def to_doc(profile: Profile) -> Doc:
    """What search may match: restricted details (affiliation, bio) are left out."""
    open_details = profile.visibility is Visibility.MEMBERS
    return Doc(
        user_id=profile.user_id,
        guild_id=profile.guild_id,
        keywords=tuple(profile.expertise),
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
        partner_visible=profile.partner_visible,
    )


# What a build reads of each profile, as plain tuples; the JSON lists minified by SQLite,
# so that most are read by ``_strings`` (json.loads was a fifth of a build's Python time).
# Together with ``doc_from_row`` this is most of the Python time of a build, which is what
# keeps it within a few seconds at 100,000 profiles.
DOC_COLUMNS = (
    "guild_id, user_id, name, affiliation, methods, bio, country, career_stage, verification, "
    "visibility, json(expertise), json(open_to), json(languages), partner_visible"
)
WIDTH = 14  # the columns above


def doc_from_row(row: tuple[Any, ...], areas: tuple[str, ...]) -> Doc:
    """The same as ``to_doc(profile_from_row(...))`` from a ``DOC_COLUMNS`` row, a third of
    the time: a build reads every profile."""
    guild, user, name, affiliation, methods, bio, country, stage, verified, shown = row[:10]
    expertise, open_to, languages = _strings(row[10]), _strings(row[11]), _strings(row[12])
    open_details = shown == OPEN_DETAILS
    return Doc(
        user_id=user,
        guild_id=guild,
        keywords=tuple(expertise),
        fields={
            "expertise": " ; ".join(expertise),
            "name": name,
            "methods": methods,
            "affiliation": affiliation if open_details else "",
            "bio": bio if open_details else "",
        },
        verified=verified == "verified",
        areas=frozenset(areas),
        country=country,
        stage=stage,
        open_to=frozenset(open_to),
        languages=frozenset(languages),
        partner_visible=bool(row[13]),
        fingerprint=row_digest(row, areas),
    )


def _strings(text: str) -> list[str]:
    """A minified JSON list of strings. Without a backslash no string in it holds a quote,
    so '","' only ever separates two (any escape goes to json.loads)."""
    if text == "[]":
        return []
    if "\\" in text or not (text.startswith('["') and text.endswith('"]')):
        return list(json.loads(text))
    return text[2:-2].split('","')


def row_digest(row: tuple[Any, ...], areas: tuple[str, ...]) -> int:
    """A fingerprint of what a profile's index entry is made of: its row and areas (the
    same for a build and a change, which both read rows); never 0."""
    body = "\x1f".join(map(str, (*row[:WIDTH], *sorted(areas)))).encode()
    return int.from_bytes(hashlib.blake2b(body, digest_size=8).digest(), "big") or 1


class SearchEngine:
    def __init__(self, db_path: Path, folder: Path | None = None) -> None:
        self.index = SearchIndex(folder or db_path.with_name(db_path.name + ".search"))
        self._db_path = db_path
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-writer")
        self._started: asyncio.Future[None] | None = None
        self._serving = False
        self._ready = threading.Event()
        self._stopping = False
        self._lock = threading.Lock()
        self._local = threading.local()
        self._pending: set[tuple[int, int]] = set()
        self._writing: set[asyncio.Future[None]] = set()
        self._digests: dict[str, int] = {}
        self._expertise: dict[str, tuple[int, tuple[str, ...]]] = {}
        self.keywords: dict[int, Counter[str]] = {}
        self.builds = 0

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> asyncio.Future[None]:
        """Open (or build) the index in the background; idempotent."""
        if self._started is None:
            loop = asyncio.get_running_loop()
            self._started = loop.run_in_executor(self._writer, self._open_and_sync)
        return self._started

    async def close(self) -> None:
        """Stop a rebuild in progress, finish queued writes and release the index lock."""
        self._stopping = True
        await asyncio.to_thread(self._writer.shutdown, wait=True)
        self.index.close()

    def count(self, guild_id: int) -> int:
        """Profiles of this server in the index."""
        return sum(1 for g, _ in list(self._expertise.values()) if g == guild_id)

    def guilds(self) -> set[int]:
        """The servers with profiles in the index (or once had: a superset)."""
        return set(list(self.keywords))

    def shared(self, guild_id: int) -> bool:
        """Whether the index holds any other server (then each search filters by server)."""
        return self.guilds() != {guild_id}

    @property
    def serving(self) -> bool:
        return self._serving

    async def run(self, job: Callable[[SearchIndex], T]) -> T:
        """A read on a worker thread, against the last commit."""
        if not self._serving:
            self.start()
            if not await asyncio.to_thread(self._ready.wait, FIRST_BUILD_WAIT):
                raise IndexBuilding
        if self._writing:  # a member who just saved their profile finds it (read your writes)
            await asyncio.wait(list(self._writing), timeout=WRITE_WAIT)
        return await asyncio.to_thread(job, self.index)

    async def refresh(self, guild_id: int, user_id: int) -> None:
        """Re-index one member from SQLite after any change to their profile; returns once
        the change is committed (several queued changes share one commit)."""
        self.start()
        with self._lock:
            self._pending.add((guild_id, user_id))
        write = asyncio.get_running_loop().run_in_executor(self._writer, self._apply_pending)
        self._writing.add(write)
        write.add_done_callback(self._writing.discard)
        await write

    async def rebuild(self) -> None:
        """Everything again from SQLite (searches answer from the old index meanwhile)."""
        self.start()
        await asyncio.get_running_loop().run_in_executor(self._writer, self._rebuild)

    def read_profiles(self, home: int, keys: list[tuple[int, int]]) -> list[Profile]:
        """On a worker thread: the current profiles of a page of hits (server, member), in
        the hits' order. A profile hidden or gone since the index's last commit is left out,
        and so is a partner network's member who no longer lets partners find them, so a
        result always shows the profile as it stands now."""
        connection = self._reader()
        by_key: dict[tuple[int, int], sqlite3.Row] = {}
        areas: dict[tuple[int, int], list[str]] = {}
        for guild_id in dict.fromkeys(g for g, _ in keys):
            users = [u for g, u in keys if g == guild_id]
            marks = ", ".join("?" * len(users))
            partner = "" if guild_id == home else " AND +partner_visible = 1"
            rows = connection.execute(
                # "+" keeps SQLite on the primary key: without statistics it picks the index
                # on (guild_id, status) and reads every active profile (5 ms at 10,000).
                f"SELECT * FROM profiles WHERE guild_id = ? AND user_id IN ({marks}) "
                f"AND +status = 'active' AND +searchable = 1{partner}",
                (guild_id, *users),
            ).fetchall()
            by_key.update({(guild_id, int(r["user_id"])): r for r in rows})
            for user, slug in connection.execute(  # a page's areas in one query, not five
                "SELECT user_id, area_slug FROM profile_areas WHERE guild_id = ? "
                f"AND user_id IN ({marks}) ORDER BY user_id, area_slug",
                (guild_id, *users),
            ):
                areas.setdefault((guild_id, int(user)), []).append(str(slug))
        return [
            profile_from_row(by_key[key], tuple(areas.get(key, ())))
            for key in keys
            if key in by_key
        ]

    def _reader(self) -> sqlite3.Connection:
        """One read-only connection per search thread (sqlite3 objects stay in theirs)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        return connection

    # -- the writer thread -----------------------------------------------------------------

    def _connect(self, rows: bool = True) -> sqlite3.Connection:
        """Read-only; ``rows=False`` gives plain tuples (a build reads 100,000 of them)."""
        uri = self._db_path.resolve().as_uri() + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=30)
        if rows:
            connection.row_factory = sqlite3.Row
        return connection

    def _open_and_sync(self) -> None:
        state = self.index.open()
        if state is None:
            self._rebuild()
        else:
            self._serve()  # answer from the index on disk while it is checked
            self._forget()
            for doc in self._docs():
                self._remember(doc)
            if (state.get("digest"), state.get("count")) != self._fingerprint():
                self._rebuild()
        self._serve()

    def _serve(self) -> None:
        self._serving = True
        self._ready.set()

    def _rebuild(self) -> None:
        self._forget()
        docs = itertools.takewhile(lambda _: not self._stopping, self._docs())
        self.index.replace_all(self._remember(d) for d in docs)
        if self._stopping:
            return  # the commit above is partial: the state is not saved, the next start rebuilds
        self.index.save_state(*self._fingerprint())
        self.builds += 1

    def _apply_pending(self) -> None:
        with self._lock:
            taken, self._pending = self._pending, set()
        if not taken or self._stopping:
            return
        erased = False
        with self._connect(rows=False) as connection:
            for guild_id, user_id in sorted(taken):
                row = connection.execute(  # its last column: may it be found now?
                    f"SELECT {DOC_COLUMNS}, {SEARCHABLE} FROM profiles "
                    "WHERE guild_id = ? AND user_id = ?",
                    (guild_id, user_id),
                ).fetchone()
                erased |= row is None and f"{guild_id}:{user_id}" in self._digests
                self._forget_one(f"{guild_id}:{user_id}")
                if row is None or not row[-1]:  # gone, left, or hidden from search
                    self.index.remove(guild_id, user_id)
                    continue
                doc = doc_from_row(row, self._areas(connection, guild_id, user_id))
                self.index.upsert(self._remember(doc))
        if erased:  # deleted words stay in segment files until rewritten: erased means gone
            self._rebuild()
            return
        self.index.commit()
        self.index.save_state(*self._fingerprint())

    def _docs(self) -> Iterator[Doc]:
        with self._connect(rows=False) as connection:
            rows = connection.execute(  # each profile's areas joined by SQLite, not Python
                f"SELECT {DOC_COLUMNS}, (SELECT group_concat(area_slug, ',') FROM profile_areas "
                "AS a WHERE a.guild_id = p.guild_id AND a.user_id = p.user_id) "
                f"FROM profiles AS p WHERE {SEARCHABLE}"
            )
            for row in rows:
                areas = row[WIDTH]
                yield doc_from_row(row, tuple(areas.split(",")) if areas else ())

    @staticmethod
    def _areas(connection: sqlite3.Connection, guild_id: int, user_id: int) -> tuple[str, ...]:
        rows = connection.execute(
            "SELECT area_slug FROM profile_areas WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return tuple(str(r[0]) for r in rows)

    # -- what was indexed: fingerprints and expertise keywords ---------------------------------

    def _forget(self) -> None:
        self._digests.clear()
        self._expertise.clear()
        self.keywords.clear()

    def _remember(self, doc: Doc) -> Doc:
        key = doc.key
        self._digests[key] = doc.digest()
        keywords = tuple(doc.expertise)
        self._expertise[key] = (doc.guild_id, keywords)
        counts = self.keywords.get(doc.guild_id)
        if counts is None:
            counts = self.keywords[doc.guild_id] = Counter()
        counts.update(keywords)
        return doc

    def _forget_one(self, key: str) -> None:
        self._digests.pop(key, None)
        guild_id, keywords = self._expertise.pop(key, (0, ()))
        if keywords:
            self.keywords[guild_id].subtract(keywords)

    def _fingerprint(self) -> tuple[int, int]:
        return sum(self._digests.values()) & MASK, len(self._digests)
