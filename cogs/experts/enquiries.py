"""Brokered enquiries: an official's structured question reaches only the members who agreed
to government enquiries in the matching areas, and the official sees only who said yes.

Nobody is exposed by being asked: a "Not for me", or silence, is never shown to the
enquirer. One answer per member per enquiry; the first one stands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock, from_db_time, to_db_time
from bot.db import Database, Row
from bot.partners import are_linked, linked_guild_ids
from bot.scheduler import Scheduler
from bot.text import discord_stamp, excerpt
from cogs.profiles.fields import OpenTo

CLOSE_JOB = "experts.enquiry_close"
MAX_OPEN_PER_ENQUIRER = 5
MAX_DEADLINE = timedelta(days=180)
NEEDS = {
    "briefing": "A briefing",
    "review": "A review of a document or plan",
    "interview": "An interview",
}


class EnquiryError(ValueError):
    """The enquiry or the answer cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class EnquiryDraft:
    topic: str
    details: str
    need: str
    areas: tuple[str, ...]
    countries: tuple[str, ...]
    languages: tuple[str, ...]
    deadline: datetime
    partners: bool = False  # also to opted-in members of linked partner networks


@dataclass(frozen=True)
class Recipient:
    """A member an enquiry goes to, in their own server."""

    guild_id: int
    user_id: int


@dataclass(frozen=True)
class Enquiry(EnquiryDraft):
    """A stored enquiry: the draft as sent, with who sent it and whether it is still open."""

    id: int = 0
    guild_id: int = 0
    enquirer_id: int = 0
    status: str = "open"

    @classmethod
    def from_row(cls, row: Row) -> Enquiry:
        return cls(
            topic=row["topic"],
            details=row["details"],
            need=row["need"],
            areas=tuple(json.loads(row["areas"])),
            countries=tuple(json.loads(row["countries"])),
            languages=tuple(json.loads(row["languages"])),
            deadline=from_db_time(row["deadline"]),
            partners=bool(row["partners"]),
            id=int(row["id"]),
            guild_id=int(row["guild_id"]),
            enquirer_id=int(row["enquirer_id"]),
            status=row["status"],
        )


@dataclass(frozen=True)
class Helper:
    """A member who said "I can help", and when."""

    user_id: int
    answered_at: datetime
    guild_id: int = 0  # the helper's own server


def parse_deadline(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """The end of the named day in the enquirer's zone: "2026-12-31", "31 Dec", "next Friday"."""
    cleaned = " ".join(text.split())
    day: date | None = None
    try:
        day = date.fromisoformat(cleaned)
    except ValueError:
        import dateparser  # here, not at start-up: ~30 ms

        parsed = dateparser.parse(
            cleaned,
            languages=["en"],
            settings={
                "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "DMY",
                "RELATIVE_BASE": now.astimezone(zone).replace(tzinfo=None),
            },
        )
        day = parsed.date() if parsed else None
    if day is None:
        raise EnquiryError(
            f"'{excerpt(cleaned)}' is not a date. Write it as {now + timedelta(days=14):%Y-%m-%d}, "
            f"{(now + timedelta(days=14)):%-d %b} or next Friday."
        )
    deadline = datetime.combine(day, time(23, 59), tzinfo=zone)
    if deadline <= now:
        raise EnquiryError(f"The deadline {day.isoformat()} has passed. Give a future date.")
    if deadline - now > MAX_DEADLINE:
        raise EnquiryError("Give a deadline within six months, so answers stay current.")
    return deadline


class EnquiryService:
    def __init__(self, db: Database, clock: Clock, scheduler: Scheduler) -> None:
        self._db = db
        self._clock = clock
        self._scheduler = scheduler

    async def get(self, enquiry_id: int) -> Enquiry | None:
        row = await self._db.fetchone("SELECT * FROM expert_enquiries WHERE id = ?", (enquiry_id,))
        return None if row is None else Enquiry.from_row(row)

    async def audience(self, guild_id: int, enquirer_id: int, draft: EnquiryDraft) -> list[int]:
        """Active members open to government enquiries, in one of the areas, matching the
        optional countries and languages, and not pausing their requests."""
        return await self._matching(guild_id, enquirer_id, draft, partners_only=False)

    async def recipients(
        self, guild_id: int, enquirer_id: int, draft: EnquiryDraft
    ) -> list[Recipient]:
        """This server's audience and, for a draft to partners, the matching members of each
        linked server who chose to be found by partner networks; one card per person."""
        found = [Recipient(guild_id, u) for u in await self.audience(guild_id, enquirer_id, draft)]
        if not draft.partners:
            return found
        seen = {r.user_id for r in found} | {enquirer_id}
        for other in await linked_guild_ids(self._db, guild_id):
            for user_id in await self._matching(other, enquirer_id, draft, partners_only=True):
                if user_id not in seen:
                    seen.add(user_id)
                    found.append(Recipient(other, user_id))
        return found

    async def _matching(
        self, guild_id: int, enquirer_id: int, draft: EnquiryDraft, *, partners_only: bool
    ) -> list[int]:
        areas, countries, languages = list(draft.areas), list(draft.countries), draft.languages
        sql = (
            "SELECT p.user_id FROM profiles p WHERE p.guild_id = ? AND p.status = 'active' "
            "AND p.user_id != ? "
            "AND EXISTS (SELECT 1 FROM json_each(p.open_to) WHERE value = ?) "
            "AND EXISTS (SELECT 1 FROM profile_areas a WHERE a.guild_id = p.guild_id "
            f"  AND a.user_id = p.user_id AND a.area_slug IN ({_marks(areas)})) "
            "AND NOT EXISTS (SELECT 1 FROM expert_pauses x WHERE x.guild_id = p.guild_id "
            "  AND x.user_id = p.user_id AND x.until > ?) "
        )
        if partners_only:  # never anyone who has not opted in, or hides from search
            sql += "AND p.partner_visible = 1 AND p.searchable = 1 "
        params: list[Any] = [guild_id, enquirer_id, OpenTo.GOVERNMENT.value, *areas]
        params.append(to_db_time(self._clock.now()))
        if countries:
            sql += f"AND p.country IN ({_marks(countries)}) "
            params += countries
        if languages:
            folded = [x.casefold() for x in languages]
            sql += (
                "AND EXISTS (SELECT 1 FROM json_each(p.languages) "
                f"WHERE lower(value) IN ({_marks(folded)})) "
            )
            params += folded
        rows = await self._db.fetchall(sql + "ORDER BY p.user_id", params)
        return [int(r["user_id"]) for r in rows]

    async def create(
        self, guild_id: int, enquirer_id: int, draft: EnquiryDraft
    ) -> tuple[Enquiry, list[Recipient]]:
        """Store the enquiry, its recipients and its closing job together, or nothing."""
        if not draft.topic.strip():
            raise EnquiryError("Give the enquiry a topic.")
        async with self._db.transaction() as tx:
            open_count = await tx.fetchval(
                "SELECT COUNT(*) FROM expert_enquiries WHERE guild_id = ? AND enquirer_id = ? "
                "AND status = 'open'",
                (guild_id, enquirer_id),
            )
            if int(open_count or 0) >= MAX_OPEN_PER_ENQUIRER:
                raise EnquiryError(
                    f"You have {MAX_OPEN_PER_ENQUIRER} open enquiries. Wait for one to close "
                    "(or close one with /expert enquiries) before sending another."
                )
            recipients = await self.recipients(guild_id, enquirer_id, draft)
            if not recipients:
                raise EnquiryError(
                    "No member open to government enquiries matches those areas"
                    + (", countries or languages" if draft.countries or draft.languages else "")
                    + ". Add an area, or drop the country or language."
                )
            enquiry_id = await tx.insert(
                "INSERT INTO expert_enquiries (guild_id, enquirer_id, topic, details, need, areas, "
                "countries, languages, deadline, created_at, partners) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (guild_id, enquirer_id, draft.topic.strip(), draft.details.strip(), draft.need,
                 json.dumps(draft.areas), json.dumps(draft.countries),
                 json.dumps(draft.languages), to_db_time(draft.deadline),
                 to_db_time(self._clock.now()), int(draft.partners)),
            )  # fmt: skip
            await tx.executemany(
                "INSERT INTO expert_enquiry_recipients (enquiry_id, guild_id, user_id) "
                "VALUES (?, ?, ?)",
                [(enquiry_id, r.guild_id, r.user_id) for r in recipients],
            )
            await self._scheduler.schedule(
                CLOSE_JOB, draft.deadline, {"enquiry_id": enquiry_id, "user_id": enquirer_id},
                guild_id=guild_id, key=f"enquiry:{enquiry_id}",
            )  # fmt: skip
        enquiry = await self.get(enquiry_id)
        assert enquiry is not None
        return enquiry, recipients

    async def record_delivery(self, enquiry_id: int, user_id: int, delivered_by: str) -> None:
        await self._db.execute(
            "UPDATE expert_enquiry_recipients SET delivered_by = ? "
            "WHERE enquiry_id = ? AND user_id = ?",
            (delivered_by, enquiry_id, user_id),
        )

    async def answer(self, enquiry_id: int, user_id: int, yes: bool) -> Enquiry:
        """Record the member's one answer. A second click, a closed enquiry or someone who
        was not asked gets a reason instead of a second row."""
        enquiry = await self.get(enquiry_id)
        if enquiry is None:
            raise EnquiryError("This enquiry no longer exists.")
        row = await self._db.fetchone(
            "SELECT answer, guild_id FROM expert_enquiry_recipients "
            "WHERE enquiry_id = ? AND user_id = ?",
            (enquiry_id, user_id),
        )
        if row is None:
            raise EnquiryError("This enquiry was sent to someone else.")
        home = int(row["guild_id"])
        if home != enquiry.guild_id and not await are_linked(self._db, home, enquiry.guild_id):
            raise EnquiryError(
                "This enquiry came from a partner network that is no longer linked with your "
                "server, so it cannot be answered. Nothing more is needed."
            )
        if row["answer"] is not None:
            said = "I can help" if row["answer"] == "yes" else "Not for me"
            raise EnquiryError(f"You already answered '{said}'. Nothing more is needed.")
        if enquiry.status != "open" or self._clock.now() >= enquiry.deadline:
            raise EnquiryError(
                f"This enquiry closed on {discord_stamp(enquiry.deadline, 'D')}. Thank you anyway."
            )
        changed = await self._db.execute(
            "UPDATE expert_enquiry_recipients SET answer = ?, answered_at = ? "
            "WHERE enquiry_id = ? AND user_id = ? AND answer IS NULL",
            ("yes" if yes else "no", to_db_time(self._clock.now()), enquiry_id, user_id),
        )
        if changed != 1:
            raise EnquiryError("You already answered this enquiry. Nothing more is needed.")
        return enquiry

    async def helpers(self, enquiry_id: int) -> list[Helper]:
        """Only the yes answers, in the order they came: all the enquirer may see."""
        rows = await self._db.fetchall(
            "SELECT user_id, answered_at, guild_id FROM expert_enquiry_recipients "
            "WHERE enquiry_id = ? AND answer = 'yes' ORDER BY answered_at, user_id",
            (enquiry_id,),
        )
        return [
            Helper(int(r["user_id"]), from_db_time(r["answered_at"]), int(r["guild_id"]))
            for r in rows
        ]

    async def recipient_guild(self, enquiry_id: int, user_id: int) -> int | None:
        """The server a recipient was asked as a member of (another one for a partner)."""
        value = await self._db.fetchval(
            "SELECT guild_id FROM expert_enquiry_recipients WHERE enquiry_id = ? AND user_id = ?",
            (enquiry_id, user_id),
        )
        return None if value is None else int(value)

    async def recipient_count(self, enquiry_id: int) -> int:
        return int(
            await self._db.fetchval(
                "SELECT COUNT(*) FROM expert_enquiry_recipients WHERE enquiry_id = ?",
                (enquiry_id,),
            )
            or 0
        )

    async def mine(self, guild_id: int, enquirer_id: int) -> list[Enquiry]:
        rows = await self._db.fetchall(
            "SELECT * FROM expert_enquiries WHERE guild_id = ? AND enquirer_id = ? "
            "ORDER BY id DESC LIMIT 10",
            (guild_id, enquirer_id),
        )
        return [Enquiry.from_row(r) for r in rows]

    async def close(self, enquiry_id: int) -> Enquiry | None:
        """Close an open enquiry (at its deadline); None when it was already closed."""
        changed = await self._db.execute(
            "UPDATE expert_enquiries SET status = 'closed' WHERE id = ? AND status = 'open'",
            (enquiry_id,),
        )
        return await self.get(enquiry_id) if changed == 1 else None

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        sent = await self._db.fetchall(
            "SELECT * FROM expert_enquiries WHERE guild_id = ? AND enquirer_id = ?",
            (guild_id, user_id),
        )
        received = await self._db.fetchall(
            "SELECT r.enquiry_id, e.topic, r.delivered_by, r.answer, r.answered_at "
            "FROM expert_enquiry_recipients r JOIN expert_enquiries e ON e.id = r.enquiry_id "
            "WHERE r.guild_id = ? AND r.user_id = ?",
            (guild_id, user_id),
        )
        return {"sent": [dict(r) for r in sent], "received": [dict(r) for r in received]}

    async def erase(self, guild_id: int, user_id: int) -> int:
        async with self._db.transaction() as tx:
            received = await tx.execute(
                "DELETE FROM expert_enquiry_recipients WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            sent = await tx.execute(
                "DELETE FROM expert_enquiries WHERE guild_id = ? AND enquirer_id = ?",
                (guild_id, user_id),
            )
        return received + sent


def _marks(values: list[Any] | tuple[Any, ...]) -> str:
    return ", ".join("?" for _ in values)
