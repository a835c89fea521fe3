"""Two moderators deciding one introduction: exactly one decision counts, the other is told
who was first, and the member hears about an approval as they do about a rejection.

Before: both decisions were applied one after the other (the last one won silently, with
two audit entries), and an approved member was told nothing."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import re
import sqlite3
from typing import Any

import pytest

from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce

pytestmark = pytest.mark.hub_settings(verification_channel="verification")
DECISIONS = ("profile.verified", "profile.rejected")
ALREADY = re.compile(r"^Already (approved|rejected) by <@(\d+)> <t:\d+:R>; nothing changed\.")


async def two_moderators(hub: Hub) -> tuple[int, int]:
    first = await hub.double.add_member(hub.guild_id, "ines", roles=[hub.moderator_role_id])
    second = await hub.double.add_member(hub.guild_id, "tomas", roles=[hub.moderator_role_id])
    return first.id, second.id


async def queued_member(hub: Hub, name: str = "amira", dms_open: bool = True) -> tuple[int, Any]:
    """A member who introduced themself; returns their id and the queue card."""
    member = await hub.double.add_member(hub.guild_id, name, dms_open=dms_open)
    await introduce(hub, member.id)
    return member.id, hub.messages("verification")[-1]


def stored(hub: Hub, user_id: int) -> tuple[str, int | None]:
    db = sqlite3.connect(hub.db_path)
    row = db.execute(
        "SELECT verification, verified_by FROM profiles WHERE user_id = ?", (user_id,)
    ).fetchone()
    db.close()
    return row[0], row[1]


def decisions(hub: Hub, user_id: int) -> list[tuple[str, int]]:
    db = sqlite3.connect(hub.db_path)
    rows = db.execute(
        "SELECT action, actor_id FROM audit_log WHERE target = ? AND action IN (?, ?) ORDER BY id",
        (f"member:{user_id}", *DECISIONS),
    ).fetchall()
    db.close()
    return [(str(action), int(actor)) for action, actor in rows]


async def press(hub: Hub, moderator: int, card: Any, action: str, user_id: int) -> Any:
    return await hub.double.click(
        hub.guild_id, moderator, card, f"profiles:verify:{action}:{user_id}"
    )


async def give_reason(hub: Hub, moderator: int, asked: Any, reason: str) -> Any:
    assert asked.modal is not None, asked.content
    [field] = [c for r in asked.modal["components"] for c in r["components"]]
    return await hub.double.submit_modal(
        hub.guild_id, moderator, asked.modal, {field["custom_id"]: reason}
    )


def assert_told_too_late(answer: Any, word: str, winner: int) -> None:
    """The second moderator's private answer: who decided first, when, and that nothing
    changed; the name never pings."""
    assert answer.ephemeral, answer.content
    found = ALREADY.match(answer.content)
    assert found is not None, answer.content
    assert (found[1], int(found[2])) == (word, winner)
    assert answer.latest.allowed_mentions == {"parse": []}


async def test_two_approvals_at_the_same_moment_count_once(hub: Hub) -> None:
    ines, tomas = await two_moderators(hub)
    amira, card = await queued_member(hub)
    answers = await asyncio.gather(
        press(hub, ines, card, "approve", amira), press(hub, tomas, card, "approve", amira)
    )
    state, winner = stored(hub, amira)
    assert state == "verified" and winner in (ines, tomas)
    won, lost = answers if winner == ines else answers[::-1]
    assert won.content.startswith(f"Approved by <@{winner}> on <t:")
    assert_told_too_late(lost, "approved", winner)
    assert decisions(hub, amira) == [("profile.verified", winner)]
    assert card.content.startswith(f"Approved by <@{winner}>") and card.components == []
    notices = [m for m in hub.double.dms_of(amira) if "verified your introduction" in m.content]
    assert len(notices) == 1


async def test_approve_and_reject_at_the_same_moment_one_wins(hub: Hub) -> None:
    """Tomas opened the reject form; Ines approves while he submits his reason."""
    ines, tomas = await two_moderators(hub)
    amira, card = await queued_member(hub)
    asked = await press(hub, tomas, card, "reject", amira)
    approved, rejected = await asyncio.gather(
        press(hub, ines, card, "approve", amira),
        give_reason(hub, tomas, asked, "Please add your institution."),
    )
    state, winner = stored(hub, amira)
    dms = [m.content for m in hub.double.dms_of(amira)]
    if state == "verified":
        assert winner == ines
        assert_told_too_late(rejected, "approved", ines)
        assert "Your note was not sent: 'Please add your institution.'" in rejected.content
        assert [d for d in dms if "Their note" in d] == []
        assert card.content.startswith(f"Approved by <@{ines}>")
    else:
        assert (state, winner) == ("rejected", tomas)
        assert_told_too_late(approved, "rejected", tomas)
        assert [d for d in dms if "verified your introduction" in d] == []
        assert card.content.startswith(f"Rejected by <@{tomas}>")
    assert decisions(hub, amira) == [
        ("profile.verified" if state == "verified" else "profile.rejected", winner)
    ]
    assert card.components == []


async def test_both_buttons_pressed_at_once(hub: Hub) -> None:
    """Approve decides at once; Reject only asks for a reason, so approval wins. If the
    reject form opened first, submitting it is refused."""
    ines, tomas = await two_moderators(hub)
    amira, card = await queued_member(hub)
    approved, asked = await asyncio.gather(
        press(hub, ines, card, "approve", amira), press(hub, tomas, card, "reject", amira)
    )
    assert approved.content.startswith(f"Approved by <@{ines}>")
    refused = asked if asked.modal is None else await give_reason(hub, tomas, asked, "No.")
    assert_told_too_late(refused, "approved", ines)
    assert stored(hub, amira) == ("verified", ines)
    assert decisions(hub, amira) == [("profile.verified", ines)]


async def test_a_later_decision_sees_the_first_one(hub: Hub) -> None:
    """One after the other: a reject form left open, and a card not yet refreshed."""
    ines, tomas = await two_moderators(hub)
    amira, card = await queued_member(hub)
    asked = await press(hub, tomas, card, "reject", amira)
    await press(hub, ines, card, "approve", amira)
    late = await give_reason(hub, tomas, asked, "Please add your institution.")
    assert_told_too_late(late, "approved", ines)
    assert stored(hub, amira) == ("verified", ines)

    ben, card = await queued_member(hub, "ben")
    stale = dataclasses.replace(card, components=copy.deepcopy(card.components))
    asked = await press(hub, tomas, card, "reject", ben)
    await give_reason(hub, tomas, asked, "Add a bio.")
    for action in ("approve", "reject"):  # no form opens for a decided introduction
        answer = await press(hub, ines, stale, action, ben)
        assert answer.modal is None
        assert_told_too_late(answer, "rejected", tomas)
    assert stored(hub, ben) == ("rejected", tomas)
    assert decisions(hub, amira) + decisions(hub, ben) == [
        ("profile.verified", ines),
        ("profile.rejected", tomas),
    ]


async def test_an_approved_member_is_told_what_it_means(hub: Hub) -> None:
    ines, _ = await two_moderators(hub)
    amira, card = await queued_member(hub)
    approved = await press(hub, ines, card, "approve", amira)
    assert approved.content.endswith("They were told by DM.")
    [notice] = [m for m in hub.double.dms_of(amira) if "verified your introduction" in m.content]
    assert "Your card now shows (verified) and you have the Verified role." in notice.content
    assert (
        "You can now see the affiliation and bio of members who show them only to "
        "verified members" in notice.content
    )
    assert notice.allowed_mentions == {"parse": []}


async def test_closed_dms_get_both_answers_in_a_private_thread(hub: Hub) -> None:
    """Approval and rejection reach a member with closed DMs the same way: their own
    private thread in the introductions channel; the card says so."""
    ines, _ = await two_moderators(hub)
    ben, card = await queued_member(hub, "ben", dms_open=False)
    approved = await press(hub, ines, card, "approve", ben)
    assert "Their DMs are closed, so they were told in a private thread" in approved.content
    cara, card = await queued_member(hub, "cara", dms_open=False)
    rejected = await give_reason(
        hub, ines, await press(hub, ines, card, "reject", cara), "Add a bio."
    )
    assert "Their DMs are closed, so they were told in a private thread" in rejected.content
    threads = [t for t in hub.double.threads_in(hub.guild_id)
               if t.name.startswith("Your introduction: ")]  # fmt: skip
    [ben_thread] = [t for t in threads if ben in t.thread_members]
    [cara_thread] = [t for t in threads if cara in t.thread_members]
    assert ben_thread.thread_members >= {ben} and cara not in ben_thread.thread_members
    [told_ben] = hub.double.messages_in(ben_thread.id)
    assert told_ben.content.startswith(f"<@{ben}>, your DMs are closed, so here it is: Good news")
    [told_cara] = hub.double.messages_in(cara_thread.id)
    assert "Their note: Add a bio." in told_cara.content
