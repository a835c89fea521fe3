"""Reading typed lines without stopping the bot, with Tab completion (prompt_toolkit).

``prompt_async`` runs in the event loop, so the bot, the double and the scheduler keep
running while the member types. Completion runs in a worker thread
(``ThreadedCompleter``), because the bot's own autocomplete is a round trip through the
double on the event loop. When standard input is not a terminal (a script piped in), lines
are read plainly in a thread instead.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterator

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import (
    CompleteEvent,
    Completer,
    Completion,
    DummyCompleter,
    ThreadedCompleter,
)
from prompt_toolkit.document import Document

Candidates = Callable[[str, str], list[str]]  # (text before the word, the word) -> choices


class WordCompleter(Completer):
    """Offers ``candidates(before, word)`` for the word under the cursor."""

    def __init__(self, candidates: Candidates) -> None:
        self._candidates = candidates

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        text = document.text_before_cursor
        word = "" if text.endswith(" ") else text.rsplit(" ", 1)[-1]
        try:
            found = self._candidates(text[: len(text) - len(word)], word)
        except Exception:  # a failed completion must not break typing
            return
        for choice in found:
            yield Completion(choice, start_position=-len(word))


class LineReader:
    """One per terminal: the prompt's history and completion live as long as it does."""

    def __init__(self, candidates: Candidates | None = None) -> None:
        self._interactive = sys.stdin.isatty()
        completer = ThreadedCompleter(WordCompleter(candidates)) if candidates else None
        self._session: PromptSession[str] | None = (
            PromptSession(completer=completer, complete_while_typing=False)
            if self._interactive
            else None
        )

    async def read(self, prompt: str, complete: bool = True) -> str:
        """One line; EOFError at the end of input (Ctrl-D). Ctrl-C clears the line."""
        if self._session is None:
            return await _read_plainly(prompt)
        try:
            if complete:
                return await self._session.prompt_async(prompt)
            return await self._session.prompt_async(prompt, completer=DummyCompleter())
        except KeyboardInterrupt:
            return ""


async def _read_plainly(prompt: str) -> str:
    """``input()`` in a daemon thread, so an unfinished line never holds up the exit."""
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
