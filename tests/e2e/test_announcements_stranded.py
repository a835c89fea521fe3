"""A run left "sending" that no job will finish (a crash during /announce send_now, or a job
that ended without its post) is found at start-up and reported once (issue 13)."""

from __future__ import annotations

from bot.clock import to_db_time
from cogs.announcements.model import RUN_JOB
from tests.e2e.announce_steps import moderator, scheduled
from tests.e2e.harness import Hub

MAY_HAVE = "may or may not have been posted"


async def _strand(hub: Hub, *, manual: bool, job_status: str | None) -> None:
    """As a crash leaves it: the run claimed, the post maybe sent, nothing recorded after."""
    assert hub.bot is not None
    due = await hub.bot.db.fetchval("SELECT next_run_at FROM announcements WHERE id = 1")
    if manual:  # /announce send_now runs at the moment it is asked for
        due = to_db_time(hub.clock.now())
    async with hub.bot.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO announcement_runs (guild_id, announcement_id, scheduled_for, status, "
            "manual, attempts, started_at) VALUES (?, 1, ?, 'sending', ?, 1, ?)",
            (hub.guild_id, due, int(manual), due),
        )
        if job_status is not None:
            await tx.execute(
                "UPDATE scheduled_jobs SET status = ? WHERE kind = ?", (job_status, RUN_JOB)
            )


def reports(hub: Hub) -> list[str]:
    return [m.content for m in hub.messages("audit-log") if MAY_HAVE in m.content]


async def test_a_send_now_cut_off_by_a_crash_is_reported_once_at_start_up(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 2 hours")
    await _strand(hub, manual=True, job_status=None)
    await hub.restart()
    await hub.double.wait_for(lambda: len(reports(hub)) == 1, what="the report")
    assert "Announcement #1 (Network meeting) was not posted" in reports(hub)[0]
    assert hub.bot is not None
    statuses = await hub.bot.db.fetchall("SELECT status FROM announcement_runs")
    assert [r["status"] for r in statuses] == ["failed"]
    await hub.restart()
    await hub.double.settle(quiet=0.2)
    assert len(reports(hub)) == 1


async def test_a_run_whose_job_ended_without_its_post_is_reported(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 2 hours")
    await _strand(hub, manual=False, job_status="done")
    await hub.restart()
    await hub.double.wait_for(lambda: len(reports(hub)) == 1, what="the report")


async def test_a_run_being_retried_by_its_job_is_left_to_it(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 2 hours")
    await _strand(hub, manual=False, job_status=None)  # its job is still pending
    await hub.restart()
    await hub.double.settle(quiet=0.3)
    assert reports(hub) == []
