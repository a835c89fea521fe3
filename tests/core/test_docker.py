"""The README's Docker command keeps the database in the volume, whatever .env says.

``docker run --env-file .env`` used to carry ``HUB_DATABASE_PATH=data/hub.sqlite3`` from
config/example.env over the image's ``/data`` path: the database went to /app/data, outside
the volume and not writable by the image's user. The first test applies Docker's own
precedence (image ENV, then --env-file, then -e) to the files as they are; the second
builds and runs the image where a Docker daemon is available.
"""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "HUB_DATABASE_PATH"


def documented_run() -> list[str]:
    """The README's `docker run` command line, as words."""
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith("docker run "):
            return shlex.split(line)
    raise AssertionError("the README documents no `docker run` command")


def image_env() -> dict[str, str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            found.update(dict(re.findall(r"(\w+)=(\S+)", line)))
    return found


def env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#") and "=" in line)  # fmt: skip
    return {key.strip(): value.strip() for key, value in pairs}


def effective_env(words: list[str], dot_env: Path) -> tuple[dict[str, str], list[str]]:
    """(the container's HUB_ settings, its volume mount targets), as Docker resolves them."""
    env = image_env()
    explicit: dict[str, str] = {}
    mounts: list[str] = []
    for flag, value in itertools.pairwise(words):
        if flag == "--env-file":
            env.update(env_file(dot_env))
        elif flag == "-e":
            key, _, val = value.partition("=")
            explicit[key] = val
        elif flag == "-v":
            mounts.append(value.split(":")[1])
    env.update(explicit)  # -e wins over --env-file
    return env, mounts


def test_the_documented_command_keeps_the_database_in_the_volume() -> None:
    env, mounts = effective_env(documented_run(), ROOT / "config" / "example.env")
    database = PurePosixPath(env[KEY])
    assert database.is_absolute(), database
    assert any(database.is_relative_to(m) for m in mounts), (database, mounts)


def test_a_dot_env_with_the_old_line_still_keeps_it_in_the_volume(tmp_path: Path) -> None:
    """Operators who copied config/example.env before the fix still have the line."""
    old = tmp_path / ".env"
    old.write_text("HUB_DISCORD_TOKEN=x\nHUB_DATABASE_PATH=data/hub.sqlite3\n")
    env, mounts = effective_env(documented_run(), old)
    assert any(PurePosixPath(env[KEY]).is_relative_to(m) for m in mounts), env[KEY]


def docker_ready() -> bool:
    if shutil.which("docker") is None:
        return False
    info = subprocess.run(["docker", "info"], capture_output=True, timeout=30, check=False)
    return info.returncode == 0


def test_the_image_builds_and_resolves_the_database_inside_the_volume(tmp_path: Path) -> None:
    if not docker_ready():
        pytest.skip("Docker is not available here (no docker command or no daemon): the image "
                    "was not built; the precedence tests above still ran")  # fmt: skip
    tag = "research-hub-bot:test"
    subprocess.run(["docker", "build", "-t", tag, str(ROOT)], check=True, timeout=900)
    dot_env = tmp_path / ".env"
    dot_env.write_text((ROOT / "config" / "example.env").read_text() + "\nHUB_DISCORD_TOKEN=x\n")
    words = documented_run()
    words[words.index("--env-file") + 1] = str(dot_env)
    probe = "from bot.settings import load_settings; print(load_settings().database_path)"
    words[words.index("-v") + 1] = "research-hub-bot-test-data:/data"
    run = ["docker", "run", "--rm", *words[2:-1], tag, "python", "-c", probe]
    result = subprocess.run(run, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("/data/"), result.stdout
