"""``python -m bot`` with a token but no way to reach Discord, as an operator meets it."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.core.test_settings import run_bot


def closed_port() -> int:
    """A local port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_discord_out_of_reach_is_one_clear_line_and_a_failing_exit(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{closed_port()}/api/v10"
    env = {
        "HUB_DISCORD_TOKEN": "MTIz.not-a-real.token",
        "HUB_DATABASE_PATH": str(tmp_path / "hub.sqlite3"),
        "HUB_DISCORD_API_BASE": api,
    }
    result = run_bot(env, cwd=tmp_path)
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"research-hub-bot: cannot reach Discord at {api}; check the network or "
        "HUB_DISCORD_API_BASE."
    )
