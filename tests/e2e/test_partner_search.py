"""/expert find scope:partners through the double, with three servers on one bot: linked
networks' members who chose to be found, each naming their network, and no one else."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_partners import Federation, expert, fed, link

__all__ = ["fed"]  # the three-server fixture, shared with test_partners.py

PARTNERS = {"query": "online radicalisation", "scope": "partners"}


def shown(result: Any) -> list[str]:
    return [f["name"] for f in result.embeds[0].get("fields", [])]


async def test_partners_scope_finds_only_opted_in_members_of_linked_networks(
    fed: Federation,
) -> None:
    hub, youth, practitioners = fed.side(0), fed.side(1), fed.side(2)
    await link(fed, 0, 1)  # the Practitioners Network is not linked with the hub
    amira = await expert(hub, "Amira Haddad", partners=False)
    yara = await expert(youth, "Yara Nasser", partners=True)
    await expert(youth, "Noor Said", partners=False)
    await expert(practitioners, "Zed Park", partners=True)
    seeker = (await fed.double.add_member(hub.guild_id, "seeker")).id

    local = await fed.double.run_command(
        hub.guild_id, seeker, "expert find", {"query": "online radicalisation"}
    )
    assert shown(local) == ["Amira Haddad"]
    wide = await fed.double.run_command(hub.guild_id, seeker, "expert find", PARTNERS)
    assert sorted(shown(wide)) == ["Amira Haddad", "Yara Nasser"]
    fields = {f["name"]: f["value"] for f in wide.embeds[0]["fields"]}
    assert "Network: Youth Research Network" in fields["Yara Nasser"]
    assert "Network:" not in fields["Amira Haddad"]
    assert wide.embeds[0]["footer"]["text"] == "Page 1 of 1 · 2 found"
    assert wide.message is not None
    ids = wide.message.buttons()
    assert ids["Introduce me: Yara Nasser"] == f"partners:ask:{youth.guild_id}:{yara}"
    assert ids["Introduce me: Amira Haddad"] == f"experts:ask:{amira}"
    asked = await fed.double.click(
        hub.guild_id, seeker, wide.message, ids["Introduce me: Yara Nasser"]
    )
    assert asked.modal is not None  # the partners' consent flow starts with the same form

    # Yara stops letting partners find her: gone from the hub's search at once.
    await fed.double.run_command(youth.guild_id, yara, "profile privacy", {"partners": False})
    again = await fed.double.run_command(hub.guild_id, seeker, "expert find", PARTNERS)
    assert shown(again) == ["Amira Haddad"]


async def test_partners_scope_without_a_link_says_so(fed: Federation) -> None:
    hub, youth = fed.side(0), fed.side(1)
    await expert(youth, "Yara Nasser", partners=True)
    seeker = (await fed.double.add_member(hub.guild_id, "seeker")).id
    answer = await fed.double.run_command(hub.guild_id, seeker, "expert find", PARTNERS)
    assert answer.ephemeral
    assert answer.content.startswith("No partner network is linked with this server at the moment")
    assert "Yara" not in str(answer.message.payload() if answer.message else answer.content)


async def test_a_partner_searching_the_hub_sees_the_hubs_opted_in_members_only(
    fed: Federation,
) -> None:
    hub, youth = fed.side(0), fed.side(1)
    await link(fed, 0, 1)
    await expert(hub, "Amira Haddad", partners=False)
    await expert(hub, "Ben Ortiz", partners=True)
    visitor = (await fed.double.add_member(youth.guild_id, "visitor")).id
    wide = await fed.double.run_command(youth.guild_id, visitor, "expert find", PARTNERS)
    assert shown(wide) == ["Ben Ortiz"]
    page = await fed.double.run_command(
        youth.guild_id, visitor, "expert find", {**PARTNERS, "query": "Amira Haddad"}
    )
    assert shown(page) == []


async def test_a_partner_that_removed_the_bot_is_no_longer_searched(fed: Federation) -> None:
    """Its data waits out the retention period in case the bot comes back, unsearched."""
    hub, youth = fed.side(0), fed.side(1)
    await link(fed, 0, 1)
    await expert(youth, "Yara Nasser", partners=True)
    seeker = (await fed.double.add_member(hub.guild_id, "seeker")).id
    before = await fed.double.run_command(hub.guild_id, seeker, "expert find", PARTNERS)
    assert shown(before) == ["Yara Nasser"]
    await fed.double.gateway.bot_removed(youth.guild_id)
    after = await fed.double.run_command(hub.guild_id, seeker, "expert find", PARTNERS)
    assert after.content.startswith("No partner network is linked with this server at the moment")
    await fed.double.gateway.bot_added(youth.guild_id)
    back = await fed.double.run_command(hub.guild_id, seeker, "expert find", PARTNERS)
    assert shown(back) == ["Yara Nasser"]


async def test_a_typo_is_corrected_to_a_word_only_a_partner_uses(fed: Federation) -> None:
    hub, youth = fed.side(0), fed.side(1)
    await link(fed, 0, 1)
    await expert(youth, "Yara Nasser", partners=True, methods="Xenophobia surveys")
    seeker = (await fed.double.add_member(hub.guild_id, "seeker")).id
    typo = {"query": "xenophobai surveys"}
    wide = await fed.double.run_command(
        hub.guild_id, seeker, "expert find", {**typo, "scope": "partners"}
    )
    assert wide.embeds[0]["description"].startswith(
        "Showing results for 'xenophobia' instead of 'xenophobai'."
    )
    assert shown(wide) == ["Yara Nasser"]
    local = await fed.double.run_command(hub.guild_id, seeker, "expert find", typo)
    assert shown(local) == []  # nobody here uses the word: nothing to correct it to
    assert "Showing results for" not in (local.embeds[0].get("description") or "")
