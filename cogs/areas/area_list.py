"""A server's own list of challenge areas: the file moderators download and upload, and what
a new list changes.

The file is the same TOML as ``config/challenge_areas.toml`` (checked by the same rules), so a
partner network can start from the hub's list, keep what fits, and add its own areas. What a
change means is said before anything is saved: the areas added, renamed and dropped, and how
many members chose each dropped one (their choice is kept and comes back with the area).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tomli_w

from bot.challenge_areas import AreaCatalog
from bot.text import plural

MAX_FILE_BYTES = 100_000  # the database keeps at most this much; the hub's list is 9 KB
HEADER = """\
# This server's challenge areas. Edit them and upload the file with /areas-admin upload
# (preview:true shows what changes, saving nothing). Each [[area]] needs:
#   slug       lower-case letters, digits and hyphens; keep it once in use (members' choices
#              are kept by it: rename an area with `name` instead)
#   name       shown to members (channel and role names are made from it)
#   group      one of the [groups] keys below
#   purpose    one paragraph: why the area exists and who it is for
#   questions  a few open research questions (at most 10)
# At most 25 areas.

"""


def render(catalog: AreaCatalog, texts: dict[str, tuple[str, list[str]]]) -> str:
    """The list in force as a file to edit: each area's purpose and questions as the
    server's moderators last described them (``texts``), else as the list gives them."""
    areas = []
    for area in catalog.areas:
        purpose, questions = texts.get(area.slug, (area.purpose, area.questions))
        areas.append({"slug": area.slug, "name": area.name, "group": area.group,
                      "purpose": purpose, "questions": list(questions)})  # fmt: skip
    return HEADER + tomli_w.dumps({"groups": dict(catalog.groups), "area": areas})


@dataclass(frozen=True)
class ListChange:
    """What replacing one list by another does, in members' terms."""

    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[tuple[str, int]] = field(default_factory=list)  # (name, members in it)

    @property
    def empty(self) -> bool:
        return not (self.added or self.renamed or self.dropped)

    def lines(self) -> list[str]:
        if self.empty:
            return ["The areas are the same; only their groups, purposes or questions change."]
        found = []
        if self.added:
            found.append(f"New: {', '.join(self.added)}.")
        if self.renamed:
            found.append("Renamed: " + ", ".join(f"{old} to {new}" for old, new in self.renamed)
                         + ".")  # fmt: skip
        for name, members in self.dropped:
            chose = f"{plural(members, 'member')} chose it" if members else "no member chose it"
            found.append(
                f"Dropped: {name} ({chose}; their choice is kept and comes back if the area "
                "does; its channel and role stay until you delete them)."
            )
        return found


def compare(old: AreaCatalog, new: AreaCatalog, members: dict[str, int]) -> ListChange:
    """``members``: how many members chose each area of the old list."""
    before = {area.slug: area.name for area in old.areas}
    after = {area.slug: area.name for area in new.areas}
    return ListChange(
        added=[name for slug, name in after.items() if slug not in before],
        renamed=[
            (before[s], name) for s, name in after.items() if s in before and before[s] != name
        ],
        dropped=[(name, members.get(s, 0)) for s, name in before.items() if s not in after],
    )
