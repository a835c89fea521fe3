"""The double's in-memory Discord: servers, members, roles, channels, messages, events.

Each object renders itself as the JSON payload Discord would send, with ids as strings.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
_sequence = itertools.count(1)

# Permission bits the double cares about (Discord's documented values).
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MANAGE_ROLES = 1 << 28
MANAGE_EVENTS = 1 << 33
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
CREATE_EVENTS = 1 << 44

EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | EMBED_LINKS | ATTACH_FILES
)
BOT_PERMISSIONS = (
    MANAGE_CHANNELS | VIEW_CHANNEL | SEND_MESSAGES | MANAGE_MESSAGES | EMBED_LINKS | ATTACH_FILES
    | READ_MESSAGE_HISTORY | MANAGE_ROLES | MANAGE_EVENTS | MANAGE_THREADS
    | CREATE_PUBLIC_THREADS | CREATE_PRIVATE_THREADS | SEND_MESSAGES_IN_THREADS | CREATE_EVENTS
)  # fmt: skip


def snowflake() -> int:
    """A unique id shaped like Discord's: milliseconds since 2015, then a counter."""
    millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (millis << 22) | (next(_sequence) & 0x3FFFFF)


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    name: str
    bot: bool = False
    dms_open: bool = True
    dm_channel_id: int | None = None
    locale: str = "en-US"  # the Discord client's language, sent with each interaction

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
            "primary_guild": None,
        }


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    position: int = 1
    permissions: int = 0
    managed: bool = False
    bot_id: int | None = None
    mentionable: bool = False
    hoist: bool = False
    color: int = 0

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.name

    def payload(self, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": None,
            "avatar": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "banner": None,
            "communication_disabled_until": None,
            "premium_since": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


@dataclass
class Channel:
    id: int
    guild_id: int | None
    name: str
    type: int = 0  # 0 text, 1 DM, 4 category, 11 public thread, 12 private thread
    parent_id: int | None = None
    topic: str | None = None
    position: int = 0
    permission_overwrites: list[dict[str, Any]] = field(default_factory=list)
    owner_id: int | None = None
    thread_members: set[int] = field(default_factory=set)
    recipient: User | None = None
    invitable: bool = True
    archived: bool = False
    locked: bool = False

    @property
    def is_thread(self) -> bool:
        return self.type in (10, 11, 12)

    def payload(self) -> dict[str, Any]:
        if self.type == 1:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": 1,
                "recipients": [self.recipient.payload()],
                "last_message_id": None,
                "flags": 0,
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "nsfw": False,
            "flags": 0,
            "rate_limit_per_user": 0,
            "last_message_id": None,
        }
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id) if self.owner_id else None,
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso_now(),
                    "locked": self.locked,
                    "invitable": self.invitable,
                },
                message_count=0,
                member_count=len(self.thread_members),
                total_message_sent=0,
            )
        else:
            data["topic"] = self.topic
            data["permission_overwrites"] = self.permission_overwrites
        return data


@dataclass
class Message:
    """A message as stored; ``visible_to`` is set for ephemeral ones."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    allowed_mentions: dict[str, Any] | None = None
    flags: int = 0
    attachments: list[dict[str, Any]] = field(default_factory=list)
    pinned: bool = False
    visible_to: int | None = None
    interaction_id: int | None = None
    edited: bool = False
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": iso_now(),
            "edited_timestamp": iso_now() if self.edited else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {k: v for k, v in a.items() if k not in ("data", "bytes")} for a in self.attachments
            ],
            "embeds": self.embeds,
            "pinned": self.pinned,
            "type": 0,
            "flags": self.flags,
            "components": self.components,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.interaction_id is not None:
            data["application_id"] = str(self.author.id)
            data["webhook_id"] = str(self.author.id)
        return data

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]

    def custom_id(self, prefix: str) -> str:
        """The first component's custom id starting with ``prefix`` (the button a test means,
        whatever ids follow it); fails, naming those there are, when none does."""
        found = next((c for c in self.custom_ids() if c.startswith(prefix)), None)
        if found is None:
            raise AssertionError(
                f"no component's custom id starts with {prefix!r}: {self.custom_ids()}"
            )
        return found

    def buttons(self) -> dict[str, str]:
        """Each labelled button's custom id, by its label (what a member sees to press)."""
        return {
            str(c["label"]): str(c["custom_id"])
            for c in iter_components(self.components)
            if "custom_id" in c and "label" in c
        }

    def component(self, custom_id: str) -> dict[str, Any] | None:
        return next(
            (c for c in iter_components(self.components) if c.get("custom_id") == custom_id), None
        )


def number_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each component without one the numeric ``id`` Discord assigns (1, 2, ... in
    reading order, after the highest id the bot chose), as Discord does when it stores them."""
    found = iter_components(components)
    used = {c["id"] for c in found if isinstance(c.get("id"), int)}
    next_id = max(used, default=0)
    for component in found:
        if not isinstance(component.get("id"), int):
            next_id += 1
            component["id"] = next_id
    return components


def iter_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component, flattening action rows, labels and containers."""
    found: list[dict[str, Any]] = []
    for component in components:
        found.append(component)
        found.extend(iter_components(component.get("components", [])))
        if isinstance(component.get("component"), dict):
            found.extend(iter_components([component["component"]]))
    return found


# Fields Discord's specification requires on a guild that the double has no use for.
GUILD_DEFAULTS: dict[str, Any] = {
    "home_header": None, "application_id": None, "region": "deprecated",
    "widget_enabled": False, "widget_channel_id": None, "max_presences": None,
    "max_members": 250_000, "max_stage_video_channel_users": 50, "max_video_channel_users": 25,
    "premium_subscription_count": 0, "safety_alerts_channel_id": None, "nsfw": False,
    "incidents_data": None,
}  # fmt: skip


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    events: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def top_position(self, user_id: int) -> int:
        member = self.members.get(user_id)
        if member is None:
            return 0
        return max((self.roles[r].position for r in member.roles if r in self.roles), default=0)

    def permissions_of(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return (1 << 50) - 1
        member = self.members.get(user_id)
        bits = self.everyone.permissions
        if member is not None:
            for role_id in member.roles:
                if role_id in self.roles:
                    bits |= self.roles[role_id].permissions
        return (1 << 50) - 1 if bits & ADMINISTRATOR else bits

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": iso_now(),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [],
            "members": [m.payload() for m in self.members.values()],
            "channels": [c.payload() for c in self.channels.values() if not c.is_thread],
            "threads": [c.payload() for c in self.channels.values() if c.is_thread],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": list(self.events.values()),
            "soundboard_sounds": [],
        } | GUILD_DEFAULTS
