"""Mentoring over a pairing's whole life: a member who deletes their data mid-pairing or
mid-proposal, all three check-ins across restarts, and automatic rounds missed while the bot
was down."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.clock import from_db_time
from tests.e2e.harness import Hub
from tests.e2e.mentor_steps import offer, person, proposed, request, status
from tests.e2e.test_mentoring_pairs import paired


async def delete_my_data(hub: Hub, user: int) -> None:
    asked = await hub.double.run_command(hub.guild_id, user, "profile delete")
    done = await hub.double.click(hub.guild_id, user, asked.message, f"profiles:erase:{user}")
    assert "Your profile and everything the bot stored about you are deleted" in done.content


async def pending_jobs(hub: Hub, kind: str) -> int:
    assert hub.bot is not None
    sql = "SELECT COUNT(*) FROM scheduled_jobs WHERE kind = ? AND status = 'pending'"
    return int(await hub.bot.db.fetchval(sql, (kind,)) or 0)


async def test_a_mentor_deleting_their_data_mid_pairing_frees_the_mentee(hub: Hub) -> None:
    moderator, mentor, mentee = await paired(hub)
    assert await pending_jobs(hub, "mentoring.checkin") == 3
    await delete_my_data(hub, mentor)
    await hub.double.wait_for(
        lambda: "the other side left mentoring" in hub.double.dms_of(mentee)[-1].content,
        what="the mentee's note",
    )
    note = hub.double.dms_of(mentee)[-1]
    assert note.content == (
        "Your mentoring pairing has ended because the other side left mentoring. "
        "You are back in the pool for the next round."
    )
    assert "waiting for the next round" in await status(hub, mentee)
    pair = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Mentoring: ")][-1]
    await hub.double.wait_for(lambda: pair.archived and pair.locked, what="the archived thread")
    assert await pending_jobs(hub, "mentoring.checkin") == 0
    overview = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin overview")
    assert "Mentees waiting: 1" in overview.content and "Active pairs: 0" in overview.content
    # No check-in reaches anyone later.
    hub.clock.advance(timedelta(days=14, minutes=1))
    await hub.double.settle()
    assert not any("Mentoring check-in" in m.content for m in hub.double.dms_of(mentee))


async def test_a_mentee_deleting_their_data_mid_proposal_frees_the_place(hub: Hub) -> None:
    moderator, mentor, mentee = await proposed(hub)
    assert "1 of 1 place taken" in await status(hub, mentor)
    assert await pending_jobs(hub, "mentoring.proposal_expiry") == 1
    await delete_my_data(hub, mentee)
    await hub.double.wait_for(
        lambda: "the other side left mentoring" in hub.double.dms_of(mentor)[-1].content,
        what="the mentor's note",
    )
    assert hub.double.dms_of(mentor)[-1].content == (
        "Your mentoring proposal has ended because the other side left mentoring. "
        "Your place is free again."
    )
    assert "0 of 1 place taken" in await status(hub, mentor)
    assert await pending_jobs(hub, "mentoring.proposal_expiry") == 0
    # the card named the mentee and why they fit: taken back, so nothing is left to press
    assert not [
        m for m in hub.double.dms_of(mentor) if "You have a mentoring proposal" in m.content
    ]
    # The freed place goes to the next mentee.
    other = await person(hub, "Ben Okafor", country="GB", affiliation="Northbridge University")
    await request(hub, other)
    sent = await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    assert "Sent 1 proposal" in sent.content


async def test_a_mentee_deleting_their_data_mid_pairing_tells_the_mentor(hub: Hub) -> None:
    _, mentor, mentee = await paired(hub)
    await delete_my_data(hub, mentee)
    await hub.double.wait_for(
        lambda: "the other side left mentoring" in hub.double.dms_of(mentor)[-1].content,
        what="the mentor's note",
    )
    assert "Your place is free again" in hub.double.dms_of(mentor)[-1].content
    assert "0 of 1 place taken" in await status(hub, mentor)
    pair = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Mentoring: ")][-1]
    await hub.double.wait_for(lambda: pair.archived, what="the archived thread")


async def test_a_mentor_with_closed_dms_hears_in_their_private_thread(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University", dms_open=False)  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)
    await hub.double.run_command(hub.guild_id, moderator, "mentor-admin match")
    [own] = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Mentoring: ")]
    await delete_my_data(hub, mentee)
    await hub.double.wait_for(
        lambda: "the other side left mentoring" in hub.double.messages_in(own.id)[-1].content,
        what="the note in the mentor's private thread",
    )
    note = hub.double.messages_in(own.id)[-1]
    assert note.content.startswith(f"<@{mentor}>, your DMs are closed")
    assert note.allowed_mentions is not None
    assert [int(u) for u in note.allowed_mentions["users"]] == [mentor]
    assert "0 of 1 place taken" in await status(hub, mentor)


def checkins(hub: Hub, user: int, stage: int) -> list[str]:
    return [
        m.content
        for m in hub.double.dms_of(user)
        if m.content.startswith(f"Mentoring check-in {stage} of 3:")
    ]


async def test_all_three_check_ins_reach_both_sides_once_across_restarts(hub: Hub) -> None:
    _, mentor, mentee = await paired(hub)
    started = hub.clock.now()
    for stage, days in enumerate((14, 42, 90), start=1):
        await hub.restart()
        hub.clock.advance(started + timedelta(days=days, minutes=1) - hub.clock.now())
        await hub.double.wait_for(
            lambda stage=stage: all(checkins(hub, u, stage) for u in (mentor, mentee)),  # type: ignore[misc]
            what=f"check-in {stage}",
        )
        await hub.restart()  # a restart right after a check-in sends nothing again
        await hub.double.settle()
        for user in (mentor, mentee):
            for earlier in range(1, stage + 1):
                assert len(checkins(hub, user, earlier)) == 1, (user, earlier)
            assert not checkins(hub, user, stage + 1)
        card = next(m for m in hub.double.dms_of(mentee) if m.content.startswith(
            f"Mentoring check-in {stage} of 3:"))  # fmt: skip
        well = await hub.double.click(None, mentee, card, f"mentoring:checkin:1:{stage}:well")
        assert "Good to hear it is going well" in well.content
    assert await pending_jobs(hub, "mentoring.checkin") == 0
    hub.clock.advance(timedelta(days=60))
    await hub.double.settle()
    assert all(len(checkins(hub, u, s)) == 1 for u in (mentor, mentee) for s in (1, 2, 3))


async def test_check_ins_missed_while_down_are_sent_late_once(hub: Hub) -> None:
    _, mentor, mentee = await paired(hub)
    started = hub.clock.now()
    await hub.stop()  # down over the first check-in, and well past the scheduler's grace
    hub.clock.advance(timedelta(days=20))
    await hub.start()
    await hub.double.wait_for(
        lambda: all(checkins(hub, u, 1) for u in (mentor, mentee)), what="the late check-in 1"
    )
    await hub.stop()  # down over check-ins 2 and 3: only the latest is sent
    hub.clock.advance(started + timedelta(days=100) - hub.clock.now())
    await hub.start()
    await hub.double.wait_for(
        lambda: all(checkins(hub, u, 3) for u in (mentor, mentee)), what="the late check-in 3"
    )
    await hub.double.settle()
    for user in (mentor, mentee):
        assert [len(checkins(hub, user, s)) for s in (1, 2, 3)] == [1, 0, 1]


@pytest.mark.hub_settings(mentor_round_cron="0 9 * * *")
async def test_a_round_missed_while_down_plans_the_next_one(hub: Hub) -> None:
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University")  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee)
    assert hub.bot is not None
    planned = await hub.bot.db.fetchval(
        "SELECT due_at FROM scheduled_jobs WHERE kind = 'mentoring.round' AND status = 'pending'"
    )
    assert planned is not None
    await hub.stop()
    # Down over 09:00 and past the scheduler's grace period (6 hours): the round is missed.
    hub.clock.advance(from_db_time(planned) + timedelta(hours=7) - hub.clock.now())
    await hub.start()
    sql = "SELECT status, due_at FROM scheduled_jobs WHERE kind = 'mentoring.round' ORDER BY id"
    rows: list[tuple[str, str]] = []
    for _ in range(200):
        rows = [(r["status"], r["due_at"]) for r in await hub.bot.db.fetchall(sql)]
        if [s for s, _ in rows] == ["missed", "pending"]:
            break
        await asyncio.sleep(0.02)
    assert [s for s, _ in rows] == ["missed", "pending"], rows
    assert rows[0][1] == planned and rows[1][1] > planned
    assert not any("You have a mentoring proposal" in m.content for m in hub.double.dms_of(mentee))
    # The next round runs on time.
    hub.clock.advance(from_db_time(rows[1][1]) + timedelta(minutes=1) - hub.clock.now())
    await hub.double.wait_for(
        lambda: any("You have a mentoring proposal" in m.content
                    for m in hub.double.dms_of(mentee)),
        what="a proposal from the next round",
    )  # fmt: skip


async def test_a_long_dry_run_pages_with_previous_and_next(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University")  # fmt: skip
    await offer(hub, mentor)
    names = [f"Mentee Number{n:02d}" for n in range(11)]
    for name in names:
        await request(hub, await person(hub, name))
    first = await hub.double.run_command(
        hub.guild_id, moderator, "mentor-admin match", {"dry_run": True}
    )
    embed = first.embeds[0]
    assert embed["title"] == "Dry run: 1 pair, nothing sent"
    assert embed["footer"]["text"].startswith("Page 1 of 2 · Total score")
    assert first.message is not None
    assert first.message.custom_ids() == ["page:mentoring:dry:0:prev", "page:mentoring:dry:1:next"]
    second = await hub.double.click(
        hub.guild_id, moderator, first.message, "page:mentoring:dry:1:next"
    )
    assert second.embeds[0]["footer"]["text"].startswith("Page 2 of 2 · Total score")
    shown = embed["description"] + "\n" + second.embeds[0]["description"]
    assert shown.count("with **Nora Visser**") == 1
    assert all(f"**{name}**" in shown for name in names)
    assert "**Not matched this round:**" in shown
    await hub.restart()  # the buttons outlive the bot
    back = await hub.double.click(
        hub.guild_id, moderator, second.message, "page:mentoring:dry:0:prev"
    )
    assert back.embeds[0]["description"] == embed["description"]
    assert hub.double.dms_of(mentor) == []


@pytest.mark.hub_settings(mentor_min_overlap_hours=1.5)
async def test_a_mentee_states_their_own_free_hours(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Nora Visser", stage="senior", country="NL",
                          affiliation="Leiden University")  # fmt: skip
    await offer(hub, mentor)
    mentee = await person(hub, "Priya Nair", country="IN", affiliation="Delhi University")
    bad = await request(hub, mentee, free_hours="whenever")
    assert bad.ephemeral and "'whenever' is not a time range I can read" in bad.content
    asked = await request(hub, mentee, free_hours="Tue 14-15:30")
    assert "Your request is in" in asked.content
    assert "Free: Tue 14-15:30 (your time)." in await status(hub, mentee)
    dry = await hub.double.run_command(
        hub.guild_id, moderator, "mentor-admin match", {"dry_run": True}
    )
    # Tuesday 14:00-15:30 in Kolkata (UTC+5:30) is 08:30-10:00 UTC, inside Leiden's working day.
    text = dry.embeds[0]["description"]
    assert "1 hour 30 minutes a week when the mentee is free in the mentor's working day" in text
