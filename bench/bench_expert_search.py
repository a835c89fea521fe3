"""Expert search at 10,000 and 100,000 realistic profiles, on the tantivy index.

Run: python -m bench.bench_expert_search [count ...]      (default: 10000 100000)

For each size, on profiles from bench/profile_generator.py (seeded in a child process, so
the RSS figures are the search's own): the first build (off the event loop, with the loop's
worst stall meanwhile), RSS before and after, start-up to the first answer in a fresh
process on the index on disk, ExpertService.find p50/p95/p99 per query kind, warm and cold
(the first run of each query after opening), one edit until search shows it, a rebuild
while searching (every answer counted, none may be empty), typo precision on 120
misspellings of words that are in the profiles, how many top-5 results of phrase queries
hold the phrase, and FTS5 bm25() over the same data as the baseline.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

from bench.profile_generator import AMERICAN, DOMAIN, PHRASES, profiles, typo_list, vocabulary
from bot.challenge_areas import load_areas
from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.migrations import migrate
from bot.server_areas import ServerAreas
from cogs.experts.search_index import Filters, SearchIndex
from cogs.experts.search_query import Correction, Scope, correction, ranking, typing
from cogs.experts.search_service import ExpertInputError, ExpertService
from cogs.experts.search_text import Word, parse, stems_of
from cogs.profiles.service import ProfileService

GUILD = 1
DE = Filters(country="DE")
RARE = vocabulary()[len(DOMAIN) + 1500]
TYPOS = typo_list()
KINDS: list[tuple[str, list[str]]] = [
    ("common term", ["radicalisation"]),
    ("two terms", ["online radicalisation"]),
    ("rare term", [RARE]),
    ("typo", [t for t, _ in TYPOS[:20]]),
    ("phrase", [f'"{p}"' for p in PHRASES]),
]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    return f"{statistics.median(ordered) * 1000:.2f} / {at(0.95):.2f} / {at(0.99):.2f}"


# -- seeding (child process) --------------------------------------------------------------------


async def seed(path: Path, count: int) -> None:
    db = await Database.open(path)
    await migrate(db, Clock())
    now = to_db_time(Clock().now())
    people = list(profiles(count))
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO profiles (guild_id, user_id, name, affiliation, expertise, methods, bio, "
            "country, career_stage, languages, timezone, open_to, verification, confirmed_at, "
            "created_at, updated_at, searchable, visibility) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'UTC', ?, ?, ?, ?, ?, ?, ?)",
            [(GUILD, p["user_id"], p["name"], p["affiliation"], json.dumps(p["expertise"]),
              p["methods"], p["bio"], p["country"], p["career_stage"], json.dumps(p["languages"]),
              json.dumps(p["open_to"]), "verified" if p["verified"] else "none", now, now, now,
              int(bool(p["searchable"])), p["visibility"]) for p in people],
        )  # fmt: skip
        await tx.executemany(
            "INSERT INTO profile_areas (guild_id, user_id, area_slug, joined_at) VALUES (?, ?, ?, ?)",
            [(GUILD, p["user_id"], a, now) for p in people for a in p["areas"]],  # type: ignore[attr-defined]
        )
        await tx.execute(
            "CREATE VIRTUAL TABLE bench_fts USING fts5(expertise, name, methods, affiliation, bio, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        await tx.execute(
            "INSERT INTO bench_fts (rowid, expertise, name, methods, affiliation, bio) "
            "SELECT user_id, expertise, name, methods, affiliation, bio FROM profiles"
        )
    await db.close()


def service_for(db: Database) -> ExpertService:
    catalog = ServerAreas(load_areas())
    return ExpertService(db, catalog, ProfileService(db, Clock(), catalog))


async def ready(path: Path, repeat: int) -> None:
    """In a fresh process, as the bot after a restart: open the index on disk, answer one
    search, then measure the queries (cold: the first run of each in this process)."""
    db = await Database.open(path)
    service = service_for(db)
    service.engine.start()
    while not await answered(service):  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    print("answered", flush=True)
    began = time.perf_counter()
    await service.engine.start()
    print(f"checked {time.perf_counter() - began:.2f}", flush=True)
    await query_table(service, repeat)
    print(f"  RSS of this process after the queries: {rss_mb():.0f} MB")
    print(f"  typo precision: {await typo_precision(service)}")
    quoted, loose = await phrase_precision(service, True), await phrase_precision(service, False)
    print(f"  top-5 results holding the phrase: quoted {quoted}, unquoted {loose}")
    ours = [await timed(partial(service.find, GUILD, "radicalisation", Filters()))
            for _ in range(50)]  # fmt: skip
    base = fts(path, "radicalisation", 10)
    print(f"  baseline FTS5 bm25, common term: p50 {statistics.median(base) * 1000:.1f} ms; "
          f"ours {statistics.median(ours) * 1000:.2f} ms: "
          f"{statistics.median(base) / statistics.median(ours):.0f}x", flush=True)  # fmt: skip
    await service.close()
    await db.close()


async def answered(service: ExpertService) -> bool:
    """Whether a search finds anyone yet (with no index on disk, one is built first)."""
    try:
        return bool((await service.find(GUILD, "radicalisation", Filters())).results)
    except ExpertInputError:  # the index is being built
        return False


# -- measuring ------------------------------------------------------------------------------


class Stalls:
    """How late the event loop wakes a 5 ms sleeper: its worst stall while work runs."""

    def __init__(self) -> None:
        self.late: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            began = time.perf_counter()
            await asyncio.sleep(0.005)
            self.late.append(time.perf_counter() - began - 0.005)

    def __enter__(self) -> Stalls:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()

    def worst(self) -> str:
        return f"{max(self.late, default=0) * 1000:.1f} ms" if self.late else "n/a"


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    began = time.perf_counter()
    await call()
    return time.perf_counter() - began


def floor(text: str, filters: Filters, index: SearchIndex) -> float:
    """On a worker thread: tantivy's own top 5 for the same query (the words as typed, no
    correction, count, reranking, profile reading or reasons): what no search can beat."""
    parsed = typing(index, parse(text))
    query = ranking(parsed, Scope(GUILD, filters, None, shared=False), set(), index).scoring
    began = time.perf_counter()
    index.searcher.search(query, 5, count=False)
    return time.perf_counter() - began


async def query_table(service: ExpertService, repeat: int) -> None:
    print(f"  {'query':<22} {'cold ms':>7} {'warm p50 / p95 / p99 ms':>24} "
          f"{'tantivy alone p50 / p95':>24} {'p95 ratio':>9}")  # fmt: skip
    for label, texts in KINDS:
        for filters, suffix in ((Filters(), ""), (DE, ", country")):
            cold = [await timed(partial(service.find, GUILD, t, filters)) for t in texts]
            warm, bare = [], []
            for i in range(repeat):
                text = texts[i % len(texts)]
                warm.append(await timed(partial(service.find, GUILD, text, filters)))
                bare.append(await service.engine.run(partial(floor, text, filters)))
            ratio = sorted(warm)[int(len(warm) * 0.95)] / max(
                sorted(bare)[int(len(bare) * 0.95)], 1e-9
            )
            print(f"  {label + suffix:<22} {statistics.median(cold) * 1000:>7.2f} "
                  f"{pct(warm):>24} {' / '.join(pct(bare).split(' / ')[:2]):>24} "
                  f"{ratio:>9.1f}")  # fmt: skip


async def edit_visible(service: ExpertService, db: Database) -> str:
    samples = []
    visible = await db.fetchall(
        "SELECT user_id FROM profiles WHERE searchable = 1 ORDER BY user_id LIMIT 5"
    )
    for i, row in enumerate(visible):
        word, user = f"quorblex{i}zyx", int(row["user_id"])
        began = time.perf_counter()
        await db.execute(
            "UPDATE profiles SET methods = ? WHERE guild_id = ? AND user_id = ?",
            (f"{word} interviews", GUILD, user),
        )
        await service.refresh(GUILD, user)
        found = await service.find(GUILD, word + " ", Filters())
        samples.append(time.perf_counter() - began)
        assert [r.profile.user_id for r in found.results] == [user], word
    return f"p50 {statistics.median(samples) * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms"


async def rebuild_while_searching(service: ExpertService) -> str:
    began = time.perf_counter()
    task = asyncio.get_running_loop().create_task(service.engine.rebuild())
    samples, totals = [], []
    with Stalls() as stalls:
        while not task.done():
            t0 = time.perf_counter()
            page = await service.find(GUILD, "online radicalisation", Filters())
            samples.append(time.perf_counter() - t0)
            totals.append(page.total)
    await task
    took = time.perf_counter() - began
    return (f"{took:.2f} s; {len(samples)} searches meanwhile, p50/p95/p99 {pct(samples)} ms, "
            f"fewest found {min(totals)}; loop's worst stall {stalls.worst()}")  # fmt: skip


async def typo_precision(service: ExpertService) -> str:
    def fix(word: Word, index: SearchIndex) -> Correction | None:
        return correction(index, (), word)

    reached, missed = 0, []
    for typo, intended in TYPOS:
        word = parse(typo).words[0]
        fixed = await service.engine.run(partial(fix, word))
        if fixed is not None and set(stems_of(fixed.term)) & set(stems_of(intended)):
            reached += 1
        else:
            missed.append(f"{typo}->{fixed.term if fixed else '-'} ({intended})")
    shown = ", ".join(missed[:8])
    return f"{reached} of {len(TYPOS)} reach the intended word; missed e.g. {shown}"


def holds(text: str, phrase: str) -> bool:
    flat = " ".join(text.casefold().replace("-", " ").split())
    american = " ".join(AMERICAN.get(w, w) for w in phrase.split())
    return phrase in flat or american in flat


async def phrase_precision(service: ExpertService, quoted: bool) -> str:
    good = total = 0
    for phrase in PHRASES:
        page = await service.find(GUILD, f'"{phrase}"' if quoted else phrase, Filters())
        for result in page.results:
            p = result.profile
            text = " ; ".join([*p.expertise, p.methods, p.bio])
            good += holds(text, phrase)
            total += 1
    return f"{good} of {total}"


def fts(path: Path, text: str, repeat: int) -> list[float]:
    raw = sqlite3.connect(path)
    match = " OR ".join(f'"{w}"' for w in text.split())
    sql = ("SELECT rowid FROM bench_fts WHERE bench_fts MATCH ? "
           "ORDER BY bm25(bench_fts, 3, 2, 1.5, 1, 1) LIMIT 5")  # fmt: skip
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        raw.execute(sql, (match,)).fetchall()
        samples.append(time.perf_counter() - began)
    raw.close()
    return samples


async def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        began = time.perf_counter()
        seeding = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.bench_expert_search", "--seed", str(path), str(count)
        )
        assert await seeding.wait() == 0
        print(f"\n{count:,} profiles (seeded in {time.perf_counter() - began:.1f} s)")
        before = rss_mb()
        db = await Database.open(path)
        service = service_for(db)
        cpu = time.process_time()
        with Stalls() as stalls:
            build = await timed(lambda: service.load(GUILD))
        cpu = time.process_time() - cpu  # every thread's: Python's and tantivy's
        print(f"  first build {build:.2f} s off the event loop, {cpu:.1f} s of CPU (loop's "
              f"worst stall {stalls.worst()}); {service.engine.count(GUILD):,} searchable "
              "profiles")  # fmt: skip
        print(f"  RSS {before:.0f} MB before, {rss_mb():.0f} MB after the build")
        print(f"  one edit until search shows it: {await edit_visible(service, db)}")
        print(f"  rebuild while searching: {await rebuild_while_searching(service)}")
        await service.close()
        await db.close()
        repeat = "300" if count <= 10_000 else "200"
        began = time.perf_counter()
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.bench_expert_search", "--ready", str(path), repeat,
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert child.stdout is not None
        answered = (await child.stdout.readline()).decode()
        first = time.perf_counter() - began
        checked = (await child.stdout.readline()).decode().split()[-1]
        assert answered.startswith("answered")
        print(
            f"  process start to first answer (index on disk): {first:.2f} s; "
            f"its check against SQLite then took {checked} s in the background"
        )
        print((await child.stdout.read()).decode(), end="")
        assert await child.wait() == 0


async def main(args: list[str]) -> None:
    if args[:1] == ["--seed"]:
        await seed(Path(args[1]), int(args[2]))
    elif args[:1] == ["--ready"]:
        await ready(Path(args[1]), int(args[2]))
    else:
        for count in [int(a) for a in args] or [10_000, 100_000]:
            await run(count)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
