"""Starting the sandbox as a person does, with settings and paths they may have."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.sandbox.test_offline import sandbox_env


def run_sandbox(
    cwd: Path, *args: str, typed: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", *args],
        input=typed, capture_output=True, text=True, timeout=180, cwd=cwd,
        env={**sandbox_env(), **env},
    )  # fmt: skip


def test_the_demo_server_is_built_when_announcements_need_approval(tmp_path: Path) -> None:
    """Before: "SeedError: ... expected 'Scheduled'" and a traceback, while building."""
    done = run_sandbox(
        tmp_path, typed="as moderator\n/announce list\nquit\n",
        HUB_ANNOUNCE_REQUIRE_APPROVAL="true",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr
    assert "Demo server ready" in done.stdout
    assert "This week in the network" in done.stdout
    assert "every Monday at 09:00" in done.stdout


def test_a_database_from_an_earlier_run_is_refused_in_one_line(tmp_path: Path) -> None:
    """Before: the old server's jobs ran against the new one ("announcement 1 failed and
    there is no audit channel")."""
    used = tmp_path / "hub.sqlite3"
    first = run_sandbox(tmp_path, "--db", str(used), typed="quit\n")
    assert first.returncode == 0, first.stderr[-3000:]
    again = run_sandbox(tmp_path, "--db", str(used), typed="quit\n")
    assert again.returncode == 2
    assert again.stdout == ""
    assert again.stderr.strip().splitlines() == [
        f"research-hub-bot sandbox: {used} already holds the database of an earlier sandbox "
        "run, and its demo server cannot be continued (the local Discord starts empty each "
        "time). Give a new path with --db, or delete that file."
    ]


def test_an_unusable_database_path_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    done = run_sandbox(tmp_path, "--db", str(tmp_path / "a-file" / "hub.sqlite3"))
    assert done.returncode == 3
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("research-hub-bot sandbox stopped: ")
    assert lines[0].endswith(
        "Check the path given with --db: its folder must exist and be writable."
    )
