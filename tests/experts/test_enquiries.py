"""EnquiryService on a real SQLite file: who is asked, one answer each, deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.challenge_areas import load_areas
from bot.clock import OffsetClock
from bot.db import Database
from bot.scheduler import Scheduler
from bot.server_areas import ServerAreas
from cogs.experts.enquiries import EnquiryDraft, EnquiryError, EnquiryService, parse_deadline
from cogs.profiles.service import ProfileService
from tests.experts.test_search import G, person

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def draft(clock: OffsetClock, **changes: Any) -> EnquiryDraft:
    base = {"topic": "Referrals", "details": "A briefing", "need": "briefing",
            "areas": ("youth-radicalisation",), "countries": (), "languages": (),
            "deadline": clock.now() + timedelta(days=7)}  # fmt: skip
    return EnquiryDraft(**{**base, **changes})


@pytest.fixture
async def enquiries(db: Database, clock: OffsetClock) -> EnquiryService:
    profiles = ProfileService(db, clock, ServerAreas(load_areas()))
    gov, youth = ["government-enquiries"], ["youth-radicalisation"]
    await person(profiles, 1, "Amira", "youth work", areas=youth, open_to=gov)
    await person(profiles, 2, "Ben", "youth work", areas=youth, open_to=gov, country="DE",
                 languages=["German"])  # fmt: skip
    await person(profiles, 3, "Carla", "data", areas=["data"], open_to=gov)
    await person(profiles, 4, "Dan", "youth work", areas=youth)
    await person(profiles, 5, "Olivia", "policy", career_stage="policy")
    return EnquiryService(db, clock, Scheduler(db, clock))


async def test_audience_is_consenting_members_of_the_areas_matching_the_filters(
    enquiries: EnquiryService, clock: OffsetClock
) -> None:
    assert await enquiries.audience(G, 5, draft(clock)) == [1, 2]
    assert await enquiries.audience(G, 5, draft(clock, countries=("DE",))) == [2]
    assert await enquiries.audience(G, 5, draft(clock, languages=("german",))) == [2]
    assert await enquiries.audience(G, 1, draft(clock)) == [2]  # never yourself


async def test_one_answer_each_and_none_after_the_deadline(
    enquiries: EnquiryService, clock: OffsetClock
) -> None:
    enquiry, recipients = await enquiries.create(G, 5, draft(clock))
    assert [r.user_id for r in recipients] == [1, 2]
    await enquiries.answer(enquiry.id, 1, yes=True)
    with pytest.raises(EnquiryError, match="already answered 'I can help'"):
        await enquiries.answer(enquiry.id, 1, yes=False)
    with pytest.raises(EnquiryError, match="sent to someone else"):
        await enquiries.answer(enquiry.id, 3, yes=True)
    clock.advance(timedelta(days=8))
    with pytest.raises(EnquiryError, match="closed on"):
        await enquiries.answer(enquiry.id, 2, yes=True)
    assert [h.user_id for h in await enquiries.helpers(enquiry.id)] == [1]


async def test_nothing_is_stored_when_no_one_matches(
    enquiries: EnquiryService, clock: OffsetClock, db: Database
) -> None:
    with pytest.raises(EnquiryError, match="No member open to government enquiries"):
        await enquiries.create(G, 5, draft(clock, areas=("evaluation",)))
    assert await db.fetchval("SELECT COUNT(*) FROM expert_enquiries") == 0
    assert await db.fetchval("SELECT COUNT(*) FROM scheduled_jobs") == 0


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-12-31", "2026-12-31"), ("31 Dec", "2026-12-31"), ("next Friday", "2026-11-27")],
)
def test_deadlines_are_the_end_of_the_named_day(text: str, day: str) -> None:
    deadline = parse_deadline(text, LONDON, NOW)
    assert deadline.date().isoformat() == day and (deadline.hour, deadline.minute) == (23, 59)


@pytest.mark.parametrize(
    ("text", "message"),
    [("someday", "not a date"), ("2026-11-20", "has passed"), ("2028-01-01", "six months")],
)
def test_unusable_deadlines_are_refused(text: str, message: str) -> None:
    with pytest.raises(EnquiryError, match=message):
        parse_deadline(text, LONDON, NOW)
