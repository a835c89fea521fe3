"""Settings from ``HUB_*`` environment variables and an optional ``.env`` file.

Built by ``load_settings()`` at start-up, never at import time, so importing any module is
free of side effects and every error can be reported as one clear line (exit code 2).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.challenge_areas import DEFAULT_FILE as DEFAULT_AREAS_FILE
from bot.geo import is_zone
from bot.institutions import DEFAULT_FILE as DEFAULT_INSTITUTIONS_FILE
from bot.institutions import InstitutionConfigError, load_institutions
from bot.timeparse import parse_duration, parse_duration_list

ENV_PREFIX = "HUB_"


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line fit to print as it is."""


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


def _durations(value: Any) -> Any:
    return parse_duration_list(value) if isinstance(value, str) else value


def _id_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]
DurationList = Annotated[list[timedelta], NoDecode, BeforeValidator(_durations)]
IdList = Annotated[list[int], NoDecode, BeforeValidator(_id_list)]
ZoneList = Annotated[list[str], NoDecode, BeforeValidator(_id_list)]

StageList = Annotated[list[str], NoDecode, BeforeValidator(_id_list)]
CAREER_STAGES = ("early-career", "mid-career", "senior", "practitioner", "policy")


class Settings(BaseSettings):
    """Every setting, with the hint shown when it is wrong (and in config/example.env)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    discord_token: SecretStr | None = Field(
        default=None,
        description="The bot token from the Discord developer portal (Bot > Reset Token).",
    )
    database_path: Path = Field(
        default=Path("data/hub.sqlite3"),
        description="Path of the SQLite database file; its folder is created if missing.",
    )
    guild_ids: IdList = Field(
        default_factory=list,
        description="Comma-separated server ids to sync slash commands to at once "
        "(empty: sync globally, which Discord may take up to an hour to show).",
    )
    moderator_role: str = Field(
        default="Moderator",
        min_length=1,
        description="Name or id of the role whose members may use moderator commands.",
    )
    welcome_channel: str = Field(
        default="welcome", min_length=1, description="Name or id of the welcome channel."
    )
    introductions_channel: str = Field(
        default="introductions",
        min_length=1,
        description="Name or id of the channel where intro cards are posted.",
    )
    announcements_channel: str = Field(
        default="announcements",
        min_length=1,
        description="Name or id of the channel for announcements and events without an area.",
    )
    audit_channel: str = Field(
        default="audit-log",
        min_length=1,
        description="Name or id of the moderators' channel that mirrors the audit log.",
    )
    verification_channel: str = Field(
        default="",
        description="Name or id of the moderators' queue for new introductions; "
        "empty turns verification off.",
    )
    introduced_role: str = Field(
        default="Introduced",
        min_length=1,
        description="Role given when an introduction is confirmed (use it to unlock channels).",
    )
    verified_role: str = Field(
        default="Verified", min_length=1, description="Role given when a moderator verifies."
    )
    profile_retention: Duration = Field(
        default=timedelta(days=30),
        description="How long a departed member's data is kept in case they return, e.g. 30d.",
    )
    left_server_retention: Duration = Field(
        default=timedelta(days=30),
        description="How long a server's data is kept after the bot is removed from it, in "
        "case it is added back, e.g. 30d; then all of it is deleted.",
    )
    profile_nudge_after: Duration = Field(
        default=timedelta(days=180),
        description="After this long without confirmation a member is asked to check "
        "their profile, e.g. 180d.",
    )
    area_access: Literal["introduced", "members"] = Field(
        default="introduced",
        description="Who sees area channels: 'introduced' (every introduced member) or "
        "'members' (only those who joined the area).",
    )
    server_timezone: str = Field(
        default="UTC",
        description="The server's IANA time zone (digest, monthly report, matching rounds, "
        "times typed without a zone); each server may set its own with /hub config.",
    )
    digest_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = Field(
        default="mon", description="Weekday of the weekly area digest: mon, tue, ... sun."
    )
    digest_hour: int = Field(
        default=9, ge=0, le=23, description="Hour (0-23, server time zone) of the weekly digest."
    )
    requests_channel: str = Field(
        default="expert-requests",
        description="Name or id of the channel whose private threads (one per member) carry "
        "introduction requests and enquiries when a member's DMs are closed.",
    )
    expert_requests_per_day: int = Field(
        default=5, ge=1, le=100, description="Introduction requests a member may send a day."
    )
    expert_pending_per_requester: int = Field(
        default=3, ge=1, le=50, description="Unanswered requests a member may have at once."
    )
    expert_pending_per_expert: int = Field(
        default=5, ge=1, le=50, description="Unanswered requests an expert may receive at once."
    )
    expert_request_expiry: Duration = Field(
        default=timedelta(days=14), description="Unanswered requests expire after this, e.g. 14d."
    )
    saved_search_retention: Duration = Field(
        default=timedelta(days=30),
        description="Expert searches are kept this long for their page buttons, then deleted "
        "(a query may name another member), e.g. 30d.",
    )
    challenge_areas_file: Path = Field(
        default=DEFAULT_AREAS_FILE,
        description="The TOML file that lists the challenge areas.",
    )
    event_reminder_offsets: DurationList = Field(
        default_factory=lambda: [timedelta(days=1), timedelta(hours=1)],
        description="Default reminders before an event, comma-separated, e.g. 1d,1h.",
    )
    # -- events (issue 7) ---------------------------------------------------------------------
    event_organiser_role: str = Field(
        default="Organiser",
        min_length=1,
        description="Name or id of the role that may create events (moderators always may).",
    )
    event_zones: ZoneList = Field(
        default_factory=lambda: ["America/New_York", "Europe/London", "Australia/Sydney"],
        description="Comma-separated IANA zones every event preview shows its time in.",
    )
    event_offer_expiry: Duration = Field(
        default=timedelta(hours=12),
        description="How long a member promoted from a waitlist has to confirm the place, "
        "e.g. 12h; 0 promotes without asking.",
    )
    event_reminder_rate: float = Field(
        default=45.0,
        gt=0,
        le=1000,
        description="Requests a second the bot allows itself, retries after a 429 included "
        "(Discord allows 50; raise it only if Discord granted the bot a higher global limit).",
    )
    public_url: str = Field(
        default="",
        description="The address members' calendar apps reach the bot's feed server at, "
        "e.g. https://hub.example.org (behind your HTTPS proxy); empty turns it off and "
        "/event feed gives a file instead.",
    )
    feed_host: str = Field(
        default="127.0.0.1",
        min_length=1,
        description="The address the feed server listens on (0.0.0.0 for every interface).",
    )
    feed_port: int = Field(
        default=8080, ge=0, le=65535, description="The port the feed server listens on."
    )
    # -- end of events ---------------------------------------------------------------------

    # -- mentoring (issue 8) --------------------------------------------------------------------
    mentor_offer_stages: StageList = Field(
        default_factory=lambda: ["mid-career", "senior", "practitioner"],
        description="Career stages that may offer mentoring, comma-separated "
        "(early-career, mid-career, senior, practitioner, policy).",
    )
    mentor_request_stages: StageList = Field(
        default_factory=lambda: ["early-career"],
        description="Career stages that may ask for a mentor, comma-separated.",
    )
    mentor_weight_areas: float = Field(
        default=1.0, ge=0, le=10, description="Weight of shared challenge areas in a match (0-10)."
    )
    mentor_weight_text: float = Field(
        default=1.0,
        ge=0,
        le=10,
        description="Weight of how well the mentee's goals and methods fit the mentor's "
        "expertise, methods and offer (0-10).",
    )
    mentor_weight_hours: float = Field(
        default=0.5, ge=0, le=10, description="Weight of overlapping working hours (0-10)."
    )
    mentor_weight_country: float = Field(
        default=0.3,
        ge=0,
        le=10,
        description="Bonus for pairing across countries, or within one when the mentee "
        "asked for that (0-10).",
    )
    mentor_proposal_expiry: Duration = Field(
        default=timedelta(days=7),
        description="A proposal not answered by both within this returns them to the pool, "
        "e.g. 7d.",
    )
    mentor_max_missed: int = Field(
        default=2,
        ge=1,
        le=10,
        description="Proposals a member may leave unanswered in a row before their "
        "participation is paused.",
    )
    mentor_checkins: DurationList = Field(
        default_factory=lambda: [timedelta(days=14), timedelta(days=42), timedelta(days=90)],
        description="Check-ins after a pairing starts, comma-separated, e.g. 14d,42d,90d.",
    )
    mentor_min_overlap_hours: float = Field(
        default=2.0,
        ge=0,
        le=24,
        description="Hours of shared working time a mentor and mentee need at least (their "
        "longest shared stretch in a usual week); 0 turns the rule off.",
    )
    mentor_institutions_file: Path = Field(
        default=DEFAULT_INSTITUTIONS_FILE,
        description="The TOML file of known institutions and the other names they go by, "
        "used to find conflicts of interest in mentoring.",
    )
    mentor_round_cron: str = Field(
        default="",
        description="When matching rounds run by themselves, as a 5-field cron expression in "
        "the server's time zone, e.g. '0 9 * * 1' (Mondays 09:00); empty: only "
        "/mentor-admin match.",
    )
    # -- end of mentoring ---------------------------------------------------------------------
    # -- impact reports (issue 21) -------------------------------------------------------------
    report_min_count: int = Field(
        default=3,
        ge=2,
        le=100,
        description="Impact reports show any number under this as 'fewer than N', so no "
        "member can be picked out (2 to 100).",
    )
    report_monthly: bool = Field(
        default=False,
        description="Whether last month's impact report is posted to the audit channel on the "
        "first working day of each month, 09:00 server time (true or false).",
    )
    # -- end of impact reports ---------------------------------------------------------------
    late_grace_period: Duration = Field(
        default=timedelta(hours=6),
        description="How late scheduled work may still be delivered after downtime, e.g. 6h; "
        "later work is marked missed and reported in the audit channel.",
    )
    announce_require_approval: bool = Field(
        default=False,
        description="Whether a scheduled announcement waits for a second moderator's Approve "
        "before it goes live (true or false).",
    )
    job_max_attempts: int = Field(
        default=5, ge=1, le=20, description="Attempts for a failing scheduled job (1 to 20)."
    )
    job_retry_delay: Duration = Field(
        default=timedelta(seconds=30),
        description="First retry delay of a failing scheduled job; doubles on each attempt.",
    )
    worker_name: str = Field(
        default="main",
        min_length=1,
        max_length=100,
        description="This process's name in the scheduler, the same after each restart; give "
        "each process its own when several share one database.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="One of DEBUG, INFO, WARNING, ERROR."
    )
    discord_api_base: str = Field(
        default="https://discord.com/api/v10",
        description="For testing only: REST base URL of a local Discord-compatible server.",
    )
    discord_gateway_url: str = Field(
        default="wss://gateway.discord.gg/",
        description="For testing only: gateway websocket URL of a local Discord-compatible server.",
    )
    guild_ready_timeout: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="Seconds to wait for servers to arrive at start-up (lower in tests).",
    )

    @field_validator("discord_api_base", "discord_gateway_url")
    @classmethod
    def _looks_like_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError("must start with http://, https://, ws:// or wss://")
        return value.rstrip("/") if value.startswith("http") else value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (or http://), or be empty")
        return value.rstrip("/")

    @field_validator("server_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_zone(value):
            raise ValueError(f"'{value}' is not an IANA time zone such as Europe/London")
        return value

    @field_validator("event_zones")
    @classmethod
    def _known_zones(cls, value: list[str]) -> list[str]:
        unknown = [zone for zone in value if not is_zone(zone)]
        if unknown:
            raise ValueError(f"not IANA time zones: {', '.join(unknown)}")
        return value

    @field_validator("event_reminder_offsets")
    @classmethod
    def _positive_offsets(cls, value: list[timedelta]) -> list[timedelta]:
        if any(offset <= timedelta(0) for offset in value):
            raise ValueError("every offset must be longer than zero")
        return value

    @field_validator("mentor_offer_stages", "mentor_request_stages")
    @classmethod
    def _known_stages(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in CAREER_STAGES]
        if unknown or not value:
            raise ValueError(f"use one or more of {', '.join(CAREER_STAGES)}")
        return value

    @field_validator("mentor_checkins")
    @classmethod
    def _positive_checkins(cls, value: list[timedelta]) -> list[timedelta]:
        if any(offset <= timedelta(0) for offset in value):
            raise ValueError("every check-in must be after the start, e.g. 14d,42d,90d")
        return sorted(value)

    @field_validator("mentor_institutions_file")
    @classmethod
    def _institutions_readable(cls, value: Path) -> Path:
        try:
            load_institutions(value)
        except InstitutionConfigError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("mentor_round_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        value = value.strip()
        if value:
            from bot.wallclock import next_cron_time

            try:
                next_cron_time(value, "UTC", datetime(2026, 1, 1, tzinfo=UTC))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"not a cron expression: {exc}") from None
        return value

    def require_token(self) -> str:
        """The token, or a SettingsError telling how to get one."""
        if self.discord_token is None or not self.discord_token.get_secret_value().strip():
            raise SettingsError(
                f"{ENV_PREFIX}DISCORD_TOKEN is not set. Create a bot in the Discord developer "
                "portal (see README, 'Create the Discord application') and put "
                f"{ENV_PREFIX}DISCORD_TOKEN=<token> in .env or the environment."
            )
        return self.discord_token.get_secret_value().strip()


def _describe(error: Any) -> str:
    name = str(error["loc"][0]) if error["loc"] else "?"
    variable = f"{ENV_PREFIX}{name.upper()}"
    field = Settings.model_fields.get(name)
    hint = field.description if field and field.description else ""
    given = error.get("input")
    shown = (
        f" (got {given!r})"
        if isinstance(given, str | int | float) and name != "discord_token"
        else ""
    )
    reason = str(error["msg"]).removeprefix("Value error, ").rstrip(".")
    return f"{variable} is invalid{shown}: {reason}. {hint}".strip()


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment, turning validation errors into one line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(" | ".join(_describe(e) for e in exc.errors())) from None
