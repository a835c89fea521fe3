"""Offers and requests: who may take part, what they typed, and the pool a round is drawn from.

Plain Python and SQL. Every rule a member can break is checked here and raised as a
``MentoringError`` whose message says what was wrong and what to do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot import languages as language_names
from bot.clock import Clock, from_db_time, to_db_time
from bot.db import Database, Row
from bot.server_areas import ServerAreas
from bot.text import clean, discord_stamp, excerpt, has_mention
from cogs.mentoring.availability import (
    AvailabilityError,
    parse_free_hours,
    to_utc_week,
    working_hours,
)
from cogs.mentoring.matching import Mentee, Mentor, Weights
from cogs.mentoring.rules import Rules, split_avoid
from cogs.profiles.fields import CareerStage, Profile
from cogs.profiles.service import ProfileService

MAX_TEXT = 500
MAX_AVOID = 200
PREFERENCES = {"any": "no preference", "same": "my own country", "other": "another country"}
LIVE = ("proposed", "active")


class MentoringError(ValueError):
    """The member's input cannot be used; the message says what to do."""


@dataclass(frozen=True)
class MentoringConfig:
    offer_stages: tuple[str, ...] = ("mid-career", "senior", "practitioner")
    request_stages: tuple[str, ...] = ("early-career",)
    weights: Weights = field(default_factory=Weights)
    proposal_expiry: timedelta = timedelta(days=7)
    max_missed: int = 2
    checkins: tuple[timedelta, ...] = (timedelta(days=14), timedelta(days=42), timedelta(days=90))
    rules: Rules = field(default_factory=Rules)


@dataclass(frozen=True)
class Offer:
    guild_id: int
    user_id: int
    capacity: int
    areas: tuple[str, ...]
    methods: str
    languages: tuple[str, ...]
    offer: str
    free_hours: str
    status: str
    missed: int

    @classmethod
    def from_row(cls, row: Row) -> Offer:
        return cls(int(row["guild_id"]), int(row["user_id"]), int(row["capacity"]),
                   tuple(json.loads(row["areas"])), row["methods"],
                   tuple(json.loads(row["languages"])), row["offer"], row["free_hours"],
                   row["status"], int(row["missed"]))  # fmt: skip


@dataclass(frozen=True)
class Request:
    id: int
    guild_id: int
    user_id: int
    goals: str
    areas: tuple[str, ...]
    methods: str
    languages: tuple[str, ...]
    country_pref: str
    avoid: str
    status: str
    created_at: datetime
    free_hours: str = ""

    @classmethod
    def from_row(cls, row: Row) -> Request:
        return cls(int(row["id"]), int(row["guild_id"]), int(row["user_id"]), row["goals"],
                   tuple(json.loads(row["areas"])), row["methods"],
                   tuple(json.loads(row["languages"])), row["country_pref"], row["avoid"],
                   row["status"], from_db_time(row["created_at"]),
                   row["free_hours"])  # fmt: skip


def _own_view(pairing: dict[str, Any], user_id: int) -> dict[str, Any]:
    """A pairing as this member may see it: the other side's answer (a decline is private)
    and the feedback they left on ending it (only moderators read it) are left out."""
    other = "mentee" if pairing["mentor_id"] == user_id else "mentor"
    pairing[f"{other}_answer"] = None
    if pairing["ended_by"] != user_id:
        pairing["feedback"] = None
        pairing["ended_by"] = None  # who declined is private too
    return pairing


def stage_names(stages: tuple[str, ...]) -> str:
    labels = [CareerStage(s).label.split(" (")[0].lower() for s in stages]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _text(value: str | None, what: str, limit: int = MAX_TEXT) -> str:
    text = clean(value or "")
    if len(text) > limit:
        raise MentoringError(f"{what} is {len(text)} characters; keep it under {limit}.")
    if has_mention(text):
        raise MentoringError(f"{what} cannot contain mentions like @someone. Please remove them.")
    return text


def _free_hours(value: str) -> str:
    """The member's free hours as typed, once they are known to be readable."""
    text = _text(value, "Free hours", 200)
    try:
        parse_free_hours(text)
    except AvailabilityError as exc:
        raise MentoringError(str(exc)) from exc
    return text


class MentoringService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        catalog: ServerAreas,
        profiles: ProfileService,
        config: MentoringConfig,
    ) -> None:
        self._db = db
        self._clock = clock
        self._catalog = catalog
        self.profiles = profiles
        self.config = config

    # -- parsing what members typed ---------------------------------------------------------------

    def areas(self, guild_id: int, text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
        if text is None or not text.strip():
            return default
        slugs = []
        for part in text.split(","):
            if not part.strip():
                continue
            catalog = self._catalog.of(guild_id)
            found = catalog.get(part.strip()) or catalog.find(part.strip())
            if found is None:
                raise MentoringError(
                    f"There is no area called '{excerpt(part)}'. Separate areas with "
                    "commas and pick them from the list as you type."
                )
            slugs.append(found.slug)
        return tuple(dict.fromkeys(slugs))

    @staticmethod
    def languages(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
        if text is None or not text.strip():
            if not default:
                raise MentoringError("Give at least one language you work in, e.g. English.")
            return default
        chosen, unknown = language_names.parse(text)  # ISO 639 codes: compared exactly
        if unknown:
            raise MentoringError(
                f"'{excerpt(unknown[0])}' is not a language I know. Separate languages with "
                "commas, e.g. English, French."
            )
        if not chosen:
            raise MentoringError("Give at least one language you work in, e.g. English.")
        return tuple(dict.fromkeys(chosen))

    async def _profile(self, guild_id: int, user_id: int) -> Profile:
        profile = await self.profiles.get(guild_id, user_id)
        if profile is None or profile.status != "active":
            raise MentoringError(
                "Introduce yourself first with /introduce: mentoring uses your profile's "
                "country, time zone and languages."
            )
        return profile

    # -- offers ------------------------------------------------------------------------------------

    async def get_offer(self, guild_id: int, user_id: int) -> Offer | None:
        row = await self._db.fetchone(
            "SELECT * FROM mentor_offers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return None if row is None else Offer.from_row(row)

    async def save_offer(
        self,
        guild_id: int,
        user_id: int,
        *,
        capacity: int | None,
        areas: str | None,
        methods: str | None,
        languages: str | None,
        offer: str | None,
        free_hours: str | None,
    ) -> tuple[Offer, bool]:
        """Create or change the member's offer (given fields only); True when it is new."""
        profile = await self._profile(guild_id, user_id)
        if profile.career_stage.value not in self.config.offer_stages:
            raise MentoringError(
                f"Mentoring offers are for {stage_names(self.config.offer_stages)} members; "
                f"your profile says {profile.career_stage.label.split(' (')[0].lower()}. If that "
                "changed, update it with /profile edit. To find a mentor, use /mentor request."
            )
        old = await self.get_offer(guild_id, user_id)
        if capacity is None and old is None:
            raise MentoringError("Say how many mentees you can take at once: capacity 1 to 5.")
        chosen = capacity if capacity is not None else old.capacity  # type: ignore[union-attr]
        if not 1 <= chosen <= 5:
            raise MentoringError(
                f"Capacity is how many mentees you can take at once: 1 to 5 (you gave {chosen})."
            )
        text = _text(offer, "What you offer") if offer is not None else (old.offer if old else "")
        if not text:
            raise MentoringError(
                "Say in a sentence what you offer, e.g. 'Feedback on research design and "
                "publishing in English-language journals'."
            )
        hours = _free_hours(free_hours) if free_hours is not None else None
        values = {
            "capacity": chosen,
            "areas": self.areas(guild_id, areas, old.areas if old else profile.areas),
            "methods": _text(methods, "Methods") if methods is not None
                       else (old.methods if old else profile.methods),
            "languages": self.languages(languages, old.languages if old else profile.languages),
            "offer": text,
            "free_hours": hours if hours is not None else (old.free_hours if old else ""),
        }  # fmt: skip
        now = to_db_time(self._clock.now())
        await self._db.execute(
            "INSERT INTO mentor_offers (guild_id, user_id, capacity, areas, methods, languages, "
            "offer, free_hours, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET capacity = excluded.capacity, "
            "areas = excluded.areas, methods = excluded.methods, languages = excluded.languages, "
            "offer = excluded.offer, free_hours = excluded.free_hours, "
            "updated_at = excluded.updated_at",
            (guild_id, user_id, values["capacity"], json.dumps(values["areas"]),
             values["methods"], json.dumps(values["languages"]), values["offer"],
             values["free_hours"], now, now),
        )  # fmt: skip
        saved = await self.get_offer(guild_id, user_id)
        assert saved is not None
        return saved, old is None

    async def set_paused(self, guild_id: int, user_id: int, paused: bool) -> list[str]:
        """Pause or resume the offer and the open request; returns what changed."""
        changed = []
        offer_from, offer_to = ("active", "paused") if paused else ("paused", "active")
        request_from, request_to = ("open", "paused") if paused else ("paused", "open")
        now = to_db_time(self._clock.now())
        async with self._db.transaction() as tx:  # both or neither, as the reply says
            if await tx.execute(
                "UPDATE mentor_offers SET status = ?, missed = 0, updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND status = ?",
                (offer_to, now, guild_id, user_id, offer_from),
            ):
                changed.append("offer")
            if await tx.execute(
                "UPDATE mentee_requests SET status = ?, missed = 0, updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND status = ?",
                (request_to, now, guild_id, user_id, request_from),
            ):
                changed.append("request")
        return changed

    # -- requests ----------------------------------------------------------------------------------

    async def open_request(self, guild_id: int, user_id: int) -> Request | None:
        row = await self._db.fetchone(
            "SELECT * FROM mentee_requests WHERE guild_id = ? AND user_id = ? "
            "AND status IN ('open', 'proposed', 'matched', 'paused')",
            (guild_id, user_id),
        )
        return None if row is None else Request.from_row(row)

    async def create_request(
        self,
        guild_id: int,
        user_id: int,
        *,
        goals: str,
        areas: str | None,
        methods: str | None,
        languages: str | None,
        country_pref: str,
        avoid: str | None,
        free_hours: str | None = None,
    ) -> Request:
        profile = await self._profile(guild_id, user_id)
        if profile.career_stage.value not in self.config.request_stages:
            raise MentoringError(
                f"Mentor requests are for {stage_names(self.config.request_stages)} members; "
                f"your profile says {profile.career_stage.label.split(' (')[0].lower()}. If that "
                "changed, update it with /profile edit."
            )
        existing = await self.open_request(guild_id, user_id)
        if existing is not None:
            raise MentoringError(
                f"You already have a request ({existing.status}, since "
                f"{discord_stamp(existing.created_at, 'D')}). /mentor status shows it; "
                "/mentor withdraw ends it if you want to ask again."
            )
        text = _text(goals, "Goals")
        if not text:
            raise MentoringError(
                "Say in a sentence or two what you would like a mentor's help with."
            )
        if country_pref not in PREFERENCES:
            raise MentoringError("Choose a country preference: any, same or other.")
        hours = _free_hours(free_hours or "")
        now = to_db_time(self._clock.now())
        request_id = await self._db.insert(
            "INSERT INTO mentee_requests (guild_id, user_id, goals, areas, methods, languages, "
            "country_pref, avoid, free_hours, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, user_id, text, json.dumps(self.areas(guild_id, areas, profile.areas)),
             _text(methods, "Methods"), json.dumps(self.languages(languages, profile.languages)),
             country_pref, _text(avoid, "Things to avoid", MAX_AVOID), hours, now, now),
        )  # fmt: skip
        row = await self._db.fetchone("SELECT * FROM mentee_requests WHERE id = ?", (request_id,))
        assert row is not None
        return Request.from_row(row)

    async def queue_position(self, guild_id: int, request: Request) -> tuple[int, int]:
        """(place, of how many) among the open requests, oldest first."""
        row = await self._db.fetchone(
            "SELECT SUM(created_at < ? OR (created_at = ? AND id <= ?)) AS ahead, COUNT(*) AS n "
            "FROM mentee_requests WHERE guild_id = ? AND status = 'open'",
            (to_db_time(request.created_at), to_db_time(request.created_at), request.id,
             guild_id),
        )  # fmt: skip
        assert row is not None
        return int(row["ahead"] or 0), int(row["n"] or 0)

    # -- the pool ----------------------------------------------------------------------------------

    async def used_places(self, guild_id: int, mentor_id: int) -> int:
        value = await self._db.fetchval(
            "SELECT COUNT(*) FROM mentor_pairings WHERE guild_id = ? AND mentor_id = ? "
            "AND status IN ('proposed', 'active')",
            (guild_id, mentor_id),
        )
        return int(value or 0)

    async def pool(self, guild_id: int) -> tuple[list[Mentee], list[Mentor], dict[int, int]]:
        """Active mentees with open requests and active mentors with free places, and each
        mentee's request id."""
        now = self._clock.now()
        mentors = []
        for row in await self._db.fetchall(
            "SELECT * FROM mentor_offers WHERE guild_id = ? AND status = 'active' ORDER BY user_id",
            (guild_id,),
        ):
            offer = Offer.from_row(row)
            profile = await self.profiles.get(guild_id, offer.user_id)
            free = offer.capacity - await self.used_places(guild_id, offer.user_id)
            if profile is None or profile.status != "active" or free <= 0:
                continue
            local = parse_free_hours(offer.free_hours) or working_hours()
            text = " ".join([*profile.expertise, profile.methods, offer.methods, offer.offer])
            mentors.append(Mentor(
                user_id=offer.user_id, capacity=free, areas=frozenset(offer.areas),
                languages=frozenset(offer.languages), text=text, country=profile.country,
                institution=profile.affiliation, hours=to_utc_week(local, profile.timezone, now),
                custom_hours=bool(offer.free_hours), name=profile.name,
            ))  # fmt: skip
        mentees, request_ids = [], {}
        for row in await self._db.fetchall(
            "SELECT * FROM mentee_requests WHERE guild_id = ? AND status = 'open' "
            "ORDER BY created_at, id",
            (guild_id,),
        ):
            request = Request.from_row(row)
            profile = await self.profiles.get(guild_id, request.user_id)
            if profile is None or profile.status != "active":
                continue
            previous = await self._db.fetchall(  # a proposal that never reached both may recur
                "SELECT mentor_id FROM mentor_pairings WHERE guild_id = ? AND mentee_id = ? "
                "AND NOT (status = 'expired' AND (COALESCE(mentor_delivery, 'failed') = 'failed' "
                "OR COALESCE(mentee_delivery, 'failed') = 'failed'))",
                (guild_id, request.user_id),
            )
            mentees.append(Mentee(
                user_id=request.user_id, areas=frozenset(request.areas),
                languages=frozenset(request.languages),
                text=f"{request.goals} {request.methods}", country=profile.country,
                institution=profile.affiliation,
                hours=to_utc_week(parse_free_hours(request.free_hours) or working_hours(),
                                  profile.timezone, now),
                custom_hours=bool(request.free_hours),
                country_pref=request.country_pref, avoid=split_avoid(request.avoid),
                name=profile.name,
                previous=frozenset(int(r["mentor_id"]) for r in previous),
            ))  # fmt: skip
            request_ids[request.user_id] = request.id
        return mentees, mentors, request_ids

    # -- the member's own data --------------------------------------------------------------------

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        offer = await self._db.fetchone(
            "SELECT * FROM mentor_offers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        requests = await self._db.fetchall(
            "SELECT * FROM mentee_requests WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        pairings = await self._db.fetchall(
            "SELECT * FROM mentor_pairings WHERE guild_id = ? AND (mentor_id = ? OR mentee_id = ?) "
            "ORDER BY id",
            (guild_id, user_id, user_id),
        )
        checkins = await self._db.fetchall(
            "SELECT c.* FROM mentor_checkins c JOIN mentor_pairings p ON p.id = c.pairing_id "
            "WHERE p.guild_id = ? AND c.user_id = ? ORDER BY c.pairing_id, c.stage",
            (guild_id, user_id),
        )
        return {
            "offer": dict(offer) if offer else None,
            "requests": [dict(r) for r in requests],
            "pairings": [_own_view(dict(r), user_id) for r in pairings],
            "checkins": [dict(r) for r in checkins],
        }

    async def erase(self, guild_id: int, user_id: int) -> int:
        """Delete the member's rows; a mentee whose live pairing goes with them is back in
        the pool. The cog tells the other sides once the erasure has committed."""
        await self._db.execute(
            "UPDATE mentee_requests SET status = 'open' WHERE id IN (SELECT request_id FROM "
            "mentor_pairings WHERE guild_id = ? AND mentor_id = ? AND status IN ('proposed', "
            "'active'))",
            (guild_id, user_id),
        )
        removed = await self._db.execute(
            "DELETE FROM mentor_checkins WHERE pairing_id IN (SELECT id FROM mentor_pairings "
            "WHERE guild_id = ? AND (mentor_id = ? OR mentee_id = ?))",
            (guild_id, user_id, user_id),
        )
        removed += await self._db.execute(
            "DELETE FROM mentor_pairings WHERE guild_id = ? AND (mentor_id = ? OR mentee_id = ?)",
            (guild_id, user_id, user_id),
        )
        for table in ("mentor_offers", "mentee_requests"):
            removed += await self._db.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
        return removed
