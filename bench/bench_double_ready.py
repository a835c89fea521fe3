"""The Discord double plus the real bot: time to ready, and interactions per second.

Prints the time from nothing to a bot that is ready (target: under 0.3 s) and the rate of
1,000 sequential /about commands, against a baseline measured in the same run: the
same number of bare REST requests to the double (the transport's own ceiling). The clock
starts after ``bot.app`` and discord.py are imported; loading the features (their imports),
the migrations, the gateway handshake and command sync are inside it, as at every start.

Run: python -m bench.bench_double_ready [count]
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.running import start


async def main(count: int) -> None:
    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    running = await start(folder / "bench.sqlite3")
    ready = time.perf_counter() - started
    double, guild = running.double, running.guild
    member = await double.add_member(guild.id, "bench")

    began = time.perf_counter()
    for _ in range(count):
        await double.run_command(guild.id, member.id, "about", settle=False)
    bot_rate = count / (time.perf_counter() - began)

    headers = {"Authorization": f"Bot {double.bot_token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        began = time.perf_counter()
        for _ in range(count):
            async with session.get(double.api_base + "/users/@me") as response:
                await response.read()
        baseline_rate = count / (time.perf_counter() - began)

    await running.stop()
    print(f"double + bot ready:               {ready * 1000:7.0f} ms (target < 300 ms)")
    print(f"/about, {count} sequential:    {bot_rate:7.0f} interactions/s")
    print(f"baseline, {count} bare REST calls: {baseline_rate:7.0f} requests/s")
    print(f"ratio (interactions / baseline):  {bot_rate / baseline_rate:7.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
