"""/expert find on the tantivy index, through the double: what a member searching sees."""

from __future__ import annotations

from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce


async def test_the_searcher_is_not_among_their_own_results(hub: Hub) -> None:
    seeker = await hub.double.add_member(hub.guild_id, "seeker")
    await introduce(hub, seeker.id, name="Sam Seeker", expertise="drone incidents")
    other = await hub.double.add_member(hub.guild_id, "other")
    await introduce(hub, other.id, name="Olga Other", expertise="drone policy")
    found = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "drones"}
    )
    embed = found.embeds[0]
    assert [f["name"] for f in embed["fields"]] == ["Olga Other"]
    assert embed["footer"]["text"] == "Page 1 of 1 · 1 found"


async def test_a_typo_of_a_word_introduced_after_start_is_corrected(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id, expertise="violent extremism, counselling", methods="Modelling")
    seeker = await hub.double.add_member(hub.guild_id, "seeker")
    found = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "extremsim"}
    )
    embed = found.embeds[0]
    assert embed["description"] == (
        "Showing results for 'extremism' instead of 'extremsim'.\n"
        "To search exactly what you typed, press “Search as typed”."
    )
    assert [f["name"] for f in embed["fields"]] == ["Amira Haddad"]
    assert found.message is not None
    as_typed = await hub.double.click(
        hub.guild_id, seeker.id, found.message, found.message.buttons()["Search as typed"]
    )
    embed = as_typed.embeds[0]
    assert embed["description"] == (
        "Searched exactly as typed, without spelling corrections.\n"
        "No one matched. Try 'violent extremism'. Fewer words, or fewer filters, may find someone."
    )
    assert embed.get("fields", []) == []
    american = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "counseling modeling"}
    )
    value = american.embeds[0]["fields"][0]["value"]
    assert "matched: counselling (expertise), Modelling (methods)" in value


async def test_a_quoted_phrase_must_match(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "amira")
    await introduce(hub, amira.id, name="Amira Haddad", expertise="hate speech")
    ben = await hub.double.add_member(hub.guild_id, "ben")
    await introduce(hub, ben.id, name="Ben Ortiz", expertise="speech acts, hate crime")
    seeker = await hub.double.add_member(hub.guild_id, "seeker")
    quoted = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": '"hate speech"'}
    )
    assert [f["name"] for f in quoted.embeds[0]["fields"]] == ["Amira Haddad"]
    await hub.restart()  # the index on disk answers after a restart
    loose = await hub.double.run_command(
        hub.guild_id, seeker.id, "expert find", {"query": "hate speech"}
    )
    assert [f["name"] for f in loose.embeds[0]["fields"]] == ["Amira Haddad", "Ben Ortiz"]
