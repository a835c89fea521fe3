"""The offline sandbox: time until the demo server is ready, and the cost of one member's
introduction as the seed drives it.

The seed waits only for each answer of the bot; the baseline waits, as the end-to-end
tests do, for the bot to go quiet after every step. Both introduce the same fictional
members in the same sandbox, in the same run.

Run: python -m bench.bench_sandbox [members]
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import time

from sandbox.app import running_sandbox
from sandbox.people import PEOPLE
from sandbox.seed import introduce


async def main(count: int) -> None:
    started = time.perf_counter()
    async with running_sandbox(say=lambda text: None) as sandbox:
        ready = time.perf_counter() - started
        people = [PEOPLE[i % len(PEOPLE)] for i in range(2 * count)]
        timings = {}
        for label, settle, batch in (
            ("seed (answer only)", False, people[:count]),
            ("baseline (settle after each step)", True, people[count:]),
        ):
            began = time.perf_counter()
            for n, person in enumerate(batch):
                copy = dataclasses.replace(person, handle=f"{label[:4]}{n}")
                await introduce(sandbox, copy, settle=settle)
            await sandbox.double.settle()
            timings[label] = (time.perf_counter() - began) / count * 1000
    print(f"demo server ready (double, bot and every feature's seed): {ready:.1f} s")
    for label, ms in timings.items():
        print(f"one introduction, {label}: {ms:.0f} ms")
    ours, baseline = timings.values()
    print(f"ratio: {baseline / ours:.1f}x faster than the baseline")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
