"""Managing announcements through the double: pause, resume, edit, cancel, send now, approval."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from sandbox.double.state import BOT_PERMISSIONS, SEND_MESSAGES
from tests.e2e.announce_steps import (
    BODY,
    TITLE,
    advance_until_posted,
    command,
    confirm,
    moderator,
    posts,
    schedule,
    scheduled,
)
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce
from tests.e2e.test_profiles import rows_mentioning


def audit_lines(hub: Hub) -> str:
    return "\n".join(m.content for m in hub.messages("audit-log"))


async def test_pause_and_resume(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour", repeat="daily")
    paused = await command(hub, mod, "pause", announcement="1")
    assert paused.content == "Paused announcement #1. /announce resume starts it again."
    again = await command(hub, mod, "pause", announcement="1")
    assert "Announcement #1 is paused, so you cannot pause it." in again.content
    hub.clock.advance(timedelta(hours=2))
    await hub.double.settle(quiet=0.1)
    assert posts(hub) == []
    resumed = await command(hub, mod, "resume", announcement="1")
    assert resumed.content.startswith("Resumed announcement #1. Next post: <t:")
    await advance_until_posted(hub, timedelta(days=1), 1)
    assert "paused the announcement" in audit_lines(hub)
    assert "resumed the announcement" in audit_lines(hub)


async def test_edit_changes_text_and_time(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 2 hours")
    opened = await command(hub, mod, "edit", announcement="1", when="in 3 hours")
    assert opened.modal is not None
    fields = {c["custom_id"]: c.get("value") for r in opened.modal["components"]
              for c in r["components"]}  # fmt: skip
    assert fields[BODY] == "The network meets on Thursday."
    edited = await hub.double.submit_modal(
        hub.guild_id, mod, opened.modal, {TITLE: "Moved", BODY: "The meeting moved to Friday."}
    )
    assert edited.embeds[0]["description"] == "The meeting moved to Friday."
    assert edited.embeds[1]["title"] == "Announcement #1 updated"
    hub.clock.advance(timedelta(hours=2, minutes=30))
    await hub.double.settle(quiet=0.1)
    assert posts(hub) == []
    [message] = await advance_until_posted(hub, timedelta(minutes=31), 1)
    assert message.embeds[0]["title"] == "Moved"
    assert "changed the announcement" in audit_lines(hub)


async def test_cancel_then_edit_is_refused(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour", repeat="weekly")
    cancelled = await command(hub, mod, "cancel", announcement="#1")
    assert cancelled.content == "Cancelled announcement #1. It will not be posted again."
    refused = await command(hub, mod, "edit", announcement="1", when="in 2 hours")
    assert refused.modal is None and refused.ephemeral
    assert refused.content == (
        "Announcement #1 is cancelled, so you cannot edit it. "
        "Schedule a new one with /announce schedule."
    )
    hub.clock.advance(timedelta(days=8))
    await hub.double.settle(quiet=0.1)
    assert posts(hub) == []
    assert "cancelled the announcement" in audit_lines(hub)


async def test_send_now_posts_at_once_and_the_schedule_stays(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour", repeat="daily")
    sent = await command(hub, mod, "send_now", announcement="1")
    await sent.wait_for_followup()
    assert sent.content.startswith("Posted announcement #1: https://discord.com/channels/")
    assert len(posts(hub)) == 1
    await advance_until_posted(hub, timedelta(hours=1, seconds=1), 2)
    history = await command(hub, mod, "history", announcement="1")
    text = history.embeds[0]["description"]
    assert text.count("posted https://") == 2 and "(sent now)" in text
    assert "posted the announcement" in audit_lines(hub)


@pytest.mark.hub_settings(announce_require_approval=True)
async def test_approval_by_a_second_moderator(hub: Hub) -> None:
    author = await moderator(hub, "author")
    second = await moderator(hub, "second")
    done = await scheduled(hub, author, "in 1 hour")
    assert done.content == "Announcement #1 is waiting for a second moderator's approval."
    card = next(m for m in hub.messages("audit-log") if "needs approval" in m.content)
    own = await hub.double.click(hub.guild_id, author, card, "announce:approve:1")
    assert "a second moderator has to approve it" in own.content
    member = (await hub.double.add_member(hub.guild_id, "member")).id
    refused = await hub.double.click(hub.guild_id, member, card, "announce:approve:1")
    assert refused.content.startswith("Only moderators")
    hub.clock.advance(timedelta(minutes=30))
    approved = await hub.double.click(hub.guild_id, second, card, "announce:approve:1")
    assert approved.content.startswith(f"Announcement #1: Approved by <@{second}>.")
    assert hub.double.messages[card.id].components == []
    assert await hub.bot.db.fetchval("SELECT approved_by FROM announcements") == second  # type: ignore[union-attr]
    await advance_until_posted(hub, timedelta(minutes=31), 1)
    assert "approved the announcement" in audit_lines(hub)
    history = await command(hub, author, "history", announcement="1")
    assert history.embeds[0]["description"].startswith(f"Approved by <@{second}>.")


@pytest.mark.hub_settings(announce_require_approval=True)
async def test_unapproved_announcement_is_never_posted_and_can_be_rejected(hub: Hub) -> None:
    author = await moderator(hub, "author")
    second = await moderator(hub, "second")
    await scheduled(hub, author, "in 1 hour")
    hub.clock.advance(timedelta(hours=2))
    await hub.double.settle(quiet=0.1)
    assert posts(hub) == []
    card = next(m for m in hub.messages("audit-log") if "needs approval" in m.content)
    late = await hub.double.click(hub.guild_id, second, card, "announce:approve:1")
    assert "which has passed" in late.content
    rejected = await hub.double.click(hub.guild_id, second, card, "announce:reject:1")
    assert rejected.content.startswith(f"Announcement #1: Rejected by <@{second}>.")


async def test_preview_shows_the_next_three_runs(hub: Hub) -> None:
    mod = await moderator(hub)
    preview = await schedule(hub, mod, "tomorrow 09:00", repeat="weekdays", timezone="Asia/Tokyo")
    details = preview.embeds[1]
    runs = next(f for f in details["fields"] if f["name"] == "Next runs")["value"]
    assert runs.count("\n") == 2
    repeats = next(f for f in details["fields"] if f["name"] == "Repeats")["value"]
    assert repeats == "Monday to Friday at 09:00 (Asia/Tokyo)"


@pytest.mark.hub_settings(announce_require_approval=True)
async def test_an_edit_needs_a_new_approval_and_retires_the_old_card(hub: Hub) -> None:
    author = await moderator(hub, "author")
    second = await moderator(hub, "second")
    await scheduled(hub, author, "in 2 hours")
    first_card = next(m for m in hub.messages("audit-log") if "needs approval" in m.content)
    await hub.double.click(hub.guild_id, second, first_card, "announce:approve:1")
    opened = await command(hub, author, "edit", announcement="1")
    edited = await hub.double.submit_modal(
        hub.guild_id, author, opened.modal, {BODY: "Changed after approval."}
    )
    assert "It waits for a second moderator's approval again." in edited.embeds[1]["footer"]["text"]
    cards = [m for m in hub.messages("audit-log") if "needs approval" in m.content]
    assert len(cards) == 1 and cards[0].id != first_card.id
    assert cards[0].embeds[0]["description"] == "Changed after approval."
    hub.clock.advance(timedelta(hours=2, seconds=1))
    await hub.double.settle(quiet=0.1)
    assert posts(hub) == []  # not approved again, so not posted
    history = await command(hub, second, "history", announcement="1")
    assert "Approved by" not in (history.embeds[0].get("description") or "")
    listed = await command(hub, second, "list")
    assert "waiting for approval" in listed.embeds[0]["description"]


async def test_list_of_ended_and_quiet_audit_of_reads(hub: Hub) -> None:
    mod = await moderator(hub)
    await scheduled(hub, mod, "in 1 hour", title="Old news")
    await command(hub, mod, "cancel", announcement="1")
    live = await command(hub, mod, "list")
    assert "No announcements are scheduled" in live.content
    ended = await command(hub, mod, "list", ended=True)
    assert "Old news" in ended.embeds[0]["description"]
    assert "cancelled" in ended.embeds[0]["description"]
    assert hub.bot is not None
    reads = await hub.bot.db.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'announce.listed'"
    )
    assert reads == 2 and "listed the scheduled announcements" not in audit_lines(hub)


async def test_a_moderator_who_deletes_their_data_leaves_the_announcement_without_them(
    hub: Hub,
) -> None:
    mod = await moderator(hub)
    await introduce(hub, mod, name="Mod Erator")
    await scheduled(hub, mod, "in 1 hour")
    exported = await hub.double.run_command(hub.guild_id, mod, "profile export")
    data = json.loads(exported.attachments[0]["data"])
    assert [a["id"] for a in data["announcements"]] == [1]
    asked = await hub.double.run_command(hub.guild_id, mod, "profile delete")
    await hub.double.click(hub.guild_id, mod, asked.message, f"profiles:erase:{mod}")
    assert rows_mentioning(hub, mod) == {}
    await advance_until_posted(hub, timedelta(hours=1, seconds=1), 1)  # it is still posted


@pytest.mark.hub_settings(announce_require_approval=True)
async def test_an_approval_card_that_cannot_be_posted_is_explained(hub: Hub) -> None:
    author = await moderator(hub, "author")
    preview = await schedule(hub, author, "in 1 hour")
    hub.double.guild(hub.guild_id).everyone.permissions &= ~SEND_MESSAGES
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS & ~SEND_MESSAGES, announce=False)
    done = await confirm(hub, author, preview)
    assert done.content.startswith("Announcement #1 is waiting for a second moderator's approval.")
    assert "I could not post the approval card in #audit-log" in done.content
