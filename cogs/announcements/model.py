"""What an announcement is, and the checks on what a moderator typed (no Discord, no SQL).

``when`` is read by bot.timeparse (a zone in the text wins over the chosen one); the
repeat becomes a cron expression (``recurrence``); the body is checked against Discord's
limits for the chosen style, so nothing is saved that could not be posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import from_db_time
from bot.db import Row
from bot.geo import all_zones, is_zone
from bot.text import discord_stamp, excerpt
from bot.timeparse import TimeContext
from cogs.announcements.recurrence import (
    Recurrence,
    RecurrenceError,
    first_run,
    parse_repeat,
)

RUN_JOB = "announcements.run"
EMBED_LIMIT = 4000
TEXT_LIMIT = 2000
TITLE_LIMIT = 256
LIVE = ("awaiting_approval", "scheduled", "paused")


class AnnouncementError(ValueError):
    """The request cannot be done; the message says why and what to do."""


class EditConflict(AnnouncementError):
    """Another moderator saved an edit after this form was opened; ``current`` is the
    announcement as it is now (who changed it, and when)."""

    def __init__(self, current: Announcement) -> None:
        super().__init__(f"Announcement #{current.id} was changed after this form was opened.")
        self.current = current


@dataclass(frozen=True)
class Timing:
    """When an announcement runs: the zone, the first run (UTC) and the repeat."""

    zone: str
    starts_at: datetime
    recurrence: Recurrence
    reading: str = ""  # how the typed time was read, for the preview (never stored)


@dataclass(frozen=True)
class Announcement:
    id: int
    guild_id: int
    channel_id: int
    author_id: int | None
    title: str
    body: str
    style: str
    role_id: int | None
    timezone: str
    starts_at: datetime
    repeat: str
    cron: str | None
    state: str
    next_run_at: datetime | None
    approved_by: int | None
    version: int = 1  # one more at every edit: a form saves only over the version it showed
    updated_by: int | None = None  # who made the last edit
    updated_at: datetime | None = None  # the last change of any kind (an edit, a run...)

    @property
    def recurrence(self) -> Recurrence:
        return Recurrence(self.repeat, self.cron)

    @property
    def label(self) -> str:
        first_line = self.body.splitlines()[0] if self.body else ""
        return f"#{self.id} {self.title or first_line}"

    @classmethod
    def from_row(cls, row: Row) -> Announcement:
        return cls(
            id=int(row["id"]), guild_id=int(row["guild_id"]), channel_id=int(row["channel_id"]),
            author_id=row["author_id"], title=row["title"], body=row["body"], style=row["style"],
            role_id=row["role_id"], timezone=row["timezone"],
            starts_at=from_db_time(row["starts_at"]), repeat=row["repeat"], cron=row["cron"],
            state=row["state"],
            next_run_at=from_db_time(row["next_run_at"]) if row["next_run_at"] else None,
            approved_by=row["approved_by"], version=int(row["version"]),
            updated_by=row["updated_by"], updated_at=from_db_time(row["updated_at"]),
        )  # fmt: skip


@dataclass(frozen=True)
class Run:
    id: int
    announcement_id: int
    scheduled_for: datetime
    status: str
    manual: bool
    late: bool
    attempts: int
    channel_id: int | None
    message_id: int | None
    error: str | None
    fix: str | None

    @classmethod
    def from_row(cls, row: Row) -> Run:
        return cls(
            id=int(row["id"]), announcement_id=int(row["announcement_id"]),
            scheduled_for=from_db_time(row["scheduled_for"]), status=row["status"],
            manual=bool(row["manual"]), late=bool(row["late"]), attempts=int(row["attempts"]),
            channel_id=row["channel_id"], message_id=row["message_id"], error=row["error"],
            fix=row["fix"],
        )  # fmt: skip


@dataclass(frozen=True)
class Claim:
    """What a fire of a run may do: "go" (post it), "skip", or "interrupted"."""

    outcome: str
    reason: str = ""
    run: Run | None = None
    announcement: Announcement | None = None


def known_zone(text: str) -> str:
    """The IANA name as written, or matched regardless of case ("europe/london")."""
    cleaned = text.strip()
    if is_zone(cleaned):
        return cleaned
    match = next((z for z in all_zones() if z.casefold() == cleaned.casefold()), None)
    if match is None:
        raise AnnouncementError(
            f"'{excerpt(cleaned)}' is not a time zone I know. Pick one from the list as you type, "
            "for example Europe/London or America/New_York."
        )
    return match


def read_timing(
    when: str, repeat: str, context: TimeContext, now: datetime, chosen: bool = False
) -> Timing:
    """Check the moderator's when / repeat / zone together; every error says what to type.

    A zone named in ``when`` wins over the context's; the repeat then follows that place's
    clock ("weekly, 09:00 Berlin time"), unless a zone was ``chosen`` in the command.
    """
    context = context.with_zone(known_zone(context.zone), context.zone_words)
    try:
        read = context.read(when, now)
        zone = context.zone_kept(read, chosen)
        tz = ZoneInfo(zone)
        # Whole minutes, as cron runs are: "in 1 hour" then repeats at the same minute.
        moment = read.instant.replace(second=0, microsecond=0)
        recurrence = parse_repeat(repeat, moment.astimezone(tz))
    except (ValueError, RecurrenceError) as exc:
        raise AnnouncementError(str(exc)) from exc
    if moment <= now:
        raise AnnouncementError(
            f"'{excerpt(when)}' is too soon. Give a time at least a minute ahead."
        )
    reading = read.reading(now, context.zone_words)
    return Timing(zone, _first(recurrence, zone, moment), recurrence, reading)


def _first(recurrence: Recurrence, zone: str, moment: datetime) -> datetime:
    start = first_run(recurrence, zone, moment)
    if start is None:
        raise AnnouncementError(
            f"The cron expression '{excerpt(recurrence.cron or '', 100)}' never runs after "
            f"{discord_stamp(moment)}. Check the day and month fields."
        )
    return start


def retime(
    found: Announcement,
    when: str | None,
    repeat: str | None,
    zone: str | None,
    now: datetime,
    context: TimeContext | None = None,
) -> Timing | None:
    """New timing for an edit from whichever of when / repeat / zone were given, else None.

    A new zone alone keeps the wall-clock time: 09:00 London becomes 09:00 Tokyo.
    """
    if when is None and repeat is None and zone is None:
        return None
    chosen = zone is not None
    zone = known_zone(zone or found.timezone)
    repeat = repeat or (found.cron if found.repeat == "cron" else found.repeat) or "none"
    if when is not None:
        words = f"the zone you chose, {zone}" if chosen else f"the announcement's zone, {zone}"
        base = context or TimeContext(zone)
        return read_timing(when, repeat, base.with_zone(zone, words), now, chosen)
    old_local = (found.next_run_at or found.starts_at).astimezone(ZoneInfo(found.timezone))
    moment = old_local.replace(tzinfo=ZoneInfo(zone))
    try:
        recurrence = parse_repeat(repeat, moment)
    except RecurrenceError as exc:
        raise AnnouncementError(str(exc)) from exc
    if recurrence.cron is None and moment <= now:
        raise AnnouncementError(
            f"{discord_stamp(moment)} has passed. Give a new time in 'when' too."
        )
    return Timing(zone, _first(recurrence, zone, max(moment, now)), recurrence)


def check_body(title: str, body: str, style: str, role_id: int | None) -> tuple[str, str]:
    """The title and body, trimmed, within Discord's limits for the chosen style."""
    title, body = title.strip(), body.strip()
    if not body:
        raise AnnouncementError("The body is empty. Write the announcement and submit again.")
    if len(title) > TITLE_LIMIT:
        raise AnnouncementError(f"The title is {len(title)} characters; keep it to {TITLE_LIMIT}.")
    if style == "embed" and len(body) > EMBED_LIMIT:
        raise AnnouncementError(
            f"The body is {len(body):,} characters; an embed takes up to {EMBED_LIMIT:,}. "
            "Shorten it, or split it into two announcements."
        )
    if style == "text":
        room = TEXT_LIMIT - len(text_header(title, role_id))
        if len(body) > room:
            raise AnnouncementError(
                f"The body is {len(body):,} characters; a plain-text post has room for "
                f"{room:,} here. Shorten it, or choose style: embed (up to {EMBED_LIMIT:,})."
            )
    return title, body


def text_header(title: str, role_id: int | None) -> str:
    """What precedes a plain-text body: the role mention and the title in bold."""
    parts = [f"<@&{role_id}>" if role_id else "", f"**{title}**" if title else ""]
    return "".join(f"{p}\n" for p in parts if p)


INTERRUPTED = "The bot stopped while posting this run, so it may or may not have been posted."
CHECK_CHANNEL = "Look in the channel; if the post is missing, use /announce send_now."
MISSED = "The bot was offline when this run fell due, for longer than the late-delivery period."
MISSED_FIX = "Nothing was posted. Use /announce send_now if it is still useful."
STOPPED = "The announcement was paused, edited or cancelled before this run could be retried."
