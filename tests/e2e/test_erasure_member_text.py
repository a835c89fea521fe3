"""Every text a member typed, in every feature, is in their export and gone after erasure.

The schema is read from the migrated database: every TEXT column of a table that names a
member (a user, author, organiser, requester... column) is either member text, which the test
writes with a unique word and then looks for in ``/profile export`` and, after the erasure,
in the database file and its write-ahead log; or shared text kept unsigned (listed with the
reason); or not member text at all (listed with the reason). A new column or table that is
none of these fails the test until its feature exports and erases it, or it is listed.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from bot.db import Database
from tests.e2e.harness import Hub

GUILD = 0  # replaced by the hub's server id
ME, OTHER = 424242, 535353
AT = "2026-12-01T10:00:00.000000Z"
LATER = "2026-12-20T10:00:00.000000Z"

# Columns that say which member a row is about or by.
MEMBER_COLUMN = re.compile(
    r"^(user|actor|author|organiser|requester|expert|enquirer|mentor|mentee)_id$"
    r"|^(updated|approved|verified|ended)_by$"
)
# Every other id column in the schema, so a new way of naming a member is noticed too.
NOT_MEMBER_IDS = {
    "id", "guild_id", "channel_id", "message_id", "thread_id", "role_id", "event_id",
    "series_id", "request_id", "pairing_id", "enquiry_id", "announcement_id", "discord_id",
    "intro_channel_id", "intro_message_id", "queue_message_id", "review_channel_id",
    "review_message_id", "discord_event_id", "card_id",
}  # fmt: skip

NOT_MEMBER_TEXT = {
    "times and dates the bot wrote": {
        "created_at", "updated_at", "confirmed_at", "nudged_at", "left_at", "verified_at",
        "joined_at", "since", "offer_expires_at", "at", "answered_at", "decided_at",
        "expires_at", "starts_at", "ends_at", "proposed_at", "started_at", "ended_at",
        "approved_at", "next_run_at", "until", "deadline",
    },
    "states, kinds and answers from a fixed list": {
        "status", "state", "kind", "verification", "visibility", "career_stage", "need",
        "delivered_by", "answer", "mentor_answer", "mentee_answer", "outcome", "style",
        "repeat", "country_pref", "action", "stage", "mentor_delivery", "mentee_delivery",
    },
    "values picked from lists (countries, languages, zones, areas, choices)": {
        "country", "languages", "timezone", "open_to", "area_slug", "slug", "areas",
        "countries", "area", "filters", "offsets", "reminders",
    },
    "written by the bot, never member text (tests/e2e/test_logs_private.py)": {
        "target", "details", "reasons", "run", "token_hash", "rrule", "cron", "folded",
    },
}  # fmt: skip
ALLOWED = {column for columns in NOT_MEMBER_TEXT.values() for column in columns}

# Text a member wrote for everyone, which stays after they leave, with their name taken off:
# in their export, and after erasure no longer linked to them.
SHARED = {
    ("events", "title"): "an event others signed up for keeps its title",
    ("events", "location"): "and where it happens",
    ("events", "when_text"): "and when (as typed, e.g. 'next Tuesday 15:00'), for editing",
    ("announcements", "title"): "announcements are the network's posts, not the moderator's",
    ("announcements", "body"): "as above",
    ("area_texts", "purpose"): "an area's description belongs to the server",
    ("area_texts", "questions"): "as above",
}


def word(table: str, column: str) -> str:
    return f"zq{table.replace('_', '')}{column.replace('_', '')}qz"


def rows(guild: int) -> dict[str, list[dict[str, Any]]]:
    """One row per table by (or about) the member ME, with a unique word in each text."""

    def w(table: str, column: str) -> str:
        return word(table, column)

    def wj(table: str, column: str) -> str:
        return json.dumps([word(table, column)])

    g, me = guild, ME
    return {
        "profiles": [dict(
            guild_id=g, user_id=me, name=w("profiles", "name"),
            affiliation=w("profiles", "affiliation"), expertise=wj("profiles", "expertise"),
            methods=w("profiles", "methods"), bio=w("profiles", "bio"), country="GB",
            career_stage="senior", timezone="Europe/London", confirmed_at=AT, created_at=AT,
            updated_at=AT,
        )],
        "profile_keywords": [dict(
            guild_id=g, user_id=me, folded="x", keyword=w("profile_keywords", "keyword"),
            position=0,
        )],
        "profile_drafts": [dict(
            guild_id=g, user_id=me, data=json.dumps({"bio": w("profile_drafts", "data")}),
            updated_at=AT,
        )],
        "area_texts": [dict(
            guild_id=g, slug="data", purpose=w("area_texts", "purpose"),
            questions=wj("area_texts", "questions"), updated_by=me, updated_at=AT,
        )],
        "expert_searches": [dict(
            guild_id=g, user_id=me, query=w("expert_searches", "query"), filters="{}",
            created_at=AT,
        )],
        "expert_requests": [dict(
            guild_id=g, requester_id=me, expert_id=OTHER, who=w("expert_requests", "who"),
            topic=w("expert_requests", "topic"), by_when=w("expert_requests", "by_when"),
            created_at=AT, expires_at=LATER,
        )],
        "expert_enquiries": [dict(
            id=9001, guild_id=g, enquirer_id=me, topic=w("expert_enquiries", "topic"),
            details=w("expert_enquiries", "details"), need="briefing", areas='["data"]',
            deadline=LATER, created_at=AT,
        )],
        "announcements": [dict(
            guild_id=g, channel_id=1, author_id=me, title=w("announcements", "title"),
            body=w("announcements", "body"), timezone="UTC", starts_at=LATER, created_at=AT,
            updated_at=AT,
        )],
        "event_series": [dict(
            id=9002, guild_id=g, rrule="FREQ=WEEKLY", timezone="UTC", first_start=LATER,
            created_at=AT, template=json.dumps({"description": w("events", "description")}),
        )],
        "events": [dict(
            id=9003, guild_id=g, series_id=9002, organiser_id=me, title=w("events", "title"),
            description=w("events", "description"), location=w("events", "location"),
            when_text=w("events", "when_text"), timezone="UTC", starts_at=LATER,
            ends_at="2026-12-20T11:00:00.000000Z", created_at=AT, updated_at=AT,
        )],
        "event_rsvps": [dict(
            event_id=9003, guild_id=g, user_id=me, name=w("event_rsvps", "name"),
            status="going", since=AT,
        )],
        "mentor_offers": [dict(
            guild_id=g, user_id=me, capacity=1, methods=w("mentor_offers", "methods"),
            offer=w("mentor_offers", "offer"), free_hours=w("mentor_offers", "free_hours"),
            created_at=AT, updated_at=AT,
        )],
        "mentee_requests": [dict(
            guild_id=g, user_id=me, goals=w("mentee_requests", "goals"),
            methods=w("mentee_requests", "methods"), avoid=w("mentee_requests", "avoid"),
            free_hours=w("mentee_requests", "free_hours"), status="closed", created_at=AT,
            updated_at=AT,
        )],
        "mentor_pairings": [dict(
            guild_id=g, request_id=1, mentor_id=OTHER, mentee_id=me, score=1.0,
            status="ended", proposed_at=AT, expires_at=LATER, ended_by=me,
            feedback=w("mentor_pairings", "feedback"),
        )],
    }  # fmt: skip


def schema(db_path: Path) -> dict[str, list[tuple[str, str]]]:
    with sqlite3.connect(db_path) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'"
            )
        ]
        return {
            t: [(c[1], str(c[2]).upper()) for c in db.execute(f"PRAGMA table_info({t})")]
            for t in tables
        }


def on_disk(db_path: Path) -> bytes:
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_every_id_column_is_known(db: Database) -> None:
    """A column that names a member under a new name would escape the check below."""
    unknown = sorted(
        f"{table}.{column}"
        for table, columns in schema(db.path).items()
        for column, kind in columns
        if kind == "INTEGER"
        and (column.endswith("_id") or column.endswith("_by") or column == "id")
        and not MEMBER_COLUMN.match(column)
        and column not in NOT_MEMBER_IDS
    )
    assert unknown == [], "say whether these name a member (MEMBER_COLUMN) or not"


async def test_every_member_text_is_exported_and_erased(hub: Hub) -> None:
    assert hub.bot is not None
    tables = schema(hub.db_path)
    samples = rows(hub.guild_id)
    members = {
        t for t, columns in tables.items() if any(MEMBER_COLUMN.match(c) for c, _ in columns)
    }
    covered = {(t, c) for t, found in samples.items() if t in members for row in found for c in row}
    unclassified = sorted(
        f"{table}.{column}"
        for table, columns in tables.items()
        if table in members
        for column, kind in columns
        if kind == "TEXT"
        and column not in ALLOWED
        and (table, column) not in SHARED
        and (table, column) not in covered
    )
    assert unclassified == [], (
        "member text nobody exports or erases: add a row to rows() and cover it in the "
        "feature's export and erase, or list it in NOT_MEMBER_TEXT or SHARED with the reason"
    )
    texts = {
        (t, c)
        for t, columns in tables.items()
        for c, kind in columns
        if kind == "TEXT" and c not in ALLOWED
    }
    for table, found in samples.items():
        for row in found:
            names, marks = ", ".join(row), ", ".join("?" for _ in row)
            await hub.bot.db.execute(
                f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(row.values())
            )
    wanted = {word(t, c) for t, c in covered & texts} | {word(t, c) for t, c in SHARED}
    exported = json.dumps(await hub.bot.personal_data.export(hub.guild_id, ME), default=str)
    assert sorted(w for w in wanted if w not in exported) == []

    await hub.bot.personal_data.erase(hub.guild_id, ME)
    disk = on_disk(hub.db_path)
    private = {word(t, c) for t, c in (covered & texts) - set(SHARED)}
    assert sorted(w for w in private if w.encode() in disk) == []
    with sqlite3.connect(hub.db_path) as db:
        for table, column in SHARED:
            owners = [c for c, _ in tables[table] if MEMBER_COLUMN.match(c)]
            linked = db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {column} = ? AND ("
                + " OR ".join(f"{o} = ?" for o in owners)
                + ")",
                (word(table, column), *[ME] * len(owners)),
            ).fetchone()[0]
            assert linked == 0, f"{table}.{column} is still linked to the erased member"
