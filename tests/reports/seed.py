"""Rows of a server's history written straight into the database, for report tests and the
bench: members, introductions, enquiries, mentoring and events, at the times given."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from bot.clock import to_db_time


def at(text: str) -> str:
    """'2026-11-03 10:00' (UTC) as the database stores times."""
    moment = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    return to_db_time(moment)


class Seeder:
    def __init__(self, db: sqlite3.Connection, guild_id: int) -> None:
        self.db = db
        self.guild = guild_id

    def profile(self, user: int, country: str, stage: str, created: str,
                areas: tuple[str, ...] = (), name: str = "") -> None:  # fmt: skip
        when = at(created)
        self.db.execute(
            "INSERT INTO profiles (guild_id, user_id, name, affiliation, expertise, country, "
            "career_stage, timezone, confirmed_at, created_at, updated_at) "
            "VALUES (?, ?, ?, 'University', '[]', ?, ?, 'UTC', ?, ?, ?)",
            (self.guild, user, name or f"Member {user}", country, stage, when, when, when),
        )
        self.db.executemany(
            "INSERT INTO profile_areas (guild_id, user_id, area_slug, joined_at) "
            "VALUES (?, ?, ?, ?)",
            [(self.guild, user, slug, when) for slug in areas],
        )

    def introduction(self, requester: int, expert: int, decided: str,
                     status: str = "accepted") -> None:  # fmt: skip
        self.db.execute(
            "INSERT INTO expert_requests (guild_id, requester_id, expert_id, who, topic, status, "
            "created_at, decided_at, expires_at) VALUES (?, ?, ?, 'me', 'a topic', ?, ?, ?, ?)",
            (self.guild, requester, expert, status, at(decided), at(decided), at(decided)),
        )

    def enquiry(self, enquirer: int, areas: list[str], created: str,
                answers: list[tuple[int, str, str]]) -> int:  # fmt: skip
        """answers: (member, 'yes' or 'no', when)."""
        cursor = self.db.execute(
            "INSERT INTO expert_enquiries (guild_id, enquirer_id, topic, need, areas, deadline, "
            "created_at) VALUES (?, ?, 'a question', 'briefing', ?, ?, ?)",
            (self.guild, enquirer, json.dumps(areas), at(created), at(created)),
        )
        enquiry = int(cursor.lastrowid or 0)
        self.db.executemany(
            "INSERT INTO expert_enquiry_recipients (enquiry_id, guild_id, user_id, delivered_by, "
            "answer, answered_at) VALUES (?, ?, ?, 'dm', ?, ?)",
            [(enquiry, self.guild, user, answer, at(when)) for user, answer, when in answers],
        )
        return enquiry

    def request(self, mentee: int, status: str, created: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO mentee_requests (guild_id, user_id, goals, status, created_at, "
            "updated_at) VALUES (?, ?, 'goals', ?, ?, ?)",
            (self.guild, mentee, status, at(created), at(created)),
        )
        return int(cursor.lastrowid or 0)

    def pairing(self, mentor: int, mentee: int, request: int, status: str, proposed: str,
                started: str | None = None, ended: str | None = None,
                outcome: str | None = None) -> int:  # fmt: skip
        cursor = self.db.execute(
            "INSERT INTO mentor_pairings (guild_id, request_id, mentor_id, mentee_id, score, "
            "status, proposed_at, expires_at, started_at, ended_at, outcome) "
            "VALUES (?, ?, ?, ?, 1.0, ?, ?, ?, ?, ?, ?)",
            (self.guild, request, mentor, mentee, status, at(proposed), at(proposed),
             at(started) if started else None, at(ended) if ended else None, outcome),
        )  # fmt: skip
        return int(cursor.lastrowid or 0)

    def checkin(self, pairing: int, user: int, when: str, stage: int = 1) -> None:
        self.db.execute(
            "INSERT INTO mentor_checkins (pairing_id, user_id, stage, answer, answered_at) "
            "VALUES (?, ?, ?, 'well', ?)",
            (pairing, user, stage, at(when)),
        )

    def event(self, area: str | None, starts: str, going: list[int],
              state: str = "scheduled", maybe: tuple[int, ...] = ()) -> int:  # fmt: skip
        start = at(starts)
        cursor = self.db.execute(
            "INSERT INTO events (guild_id, title, area, timezone, starts_at, ends_at, state, "
            "created_at, updated_at) VALUES (?, 'A seminar', ?, 'UTC', ?, ?, ?, ?, ?)",
            (self.guild, area, start, start.replace("00.000000Z", "59.000000Z"), state, start,
             start),
        )  # fmt: skip
        event = int(cursor.lastrowid or 0)
        rows = [(event, user, "going") for user in going] + [(event, u, "maybe") for u in maybe]
        self.db.executemany(
            "INSERT INTO event_rsvps (event_id, guild_id, user_id, name, status, since) "
            "VALUES (?, ?, ?, 'someone', ?, ?)",
            [(e, self.guild, user, status, start) for e, user, status in rows],
        )
        return event
