"""Brokered enquiries through the double: only matching members are asked, privately, and
the enquirer sees only those who said yes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.audit_steps import audit_texts
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce

GOV = ("government-enquiries",)
YOUTH = ("youth-radicalisation",)
LONDON = ZoneInfo("Europe/London")  # the zone a member in GB is given
DETAILS = "A 30-minute briefing for ministers on youth referral pathways."


async def member(hub: Hub, name: str, *, dms_open: bool = True, **profile: Any) -> int:
    joined = await hub.double.add_member(hub.guild_id, name.split()[0].lower(), dms_open=dms_open)
    await introduce(hub, joined.id, name=name, expertise="online radicalisation", **profile)
    return joined.id


def deadline(hub: Hub, days: int = 10) -> str:
    return (hub.clock.now() + timedelta(days=days)).date().isoformat()


async def enquire(hub: Hub, user_id: int, **options: str) -> Any:
    chosen = {"topic": "Youth referral pathways", "need": "briefing",
              "area": "youth-radicalisation", "deadline": deadline(hub), **options}  # fmt: skip
    opened = await hub.double.run_command(hub.guild_id, user_id, "expert enquiry", chosen)
    if opened.modal is None:
        return opened
    return await hub.double.submit_modal(
        hub.guild_id, user_id, opened.modal, {"experts:enquiry:details": DETAILS}
    )


async def test_only_matching_members_are_asked_and_only_yes_is_shown(hub: Hub) -> None:
    official = await member(hub, "Olivia Grant", stage="policy", areas=())
    amira = await member(hub, "Amira Haddad", open_to=GOV, areas=YOUTH)
    ben = await member(hub, "Ben Ortiz", open_to=GOV, areas=YOUTH, dms_open=False)
    carla = await member(hub, "Carla Ruiz", open_to=GOV, areas=("data",))
    dan = await member(hub, "Dan Moss", areas=YOUTH)

    sent = await enquire(hub, official)
    assert sent.ephemeral and "went privately to 2 members" in sent.content
    card = hub.double.dms_of(amira)[-1]
    assert card.embeds[0]["title"] == "Enquiry: Youth referral pathways"
    # Ben's DMs are closed: the card reaches him in a private thread, not the shared channel
    # (other members must not learn who is open to government enquiries, or what was asked).
    assert hub.messages("expert-requests") == []
    [own] = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Requests: ")]
    assert own.type == 12 and ben in own.thread_members and official not in own.thread_members
    fallback = hub.double.messages_in(own.id)[-1]
    assert fallback.content.startswith(f"<@{ben}>, you have an enquiry")
    assert hub.double.dms_of(carla) == [] and hub.double.dms_of(dan) == []

    helped = await hub.double.click(None, amira, card, "experts:enquiry:1:yes")
    assert helped.content.startswith("Thank you. The enquirer has been told.")
    told = await_dm(hub, official)
    await hub.double.wait_for(lambda: told() is not None, what="the enquirer's note")
    assert "**Amira Haddad** (University of Leeds, United Kingdom) can help" in told().content
    thread = hub.double.threads_in(hub.guild_id)[-1]
    assert thread.type == 12 and {official, amira} <= thread.thread_members

    declined = await hub.double.click(hub.guild_id, ben, fallback, "experts:enquiry:1:no")
    assert "The enquirer is not told" in declined.content
    listing = await hub.double.run_command(hub.guild_id, official, "expert enquiries")
    assert "1 of 2 can help" in listing.content and "Amira Haddad" in listing.content
    assert "Ben Ortiz" not in listing.content
    assert len([m for m in hub.double.dms_of(official) if "can help" in m.content]) == 1

    yes = {"type": 2, "style": 3, "label": "I can help", "custom_id": "experts:enquiry:1:yes"}
    card.components = [{"type": 1, "components": [yes]}]  # as if the click raced the first
    again = await hub.double.click(None, amira, card, "experts:enquiry:1:yes")
    assert "You already answered 'I can help'" in again.content
    stranger = await hub.double.click(None, carla, card, "experts:enquiry:1:yes")
    assert "This enquiry was sent to someone else" in stranger.content
    pairs = [t for t in hub.double.threads_in(hub.guild_id) if t.name.startswith("Enquiry")]
    assert len(pairs) == 1


def await_dm(hub: Hub, user_id: int) -> Any:
    return lambda: next((m for m in hub.double.dms_of(user_id) if "can help" in m.content), None)


async def test_enquiry_closes_at_its_deadline_and_late_answers_are_refused(hub: Hub) -> None:
    official = await member(hub, "Olivia Grant", stage="policy", areas=())
    amira = await member(hub, "Amira Haddad", open_to=GOV, areas=YOUTH)
    await enquire(hub, official, deadline=deadline(hub, 3))
    card = hub.double.dms_of(amira)[-1]
    closes = datetime.combine(date.fromisoformat(deadline(hub, 3)), time(23, 59), LONDON)
    hub.clock.advance(closes - hub.clock.now() + timedelta(minutes=1))
    await hub.double.wait_for(lambda: len(hub.double.dms_of(official)) == 1, what="the close")
    assert "has closed with no offers of help" in hub.double.dms_of(official)[-1].content
    late = await hub.double.click(None, amira, card, "experts:enquiry:1:yes")
    assert "This enquiry closed on" in late.content


async def test_enquiry_bad_inputs_get_a_reason_and_store_nothing(hub: Hub) -> None:
    researcher = await member(hub, "Amira Haddad", open_to=GOV, areas=YOUTH)
    official = await member(hub, "Olivia Grant", stage="policy", areas=())
    refused = await enquire(hub, researcher)
    assert "Enquiries are for members in policy or government" in refused.content
    cases = {
        "There is no area called 'astrology'": {"area": "astrology"},
        "'someday' is not a date": {"deadline": "someday"},
        "has passed": {"deadline": "2020-01-01"},
        "1 to 200 characters": {"topic": "x" * 201},
        "'Atlantis' is not a country": {"country": "Atlantis"},
        "No member open to government enquiries matches": {"area": "data"},
    }
    for expected, options in cases.items():
        answer = await enquire(hub, official, **options)
        assert answer.ephemeral and expected in answer.content, (options, answer.content)
    assert hub.bot is not None
    assert await hub.bot.db.fetchval("SELECT COUNT(*) FROM expert_enquiries") == 0


async def test_a_card_that_cannot_be_delivered_does_not_stop_the_others(hub: Hub) -> None:
    """Without 'Create Private Threads' the closed-DMs fallback fails for Ben; Carla still
    gets her card, the enquirer gets an answer, and moderators are told the fix."""
    from sandbox.double.state import BOT_PERMISSIONS, CREATE_PRIVATE_THREADS

    official = await member(hub, "Olivia Grant", stage="policy", areas=())
    ben = await member(hub, "Ben Ortiz", open_to=GOV, areas=YOUTH, dms_open=False)
    carla = await member(hub, "Carla Ruiz", open_to=GOV, areas=YOUTH)
    less = BOT_PERMISSIONS & ~CREATE_PRIVATE_THREADS
    hub.double.set_bot_permissions(hub.guild_id, less, announce=False)

    sent = await enquire(hub, official)
    assert sent.ephemeral and "went privately to 2 members" in sent.content
    assert "1 of them could not be reached" in sent.content
    assert hub.double.dms_of(carla)[-1].embeds[0]["title"] == "Enquiry: Youth referral pathways"
    assert hub.messages("expert-requests") == []  # never the shared channel instead
    audit = audit_texts(hub)
    assert any("could not reach" in m and "Create Private Threads" in m for m in audit), audit
    assert hub.bot is not None
    rows = await hub.bot.db.fetchall(
        "SELECT user_id, delivered_by FROM expert_enquiry_recipients ORDER BY user_id", ()
    )
    assert {int(r["user_id"]): r["delivered_by"] for r in rows} == {ben: "failed", carla: "dm"}
