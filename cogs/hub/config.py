"""``/hub config show|set|reset``: what each answer says, and the effect of a change.

The commands themselves are in cog.py (they belong to the /hub group); the values, their
bounds and storage are in bot/server_settings.py.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.geo import search_zones
from bot.server_settings import (
    CONFIGURABLE,
    MENTOR_WEIGHTS,
    Current,
    allowed,
    bounds,
    is_number,
    is_switch,
    is_whole,
    shown,
)
from bot.textmatch import fold

SHORT = {
    "mentor_weight_areas": "shared areas",
    "mentor_weight_text": "goals and expertise",
    "mentor_weight_hours": "shared working hours",
    "mentor_weight_country": "country",
}
# What a change means, for settings read each time they are used.
FROM_NOW = {
    "audit_channel": "The audit log is mirrored in #{new} from now on; entries already "
    "posted stay where they are.",
    "announcements_channel": "Events without an area are announced in #{new} from now on; "
    "cards already posted stay where they are.",
    "moderator_role": "Members with the {new} role may use moderator commands from now "
    "on; server administrators always may.",
    "event_organiser_role": "Members with the {new} role may create events from now on.",
    "introduced_role": "Members whose introduction is confirmed from now on get the {new} "
    "role; those who already have the old one keep it. Then run /hub setup so the area "
    "channels open to {new}.",
    "verified_role": "Members approved from now on get the {new} role; those who already "
    "have the old one keep it.",
    "welcome_channel": "Newcomers are greeted in #{new} from now on.",
    "introductions_channel": "Intro cards are posted in #{new} from now on; cards already "
    "posted stay where they are until their member updates their profile.",
    "verification_channel": "New introductions wait for a moderator's approval in #{new} "
    "from now on; those already queued stay where they are.",
    "requests_channel": "Members whose DMs are closed get requests and enquiries in their "
    "own private thread of #{new} from now on.",
    "digest_day": "Each area's weekly digest is posted on {new} from now on, at the digest "
    "hour in the server's time zone; the next one moves to it.",
    "digest_hour": "Each area's weekly digest is posted at {new}:00 in the server's time zone "
    "from now on; the next one moves to it.",
    "profile_retention": "Members who leave from now on have their data kept for {new}; "
    "those who already left keep the date they were given.",
    "event_reminder_offsets": "New events get reminders {new} before they start; events "
    "already created keep theirs.",
    "server_timezone": "The server's clock is {new} from now on: the next weekly digest, "
    "monthly report and matching round move to its hours, and members with no zone in their "
    "profile have their times read in it. Events already created keep their own zone.",
    "area_access": "Run /hub setup to apply it to the area channels: 'introduced' opens "
    "every area channel to introduced members, 'members' only each area's own members.",
}


FIELDS_PER_PAGE = 25  # Discord's most fields in one embed
CHARACTERS_PER_PAGE = 5500  # of the 6,000 Discord allows a message's embeds


def show_pages(current: list[Current], areas: str) -> list[discord.Embed]:
    """Every setting as a field, on as many pages as Discord's limits need (one today: 22
    settings, about 4,600 characters); ``areas``: whose list of challenge areas is in
    force, said in words."""
    description = (
        "Change one with /hub config set; /hub config reset puts it back to the default, "
        f"which comes from the bot's environment.\nChallenge areas: {areas}."
    )
    pages: list[list[tuple[str, str]]] = [[]]
    used = len(description)
    for item in current:
        name, value = item.setting.label, _field_value(item)
        if len(pages[-1]) == FIELDS_PER_PAGE or used + len(name) + len(value) > CHARACTERS_PER_PAGE:
            pages.append([])
            used = len(description)
        pages[-1].append((name, value))
        used += len(name) + len(value)
    embeds = []
    for number, fields in enumerate(pages, start=1):
        embed = discord.Embed(title="This server's settings", description=description)
        for name, value in fields:
            embed.add_field(name=name, value=value, inline=False)
        if len(pages) > 1:
            embed.set_footer(text=f"Page {number} of {len(pages)}")
        embeds.append(embed)
    return embeds


def _field_value(item: Current) -> str:
    source = (
        f"this server's own (the default is {shown(item.default)})"
        if item.own
        else f"the default, from {item.setting.env}"
    )
    return (
        f"**{shown(item.value)}**: {source}.\nSets {item.setting.help}; takes "
        f"{allowed(item.setting.name)}."
    )


def weights_line(weights: dict[str, float]) -> str:
    """Each term's weight and its share of a match's score, e.g. "shared areas 1.5 (43%)"."""
    total = sum(weights.values())
    if total == 0:
        return "every weight is 0, so every pair scores the same and only the rules decide"
    return ", ".join(
        f"{SHORT[name]} {weights[name]:g} ({weights[name] / total:.0%})" for name in MENTOR_WEIGHTS
    )


def effect(name: str, old: Any, new: Any, weights: dict[str, float] | None, audit: str) -> str:
    """What changes for members and moderators when ``name`` goes from ``old`` to ``new``."""
    if old == new:
        return "That is already its value, so nothing changes."
    if name == "verification_channel" and not new:
        return "Verification is off from now on: new introductions need no moderator's approval."
    if name in FROM_NOW:
        return FROM_NOW[name].format(new=shown(new))
    if name in MENTOR_WEIGHTS and weights is not None:
        after = {**weights, name: float(new)}
        return (
            f"A match's score weighs {weights_line(after)}.\nBefore: {weights_line(weights)}.\n"
            "This applies from the next matching round (/mentor-admin match dry_run:true "
            "shows it); pairs already proposed or running stay as they are."
        )
    if name == "announce_require_approval" and new:
        return (
            f"New announcements wait for another moderator's Approve in #{audit} (the author "
            "cannot approve their own). Announcements already scheduled go out as planned."
        )
    if name == "announce_require_approval":
        return (
            "New announcements go live as soon as their author confirms them. Any already "
            "waiting for approval still wait for it."
        )
    if name == "report_monthly":
        return (
            f"Last month's impact report is posted in #{audit} on the first working day of "
            "each month, 09:00 server time." if new else
            "No monthly impact report is posted; /hub report still makes one when asked."
        )  # fmt: skip
    return f"{CONFIGURABLE[name].label} is now {shown(new)}."


def setting_choices(typed: str) -> list[app_commands.Choice[str]]:
    wanted = typed.strip().casefold()
    return [
        app_commands.Choice(name=c.label, value=c.name)
        for c in CONFIGURABLE.values()
        if wanted in c.label.casefold() or wanted in c.name
    ][:25]


def value_choices(name: str, current: Any, default: Any, typed: str) -> list[str]:
    """Values worth offering as the moderator types: the bounds, the current, the default."""
    if name not in CONFIGURABLE:
        return []
    if is_switch(name):
        options = ["on", "off"]
    elif name == "server_timezone":
        options = list(dict.fromkeys([str(current), *search_zones(typed)]))
        return [o for o in options if fold(typed) in fold(o)][:25] or options[:25]
    elif name == "area_access":
        options = ["introduced", "members"]
    elif not is_number(name):
        options = list(dict.fromkeys(shown(v) for v in (current, default) if v != ""))
        if name == "verification_channel":
            options.append("none")
        if typed.strip() and typed.strip() not in options:
            options.insert(0, typed.strip()[:100])
    else:
        low, high = bounds(name)
        steps = (low, 12, high) if is_whole(name) else (low, 0.5, 1.0, 2.0, high)
        options = [f"{v:g}" for v in (current, default, *steps) if v is not None]
        options = list(dict.fromkeys(options))
        if typed.strip() and typed.strip() not in options:
            options.insert(0, typed.strip()[:20])
    return [o for o in options if typed.strip() in o][:25] or options[:25]
