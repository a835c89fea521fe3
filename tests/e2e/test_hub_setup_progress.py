"""/hub setup shows its progress (areas done of the total) on the moderator's private reply
while it runs, at a pace Discord allows, and ends with the summary in the same message."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.harness import Hub

PROGRESS = re.compile(r"^Setting up the server: (\d+) of 10 areas done\. This message will update")


def original_edits(hub: Hub) -> list[str]:
    return [
        call.body["content"]
        for call in hub.double.calls
        if call.method == "PATCH" and call.path.endswith("/messages/@original")
    ]


# Eight requests a second (the bot's own pacing setting) makes set-up take seconds, as the
# many channel creations do on Discord.
@pytest.mark.hub_settings(event_reminder_rate=8.0)
async def test_a_long_setup_shows_areas_done_of_the_total_then_the_summary(hub: Hub) -> None:
    mod = await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])
    started = time.monotonic()
    first = await hub.double.run_command(hub.guild_id, mod.id, "hub setup", timeout=30)
    assert first.ephemeral and PROGRESS.match(first.content), first.content
    await hub.double.wait_for(
        lambda: first.content.startswith("Done: created"), 30, "the set-up summary"
    )
    elapsed = time.monotonic() - started
    edits = original_edits(hub)
    progress = [PROGRESS.match(text) for text in edits[:-1]]
    counts = [int(found.group(1)) for found in progress if found]
    assert len(counts) == len(edits) - 1 >= 1, edits
    assert counts == sorted(counts) and counts[-1] <= 10
    assert len(edits) - 1 <= 1 + elapsed / 3  # paced, not one edit per channel
    assert first.followups == []  # one message, updated in place


async def test_a_quick_setup_shows_only_its_summary(hub: Hub) -> None:
    mod = await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])
    done = await hub.double.run_command(hub.guild_id, mod.id, "hub setup", timeout=30)
    assert done.content.startswith("Done: created"), done.content
    assert original_edits(hub) == [done.content]
