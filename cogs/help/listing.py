"""Which commands a member may use, grouped by feature, read from the command tree itself.

Nothing here lists commands by hand: a new command appears in /help by itself, under the
feature (cogs/<package>) that defines it. Who it is for comes from the tree too: a
top-level command with default permissions, or a moderator check, is for moderators; a
command can say ``extras={"audience": "organiser"}`` (or "moderator"); the event commands
that organisers may run are known here until they say so themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from discord import app_commands

MEMBER, ORGANISER, MODERATOR = "member", "organiser", "moderator"
RANK = {MEMBER: 0, ORGANISER: 1, MODERATOR: 2}
# Checked at run time inside the events feature, so not visible in the tree.
ORGANISER_COMMANDS = {"event create", "event edit", "event cancel"}
FEATURE_TITLES = {
    "profiles": "Introductions and profiles",
    "areas": "Challenge areas",
    "experts": "Finding experts",
    "events": "Events",
    "mentoring": "Mentoring",
    "announcements": "Announcements",
    "hub": "The hub",
    "help": "Help",
}


@dataclass(frozen=True)
class Entry:
    """One command as /help shows it."""

    feature: str
    path: str  # "event create"
    root: str  # "event": the top-level command whose id Discord mentions
    description: str
    audience: str


def audience(command: app_commands.Command[Any, ..., Any], root: Any) -> str:
    said = command.extras.get("audience") or getattr(root, "extras", {}).get("audience")
    if said in RANK:
        return str(said)
    permissions = getattr(root, "default_permissions", None)
    if permissions is not None and permissions.value != 0:
        return MODERATOR
    if any("moderator_only" in getattr(check, "__qualname__", "") for check in command.checks):
        return MODERATOR
    return ORGANISER if command.qualified_name in ORGANISER_COMMANDS else MEMBER


def feature_of(command: app_commands.Command[Any, ..., Any]) -> str:
    """The feature package ("events") of the cog that defines the command."""
    module = type(command.binding).__module__ if command.binding is not None else ""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "cogs" else "other"


def entries(tree_commands: list[Any]) -> list[Entry]:
    """Every slash command (subcommands included), in the order the features define them."""
    found: list[Entry] = []
    for root in tree_commands:
        if isinstance(root, app_commands.Group):
            leaves = [c for c in root.walk_commands() if isinstance(c, app_commands.Command)]
        elif isinstance(root, app_commands.Command):
            leaves = [root]
        else:  # context menus cannot be mentioned
            continue
        for leaf in leaves:
            found.append(
                Entry(feature_of(leaf), leaf.qualified_name, root.name, leaf.description,
                      audience(leaf, root))
            )  # fmt: skip
    return found


def for_member(all_entries: list[Entry], role: str) -> dict[str, list[Entry]]:
    """The entries this member may use, by feature title, features in a fixed order."""
    order = list(FEATURE_TITLES)
    allowed = [e for e in all_entries if RANK[e.audience] <= RANK[role]]
    allowed.sort(key=lambda e: order.index(e.feature) if e.feature in order else len(order))
    grouped: dict[str, list[Entry]] = {}
    for entry in allowed:
        title = FEATURE_TITLES.get(entry.feature, entry.feature.replace("_", " ").capitalize())
        grouped.setdefault(title, []).append(entry)
    return grouped


def line(entry: Entry, command_id: int | None) -> str:
    """A clickable command mention (plain text when Discord has no id for it) and its use."""
    mention = f"</{entry.path}:{command_id}>" if command_id else f"/{entry.path}"
    said = entry.audience in entry.description.casefold()  # "(moderators and organisers)"
    note = f" *({entry.audience}s)*" if entry.audience != MEMBER and not said else ""
    return f"{mention} {entry.description}{note}"
