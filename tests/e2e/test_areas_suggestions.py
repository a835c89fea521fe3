"""Area suggestions after an introduction: each names the member's own words that tie them
to that area, and words every area shares tie nothing."""

from __future__ import annotations

import asyncio

from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce

HEADING = "These areas match your keywords:"


async def suggested(hub: Hub, name: str, expertise: str, methods: str) -> list[str]:
    """Introduce a new member with no areas; the suggestion lines they are shown."""
    member = await hub.double.add_member(hub.guild_id, name)
    done = await introduce(hub, member.id, areas=(), expertise=expertise, methods=methods)
    suggestion = await done.wait_for_followup()
    assert suggestion.ephemeral
    heading, *lines = str(suggestion.content).splitlines()
    assert heading == HEADING
    return lines


async def test_two_areas_each_get_their_own_words(hub: Hub) -> None:
    lines = await suggested(
        hub,
        "amira",
        expertise="conspiracy narratives, prebunking, risk assessment tools, terrorism",
        methods="interviews, network analysis",
    )
    assert sorted(lines) == [
        "- **Disinformation**: matched conspiracy narratives, prebunking",
        "- **Threat and risk management**: matched risk assessment tools",
    ]


async def test_words_every_area_shares_are_not_a_reason(hub: Hub) -> None:
    lines = await suggested(
        hub,
        "jonas",
        expertise="terrorism, violent extremism, drones, prevention, targeted violence",
        methods="case studies",
    )
    assert lines == ["- **New and emerging technology**: matched drones"]


async def test_only_generic_words_suggest_nothing(hub: Hub) -> None:
    member = await hub.double.add_member(hub.guild_id, "li")
    done = await introduce(
        hub,
        member.id,
        areas=(),
        expertise="terrorism, violent extremism, prevention, targeted violence",
        methods="interviews, network analysis",
    )
    assert "Your introduction is posted." in done.content
    await asyncio.sleep(1.0)  # the suggestions would follow the confirmation at once
    assert [f.content for f in done.followups] == []


async def test_reasons_quote_the_words_as_typed(hub: Hub) -> None:
    lines = await suggested(
        hub,
        "maria",
        expertise="Online radicalization, Open-Source Datasets",
        methods="surveys",
    )
    assert sorted(lines) == [
        "- **Data**: matched Open-Source Datasets",
        "- **Youth radicalisation**: matched Online radicalization",
    ]


async def test_suggestions_follow_an_edited_area_text(hub: Hub) -> None:
    mod = await hub.double.add_member(hub.guild_id, "mod", roles=[hub.moderator_role_id])
    asked = await hub.double.run_command(
        hub.guild_id, mod.id, "areas-admin describe", {"area": "terminology"}
    )
    fields = [c["custom_id"] for row in asked.modal["components"] for c in row["components"]]  # type: ignore[index]
    saved = await hub.double.submit_modal(
        hub.guild_id,
        mod.id,
        asked.modal,
        {fields[0]: "Lexicography of extremist slang and coded language.", fields[1]: ""},
    )
    assert "Saved." in saved.content
    lines = await suggested(hub, "sam", expertise="lexicography, coded language", methods="")
    assert lines == ["- **Terminology**: matched coded language, lexicography"]
