"""The terminal in-process: a crash keeps the terminal alive, and buttons outlive a restart."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from sandbox.app import running_sandbox
from sandbox.terminal import Terminal


async def test_a_crash_shows_its_error_id_and_buttons_survive_a_restart(tmp_path: Path) -> None:
    out = io.StringIO()
    notes: list[str] = []
    async with running_sandbox(tmp_path / "hub.sqlite3", notes.append) as sandbox:
        terminal = Terminal(sandbox, out)
        await terminal.execute("/expert find query:evaluation")
        assert any(line.startswith("│ Page 1 of ") for line in terminal.said), terminal.said
        await terminal.execute("restart")
        assert "The bot is back" in "\n".join(terminal.said)
        await terminal.execute("click Next")  # a button shown before the restart
        assert any(line.startswith("│ Page 2 of ") for line in terminal.said), terminal.said

        await terminal.execute("/profile timezone zone:Mars/Olympus")
        assert "(only you can see this)" in terminal.said
        assert "Mars/Olympus" in "\n".join(terminal.said)

        with sqlite3.connect(tmp_path / "hub.sqlite3") as raw:  # a real fault, by hand
            raw.execute("ALTER TABLE profiles RENAME TO profiles_gone")
        await terminal.execute("/profile view")
        said = "\n".join(terminal.said)
        assert "something went wrong on our side" in said
        assert "(the bot's log: " in said and "ERROR" in said

        await terminal.execute("fly away")
        assert terminal.said == ["'fly' is not something I know. Type help for the list."]
        with sqlite3.connect(tmp_path / "hub.sqlite3") as raw:
            raw.execute("ALTER TABLE profiles_gone RENAME TO profiles")
        await terminal.execute("as ben")
        assert terminal.said == ["You are now ben (Ben Okafor, Africa/Lagos)."]
    assert any("Demo server ready" in n for n in notes)
