"""/about and /hub health through the real bot and the Discord double."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.migrations import MIGRATIONS_DIR
from sandbox.double import DiscordDouble
from tests.e2e.harness import Hub

ROOT = Path(__file__).resolve().parents[2]


def field_values(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


async def test_about_answers_everyone_privately(hub: Hub) -> None:
    member = await hub.double.add_member(hub.guild_id, "amira")
    result = await hub.double.run_command(hub.guild_id, member.id, "about")
    assert result.ephemeral
    fields = field_values(result.embeds[0])
    assert fields["Version"] == "0.1.0"
    assert fields["Members with a profile"] == "0"
    # the weekly area digest and the monthly impact report (posted only when switched on)
    assert fields["Scheduled jobs pending"] == "2"


async def test_health_for_moderators(hub: Hub) -> None:
    moderator = await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])
    result = await hub.double.run_command(hub.guild_id, moderator.id, "hub health")
    assert result.ephemeral
    embed = result.embeds[0]
    assert embed["title"] == "Health: all working"
    fields = field_values(embed)
    assert fields["Database"].startswith("OK")
    assert fields["Schema version"] == str(len(list(MIGRATIONS_DIR.glob("*.sql"))))
    assert fields["Scheduler"] == "running"
    assert fields["Next due job"].startswith("<t:") and fields["Next due job"].endswith(":R>")


async def test_health_refuses_a_member_without_the_role(hub: Hub) -> None:
    member = await hub.double.add_member(hub.guild_id, "amira")
    result = await hub.double.run_command(hub.guild_id, member.id, "hub health")
    assert result.ephemeral
    assert result.embeds == []
    assert "This command is for moderators (the 'Moderator' role)" in result.content


async def test_unexpected_error_gets_an_error_id_and_is_logged(hub: Hub, caplog: Any) -> None:
    """A real fault (a table gone under the running bot), not a mock."""
    member = await hub.double.add_member(hub.guild_id, "amira")
    with sqlite3.connect(hub.db_path) as db:
        db.execute("DROP TABLE profile_keywords")
        db.execute("DROP TABLE profile_areas")
        db.execute("DROP TABLE profiles")
    result = await hub.double.run_command(hub.guild_id, member.id, "about")
    assert result.ephemeral
    assert "Sorry, something went wrong on our side" in result.content
    error_id = result.content.split("`")[1]
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)
    assert "no such table" not in result.content


async def test_error_after_a_defer_is_answered_as_a_follow_up(hub: Hub) -> None:
    member = await hub.double.add_member(hub.guild_id, "amira")
    asked = await hub.double.run_command(hub.guild_id, member.id, "profile delete")
    with sqlite3.connect(hub.db_path) as db:
        db.execute("DROP TABLE profile_roles")
    result = await hub.double.click(
        hub.guild_id, member.id, asked.message, f"profiles:erase:{member.id}"
    )
    assert result.type == 6
    assert result.followups and result.followups[0].ephemeral
    assert "give a moderator this error id" in result.followups[0].content


async def test_bot_started_as_a_user_would(discord_double: DiscordDouble, tmp_path: Path) -> None:
    """`python -m bot` in a subprocess, configured only through environment variables."""
    guild = discord_double.create_guild("Research Hub")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_DISCORD_TOKEN=discord_double.bot_token,
        HUB_DATABASE_PATH=str(tmp_path / "hub.sqlite3"),
        HUB_GUILD_IDS=str(guild.id),
        HUB_DISCORD_API_BASE=discord_double.api_base,
        HUB_DISCORD_GATEWAY_URL=discord_double.gateway_url,
        HUB_GUILD_READY_TIMEOUT="0.05",
        PYTHONPATH=str(ROOT),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        await discord_double.wait_until_ready(timeout=20)
        member = await discord_double.add_member(guild.id, "amira")
        result = await discord_double.run_command(guild.id, member.id, "about", timeout=10)
        assert field_values(result.embeds[0])["Version"] == "0.1.0"
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert "stopped cleanly" in log
    assert discord_double.bot_token not in log


async def test_the_bot_resumes_after_the_gateway_drops(hub: Hub) -> None:
    member = await hub.double.add_member(hub.guild_id, "amira")
    await hub.double.drop_gateway()
    await hub.double.wait_for(lambda: hub.double.gateway.resumes == 1, what="a RESUME")
    result = await hub.double.run_command(hub.guild_id, member.id, "about")
    assert field_values(result.embeds[0])["Version"] == "0.1.0"
