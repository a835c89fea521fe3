"""/expert find through the double: filters, paging, why matched, and bad input."""

from __future__ import annotations

from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce


async def test_find_with_filters_and_paging(hub: Hub) -> None:
    for i in range(7):
        member = await hub.double.add_member(hub.guild_id, f"m{i}")
        await introduce(hub, member.id, name=f"Member {i}", country="DE" if i < 2 else "GB",
                        expertise="online radicalisation, Youth work")  # fmt: skip
    seeker = await hub.double.add_member(hub.guild_id, "seeker")
    first = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "radicalization"}
    )
    assert first.ephemeral
    embed = first.embeds[0]
    assert embed["footer"]["text"] == "Page 1 of 2 · 7 found"
    assert len(embed["fields"]) == 5
    value = embed["fields"][0]["value"]
    assert "matched: online radicalisation (expertise)" in value
    assert "local time" in value and "Areas: Youth radicalisation" in value
    second = await hub.double.click(hub.guild_id, seeker.id, first.message, "page:experts:1:1:next")
    assert second.embeds[0]["footer"]["text"] == "Page 2 of 2 · 7 found"
    assert len(second.embeds[0]["fields"]) == 2
    await hub.restart()
    back = await hub.double.click(hub.guild_id, seeker.id, second.message, "page:experts:1:0:prev")
    assert back.embeds[0]["footer"]["text"] == "Page 1 of 2 · 7 found"

    german = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "youth", "country": "DE"}
    )
    assert german.embeds[0]["footer"]["text"] == "Page 1 of 1 · 2 found"
    # a filter that leaves no one says so, and never suggests the words typed
    kenya = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "youth", "country": "KE"}
    )
    said = kenya.embeds[0]["description"]
    assert "No one matched with these filters; without them, 'youth' finds 7 members." in said
    assert "Try 'youth" not in said
    choices = await hub.double.autocomplete(
        hub.guild_id, seeker.id, "expert find", "query", {"query": "onl"}
    )
    assert [c["value"] for c in choices] == ["online radicalisation"]


async def test_index_follows_a_new_introduction_and_privacy(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id, expertise="drone incidents")
    seeker = await hub.double.add_member(hub.guild_id, "seeker")
    found = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "drones"}
    )
    assert found.embeds[0]["fields"][0]["name"] == "Amira Haddad"
    await hub.double.run_command(hub.guild_id, amira.id, "profile privacy", {"searchable": False})
    hidden = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "drones"}
    )
    assert hidden.embeds[0].get("fields", []) == []
    assert "No one matched." in hidden.embeds[0]["description"]


async def test_bad_searches_are_explained(hub: Hub) -> None:
    seeker = await hub.double.add_member(hub.guild_id, "seeker")
    empty = await hub.double.run_command(hub.guild_id, seeker.id, "expert find")
    assert empty.ephemeral and "Type what you are looking for" in empty.content
    long = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "x" * 201}
    )
    assert "keep it under 200" in long.content
    country = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "a", "country": "Atlantis"}
    )
    assert "'Atlantis' is not a country I know" in country.content
    area = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "a", "area": "nope"}
    )
    assert "There is no area called 'nope'" in area.content
    hostile = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": 'NEAR( "AND* 🙂'}
    )
    assert hostile.embeds and hostile.embeds[0]["description"] == (
        "No one matched. Fewer words, or fewer filters, may find someone."
    )
