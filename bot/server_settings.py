"""Settings moderators change per server with /hub config; the environment gives defaults.

A server's own value lives in ``server_settings`` (one row a setting, its value as JSON);
without one, the ``HUB_`` environment variable (bot/settings.py) applies. Only the settings
listed in ``CONFIGURABLE`` can be changed this way: each is validated against the same
bounds as its environment variable, so a value a moderator types can never be one the bot
would refuse at start-up.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.settings import Settings
from bot.text import excerpt


@dataclass(frozen=True)
class Configurable:
    """One setting moderators may change: its field in Settings and how it reads."""

    name: str  # the Settings field, e.g. "mentor_weight_areas"
    label: str
    group: str
    help: str

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
        Configurable("report_monthly", "Reports: monthly impact report", "reports",
                     "whether last month's impact report is posted to the moderators' channel "
                     "on the first working day of each month"),
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


def allowed(name: str) -> str:
    """What the setting accepts, in words."""
    if is_switch(name):
        return "on or off"
    low, high = bounds(name)
    return f"a number from {low:g} to {high:g}"


def parse(name: str, typed: str) -> Any:
    """The typed text as the setting's value, within the bounds of its environment variable
    ("on", "yes" and "true" all switch on; "1,5" is read as 1.5)."""
    text = typed.strip()
    label = CONFIGURABLE[name].label
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
    return value


def shown(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Current:
    """A setting's value on one server, and whether the server chose it."""

    setting: Configurable
    value: Any
    default: Any
    own: bool


class ServerSettings:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings

    def default(self, name: str) -> Any:
        return getattr(self._settings, name)

    async def get(self, guild_id: int, name: str) -> Any:
        """The server's own value, or the environment's default."""
        row = await self._db.fetchone(
            "SELECT value FROM server_settings WHERE guild_id = ? AND name = ?", (guild_id, name)
        )
        return json.loads(row["value"]) if row is not None else self.default(name)

    async def all(self, guild_id: int) -> list[Current]:
        rows = await self._db.fetchall(
            "SELECT name, value FROM server_settings WHERE guild_id = ?", (guild_id,)
        )
        own = {str(r["name"]): json.loads(r["value"]) for r in rows}
        return [
            Current(c, own.get(name, self.default(name)), self.default(name), name in own)
            for name, c in CONFIGURABLE.items()
        ]

    async def set(self, guild_id: int, name: str, value: Any) -> None:
        await self._db.execute(
            "INSERT INTO server_settings (guild_id, name, value, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, name) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            (guild_id, name, json.dumps(value), to_db_time(self._clock.now())),
        )

    async def reset(self, guild_id: int, name: str) -> bool:
        """Back to the environment's default; False when the server had no value of its own."""
        removed = await self._db.execute(
            "DELETE FROM server_settings WHERE guild_id = ? AND name = ?", (guild_id, name)
        )
        return removed > 0

    async def mentor_weights(self, guild_id: int) -> tuple[float, float, float, float]:
        """(areas, text, hours, country), as the matching round uses them."""
        areas, text, hours, country = [
            float(await self.get(guild_id, name)) for name in MENTOR_WEIGHTS
        ]
        return areas, text, hours, country
