"""Reminders through the double: DMs, the closed-DM fallback, restarts, edits, cancellation."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from tests.e2e.event_steps import card_of, command, created, member, moderator, rsvp
from tests.e2e.harness import Hub


def reminders(hub: Hub, user_id: int) -> list[str]:
    return [m.content for m in hub.double.dms_of(user_id) if m.content.startswith("Reminder:")]


def fallback_posts(hub: Hub) -> list[str]:
    return [m.content for m in hub.messages("announcements") if "DMs are closed" in m.content
            or "direct messages are closed" in m.content]  # fmt: skip


async def test_going_members_get_a_dm_and_closed_dms_are_mentioned_together(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    amira = await member(hub, "amira")
    closed = [await member(hub, f"closed{i}", dms_open=False) for i in range(3)]
    maybe = await member(hub, "maybe")
    await rsvp(hub, amira, card, "going")
    for user in closed:
        await rsvp(hub, user, card_of(hub, 1), "going")
    await rsvp(hub, maybe, card_of(hub, 1), "maybe")
    start = hub.bot.clock.now() if hub.bot else None
    assert start is not None
    hub.clock.advance(timedelta(days=2))
    await hub.double.wait_for(lambda: len(reminders(hub, amira)) == 1, what="the 1d reminder")
    await hub.double.settle(quiet=0.2)
    [dm] = reminders(hub, amira)
    assert "**Network seminar** starts <t:" in dm and "https://discord.com/channels/" in dm
    [together] = fallback_posts(hub)
    assert all(f"<@{u}>" in together for u in closed)
    assert reminders(hub, maybe) == []
    hub.clock.advance(timedelta(hours=23))
    await hub.double.wait_for(lambda: len(reminders(hub, amira)) == 2, what="the 1h reminder")
    await hub.double.settle(quiet=0.2)
    assert len(fallback_posts(hub)) == 2
    hub.clock.advance(timedelta(hours=2))
    await hub.double.settle(quiet=0.2)
    assert len(reminders(hub, amira)) == 2


async def test_maybe_opt_in_and_own_offsets_and_mute(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    keen, quiet = await member(hub, "keen"), await member(hub, "quiet")
    chosen = await command(hub, keen, "reminders", offsets="2h", maybe=True)
    assert chosen.content.startswith("Your reminders: 2h before. Maybe answers are reminded.")
    await rsvp(hub, keen, card, "maybe")
    await rsvp(hub, quiet, card_of(hub, 1), "going")
    muted = await command(hub, quiet, "mute", event="1")
    assert muted.content == "Reminders for Network seminar are off."
    hub.clock.advance(timedelta(hours=69))
    await hub.double.settle(quiet=0.2)
    assert reminders(hub, keen) == []
    hub.clock.advance(timedelta(hours=1, seconds=1))
    await hub.double.wait_for(lambda: len(reminders(hub, keen)) == 1, what="the own 2h reminder")
    hub.clock.advance(timedelta(hours=1))
    await hub.double.settle(quiet=0.2)
    assert len(reminders(hub, keen)) == 1
    assert reminders(hub, quiet) == []


async def test_a_restart_between_scheduling_and_delivery_delivers_once(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    await hub.restart()
    hub.clock.advance(timedelta(days=2, seconds=1))
    await hub.double.wait_for(lambda: len(reminders(hub, amira)) == 1, what="the reminder")
    await hub.restart()
    await hub.double.settle(quiet=0.2)
    assert len(reminders(hub, amira)) == 1


async def test_a_fan_out_cut_off_by_a_crash_resumes_without_repeats(hub: Hub) -> None:
    """The job was running and one member was already reminded when the bot died."""
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    done, waiting = await member(hub, "done"), await member(hub, "waiting")
    await rsvp(hub, done, card, "going")
    await rsvp(hub, waiting, card_of(hub, 1), "going")
    await hub.stop()
    hub.clock.advance(timedelta(days=2, seconds=1))
    with sqlite3.connect(hub.db_path) as db:
        job = db.execute(
            "SELECT id FROM scheduled_jobs WHERE kind = 'events.reminder' AND job_key = ?",
            ("event:1:86400",),
        ).fetchone()[0]
        db.execute("UPDATE scheduled_jobs SET status = 'running' WHERE id = ?", (job,))
        starts = db.execute("SELECT starts_at FROM events WHERE id = 1").fetchone()[0]
        db.execute(
            "INSERT INTO event_reminder_deliveries (event_id, starts_at, offset_seconds, "
            "user_id, guild_id, state, at) VALUES (1, ?, 86400, ?, ?, 'sent', ?)",
            (starts, done, hub.guild_id, starts),
        )
    await hub.start()
    await hub.double.wait_for(lambda: len(reminders(hub, waiting)) == 1, what="the rest")
    await hub.double.settle(quiet=0.2)
    assert reminders(hub, done) == []


async def test_edit_moves_reminders_and_tells_attendees(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    edited = await command(hub, mod, "edit", event="1", when="in 120 hours", location="Room 9")
    assert edited.content.startswith("Updated event #1. It now starts <t:")
    await hub.double.settle(quiet=0.1)
    [told] = hub.double.dms_of(amira)
    assert (
        "**Network seminar** has changed." in told.content and "New place: Room 9." in told.content
    )
    [scheduled] = hub.double.scheduled_events(hub.guild_id)
    assert scheduled["entity_metadata"] == {"location": "Room 9"}
    hub.clock.advance(timedelta(days=3))
    await hub.double.settle(quiet=0.2)
    assert reminders(hub, amira) == []
    hub.clock.advance(timedelta(days=1, seconds=1))
    await hub.double.wait_for(lambda: len(reminders(hub, amira)) == 1, what="the moved reminder")


async def test_cancel_tells_attendees_and_removes_reminders(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod, when="in 72 hours")
    amira = await member(hub, "amira")
    closed = await member(hub, "closed", dms_open=False)
    await rsvp(hub, amira, card, "going")
    await rsvp(hub, closed, card_of(hub, 1), "maybe")
    done = await command(hub, mod, "cancel", event="1", reason="The speaker is ill.")
    assert done.content == "Cancelled event #1. 2 attendees are being told."
    await hub.double.settle(quiet=0.1)
    [told] = hub.double.dms_of(amira)
    assert "is cancelled. Reason: The speaker is ill." in told.content
    assert any(f"<@{closed}>" in p for p in fallback_posts(hub))
    cancelled_card = next(m for m in hub.messages("announcements") if m.embeds
                          and m.embeds[0]["title"].startswith("Cancelled: "))  # fmt: skip
    assert cancelled_card.components == []
    [scheduled] = hub.double.scheduled_events(hub.guild_id)
    assert scheduled["status"] == 4
    hub.clock.advance(timedelta(days=3))
    await hub.double.settle(quiet=0.2)
    assert reminders(hub, amira) == []
