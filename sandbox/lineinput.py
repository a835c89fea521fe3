"""Reading typed lines without stopping the bot, with Tab completion from the stdlib.

``input()`` runs in a daemon thread so the event loop (the bot, the double, the scheduler)
keeps running while the member types, and so an unfinished line never holds up the exit.
Completion uses ``readline`` (GNU readline or macOS libedit); where it is missing, lines
are still read, only without Tab.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

Candidates = Callable[[str, str], list[str]]  # (text before the word, the word) -> choices


async def read_line(prompt: str) -> str:
    """One line; EOFError at the end of input or on Ctrl-C."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def read() -> None:
        try:
            line = input(prompt)
        except BaseException as exc:  # EOFError, KeyboardInterrupt
            loop.call_soon_threadsafe(_settle, future, None, exc)
            return
        loop.call_soon_threadsafe(_settle, future, line, None)

    threading.Thread(target=read, daemon=True).start()
    return await future


def _settle(future: asyncio.Future[str], line: str | None, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(EOFError() if isinstance(error, KeyboardInterrupt) else error)
    else:
        future.set_result(line or "")


def set_up_completion(candidates: Candidates) -> None:
    """Tab offers ``candidates(before, word)`` for the word under the cursor."""
    try:
        import readline
    except ImportError:  # Windows without a readline: no completion, input still works
        return
    matches: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:
            line = readline.get_line_buffer()
            try:
                matches[:] = candidates(line[: readline.get_begidx()], text)
            except Exception:  # a failed completion must not break typing
                matches[:] = []
        return matches[state] if state < len(matches) else None

    readline.set_completer_delims(" ")
    readline.set_completer(complete)
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
