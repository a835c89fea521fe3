"""Reminders never silently lost (a crash between claim and send is reported), and the
Mute button on the reminder DM."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from tests.e2e.event_steps import card_of, created, member, moderator, rsvp
from tests.e2e.harness import Hub


def reminders(hub: Hub, user_id: int) -> list[str]:
    return [m.content for m in hub.double.dms_of(user_id) if m.content.startswith("Reminder:")]


def states(hub: Hub) -> dict[int, str]:
    with sqlite3.connect(hub.db_path) as db:
        rows = db.execute("SELECT user_id, state FROM event_reminder_deliveries").fetchall()
    return {int(u): str(s) for u, s in rows}


async def test_a_claim_left_sending_by_a_crash_is_reported_not_sent_twice(hub: Hub) -> None:
    """The bot died after claiming one member ('sending') and before recording the send."""
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    unsure, waiting = await member(hub, "unsure"), await member(hub, "waiting")
    closed = await member(hub, "closed", dms_open=False)
    for user in (unsure, waiting, closed):
        await rsvp(hub, user, card_of(hub, 1) if user != unsure else card, "going")
    await hub.stop()
    hub.clock.advance(timedelta(days=2, seconds=1))
    with sqlite3.connect(hub.db_path) as db:
        db.execute(
            "UPDATE scheduled_jobs SET status = 'running' WHERE kind = 'events.reminder' "
            "AND job_key = 'event:1:86400'"
        )
        starts = db.execute("SELECT starts_at FROM events WHERE id = 1").fetchone()[0]
        db.execute(
            "INSERT INTO event_reminder_deliveries (event_id, starts_at, offset_seconds, "
            "user_id, guild_id, state, run, at) VALUES (1, ?, 86400, ?, ?, 'sending', "
            "'crashed-run', ?)",
            (starts, unsure, hub.guild_id, starts),
        )
    await hub.start()
    report = await hub.next_message("audit-log", "The bot stopped while reminding")
    assert "these members of **Network seminar**" in report.content
    assert "they may not have been reminded" in report.content
    assert f"<@{unsure}>" in report.content
    assert f"<@{waiting}>" not in report.content and f"<@{closed}>" not in report.content
    await hub.double.wait_for(lambda: len(reminders(hub, waiting)) == 1, what="the others")
    await hub.double.settle(quiet=0.2)
    assert reminders(hub, unsure) == []  # never twice: it may have gone out before the stop
    assert states(hub) == {unsure: "unknown", waiting: "sent", closed: "fallback"}
    await hub.restart()  # reported once, not at every start
    await hub.double.settle(quiet=0.2)
    assert sum("The bot stopped" in m.content for m in hub.messages("audit-log")) == 1


async def test_claims_record_sent_and_fallback(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    open_, closed = await member(hub, "open"), await member(hub, "closed", dms_open=False)
    await rsvp(hub, open_, card, "going")
    await rsvp(hub, closed, card_of(hub, 1), "going")
    hub.clock.advance(timedelta(days=2, seconds=1))
    # A closed DM is claimed only for the mention at the end of the fan-out.
    want = {open_: "sent", closed: "fallback"}
    await hub.double.wait_for(lambda: states(hub) == want, what="the outcomes")
    await hub.double.settle(quiet=0.2)
    assert states(hub) == want


async def test_the_mute_button_on_a_reminder_stops_the_next_ones(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    hub.clock.advance(timedelta(days=2, seconds=1))
    await hub.double.wait_for(lambda: len(reminders(hub, amira)) == 1, what="the 1d reminder")
    [dm] = [m for m in hub.double.dms_of(amira) if m.content.startswith("Reminder:")]
    assert "events:mute:1" in dm.custom_ids()
    await hub.restart()  # the button is persistent
    muted = await hub.double.click(None, amira, dm, "events:mute:1")
    assert muted.content.startswith("Reminders for Network seminar are off.")
    again = await hub.double.click(None, amira, dm, "events:mute:1")
    assert again.content.startswith("Reminders for Network seminar are off.")
    hub.clock.advance(timedelta(hours=23))
    await hub.double.settle(quiet=0.3)
    assert len(reminders(hub, amira)) == 1


async def test_no_dm_and_no_channel_is_failed_and_told_to_moderators(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    closed = await member(hub, "closed", dms_open=False)
    await rsvp(hub, closed, card, "going")
    await hub.double.delete_channel_by_hand(hub.channel("announcements"))
    hub.clock.advance(timedelta(days=2, seconds=1))
    told = await hub.next_message("audit-log", "I could not remind these members")
    assert "**Network seminar**" in told.content and f"<@{closed}>" in told.content
    await hub.double.wait_for(lambda: states(hub) == {closed: "failed"}, what="the outcome")


async def test_a_reminder_missed_while_the_bot_was_down_is_reported(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    await hub.stop()
    hub.clock.advance(timedelta(days=2, hours=7))  # 7 hours past the 1d reminder
    await hub.start()
    told = await hub.next_message("audit-log", "was not sent")
    assert "The reminder of **Network seminar**" in told.content
    assert "1d before) was not sent: the bot was offline at its time" in told.content
    assert f"<@{amira}>" in told.content
    assert states(hub) == {amira: "failed"}
    hub.clock.advance(timedelta(hours=16))  # the 1h reminder still comes
    await hub.double.wait_for(lambda: len(reminders(hub, amira)) == 1, what="the 1h reminder")


async def test_a_repeat_reminder_after_a_restart_is_one_request_per_member(hub: Hub) -> None:
    """discord.py forgets DM channels at a restart (and keeps only 128): the stored DM
    channel id makes the second reminder a single send, with no DM channel opened again."""
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    hub.clock.advance(timedelta(days=2, seconds=1))
    await hub.double.wait_for(lambda: len(reminders(hub, amira)) == 1, what="the 1d reminder")
    await hub.restart()
    before = len(hub.double.calls)
    hub.clock.advance(timedelta(hours=23))
    await hub.double.wait_for(lambda: len(reminders(hub, amira)) == 2, what="the 1h reminder")
    calls = [f"{c.method} {c.path}" for c in hub.double.calls[before:]]
    assert not [c for c in calls if c.endswith("/users/@me/channels")], calls
    assert len([c for c in calls if c.startswith("POST /channels/")]) == 1, calls
