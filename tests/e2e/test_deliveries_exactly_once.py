"""Deliveries exactly once, with the bot run as a deployment runs it (``python -m bot`` on the
real clock) and stopped with SIGTERM or killed with SIGKILL part way (issue 13).

A clean stop lets running work finish or end early and carry on after the restart; a crash
leaves uncertain only the requests that were on the wire, and those are reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.clock import OffsetClock
from sandbox.double import DiscordDouble
from sandbox.double.faults import Faults
from tests.e2e.bot_process import (
    BotProcess,
    add_members,
    reminder_states,
    rows,
    seed_announcement,
    seed_event,
    sent_messages,
)
from tests.e2e.harness import Hub, build_hub

UNCERTAIN = "The bot stopped while reminding"


@dataclass
class Deployment:
    hub: Hub
    bot: BotProcess

    @property
    def double(self) -> DiscordDouble:
        return self.hub.double

    def reminders(self, user_id: int) -> int:
        return sum(1 for m in self.double.dms_of(user_id) if m.content.startswith("Reminder:"))

    def reported_uncertain(self) -> list[int]:
        """Members named in the audit channel as "may not have been reminded"."""
        named: list[int] = []
        for message in self.hub.messages("audit-log"):
            if UNCERTAIN in message.content:
                named += [int(part.split(">")[0]) for part in message.content.split("<@")[1:]]
        return named


@pytest.fixture
async def deployment(discord_double: DiscordDouble, tmp_path: Path) -> AsyncIterator[Deployment]:
    hub = build_hub(discord_double, tmp_path / "hub.sqlite3", OffsetClock())
    bot = BotProcess(hub, tmp_path)
    yield Deployment(hub, bot)
    await bot.stop_quietly()


async def _fan_out(
    d: Deployment, members: int, *, double_rate: int, bot_rate: int, due_in: float = 1.0
) -> list[int]:
    """``members`` members Going to an event whose reminder falls due ``due_in`` seconds
    from now (the bot takes about a second to start)."""
    d.double.rate_limit_per_second = double_rate
    d.bot.env["HUB_EVENT_REMINDER_RATE"] = str(bot_rate)
    organiser = (await d.double.add_member(d.hub.guild_id, "organiser")).id
    user_ids = await add_members(d.double, d.hub.guild_id, members)
    await seed_event(d.hub, organiser, user_ids, due_in=due_in)
    return user_ids


async def _wait_until_all_recorded(d: Deployment, user_ids: list[int], timeout: float) -> None:
    def recorded() -> bool:
        states = reminder_states(d.hub.db_path)
        return all(states.get(u) in ("sent", "unknown") for u in user_ids)

    try:
        await d.double.wait_for(recorded, timeout, "every member's reminder recorded")
    except AssertionError as exc:
        states = reminder_states(d.hub.db_path)
        counts = dict(Counter(states.values()))
        jobs = rows(d.hub.db_path, "SELECT kind, status, attempts, last_error FROM scheduled_jobs")
        raise AssertionError(
            f"{exc}\nstates: {counts}, missing: {len(set(user_ids) - set(states))}\n"
            f"jobs: {jobs}\nthe bot's log:\n{d.bot.log()[-4000:]}"
        ) from exc
    await d.double.settle(quiet=0.3)


async def test_sigterm_during_a_fan_out_finishes_in_flight_and_the_restart_does_the_rest(
    deployment: Deployment,
) -> None:
    d = deployment
    user_ids = await _fan_out(d, 300, double_rate=120, bot_rate=100)
    first = len(d.double.calls)
    await d.bot.start()
    await d.double.wait_for(lambda: sent_messages(d.double, first) >= 90, 30, "a third sent")
    code, took = await d.bot.terminate()
    assert code == 0, d.bot.log()[-2000:]
    assert took < 10, f"the stop took {took:.1f} s"
    assert "stopped cleanly" in d.bot.log()
    states = reminder_states(d.hub.db_path)
    assert "sending" not in states.values(), "a clean stop left a send uncertain"
    assert 90 <= len(states) < 300
    jobs = rows(d.hub.db_path, "SELECT status FROM scheduled_jobs WHERE kind = 'events.reminder'")
    assert jobs == [("pending",)], "the reminder was not given back for the restart"
    await d.bot.start()
    await _wait_until_all_recorded(d, user_ids, 30)
    assert [d.reminders(u) for u in user_ids] == [1] * len(user_ids)
    assert set(reminder_states(d.hub.db_path).values()) == {"sent"}
    assert d.reported_uncertain() == []


async def test_sigterm_while_an_announcement_is_held_by_429s_posts_it_before_stopping(
    deployment: Deployment,
) -> None:
    d = deployment
    author = (await d.double.add_member(d.hub.guild_id, "mod", roles=[d.hub.moderator_role_id])).id
    faults = Faults(d.double)
    await seed_announcement(d.hub, author, due_in=3.0)
    await d.bot.start()
    await d.double.settle(quiet=0.2)
    faults.hold(6.0)  # every request is answered 429 (global) for 6 s, as Discord does
    await d.double.wait_for(lambda: faults.held > 0, 10, "the post to be held by a 429")
    code, took = await d.bot.terminate()
    assert code == 0, d.bot.log()[-2000:]
    assert 2.0 < took < 10, f"the stop took {took:.1f} s"
    posts = [m for m in d.hub.messages("announcements") if m.author.id == d.double.bot_user.id]
    assert [m.embeds[0]["title"] for m in posts] == ["Network meeting"]
    assert rows(d.hub.db_path, "SELECT status FROM announcement_runs") == [("sent",)]
    assert rows(d.hub.db_path, "SELECT state FROM announcements") == [("done",)]
    await d.bot.start()  # nothing is posted again after the restart
    await d.double.settle(quiet=0.5)
    assert len([m for m in d.hub.messages("announcements") if m.embeds]) == 1
    await d.bot.terminate()


async def test_a_reminder_due_at_start_up_waits_for_a_late_server_and_all_its_members(
    deployment: Deployment,
) -> None:
    """Discord may send a server after READY, and sends a large one with only the bot's own
    member. A reminder due at start-up waits for the whole member list: run on the partial
    one, it was "done" having reminded nobody."""
    d = deployment
    user_ids = await _fan_out(d, 300, double_rate=120, bot_rate=100, due_in=0.5)
    d.double.gateway.servers_after = 1.0
    await d.bot.start()
    await _wait_until_all_recorded(d, user_ids, 30)
    assert [d.reminders(u) for u in user_ids] == [1] * len(user_ids)
    assert d.reported_uncertain() == []
    await d.bot.terminate()


@pytest.mark.parametrize("percent", [10, 50, 90])
async def test_sigkill_during_a_fan_out_of_1000_loses_only_requests_on_the_wire(
    deployment: Deployment, percent: int
) -> None:
    d = deployment
    user_ids = await _fan_out(d, 1000, double_rate=120, bot_rate=100)
    first = len(d.double.calls)
    await d.bot.start()
    target = len(user_ids) * percent // 100
    await d.double.wait_for(lambda: sent_messages(d.double, first) >= target, 40, f"{percent}%")
    await d.bot.kill()
    await d.bot.start()
    await _wait_until_all_recorded(d, user_ids, 90)
    states = reminder_states(d.hub.db_path)
    uncertain = sorted(u for u in user_ids if states[u] == "unknown")
    print(f"SIGKILL at {percent}% of 1,000: {len(uncertain)} member(s) on the wire, reported")
    assert sorted(d.reported_uncertain()) == uncertain
    assert all(d.reminders(u) <= 1 for u in uncertain)
    assert [d.reminders(u) for u in user_ids if u not in uncertain] == [1] * (1000 - len(uncertain))
    assert len(uncertain) <= 3


async def test_429_storms_during_a_fan_out_retries_stay_under_the_limit(
    deployment: Deployment,
) -> None:
    """Every request goes through the bot's one limiter, retries after a 429 included: when
    a global 429 ends, the requests it held do not burst over the limit."""
    d = deployment
    user_ids = await _fan_out(d, 240, double_rate=50, bot_rate=45)
    faults = Faults(d.double)
    first = len(d.double.calls)
    await d.bot.start()
    since = faults.arrivals[-1] if faults.arrivals else 0.0
    for share in (3, 2):
        target = len(user_ids) - len(user_ids) // share
        await d.double.wait_for(
            lambda t=target: sent_messages(d.double, first) >= t,  # type: ignore[misc]
            30, "progress",
        )  # fmt: skip
        faults.hold(1.5)
    await _wait_until_all_recorded(d, user_ids, 40)
    assert [d.reminders(u) for u in user_ids] == [1] * len(user_ids)
    assert faults.held > 0
    assert d.double.rate_limited == 0, "requests went over the limit after a 429"
    assert faults.busiest_second(since) <= 50
    assert d.reported_uncertain() == []
    await d.bot.terminate()


async def test_a_5000_member_event_is_reminded_once_at_the_pace_the_limit_allows(
    deployment: Deployment,
) -> None:
    """Realistic size; the double's limit (and the bot's pace, 90% of it as by default) is
    raised so the test takes seconds, as the ratio to the floor is what is measured."""
    d = deployment
    limit = 250
    user_ids = await _fan_out(d, 5000, double_rate=limit, bot_rate=limit * 9 // 10, due_in=5)
    faults = Faults(d.double)
    await d.bot.start()
    start = len(faults.arrivals)
    await _wait_until_all_recorded(d, user_ids, 120)
    assert [d.reminders(u) for u in user_ids] == [1] * len(user_ids)
    times = faults.arrivals[start:]
    requests, elapsed = len(times), times[-1] - times[0]
    floor = requests / limit
    print(f"5,000 members: {requests} requests in {elapsed:.1f} s, floor {floor:.1f} s "
          f"at {limit}/s, ratio {elapsed / floor:.2f}")  # fmt: skip
    assert requests == 2 * len(user_ids)  # open the DM, send it; nothing refused or repeated
    assert elapsed / floor <= 1.2
    jobs = rows(d.hub.db_path, "SELECT status, attempts FROM scheduled_jobs WHERE kind = ?",
                ("events.reminder",))  # fmt: skip
    assert jobs == [("done", 1)], "the fan-out timed out or was retried"
    await d.bot.terminate()
