"""/hub config show on as many pages as Discord's embed limits need (25 fields, 6,000
characters a message): one today; more as settings are added or values grow long."""

from __future__ import annotations

from dataclasses import replace

import discord

from bot.server_settings import CONFIGURABLE, Current
from bot.settings import load_settings
from cogs.hub.config import show_pages

AREAS = "the bot's list of 10 (/areas-admin upload gives this server its own)"


def current(own: bool = False) -> list[Current]:
    settings = load_settings()
    return [
        Current(setting, getattr(settings, name), getattr(settings, name), own)
        for name, setting in CONFIGURABLE.items()
    ]


def size(embed: discord.Embed) -> int:
    """What Discord counts against its 6,000 characters."""
    fields = sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    footer = len(embed.footer.text or "") if embed.footer else 0
    return len(embed.title or "") + len(embed.description or "") + fields + footer


def test_every_setting_fits_one_page_today() -> None:
    [page] = show_pages(current(own=True), AREAS)
    assert [f.name for f in page.fields] == [s.label for s in CONFIGURABLE.values()]
    assert page.footer.text is None and size(page) <= 6000


def test_many_long_settings_are_split_within_discords_limits_in_order() -> None:
    many = [
        replace(item, setting=replace(item.setting, label=f"{item.setting.label} {copy}"))
        for copy in range(4)
        for item in current(own=True)
    ]  # 88 settings, about 19,000 characters
    pages = show_pages(many, AREAS)
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert 0 < len(page.fields) <= 25 and size(page) <= 6000
        assert page.footer.text == f"Page {number} of {len(pages)}"
        assert page.description is not None and "/hub config set" in page.description
    shown = [f.name for page in pages for f in page.fields]
    assert shown == [item.setting.label for item in many]
