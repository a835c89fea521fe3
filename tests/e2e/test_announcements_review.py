"""Defects found in review of announcements: each test shows what a moderator hit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.announce_steps import BODY, TITLE, command, moderator, posts, scheduled
from tests.e2e.harness import Hub


async def state_of(hub: Hub, announcement_id: int) -> str:
    assert hub.bot is not None
    return str(
        await hub.bot.db.fetchval(
            "SELECT state FROM announcements WHERE id = ?", (announcement_id,)
        )
    )


async def test_an_edit_form_submitted_after_a_cancel_is_refused(hub: Hub) -> None:
    """The edit form stays open for 15 minutes; another moderator may cancel meanwhile.
    Before, the stale form rewrote the cancelled announcement and said it was updated."""
    mod = await moderator(hub)
    other = await moderator(hub, "other")
    await scheduled(hub, mod, "in 2 hours")
    opened = await command(hub, mod, "edit", announcement="1")
    assert opened.modal is not None
    await command(hub, other, "cancel", announcement="1")
    answer = await hub.double.submit_modal(
        hub.guild_id, mod, opened.modal, {TITLE: "Stale", BODY: "Written over a cancel."}
    )
    assert answer.ephemeral
    assert answer.content.startswith("Announcement #1 is cancelled, so you cannot edit it."), (
        answer.content
    )
    assert hub.bot is not None
    assert await hub.bot.db.fetchval("SELECT body FROM announcements WHERE id = 1") == (
        "The network meets on Thursday."
    )


@pytest.mark.hub_settings(announce_require_approval=True)
async def test_a_stale_edit_never_brings_a_cancelled_announcement_back(hub: Hub) -> None:
    """With approval required, the stale form put a cancelled announcement back to
    'waiting for approval', and one Approve would have posted it."""
    author = await moderator(hub, "author")
    second = await moderator(hub, "second")
    await scheduled(hub, author, "in 2 hours")
    card = next(m for m in hub.messages("audit-log") if "needs approval" in m.content)
    await hub.double.click(hub.guild_id, second, card, "announce:approve:1")
    opened = await command(hub, author, "edit", announcement="1")
    await command(hub, second, "cancel", announcement="1")
    answer = await hub.double.submit_modal(
        hub.guild_id, author, opened.modal, {BODY: "Back from the dead."}
    )
    assert "is cancelled, so you cannot edit it" in answer.content, answer.content
    assert await state_of(hub, 1) == "cancelled"
    # No new approval card: the only one was answered (and edited) before the cancel.
    assert [m for m in hub.messages("audit-log") if "needs approval" in m.content] == []
    hub.clock.advance(timedelta(hours=3))
    await hub.double.settle(quiet=0.1)
    assert posts(hub) == []
