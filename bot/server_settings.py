"""Settings moderators change per server with /hub config; the environment gives defaults.

A server's own value lives in ``server_settings`` (one row a setting, its value as JSON);
without one, the ``HUB_`` environment variable (bot/settings.py) applies. Only the settings
listed in ``CONFIGURABLE`` can be changed this way: each is validated by the same rules as
its environment variable, so a value a moderator types can never be one the bot would refuse
at start-up. ``for_server()`` gives a server's whole Settings, its own values over the
environment's, for code that reads a setting where a server's value applies.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.geo import search_zones, zone_named
from bot.settings import Settings
from bot.text import excerpt
from bot.timeparse import format_duration

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Configurable:
    """One setting moderators may change: its field in Settings and how it reads."""

    name: str  # the Settings field, e.g. "mentor_weight_areas"
    label: str
    group: str
    help: str
    takes: str = ""  # what it accepts, in words, for settings other than numbers and switches

    @property
    def env(self) -> str:
        return f"HUB_{self.name.upper()}"


CONFIGURABLE: dict[str, Configurable] = {
    c.name: c
    for c in (
        Configurable("mentor_weight_areas", "Mentoring: weight of shared areas", "mentoring",
                     "how much shared challenge areas count in a match"),
        Configurable("mentor_weight_text", "Mentoring: weight of goals and expertise",
                     "mentoring", "how much the mentee's goals and methods fitting the "
                     "mentor's expertise counts"),
        Configurable("mentor_weight_hours", "Mentoring: weight of shared working hours",
                     "mentoring", "how much overlapping working hours count"),
        Configurable("mentor_weight_country", "Mentoring: country bonus", "mentoring",
                     "the bonus for pairing across countries (or within one, when asked)"),
        Configurable("announce_require_approval", "Announcements: second moderator approves",
                     "announcements", "whether a new announcement waits for another "
                     "moderator's Approve before it goes live"),
        Configurable("audit_channel", "Channels: moderators' audit channel", "channels",
                     "where the audit log is mirrored for moderators",
                     "a channel name or id, e.g. audit-log"),
        Configurable("announcements_channel", "Channels: announcements", "channels",
                     "where events without an area are announced",
                     "a channel name or id, e.g. announcements"),
        Configurable("moderator_role", "Roles: moderators", "roles",
                     "whose members may use moderator commands (server administrators "
                     "always may)", "a role name or id, e.g. Moderator"),
        Configurable("event_organiser_role", "Roles: event organisers", "roles",
                     "whose members may create events (moderators always may)",
                     "a role name or id, e.g. Organiser"),
        Configurable("introduced_role", "Roles: introduced members", "roles",
                     "the role a member gets when their introduction is confirmed (it can "
                     "unlock channels)", "a role name or id, e.g. Introduced"),
        Configurable("verified_role", "Roles: verified members", "roles",
                     "the role a member gets when a moderator approves their introduction",
                     "a role name or id, e.g. Verified"),
        Configurable("welcome_channel", "Channels: welcome", "channels",
                     "where newcomers are greeted and asked to introduce themselves",
                     "a channel name or id, e.g. welcome"),
        Configurable("introductions_channel", "Channels: introductions", "channels",
                     "where intro cards are posted (and the private threads of mentoring pairs "
                     "and introduced members)", "a channel name or id, e.g. introductions"),
        Configurable("verification_channel", "Channels: verification queue", "channels",
                     "the moderators' queue of new introductions to approve; none turns "
                     "verification off", "a channel name or id, e.g. verification"),
        Configurable("requests_channel", "Channels: expert requests", "channels",
                     "whose private threads carry introduction requests and enquiries to "
                     "members whose DMs are closed", "a channel name or id, e.g. expert-requests"),
        Configurable("profile_retention", "Members: keep a leaver's data", "members",
                     "how long a departed member's data is kept in case they come back",
                     "a length such as 30d or 12h"),
        Configurable("event_reminder_offsets", "Events: default reminders", "events",
                     "the reminders a new event gets before it starts",
                     "lengths before the start, separated by commas, such as 1d,1h"),
        Configurable("digest_day", "Areas: weekly digest day", "areas",
                     "the weekday each area's weekly digest is posted",
                     "a weekday: mon, tue, wed, thu, fri, sat or sun"),
        Configurable("digest_hour", "Areas: weekly digest hour", "areas",
                     "the hour (in the server's time zone) each area's weekly digest is posted"),
        Configurable("report_monthly", "Reports: monthly impact report", "reports",
                     "whether last month's impact report is posted to the moderators' channel "
                     "on the first working day of each month"),
        Configurable("server_timezone", "Time: the server's time zone", "time",
                     "the clock of the weekly digest, the monthly report and matching rounds, "
                     "and how times are read for members with no zone in their profile",
                     "a time zone or its city, e.g. Europe/Berlin or Nairobi"),
        Configurable("area_access", "Areas: who sees area channels", "areas",
                     "whether every introduced member sees the area channels, or only the "
                     "members who joined each area", "introduced or members"),
    )
}  # fmt: skip
MENTOR_WEIGHTS = ("mentor_weight_areas", "mentor_weight_text", "mentor_weight_hours",
                  "mentor_weight_country")  # fmt: skip


class SettingValueError(ValueError):
    """A value a moderator typed that the setting does not accept; the message says why."""


def bounds(name: str) -> tuple[float | None, float | None]:
    """The (lowest, highest) a numeric setting accepts, from its Settings field."""
    low = high = None
    for rule in Settings.model_fields[name].metadata:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return low, high


def is_switch(name: str) -> bool:
    return Settings.model_fields[name].annotation is bool


def is_number(name: str) -> bool:
    return Settings.model_fields[name].annotation in (float, int)


def is_whole(name: str) -> bool:
    return Settings.model_fields[name].annotation is int


def allowed(name: str) -> str:
    """What the setting accepts, in words."""
    if is_switch(name):
        return "on or off"
    if not is_number(name):
        return CONFIGURABLE[name].takes
    low, high = bounds(name)
    kind = "a whole number" if is_whole(name) else "a number"
    return f"{kind} from {low:g} to {high:g}"


def _validated(name: str, value: Any) -> Any:
    """``value`` through the Settings field's own rules (types, bounds, validators)."""
    holder = Settings.model_construct()
    Settings.__pydantic_validator__.validate_assignment(holder, name, value)
    return getattr(holder, name)


def _parse_other(name: str, text: str) -> Any:
    """A name, a length or a list of lengths, read as its environment variable would be."""
    label = CONFIGURABLE[name].label
    typed = text.lstrip("#@").strip() if name.endswith(("_channel", "_role")) else text
    if name in ("digest_day", "area_access"):  # "Tue" as the variable's "tue"
        typed = typed.casefold()
    if name == "verification_channel" and typed.casefold() in ("none", "off"):
        return ""  # verification off on this server, whatever the environment says
    if name == "server_timezone":
        return _zone(typed)
    if not typed:
        raise SettingValueError(f"{label} needs a value: {allowed(name)}.")
    try:
        return _validated(name, typed)
    except ValidationError as exc:
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ").rstrip(".")
        raise SettingValueError(f"{reason}. {label} takes {allowed(name)}.") from None


def _zone(typed: str) -> str:
    """A zone from its IANA name or its city; a moderator who types a part of one is shown
    the zones it could be."""
    label = CONFIGURABLE["server_timezone"].label
    zone = zone_named(typed)
    if zone is not None:
        return zone
    close = search_zones(typed, limit=5) if typed else []
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise SettingValueError(
        f"'{excerpt(typed)}' is not a time zone I know.{hint} {label} takes "
        f"{allowed('server_timezone')}."
    )


def stored(value: Any) -> Any:
    """The value as JSON keeps it: a length as seconds."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, list):
        return [stored(item) for item in value]
    return value


def parse(name: str, typed: str) -> Any:
    """The typed text as the setting's value, within the bounds of its environment variable
    ("on", "yes" and "true" all switch on; "1,5" is read as 1.5)."""
    text = typed.strip()
    label = CONFIGURABLE[name].label
    if not is_switch(name) and not is_number(name):
        return _parse_other(name, text)
    if is_switch(name):
        try:
            return TypeAdapter(bool).validate_python(text)
        except ValidationError:
            raise SettingValueError(
                f"'{excerpt(text)}' is not on or off. {label} takes on or off (true or false)."
            ) from None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise SettingValueError(
            f"'{excerpt(text)}' is not a number. {label} takes {allowed(name)}, e.g. 1.5."
        ) from None
    low, high = bounds(name)
    if (
        math.isnan(value)
        or (low is not None and value < low)
        or (high is not None and value > high)
    ):
        raise SettingValueError(f"{text} is outside the range: {label} takes {allowed(name)}.")
    if is_whole(name):
        if not value.is_integer():
            raise SettingValueError(f"{text} is not a whole number: {label} takes "
                                    f"{allowed(name)}.")  # fmt: skip
        return int(value)
    return value


def shown(value: Any) -> str:
    if value == "":  # a channel left unset, such as no verification queue
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class Current:
    """A setting's value on one server, and whether the server chose it."""

    setting: Configurable
    value: Any
    default: Any
    own: bool


Listener = Callable[[int, str], Awaitable[None]]


class ServerSettings:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._listeners: list[Listener] = []

    def on_change(self, listener: Listener) -> None:
        """Call ``listener(guild_id, name)`` after a server's setting is set or reset: work
        planned from a setting (the weekly digest's time) is planned again at once."""
        self._listeners.append(listener)

    async def _changed(self, guild_id: int, name: str) -> None:
        for listener in self._listeners:
            await listener(guild_id, name)

    def default(self, name: str) -> Any:
        return getattr(self._settings, name)

    async def get(self, guild_id: int, name: str) -> Any:
        """The server's own value, or the environment's default."""
        row = await self._db.fetchone(
            "SELECT value FROM server_settings WHERE guild_id = ? AND name = ?", (guild_id, name)
        )
        if row is None:
            return self.default(name)
        return self._decoded(name, row["value"], self.default(name))

    @staticmethod
    def _decoded(name: str, text: str, default: Any) -> Any:
        try:
            return _validated(name, json.loads(text))
        except (ValidationError, ValueError):  # stored by an older version with other rules
            log.warning("server setting %s no longer valid; using the default", name)
            return default

    async def _own(self, guild_id: int) -> dict[str, Any]:
        rows = await self._db.fetchall(
            "SELECT name, value FROM server_settings WHERE guild_id = ?", (guild_id,)
        )
        return {
            str(r["name"]): self._decoded(str(r["name"]), r["value"], self.default(r["name"]))
            for r in rows
            if str(r["name"]) in Settings.model_fields
        }

    async def for_server(self, guild_id: int | None) -> Settings:
        """Every setting as it applies on this server: its own values over the environment's
        (the environment's alone without a server)."""
        if guild_id is None:
            return self._settings
        own = await self._own(guild_id)
        return self._settings.model_copy(update=own) if own else self._settings

    async def all(self, guild_id: int) -> list[Current]:
        own = await self._own(guild_id)
        return [
            Current(c, own.get(name, self.default(name)), self.default(name), name in own)
            for name, c in CONFIGURABLE.items()
        ]

    async def set(self, guild_id: int, name: str, value: Any) -> None:
        await self._db.execute(
            "INSERT INTO server_settings (guild_id, name, value, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, name) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            (guild_id, name, json.dumps(stored(value)), to_db_time(self._clock.now())),
        )
        await self._changed(guild_id, name)

    async def reset(self, guild_id: int, name: str) -> bool:
        """Back to the environment's default; False when the server had no value of its own."""
        removed = await self._db.execute(
            "DELETE FROM server_settings WHERE guild_id = ? AND name = ?", (guild_id, name)
        )
        if removed:
            await self._changed(guild_id, name)
        return removed > 0

    async def zone(self, guild_id: int | None) -> str:
        """The server's time zone (IANA name): its own, else the environment's."""
        if guild_id is None:
            return self._settings.server_timezone
        return str(await self.get(guild_id, "server_timezone"))

    async def mentor_weights(self, guild_id: int) -> tuple[float, float, float, float]:
        """(areas, text, hours, country), as the matching round uses them."""
        areas, text, hours, country = [
            float(await self.get(guild_id, name)) for name in MENTOR_WEIGHTS
        ]
        return areas, text, hours, country
