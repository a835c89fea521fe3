"""What ``/mentor status`` and ``/mentor-admin overview`` say, as plain text built from the rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot import languages as language_names
from bot.text import discord_stamp, escape_markdown, plural
from cogs.mentoring.pairings import Pairing
from cogs.mentoring.service import PREFERENCES, Offer, Request

PAIRING_STATES = {
    "proposed": "proposed, waiting for answers",
    "active": "active",
    "declined": "did not go ahead",  # the other side is never told who declined
    "expired": "expired without both answers",
    "withdrawn": "withdrawn",
    "ended": "ended",
}
OUTCOMES = {
    "ended": "ended by a member",
    "declined": "declined",
    "expired": "expired unanswered",
    "withdrawn": "withdrawn by the mentee",
    "member-left": "a member left",
}


def status_text(
    user_id: int,
    offer: Offer | None,
    used: int,
    request: Request | None,
    place: tuple[int, int] | None,
    pairings: list[Pairing],
    names: dict[int, str],
    area_name: Callable[[str], str],
) -> str:
    """The member's mentoring in a few lines; ``names`` are display-ready (markdown escaped
    once), and a queue place is shown only while the request waits for a round."""
    lines = []
    if offer is not None:
        state = "paused; /mentor resume restarts it" if offer.status == "paused" else "active"
        areas = ", ".join(area_name(a) for a in offer.areas) or "any area"
        lines.append(
            f"**Your offer** ({state}): {used} of {plural(offer.capacity, 'place')} taken; areas: "
            f"{areas}; languages: {language_names.names(offer.languages)}."
        )
    if request is not None:
        where = {
            "open": "waiting for the next round",
            "proposed": "a proposal is waiting for answers",
            "matched": "matched",
            "paused": "paused (/mentor resume)",
        }[request.status]
        waits = request.status == "open" and place and place[0]
        queue = f" You are number {place[0]} of {place[1]} waiting." if waits and place else ""
        lines.append(
            f"**Your request** since {discord_stamp(request.created_at, 'D')}: {where}.{queue} "
            f"Country: {PREFERENCES[request.country_pref]}. Free: "
            + (escape_markdown(request.free_hours) if request.free_hours else "weekdays 9-17")
            + " (your time)."
        )
    for pairing in pairings:
        role = "mentee" if pairing.mentor_id == user_id else "mentor"
        other = names.get(pairing.other(user_id), "a member")  # escaped by the caller
        lines.append(f"Pairing with {other} (your {role}): {PAIRING_STATES[pairing.status]}.")
    if not lines:
        return (
            "You are not taking part in mentoring yet. /mentor request asks for a mentor; "
            "/mentor offer offers to mentor."
        )
    text = "\n".join(lines)
    return text if len(text) <= 2000 else text[:1997] + "..."  # one message holds 2,000


PAGE_LINES = 10
PAGE_CHARACTERS = 3800  # an embed's description holds 4,096


def pages_of(lines: list[str]) -> list[str]:
    """Lines packed into pages of at most ``PAGE_LINES`` lines and ``PAGE_CHARACTERS``
    characters, never splitting a line (one longer than a page is cut, marked "...")."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if len(line) > PAGE_CHARACTERS:
            line = line[: PAGE_CHARACTERS - 3] + "..."
        if pages[-1] and (len(pages[-1]) >= PAGE_LINES or size + len(line) + 1 > PAGE_CHARACTERS):
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line) + 1
    return ["\n".join(page) for page in pages]


def overview_text(data: dict[str, Any]) -> str:
    median = data["median_days"]
    lines = [
        "**Mentoring overview**",
        f"Mentees waiting: {data['waiting']}",
        f"Free mentor places: {data['free_places']}",
        f"Active pairs: {data['active']} (proposals waiting for answers: {data['proposed']})",
        "Median days from request to match: "
        + ("none matched yet" if median is None else f"{median:.1f}"),
    ]
    outcomes = data["outcomes"]
    if outcomes:
        lines.append(
            "Outcomes: "
            + ", ".join(f"{OUTCOMES.get(k, k)} {v}" for k, v in sorted(outcomes.items()))
        )
    checkins = data["checkins"]
    if checkins:
        labels = {"well": "going well", "help": "could use help", "end": "ended"}
        lines.append(
            "Check-in answers: "
            + ", ".join(f"{labels.get(k, k)} {v}" for k, v in sorted(checkins.items()))
        )
    return "\n".join(lines)
