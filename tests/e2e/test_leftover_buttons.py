"""A button or form the running bot no longer knows (left by an older version, or on a
message from before a restart) is answered in words, privately, instead of failing."""

from __future__ import annotations

from typing import Any

from tests.e2e.event_steps import created, member, moderator
from tests.e2e.harness import Hub


def rename_button(card: Any, old: str, new: str) -> None:
    """What Discord keeps for a message an older version of the bot posted."""
    for row in card.components:
        for component in row.get("components", []):
            if component.get("custom_id") == old:
                component["custom_id"] = new


async def test_a_button_from_an_older_version_says_it_is_out_of_date(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod)
    going = next(c for c in card.custom_ids() if c.endswith(":going"))
    rename_button(card, going, "events:attend:1")  # a custom id this version never reads
    amira = await member(hub, "amira")
    result = await hub.double.click(hub.guild_id, amira, card, "events:attend:1")
    assert result.ephemeral
    assert result.content.startswith("This button is out of date")
    assert "Run the command again (/help lists them)" in result.content
    assert "events:attend" not in result.content and "component" not in result.content


async def test_a_current_button_is_not_called_out_of_date(hub: Hub) -> None:
    mod = await moderator(hub)
    card = await created(hub, mod)
    amira = await member(hub, "amira")
    going = next(c for c in card.custom_ids() if c.endswith(":going"))
    result = await hub.double.click(hub.guild_id, amira, card, going)
    answers = [result.content, *(f.content for f in result.followups)]
    assert not any("out of date" in (text or "") for text in answers), answers
