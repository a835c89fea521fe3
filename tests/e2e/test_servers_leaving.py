"""The bot removed from a server: the server's data is kept for HUB_LEFT_SERVER_RETENTION in
case it is added back (then everything is as it was), and deleted after it, all of it,
audited, without touching the other server the same bot serves."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.clock import OffsetClock
from tests.e2e.announce_steps import local, moderator, posts, scheduled
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce
from tests.e2e.servers_steps import Servers, audit_actions, on_disk, rows_of, servers, sql

__all__ = ["servers"]  # the two-server fixture, from servers_steps

WORD = "zephyrquaxlor"  # in the partner member's expertise: found only where it is kept


async def find(hub: Hub, user_id: int, query: str) -> str:
    """What /expert find shows a member, as text."""
    result = await hub.double.run_command(hub.guild_id, user_id, "expert find", {"query": query})
    return str(result.content) + str(result.embeds)


async def vocabulary(servers: Servers, prefix: str) -> list[Any]:
    """The words the search index on disk holds from ``prefix`` on."""
    assert servers.bot is not None
    engine = servers.bot.get_cog("ExpertsCog").service.engine  # type: ignore[union-attr]
    return list(await engine.run(lambda index: index.vocabulary(prefix)))


async def two_members(servers: Servers) -> tuple[int, int, int]:
    """A member with a profile in each server, and a searcher in the partner server."""
    partner = servers.other()
    amira = await servers.double.add_member(servers.guild_id, "amira")
    await introduce(servers, amira.id, name="Amira Haddad")
    quillon = await servers.double.add_member(partner.guild_id, "quillon")
    await introduce(partner, quillon.id, name="Quillon Varnebright",
                    affiliation="Institute Zephyrqua", expertise=f"{WORD} ledgers")  # fmt: skip
    seeker = await servers.double.add_member(partner.guild_id, "seeker")
    return amira.id, quillon.id, seeker.id


def pending_digests(db_path: Path, guild_id: int) -> int:
    found = sql(db_path, "SELECT COUNT(*) FROM scheduled_jobs WHERE guild_id = ? "
                "AND kind = 'areas.digest' AND status = 'pending'", guild_id)  # fmt: skip
    return int(found[0][0])


def purge_done(db_path: Path) -> bool:
    """The deletion job finished (its rows are deleted a moment before, at its commit)."""
    found = sql(db_path, "SELECT status FROM scheduled_jobs WHERE kind = 'hub.server_purge'")
    return found == [("done",)]


async def link(hub: Hub, partner: Hub) -> None:
    """The two servers' moderators link them as partner networks."""
    mod = await hub.double.add_member(hub.guild_id, "hub-mod", roles=[hub.moderator_role_id])
    made = await hub.double.run_command(hub.guild_id, mod.id, "partners invite")
    code = re.search(r"`(hub-[0-9a-f]+)`", made.content)
    assert code is not None, made.content
    other = await partner.double.add_member(
        partner.guild_id, "partner-mod", roles=[partner.moderator_role_id]
    )
    linked = await partner.double.run_command(
        partner.guild_id, other.id, "partners accept", {"code": code.group(1)}
    )
    assert linked.content.startswith("Linked with"), linked.content


async def test_the_data_is_kept_through_a_restart_then_deleted_all_of_it(
    servers: Servers, clock: OffsetClock
) -> None:
    partner = servers.other()
    amira, _quillon, seeker = await two_members(servers)
    assert "Quillon Varnebright" in await find(partner, seeker, WORD)
    assert await vocabulary(servers, WORD) == [(WORD, 1)]  # the test can fail: it was written
    assert rows_of(servers.db_path, partner.guild_id).get("profiles") == 1
    await link(servers, partner)
    assert rows_of(servers.db_path, partner.guild_id).get("partner_links") == 1

    await servers.double.gateway.bot_removed(partner.guild_id)
    await servers.double.wait_for(
        lambda: "hub.server_left" in audit_actions(servers.db_path, partner.guild_id),
        5, "the removal to be recorded",
    )  # fmt: skip
    clock.advance(timedelta(days=29))
    await servers.restart()  # the pending deletion is a row: a restart keeps it
    assert rows_of(servers.db_path, partner.guild_id).get("profiles") == 1

    clock.advance(timedelta(days=1, minutes=1))
    await servers.double.wait_for(
        lambda: purge_done(servers.db_path), 10, "the server's data to be deleted"
    )
    assert "hub.server_deleted" in audit_actions(servers.db_path, partner.guild_id)
    # Nothing of the server is left but the record that it was deleted (and its job, done).
    assert rows_of(servers.db_path, partner.guild_id) == {"audit_log": 1, "scheduled_jobs": 1}
    for words in (b"Quillon Varnebright", b"Institute Zephyrqua", WORD.encode()):
        assert words not in on_disk(servers.db_path)

    async def gone_from_index() -> bool:
        return await vocabulary(servers, WORD) == []

    for _ in range(100):
        if await gone_from_index():
            break
        await servers.double.settle(0.05)
    assert await gone_from_index()
    # The hub itself is untouched: its member is still found there.
    first = servers.double.guilds[servers.guild_id]
    searcher = await servers.double.add_member(first.id, "hub-seeker")
    assert "Amira Haddad" in await find(servers, searcher.id, "radicalisation")
    assert rows_of(servers.db_path, servers.guild_id).get("profiles") == 1
    assert amira


async def test_added_back_in_time_everything_is_as_it_was(
    servers: Servers, clock: OffsetClock
) -> None:
    partner = servers.other()
    _amira, _quillon, seeker = await two_members(servers)
    before = rows_of(servers.db_path, partner.guild_id)

    await servers.double.gateway.bot_removed(partner.guild_id)
    await servers.double.wait_for(
        lambda: "hub.server_left" in audit_actions(servers.db_path, partner.guild_id),
        5, "the removal to be recorded",
    )  # fmt: skip
    clock.advance(timedelta(days=20))
    await servers.double.wait_for(
        lambda: pending_digests(servers.db_path, partner.guild_id) == 0,
        5, "the digest due while the bot was away to be handled",
    )  # fmt: skip
    await servers.double.gateway.bot_added(partner.guild_id)
    said = await partner.next_message("audit-log", "added back to this server in time")
    assert "nothing was deleted" in said.content
    # Its weekly digest, which fell due while the bot was away, is scheduled again.
    assert pending_digests(servers.db_path, partner.guild_id) == 1

    clock.advance(timedelta(days=30))
    await servers.double.settle(0.2)
    assert "hub.server_deleted" not in audit_actions(servers.db_path, partner.guild_id)
    after = rows_of(servers.db_path, partner.guild_id)
    assert after["profiles"] == before["profiles"] == 1
    # Its commands are back, and its members are found as before.
    assert "Quillon Varnebright" in await find(partner, seeker, WORD)


async def test_removed_while_the_bot_was_offline_counts_from_the_next_start(
    servers: Servers, clock: OffsetClock
) -> None:
    """Discord sends no guild remove to a bot that is not connected: the next READY simply
    lacks the server. Its data is then kept for the retention from that start."""
    partner = servers.other()
    await two_members(servers)
    await servers.stop()
    await servers.double.gateway.bot_removed(partner.guild_id)
    await servers.start()
    await servers.double.wait_for(
        lambda: "hub.server_left" in audit_actions(servers.db_path, partner.guild_id),
        5, "the removal to be noticed at start-up",
    )  # fmt: skip
    await servers.restart()  # noticed once: a second start keeps the first date
    assert audit_actions(servers.db_path, partner.guild_id).count("hub.server_left") == 1
    assert "hub.server_left" not in audit_actions(servers.db_path, servers.guild_id)
    clock.advance(timedelta(days=30, minutes=1))
    await servers.double.wait_for(
        lambda: purge_done(servers.db_path), 10, "the server's data to be deleted"
    )
    assert rows_of(servers.db_path, partner.guild_id) == {"audit_log": 1, "scheduled_jobs": 1}
    assert rows_of(servers.db_path, servers.guild_id).get("profiles") == 1


async def test_work_due_while_away_is_reported_on_return_and_later_work_runs(
    servers: Servers, clock: OffsetClock
) -> None:
    """The partner's announcements are held while the bot is away, not run for a server it is
    not in: on its return the one that fell due a day ago is reported as missed (the grace
    period is 6 hours), and the one still to come is posted when it falls due."""
    partner = servers.other()
    mod = await moderator(partner, "Pat Mod")
    for title, ahead in (("Soon", timedelta(hours=2)), ("Later", timedelta(days=3))):
        done = await scheduled(partner, mod, local(clock.now() + ahead), title=title)
        assert done.content.startswith("Scheduled"), done.content

    def runs() -> list[str]:
        rows = sql(servers.db_path, "SELECT status FROM scheduled_jobs WHERE guild_id = ? "
                   "AND kind = 'announcements.run' ORDER BY due_at", partner.guild_id)  # fmt: skip
        return [str(row[0]) for row in rows]

    await servers.double.gateway.bot_removed(partner.guild_id)
    await servers.double.wait_for(lambda: runs() == ["held", "held"], 5, "the work held")
    clock.advance(timedelta(days=1))
    await servers.double.settle(0.3)
    assert runs() == ["held", "held"] and posts(partner) == []

    await servers.double.gateway.bot_added(partner.guild_id)
    await servers.double.wait_for(lambda: runs()[0] == "missed", 5, "the missed run reported")

    def told() -> list[str]:
        shown = (m.content + json.dumps(m.embeds) for m in partner.messages("audit-log"))
        return [text for text in shown if "(an announcement) was missed" in text]

    await servers.double.wait_for(lambda: len(told()) == 1, 5, "the moderators told")
    assert "overdue by 22h" in told()[0]
    assert runs()[1] == "pending" and posts(partner) == []
    clock.advance(timedelta(days=2, hours=1))
    await servers.double.wait_for(lambda: len(posts(partner)) == 1, 5, "the later post")
    assert "Later" in json.dumps(posts(partner)[0].embeds) + posts(partner)[0].content
