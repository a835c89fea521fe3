"""Impact reports: built in a worker thread, claimed once a month, summarised in words.

``build_report`` is the whole report as plain synchronous work (read, hide small counts,
draw, write the CSV) so ``ReportService.build`` can hand it to ``asyncio.to_thread`` and
the bot stays responsive while a year of a large server is counted and drawn.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import Clock, to_db_time
from bot.db import Database, Row
from cogs.reports import metrics as m
from cogs.reports.charts import Chart, area_activity_chart, draw_all, mentoring_overview_chart
from cogs.reports.metrics import Sources, connect, gather
from cogs.reports.periods import Period, named_period
from cogs.reports.privacy import Cell, protect
from cogs.reports.table import csv_text

OVERVIEW_SQL = {
    "Waiting": "SELECT p.career_stage, COUNT(*) AS n FROM mentee_requests r JOIN profiles p "
    "ON p.guild_id = r.guild_id AND p.user_id = r.user_id WHERE r.guild_id = ? "
    "AND r.status = 'open' GROUP BY p.career_stage",
    **{
        state: "SELECT p.career_stage, COUNT(*) AS n FROM mentor_pairings m JOIN profiles p "
        "ON p.guild_id = m.guild_id AND p.user_id = m.mentee_id WHERE m.guild_id = ? "
        f"AND m.status = '{status}' GROUP BY p.career_stage"
        for state, status in (("Proposed", "proposed"), ("Paired", "active"), ("Ended", "ended"))
    },
}
ACTIVITY_WEEKS = 8
POST_HOUR = 9  # the monthly report goes out at 09:00, server time


@dataclass(frozen=True)
class Report:
    period: Period
    summary: str
    csv: str
    charts: list[Chart]

    @property
    def csv_name(self) -> str:
        return f"impact-report-{self.period.first:%Y-%m-%d}-to-{self.period.last:%Y-%m-%d}.csv"


def build_report(
    path: Path, sources: Sources, period: Period, now: datetime, minimum: int, heading: str
) -> Report:
    """The whole report, synchronously: for a worker thread."""
    with closing(connect(str(path))) as db:
        cells = protect(gather(db, sources, period, now), minimum)
    charts = draw_all(cells, minimum, period.label)
    text = summary(cells, minimum, period, heading)
    return Report(period, text, csv_text(cells, minimum), charts)


def _value(cells: list[Cell], metric: str, breakdown: str, minimum: int) -> str:
    for cell in cells:
        if cell.metric == metric and cell.breakdown == breakdown:
            return cell.shown(minimum)
    return "0"


def _total(cells: list[Cell], metric: str, breakdown: str, minimum: int) -> str:
    """A sum over months, or 'at least N' when some months are hidden."""
    found = [c for c in cells if c.metric == metric and c.breakdown == breakdown]
    known = int(sum(c.value for c in found if not c.covered))
    return f"at least {known}" if any(c.covered for c in found) else str(known)


def _events_text(events: list[Cell], held: int, minimum: int) -> str:
    if not any(c.covered for c in events):
        return str(held)
    return f"at least {held}" if held else f"fewer than {minimum} in each area that held any"


def summary(cells: list[Cell], minimum: int, period: Period, heading: str) -> str:
    """The report's few headline numbers, in words, above its charts."""
    countries = sum(1 for c in cells if c.metric == m.MEMBERS_BY_COUNTRY)
    events = [c for c in cells if c.metric == m.EVENTS]
    held = int(sum(c.value for c in events if not c.covered))
    hours = _value(cells, m.ANSWER_HOURS, m.ALL_AREAS, minimum)
    lines = [
        f"**{heading}, {period.label}** ({period.span}, server time)",
        f"Members: {_value(cells, m.MEMBERS, m.ALL, minimum)} in {countries} "
        f"{'country' if countries == 1 else 'countries'}.",
        f"New ties between members: {_value(cells, m.NEW_TIES, m.ALL, minimum)}, of them "
        f"{_total(cells, m.TIES_BY_MONTH, m.ACROSS, minimum)} across borders.",
        f"Events held: {_events_text(events, held, minimum)}. "
        f"Median hours to an enquiry's first answer: "
        f"{'no answers yet' if hours == '0' else hours}.",
        f"Early-career members: {_value(cells, m.EARLY_CAREER, m.ALL, minimum)}; paired with "
        f"a mentor now: {_value(cells, m.MENTORING_NOW, m.MENTORING_STATES[2], minimum)}.",
        f"Counts only, never names: any number under {minimum} shows as 'fewer than "
        f"{minimum}'. The CSV has every number, one row each.",
    ]
    return "\n".join(lines)


def _per_week(rows: list[Row], edges: list[str]) -> list[int]:
    """Sums of ``n`` per week, each row placed by comparing its time text with the edges."""
    totals = [0] * (len(edges) - 1)
    for row in rows:
        index = bisect_right(edges, str(row["at"])) - 1
        if 0 <= index < len(totals):
            totals[index] += int(row["n"])
    return totals


def first_working_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def next_monthly_post(after: datetime, zone: str) -> datetime:
    """09:00 server time on the first working day (Monday to Friday) of a month, after ``after``."""
    tz = ZoneInfo(zone)
    local = after.astimezone(tz)
    year, month = local.year, local.month
    while True:
        day = first_working_day(year, month)
        due = datetime.combine(day, time(POST_HOUR), tzinfo=tz)
        if due > local:
            return due
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_reported(due: datetime, zone: str) -> Period:
    """The month before the one ``due`` falls in, on the server's calendar."""
    return named_period("last_month", due.astimezone(ZoneInfo(zone)).date(), zone)


class ReportService:
    def __init__(self, db: Database, clock: Clock, sources_of: SourcesFactory) -> None:
        self._db = db
        self._clock = clock
        self._sources_of = sources_of

    async def build(
        self, guild_id: int, period: Period, minimum: int, heading: str = "Impact report"
    ) -> Report:
        now = self._clock.now()
        sources = self._sources_of(guild_id)
        path = self._db.path
        return await asyncio.to_thread(build_report, path, sources, period, now, minimum, heading)

    async def mentoring_overview(self, guild_id: int) -> Chart:
        """Mentees waiting, proposed, paired and ended, by career stage, drawn off the loop."""
        counts: dict[str, dict[str, int]] = {}
        for state, sql in OVERVIEW_SQL.items():
            rows = await self._db.fetchall(sql, (guild_id,))
            counts[state] = {str(r["career_stage"]): int(r["n"]) for r in rows}
        return await asyncio.to_thread(mentoring_overview_chart, counts)

    async def area_activity(
        self, guild_id: int, slug: str, name: str, end: datetime, zone: str
    ) -> Chart:
        """An area's thread messages, new members and events in each of the 8 weeks before
        ``end`` (the digest's time), drawn off the event loop."""
        starts = [end - timedelta(weeks=ACTIVITY_WEEKS - i) for i in range(ACTIVITY_WEEKS)]
        edges = [to_db_time(s) for s in [*starts, end]]
        days = [s.strftime("%Y-%m-%d") for s in [*starts, end]]
        messages = await self._db.fetchall(
            "SELECT day AS at, messages AS n FROM area_thread_activity WHERE guild_id = ? "
            "AND slug = ? AND day >= ? AND day < ?", (guild_id, slug, days[0], days[-1]),
        )  # fmt: skip
        joined = await self._db.fetchall(
            "SELECT joined_at AS at, 1 AS n FROM profile_areas WHERE guild_id = ? "
            "AND area_slug = ? AND joined_at >= ? AND joined_at < ?",
            (guild_id, slug, edges[0], edges[-1]),
        )
        held = await self._db.fetchall(
            "SELECT starts_at AS at, 1 AS n FROM events WHERE guild_id = ? AND area = ? "
            "AND state = 'scheduled' AND starts_at >= ? AND starts_at < ?",
            (guild_id, slug, edges[0], edges[-1]),
        )
        series = {
            "Thread messages": _per_week(messages, days),
            "New members": _per_week(joined, edges),
            "Events": _per_week(held, edges),
        }
        tz = ZoneInfo(zone)
        weeks = [f"{s.astimezone(tz).day} {s.astimezone(tz):%b}" for s in starts]
        return await asyncio.to_thread(area_activity_chart, name, weeks, series)

    # -- the monthly post ------------------------------------------------------------------------

    async def claim_month(self, guild_id: int, month: str) -> bool:
        """True for the one caller that may post this month's report; a row left 'sending' by
        a crash is not claimed again (the report may have gone out)."""
        claimed = await self._db.execute(
            "INSERT OR IGNORE INTO report_posts (guild_id, month, status, updated_at) "
            "VALUES (?, ?, 'sending', ?)",
            (guild_id, month, to_db_time(self._clock.now())),
        )
        return claimed == 1

    async def release_month(self, guild_id: int, month: str) -> None:
        """Sending failed for certain: the next attempt may claim it again."""
        await self._db.execute(
            "DELETE FROM report_posts WHERE guild_id = ? AND month = ? AND status = 'sending'",
            (guild_id, month),
        )

    async def month_sent(self, guild_id: int, month: str, channel_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE report_posts SET status = 'sent', channel_id = ?, message_id = ?, "
            "updated_at = ? WHERE guild_id = ? AND month = ?",
            (channel_id, message_id, to_db_time(self._clock.now()), guild_id, month),
        )


class SourcesFactory:
    """The server's sources for a report: areas and the mentoring rule for 'completed'."""

    def __init__(
        self, areas_of: Callable[[int], dict[str, str]], completed_after: timedelta
    ) -> None:
        self._areas_of = areas_of  # a server's areas, slug -> name, in its own order
        self._completed_after = completed_after

    def __call__(self, guild_id: int) -> Sources:
        return Sources(guild_id, self._areas_of(guild_id), self._completed_after)
