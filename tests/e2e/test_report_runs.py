"""/hub report's periods (bad ones answered privately, saying what to type) and the monthly
report: off unless switched on, then posted once a month, also across a restart."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bench.bench_report import seed
from bot.challenge_areas import load_areas
from tests.e2e.harness import Hub
from tests.e2e.report_steps import moderator, report
from tests.reports.seed import Seeder

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.clock_at(NOW)  # the bot's clock: the reports cover fixed months


async def test_bad_periods_are_answered_privately_with_what_to_type(hub: Hub) -> None:
    mod = await moderator(hub)
    cases = {
        ("2026-03-31", "2026-03-01"): "The to date (1 March 2026) is before the from date "
        "(31 March 2026). Swap them and try again.",
        ("March", "2026-03-31"): "'March' is not a date I can read for from. Type a date such "
        "as 2026-03-01 or 1 March 2026.",
        ("2027-01-05", "2027-02-01"): "5 January 2027 has not come yet, so there is nothing "
        "to report. Pick a from date up to today.",
        ("2020-01-01", "2026-01-01"): "A report covers up to three years. Pick dates closer "
        "together.",
        ("2026-03-01", None): "Give the to date too (a date such as 2026-03-01 or 1 March "
        "2026), or pick a period.",
    }
    for (start, end), said in cases.items():
        options = {"from": start} | ({"to": end} if end else {})
        answer = await report(hub, mod, **options)
        assert answer.ephemeral and answer.content == said, (start, end, answer.content)
        assert not answer.attachments
    both = await report(hub, mod, period="last_year", **{"from": "2026-01-01", "to": "2026-02-01"})
    assert both.ephemeral and both.content == (
        "Give either a period from the list or the from and to dates, not both."
    )


async def test_typed_dates_and_named_periods_say_which_days_they_cover(hub: Hub) -> None:
    mod = await moderator(hub)
    typed = await report(hub, mod, **{"from": "1 March 2026", "to": "2026-05-31"})
    assert typed.content.startswith(
        "**Impact report, 1 March 2026 to 31 May 2026** (1 March 2026 to 31 May 2026, server time)"
    )
    for period, heading in (
        ("this_month", "December 2026 so far** (1 December 2026 to 7 December 2026"),
        ("last_quarter", "Q3 2026** (1 July 2026 to 30 September 2026"),
        ("this_year", "2026 so far** (1 January 2026 to 7 December 2026"),
    ):
        answer = await report(hub, mod, period=period)
        assert answer.content.startswith(f"**Impact report, {heading}"), answer.content
        assert len(answer.attachments) == 6


def monthly_jobs(hub: Hub) -> list[tuple[str, str]]:
    with sqlite3.connect(hub.db_path) as db:
        return db.execute(
            "SELECT status, due_at FROM scheduled_jobs WHERE kind = 'reports.monthly' ORDER BY id"
        ).fetchall()


def due_at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def posts(hub: Hub) -> list[Any]:
    return [m for m in hub.messages("audit-log") if "Monthly impact report" in m.content]


async def next_due(hub: Hub, after: datetime) -> datetime:
    def planned() -> bool:
        return any(s == "pending" and due_at(d) > after for s, d in monthly_jobs(hub))

    await hub.double.wait_for(planned, what="the next monthly report to be planned")
    [pending] = [due_at(d) for s, d in monthly_jobs(hub) if s == "pending"]
    return pending


@pytest.mark.hub_settings(server_timezone="Europe/London")
async def test_a_missed_monthly_report_plans_the_next_month_while_the_bot_runs(hub: Hub) -> None:
    """The bot stalled past the grace period: that month is not posted days late, but the
    next month's report is planned at once, not only when the bot next becomes ready."""
    await hub.double.wait_for(lambda: bool(monthly_jobs(hub)), what="the first monthly job")
    [(_, first)] = monthly_jobs(hub)
    january = due_at(first)
    hub.clock.set(january + timedelta(days=2))  # far past the grace period
    february = await next_due(hub, january)
    assert february == datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    assert ("missed", first) in monthly_jobs(hub)


@pytest.mark.hub_settings(server_timezone="Europe/London")
async def test_the_monthly_report_is_off_by_default_then_posted_once_a_month(hub: Hub) -> None:
    await hub.double.wait_for(lambda: bool(monthly_jobs(hub)), what="the first monthly job")
    [(status, first)] = monthly_jobs(hub)
    january = due_at(first)
    assert status == "pending" and january == datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
    hub.clock.set(january + timedelta(seconds=1))
    february = await next_due(hub, january)
    assert february == datetime(2027, 2, 1, 9, 0, tzinfo=UTC)  # a Monday, 09:00 London
    assert posts(hub) == []  # off unless a moderator switches it on

    mod = await moderator(hub)
    on = await hub.double.run_command(
        hub.guild_id, mod, "hub config set", {"setting": "report_monthly", "value": "on"}
    )
    assert on.content.startswith("Reports: monthly impact report is now on on this server")
    assert "Last month's impact report is posted in #audit-log on the first working day" in (
        on.content
    )
    hub.clock.set(february + timedelta(seconds=1))
    await hub.double.wait_for(lambda: len(posts(hub)) == 1, what="the monthly report")
    march = await next_due(hub, february)
    assert march == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    [post] = posts(hub)
    assert post.content.startswith(
        "**Monthly impact report, January 2027** (1 January 2027 to 31 January 2027"
    )
    assert len(post.attachments) == 6
    assert all(a.get("description") for a in post.attachments)

    # As if the bot had crashed after posting but before marking the job done:
    with sqlite3.connect(hub.db_path) as db:
        db.execute("DELETE FROM scheduled_jobs WHERE kind = 'reports.monthly' "
                   "AND status = 'pending'")  # fmt: skip
        db.execute("UPDATE scheduled_jobs SET status = 'pending' WHERE kind = 'reports.monthly' "
                   "AND status = 'done' AND due_at LIKE '2027-02-01%'")  # fmt: skip
    await hub.restart()
    await hub.double.settle()
    assert hub.bot is not None
    await hub.bot.scheduler.run_due()
    await hub.double.settle()
    assert len(posts(hub)) == 1
    pending = [d for s, d in monthly_jobs(hub) if s == "pending"]
    assert [due_at(d) for d in pending] == [march]


async def test_the_mentoring_overview_carries_a_chart_by_career_stage(hub: Hub) -> None:
    mod = await moderator(hub)
    with sqlite3.connect(hub.db_path) as db:
        seed = Seeder(db, hub.guild_id)
        for user, stage in ((1, "senior"), (2, "early-career"), (3, "early-career"),
                            (4, "mid-career"), (5, "senior"), (6, "early-career")):  # fmt: skip
            seed.profile(user, "KE", stage, "2026-09-01 10:00")
        seed.request(2, "open", "2026-10-01 10:00")
        seed.request(4, "open", "2026-10-01 10:00")
        waiting = seed.request(3, "proposed", "2026-10-01 10:00")
        seed.pairing(1, 3, waiting, "proposed", "2026-10-02 10:00")
        paired = seed.request(6, "matched", "2026-10-01 10:00")
        seed.pairing(5, 6, paired, "active", "2026-10-02 10:00", started="2026-10-03 10:00")
    overview = await hub.double.run_command(hub.guild_id, mod, "mentor-admin overview")
    assert overview.ephemeral and "Mentees waiting: 2" in overview.content
    [chart] = overview.attachments
    image = Image.open(io.BytesIO(chart["bytes"]))
    assert (chart["filename"], image.format, image.size) == ("mentoring-overview.png", "PNG",
                                                             (800, 500))  # fmt: skip
    assert chart["description"] == (
        "Bar chart of mentees waiting, proposed, paired and ended, by career stage: waiting, "
        "early career 1; waiting, mid career 1; proposed, early career 1; proposed, mid career "
        "0; paired, early career 1; paired, mid career 0; ended, early career 0; ended, mid "
        "career 0."
    )


def short(moment: datetime) -> str:
    local = moment.astimezone(ZoneInfo("Europe/London"))
    return f"{local.day} {local:%b}"


@pytest.mark.hub_settings(digest_day="mon", digest_hour=9, server_timezone="Europe/London")
async def test_the_weekly_digest_carries_a_chart_of_the_areas_last_eight_weeks(hub: Hub) -> None:
    mod = await moderator(hub)
    await hub.double.run_command(hub.guild_id, mod, "hub setup", {})
    with sqlite3.connect(hub.db_path) as db:
        (due_text,) = db.execute(
            "SELECT due_at FROM scheduled_jobs WHERE kind = 'areas.digest' AND status = 'pending'"
        ).fetchone()
    due = due_at(due_text)
    last, earlier = due - timedelta(days=6), due - timedelta(days=27)
    with sqlite3.connect(hub.db_path) as db:
        seed = Seeder(db, hub.guild_id)
        seed.profile(1, "KE", "senior", last.strftime("%Y-%m-%d %H:%M"), ("disinformation",))
        seed.profile(2, "NG", "senior", earlier.strftime("%Y-%m-%d %H:%M"), ("disinformation",))
        seed.event("disinformation", earlier.strftime("%Y-%m-%d %H:%M"), [1, 2])
        db.execute(
            "INSERT INTO area_thread_activity (guild_id, slug, thread_id, day, messages) "
            "VALUES (?, 'disinformation', 77, ?, 5)",
            (hub.guild_id, last.strftime("%Y-%m-%d")),
        )
    hub.clock.set(due + timedelta(seconds=1))
    room = hub.double.channel_by_name(hub.guild_id, "disinformation")
    assert room is not None

    def digest() -> Any:
        found = [m for m in hub.double.messages_in(room.id) if m.embeds and m.attachments]
        return found[0] if found else None

    await hub.double.wait_for(lambda: digest() is not None, what="the digest with its chart")
    message = digest()
    [chart] = message.attachments
    assert message.embeds[0]["image"]["url"] == "attachment://area-activity.png"
    image = Image.open(io.BytesIO(chart["bytes"]))
    assert (chart["filename"], image.format, image.size) == ("area-activity.png", "PNG",
                                                             (800, 300))  # fmt: skip
    alt = chart["description"]
    assert alt.startswith("Bar chart of activity in Disinformation over the last 8 weeks: ")
    week = due - timedelta(weeks=1)
    assert f"week of {short(week)} thread messages 5, new members 1, events 0." in alt
    four = due - timedelta(weeks=4)
    assert f"week of {short(four)} thread messages 0, new members 1, events 1;" in alt


async def test_a_server_that_adds_the_bot_back_gets_its_monthly_report_job_again(
    hub: Hub,
) -> None:
    await hub.double.wait_for(lambda: bool(monthly_jobs(hub)), what="the first monthly job")
    [(_, first)] = monthly_jobs(hub)
    await hub.double.gateway.bot_removed(hub.guild_id)
    hub.clock.set(due_at(first) + timedelta(seconds=1))

    # Held while the bot is away (not run for a server it is not in); back, it is due again
    # and the next month's report is planned.
    await hub.double.settle(0.2)
    assert [s for s, _ in monthly_jobs(hub)] == ["held"]
    await hub.double.gateway.bot_added(hub.guild_id)
    assert await next_due(hub, due_at(first)) > due_at(first)
    assert monthly_jobs(hub)[0][0] in ("done", "cancelled")


async def test_the_bot_answers_others_while_a_large_report_is_built(hub: Hub) -> None:
    """The report is built in a worker thread: /about is answered at once meanwhile."""
    hub.clock.set(datetime(2027, 1, 10, 12, tzinfo=UTC))
    await hub.stop()  # a year of 5,000 members is written while the bot is not writing
    seed(hub.db_path, 5000, [a.slug for a in load_areas().areas], guild_id=hub.guild_id)
    await hub.start()
    mod = await moderator(hub)
    member = (await hub.double.add_member(hub.guild_id, "amira")).id
    loop = asyncio.get_running_loop()
    started = loop.time()
    building = asyncio.create_task(report(hub, mod, period="last_year"))
    await asyncio.sleep(0.3)  # the report is being built now
    about = await hub.double.run_command(hub.guild_id, member, "about", settle=False)
    answered = loop.time() - started
    made = await building
    finished = loop.time() - started
    assert about.embeds and len(made.attachments) == 6
    assert answered < finished - 0.2, (answered, finished)
