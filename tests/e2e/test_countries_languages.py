"""Countries and languages as members meet them: names from maintained sources (pycountry,
langcodes), search by code and everyday names, any language chosen and stored as a code,
and mentoring's shared-language rule comparing those codes."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from tests.e2e.harness import Hub
from tests.e2e.intro_steps import choose, fill_text, introduce, press
from tests.e2e.mentor_steps import offer, person, request


def _fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def _stored_languages(hub: Hub, user_id: int) -> list[str]:
    db = sqlite3.connect(hub.db_path)
    try:
        row = db.execute("SELECT languages FROM profiles WHERE user_id = ?", (user_id,)).fetchone()
    finally:
        db.close()
    return list(json.loads(row[0]))


def _language_options(screen: Any) -> list[dict[str, Any]]:
    assert screen.message is not None
    select = screen.message.component("profiles:pick:languages")
    assert select is not None
    return list(select["options"])


def _typed_input(modal: dict[str, Any] | None) -> str:
    """The custom id of the form's one text input."""
    assert modal is not None, "expected the bot to open a form"
    row = modal["components"][0]
    component = (row.get("components") or [row.get("component", {})])[0]
    return str(component["custom_id"])


async def test_cards_say_united_kingdom_and_search_finds_uk_usa_deutschland(hub: Hub) -> None:
    for handle, name, country in (("amira", "Amira Haddad", "GB"), ("sam", "Sam Carter", "US"),
                                  ("lena", "Lena Vogel", "DE")):  # fmt: skip
        member = await hub.double.add_member(hub.guild_id, handle)
        await introduce(hub, member.id, name=name, country=country)
    cards = {m.embeds[0]["title"]: _fields(m.embeds[0]) for m in hub.messages("introductions")}
    assert cards["Amira Haddad"]["Country"] == "United Kingdom"
    assert cards["Sam Carter"]["Country"] == "United States"
    assert "Britain" not in json.dumps(cards)

    seeker = await hub.double.add_member(hub.guild_id, "seeker")
    for typed, found, shown in (("UK", "Amira Haddad", "United Kingdom"),
                                ("USA", "Sam Carter", "United States"),
                                ("Deutschland", "Lena Vogel", "Germany")):  # fmt: skip
        result = await hub.double.run_command(
            hub.guild_id, seeker.id, "expert find", {"query": "youth", "country": typed}
        )
        fields = result.embeds[0]["fields"]
        assert [f["name"] for f in fields] == [found], typed
        assert f"{shown} · local time" in fields[0]["value"]
    offered = await hub.double.autocomplete(
        hub.guild_id, seeker.id, "expert find", "country", {"country": "uk"}
    )
    assert offered[0] == {"name": "United Kingdom", "value": "GB"}


async def test_any_language_can_be_chosen_and_is_stored_as_a_code(hub: Hub) -> None:
    member = await hub.double.add_member(hub.guild_id, "dana")
    start = await hub.double.run_command(hub.guild_id, member.id, "introduce")
    screen = await fill_text(hub, member.id, start, name="Dana Levi")
    labels = [o["label"] for o in _language_options(screen)]
    assert {"Hebrew", "Czech", "Other language (type it)"} <= set(labels)

    asked = await choose(hub, member.id, screen, "languages", "en", "__other__")
    wrong = await hub.double.submit_modal(
        hub.guild_id, member.id, asked.modal, {_typed_input(asked.modal): "Elvish"}
    )
    assert wrong.ephemeral and "'Elvish' is not a language I know" in wrong.content
    asked = await choose(hub, member.id, wrong, "languages", "en", "__other__")
    screen = await hub.double.submit_modal(
        hub.guild_id, member.id, asked.modal, {_typed_input(asked.modal): "Hebrew, Amharic"}
    )
    chosen = [o["label"] for o in _language_options(screen) if o.get("default")]
    assert chosen == ["Amharic", "English", "Hebrew"]

    screen = await choose(hub, member.id, screen, "country", "IL")
    screen = await choose(hub, member.id, screen, "career_stage", "senior")
    screen = await press(hub, member.id, screen, "work")
    screen = await choose(hub, member.id, screen, "areas", "data")
    screen = await press(hub, member.id, screen, "preview")
    await press(hub, member.id, screen, "confirm")
    card = _fields(hub.messages("introductions")[-1].embeds[0])
    assert card["Languages"] == "English, Hebrew, Amharic"
    assert card["Country"] == "Israel"
    assert _stored_languages(hub, member.id) == ["en", "he", "am"]

    seeker = await hub.double.add_member(hub.guild_id, "seeker")
    offered = await hub.double.autocomplete(
        hub.guild_id, seeker.id, "expert find", "language", {"language": "amh"}
    )
    assert offered[0] == {"name": "Amharic", "value": "am"}
    for typed in ("am", "Amharic"):
        found = await hub.double.run_command(
            hub.guild_id, seeker.id, "expert find", {"query": "youth", "language": typed}
        )
        assert [f["name"] for f in found.embeds[0]["fields"]] == ["Dana Levi"], typed


async def test_hebrew_and_czech_match_in_mentoring(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    mentor = await person(hub, "Dana Levi", stage="senior", country="IL", languages=("he", "cs"),
                          affiliation="Tel Aviv University")  # fmt: skip
    saved = await offer(hub, mentor)
    assert "languages: Hebrew, Czech." in saved.content
    czech = await person(hub, "Jana Novak", country="AT", languages=("cs",),
                         affiliation="University of Vienna")  # fmt: skip
    await request(hub, czech, languages="čeština")
    english = await person(hub, "Ana Lima")
    await request(hub, english)

    dry = await hub.double.run_command(
        hub.guild_id, moderator, "mentor-admin match", {"dry_run": True}
    )
    text = dry.embeds[0]["description"]
    assert "**Jana Novak** with **Dana Levi** (score" in text
    assert "both work in Czech" in text
    assert "**Ana Lima**: no mentor with a shared language" in text


async def test_an_avoid_list_names_a_country_in_its_own_language(hub: Hub) -> None:
    moderator = await person(hub, "Mo Derat", stage="senior", moderator=True, areas=())
    german = await person(hub, "Lena Vogel", stage="senior", country="DE",
                          affiliation="University of Hamburg")  # fmt: skip
    await offer(hub, german)
    mentee = await person(hub, "Ana Lima")
    await request(hub, mentee, avoid="Deutschland")
    dry = await hub.double.run_command(
        hub.guild_id, moderator, "mentor-admin match", {"dry_run": True}
    )
    text = dry.embeds[0]["description"]
    assert (
        "**Ana Lima** and **Lena Vogel**: avoid-list entry 'Deutschland' matches their "
        "country (Germany)"
    ) in text
