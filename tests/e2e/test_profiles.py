"""Introductions and profiles end to end: what members see, what is stored."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.audit_steps import audit_texts
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import choose, fill_text, introduce, press


def rows_mentioning(hub: Hub, user_id: int) -> dict[str, int]:
    """Every row in every table that holds the member's id anywhere."""
    db = sqlite3.connect(hub.db_path)
    found: dict[str, int] = {}
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for row in db.execute(f"SELECT * FROM {table}"):
            if any(v == user_id or (isinstance(v, str) and str(user_id) in v) for v in row):
                found[table] = found.get(table, 0) + 1
    db.close()
    return found


def field_values(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def role_names(hub: Hub, user_id: int) -> set[str]:
    roles = hub.double.member_roles(hub.guild_id, user_id)
    return {hub.double.guild_role(hub.guild_id, r).name for r in roles}


async def test_join_to_card_roles_and_rows(hub: Hub) -> None:
    member = await hub.double.add_member(hub.guild_id, "amira")
    welcome = await hub.next_message("welcome", f"<@{member.id}>")
    assert welcome.allowed_mentions["users"] == [str(member.id)] or welcome.allowed_mentions[
        "users"
    ] == [member.id]

    start = await hub.double.click(hub.guild_id, member.id, welcome, "profiles:introduce")
    screen = await fill_text(hub, member.id, start)
    assert screen.ephemeral
    assert "Step 2 of 3" in screen.content
    screen = await choose(hub, member.id, screen, "country", "GB")
    screen = await choose(hub, member.id, screen, "career_stage", "early-career")
    screen = await choose(hub, member.id, screen, "languages", "en")
    # The country's zone was suggested and is shown as chosen.
    assert screen.message is not None
    zone_select = screen.message.component("profiles:pick:timezone")
    assert zone_select is not None
    assert [o["value"] for o in zone_select["options"] if o.get("default")] == ["Europe/London"]
    screen = await press(hub, member.id, screen, "work")
    screen = await choose(hub, member.id, screen, "areas", "youth-radicalisation", "data")
    screen = await press(hub, member.id, screen, "preview")
    assert screen.embeds[0]["title"] == "Preview: Amira Haddad"
    done = await press(hub, member.id, screen, "confirm")
    assert "Your introduction is posted." in done.content

    card = hub.messages("introductions")[-1]
    assert card.embeds[0]["title"] == "Amira Haddad"
    assert card.allowed_mentions == {"parse": []}
    fields = field_values(card.embeds[0])
    assert fields["Expertise"] == "online radicalisation, Youth work"
    assert fields["Challenge areas"] == "Youth radicalisation, Data"
    assert {"Introduced", "Early-career researcher"} <= role_names(hub, member.id)

    db = sqlite3.connect(hub.db_path)
    assert db.execute("SELECT name, country, timezone FROM profiles").fetchall() == [
        ("Amira Haddad", "GB", "Europe/London")
    ]
    assert db.execute("SELECT COUNT(*) FROM profile_areas").fetchone() == (2,)
    db.close()


async def test_edit_updates_the_same_card(hub: Hub) -> None:
    member = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, member.id)
    first = hub.messages("introductions")
    start = await hub.double.run_command(hub.guild_id, member.id, "profile edit")
    assert start.modal is not None
    prefilled = {c["custom_id"]: c.get("value") for c in _inputs(start.modal)}
    assert prefilled["profiles:form:name"] == "Amira Haddad"
    screen = await fill_text(hub, member.id, start, name="Dr Amira Haddad")
    screen = await press(hub, member.id, screen, "work")
    screen = await press(hub, member.id, screen, "preview")
    done = await press(hub, member.id, screen, "confirm")
    assert "updated" in done.content
    cards = hub.messages("introductions")
    assert len(cards) == len(first) == 1
    assert cards[0].embeds[0]["title"] == "Dr Amira Haddad"


@pytest.mark.hub_settings(verification_channel="verification")
async def test_verification_approve_and_reject(hub: Hub) -> None:
    moderator = await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])
    amira = await hub.double.add_member(hub.guild_id, "amira")
    done = await introduce(hub, amira.id)
    assert "A moderator will review it" in done.content
    queued = hub.messages("verification")[-1]
    refused = await hub.double.click(
        hub.guild_id, amira.id, queued, f"profiles:verify:approve:{amira.id}"
    )
    assert "Only moderators" in refused.content
    approved = await hub.double.click(
        hub.guild_id, moderator.id, queued, f"profiles:verify:approve:{amira.id}"
    )
    assert f"Approved by <@{moderator.id}>" in approved.content
    assert "Verified" in role_names(hub, amira.id)
    assert hub.messages("introductions")[-1].embeds[0]["title"] == "Amira Haddad (verified)"

    ben = await hub.double.add_member(hub.guild_id, "ben", dms_open=False)
    await introduce(hub, ben.id, name="Ben Ortiz")
    queued = hub.messages("verification")[-1]
    asked = await hub.double.click(
        hub.guild_id, moderator.id, queued, f"profiles:verify:reject:{ben.id}"
    )
    assert asked.modal is not None
    reason_id = _inputs(asked.modal)[0]["custom_id"]
    rejected = await hub.double.submit_modal(
        hub.guild_id, moderator.id, asked.modal, {reason_id: "Please add your institution."}
    )
    assert "Rejected by" in rejected.content
    assert "DMs are closed" in rejected.content
    actions = [json.loads(json.dumps(a)) for a in _audit_actions(hub)]
    assert "profile.verified" in actions and "profile.rejected" in actions

    cara = await hub.double.add_member(hub.guild_id, "cara")
    await introduce(hub, cara.id, name="Cara Lind")
    queued = hub.messages("verification")[-1]
    asked = await hub.double.click(
        hub.guild_id, moderator.id, queued, f"profiles:verify:reject:{cara.id}"
    )
    await hub.double.submit_modal(
        hub.guild_id,
        moderator.id,
        asked.modal,
        {_inputs(asked.modal)[0]["custom_id"]: "Add a bio."},
    )
    assert "Their note: Add a bio." in hub.double.dms_of(cara.id)[-1].content


async def test_visibility_respected_for_another_viewer(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    other = await hub.double.add_member(hub.guild_id, "ben")
    moderator = await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])
    await introduce(hub, amira.id, visibility="moderators", open_to=("government-enquiries",))
    card = hub.messages("introductions")[-1].embeds[0]
    assert "University of Leeds" not in json.dumps(card)
    # Being open to government enquiries is as private as the affiliation:
    assert field_values(card)["Open to"] == "(shown only to moderators)"
    seen = await hub.double.run_command(
        hub.guild_id, other.id, "profile view", {"member": amira.id}
    )
    assert field_values(seen.embeds[0])["Affiliation"] == "(shown only to moderators)"
    seen = await hub.double.run_command(
        hub.guild_id, moderator.id, "profile view", {"member": amira.id}
    )
    assert field_values(seen.embeds[0])["Affiliation"] == "University of Leeds"
    assert field_values(seen.embeds[0])["Open to"] == "Enquiries from government"
    seen = await hub.double.run_command(hub.guild_id, amira.id, "profile view")
    assert field_values(seen.embeds[0])["Affiliation"] == "University of Leeds"


async def test_export_holds_every_field(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id)
    result = await hub.double.run_command(hub.guild_id, amira.id, "profile export")
    assert result.ephemeral
    data = json.loads(result.attachments[0]["data"])
    profile = data["profiles"]["profile"]
    stored = ("name", "affiliation", "expertise", "methods", "bio", "country", "career_stage",
              "languages", "timezone", "open_to", "visibility", "searchable")  # fmt: skip
    for key in (*stored, "confirmed_at"):
        assert key in profile, key
    assert profile["name"] == "Amira Haddad"
    assert data["profiles"]["areas"] == ["youth-radicalisation"]
    assert len(data["profiles"]["roles_given_by_bot"]) == 2
    assert {"audit_log", "scheduled_jobs", "profiles"} <= set(data)


async def test_delete_leaves_no_row_about_the_member(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id)
    assert rows_mentioning(hub, amira.id)
    asked = await hub.double.run_command(hub.guild_id, amira.id, "profile delete")
    done = await hub.double.click(
        hub.guild_id, amira.id, asked.message, f"profiles:erase:{amira.id}"
    )
    assert "deleted" in done.content
    assert rows_mentioning(hub, amira.id) == {}
    assert hub.messages("introductions") == []
    assert not {"Introduced", "Early-career researcher"} & role_names(hub, amira.id)
    assert "profile.deleted" in _audit_actions(hub)


def stored(hub: Hub, sql: str) -> Any:
    with sqlite3.connect(hub.db_path) as db:
        row = db.execute(sql).fetchone()
    return None if row is None else row[0]


async def test_leave_and_return_inside_retention(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id)
    await hub.double.remove_member(hub.guild_id, amira.id)
    await hub.double.wait_for(lambda: stored(hub, "SELECT status FROM profiles") == "left")
    purge = "SELECT status FROM scheduled_jobs WHERE kind = 'profiles.purge'"
    assert stored(hub, purge) == "pending"
    [card] = hub.messages("introductions")
    await hub.double.wait_for(lambda: card.embeds == [], what="the leaver's card hidden")
    assert card.content == "A member who has left the network. Their introduction is hidden."
    hub.clock.advance(timedelta(days=10))
    returned = await hub.double.add_member(hub.guild_id, "amira", user_id=amira.id)
    await hub.next_message("welcome", "Welcome back")
    await hub.double.wait_for(lambda: card.embeds != [], what="the card restored")
    assert card.content == f"Please welcome <@{amira.id}>."
    assert [m.id for m in hub.messages("introductions")] == [card.id]  # the same card
    assert stored(hub, "SELECT status FROM profiles") == "active"
    assert stored(hub, purge) == "cancelled"
    assert "Introduced" in role_names(hub, returned.id)
    hub.clock.advance(timedelta(days=40))
    assert hub.bot is not None
    assert await hub.bot.scheduler.run_due() == 0
    assert stored(hub, "SELECT COUNT(*) FROM profiles") == 1


async def test_member_gone_past_retention_is_deleted(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id)
    await hub.double.remove_member(hub.guild_id, amira.id)
    await hub.double.wait_for(lambda: stored(hub, "SELECT status FROM profiles") == "left")
    hub.clock.advance(timedelta(days=30, minutes=1))
    await hub.double.wait_for(lambda: rows_mentioning(hub, amira.id) == {}, what="the purge")
    await hub.double.wait_for(lambda: hub.messages("introductions") == [], what="the card to go")


async def test_role_above_the_bot_is_reported(hub: Hub) -> None:
    hub.double.create_role(hub.guild_id, "Introduced", position=99, permissions=0)
    await hub.double.settle()
    amira = await hub.double.add_member(hub.guild_id, "amira")
    done = await introduce(hub, amira.id)
    assert "could not give you the role 'Introduced'" in done.content
    assert "Early-career researcher" in role_names(hub, amira.id)
    audit = "\n".join(audit_texts(hub))
    assert f"The bot could not give **amira** (<@{amira.id}>) a role." in audit
    assert "drag the bot's own role above 'Introduced'" in audit


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "   "}, "Name is empty"),
        ({"bio": "   "}, "Short bio is empty"),
        ({"expertise": ",".join(f"k{i}" for i in range(11))}, "You gave 11 expertise keywords"),
        ({"name": "Amira <@1234567890>"}, "cannot contain mentions"),
        ({"name": "Amira www.example.org"}, "cannot contain links"),
    ],
)
async def test_bad_text_is_explained_and_kept(
    hub: Hub, changes: dict[str, str], message: str
) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    start = await hub.double.run_command(hub.guild_id, amira.id, "introduce")
    screen = await fill_text(hub, amira.id, start, **changes)
    assert screen.ephemeral
    assert message in screen.content
    again = await press(hub, amira.id, screen, "text")
    prefilled = {c["custom_id"]: c.get("value") for c in _inputs(again.modal)}
    key = next(iter(changes))
    assert prefilled[f"profiles:form:{key}"] == changes[key][:600]


async def test_form_declares_the_limits_discord_enforces(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    start = await hub.double.run_command(hub.guild_id, amira.id, "introduce")
    limits = {c["custom_id"]: c.get("max_length") for c in _inputs(start.modal)}
    assert limits == {
        "profiles:form:name": 80,
        "profiles:form:affiliation": 120,
        "profiles:form:expertise": 400,
        "profiles:form:methods": 300,
        "profiles:form:bio": 600,
    }
    with pytest.raises(AssertionError, match="would not let a member type 601 characters"):
        await fill_text(hub, amira.id, start, bio="x" * 601)


async def test_markdown_and_invisible_characters_are_made_safe(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id, name="**Amira**\u200b \u202eHaddad")
    card = hub.messages("introductions")[-1]
    assert card.embeds[0]["title"] == "\\*\\*Amira\\*\\* Haddad"


async def test_unknown_country_and_zone_are_explained(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    start = await hub.double.run_command(hub.guild_id, amira.id, "introduce")
    screen = await fill_text(hub, amira.id, start)
    asked = await choose(hub, amira.id, screen, "country", "__other__")
    answer = await hub.double.submit_modal(
        hub.guild_id, amira.id, asked.modal, {_inputs(asked.modal)[0]["custom_id"]: "Atlantis"}
    )
    assert "'Atlantis' is not a country I know" in answer.content
    asked = await choose(hub, amira.id, answer, "country", "__other__")
    answer = await hub.double.submit_modal(
        hub.guild_id, amira.id, asked.modal, {_inputs(asked.modal)[0]["custom_id"]: "deutschland"}
    )
    assert "Step 2 of 3" in answer.content  # a country's own name finds it (pycountry)
    asked = await choose(hub, amira.id, answer, "country", "__other__")
    answer = await hub.double.submit_modal(
        hub.guild_id, amira.id, asked.modal, {_inputs(asked.modal)[0]["custom_id"]: "Germany"}
    )
    assert "Step 2 of 3" in answer.content
    result = await hub.double.run_command(
        hub.guild_id, amira.id, "profile timezone", {"zone": "Mars/Base"}
    )
    assert "You have no profile yet" in result.content
    await introduce(hub, amira.id)
    result = await hub.double.run_command(
        hub.guild_id, amira.id, "profile timezone", {"zone": "Mars/Base"}
    )
    assert "'Mars/Base' is not a time zone name" in result.content
    result = await hub.double.run_command(
        hub.guild_id, amira.id, "profile timezone", {"zone": "America/Chicago"}
    )
    assert "Your time zone is now America/Chicago" in result.content
    choices = await hub.double.autocomplete(
        hub.guild_id, amira.id, "profile timezone", focused="zone", options={"zone": "chica"}
    )
    assert "America/Chicago" in [c["value"] for c in choices]


async def test_profile_view_without_a_profile(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    ben = await hub.double.add_member(hub.guild_id, "ben")
    mine = await hub.double.run_command(hub.guild_id, amira.id, "profile view")
    assert mine.ephemeral and "You have no profile yet. Use /introduce" in mine.content
    theirs = await hub.double.run_command(
        hub.guild_id, amira.id, "profile view", {"member": ben.id}
    )
    assert "ben has not introduced themself yet." in theirs.content


async def test_welcome_button_survives_a_restart(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    welcome = await hub.next_message("welcome", f"<@{amira.id}>")
    await hub.restart()
    start = await hub.double.click(hub.guild_id, amira.id, welcome, "profiles:introduce")
    assert start.modal is not None and start.modal["title"] == "Introduce yourself"


async def test_abandoned_form_reopens_with_what_was_typed(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    start = await hub.double.run_command(hub.guild_id, amira.id, "introduce")
    screen = await fill_text(hub, amira.id, start, bio="Half a thought")
    await choose(hub, amira.id, screen, "country", "DE")
    hub.clock.advance(timedelta(hours=25))
    again = await hub.double.run_command(hub.guild_id, amira.id, "introduce")
    prefilled = {c["custom_id"]: c.get("value") for c in _inputs(again.modal)}
    assert prefilled["profiles:form:bio"] == "Half a thought"
    screen = await fill_text(hub, amira.id, again, bio="Half a thought")
    country = screen.message.component("profiles:pick:country") if screen.message else None
    assert country is not None
    assert [o["value"] for o in country["options"] if o.get("default")] == ["DE"]


@pytest.mark.hub_settings(profile_nudge_after="180d")
async def test_old_profile_gets_a_gentle_nudge(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id)
    quiet = await hub.double.run_command(hub.guild_id, amira.id, "about")
    assert quiet.followups == []
    hub.clock.advance(timedelta(days=181))
    result = await hub.double.run_command(hub.guild_id, amira.id, "about")
    nudge = await result.wait_for_followup()
    assert nudge.ephemeral and "not been confirmed for a while" in nudge.content
    thanks = await hub.double.click(hub.guild_id, amira.id, nudge, "profiles:go:reconfirm")
    assert "marked as confirmed today" in thanks.content
    again = await hub.double.run_command(hub.guild_id, amira.id, "about")
    assert again.followups == []
    seen = await hub.double.run_command(hub.guild_id, amira.id, "profile view")
    footer = seen.embeds[0]["footer"]["text"]
    today = hub.clock.now()
    assert footer == f"Last confirmed {today.day} {today:%B} {today.year}"  # "6 December 2026"


def _inputs(modal: dict[str, Any] | None) -> list[dict[str, Any]]:
    assert modal is not None, "expected the bot to open a form"
    found = []
    for row in modal["components"]:
        for component in row.get("components", [row.get("component", {})]):
            if component.get("type") == 4:
                found.append(component)
    return found


def _audit_actions(hub: Hub) -> list[str]:
    db = sqlite3.connect(hub.db_path)
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]
    db.close()
    return actions


async def test_a_purge_due_while_the_bot_was_down_still_deletes(hub: Hub) -> None:
    """Deleting a leaver's data is never skipped for being late: a purge due during
    downtime runs once the server is back (it used to find no server at start-up and count
    as done), and one missed by more than the grace period still runs."""
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id)
    await hub.double.remove_member(hub.guild_id, amira.id)
    await hub.double.wait_for(lambda: stored(hub, "SELECT status FROM profiles") == "left")
    await hub.stop()
    hub.clock.advance(timedelta(days=30, minutes=5))  # due, within the grace period
    await hub.start()
    await hub.double.wait_for(
        lambda: rows_mentioning(hub, amira.id) == {}, timeout=90, what="the purge"
    )
    await hub.double.wait_for(lambda: hub.messages("introductions") == [], what="the card to go")


async def test_a_purge_missed_by_more_than_the_grace_period_still_deletes(hub: Hub) -> None:
    ben = await hub.double.add_member(hub.guild_id, "ben")
    await introduce(hub, ben.id)
    await hub.double.remove_member(hub.guild_id, ben.id)
    await hub.double.wait_for(lambda: stored(hub, "SELECT status FROM profiles") == "left")
    await hub.stop()
    hub.clock.advance(timedelta(days=31))  # far past the 6-hour grace period
    await hub.start()
    await hub.double.wait_for(lambda: rows_mentioning(hub, ben.id) == {}, what="the purge")
