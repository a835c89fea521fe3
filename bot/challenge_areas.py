"""The challenge areas are data (``config/challenge_areas.toml``), checked at start-up.

Every feature that deals with areas (profiles, areas, experts, events, mentoring) reads the
same catalogue, so another network can run the bot with its own areas by replacing the file;
a server the bot serves beside the hub can have a list of its own, in the same form
(``bot.server_areas``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from bot.text import fit

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "challenge_areas.toml"


class AreaConfigError(Exception):
    """The areas file is wrong; the message names the entry and the problem."""


class Area(BaseModel):
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)
    name: str = Field(min_length=1, max_length=80)
    group: str
    purpose: str = Field(min_length=1, max_length=1000)
    questions: list[str] = Field(default_factory=list, max_length=10)

    @field_validator("questions")
    @classmethod
    def _questions_short(cls, value: list[str]) -> list[str]:
        if any(not q.strip() or len(q) > 300 for q in value):
            raise ValueError("each question must be 1 to 300 characters")
        return value

    @property
    def one_line(self) -> str:
        """The purpose's first sentence, for lists."""
        return fit(self.purpose.split(". ")[0].rstrip("."), 120)


class AreaCatalog(BaseModel):
    groups: dict[str, str]
    areas: list[Area] = Field(alias="area", min_length=1, max_length=25)

    @model_validator(mode="after")
    def _consistent(self) -> AreaCatalog:
        seen: set[str] = set()
        for index, area in enumerate(self.areas, start=1):
            where = f"area {index} ('{area.slug}')"
            if area.slug in seen:
                raise ValueError(f"{where}: the slug is used twice; each area needs its own")
            seen.add(area.slug)
            if area.group not in self.groups:
                known = ", ".join(self.groups)
                raise ValueError(f"{where}: group '{area.group}' is not one of: {known}")
        return self

    def get(self, slug: str) -> Area | None:
        return next((area for area in self.areas if area.slug == slug), None)

    def name_of(self, slug: str) -> str:
        """The area's title for members to read; the slug itself if it is not (or no
        longer) in the catalog, so an old row still reads as something."""
        area = self.get(slug)
        return area.name if area is not None else slug

    def group_title(self, group: str) -> str:
        """ "Acute challenges": a group's heading before its colon, for short labels (a
        select option's description), where the group's key would read as code."""
        return fit(self.groups.get(group, group).split(":")[0].strip(), 100)

    def slugs(self) -> list[str]:
        return [area.slug for area in self.areas]

    def in_group(self, group: str) -> list[Area]:
        return [area for area in self.areas if area.group == group]

    def matching(self, typed: str, limit: int = 25) -> list[Area]:
        """Areas whose name or slug contains what was typed, for autocomplete."""
        wanted = typed.strip().casefold()
        return [a for a in self.areas if wanted in a.name.casefold() or wanted in a.slug][:limit]

    def find(self, text: str) -> Area | None:
        """An area by slug or by name, ignoring case."""
        wanted = text.strip().casefold()
        return next(
            (a for a in self.areas if wanted in {a.slug, a.name.casefold()}),
            None,
        )


def load_areas(path: Path = DEFAULT_FILE) -> AreaCatalog:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AreaConfigError(f"{path}: the challenge areas file is missing.") from None
    return parse_areas(text, str(path))


def parse_areas(text: str, where: str) -> AreaCatalog:
    """The catalogue written in ``text``; ``where`` names it in the error (a path, or the
    file a moderator uploaded)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AreaConfigError(f"{where}: not valid TOML ({exc}).") from None
    try:
        return AreaCatalog.model_validate(data)
    except ValidationError as exc:
        raise AreaConfigError(f"{where}: {_describe(exc, data)}") from None


def _describe(exc: ValidationError, data: dict[str, object]) -> str:
    error = exc.errors()[0]
    location = list(error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if len(location) >= 2 and location[0] == "area" and isinstance(location[1], int):
        entries = data.get("area")
        entry = entries[location[1]] if isinstance(entries, list) else {}
        slug = entry.get("slug", "?") if isinstance(entry, dict) else "?"
        field = ".".join(str(part) for part in location[2:]) or "entry"
        return f"area {location[1] + 1} ('{slug}'), {field}: {message}"
    if not location:  # a rule across entries: its message names the entry
        return message
    return f"{'.'.join(str(p) for p in location)}: {message}"
