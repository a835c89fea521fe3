"""Announcement delivery through the double: restarts, double fires, clock jumps, failures,
and a weekly post that keeps its local hour across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import to_db_time
from cogs.announcements.model import RUN_JOB
from sandbox.double.state import BOT_PERMISSIONS, SEND_MESSAGES
from tests.e2e.announce_steps import (
    advance_until_posted,
    command,
    moderator,
    posts,
    scheduled,
)
from tests.e2e.harness import Hub

LONDON = ZoneInfo("Europe/London")


def audit_text(hub: Hub) -> str:
    return "\n".join(m.content for m in hub.messages("audit-log"))


async def next_run(hub: Hub) -> datetime:
    assert hub.bot is not None
    value = await hub.bot.db.fetchval("SELECT next_run_at FROM announcements WHERE id = 1")
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


async def test_restart_between_scheduling_and_running_posts_once(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour")
    await hub.restart()
    await advance_until_posted(hub, timedelta(hours=1, seconds=1), 1)
    await hub.restart()
    hub.clock.advance(timedelta(minutes=5))
    await hub.double.settle(quiet=0.2)
    assert len(posts(hub)) == 1


async def test_two_fires_at_once_post_once(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour", repeat="daily")
    assert hub.bot is not None
    due = await next_run(hub)
    payload = {"announcement_id": 1, "scheduled_for": to_db_time(due)}
    for copy in range(3):  # the same run fired by three jobs at once
        await hub.bot.scheduler.schedule(
            RUN_JOB, due, payload, guild_id=hub.guild_id, key=f"copy:{copy}"
        )
    await advance_until_posted(hub, timedelta(hours=1, seconds=1), 1)
    await hub.double.settle(quiet=0.3)
    assert len(posts(hub)) == 1
    runs = await hub.bot.db.fetchval("SELECT COUNT(*) FROM announcement_runs")
    assert runs == 1


async def test_clock_jump_past_several_runs_posts_once_and_carries_on(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour", repeat="daily")
    await advance_until_posted(hub, timedelta(hours=3), 1)  # late, inside the grace period
    hub.clock.advance(timedelta(days=3))  # far beyond it: the run is missed, not posted
    await hub.double.wait_for(
        lambda: "was missed: it fell due too long ago" in audit_text(hub), what="missed report"
    )
    await hub.double.settle(quiet=0.2)
    assert len(posts(hub)) == 1
    history = await command(hub, mod, "history", announcement="1")
    text = history.embeds[0]["description"]
    assert "(late): posted" in text and "missed. The bot was offline" in text
    assert await next_run(hub) > hub.clock.now()
    await advance_until_posted(hub, timedelta(days=1), 2)


@pytest.mark.hub_settings(job_max_attempts=2, job_retry_delay=timedelta(seconds=10))
async def test_deleted_channel_retries_then_alerts_and_the_recurrence_carries_on(
    hub: Hub,
) -> None:
    mod = await moderator(hub)
    room = hub.double.create_channel(hub.guild_id, "news")
    hub.channels["news"] = room.id
    await scheduled(hub, mod, "in 1 hour", repeat="daily", channel="news")
    await hub.double.delete_channel_by_hand(room.id)
    hub.clock.advance(timedelta(hours=1, seconds=1))
    await hub.double.settle(quiet=0.2)
    assert "was not posted" not in audit_text(hub)  # the first attempt is retried
    hub.clock.advance(timedelta(seconds=11))
    await hub.double.wait_for(lambda: "was not posted" in audit_text(hub), what="the alert")
    alert = hub.messages("audit-log")[-1].content
    assert alert.startswith("Announcement #1 (Network meeting) was not posted (due <t:")
    assert ", 2 attempts).\n**Why:** The channel of announcement #1" in alert
    assert "no longer exists." in alert
    assert "**Fix:** Pick another channel with /announce edit announcement:1 channel:" in alert
    history = await command(hub, mod, "history", announcement="1")
    assert "failed. The channel of announcement #1" in history.embeds[0]["description"]
    assert await next_run(hub) > hub.clock.now() + timedelta(hours=23)
    listed = await command(hub, mod, "list")
    assert "scheduled" in listed.embeds[0]["description"]


@pytest.mark.hub_settings(job_max_attempts=1)
async def test_permission_lost_without_the_bot_knowing_is_reported(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour")
    hub.double.guild(hub.guild_id).everyone.permissions &= ~SEND_MESSAGES
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS & ~SEND_MESSAGES, announce=False)
    hub.clock.advance(timedelta(hours=1, seconds=1))
    assert hub.bot is not None
    db = hub.bot.db
    sql = "SELECT details FROM audit_log WHERE action = 'announce.run_failed'"
    for _ in range(100):
        if await db.fetchval(sql):
            break
        await hub.double.settle(quiet=0.05)
    # The audit channel cannot be written either (the permission went server-wide), so the
    # alert is read from the audit log itself.
    assert "Discord refused the post in #announcements" in await db.fetchval(sql)
    assert posts(hub) == []


def _monday_before_dst_change(now: datetime) -> datetime:
    """09:00 London on the last Monday before the clocks next change there."""
    day = (now + timedelta(days=2)).astimezone(LONDON).replace(hour=9, minute=0, second=0,
                                                              microsecond=0)  # fmt: skip
    while True:
        after = day + timedelta(days=7)
        if after.utcoffset() != day.utcoffset() and day.weekday() == 0:
            return day
        day += timedelta(days=1)


async def test_weekly_post_keeps_its_local_hour_across_daylight_saving(hub: Hub) -> None:
    mod = await moderator(hub)
    first = _monday_before_dst_change(hub.clock.now())
    when = first.strftime("%Y-%m-%d %H:%M")
    preview_done = await scheduled(hub, mod, when, repeat="weekly", timezone="Europe/London")
    assert preview_done.content.startswith("Scheduled as announcement #1.")
    hub.clock.set(first.astimezone(UTC) - timedelta(minutes=1))
    await advance_until_posted(hub, timedelta(minutes=2), 1)
    second = await next_run(hub)
    assert second.astimezone(LONDON).strftime("%a %H:%M") == "Mon 09:00"
    assert second - first.astimezone(UTC) != timedelta(days=7)  # an hour more or less in UTC
    hub.clock.set(second - timedelta(minutes=1))
    await advance_until_posted(hub, timedelta(minutes=2), 2)
    history = await command(hub, mod, "history", announcement="1")
    assert history.embeds[0]["description"].count("posted https://") == 2


@pytest.mark.hub_settings(job_max_attempts=1)
async def test_a_run_due_while_the_bot_was_down_is_posted_late_once(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour", repeat="daily")
    await hub.stop()
    hub.clock.advance(timedelta(hours=2))  # inside the 6-hour grace period
    await hub.start()
    await hub.double.wait_for(lambda: len(posts(hub)) == 1, what="the late post")
    await hub.double.settle(quiet=0.2)
    assert len(posts(hub)) == 1
    history = await command(hub, mod, "history", announcement="1")
    assert "(late): posted" in history.embeds[0]["description"]
