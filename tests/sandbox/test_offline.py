"""The offline sandbox end to end: the tour as CI runs it, and the terminal in a terminal."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sandbox.double.checking import CONFORMANCE_ENV
from sandbox.double.tally import Tally
from tests.conformance_report import record

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def sandbox_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONPATH"] = str(ROOT)
    env["TERM"] = "dumb"
    return env


def test_tour_exits_zero_and_checks_every_step(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    """The tour also checks all its traffic against Discord's specification."""
    report = tmp_path / "conformance.json"
    env = {**sandbox_env(), CONFORMANCE_ENV: str(report)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--tour", "--db", str(tmp_path / "t.sqlite3")],
        capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    tally = Tally.load(report)
    record(pytestconfig, tally)
    assert tally.problems == [], "\n".join(tally.problems[:20])
    assert tally.totals()[0] > 500  # requests were checked, not skipped
    out = done.stdout
    assert "Demo server ready" in out and "41 members" in out
    assert "✗" not in out
    assert "Tour finished: every step got the expected answer." in out
    for seen in ("══ hub", "══ profiles", "══ areas", "══ experts", "══ server",
                 "(only you can see this)",
                 "Your introduction is posted.", "[1] Accept  [2] Decline",
                 "expired without an answer"):  # fmt: skip
        assert seen in out
    assert (tmp_path / "t.sqlite3").exists()


def test_the_bot_itself_never_loads_the_sandbox() -> None:
    """Only `python -m bot sandbox` imports sandbox/, by name; starting the bot does not."""
    check = (
        "import sys, bot.__main__, bot.app\n"
        "from bot.app import feature_packages\n"
        "import importlib\n"
        "for name in feature_packages(): importlib.import_module(name)\n"
        "loaded = [m for m in sys.modules if m == 'sandbox' or m.startswith('sandbox.')]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          env=sandbox_env(), timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr


def terminal_env() -> dict[str, str]:
    """A real terminal type, so prompt_toolkit draws as it would for a person; the pty does
    not answer cursor-position requests, so tell prompt_toolkit not to send them."""
    return {**sandbox_env(), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}


class Pty:
    """A person at a real terminal: type lines, wait to see text."""

    def __init__(self, cwd: Path) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "sandbox"],
            stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=terminal_env(),
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.seen = b""

    def expect(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        wanted = text.encode()
        while wanted not in ANSI.sub(b"", self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"did not see {text!r}; saw:\n{self.text()[-3000:]}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:
                    break
        found = self.text()
        self.seen = self.seen[self.seen.find(wanted) + len(wanted) :]
        return found

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def text(self) -> str:
        return ANSI.sub(b"", self.seen).decode(errors="replace")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        os.close(self.master)


def test_the_terminal_through_a_pseudo_terminal(tmp_path: Path) -> None:
    term = Pty(tmp_path)
    try:
        term.expect("[amira] >")
        term.type("as moder\t")  # Tab completes the handle; Enter once it shows, as a person does
        term.expect("ator")
        term.type("\n")
        term.expect("as moderator")  # the accepted line, drawn whole
        term.expect("You are now moderator")
        term.type("/hub hea\t")  # Tab completes the subcommand
        term.expect("lth")
        term.type("\n")
        term.expect("/hub health")
        term.expect("Gateway latency")
        term.type("as amira\n")
        term.expect("You are now amira (Amira Haddad, Europe/London)")
        term.type("/expert find query:dro\t")  # the bot's own autocomplete
        term.expect("nes")
        term.type("\n")
        term.expect("query:drones")
        term.expect("Introduce me: Liam O'Brien")
        term.type("click 1\n")
        term.expect("Who you are:")
        term.type("PhD researcher\n")
        term.expect("What you would like to discuss:")
        term.type("Drones at protests\n")  # a paragraph field: lines up to one with only "."
        term.expect("  |")
        term.type("and near airports\n")
        term.expect("  |")
        term.type(".\n")
        term.expect("By when (optional):")
        term.type("\n")
        term.expect("Your request was sent to Liam O'Brien")
        term.type("/profile view member:nobody\n")
        term.expect("There is no member 'nobody'.")
        term.type("wait 3d\n")  # amira answered Going to the seeded clinic in 3 days
        term.expect("(3d passed)")
        term.type("dms 2\n")
        term.expect("Reminder: Evaluation methods clinic starts")
        term.type("wait 12d\n")
        term.expect("(12d passed)")
        term.type("dms 1\n")
        term.expect("expired without an answer")
        term.type("quit\n")
        code = term.process.wait(timeout=30)
        term.expect("", timeout=1)
        assert code == 0, term.text()[-3000:]
    finally:
        term.close()
