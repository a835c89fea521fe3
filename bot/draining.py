"""Letting handlers already running finish before a clean stop closes what they use.

discord.py runs each listener (``on_profile_changed``), command and button press in a task of
its own, named by the library. A stop that closed the database under them left a confirmed
introduction half-done and logged ``Connection closed`` after "stopped cleanly", so the bot
waits for those tasks (and any they start) first, up to a grace period.
"""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)

# The names discord.py 2.x gives the tasks that run listeners, commands, views and modals.
HANDLER_TASKS = ("discord.py: ", "CommandTree-invoker", "discord-ui-")


def running_handlers() -> set[asyncio.Task[object]]:
    """Listener, command and component tasks still running (not the caller's own task)."""
    current = asyncio.current_task()
    return {
        task
        for task in asyncio.all_tasks()
        if task is not current and not task.done() and task.get_name().startswith(HANDLER_TASKS)
    }


async def drain_handlers(grace: float) -> int:
    """Wait until no handler runs, including those started meanwhile; after ``grace``
    seconds cancel the rest (logged) so a stop never hangs. Returns how many were cancelled."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    while pending := running_handlers():
        remaining = deadline - loop.time()
        if remaining <= 0:
            log.warning("stopping: %d handler(s) still running after %.0f s", len(pending), grace)
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=1.0)
            return len(pending)
        await asyncio.wait(pending, timeout=remaining)
    return 0
