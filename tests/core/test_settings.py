"""Settings: defaults, parsing, and one clear line with exit code 2 when something is wrong."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def run_bot(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_are_usable() -> None:
    settings = load_settings()
    assert settings.database_path == Path("data/hub.sqlite3")
    assert settings.guild_ids == []
    assert settings.event_reminder_offsets == [timedelta(days=1), timedelta(hours=1)]
    assert settings.late_grace_period == timedelta(hours=6)
    assert settings.discord_api_base == "https://discord.com/api/v10"


def test_values_come_from_environment_and_dotenv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("HUB_GUILD_IDS=11, 22\nHUB_MODERATOR_ROLE=Stewards\n")
    monkeypatch.setenv("HUB_EVENT_REMINDER_OFFSETS", "15m,1d,1h")
    monkeypatch.setenv("HUB_LATE_GRACE_PERIOD", "1d 2h")
    monkeypatch.setenv("HUB_DISCORD_TOKEN", "abc.def")
    settings = load_settings()
    assert settings.guild_ids == [11, 22]
    assert settings.moderator_role == "Stewards"
    assert settings.event_reminder_offsets == [
        timedelta(days=1),
        timedelta(hours=1),
        timedelta(minutes=15),
    ]
    assert settings.late_grace_period == timedelta(days=1, hours=2)
    assert settings.require_token() == "abc.def"
    assert "abc.def" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("HUB_GUILD_IDS", "12,abc", "HUB_GUILD_IDS is invalid"),
        ("HUB_LATE_GRACE_PERIOD", "soon", "'soon' is not a duration"),
        ("HUB_EVENT_REMINDER_OFFSETS", "1h,0m", "longer than zero"),
        ("HUB_LOG_LEVEL", "LOUD", "HUB_LOG_LEVEL is invalid"),
        ("HUB_JOB_MAX_ATTEMPTS", "0", "HUB_JOB_MAX_ATTEMPTS is invalid"),
        ("HUB_DISCORD_API_BASE", "localhost:99", "must start with http://"),
        ("HUB_MODERATOR_ROLE", "", "HUB_MODERATOR_ROLE is invalid"),
    ],
)
def test_invalid_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert expected in message
    assert variable in message
    assert "\n" not in message


def test_missing_token_is_explained() -> None:
    with pytest.raises(SettingsError, match="HUB_DISCORD_TOKEN is not set"):
        load_settings().require_token()


def test_start_without_token_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_bot({}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "HUB_DISCORD_TOKEN is not set" in lines[0]
    assert "Traceback" not in result.stderr


def test_invalid_setting_exits_2_without_traceback(tmp_path: Path) -> None:
    result = run_bot({"HUB_GUILD_IDS": "not-a-number"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "HUB_GUILD_IDS is invalid" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_example_env_documents_every_setting() -> None:
    text = (ROOT / "config" / "example.env").read_text()
    documented = set(re.findall(r"^#?\s*(HUB_[A-Z_]+)=", text, flags=re.MULTILINE))
    expected = {f"HUB_{name.upper()}" for name in Settings.model_fields}
    assert documented == expected


def test_readme_configuration_table_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in Settings.model_fields:
        assert f"`HUB_{name.upper()}`" in readme, name


def test_bad_areas_file_stops_start_up_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "areas.toml"
    bad.write_text(
        '[groups]\nacute = "Acute"\n\n[[area]]\nslug = "x"\nname = "X"\n'
        'group = "slow"\npurpose = "p"\n'
    )
    result = run_bot({"HUB_CHALLENGE_AREAS_FILE": str(bad), "HUB_DISCORD_TOKEN": "t"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "area 1 ('x'): group 'slow' is not one of: acute" in result.stderr
    assert "Traceback" not in result.stderr
