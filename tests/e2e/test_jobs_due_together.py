"""Work due at the same moment, fired by the real timer with no restart in between: every
job does its work once and on time (issue 13: jobs armed from inside a confirmation's
transaction inherited it, broke each other's savepoints, and were marked done unsent)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from tests.e2e import announce_steps, event_steps
from tests.e2e.harness import Hub

LEAD = 8  # seconds between the last confirmation and the moment everything is due


def _align(hub: Hub, second: int) -> datetime:
    """Move the bot's clock to ``second`` seconds past a minute; return the next minute."""
    now = hub.clock.now()
    hub.clock.advance(timedelta(seconds=(second - now.second) % 60 + 60))
    now = hub.clock.now()
    return (now + timedelta(minutes=1)).replace(second=0, microsecond=0)


def _seconds_until(hub: Hub, due: datetime) -> float:
    return (due - hub.clock.now()).total_seconds()


@pytest.mark.parametrize("k", [2, 6])
async def test_announcements_due_in_the_same_second_all_post_once(hub: Hub, k: int) -> None:
    mod = await announce_steps.moderator(hub)
    due = _align(hub, 60 - LEAD - 3)
    for n in range(k):
        when = f"{due:%Y-%m-%d %H:%M} UTC"
        await announce_steps.scheduled(hub, mod, when, title=f"Notice {n}", body=f"Body {n}")
    assert _seconds_until(hub, due) > 0, "confirming took too long for this test"
    deadline = time.monotonic() + _seconds_until(hub, due) + 2.0
    await hub.double.wait_for(
        lambda: len(announce_steps.posts(hub)) >= k, what=f"{k} posts", timeout=LEAD + 5
    )
    assert time.monotonic() <= deadline, "the posts came more than 2 s late"
    await hub.double.settle(quiet=0.3)
    titles = sorted(m.embeds[0]["title"] for m in announce_steps.posts(hub))
    assert titles == sorted(f"Notice {n}" for n in range(k))
    assert hub.bot is not None
    statuses = await hub.bot.db.fetchall("SELECT status FROM announcement_runs")
    assert [r["status"] for r in statuses] == ["sent"] * k


async def test_event_reminders_due_in_the_same_second_all_arrive_once(hub: Hub) -> None:
    k = 3
    mod = await event_steps.moderator(hub)
    due = _align(hub, 60 - LEAD - 3)
    starts = due + timedelta(hours=1)
    members = [await event_steps.member(hub, f"m{n}") for n in range(3)]
    for n in range(k):
        card = await event_steps.created(
            hub, mod, when=f"{starts:%Y-%m-%d %H:%M} UTC", title=f"Call {n}", reminders="1h"
        )
        for user in members:
            await event_steps.rsvp(hub, user, card, "going")
    assert _seconds_until(hub, due) > 0, "creating took too long for this test"
    deadline = time.monotonic() + _seconds_until(hub, due) + 2.0

    def reminders_of(user: int) -> list[str]:
        return [m.content for m in hub.double.dms_of(user) if m.content.startswith("Reminder")]

    await hub.double.wait_for(
        lambda: sum(len(reminders_of(u)) for u in members) >= k * len(members),
        what="every reminder",
        timeout=LEAD + 5,
    )
    assert time.monotonic() <= deadline, "the reminders came more than 2 s late"
    await hub.double.settle(quiet=0.3)
    for user in members:
        assert len(reminders_of(user)) == k, reminders_of(user)
    audit = "\n".join(m.content for m in hub.messages("audit-log"))
    assert "may not have been reminded" not in audit
