"""What /hub setup should create or change, worked out before anything is touched.

Plain data in, a plan out: the set-up command shows the plan (dry run), refuses it when the
bot lacks permissions, or carries it out step by step, recording each id only once its step
has succeeded.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from bot.challenge_areas import Area, AreaCatalog

CHANNEL_SETTINGS = (
    "welcome_channel",
    "introductions_channel",
    "announcements_channel",
    "audit_channel",
)
PRIVATE_SETTINGS = {"audit_channel", "verification_channel"}


@dataclass(frozen=True)
class ExistingChannel:
    id: int
    name: str
    type: str  # "text" or "category"
    parent_id: int | None = None
    topic: str | None = None
    shown_to: frozenset[int] = frozenset()  # role ids allowed to view by an overwrite
    hidden_from_everyone: bool = False


@dataclass(frozen=True)
class ExistingRole:
    id: int
    name: str
    position: int


@dataclass(frozen=True)
class GuildSnapshot:
    channels: list[ExistingChannel]
    roles: list[ExistingRole]
    bot_top_position: int
    can_manage_channels: bool
    can_manage_roles: bool


@dataclass(frozen=True)
class Step:
    """One change: create, rename, retopic or pin something for ``key``."""

    action: str  # create | rename | topic | pin | adopt
    kind: str  # category | channel | role | pin
    key: str
    name: str
    discord_id: int | None = None
    parent_key: str | None = None
    topic: str | None = None
    private: bool = False

    def describe(self) -> str:
        what = {
            "category": "category",
            "channel": "channel",
            "role": "role",
            "pin": "pinned message",
        }[self.kind]
        shown = f"#{self.name}" if self.kind == "channel" else f"'{self.name}'"
        if self.action == "create":
            return f"create {what} {shown}"
        if self.action == "rename":
            return f"rename {what} to {shown}"
        if self.action == "topic":
            return f"update the topic of #{self.name}"
        if self.action == "pin":
            return f"pin the 'about this area' message in #{self.name}"
        if self.action == "access":
            return f"set who can see #{self.name} (HUB_AREA_ACCESS)"
        return f"use the existing {what} {shown}"


@dataclass
class SetupPlan:
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Step]:
        return [s for s in self.steps if s.action != "adopt"]


def channel_name(name: str) -> str:
    """How Discord would name a text channel made from an area name."""
    lowered = re.sub(r"[^\w\s-]", "", name.lower())
    return re.sub(r"[\s_]+", "-", lowered).strip("-")[:100]


def group_title(catalog: AreaCatalog, group: str) -> str:
    return catalog.groups[group].split(":")[0].strip()[:100]


def about_text(area: Area, purpose: str, questions: list[str]) -> str:
    lines = [f"**About this area: {area.name}**", "", purpose]
    if questions:
        lines += ["", "Open questions:", *(f"- {q}" for q in questions)]
    lines += ["", "Join or leave areas with /areas browse. Members: /areas members."]
    return "\n".join(lines)[:2000]


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Planner:
    """Compares what should exist with what does, using stored ids first, then names."""

    def __init__(
        self, snapshot: GuildSnapshot, stored: dict[tuple[str, str], tuple[int, str]]
    ) -> None:
        self.snapshot = snapshot
        self.stored = stored
        self.plan = SetupPlan()
        self._channels = {c.id: c for c in snapshot.channels}
        self._roles = {r.id: r for r in snapshot.roles}
        self._adopted: dict[tuple[str, str], int] = {}  # ids this plan adopts, by key

    def channel(
        self, key: str, name: str, *, category: bool = False, parent_key: str | None = None,
        topic: str | None = None, private: bool = False, kind: str = "channel",
        by_setting: bool = False,
    ) -> None:  # fmt: skip
        wanted_type = "category" if category else "text"
        existing = self._known_channel(kind, key, name, wanted_type, by_setting)
        if existing is None:
            self.plan.steps.append(
                Step("create", kind, key, name, None, parent_key, topic, private)
            )
            return
        if (kind, key) not in self.stored or self.stored[(kind, key)][0] != existing.id:
            self.plan.steps.append(Step("adopt", kind, key, existing.name, existing.id))
        if existing.name != name:
            self.plan.steps.append(Step("rename", kind, key, name, existing.id))
        if topic is not None and (existing.topic or "") != topic:
            self.plan.steps.append(Step("topic", kind, key, name, existing.id, topic=topic))

    def _known_channel(
        self, kind: str, key: str, name: str, wanted: str, by_setting: bool = False
    ) -> ExistingChannel | None:
        """The channel stored for ``key``, else the one called ``name``. For a channel a
        server's setting names (/hub config makes it name one that exists), the one called
        ``name`` wins: renaming the old one to it would make two of that name."""
        stored = self.stored.get((kind, key))
        named = next(
            (c for c in self.snapshot.channels if c.name == name and c.type == wanted), None
        )
        if stored and stored[0] in self._channels:
            known = self._channels[stored[0]]
            return named if by_setting and named and known.name != name else known
        return named

    def role(self, key: str, name: str, by_setting: bool = False) -> None:
        """As ``channel``: the stored role, renamed if need be, except that a role a
        server's setting names is adopted by its name."""
        stored = self.stored.get(("role", key))
        existing = self._roles.get(stored[0]) if stored else None
        named = next((r for r in self.snapshot.roles if r.name == name), None)
        if existing is None or (by_setting and named and existing.name != name):
            existing = named
        if existing is None:
            self.plan.steps.append(Step("create", "role", key, name))
            return
        if existing.position >= self.snapshot.bot_top_position:
            self.plan.problems.append(
                f"The role '{existing.name}' is above my own role, so I cannot manage it. "
                "Fix: in Server Settings > Roles, drag my role above it."
            )
        if stored is None or stored[0] != existing.id:
            self.plan.steps.append(Step("adopt", "role", key, existing.name, existing.id))
            self._adopted[("role", key)] = existing.id
        if existing.name != name:
            self.plan.steps.append(Step("rename", "role", key, name, existing.id))

    def access(self, key: str, name: str, role_key: str, other_role_key: str) -> None:
        """Make an existing area channel visible to exactly the role HUB_AREA_ACCESS names:
        a change of the setting reaches channels made before it."""
        existing = self._known_channel("channel", key, name, "text")
        if existing is None:
            return  # it is created with the right access
        wanted = self._role_id(role_key)
        other = self._role_id(other_role_key)
        right = (
            existing.hidden_from_everyone
            and wanted in existing.shown_to
            and other not in existing.shown_to
        )
        if not right:
            self.plan.steps.append(Step("access", "channel", key, existing.name, existing.id))

    def _role_id(self, key: str) -> int | None:
        """The role's id once this plan is carried out (adoptions come first)."""
        return self._adopted.get(("role", key), self.stored.get(("role", key), (None, ""))[0])

    def pin(self, key: str, channel_name_: str, text: str) -> None:
        stored = self.stored.get(("pin", key))
        channel_missing = any(
            s.kind == "channel" and s.key == key and s.action == "create" for s in self.plan.steps
        )
        if stored is None or stored[1] != fingerprint(text) or channel_missing:
            self.plan.steps.append(
                Step("pin", "pin", key, channel_name_, stored[0] if stored else None, topic=text)
            )

    def check_permissions(self) -> None:
        kinds = {s.kind for s in self.plan.changes}
        if kinds & {"channel", "category", "pin"} and not self.snapshot.can_manage_channels:
            self.plan.problems.insert(0,
                "I am missing the Manage Channels permission. Fix: in Server Settings > Roles, "
                "give my role Manage Channels.")  # fmt: skip
        if "role" in kinds and not self.snapshot.can_manage_roles:
            self.plan.problems.insert(0,
                "I am missing the Manage Roles permission. Fix: in Server Settings > Roles, "
                "give my role Manage Roles.")  # fmt: skip


def plan_setup(
    snapshot: GuildSnapshot,
    stored: dict[tuple[str, str], tuple[int, str]],
    catalog: AreaCatalog,
    named_channels: dict[str, str],
    texts: dict[str, tuple[str, list[str]]],
    introduced_role: str,
    area_access: str = "introduced",
) -> SetupPlan:
    """Everything /hub setup would do in this server, and what stops it."""
    planner = Planner(snapshot, stored)
    for setting, name in named_channels.items():
        if name and not name.isdigit():
            planner.channel(setting, name.removeprefix("#"), private=setting in PRIVATE_SETTINGS,
                            by_setting=True)  # fmt: skip
    for group in catalog.groups:
        if catalog.in_group(group):
            planner.channel(group, group_title(catalog, group), category=True, kind="category")
    planner.role("introduced", introduced_role, by_setting=True)
    for area in catalog.areas:
        purpose, questions = texts.get(area.slug, (area.purpose, area.questions))
        name = channel_name(area.name)
        planner.channel(area.slug, name, parent_key=area.group, topic=purpose[:1024])
        planner.role(area.slug, area.name)
        by_area = area_access != "introduced"
        role_key, other_key = (area.slug, "introduced") if by_area else ("introduced", area.slug)
        planner.access(area.slug, name, role_key, other_key)
        planner.pin(area.slug, name, about_text(area, purpose, questions))
    planner.check_permissions()
    return planner.plan
