"""Partner networks through the double, with two and three servers on one bot: linking and
unlinking by both sides' moderators, opting in, introductions and enquiries across servers,
an unlink mid-request, erasure across servers, and a hostile partner that gets nothing."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import OffsetClock
from bot.settings import Settings, load_settings
from sandbox.double import DiscordDouble
from tests.e2e.audit_steps import audit_texts
from tests.e2e.harness import CHANNELS, Hub, build_hub
from tests.e2e.intro_steps import introduce

TEXT = {"who": "Policy adviser, Home Office", "topic": "Youth referrals online", "by_when": "March"}
GOV = ("government-enquiries",)


@dataclass
class Federation(Hub):
    """One bot serving the hub and its partner servers (each with the usual channels and
    a Moderator role); ``side(i)`` is a Hub view of server i for the shared steps."""

    others: list[tuple[int, dict[str, int], int]] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return load_settings(
            discord_token=self.double.bot_token,
            database_path=self.db_path,
            guild_ids=[self.guild_id, *(g for g, _, _ in self.others)],
            discord_api_base=self.double.api_base,
            discord_gateway_url=self.double.gateway_url,
            guild_ready_timeout=0.05,
            **self.overrides,
        )

    def side(self, index: int) -> Hub:
        if index == 0:
            return self
        guild_id, channels, role = self.others[index - 1]
        return replace(self, guild_id=guild_id, channels=channels, moderator_role_id=role)


def add_server(double: DiscordDouble, name: str) -> tuple[int, dict[str, int], int]:
    guild = double.create_guild(name)
    role = double.create_role(guild.id, "Moderator", position=5, permissions=0)
    channels = {n: double.create_channel(guild.id, n).id for n in CHANNELS}
    return guild.id, channels, role.id


@pytest.fixture
async def fed(
    discord_double: DiscordDouble, tmp_path: Path, clock: OffsetClock
) -> AsyncIterator[Federation]:
    """The hub, "Youth Research Network" and "Practitioners Network", all served."""
    base = build_hub(discord_double, tmp_path / "hub.sqlite3", clock)
    others = [
        add_server(discord_double, n) for n in ("Youth Research Network", "Practitioners Network")
    ]
    harness = Federation(**{**base.__dict__, "others": others})
    await harness.start()
    yield harness
    await harness.stop()


async def moderator(hub: Hub, name: str) -> int:
    return (await hub.double.add_member(hub.guild_id, name, roles=[hub.moderator_role_id])).id


async def invite(hub: Hub, mod: int) -> str:
    made = await hub.double.run_command(hub.guild_id, mod, "partners invite")
    assert made.ephemeral, made.content
    found = re.search(r"`(hub-[0-9a-f]+)`", made.content)
    assert found is not None, made.content
    return found.group(1)


async def accept(hub: Hub, mod: int, code: str) -> Any:
    return await hub.double.run_command(hub.guild_id, mod, "partners accept", {"code": code})


async def link(fed: Federation, a: int, b: int) -> tuple[int, int]:
    """Moderators of servers a and b link them; returns the two moderators."""
    mod_a = await moderator(fed.side(a), f"moda{a}{b}")
    mod_b = await moderator(fed.side(b), f"modb{a}{b}")
    linked = await accept(fed.side(b), mod_b, await invite(fed.side(a), mod_a))
    assert linked.content.startswith("Linked with"), linked.content
    return mod_a, mod_b


async def expert(hub: Hub, name: str, *, partners: bool, dms_open: bool = True, **kw: Any) -> int:
    member = await hub.double.add_member(hub.guild_id, name.split()[0].lower(), dms_open=dms_open)
    await introduce(hub, member.id, name=name, expertise="online radicalisation", **kw)
    if partners:
        chosen = await hub.double.run_command(
            hub.guild_id, member.id, "profile privacy", {"partners": True}
        )
        assert "Members of linked partner networks can find you" in chosen.content
    return member.id


async def ask_across(hub: Hub, seeker: int, guild_id: int, expert_id: int) -> Any:
    """Click "Introduce me" under a partner network's result (the button expert search puts
    there), then fill the form."""
    shown = await hub.double.run_command(hub.guild_id, seeker, "expert find", {"query": "x"})
    custom_id = f"partners:ask:{guild_id}:{expert_id}"
    assert shown.message is not None
    shown.message.components = [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Introduce me", "custom_id": custom_id}]}]  # fmt: skip
    asked = await hub.double.click(hub.guild_id, seeker, shown.message, custom_id)
    if asked.modal is None:
        return asked
    ids = [c["custom_id"] for row in asked.modal["components"] for c in row["components"]]
    return await hub.double.submit_modal(
        hub.guild_id, seeker, asked.modal, dict(zip(ids, TEXT.values(), strict=True))
    )


async def test_link_needs_both_sides_moderators_and_either_can_end_it(fed: Federation) -> None:
    hub, youth, third = fed.side(0), fed.side(1), fed.side(2)
    mod_hub, mod_youth, mod_third = (
        await moderator(hub, "nadia"), await moderator(youth, "yusuf"),
        await moderator(third, "tara"),
    )  # fmt: skip
    member = (await youth.double.add_member(youth.guild_id, "plain")).id
    refused = await youth.double.run_command(youth.guild_id, member, "partners invite")
    assert "This command is for moderators" in refused.content
    code = await invite(hub, mod_hub)
    assert "made in this server" in (await accept(hub, mod_hub, code)).content
    unknown = await accept(youth, mod_youth, "hub-0000")
    assert unknown.ephemeral and "That code is not known" in unknown.content
    assert "This command is for moderators" in (await accept(youth, member, code)).content
    linked = await accept(youth, mod_youth, code)
    assert "Linked with **Research Hub**" in linked.content
    assert "already been used" in (await accept(third, mod_third, code)).content
    again = await accept(youth, mod_youth, await invite(hub, mod_hub))
    assert "already linked" in again.content
    old = await invite(hub, mod_hub)
    fed.clock.advance(timedelta(hours=49))
    assert "That code has expired" in (await accept(third, mod_third, old)).content
    with sqlite3.connect(fed.db_path) as db:  # only hashes are kept
        assert code not in str(db.execute("SELECT * FROM partner_invites").fetchall())

    for side, mod, other in (
        (hub, mod_hub, "Youth Research Network"),
        (youth, mod_youth, "Research Hub"),
    ):
        listed = await side.double.run_command(side.guild_id, mod, "partners list")
        assert listed.ephemeral and other in listed.content, listed.content
    listed = await third.double.run_command(third.guild_id, mod_third, "partners list")
    assert "not linked with any partner network" in listed.content
    await fed.double.settle()
    assert any("linked this server with the partner network Research Hub" in t
               for t in audit_texts(youth))  # fmt: skip
    assert any("A moderator of Youth Research Network redeemed this server's code" in t
               for t in audit_texts(hub))  # fmt: skip

    choices = await youth.double.autocomplete(
        youth.guild_id, mod_youth, "partners end", "partner", {"partner": "res"}
    )
    assert [c["name"] for c in choices] == ["Research Hub"]
    ended = await youth.double.run_command(
        youth.guild_id, mod_youth, "partners end", {"partner": choices[0]["value"]}
    )
    assert "The link with **Research Hub** has ended" in ended.content
    listed = await hub.double.run_command(hub.guild_id, mod_hub, "partners list")
    assert "not linked with any partner network" in listed.content
    bad = await hub.double.run_command(
        hub.guild_id, mod_hub, "partners end", {"partner": "Nowhere"}
    )
    assert bad.ephemeral and "'Nowhere' is not a partner network of this server" in bad.content
    await fed.double.settle()
    assert any("A moderator of Youth Research Network ended its link" in t
               for t in audit_texts(hub))  # fmt: skip


async def test_partner_visibility_is_opt_in_exported_and_erased(fed: Federation) -> None:
    hub = fed.side(0)
    amira = await expert(hub, "Amira Haddad", partners=False)
    with sqlite3.connect(fed.db_path) as db:
        [(flag,)] = db.execute("SELECT partner_visible FROM profiles WHERE user_id = ?", (amira,))
    assert flag == 0  # off until the member chooses
    chosen = await hub.double.run_command(
        hub.guild_id, amira, "profile privacy", {"partners": True}
    )
    assert "Members of linked partner networks can find you" in chosen.content
    assert fed.bot is not None
    exported = await fed.bot.personal_data.export(hub.guild_id, amira)
    assert exported["profiles"]["profile"]["partner_visible"] == 1
    off = await hub.double.run_command(hub.guild_id, amira, "profile privacy", {"partners": False})
    assert "Partner networks cannot find you" in off.content


async def test_introduction_across_servers_with_closed_dms_and_federation_limits(
    fed: Federation,
) -> None:
    hub, youth, third = fed.side(0), fed.side(1), fed.side(2)
    await link(fed, 0, 1)
    amira = await expert(youth, "Amira Haddad", partners=True, dms_open=False)
    ben = await expert(youth, "Ben Ortiz", partners=False)
    carla = await expert(third, "Carla Ruiz", partners=True)  # opted in, but not linked
    seeker = (await hub.double.add_member(hub.guild_id, "seeker")).id
    for guild_id, user_id in (
        (youth.guild_id, ben),
        (youth.guild_id, 999),
        (third.guild_id, carla),
    ):
        refused = await ask_across(hub, seeker, guild_id, user_id)
        assert refused.ephemeral and "cannot be asked from this server" in refused.content

    sent = await ask_across(hub, seeker, youth.guild_id, amira)
    assert "Your request was sent to Amira Haddad (their DMs are closed" in sent.content
    # The card waits in Amira's own private thread of her own server's requests channel.
    [own] = [t for t in fed.double.threads_in(youth.guild_id) if t.name.startswith("Requests: ")]
    assert amira in own.thread_members and seeker not in own.thread_members
    card = fed.double.messages_in(own.id)[-1]
    assert card.embeds[0]["title"] == "Introduction request from seeker (Research Hub)"
    assert fed.double.threads_in(hub.guild_id) == []
    again = await ask_across(hub, seeker, youth.guild_id, amira)
    assert "You already have a request waiting with Amira Haddad" in again.content

    accepted = await fed.double.click(youth.guild_id, amira, card, "experts:answer:1:accept")
    assert accepted.content == "Accepted. You are introduced to each other by direct message."
    told = fed.double.dms_of(seeker)[-1]
    assert told.content.startswith("**Amira Haddad** of Youth Research Network accepted")
    assert f"<@{amira}>" in told.content
    intro = fed.double.messages_in(own.id)[-1]
    assert "You are introduced to **seeker** of Research Hub" in intro.content
    assert "Youth referrals online" in intro.content
    await fed.double.settle()
    assert any("asked a member of the partner network Youth Research Network" in t
               for t in audit_texts(hub))  # fmt: skip
    asked = [t for t in audit_texts(youth) if "A member of a partner network asked" in t]
    assert asked and "Member told: in their private thread" in asked[0], asked
    assert any("answered an introduction request from a partner network" in t
               for t in audit_texts(youth))  # fmt: skip

    # The limits count across the federation: waiting requests here and there add up.
    local = await expert(hub, "Dana Levi", partners=False)
    more = [await expert(youth, f"{n} Smith", partners=True) for n in ("Eve", "Finn", "Gus")]
    found = await hub.double.run_command(hub.guild_id, seeker, "expert find", {"query": "Dana"})
    local_ask = await hub.double.click(hub.guild_id, seeker, found.message, f"experts:ask:{local}")
    assert local_ask.modal is not None
    ids = [c["custom_id"] for row in local_ask.modal["components"] for c in row["components"]]
    await hub.double.submit_modal(
        hub.guild_id, seeker, local_ask.modal, dict(zip(ids, TEXT.values(), strict=True))
    )
    for user_id in more[:2]:
        assert (
            "Your request was sent"
            in (await ask_across(hub, seeker, youth.guild_id, user_id)).content
        )
    limited = await ask_across(hub, seeker, youth.guild_id, more[2])
    assert "You have 3 requests waiting for an answer" in limited.content


async def test_unlinking_mid_request_expires_it_with_both_sides_told(fed: Federation) -> None:
    hub, youth = fed.side(0), fed.side(1)
    mod_hub, _ = await link(fed, 0, 1)
    amira = await expert(youth, "Amira Haddad", partners=True)
    seeker = (await hub.double.add_member(hub.guild_id, "seeker")).id
    await ask_across(hub, seeker, youth.guild_id, amira)
    card = fed.double.dms_of(amira)[-1]
    assert card.embeds[0]["title"] == "Introduction request from seeker (Research Hub)"
    ended = await hub.double.run_command(
        hub.guild_id, mod_hub, "partners end", {"partner": str(youth.guild_id)}
    )
    assert "1 introduction request waiting across it expired; both sides were told" in (
        ended.content
    )
    assert "the two networks are no longer linked" in fed.double.dms_of(seeker)[-1].content
    assert "the two networks are no longer linked" in fed.double.dms_of(amira)[-1].content
    late = await fed.double.click(None, amira, card, "experts:answer:1:accept")
    assert late.ephemeral and "This request expired" in late.content
    with sqlite3.connect(fed.db_path) as db:
        assert db.execute("SELECT status FROM expert_requests").fetchall() == [("expired",)]
    after = await ask_across(hub, seeker, youth.guild_id, amira)
    assert "cannot be asked from this server" in after.content


async def test_enquiry_to_partners_reaches_only_opted_in_members(fed: Federation) -> None:
    hub, youth = fed.side(0), fed.side(1)
    await link(fed, 0, 1)
    official = await expert(hub, "Olivia Grant", partners=False, stage="policy", areas=())
    local = await expert(hub, "Carla Ruiz", partners=False, open_to=GOV)
    amira = await expert(youth, "Amira Haddad", partners=True, open_to=GOV)
    ben = await expert(youth, "Ben Ortiz", partners=False, open_to=GOV)
    chosen = {"topic": "Youth referral pathways", "need": "briefing",
              "area": "youth-radicalisation",
              "deadline": (fed.clock.now() + timedelta(days=10)).date().isoformat(),
              "partners": True}  # fmt: skip
    opened = await hub.double.run_command(hub.guild_id, official, "expert enquiry", chosen)
    assert opened.modal is not None, opened.content
    sent = await hub.double.submit_modal(
        hub.guild_id, official, opened.modal, {"experts:enquiry:details": "A short briefing."}
    )
    assert "went privately to 2 members, 1 of them in partner networks," in sent.content
    assert fed.double.dms_of(ben) == [] and len(fed.double.dms_of(local)) == 1
    card = fed.double.dms_of(amira)[-1]
    sender = {f["name"]: f["value"] for f in card.embeds[0]["fields"]}["From"]
    assert sender == "Olivia Grant, University of Leeds, Research Hub"
    said = await fed.double.click(None, amira, card, "experts:enquiry:1:yes")
    assert "The enquirer has been told" in said.content and f"<@{official}>" in said.content
    told = fed.double.dms_of(official)[-1].content
    assert told.startswith("**Amira Haddad** (University of Leeds, United Kingdom, Youth Research")
    listing = await hub.double.run_command(hub.guild_id, official, "expert enquiries")
    assert "1 of 2 can help: **Amira Haddad**" in listing.content
    await fed.double.settle()
    assert any("sent an enquiry to partner networks too" in t for t in audit_texts(hub))
    assert any("An enquiry from the partner network Research Hub reached members here" in t
               for t in audit_texts(youth))  # fmt: skip

    # Amira erases her data in her own server: the message naming her in the official's
    # DMs, on the other side of the border, is taken back too.
    asked = await youth.double.run_command(youth.guild_id, amira, "profile delete")
    await youth.double.click(youth.guild_id, amira, asked.message, f"profiles:erase:{amira}")
    await fed.double.settle()
    assert all("Amira" not in m.content for m in fed.double.dms_of(official))


async def test_erasure_takes_back_the_introduction_on_the_other_side(fed: Federation) -> None:
    hub, youth = fed.side(0), fed.side(1)
    await link(fed, 0, 1)
    amira = await expert(youth, "Amira Haddad", partners=True)
    seeker = (await hub.double.add_member(hub.guild_id, "seeker")).id
    await introduce(hub, seeker, name="Sam Seeker", expertise="policy")
    await ask_across(hub, seeker, youth.guild_id, amira)
    card = fed.double.dms_of(amira)[-1]
    await fed.double.click(None, amira, card, "experts:answer:1:accept")
    assert "Amira Haddad" in fed.double.dms_of(seeker)[-1].content
    # The seeker erases in the hub: their card and introduction in Amira's DMs go.
    asked = await hub.double.run_command(hub.guild_id, seeker, "profile delete")
    await hub.double.click(hub.guild_id, seeker, asked.message, f"profiles:erase:{seeker}")
    await fed.double.settle()
    assert all("Sam Seeker" not in m.content and "Youth referrals" not in m.content
               for m in fed.double.dms_of(amira))  # fmt: skip
    assert all("Sam Seeker" not in str(m.embeds) for m in fed.double.dms_of(amira))
    # Amira erases in her server: the acceptance naming her, in the seeker's DMs, goes.
    asked = await youth.double.run_command(youth.guild_id, amira, "profile delete")
    await youth.double.click(youth.guild_id, amira, asked.message, f"profiles:erase:{amira}")
    await fed.double.settle()
    assert all("Amira" not in m.content for m in fed.double.dms_of(seeker))
    with sqlite3.connect(fed.db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM expert_requests").fetchone() == (0,)


async def test_a_hostile_partner_learns_nothing_about_members_who_did_not_opt_in(
    fed: Federation,
) -> None:
    hub, hostile = fed.side(0), fed.side(1)
    _, mod = await link(fed, 0, 1)
    amira = await expert(hub, "Amira Haddad", partners=False, open_to=GOV)
    seen: list[Any] = []

    async def run(name: str, options: dict[str, Any] | None = None) -> Any:
        result = await hostile.double.run_command(hostile.guild_id, mod, name, options)
        seen.append(result)
        return result

    await run("partners list")
    await run("expert find", {"query": "Haddad"})  # her family name; results echo the query
    await run("expert find", {"query": "online radicalisation"})
    await run("expert enquiries")
    await run("hub config show")
    await run("profile export")
    enquiry = await run("expert enquiry", {
        "topic": "Who works on youth?", "need": "briefing", "area": "youth-radicalisation",
        "deadline": (fed.clock.now() + timedelta(days=10)).date().isoformat(),
        "partners": True})  # fmt: skip
    assert "No member here or in a partner network" in enquiry.content
    for user_id in (amira, 999):
        asked = await ask_across(hostile, mod, hub.guild_id, user_id)
        seen.append(asked)
        assert "cannot be asked from this server" in asked.content
    shown = await hostile.double.run_command(hostile.guild_id, mod, "expert find", {"query": "x"})
    assert shown.message is not None  # a forged in-server button for her id: not found here
    shown.message.components = [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Ask", "custom_id": f"experts:ask:{amira}"}]}]  # fmt: skip
    forged = await hostile.double.click(
        hostile.guild_id, mod, shown.message, f"experts:ask:{amira}"
    )
    assert "no longer available" in forged.content
    # Both answers are the same: whether someone exists is not revealed either.
    assert seen[-1].content == seen[-2].content
    seen.append(forged)
    await fed.double.settle()
    everything = [str(r.message.payload()) if r.message else r.content for r in seen]
    everything += [str(m.payload()) for m in fed.double.dms_of(mod)]
    for channel in hostile.channels.values():
        everything += [str(m.payload()) for m in fed.double.messages_in(channel)]
    for thread in fed.double.threads_in(hostile.guild_id):
        everything += [str(m.payload()) for m in fed.double.messages_in(thread.id)]
    leaked = [t for t in everything if "Amira" in t or "Leeds" in t or str(amira) in t]
    assert leaked == [], leaked[0]
    assert fed.double.dms_of(amira) == []


async def test_an_unanswered_request_across_servers_expires_on_both_sides(
    fed: Federation,
) -> None:
    hub, youth = fed.side(0), fed.side(1)
    await link(fed, 0, 1)
    amira = await expert(youth, "Amira Haddad", partners=True)
    seeker = (await hub.double.add_member(hub.guild_id, "seeker")).id
    await ask_across(hub, seeker, youth.guild_id, amira)
    card = fed.double.dms_of(amira)[-1]
    fed.clock.advance(timedelta(days=14, minutes=1))
    await fed.double.wait_for(
        lambda: len(fed.double.dms_of(seeker)) == 1 and fed.double.dms_of(amira)[-1] is not card,
        what="the expiry notes to both",
    )
    assert "expired without an answer" in fed.double.dms_of(seeker)[-1].content
    assert "expired without an answer" in fed.double.dms_of(amira)[-1].content

    def audited() -> bool:  # the audit entries may follow the notes on a busy machine
        return all(any("An introduction request across networks" in t for t in audit_texts(s))
                   for s in (hub, youth))  # fmt: skip

    await fed.double.wait_for(audited, what="the expiry in both servers' audit logs")
