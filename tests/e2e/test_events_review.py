"""Defects found in review of events: each test shows what a member or moderator hit."""

from __future__ import annotations

from datetime import timedelta

from sandbox.double.state import BOT_PERMISSIONS, SEND_MESSAGES
from tests.e2e.audit_steps import audit_text
from tests.e2e.event_steps import (
    DESCRIPTION,
    card_of,
    cards,
    command,
    create,
    created,
    member,
    moderator,
    rsvp,
)
from tests.e2e.harness import Hub


async def take_send_messages(hub: Hub) -> None:
    """The bot loses Send Messages server-wide (both its own role and @everyone)."""
    guild = hub.double.guild(hub.guild_id)
    for role in guild.roles.values():
        if role.permissions & SEND_MESSAGES:
            role.permissions &= ~SEND_MESSAGES
            hub.double.announce(
                "GUILD_ROLE_UPDATE", {"guild_id": str(hub.guild_id), "role": role.payload()}
            )
    await hub.double.settle()


async def test_confirm_where_the_card_cannot_be_posted_keeps_the_preview(hub: Hub) -> None:
    """Before: the event went live with no card (nobody could answer it) and the organiser
    got "something went wrong" and a preview that could never be confirmed again."""
    mod = await moderator(hub)
    preview = await create(hub, mod)
    await take_send_messages(hub)
    done = await hub.double.click(
        hub.guild_id, mod, preview.message, preview.message.custom_id("events:confirm:")
    )
    assert done.ephemeral
    assert "I cannot post the event card in #announcements" in done.content, done.content
    assert "Send Messages" in done.content
    assert cards(hub) == []
    assert hub.bot is not None
    state = await hub.bot.db.fetchval("SELECT state FROM events WHERE id = 1")
    assert state == "draft"
    pending = await hub.bot.db.fetchval(
        "SELECT COUNT(*) FROM scheduled_jobs WHERE kind LIKE 'events.%' AND status = 'pending'"
    )
    assert pending == 0
    listed = await command(hub, mod, "list", range="quarter")
    assert listed.content.startswith("No events")


async def test_a_card_refused_by_discord_leaves_a_preview_to_confirm_again(hub: Hub) -> None:
    """The bot's view of its permissions was stale: Discord refused the card. Nothing stays
    live (no reminders, no series), and Confirm works once the permission is back."""
    mod = await moderator(hub)
    preview = await create(hub, mod, repeat="weekly", count=3)
    guild = hub.double.guild(hub.guild_id)
    guild.everyone.permissions &= ~SEND_MESSAGES
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS & ~SEND_MESSAGES, announce=False)
    confirm_id = preview.message.custom_id("events:confirm:")
    done = await hub.double.click(hub.guild_id, mod, preview.message, confirm_id)
    assert "Discord refused the event card" in done.content, done.content
    assert hub.bot is not None
    assert await hub.bot.db.fetchval("SELECT state FROM events WHERE id = 1") == "draft"
    assert await hub.bot.db.fetchval("SELECT COUNT(*) FROM event_series") == 0
    pending = await hub.bot.db.fetchval(
        "SELECT COUNT(*) FROM scheduled_jobs WHERE kind LIKE 'events.%' AND status = 'pending'"
    )
    assert pending == 0
    guild.everyone.permissions |= SEND_MESSAGES
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS)
    await hub.double.settle()
    again = await hub.double.click(hub.guild_id, mod, preview.message, confirm_id)
    assert again.content.startswith("Created event #1"), again.content
    assert len(cards(hub)) == 1


async def test_a_description_form_submitted_after_a_cancel_is_refused(hub: Hub) -> None:
    """/event edit description:true opens a form; another moderator may cancel meanwhile.
    Before, the stale form edited the cancelled event, said 'Updated', rescheduled its
    reminders and told its attendees the cancelled event 'has changed'."""
    mod = await moderator(hub)
    other = await moderator(hub, "other")
    card = await created(hub, mod)
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    opened = await command(hub, mod, "edit", event="1", when="in 4 days at 15:00", description=True)
    assert opened.modal is not None
    await command(hub, other, "cancel", event="1")
    told = len(hub.double.dms_of(amira))
    done = await hub.double.submit_modal(hub.guild_id, mod, opened.modal, {DESCRIPTION: "New."})
    assert done.ephemeral
    assert "is cancelled; it cannot be edited" in done.content, done.content
    await hub.double.settle(quiet=0.1)
    assert len(hub.double.dms_of(amira)) == told
    assert hub.bot is not None
    row = await hub.bot.db.fetchone("SELECT state, description FROM events WHERE id = 1")
    assert row is not None and tuple(row) == ("cancelled", "Findings from the youth panel.")
    pending = await hub.bot.db.fetchval(
        "SELECT COUNT(*) FROM scheduled_jobs WHERE kind = 'events.reminder' AND status = 'pending'"
    )
    assert pending == 0


async def test_markdown_in_a_title_shows_as_typed_in_reminders_and_notices(hub: Hub) -> None:
    """A title such as 'P*values and __init__ files' broke the bold around it (and an
    organiser's '[link](...)' became a disguised link) in every DM that named the event."""
    mod = await moderator(hub)
    title = "P*values and __init__ [files](https://example.org)"
    card = await created(hub, mod, when="in 72 hours", title=title)
    amira = await member(hub, "amira")
    await rsvp(hub, amira, card, "going")
    hub.clock.advance(timedelta(days=2))
    await hub.double.wait_for(
        lambda: any(m.content.startswith("Reminder:") for m in hub.double.dms_of(amira)),
        what="the reminder",
    )
    shown = r"P\*values and \_\_init\_\_ \[files\](https://example.org)"
    reminder = next(m for m in hub.double.dms_of(amira) if m.content.startswith("Reminder:"))
    assert f"**{shown}** starts" in reminder.content, reminder.content
    await command(hub, mod, "cancel", event="1")
    await hub.double.settle(quiet=0.1)
    notice = hub.double.dms_of(amira)[-1]
    assert notice.content.startswith(f"**{shown}** ("), notice.content


async def test_the_next_person_hears_of_a_place_even_if_the_last_could_not_be_told(
    hub: Hub,
) -> None:
    """The offer ran out for a member whose DMs had closed, and the channel fallback was
    refused too. Before, the job failed after the place had already gone to the next
    person, and its retry found nothing to do: the next person was never told of their
    offer, which then ran out unseen as well."""
    mod = await moderator(hub)
    await created(hub, mod, capacity=1)
    first, second, third = [await member(hub, n) for n in ("first", "second", "third")]
    for user in (first, second, third):
        await rsvp(hub, user, card_of(hub, 1), "going")
    await rsvp(hub, first, card_of(hub, 1), "maybe")
    await hub.double.settle(quiet=0.1)
    assert len(hub.double.dms_of(second)) == 1
    guild = hub.double.guild(hub.guild_id)
    guild.members[second].user.dms_open = False
    guild.everyone.permissions &= ~SEND_MESSAGES
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS & ~SEND_MESSAGES, announce=False)
    hub.clock.advance(timedelta(hours=12, seconds=5))
    await hub.double.wait_for(lambda: len(hub.double.dms_of(third)) == 1, what="third's offer")
    assert "A place opened" in hub.double.dms_of(third)[0].content
    await hub.double.settle(quiet=0.2)
    assert len(hub.double.dms_of(third)) == 1  # told once, not once per retry


async def test_a_drop_whose_promotion_notice_fails_is_not_an_error_and_is_retried(
    hub: Hub,
) -> None:
    """A Going member drops; the first on the waitlist has closed DMs and the channel
    fallback is refused. Before, the member who dropped got 'something went wrong' (their
    answer had been saved) and the promoted member was never told, not even later."""
    mod = await moderator(hub)
    await created(hub, mod, capacity=1)
    first = await member(hub, "first")
    second = await member(hub, "second", dms_open=False)
    await rsvp(hub, first, card_of(hub, 1), "going")
    await rsvp(hub, second, card_of(hub, 1), "going")
    guild = hub.double.guild(hub.guild_id)
    guild.everyone.permissions &= ~SEND_MESSAGES
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS & ~SEND_MESSAGES, announce=False)
    dropped = await rsvp(hub, first, card_of(hub, 1), "declined")
    await hub.double.settle(quiet=0.1)
    said = [f.content for f in dropped.followups]
    assert said == ["Marked as Can't go for Network seminar."], said
    guild.everyone.permissions |= SEND_MESSAGES
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS)
    await hub.double.settle(quiet=0.1)
    hub.clock.advance(timedelta(seconds=31))
    told = await hub.next_message("announcements", "A place opened at **Network seminar**")
    assert f"<@{second}>" in told.content


async def test_a_cancel_whose_notices_fail_tells_the_moderator_who_was_not_told(
    hub: Hub,
) -> None:
    """An attendee's DMs are closed and the channel fallback is refused. Before, the
    moderator got 'Cancelled' and then 'something went wrong', the cancellation was never
    audited, and nobody learnt which attendees had not been told."""
    mod = await moderator(hub)
    await created(hub, mod)
    closed = await member(hub, "closed", dms_open=False)
    await rsvp(hub, closed, card_of(hub, 1), "going")
    guild = hub.double.guild(hub.guild_id)
    guild.everyone.permissions &= ~SEND_MESSAGES
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS & ~SEND_MESSAGES, announce=False)
    done = await command(hub, mod, "cancel", event="1")
    await hub.double.settle(quiet=0.1)
    assert done.content.startswith("Cancelled event #1.")
    said = [f.content for f in done.followups]
    assert len(said) == 1 and "something went wrong" not in said[0], said
    assert "could not tell" in said[0] and f"<@{closed}>" in said[0], said
    assert hub.bot is not None
    audited = await hub.bot.db.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'events.cancelled'"
    )
    assert audited == 1


async def test_an_edit_whose_notices_fail_is_still_audited_and_explained(hub: Hub) -> None:
    """As for a cancel: a new time that could not be told to an attendee gave the
    organiser 'something went wrong' after 'Updated', and the edit was never audited."""
    mod = await moderator(hub)
    await created(hub, mod)
    closed = await member(hub, "closed", dms_open=False)
    await rsvp(hub, closed, card_of(hub, 1), "going")
    guild = hub.double.guild(hub.guild_id)
    guild.everyone.permissions &= ~SEND_MESSAGES
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS & ~SEND_MESSAGES, announce=False)
    done = await command(hub, mod, "edit", event="1", when="in 4 days at 15:00")
    await hub.double.settle(quiet=0.1)
    assert done.content.startswith("Updated event #1."), done.content
    said = [f.content for f in done.followups]
    assert len(said) == 1 and "something went wrong" not in said[0], said
    assert "could not tell" in said[0] and f"<@{closed}>" in said[0], said
    assert hub.bot is not None
    audited = await hub.bot.db.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'events.edited'"
    )
    assert audited == 1


async def test_backticks_in_a_title_are_shown_as_typed_in_the_audit_channel(hub: Hub) -> None:
    mod = await moderator(hub)
    await created(hub, mod, title="Seminar ``` @everyone ```")
    entry = audit_text(await hub.next_message("audit-log", "created the event"))
    assert "```" not in entry  # escaped: nothing in the title can open a block
    assert "Title: Seminar \\`\\`\\` @everyone \\`\\`\\`" in entry
