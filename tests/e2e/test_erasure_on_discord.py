"""After /profile delete, what the bot posted with the member's words or name is taken back on
Discord as far as Discord allows: the introduction request card in the expert's DMs and the
opening message of the shared thread are deleted, the thread "Introduction: A and B" is
renamed, a digest that listed them lists only the others; what other members wrote stays,
and the confirmation says so. A refusal from Discord never stops the erasure."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sandbox.double.state import VIEW_CHANNEL
from tests.e2e import test_enquiries as enquiries
from tests.e2e.event_steps import created
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce

WHO = "Zephyrine Okonkwo-Lindqvist, Ministry of Quasiplex"
TOPIC = "Quasiplex referral pathways for youth"
SECRETS = (WHO, TOPIC, "Zephyrine", "Quasiplex")


def on_disk(db_path: Path) -> bytes:
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def ask_for_introduction(hub: Hub, seeker: int, expert_id: int) -> None:
    for _ in range(50):  # the search index follows a new profile a moment later
        found = await hub.double.run_command(
            hub.guild_id, seeker, "expert find", {"query": "radicalisation"}
        )
        if found.message and f"experts:ask:{expert_id}" in found.message.custom_ids():
            break
        await asyncio.sleep(0.1)
    asked = await hub.double.click(hub.guild_id, seeker, found.message, f"experts:ask:{expert_id}")
    assert asked.modal is not None, asked.content
    ids = [c["custom_id"] for row in asked.modal["components"] for c in row["components"]]
    await hub.double.submit_modal(
        hub.guild_id, seeker, asked.modal, dict(zip(ids, (WHO, TOPIC, "March"), strict=True))
    )


async def delete_profile(hub: Hub, user_id: int) -> Any:
    asked = await hub.double.run_command(hub.guild_id, user_id, "profile delete")
    # before they confirm, the member learns what will stay (their own messages) and how
    # to keep a copy
    assert "delete your own in Discord first" in asked.content, asked.content
    assert "/profile export" in asked.content
    done = await hub.double.click(hub.guild_id, user_id, asked.message, f"profiles:erase:{user_id}")
    await hub.double.settle()
    return done


async def introduced_pair(hub: Hub) -> tuple[int, int, Any]:
    """Tomas asks Amira for an introduction and she accepts: a card, then a shared thread."""
    amira = (await hub.double.add_member(hub.guild_id, "Amira")).id
    await introduce(hub, amira, name="Amira Haddad", expertise="online radicalisation")
    tomas = (await hub.double.add_member(hub.guild_id, "Tomas")).id
    await introduce(hub, tomas, name="Tomas Berg", expertise="evaluation")
    await ask_for_introduction(hub, tomas, amira)
    card = hub.double.dms_of(amira)[-1]
    assert TOPIC in str(card.embeds)
    await hub.double.click(None, amira, card, "experts:answer:1:accept")
    [thread] = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Intro")]
    assert thread.name == "Introduction: Tomas Berg and Amira Haddad"
    return amira, tomas, thread


async def test_the_requesters_card_opening_message_and_name_are_taken_back(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    amira, tomas, thread = await introduced_pair(hub)
    await hub.double.post_message(thread.id, amira, "Happy to talk, Tomas.")
    done = await delete_profile(hub, tomas)
    # The request card in Amira's DMs and the thread's opening message carried his words:
    assert [m for m in hub.double.dms_of(amira) if TOPIC in str(m.embeds)] == []
    left = [m.content for m in hub.double.messages_in(thread.id)]
    assert left == ["Happy to talk, Tomas."]  # what another member wrote stays
    assert thread.name == "Introduction: Amira Haddad and a former member"
    # The confirmation says plainly what is gone and what cannot be removed:
    assert done.content.startswith("Done. Your profile and everything the bot stored")
    assert "What the bot cannot remove" in done.content
    assert "what other members wrote, in shared threads and in DMs" in done.content
    assert "backups" in done.content and "copies people made" in done.content
    disk = on_disk(hub.db_path)
    assert [s for s in SECRETS if s.encode() in disk] == []
    assert [s for s in SECRETS if s in caplog.text] == []


async def test_a_refusal_from_discord_never_stops_the_erasure(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    amira, tomas, thread = await introduced_pair(hub)
    card = hub.double.dms_of(amira)[-1]
    hub.double.messages[card.id].deleted = True  # Amira deleted the card already
    # and a moderator took the bot out of the introductions channel, so renaming fails:
    hub.double.set_overwrite(
        hub.channel("introductions"), hub.double.bot_user.id, deny=VIEW_CHANNEL, member=True,
        announce=False,
    )  # fmt: skip
    done = await delete_profile(hub, amira)
    assert done.content.startswith("Done.")
    assert "1 message the bot posted could not be removed" in done.content
    with sqlite3.connect(hub.db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM profiles WHERE user_id = ?", (amira,)).fetchone()
        assert db.execute(
            "SELECT COUNT(*) FROM member_messages WHERE user_id = ?", (amira,)
        ).fetchone() == (0,)
    assert "could not take back thread" in caplog.text
    assert "Amira" not in caplog.text and "Haddad" not in caplog.text
    # Discord said no; the reply says so
    assert thread.name == "Introduction: Tomas Berg and Amira Haddad"
    assert tomas in thread.thread_members


@pytest.mark.hub_settings(digest_day="mon", digest_hour=9, server_timezone="Europe/London")
async def test_a_digest_that_named_the_member_lists_only_the_others(hub: Hub) -> None:
    assert hub.bot is not None
    mod = (await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])).id
    await hub.double.run_command(hub.guild_id, mod, "hub setup", {})
    people = {}
    for name in ("Amira Haddad", "Tomas Berg", "Lena Quist"):
        user = (await hub.double.add_member(hub.guild_id, name.split()[0])).id
        await introduce(hub, user, name=name, areas=("disinformation",))
        people[name] = user
    room = hub.double.channel_by_name(hub.guild_id, "disinformation")
    assert room is not None
    with sqlite3.connect(hub.db_path) as db:
        due = db.execute(
            "SELECT due_at FROM scheduled_jobs WHERE kind = 'areas.digest' AND status = 'pending'"
        ).fetchone()[0]
    hub.clock.set(datetime.strptime(due, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC))
    hub.clock.advance(timedelta(seconds=1))

    def digest() -> Any:
        found = [m for m in hub.double.messages_in(room.id) if "This week in" in str(m.embeds)]
        return found[0] if found else None

    await hub.double.wait_for(lambda: digest() is not None, what="the digest")

    def newcomers() -> str:
        fields = {f["name"]: f["value"] for f in digest().embeds[0]["fields"]}
        return str(fields["New members"])

    assert newcomers() == "Amira Haddad, Tomas Berg, Lena Quist"
    await delete_profile(hub, people["Amira Haddad"])
    assert newcomers() == "Tomas Berg, Lena Quist"
    await delete_profile(hub, people["Lena Quist"])
    assert newcomers() == "Tomas Berg"
    assert "This week in Disinformation" in digest().embeds[0]["title"]  # the rest is kept


async def test_an_organisers_description_leaves_the_card_and_the_servers_event(hub: Hub) -> None:
    mod = (await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])).id
    card = await created(hub, mod, description="Hosted by Dr Quennell Marsh, room 4.12")
    assert "Quennell" in str(card.embeds)
    assert "Quennell" in str(hub.double.scheduled_events(hub.guild_id))
    await delete_profile(hub, mod)

    def gone() -> bool:
        shown = str(hub.double.messages[card.id].embeds)
        return "Quennell" not in shown + str(hub.double.scheduled_events(hub.guild_id))

    await hub.double.wait_for(gone, what="the description to leave the card and the event")
    assert "Network seminar" in str(hub.double.messages[card.id].embeds)  # the event stays
    assert b"Quennell" not in on_disk(hub.db_path)


async def test_enquiry_cards_and_notes_naming_a_helper_are_taken_back(hub: Hub) -> None:
    official = await enquiries.member(hub, "Olivia Grant", stage="policy", areas=())
    amira = await enquiries.member(hub, "Amira Haddad", open_to=enquiries.GOV,
                                   areas=enquiries.YOUTH)  # fmt: skip
    ben = await enquiries.member(hub, "Ben Ortiz", open_to=enquiries.GOV,
                                 areas=enquiries.YOUTH, dms_open=False)  # fmt: skip
    await enquiries.enquire(hub, official)
    card = hub.double.dms_of(amira)[-1]
    await hub.double.click(None, amira, card, "experts:enquiry:1:yes")
    await hub.double.wait_for(
        lambda: any("can help" in m.content for m in hub.double.dms_of(official)),
        what="the enquirer's note naming Amira",
    )
    [thread] = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Enquiry")]
    # Amira erases: the note that named her (with her affiliation) leaves Olivia's DMs.
    await delete_profile(hub, amira)
    assert [m for m in hub.double.dms_of(official) if "Amira" in m.content] == []
    assert thread.name == "Enquiry: Olivia Grant and a former member"
    # Olivia erases: her enquiry leaves the DMs and threads of everyone it reached.
    await delete_profile(hub, official)
    everywhere = [m for m in hub.double.messages.values() if not m.deleted]
    assert [m for m in everywhere if enquiries.DETAILS in str(m.embeds) + m.content] == []
    assert thread.name == "Enquiry: former members"
    assert ben not in thread.thread_members
