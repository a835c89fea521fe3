"""The announcement form, the preview, and the persistent Confirm / Cancel / Approve / Reject
buttons (their custom ids carry the announcement id, so they work after a restart)."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.text import excerpt, fit
from bot.ui import ActionButton, HubModal, discord_time
from cogs.announcements.delivery import render_post
from cogs.announcements.model import EMBED_LIMIT, TITLE_LIMIT, Announcement
from cogs.announcements.recurrence import describe, upcoming

Interaction = discord.Interaction[Any]
FormSubmit = Callable[[Interaction, str, str], Awaitable[None]]
STATE_WORDS = {
    "awaiting_approval": "waiting for approval",
    "scheduled": "scheduled",
    "paused": "paused",
    "done": "done",
    "failed": "failed",
    "cancelled": "cancelled",
    "rejected": "rejected",
    "draft": "preview",
}


class AnnouncementForm(HubModal):
    """Title (optional) and body, filled in when editing."""

    def __init__(self, heading: str, on_done: FormSubmit, title: str = "", body: str = "") -> None:
        super().__init__(title=fit(heading, 45), timeout=900)
        self.on_done = on_done
        self.heading_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Title (optional)",
            custom_id="announce:form:title",
            required=False,
            max_length=TITLE_LIMIT,
            default=title or None,
        )
        self.body_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Body",
            custom_id="announce:form:body",
            style=discord.TextStyle.paragraph,
            max_length=EMBED_LIMIT,
            default=body or None,
            placeholder="Up to 4,000 characters as an embed; 2,000 as plain text.",
        )
        self.add_item(self.heading_input)
        self.add_item(self.body_input)

    async def on_submit(self, interaction: Interaction) -> None:
        await self.on_done(interaction, self.heading_input.value, self.body_input.value)


def next_runs(found: Announcement, count: int = 3) -> list[datetime]:
    start = found.next_run_at or found.starts_at
    return upcoming(found.recurrence, found.timezone, start, count)


def repeat_words(found: Announcement) -> str:
    start = (found.next_run_at or found.starts_at).astimezone(ZoneInfo(found.timezone))
    return describe(found.recurrence, found.timezone, start)


def details_embed(
    found: Announcement, heading: str, notes: list[str] | None = None
) -> discord.Embed:
    """What, where, how often and the next three runs, as timestamps each reader sees locally."""
    embed = discord.Embed(title=fit(heading, 256))
    embed.add_field(name="Channel", value=f"<#{found.channel_id}>")
    embed.add_field(name="Repeats", value=fit(repeat_words(found), 1024))
    embed.add_field(name="Pings", value=f"<@&{found.role_id}>" if found.role_id else "nobody")
    runs = next_runs(found) if found.state in ("draft", "awaiting_approval", "scheduled") else []
    lines = [f"{discord_time(int(r.timestamp()))} ({discord_time(int(r.timestamp()), 'R')})"
             for r in runs]  # fmt: skip
    embed.add_field(name="Next runs", value="\n".join(lines) or "none", inline=False)
    state = STATE_WORDS.get(found.state, found.state)
    embed.set_footer(text=fit(" ".join([f"#{found.id} · {state}.", *(notes or [])]), 2048))
    return embed


def preview(found: Announcement, heading: str, notes: list[str] | None = None) -> dict[str, Any]:
    """The rendered post (as it will appear) followed by its details."""
    content, post_embed = render_post(found)
    embeds = [post_embed] if post_embed else []
    embeds.append(details_embed(found, heading, notes))
    return {"content": content, "embeds": embeds}


def approval_card(found: Announcement) -> dict[str, Any]:
    """For the audit channel: the post (as an embed, whatever its style) and its details."""
    body = discord.Embed(title=found.title or None, description=found.body)
    details = details_embed(found, "Waiting for a second moderator's approval")
    author = f"<@{found.author_id}>" if found.author_id else "a moderator"
    return {
        "content": f"Announcement #{found.id} by {author} needs approval before it goes live.",
        "embeds": [body, details],
    }


def conflict_reply(current: Announcement, title: str, body: str) -> dict[str, Any]:
    """For the second of two editors: who changed the announcement first, what to do, and
    what they typed (attached in full, quoted short), so their work is not lost."""
    who = f"<@{current.updated_by}>" if current.updated_by else "another moderator"
    when = (
        f" (last change {discord_time(int(current.updated_at.timestamp()), 'R')})"
        if current.updated_at
        else ""
    )
    text = (
        f"Not saved: announcement #{current.id} was edited by {who} after you opened this "
        f"form{when}. Open /announce edit again to see the new text, then make your changes "
        f"there. What you typed is attached, so nothing is lost; it began: "
        f"'{excerpt(body, 80)}'"
    )
    typed = f"Title: {title}\n\n{body}\n" if title else f"{body}\n"
    attached = discord.File(
        io.BytesIO(typed.encode()), filename=f"announcement-{current.id}-your-text.txt"
    )
    return {"content": text, "file": attached}


def confirm_view(draft_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ConfirmButton(draft_id))
    view.add_item(DiscardButton(draft_id))
    return view


def approval_view(announcement_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton(announcement_id, "approve"))
    view.add_item(ReviewButton(announcement_id, "reject"))
    return view


class ConfirmButton(ActionButton, template=r"announce:confirm:(?P<draft_id>\d+)"):
    action = "announce:confirm"

    def __init__(self, draft_id: int) -> None:
        super().__init__(
            f"announce:confirm:{draft_id}", "Confirm", draft_id, style=discord.ButtonStyle.success
        )


class DiscardButton(ActionButton, template=r"announce:discard:(?P<draft_id>\d+)"):
    action = "announce:discard"

    def __init__(self, draft_id: int) -> None:
        super().__init__(f"announce:discard:{draft_id}", "Cancel", draft_id)


class ReviewButton(
    ActionButton, template=r"announce:(?P<choice>approve|reject):(?P<announcement_id>\d+)"
):
    """Approve or Reject, on the approval card in the audit channel."""

    action = "announce:review"

    def __init__(self, announcement_id: int, choice: str) -> None:
        approve = choice == "approve"
        super().__init__(
            f"announce:{choice}:{announcement_id}",
            "Approve" if approve else "Reject",
            announcement_id,
            approve,
            style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger,
        )
