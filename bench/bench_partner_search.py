"""Expert search across partner networks against one large server (issue 20).

Run: python -m bench.bench_partner_search [count]      (default: 100000)

The same realistic profiles (bench/profile_generator.py) are seeded twice in child
processes: once as one server of ``count`` members, once as 20 servers of ``count / 20``
members each, all linked with the first, where every other member has chosen to be found by
partner networks. Each database gets its index built, then ExpertService.find p50/p95/p99
per query kind is measured in this process: on the single server, and from the first of the
20 with scope partners (its own members and the 19 partners' opted-in members). The goal is
a partner search's p95 within 1.5x the single server's; the ratio is printed per kind.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from bench.bench_expert_search import DE, GUILD, KINDS, pct, seed, service_for, timed
from bot.clock import Clock, to_db_time
from bot.db import Database
from cogs.experts.search_index import Filters
from cogs.experts.search_service import ExpertService

SERVERS = 20
REPEAT = 200


async def seed_federation(path: Path, count: int) -> None:
    """``count`` profiles spread over 20 servers; every other member opted in; all linked."""
    await seed(path, count)
    db = await Database.open(path)
    now = to_db_time(Clock().now())
    await db.execute("PRAGMA foreign_keys = OFF")  # both tables move server in one step
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE profiles SET guild_id = 1 + (user_id % ?), partner_visible = (user_id / ?) % 2",
            (SERVERS, SERVERS),
        )
        await tx.execute("UPDATE profile_areas SET guild_id = 1 + (user_id % ?)", (SERVERS,))
        await tx.executemany(
            "INSERT INTO partner_links (guild_low, guild_high, invited_from, created_at) "
            "VALUES (1, ?, 1, ?)",
            [(g, now) for g in range(2, SERVERS + 1)],
        )
    await db.close()


async def seeded(path: Path, count: int, federated: bool) -> None:
    kind = "--federation" if federated else "--single"
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.bench_partner_search", kind, str(path), str(count)
    )
    assert await child.wait() == 0


async def p95s(service: ExpertService, partners: tuple[int, ...]) -> dict[str, float]:
    """Warm p95 (ms) per query kind, with and without a country filter; prints the table."""
    found: dict[str, float] = {}
    for label, texts in KINDS:
        for filters, suffix in ((Filters(), ""), (DE, ", country")):
            samples = []
            for i in range(REPEAT):
                text = texts[i % len(texts)]
                call = partial(service.find, GUILD, text, filters, partners=partners)
                samples.append(await timed(call))
            ordered = sorted(samples)
            found[label + suffix] = ordered[int(len(ordered) * 0.95)] * 1000
            print(f"    {label + suffix:<24} p50 / p95 / p99 {pct(samples)} ms")
    return found


async def measure(path: Path, partners: tuple[int, ...]) -> dict[str, float]:
    db = await Database.open(path)
    service = service_for(db)
    began = time.perf_counter()
    await service.load(GUILD)
    print(f"  index built in {time.perf_counter() - began:.1f} s; "
          f"{service.engine.count(GUILD):,} profiles in server 1")  # fmt: skip
    result = await p95s(service, partners)
    await service.close()
    await db.close()
    return result


async def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        single, federation = Path(folder) / "single.sqlite3", Path(folder) / "fed.sqlite3"
        await asyncio.gather(seeded(single, count, False), seeded(federation, count, True))
        print(f"\none server of {count:,} members")
        alone = await measure(single, ())
        partners = tuple(range(2, SERVERS + 1))
        print(f"\n{SERVERS} servers of {count // SERVERS:,}, from server 1 with scope partners")
        wide = await measure(federation, partners)
        print("\n  p95 ratio, partners / one server (goal <= 1.5):")
        for kind, p95 in wide.items():
            print(f"    {kind:<24} {p95:.2f} / {alone[kind]:.2f} ms = "
                  f"{p95 / max(alone[kind], 1e-6):.2f}")  # fmt: skip
        ratios = [wide[k] / max(alone[k], 1e-6) for k in wide]
        print(f"  median ratio {statistics.median(ratios):.2f}, worst {max(ratios):.2f}")


async def main(args: list[str]) -> None:
    if args[:1] == ["--single"]:
        await seed(Path(args[1]), int(args[2]))
    elif args[:1] == ["--federation"]:
        await seed_federation(Path(args[1]), int(args[2]))
    else:
        await run(int(args[0]) if args else 100_000)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
