"""The report's numbers, read from the database in one worker thread.

Everything here is plain, synchronous Python on its own read-only SQLite connection, so
``asyncio.to_thread`` can build a whole report while the bot goes on answering members.
Only rows that exist when the report is made are counted: a member who deleted their data
has no rows left (every feature erases its own), so they no longer count.

A tie is a pair of members the hub brought together: an accepted introduction, a "yes" to
an enquiry, a mentoring pair that started, or both going to the same event. Each pair counts
once, in the month of its first tie ever; a pair first tied before the period is not new.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations
from urllib.parse import quote
from zoneinfo import ZoneInfo

from bot.clock import from_db_time, to_db_time
from bot.countries import name as country_name
from cogs.reports.periods import Period, day_text, month_text
from cogs.reports.privacy import Cell

MEMBERS = "Members"
MEMBERS_BY_COUNTRY = "Members by country"
MEMBERS_BY_STAGE = "Members by career stage"
NEW_MEMBERS = "New members"
NEW_TIES = "New ties"
TIES_BY_MONTH = "New ties by month"
TIES_BY_KIND = "New ties by how they formed"
TIES_BY_COUNTRIES = "New ties between countries"
EVENTS = "Events held"
ATTENDANCE = "Event attendance"
ENQUIRIES = "Enquiries"
ANSWER_HOURS = "Median hours to first answer"
EARLY_CAREER = "Early-career members"
MENTORING_NOW = "Mentoring now"
CHECKINS = "Mentoring pairs with a check-in"
ENDINGS = "Mentoring pairings ended"
AREA_MEMBERS = "Area members"

WITHIN, ACROSS = "Within a country", "Across borders"
KINDS = {
    "introduction": "Accepted introduction",
    "enquiry": "Answered enquiry",
    "mentoring": "Mentoring pair",
    "event": "Went to the same event",
}
STAGES = ("early-career", "mid-career", "senior", "practitioner", "policy")
STAGE_NAMES = {
    "early-career": "Early career", "mid-career": "Mid career", "senior": "Senior",
    "practitioner": "Practitioner", "policy": "Policy",
}  # fmt: skip
NO_AREA = "No area"
ALL = "All"
ALL_AREAS = "All areas"
MENTORING_STATES = ("Waiting for a mentor", "Proposal waiting for answers", "Paired")
OUTCOMES = ("Completed", "Ended early", "Declined", "Not taken up")


@dataclass(frozen=True)
class Sources:
    """What the numbers are read with: the server, its areas and its rules."""

    guild_id: int
    areas: dict[str, str]  # slug -> name, in the network's order
    completed_after: timedelta  # a pair that ran this long (the last check-in) completed


@dataclass
class Numbers:
    """Cells gathered so far, in the order they are read out."""

    cells: list[Cell] = field(default_factory=list)

    def add(self, metric: str, period: str, breakdown: str, value: float, basis: int | None = None,
            additive: bool = False) -> None:  # fmt: skip
        count = int(value) if basis is None else basis
        self.cells.append(Cell(metric, period, breakdown, value, count, additive))


def connect(path: str) -> sqlite3.Connection:
    """A read-only connection of the worker thread's own (WAL lets it read while the bot writes)."""
    connection = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    return connection


def gather(db: sqlite3.Connection, sources: Sources, period: Period, now: datetime) -> list[Cell]:
    """Every number of the report, before small counts are hidden."""
    numbers = Numbers()
    reader = Reader(db, sources, period, now)
    reader.members(numbers)
    reader.ties(numbers)
    reader.events(numbers)
    reader.enquiries(numbers)
    reader.mentoring(numbers)
    reader.area_members(numbers)
    return numbers.cells


class Reader:
    def __init__(self, db: sqlite3.Connection, sources: Sources, period: Period, now: datetime):
        self.db = db
        self.guild = sources.guild_id
        self.sources = sources
        self.period = period
        self.zone = ZoneInfo(period.zone)
        self.start = to_db_time(period.start)
        self.end = to_db_time(min(period.end, now))
        self.whole = period.label
        self.at_end = f"at the end of {period.label}" if period.end <= now else "now"
        self.today = f"as of {day_text(now.astimezone(self.zone).date())}"
        months = period.months()
        self.month_labels = [month_text(year, month) for year, month in months]
        self.month_starts = [
            to_db_time(datetime(year, month, 1, tzinfo=self.zone)) for year, month in months
        ]

    def rows(self, sql: str, *params: object) -> list[sqlite3.Row]:
        return self.db.execute(sql, (self.guild, *params)).fetchall()

    def month_of(self, stamp: str) -> str:
        """The server-time month of a stored time within the period, found by comparing the
        text with each month's first instant (stored times sort in time order): parsing
        every time took most of a large report's reading."""
        return self.month_labels[max(bisect_right(self.month_starts, stamp) - 1, 0)]

    def in_period(self, stamp: str | None) -> bool:
        return stamp is not None and self.start <= stamp < self.end

    # -- members -----------------------------------------------------------------------------

    def members(self, numbers: Numbers) -> None:
        rows = self.rows(
            "SELECT country, career_stage, status, created_at FROM profiles WHERE guild_id = ?"
        )
        current = [r for r in rows if r["status"] == "active" and r["created_at"] < self.end]
        numbers.add(MEMBERS, self.at_end, ALL, len(current))
        countries = Counter(country_name(r["country"]) for r in current)
        for country, count in sorted(countries.items(), key=lambda kv: (-kv[1], kv[0])):
            numbers.add(MEMBERS_BY_COUNTRY, self.at_end, country, count, additive=True)
        stages = Counter(r["career_stage"] for r in current)
        for stage in STAGES:
            numbers.add(MEMBERS_BY_STAGE, self.at_end, STAGE_NAMES[stage], stages[stage],
                        additive=True)  # fmt: skip
        new = Counter(
            self.month_of(r["created_at"]) for r in rows if self.in_period(r["created_at"])
        )
        for year, month in self.period.months():
            numbers.add(NEW_MEMBERS, month_text(year, month), ALL, new[month_text(year, month)])

    # -- ties --------------------------------------------------------------------------------

    def ties(self, numbers: Numbers) -> None:
        countries = {
            int(r["user_id"]): str(r["country"])
            for r in self.rows("SELECT user_id, country FROM profiles WHERE guild_id = ?")
        }
        first: dict[tuple[int, int], tuple[str, str]] = {}  # pair -> (when, how), earliest
        for a, b, at, kind in self._tie_rows():
            if a == b or a not in countries or b not in countries:
                continue
            pair = (a, b) if a < b else (b, a)
            known = first.get(pair)
            if known is None or at < known[0]:
                first[pair] = (at, kind)
        by_month: Counter[tuple[str, str]] = Counter()
        by_kind: Counter[str] = Counter()
        by_codes: Counter[tuple[str, str]] = Counter()
        for (a, b), (at, kind) in first.items():
            if not self.start <= at < self.end:
                continue
            here, there = countries[a], countries[b]
            by_month[(self.month_of(at), WITHIN if here == there else ACROSS)] += 1
            by_kind[kind] += 1
            by_codes[(here, there) if here < there else (there, here)] += 1
        numbers.add(NEW_TIES, self.whole, ALL, sum(by_kind.values()))
        by_countries: Counter[str] = Counter()
        for (here, there), count in by_codes.items():
            by_countries[_country_pair(here, there)] += count
        for year, month in self.period.months():
            label = month_text(year, month)
            for side in (WITHIN, ACROSS):
                numbers.add(TIES_BY_MONTH, label, side, by_month[(label, side)], additive=True)
        for kind, label in KINDS.items():
            numbers.add(TIES_BY_KIND, self.whole, label, by_kind[kind], additive=True)
        for between, count in sorted(by_countries.items(), key=lambda kv: (-kv[1], kv[0])):
            numbers.add(TIES_BY_COUNTRIES, self.whole, between, count, additive=True)

    def _tie_rows(self) -> Iterator[tuple[int, int, str, str]]:
        """(member, member, when, how) of every tie up to the period's end."""
        for r in self.rows(
            "SELECT requester_id, expert_id, decided_at FROM expert_requests WHERE guild_id = ? "
            "AND status = 'accepted' AND decided_at < ?", self.end,
        ):  # fmt: skip
            yield int(r[0]), int(r[1]), str(r[2]), "introduction"
        for r in self.rows(
            "SELECT e.enquirer_id, r.user_id, r.answered_at FROM expert_enquiry_recipients r "
            "JOIN expert_enquiries e ON e.id = r.enquiry_id WHERE e.guild_id = ? "
            "AND r.answer = 'yes' AND r.answered_at < ?", self.end,
        ):  # fmt: skip
            yield int(r[0]), int(r[1]), str(r[2]), "enquiry"
        for r in self.rows(
            "SELECT mentor_id, mentee_id, started_at FROM mentor_pairings WHERE guild_id = ? "
            "AND started_at IS NOT NULL AND started_at < ?", self.end,
        ):  # fmt: skip
            yield int(r[0]), int(r[1]), str(r[2]), "mentoring"
        yield from self._event_ties()

    def _event_ties(self) -> Iterator[tuple[int, int, str, str]]:
        going: dict[int, list[int]] = defaultdict(list)
        starts: dict[int, str] = {}
        for r in self.rows(
            "SELECT e.id, e.starts_at, r.user_id FROM events e JOIN event_rsvps r "
            "ON r.event_id = e.id WHERE e.guild_id = ? AND e.state = 'scheduled' "
            "AND e.starts_at < ? AND r.status = 'going'", self.end,
        ):  # fmt: skip
            going[int(r[0])].append(int(r[2]))
            starts[int(r[0])] = str(r[1])
        for event_id, members in going.items():
            for a, b in combinations(sorted(members), 2):
                yield a, b, starts[event_id], "event"

    # -- knowledge exchange ----------------------------------------------------------------------

    def _area_name(self, slug: str | None) -> str:
        if slug is None:
            return NO_AREA
        return self.sources.areas.get(slug, slug)

    def _area_order(self, names: Iterable[str]) -> list[str]:
        order = [*self.sources.areas.values(), NO_AREA]
        extra = sorted(set(names) - set(order))
        return [*order, *extra]

    def events(self, numbers: Numbers) -> None:
        held: Counter[str] = Counter()
        people: Counter[str] = Counter()
        for r in self.rows(
            "SELECT e.area, (SELECT COUNT(*) FROM event_rsvps r WHERE r.event_id = e.id "
            "AND r.status = 'going') AS going FROM events e WHERE e.guild_id = ? "
            "AND e.state = 'scheduled' AND e.starts_at >= ? AND e.starts_at < ?",
            self.start, self.end,
        ):  # fmt: skip
            area = self._area_name(r["area"])
            held[area] += 1
            people[area] += int(r["going"])
        areas = [a for a in self._area_order(held) if a != NO_AREA or held[a]]
        for metric, counts in ((EVENTS, held), (ATTENDANCE, people)):
            for area in areas:
                numbers.add(metric, self.whole, area, counts[area])

    def enquiries(self, numbers: Numbers) -> None:
        asked: Counter[str] = Counter()
        hours: dict[str, list[float]] = defaultdict(list)
        every: list[float] = []
        for r in self.rows(
            "SELECT e.areas, e.created_at, (SELECT MIN(r.answered_at) FROM "
            "expert_enquiry_recipients r WHERE r.enquiry_id = e.id AND r.answer = 'yes') "
            "AS answered FROM expert_enquiries e WHERE e.guild_id = ? AND e.created_at >= ? "
            "AND e.created_at < ?", self.start, self.end,
        ):  # fmt: skip
            waited = None
            if r["answered"] is not None:
                delay = from_db_time(r["answered"]) - from_db_time(r["created_at"])
                waited = delay.total_seconds() / 3600
                every.append(waited)
            for slug in json.loads(r["areas"]) or [None]:
                area = self._area_name(slug)
                asked[area] += 1
                if waited is not None:
                    hours[area].append(waited)
        for area in self._area_order(asked):
            if area == NO_AREA and not asked[area]:
                continue
            numbers.add(ENQUIRIES, self.whole, area, asked[area])
        for area, values in [(ALL_AREAS, every), *((a, hours[a]) for a in self._area_order(hours))]:
            if values:
                numbers.add(ANSWER_HOURS, self.whole, area, round(statistics.median(values), 1),
                            basis=len(values))  # fmt: skip

    # -- the next generation -------------------------------------------------------------------

    def mentoring(self, numbers: Numbers) -> None:
        early = self.db.execute(
            "SELECT COUNT(*) FROM profiles WHERE guild_id = ? AND status = 'active' "
            "AND career_stage = 'early-career' AND created_at < ?", (self.guild, self.end),
        ).fetchone()[0]  # fmt: skip
        numbers.add(EARLY_CAREER, self.at_end, ALL, int(early))
        states = {
            str(r[0]): int(r[1])
            for r in self.rows(
                "SELECT status, COUNT(*) FROM mentee_requests WHERE guild_id = ? GROUP BY status"
            )
        }
        paired = self.db.execute(
            "SELECT COUNT(*) FROM mentor_pairings WHERE guild_id = ? AND status = 'active'",
            (self.guild,),
        ).fetchone()[0]
        now = (states.get("open", 0), states.get("proposed", 0), int(paired))
        for label, count in zip(MENTORING_STATES, now, strict=True):
            numbers.add(MENTORING_NOW, self.today, label, count)
        checked = self.db.execute(
            "SELECT COUNT(DISTINCT c.pairing_id) FROM mentor_checkins c JOIN mentor_pairings p "
            "ON p.id = c.pairing_id WHERE p.guild_id = ? AND c.answered_at >= ? "
            "AND c.answered_at < ?", (self.guild, self.start, self.end),
        ).fetchone()[0]  # fmt: skip
        numbers.add(CHECKINS, self.whole, ALL, int(checked))
        ended: Counter[str] = Counter()
        for r in self.rows(
            "SELECT status, outcome, started_at, ended_at FROM mentor_pairings "
            "WHERE guild_id = ? AND ended_at >= ? AND ended_at < ?", self.start, self.end,
        ):  # fmt: skip
            ended[self._outcome(r)] += 1
        for outcome in OUTCOMES:
            numbers.add(ENDINGS, self.whole, outcome, ended[outcome], additive=True)

    def _outcome(self, row: sqlite3.Row) -> str:
        if row["status"] == "declined":
            return "Declined"
        if row["started_at"] is None:
            return "Not taken up"
        ran = from_db_time(row["ended_at"]) - from_db_time(row["started_at"])
        return "Completed" if ran >= self.sources.completed_after else "Ended early"

    def area_members(self, numbers: Numbers) -> None:
        counts = Counter(
            self._area_name(str(r[0]))
            for r in self.rows(
                "SELECT a.area_slug FROM profile_areas a JOIN profiles p ON p.guild_id = "
                "a.guild_id AND p.user_id = a.user_id WHERE a.guild_id = ? "
                "AND p.status = 'active' AND p.created_at < ?", self.end,
            )
        )  # fmt: skip
        for area in self.sources.areas.values():
            numbers.add(AREA_MEMBERS, self.at_end, area, counts[area])


def _country_pair(a: str, b: str) -> str:
    first, second = sorted((country_name(a), country_name(b)))
    return f"Within {first}" if a == b else f"{first} with {second}"
