"""Two moderators editing one announcement: the second save is refused, not silent.

Each edit form remembers the version it was opened on; the save is written only over that
version. Before, the last form to be submitted overwrote the first one's text and both
editors were told "updated"."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.announce_steps import BODY, TITLE, command, moderator, scheduled
from tests.e2e.harness import Hub

REFUSED = re.compile(
    r"^Not saved: announcement #1 was edited by <@(\d+)> after you opened this form "
    r"\(last change <t:\d+:R>\)\. Open /announce edit again to see the new text"
)


def stored(hub: Hub) -> tuple[str, str, int, int | None]:
    db = sqlite3.connect(hub.db_path)
    row = db.execute("SELECT title, body, version, updated_by FROM announcements").fetchone()
    db.close()
    return row[0], row[1], row[2], row[3]


def edits_audited(hub: Hub) -> list[int]:
    db = sqlite3.connect(hub.db_path)
    rows = db.execute(
        "SELECT actor_id FROM audit_log WHERE action = 'announce.edited' ORDER BY id"
    ).fetchall()
    db.close()
    return [int(r[0]) for r in rows]


async def save(hub: Hub, user_id: int, opened: Any, body: str, title: str = "") -> Any:
    return await hub.double.submit_modal(
        hub.guild_id, user_id, opened.modal, {TITLE: title, BODY: body}
    )


def assert_refused(answer: Any, first: int, typed: str) -> None:
    """Told privately who saved first and what to do; their text comes back in full."""
    assert answer.ephemeral, answer.content
    found = REFUSED.match(answer.content)
    assert found is not None, answer.content
    assert int(found[1]) == first
    assert answer.latest.allowed_mentions == {"parse": []}
    [attached] = answer.attachments
    assert attached["filename"] == "announcement-1-your-text.txt"
    assert typed[:20] in answer.content


async def test_the_second_of_two_open_forms_is_told_and_keeps_its_text(hub: Hub) -> None:
    ines = await moderator(hub, "ines")
    tomas = await moderator(hub, "tomas")
    await scheduled(hub, ines, "in 2 hours")
    opened_by_ines = await command(hub, ines, "edit", announcement="1")
    opened_by_tomas = await command(hub, tomas, "edit", announcement="1")
    hub.clock.advance(timedelta(minutes=2))
    first = await save(hub, ines, opened_by_ines, "The meeting moved to Friday.", "Moved")
    assert first.embeds[1]["title"] == "Announcement #1 updated"
    late = await save(hub, tomas, opened_by_tomas, "Thursday, *room 4* <@&1> @everyone")
    assert_refused(late, ines, "Thursday, \\*room 4\\*")
    assert "@everyone" not in late.content  # quoted defused, besides allowed_mentions none
    assert stored(hub) == ("Moved", "The meeting moved to Friday.", 2, ines)
    assert edits_audited(hub) == [ines]

    # Opening Edit again shows Ines's text, and Tomas's save then goes through.
    again = await command(hub, tomas, "edit", announcement="1")
    fields = {c["custom_id"]: c.get("value") for r in again.modal["components"]
              for c in r["components"]}  # fmt: skip
    assert fields[BODY] == "The meeting moved to Friday."
    saved = await save(hub, tomas, again, "Friday, room 4.", "Moved")
    assert saved.embeds[1]["title"] == "Announcement #1 updated"
    assert stored(hub) == ("Moved", "Friday, room 4.", 3, tomas)


async def test_two_forms_submitted_at_the_same_moment_save_once(hub: Hub) -> None:
    ines = await moderator(hub, "ines")
    tomas = await moderator(hub, "tomas")
    await scheduled(hub, ines, "in 2 hours")
    opened = [await command(hub, who, "edit", announcement="1") for who in (ines, tomas)]
    texts = ("Ines's text.", "Tomas's text.")
    answers = await asyncio.gather(
        save(hub, ines, opened[0], texts[0]), save(hub, tomas, opened[1], texts[1])
    )
    _, body, version, winner = stored(hub)
    assert version == 2 and winner in (ines, tomas)
    won, lost = (0, 1) if winner == ines else (1, 0)
    assert body == texts[won]
    assert answers[won].embeds[1]["title"] == "Announcement #1 updated"
    assert_refused(answers[lost], winner, texts[lost])
    assert edits_audited(hub) == [winner]


@pytest.mark.hub_settings(announce_require_approval=True)
async def test_a_refused_edit_asks_nobody_for_approval(hub: Hub) -> None:
    """Only the saved text goes to the approval card; the refused one posts no card."""
    ines = await moderator(hub, "ines")
    tomas = await moderator(hub, "tomas")
    await scheduled(hub, ines, "in 2 hours")
    opened = [await command(hub, who, "edit", announcement="1") for who in (ines, tomas)]
    await save(hub, ines, opened[0], "Saved first.")
    late = await save(hub, tomas, opened[1], "Saved second.")
    assert_refused(late, ines, "Saved second.")
    cards = [m for m in hub.messages("audit-log") if "needs approval" in m.content]
    assert [c.embeds[0]["description"] for c in cards] == ["Saved first."]
