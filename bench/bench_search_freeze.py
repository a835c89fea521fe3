"""Freeze probe: does the bot answer while the expert search index is built or rebuilt?

The real bot runs against the Discord double on a database of ``count`` realistic profiles
(bench/profile_generator.py) with no index yet, so it builds one at start-up; /about is sent
one after another meanwhile, then during a second, explicit rebuild, then with nothing
running (the baseline). Goal: p99 under 100 ms while the index is built at 100,000.

Run: python -m bench.bench_search_freeze [count]      (default 100000)
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.running import start
from cogs.experts.cog import ExpertsCog


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return (f"{len(ordered)} answers, p50 {statistics.median(ordered) * 1000:.1f} / "
            f"p99 {p99:.1f} / max {ordered[-1] * 1000:.1f} ms")  # fmt: skip


async def probe(ask: Callable[[], Awaitable[object]], busy: Callable[[], bool]) -> list[float]:
    """Time /about, one after another, while ``busy()`` holds (at least once)."""
    samples: list[float] = []
    while busy() or not samples:
        began = time.perf_counter()
        await ask()
        samples.append(time.perf_counter() - began)
    return samples


async def main(count: int) -> None:
    logging.disable(logging.WARNING)
    path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    seeding = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.bench_expert_search", "--seed", str(path), str(count)
    )
    assert await seeding.wait() == 0
    running = await start(path)
    double, guild, bot = running.double, running.guild, running.bot
    member = await double.add_member(guild.id, "bench")
    cog = bot.get_cog("ExpertsCog")
    assert isinstance(cog, ExpertsCog)
    engine = cog.service.engine

    async def ask() -> None:
        await double.run_command(guild.id, member.id, "about", settle=False)

    began = time.perf_counter()
    building = await probe(ask, lambda: not engine.serving)
    print(f"{count:,} profiles, first build at start-up ({time.perf_counter() - began:.1f} s "
          f"from ready): /about {summary(building)}")  # fmt: skip
    await engine.start()
    rebuild = asyncio.ensure_future(engine.rebuild())
    began = time.perf_counter()
    during = await probe(ask, lambda: not rebuild.done())
    await rebuild
    print(f"  during a rebuild ({time.perf_counter() - began:.1f} s): /about {summary(during)}")
    quiet = [await probe(ask, lambda: False) for _ in range(200)]
    print(f"  baseline, nothing running: /about {summary([s for q in quiet for s in q])}")
    await running.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
