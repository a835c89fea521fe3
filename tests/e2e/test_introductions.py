"""Introductions with consent through the double: request, accept, decline, fallback,
limits and expiry."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce

ACCEPT = {"type": 2, "style": 3, "label": "Accept", "custom_id": "experts:answer:1:accept"}
ACCEPT_AGAIN = [{"type": 1, "components": [ACCEPT]}]
TEXT = {"who": "Policy adviser, Home Office", "topic": "Youth referrals online", "by_when": "March"}


async def expert(hub: Hub, name: str, dms_open: bool = True) -> int:
    member = await hub.double.add_member(hub.guild_id, name.split()[0].lower(), dms_open=dms_open)
    await introduce(hub, member.id, name=name, expertise="online radicalisation")
    return member.id


async def request(hub: Hub, seeker: int, expert_id: int, query: str = "radicalisation") -> Any:
    found = await hub.double.run_command(hub.guild_id, seeker, "expert find", {"query": query})
    asked = await hub.double.click(hub.guild_id, seeker, found.message, f"experts:ask:{expert_id}")
    if asked.modal is None:
        return asked
    ids = [c["custom_id"] for row in asked.modal["components"] for c in row["components"]]
    return await hub.double.submit_modal(
        hub.guild_id, seeker, asked.modal, dict(zip(ids, TEXT.values(), strict=True))
    )


async def test_request_accept_opens_a_private_thread(hub: Hub) -> None:
    amira = await expert(hub, "Amira Haddad")
    seeker = (await hub.double.add_member(hub.guild_id, "seeker")).id
    sent = await request(hub, seeker, amira)
    assert "Your request was sent to Amira Haddad" in sent.content
    card = hub.double.dms_of(amira)[-1]
    assert card.embeds[0]["title"] == "Introduction request from seeker"
    assert hub.double.dms_of(seeker) == []
    accepted = await hub.double.click(None, amira, card, "experts:answer:1:accept")
    assert accepted.content.startswith("Accepted. A private thread is open")
    thread = hub.double.threads_in(hub.guild_id)[-1]
    assert thread.type == 12 and {amira, seeker} <= thread.thread_members
    assert "Youth referrals online" in hub.double.messages_in(thread.id)[-1].content
    # A second click that raced the first (the buttons were still showing):
    card.components = ACCEPT_AGAIN
    again = await hub.double.click(None, amira, card, "experts:answer:1:accept")
    assert "You already accepted this request." in again.content
    assert len(hub.double.threads_in(hub.guild_id)) == 1


async def test_double_click_and_decline(hub: Hub) -> None:
    amira = await expert(hub, "Amira Haddad")
    ben = await expert(hub, "Ben Ortiz")
    seeker = (await hub.double.add_member(hub.guild_id, "seeker")).id
    await request(hub, seeker, amira)
    card = hub.double.dms_of(amira)[-1]
    await hub.double.click(None, amira, card, "experts:answer:1:decline")
    told = hub.double.dms_of(seeker)[-1]
    assert "could not be taken up this time" in told.content
    assert "Amira" not in told.content
    copy = hub.double.messages[card.id]
    copy.components = ACCEPT_AGAIN
    late = await hub.double.click(None, amira, copy, "experts:answer:1:accept")
    assert "You already declined this request." in late.content
    # Ben is not among his own results; a button for himself (an old message, a forged
    # click) is still refused.
    found = await hub.double.run_command(hub.guild_id, ben, "expert find", {"query": "online"})
    assert found.message is not None and f"experts:ask:{ben}" not in found.message.custom_ids()
    found.message.components = [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Ben", "custom_id": f"experts:ask:{ben}"}]}]  # fmt: skip
    own = await hub.double.click(hub.guild_id, ben, found.message, f"experts:ask:{ben}")
    assert "That is your own profile" in own.content


async def test_closed_dms_use_the_requests_channel(hub: Hub) -> None:
    amira = await expert(hub, "Amira Haddad", dms_open=False)
    seeker = (await hub.double.add_member(hub.guild_id, "seeker")).id
    sent = await request(hub, seeker, amira)
    assert "their DMs are closed" in sent.content
    # The card (who the seeker is, what they want) is private: nothing lands in the shared
    # channel itself, only in a private thread with the expert alone.
    assert hub.messages("expert-requests") == []
    [own] = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Requests: ")]
    assert own.type == 12 and own.parent_id == hub.channel("expert-requests")
    assert amira in own.thread_members and seeker not in own.thread_members
    notice = hub.double.messages_in(own.id)[-1]
    assert notice.content.startswith(f"<@{amira}>, you have an introduction request")
    refused = await hub.double.click(hub.guild_id, seeker, notice, "experts:answer:1:accept")
    assert "This request is for someone else." in refused.content
    accepted = await hub.double.click(hub.guild_id, amira, notice, "experts:answer:1:accept")
    assert accepted.content.startswith("Accepted.")


async def test_two_members_with_one_name_never_share_a_thread_and_deletion_removes_it(
    hub: Hub,
) -> None:
    first = await expert(hub, "Alex Moreno", dms_open=False)
    second = await expert(hub, "Alex Moreno", dms_open=False)  # the same name, twice
    seeker = (await hub.double.add_member(hub.guild_id, "seeker")).id
    await request(hub, seeker, first)
    await request(hub, seeker, second, query="radicalisation")
    own = [t for t in hub.double.threads_in(hub.guild_id) if t.name == "Requests: Alex Moreno"]
    assert len(own) == 2
    bot = hub.double.bot_user.id
    assert sorted(tuple(t.thread_members - {bot}) for t in own) == sorted([(first,), (second,)])
    asked = await hub.double.run_command(hub.guild_id, first, "profile delete")
    await hub.double.click(hub.guild_id, first, asked.message, f"profiles:erase:{first}")
    await hub.double.wait_for(
        lambda: [t.thread_members - {bot} for t in hub.double.threads_in(hub.guild_id)
                 if t.name == "Requests: Alex Moreno"] == [{second}],
        what="the deleted member's own thread to go",
    )  # fmt: skip


@pytest.mark.hub_settings(expert_requests_per_day=1, expert_pending_per_expert=1)
async def test_limits(hub: Hub) -> None:
    amira = await expert(hub, "Amira Haddad")
    ben = await expert(hub, "Ben Ortiz")
    first = (await hub.double.add_member(hub.guild_id, "first")).id
    second = (await hub.double.add_member(hub.guild_id, "second")).id
    await request(hub, first, amira)
    again = await request(hub, first, amira)
    assert "You already have a request waiting with Amira Haddad" in again.content
    daily = await request(hub, first, ben)
    assert "You have sent 1 request in the last day" in daily.content
    busy = await request(hub, second, amira)
    assert "Amira Haddad has many requests waiting" in busy.content
    paused = await hub.double.run_command(
        hub.guild_id, ben, "expert pause", {"until": "2099-01-01"}
    )
    assert "until 1 January 2099" in paused.content
    stopped = await request(hub, second, ben)
    assert "Ben Ortiz is not taking requests until 1 January 2099" in stopped.content
    bad = await hub.double.run_command(hub.guild_id, ben, "expert pause", {"until": "soon"})
    assert "'soon' is not a date" in bad.content


async def test_unanswered_request_expires_and_both_are_told(hub: Hub) -> None:
    amira = await expert(hub, "Amira Haddad")
    seeker = (await hub.double.add_member(hub.guild_id, "seeker")).id
    await request(hub, seeker, amira)
    card = hub.double.dms_of(amira)[-1]
    hub.clock.advance(timedelta(days=14, minutes=1))
    await hub.double.wait_for(
        lambda: len(hub.double.dms_of(seeker)) == 1 and hub.double.dms_of(amira)[-1] is not card,
        what="the expiry notes to both",
    )
    assert "expired without an answer" in hub.double.dms_of(seeker)[-1].content
    assert "expired without an answer" in hub.double.dms_of(amira)[-1].content
    late = await hub.double.click(None, amira, card, "experts:answer:1:accept")
    assert "This request expired on" in late.content


async def test_request_to_a_member_who_left_is_refused(hub: Hub) -> None:
    amira = await expert(hub, "Amira Haddad")
    seeker = (await hub.double.add_member(hub.guild_id, "seeker")).id
    found = await hub.double.run_command(hub.guild_id, seeker, "expert find", {"query": "online"})
    assert "Amira Haddad" in found.embeds[0]["fields"][0]["name"]
    await hub.double.remove_member(hub.guild_id, amira)
    assert hub.bot is not None
    db = hub.bot.db
    left = "SELECT status FROM profiles WHERE user_id = ?"
    await hub.double.wait_for(lambda: stored_status(hub, amira) == "left", what="the leave")
    asked = await hub.double.click(hub.guild_id, seeker, found.message, f"experts:ask:{amira}")
    assert asked.ephemeral and "no longer available for introductions" in asked.content
    assert await db.fetchval(left, (amira,)) == "left"
    assert await db.fetchval("SELECT COUNT(*) FROM expert_requests") == 0
    again = await hub.double.run_command(hub.guild_id, seeker, "expert find", {"query": "online"})
    assert "Amira Haddad" not in str(again.embeds)


def stored_status(hub: Hub, user_id: int) -> str | None:
    with sqlite3.connect(hub.db_path) as db:
        row = db.execute("SELECT status FROM profiles WHERE user_id = ?", (user_id,)).fetchone()
    return None if row is None else str(row[0])
