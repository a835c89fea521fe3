"""What a profile holds, and the rules for what members type into it.

Plain Python, no Discord and no SQL: the form, the commands and the tests all use these
rules, so a value is judged the same way wherever it is typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bot import countries, geo, languages
from bot.text import clean, excerpt, has_link, has_mention

MAX_KEYWORDS = 10
LIMITS = {"name": 80, "affiliation": 120, "expertise": 400, "methods": 300, "bio": 600}
KEYWORD_MAX = 60


class CareerStage(StrEnum):
    EARLY = "early-career"
    MID = "mid-career"
    SENIOR = "senior"
    PRACTITIONER = "practitioner"
    POLICY = "policy"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]

    @property
    def role_name(self) -> str:
        return _STAGE_ROLES[self]


_STAGE_LABELS = {
    CareerStage.EARLY: "Early-career researcher (PhD or within about 5 years of it)",
    CareerStage.MID: "Mid-career researcher",
    CareerStage.SENIOR: "Senior researcher",
    CareerStage.PRACTITIONER: "Practitioner",
    CareerStage.POLICY: "Policy or government",
}
_STAGE_ROLES = {
    CareerStage.EARLY: "Early-career researcher",
    CareerStage.MID: "Mid-career researcher",
    CareerStage.SENIOR: "Senior researcher",
    CareerStage.PRACTITIONER: "Practitioner",
    CareerStage.POLICY: "Policy and government",
}


class OpenTo(StrEnum):
    MENTORING = "mentoring-others"
    MENTEE = "being-mentored"
    PEERS = "peer-introductions"
    GOVERNMENT = "government-enquiries"
    MEDIA = "media-enquiries"

    @property
    def label(self) -> str:
        return _OPEN_LABELS[self]


_OPEN_LABELS = {
    OpenTo.MENTORING: "Mentoring others",
    OpenTo.MENTEE: "Being mentored",
    OpenTo.PEERS: "Introductions from peers",
    OpenTo.GOVERNMENT: "Enquiries from government",
    OpenTo.MEDIA: "Enquiries from media",
}


class Visibility(StrEnum):
    """Who may see a profile's affiliation, bio and what the member is open to."""

    MEMBERS = "members"
    VERIFIED = "verified"
    MODERATORS = "moderators"

    @property
    def label(self) -> str:
        return {
            Visibility.MEMBERS: "All members",
            Visibility.VERIFIED: "Verified members only",
            Visibility.MODERATORS: "Moderators only",
        }[self]


class ProfileInputError(ValueError):
    """A value a member typed is not usable; the message says what to change."""


@dataclass(frozen=True)
class Keywords:
    """Expertise keywords as typed, with a case-folded twin used for matching."""

    shown: tuple[str, ...]

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(k.casefold() for k in self.shown)


def parse_keywords(text: str) -> Keywords:
    """Split on commas (or new lines), trim, drop empties and case-insensitive duplicates."""
    shown: list[str] = []
    seen: set[str] = set()
    for raw in text.replace("\n", ",").replace(";", ",").split(","):
        keyword = clean(raw)
        if not keyword:
            continue
        if len(keyword) > KEYWORD_MAX:
            raise ProfileInputError(
                f"The keyword '{keyword[:30]}...' is too long. Keep each one under "
                f"{KEYWORD_MAX} characters."
            )
        if keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            shown.append(keyword)
    if len(shown) > MAX_KEYWORDS:
        raise ProfileInputError(
            f"You gave {len(shown)} expertise keywords; the limit is {MAX_KEYWORDS}. "
            "Keep the ones you most want to be found for."
        )
    return Keywords(tuple(shown))


@dataclass(frozen=True)
class TextPart:
    """The five typed fields of the introduction form, cleaned."""

    name: str
    affiliation: str
    expertise: Keywords
    methods: str
    bio: str


_LABELS = {
    "name": "Name",
    "affiliation": "Affiliation",
    "expertise": "Expertise keywords",
    "methods": "Methods",
    "bio": "Short bio",
}


def validate_text(raw: dict[str, str]) -> TextPart:
    """Check the modal's fields; raise ProfileInputError naming the first problem."""
    values = {key: clean(raw.get(key, "")) for key in LIMITS}
    for key in ("name", "affiliation", "expertise", "bio"):
        if not values[key]:
            raise ProfileInputError(f"{_LABELS[key]} is empty. Please fill it in.")
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            raise ProfileInputError(
                f"{_LABELS[key]} is {len(values[key])} characters; the limit is {limit}. "
                "Please shorten it."
            )
    name = values["name"]
    if has_link(name) or has_link(values["affiliation"]):
        raise ProfileInputError(
            "Names and affiliations cannot contain links. Put a link in your bio instead."
        )
    if has_mention(name):
        raise ProfileInputError(
            "Your name cannot contain mentions like @someone. Please remove them."
        )
    keywords = parse_keywords(values["expertise"])
    if not keywords.shown:
        raise ProfileInputError(
            "Expertise keywords is empty. Give at least one, e.g. online radicalisation."
        )
    return TextPart(name, values["affiliation"], keywords, values["methods"], values["bio"])


@dataclass(frozen=True)
class Profile:
    """A member's profile as stored."""

    guild_id: int
    user_id: int
    name: str
    affiliation: str
    expertise: tuple[str, ...]
    methods: str
    bio: str
    country: str
    career_stage: CareerStage
    languages: tuple[str, ...]
    timezone: str
    open_to: tuple[OpenTo, ...]
    areas: tuple[str, ...] = ()
    visibility: Visibility = Visibility.MEMBERS
    searchable: bool = True
    partner_visible: bool = False  # findable by linked partner networks (opt-in)
    verification: str = "none"
    confirmed_at: str = ""
    status: str = "active"
    intro_channel_id: int | None = None
    intro_message_id: int | None = None
    verified_by: int | None = None
    verified_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return self.verification == "verified"

    def with_changes(self, **changes: Any) -> Profile:
        return replace(self, **changes)


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a profile, for the visibility rules."""

    user_id: int
    is_moderator: bool = False
    is_verified: bool = False


def can_see_details(profile: Profile, viewer: Viewer | None) -> bool:
    """May this viewer see the affiliation, bio and open-to? ``None`` is the public card."""
    if viewer is not None and (viewer.user_id == profile.user_id or viewer.is_moderator):
        return True
    if profile.visibility is Visibility.MEMBERS:
        return True
    if profile.visibility is Visibility.VERIFIED:
        return viewer is not None and viewer.is_verified
    return False


def check_country(text: str) -> str:
    code = countries.find(text)
    if code is None:
        raise ProfileInputError(
            f"'{excerpt(text)}' is not a country I know. Type its English name or its "
            "two-letter code, "
            "e.g. Germany or DE."
        )
    return code


def check_languages(text: str) -> list[str]:
    """Typed languages ("Hebrew, Czech", "Deutsch") as ISO 639 codes, stored as codes so
    mentoring compares them exactly."""
    codes, unknown = languages.parse(text)
    if unknown:
        raise ProfileInputError(
            f"'{excerpt(unknown[0])}' is not a language I know. Type languages by their English "
            "names, separated by commas, e.g. Hebrew, Czech."
        )
    if not codes:
        raise ProfileInputError("Type at least one language, e.g. Hebrew.")
    return codes


def check_timezone(text: str) -> str:
    name = text.strip()
    if not geo.is_zone(name):
        suggestions = ", ".join(geo.search_zones(name, 3)) or "Europe/London, America/New_York"
        raise ProfileInputError(
            f"'{excerpt(text)}' is not a time zone name. Pick one from the list as you type, "
            f"e.g. {suggestions}."
        )
    return name
