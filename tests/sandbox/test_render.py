"""Rendering what a member sees: their time zone, frames, numbered buttons and selects."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sandbox.double.state import Message, User
from sandbox.render import Renderer, parse_picks, relative

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BOT = User(1, "Hub Bot", bot=True)
NAMES = {("user", 7): "amira", ("channel", 9): "welcome", ("role", 3): "Moderator"}


def renderer(zone: str = "Asia/Tokyo") -> Renderer:
    return Renderer(ZoneInfo(zone), NOW, lambda kind, ident: NAMES[(kind, ident)])


def message(**fields: object) -> Message:
    return Message(100, 9, 5, BOT, **fields)  # type: ignore[arg-type]


def test_timestamps_are_shown_in_the_acting_members_zone() -> None:
    unix = int(datetime(2026, 12, 3, 6, 0, tzinfo=UTC).timestamp())
    tokyo = renderer("Asia/Tokyo").text(f"Starts <t:{unix}:F> (<t:{unix}:R>)")
    assert tokyo == "Starts Thursday, 3 December 2026 15:00 JST (in 2 days)"
    london = renderer("Europe/London").text(f"<t:{unix}:f>, <t:{unix}:t>, <t:{unix}:D>")
    assert london == "3 December 2026 06:00 GMT, 06:00 GMT, 3 December 2026"
    assert renderer().text(f"<t:{unix}>") == "3 December 2026 15:00 JST"


def test_relative_times() -> None:
    assert relative(datetime(2026, 11, 29, 12, tzinfo=UTC), NOW) == "2 days ago"
    assert relative(datetime(2026, 12, 1, 13, tzinfo=UTC), NOW) == "in 1 hour"
    assert relative(NOW, NOW) == "in a few seconds"


def test_mentions_become_names_and_markdown_markers_go() -> None:
    shown = renderer().text(r"Hello <@7> in <#9>, ask <@&3>. **Bold** and a\_b")
    assert shown == "Hello @amira in #welcome, ask @Moderator. Bold and a_b"


def test_ephemeral_embed_in_a_frame() -> None:
    embed = {
        "title": "Experts for drones",
        "description": "One found.",
        "fields": [{"name": "Liam O'Brien", "value": "Australia"}],
        "footer": {"text": "Page 1 of 1"},
    }
    lines = renderer().message(message(flags=64, embeds=[embed]), "Hub Bot:")
    assert lines[:3] == ["Hub Bot:", "(only you can see this)", "┌" + "─" * 76]
    assert "│ Experts for drones" in lines
    assert "│ ▸ Liam O'Brien" in lines and "│   Australia" in lines
    assert "│ Page 1 of 1" in lines
    assert lines[-1] == "└" + "─" * 76


def test_buttons_and_selects_are_numbered_across_messages() -> None:
    row = {"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Accept", "custom_id": "a:1"},
        {"type": 2, "style": 4, "label": "Decline", "custom_id": "d:1", "disabled": True},
        {"type": 2, "style": 5, "label": "Docs", "url": "https://example.org"},
    ]}  # fmt: skip
    select = {"type": 1, "components": [{
        "type": 3, "custom_id": "profiles:pick:country", "placeholder": "Your country",
        "min_values": 1, "max_values": 2,
        "options": [{"label": "Germany", "value": "DE", "default": True},
                    {"label": "Kenya", "value": "KE"}],
    }]}  # fmt: skip
    view = renderer()
    first = view.message(message(content="Card", components=[row]))
    second = view.message(message(content="Form", components=[select]))
    assert first[-1] == "[1] Accept  [2] Decline (disabled)  [link: Docs https://example.org]"
    assert second[-2:] == ["[3] Your country (choose 1 to 2)", "     1)* Germany   2) Kenya"]
    choice = view.choices[2]
    assert parse_picks("2", choice) == ["KE"]
    assert parse_picks("de, Kenya", choice) == ["DE", "KE"]
    with pytest.raises(ValueError, match="'Atlantis' is not one of the 2 options of \\[3\\]"):
        parse_picks("Atlantis", choice)


def test_files_and_deleted_messages() -> None:
    lines = renderer().message(
        message(attachments=[{"filename": "profile.json", "size": 120}], deleted=True)
    )
    assert lines == [
        "(this message was deleted)",
        "[file: profile.json, 120 bytes] (open 1 shows it)",
    ]
