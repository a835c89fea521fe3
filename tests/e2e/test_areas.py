"""Challenge areas end to end: set-up, joining, suggestions, members, digest, repairs."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.challenge_areas import load_areas
from sandbox.double.state import BOT_PERMISSIONS, MANAGE_CHANNELS
from tests.e2e.audit_steps import audit_text
from tests.e2e.event_steps import confirm, create
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce
from tests.e2e.servers_steps import sql, stored_time

ROOT = Path(__file__).resolve().parents[2]


async def moderator(hub: Hub) -> int:
    member = await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])
    return member.id


async def setup(hub: Hub, mod: int, **options: Any) -> Any:
    return await hub.double.run_command(hub.guild_id, mod, "hub setup", options)


def channel(hub: Hub, name: str) -> Any:
    return hub.double.channel_by_name(hub.guild_id, name)


def role_names(hub: Hub, user_id: int) -> set[str]:
    return {
        hub.double.guild_role(hub.guild_id, r).name
        for r in hub.double.member_roles(hub.guild_id, user_id)
    }


def resources(hub: Hub) -> int:
    with sqlite3.connect(hub.db_path) as db:
        return int(db.execute("SELECT COUNT(*) FROM guild_resources").fetchone()[0])


async def test_setup_from_empty_then_again_changes_nothing(hub: Hub) -> None:
    mod = await moderator(hub)
    dry = await setup(hub, mod, dry_run=True)
    assert dry.content.startswith("Dry run, nothing was changed.")
    assert "- create category 'Acute challenges'" in dry.content
    assert channel(hub, "disinformation") is None

    done = await setup(hub, mod)
    assert done.ephemeral
    assert "created 3 categories" in done.content and "created 11 roles" in done.content
    acute = channel(hub, "Acute challenges")
    disinformation = channel(hub, "disinformation")
    assert acute.type == 4 and disinformation.parent_id == acute.id
    assert disinformation.topic.startswith("False and misleading information")
    pinned = [m for m in hub.double.messages_in(disinformation.id) if m.pinned]
    assert len(pinned) == 1 and "About this area: Disinformation" in pinned[0].content
    assert hub.double.role_by_name(hub.guild_id, "Youth radicalisation") is not None
    introduced = hub.double.role_by_name(hub.guild_id, "Introduced")
    assert introduced is not None
    rules = {o["id"]: o for o in disinformation.permission_overwrites}
    assert rules[str(hub.guild_id)]["deny"] != "0" and rules[str(introduced.id)]["allow"] != "0"
    recorded = resources(hub)
    channels = len(hub.double.guild(hub.guild_id).channels)

    again = await setup(hub, mod)
    assert again.content == "Everything is already set up; nothing changed."
    assert len(hub.double.guild(hub.guild_id).channels) == channels
    assert resources(hub) == recorded
    dry = await setup(hub, mod, dry_run=True)
    assert "would change nothing" in dry.content


async def test_rename_in_config_renames_instead_of_creating(hub: Hub, tmp_path: Path) -> None:
    mod = await moderator(hub)
    await setup(hub, mod)
    before = channel(hub, "data")
    count = len(hub.double.guild(hub.guild_id).channels)
    text = (ROOT / "config" / "challenge_areas.toml").read_text()
    renamed = tmp_path / "areas.toml"
    renamed.write_text(text.replace('name = "Data"', 'name = "Data and methods"'))
    hub.overrides["challenge_areas_file"] = renamed
    await hub.restart()
    result = await setup(hub, mod)
    assert "renamed 1 channel" in result.content and "renamed 1 role" in result.content
    after = channel(hub, "data-and-methods")
    assert after is not None and after.id == before.id
    assert len(hub.double.guild(hub.guild_id).channels) == count
    assert hub.double.role_by_name(hub.guild_id, "Data and methods") is not None
    assert hub.double.role_by_name(hub.guild_id, "Data") is None


async def test_missing_permissions_are_listed_before_any_change(hub: Hub) -> None:
    mod = await moderator(hub)
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS & ~MANAGE_CHANNELS)
    hub.double.create_role(hub.guild_id, "Evaluation", position=99)
    await hub.double.settle()
    result = await setup(hub, mod)
    assert "nothing was changed" in result.content
    assert "I am missing the Manage Channels permission" in result.content
    assert "The role 'Evaluation' is above my own role" in result.content
    assert channel(hub, "disinformation") is None and resources(hub) == 0


async def test_permission_lost_mid_way_records_only_what_exists(hub: Hub) -> None:
    mod = await moderator(hub)
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS & ~MANAGE_CHANNELS, announce=False)
    result = await setup(hub, mod)
    assert "Stopped before I could create category" in result.content
    with sqlite3.connect(hub.db_path) as db:
        kinds = {k for (k,) in db.execute("SELECT DISTINCT kind FROM guild_resources")}
        recorded = db.execute("SELECT discord_id FROM guild_resources").fetchall()
    assert "category" not in kinds and "pin" not in kinds
    guild = hub.double.guild(hub.guild_id)
    assert all(i in guild.roles or i in guild.channels for (i,) in recorded)
    hub.double.set_bot_permissions(hub.guild_id, BOT_PERMISSIONS)
    await hub.double.settle()
    finished = await setup(hub, mod)
    assert (
        "created 3 categories" in finished.content
        and "role" not in finished.content.split("Done:")[1]
    )
    assert len([r for r in guild.roles.values() if r.name == "Data"]) == 1


async def test_join_and_leave_through_the_select(hub: Hub) -> None:
    mod = await moderator(hub)
    await setup(hub, mod)
    amira = await hub.double.add_member(hub.guild_id, "amira")
    no_profile = await hub.double.run_command(hub.guild_id, amira.id, "areas browse")
    assert "Introduce yourself first" in no_profile.embeds[0]["description"]
    await introduce(hub, amira.id, areas=("youth-radicalisation",))
    assert "Youth radicalisation" in role_names(hub, amira.id)
    browse = await hub.double.run_command(hub.guild_id, amira.id, "areas browse")
    acute = next(f for f in browse.embeds[0]["fields"] if f["name"].startswith("Acute"))
    assert "**Youth radicalisation** (joined), 1 member:" in acute["value"]
    chosen = await hub.double.select(
        hub.guild_id, amira.id, browse.message, "areas:choose", ["data", "evaluation"]
    )
    assert chosen.type == 6  # acknowledged at once; the message is then edited in place
    assert {"Data", "Evaluation"} <= role_names(hub, amira.id)
    assert "Youth radicalisation" not in role_names(hub, amira.id)
    with sqlite3.connect(hub.db_path) as db:
        slugs = {s for (s,) in db.execute("SELECT area_slug FROM profile_areas")}
    assert slugs == {"data", "evaluation"}
    card = hub.messages("introductions")[-1].embeds[0]
    assert {"name": "Challenge areas", "value": "Evaluation, Data", "inline": False} in card[
        "fields"
    ]


async def test_joining_many_areas_answers_in_time_when_discord_is_slow(hub: Hub) -> None:
    """Each role is its own request; under rate limits ten of them take seconds, so the
    select is acknowledged first and the roles follow."""
    mod = await moderator(hub)
    await setup(hub, mod)
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id, areas=("youth-radicalisation",))
    browse = await hub.double.run_command(hub.guild_id, amira.id, "areas browse")
    everything = [a.slug for a in load_areas().areas]
    hub.double.rate_limit_per_second, hub.double.interaction_deadline = 4, 1.0
    await asyncio.sleep(1.0)  # a fresh rate-limit window
    chosen = await hub.double.select(
        hub.guild_id, amira.id, browse.message, "areas:choose", everything, timeout=15
    )
    assert "(joined)" in str(chosen.embeds[0]["fields"]), chosen.content
    assert {a.name for a in load_areas().areas} <= role_names(hub, amira.id)


async def test_suggestions_after_an_introduction(hub: Hub) -> None:
    mod = await moderator(hub)
    await setup(hub, mod)
    amira = await hub.double.add_member(hub.guild_id, "amira")
    done = await introduce(
        hub, amira.id, areas=(), expertise="disinformation, conspiracy narratives, prebunking"
    )
    suggestion = await done.wait_for_followup()
    assert suggestion.ephemeral
    assert "**Disinformation**: matched" in suggestion.content
    joined = await hub.double.select(
        hub.guild_id, amira.id, suggestion, "areas:add", ["disinformation"]
    )
    assert "Joined: Disinformation." in joined.content
    assert "Disinformation" in role_names(hub, amira.id)


async def test_members_list_respects_visibility_and_pages(hub: Hub) -> None:
    mod = await moderator(hub)
    await setup(hub, mod)
    hidden = await hub.double.add_member(hub.guild_id, "hidden")
    private = await hub.double.add_member(hub.guild_id, "private")
    await introduce(hub, hidden.id, name="Hana Hidden", areas=("data",))
    await hub.double.run_command(hub.guild_id, hidden.id, "profile privacy", {"searchable": False})
    await introduce(hub, private.id, name="Pia Private", areas=("data",), visibility="moderators",
                    affiliation="Secret Institute")  # fmt: skip
    for i in range(10):
        member = await hub.double.add_member(hub.guild_id, f"m{i}")
        await introduce(hub, member.id, name=f"Member {i:02d}", areas=("data",))
    viewer = await hub.double.add_member(hub.guild_id, "viewer")
    first = await hub.double.run_command(hub.guild_id, viewer.id, "areas members", {"area": "data"})
    text = first.embeds[0]["description"]
    assert "Hana Hidden" not in text
    assert first.embeds[0]["footer"]["text"] == "Page 1 of 2"
    second = await hub.double.click(
        hub.guild_id, viewer.id, first.message, "page:areas:data:1:next"
    )
    page_two = second.embeds[0]["description"]
    assert "**Pia Private** · GB" in page_two and "Secret Institute" not in page_two
    as_mod = await hub.double.run_command(hub.guild_id, mod, "areas members", {"area": "data"})
    assert "Hana Hidden" in as_mod.embeds[0]["description"]
    unknown = await hub.double.run_command(
        hub.guild_id, viewer.id, "areas members", {"area": "nope"}
    )
    assert "There is no area called 'nope'" in unknown.content
    choices = await hub.double.autocomplete(
        hub.guild_id, viewer.id, "areas members", "area", {"area": "rad"}
    )
    assert [c["value"] for c in choices] == ["youth-radicalisation"]


async def test_describe_updates_the_pinned_message(hub: Hub) -> None:
    mod = await moderator(hub)
    await setup(hub, mod)
    asked = await hub.double.run_command(
        hub.guild_id, mod, "areas-admin describe", {"area": "terminology"}
    )
    fields = {c["custom_id"]: c for row in asked.modal["components"] for c in row["components"]}  # type: ignore[index]
    purpose_id, questions_id = list(fields)
    saved = await hub.double.submit_modal(
        hub.guild_id,
        mod,
        asked.modal,
        {purpose_id: "Words matter.", questions_id: "Which words?\nWhy?"},
    )
    assert "Saved." in saved.content
    room = channel(hub, "terminology")
    assert room.topic == "Words matter."
    pinned = next(m for m in hub.double.messages_in(room.id) if m.pinned)
    assert "Words matter." in pinned.content and "- Which words?" in pinned.content
    member = await hub.double.add_member(hub.guild_id, "amira")
    refused = await hub.double.run_command(
        hub.guild_id, member.id, "areas-admin describe", {"area": "data"}
    )
    assert "This command is for moderators" in refused.content
    again = await setup(hub, mod)
    assert again.content == "Everything is already set up; nothing changed."


async def test_deleted_channel_is_reported_and_repaired(hub: Hub) -> None:
    mod = await moderator(hub)
    await setup(hub, mod)
    gone = channel(hub, "evaluation")
    await hub.double.delete_channel_by_hand(gone.id)
    audit = audit_text(await hub.next_message("audit-log", "was deleted by hand"))
    assert "#evaluation" in audit and "Run /hub setup to recreate it." in audit
    repaired = await setup(hub, mod)
    assert "created 1 channel" in repaired.content and "pinned 1" in repaired.content
    new = channel(hub, "evaluation")
    assert new is not None and new.id != gone.id
    assert any(m.pinned for m in hub.double.messages_in(new.id))


@pytest.mark.hub_settings(digest_day="mon", digest_hour=9, server_timezone="Europe/London")
async def test_weekly_digest_and_no_duplicate_after_restart(hub: Hub) -> None:
    mod = await moderator(hub)
    await setup(hub, mod)
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id, areas=("disinformation",))
    room = channel(hub, "disinformation")
    thread = await hub.double.start_thread(room.id, amira.id, "Prebunking study")
    for _ in range(3):
        await hub.double.post_message(thread.id, amira.id, "a reply")
    with sqlite3.connect(hub.db_path) as db:
        due = db.execute(
            "SELECT due_at FROM scheduled_jobs WHERE kind = 'areas.digest' AND status = 'pending'"
        ).fetchone()[0]
    due_at = datetime.strptime(due, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert due_at.weekday() == 0 and due_at.astimezone().minute == 0
    coming = (due_at + timedelta(days=2)).strftime("%Y-%m-%d 15:00")
    later = (due_at + timedelta(days=9)).strftime("%Y-%m-%d 15:00")
    for when, title in ((coming, "Prebunking *workshop*"), (later, "Next month")):
        preview = await create(hub, mod, when=when, title=title, area="disinformation")
        await confirm(hub, mod, preview)
    hub.clock.set(due_at + timedelta(seconds=1))

    def digests() -> list[Any]:
        return [
            m
            for m in hub.double.messages_in(room.id)
            if m.embeds and "This week in" in m.embeds[0]["title"]
        ]

    await hub.double.wait_for(lambda: len(digests()) == 1, what="the digest")
    fields = {f["name"]: f["value"] for f in digests()[0].embeds[0]["fields"]}
    assert fields["New members"] == "Amira Haddad"
    assert fields["Most active threads"] == f"<#{thread.id}>: 3 messages"
    # Only the coming week's events, linked to their cards, the title's markdown escaped:
    [card] = [m for m in hub.double.messages_in(room.id) if "Prebunking" in str(m.embeds)][:1]
    assert fields["Upcoming events"].endswith(
        f": [Prebunking \\*workshop\\*](https://discord.com/channels/{hub.guild_id}/{room.id}/{card.id})"
    )
    assert "Next month" not in fields["Upcoming events"]
    other = channel(hub, "data")

    def quiet_digest() -> bool:
        return any(
            "No one new this week." in str(m.embeds) for m in hub.double.messages_in(other.id)
        )

    await hub.double.wait_for(quiet_digest, what="the digest of a quiet area")

    def finished() -> bool:
        with sqlite3.connect(hub.db_path) as db:
            rows = db.execute("SELECT status FROM scheduled_jobs WHERE kind = 'areas.digest'")
            return sorted(s for (s,) in rows) == ["done", "pending"]

    await hub.double.wait_for(finished, what="the digest job to finish and schedule the next")
    # As if the bot had crashed after sending but before marking the job done:
    with sqlite3.connect(hub.db_path) as db:
        db.execute("DELETE FROM scheduled_jobs WHERE kind = 'areas.digest' AND due_at > ?", (due,))
        db.execute(
            "UPDATE scheduled_jobs SET status = 'pending' "
            "WHERE kind = 'areas.digest' AND status = 'done'"
        )
    await hub.restart()
    await hub.double.settle()
    assert hub.bot is not None
    await hub.bot.scheduler.run_due()
    assert len(digests()) == 1
    with sqlite3.connect(hub.db_path) as db:
        pending = db.execute(
            "SELECT due_at FROM scheduled_jobs WHERE kind = 'areas.digest' AND status = 'pending'"
        ).fetchall()
    assert len(pending) == 1 and pending[0][0] > due


@pytest.mark.hub_settings(area_access="members")
async def test_members_only_access_and_missing_named_channels(hub: Hub) -> None:
    mod = await moderator(hub)
    await hub.double.delete_channel_by_hand(hub.channel("announcements"))
    result = await setup(hub, mod)
    assert "created 11 channels" in result.content
    assert channel(hub, "announcements") is not None
    data = channel(hub, "data")
    data_role = hub.double.role_by_name(hub.guild_id, "Data")
    assert data_role is not None
    rules = {o["id"]: o for o in data.permission_overwrites}
    assert str(data_role.id) in rules and rules[str(data_role.id)]["allow"] != "0"
    introduced = hub.double.role_by_name(hub.guild_id, "Introduced")
    assert introduced is not None and str(introduced.id) not in rules


async def test_changing_area_access_updates_existing_channels(hub: Hub) -> None:
    mod = await moderator(hub)
    await setup(hub, mod)
    hub.overrides["area_access"] = "members"
    await hub.restart()
    changed = await setup(hub, mod)
    assert "set access of 10 channels" in changed.content
    rules = {o["id"]: o for o in channel(hub, "data").permission_overwrites}
    data_role = hub.double.role_by_name(hub.guild_id, "Data")
    introduced = hub.double.role_by_name(hub.guild_id, "Introduced")
    assert data_role is not None and introduced is not None
    assert str(data_role.id) in rules and str(introduced.id) not in rules
    again = await setup(hub, mod)
    assert "nothing changed" in again.content


async def test_a_missed_digest_plans_the_next_one_while_the_bot_runs(hub: Hub) -> None:
    """The bot stalled past the grace period (a suspended machine): that week's digest is
    not sent late, but the next is planned at once, not only after a restart."""

    def pending() -> list[str]:
        return [due for status, due in digest_jobs(hub) if status == "pending"]

    await setup(hub, await moderator(hub))
    await hub.double.wait_for(lambda: len(pending()) == 1, what="the first digest planned")
    [first] = pending()
    hub.clock.set(stored_time(first) + timedelta(days=2))  # far past the grace period
    await hub.double.wait_for(lambda: pending() not in ([], [first]), what="the next digest")
    [following] = pending()
    assert following > first
    assert digest_jobs(hub) == [("missed", first), ("pending", following)]


@pytest.mark.hub_settings(job_max_attempts=1)
async def test_a_digest_that_fails_still_plans_the_next_one(hub: Hub) -> None:
    """Posting fails (the bot lost its permissions) on the only attempt allowed: that week's
    digest is given up, and the next week's is planned at once."""

    def digests() -> list[tuple[str, str]]:
        return digest_jobs(hub)

    await setup(hub, await moderator(hub))
    await introduce(hub, (await hub.double.add_member(hub.guild_id, "amira")).id)
    await hub.double.wait_for(lambda: len(digests()) == 1, what="the first digest planned")
    [(_, first)] = digests()
    hub.double.set_bot_permissions(hub.guild_id, 0)
    hub.double.guilds[hub.guild_id].roles[hub.guild_id].permissions = 0  # @everyone's too
    hub.clock.set(stored_time(first))
    await hub.double.wait_for(
        lambda: [s for s, _ in digests()] == ["failed", "pending"], what="the next digest"
    )
    assert digests()[1][1] > first


def digest_jobs(hub: Hub) -> list[tuple[str, str]]:
    """The weekly digest's scheduled jobs, oldest first: (status, when due as stored)."""
    rows = sql(hub.db_path, "SELECT status, due_at FROM scheduled_jobs "
               "WHERE kind = 'areas.digest' ORDER BY id")  # fmt: skip
    return [(str(status), str(due)) for status, due in rows]
