"""Scheduled announcements: drafts, review, the life cycle, and runs that never post twice.

An announcement is a row; each of its pending runs is one scheduler job keyed by
(announcement, scheduled time), and each run that starts is a row of
``announcement_runs`` with that same pair as its unique key. A second fire, a restart or a
clock jump finds the run row already there and posts nothing. A run left "sending" by a
stopped bot is never retried blindly: it may have been posted, so it is marked failed and
reported for a moderator to check (runs and their jobs: ``runs.py``). No ``discord`` here;
delivery lives in ``delivery.py``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, to_db_time
from bot.db import Database
from bot.scheduler import Scheduler
from bot.text import discord_stamp, excerpt
from bot.timeparse import when_examples
from cogs.announcements.model import (
    LIVE,
    Announcement,
    AnnouncementError,
    EditConflict,
    Run,
    Timing,
    check_body,
)
from cogs.announcements.recurrence import next_after
from cogs.announcements.runs import RunLedger

DRAFT_LIFETIME = timedelta(days=1)


class AnnouncementService(RunLedger):
    def __init__(self, db: Database, clock: Clock, scheduler: Scheduler) -> None:
        self._db = db
        self._clock = clock
        self._scheduler = scheduler
        self._in_flight: set[int] = set()

    # -- reading --------------------------------------------------------------------------

    async def get(self, guild_id: int, announcement_id: int) -> Announcement | None:
        row = await self._db.fetchone(
            "SELECT * FROM announcements WHERE guild_id = ? AND id = ?",
            (guild_id, announcement_id),
        )
        return None if row is None else Announcement.from_row(row)

    async def require(self, guild_id: int, reference: str) -> Announcement:
        """An announcement by "12", "#12" or its exact title; drafts are not listed."""
        text = reference.strip().removeprefix("#").strip()
        found: Announcement | None = None
        if text.isdigit():
            # ASCII digits only (int() refuses "²"), and few enough for an SQLite integer.
            if text.isascii() and len(text) <= 18:
                found = await self.get(guild_id, int(text))
        elif text:
            row = await self._db.fetchone(
                "SELECT * FROM announcements WHERE guild_id = ? AND state != 'draft' "
                "AND lower(title) = lower(?) ORDER BY id DESC LIMIT 1",
                (guild_id, text),
            )
            found = None if row is None else Announcement.from_row(row)
        if found is None or found.state == "draft":
            raise AnnouncementError(
                f"There is no announcement '{excerpt(reference)}'. Pick one from the list as "
                "you type, or see /announce list."
            )
        return found

    async def list_live(self, guild_id: int, include_ended: bool = False) -> list[Announcement]:
        states = (*LIVE, "done", "failed", "cancelled", "rejected") if include_ended else LIVE
        marks = ",".join("?" * len(states))
        rows = await self._db.fetchall(
            f"SELECT * FROM announcements WHERE guild_id = ? AND state IN ({marks}) "
            "ORDER BY next_run_at IS NULL, next_run_at, id",
            (guild_id, *states),
        )
        return [Announcement.from_row(r) for r in rows]

    async def search(self, guild_id: int, typed: str, limit: int = 25) -> list[Announcement]:
        """For autocomplete: by id or words of the title or body; live ones first, then the
        newest of the rest (walking the id index backwards, so it stops after ``limit``)."""
        text = typed.strip().removeprefix("#")
        match = "(CAST(id AS TEXT) LIKE ? OR title LIKE ? OR body LIKE ?)"
        words = (f"{text}%", f"%{text}%", f"%{text}%")
        marks = ",".join("?" * len(LIVE))
        rows = await self._db.fetchall(
            f"SELECT * FROM announcements WHERE guild_id = ? AND state IN ({marks}) AND {match} "
            "ORDER BY id DESC LIMIT ?",
            (guild_id, *LIVE, *words, limit),
        )
        if len(rows) < limit:
            rows += await self._db.fetchall(
                f"SELECT * FROM announcements WHERE guild_id = ? AND state NOT IN ({marks}) "
                f"AND state != 'draft' AND {match} ORDER BY id DESC LIMIT ?",
                (guild_id, *LIVE, *words, limit - len(rows)),
            )
        return [Announcement.from_row(r) for r in rows]

    async def history(self, announcement_id: int, limit: int = 15) -> list[Run]:
        rows = await self._db.fetchall(
            "SELECT * FROM announcement_runs WHERE announcement_id = ? "
            "ORDER BY scheduled_for DESC LIMIT ?",
            (announcement_id, limit),
        )
        return [Run.from_row(r) for r in rows]

    # -- drafts and review ----------------------------------------------------------------

    async def create_draft(
        self,
        guild_id: int,
        author_id: int,
        channel_id: int,
        timing: Timing,
        content: tuple[str, str, str, int | None],
    ) -> Announcement:
        """A draft is not live: only Confirm (and approval, when required) schedules it."""
        title, body, style, role_id = content
        title, body = check_body(title, body, style, role_id)
        now = to_db_time(self._clock.now())
        await self._db.execute(  # previews nobody confirmed or cancelled within a day
            "DELETE FROM announcements WHERE guild_id = ? AND state = 'draft' AND created_at < ?",
            (guild_id, to_db_time(self._clock.now() - DRAFT_LIFETIME)),
        )
        new_id = await self._db.insert(
            "INSERT INTO announcements (guild_id, channel_id, author_id, title, body, style, "
            "role_id, timezone, starts_at, repeat, cron, state, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)",
            (guild_id, channel_id, author_id, title, body, style, role_id, timing.zone,
             to_db_time(timing.starts_at), timing.recurrence.repeat, timing.recurrence.cron,
             now, now),
        )  # fmt: skip
        found = await self.get(guild_id, new_id)
        assert found is not None
        return found

    async def discard_draft(self, guild_id: int, draft_id: int, user_id: int) -> bool:
        removed = await self._db.execute(
            "DELETE FROM announcements WHERE guild_id = ? AND id = ? AND author_id = ? "
            "AND state = 'draft'",
            (guild_id, draft_id, user_id),
        )
        return removed == 1

    async def confirm(
        self, guild_id: int, draft_id: int, user_id: int, require_approval: bool
    ) -> Announcement:
        """Draft -> scheduled (or awaiting approval); one transaction with its first job."""
        async with self._db.transaction():
            draft = await self.get(guild_id, draft_id)
            if draft is None or draft.author_id != user_id:
                raise AnnouncementError("This preview is not yours, or it was discarded.")
            if draft.state != "draft":
                raise AnnouncementError(
                    f"Announcement #{draft.id} was already confirmed; it is {draft.state}."
                )
            first = self._first_due(draft)
            if require_approval:
                await self._set(draft.id, state="awaiting_approval", next_run_at=first)
            else:
                await self._arm(draft, first)
        found = await self.get(guild_id, draft_id)
        assert found is not None
        return found

    async def approve(self, guild_id: int, announcement_id: int, approver_id: int) -> Announcement:
        async with self._db.transaction():
            found = await self._awaiting(guild_id, announcement_id)
            if found.author_id == approver_id:
                raise AnnouncementError(
                    "You wrote this announcement, so a second moderator has to approve it."
                )
            await self._arm(found, self._first_due(found))
            await self._db.execute(
                "UPDATE announcements SET approved_by = ?, approved_at = ? WHERE id = ?",
                (approver_id, to_db_time(self._clock.now()), found.id),
            )
        result = await self.get(guild_id, announcement_id)
        assert result is not None
        return result

    async def reject(self, guild_id: int, announcement_id: int, user_id: int) -> Announcement:
        async with self._db.transaction():
            found = await self._awaiting(guild_id, announcement_id)
            await self._set(found.id, state="rejected", next_run_at=None)
            await self._db.execute(
                "UPDATE announcements SET approved_by = ?, approved_at = ? WHERE id = ?",
                (user_id, to_db_time(self._clock.now()), found.id),
            )
        return replace(found, state="rejected", next_run_at=None, approved_by=user_id)

    async def _awaiting(self, guild_id: int, announcement_id: int) -> Announcement:
        found = await self.get(guild_id, announcement_id)
        if found is None:
            raise AnnouncementError("That announcement no longer exists.")
        if found.state != "awaiting_approval":
            who = f" by <@{found.approved_by}>" if found.approved_by else ""
            raise AnnouncementError(
                f"Announcement #{found.id} is not waiting for approval; it is "
                f"{found.state.replace('_', ' ')}{who}."
            )
        return found

    def _first_due(self, found: Announcement) -> datetime:
        """The first run still ahead: a past one-off is refused, a recurrence moves on."""
        now = self._clock.now()
        if found.starts_at > now:
            return found.starts_at
        if found.cron is None:
            raise AnnouncementError(
                f"Announcement #{found.id} was due {discord_stamp(found.starts_at)}, which "
                f"has passed. Schedule it again with a new time, such as {when_examples(now)}."
            )
        following = next_after(found.cron, found.timezone, now)
        if following is None:
            raise AnnouncementError(f"Announcement #{found.id} has no run left in its schedule.")
        return following

    async def set_review_card(self, announcement_id: int, channel_id: int, message_id: int) -> None:
        await self._set(announcement_id, review_channel_id=channel_id, review_message_id=message_id)

    async def review_card(self, announcement_id: int) -> tuple[int, int] | None:
        """The approval card still showing buttons, if any (to retire it when superseded)."""
        row = await self._db.fetchone(
            "SELECT review_channel_id, review_message_id FROM announcements WHERE id = ?",
            (announcement_id,),
        )
        if row is None or row["review_message_id"] is None:
            return None
        return int(row["review_channel_id"]), int(row["review_message_id"])

    # -- managing -------------------------------------------------------------------------

    async def pause(self, found: Announcement) -> Announcement:
        if found.state != "scheduled":
            raise AnnouncementError(self._cannot(found, "pause"))
        async with self._db.transaction():
            await self._disarm(found.id)
            await self._set(found.id, state="paused", next_run_at=None)
        return replace(found, state="paused", next_run_at=None)

    async def resume(self, found: Announcement) -> Announcement:
        if found.state != "paused":
            raise AnnouncementError(self._cannot(found, "resume"))
        async with self._db.transaction():
            due = self._first_due(found)
            await self._arm(found, due)
        return replace(found, state="scheduled", next_run_at=due)

    async def cancel(self, found: Announcement) -> Announcement:
        if found.state not in LIVE:
            raise AnnouncementError(self._cannot(found, "cancel"))
        async with self._db.transaction():
            await self._disarm(found.id)
            await self._set(found.id, state="cancelled", next_run_at=None)
        return replace(found, state="cancelled", next_run_at=None)

    async def edit(
        self,
        found: Announcement,
        *,
        channel_id: int | None = None,
        timing: Timing | None = None,
        content: tuple[str, str, str, int | None] | None = None,
        require_approval: bool = False,
        editor_id: int | None = None,
    ) -> Announcement:
        """Change what was given; a live schedule is re-armed at its new first run. When
        approval is required, any edit needs a new approval before it goes live again.

        ``found`` may be stale (the edit form stays open for minutes), so the state is
        checked again on the row inside the transaction: an announcement cancelled or
        ended meanwhile is never rewritten, nor brought back to waiting for approval. And
        the row is written only if its version is still the one ``found`` showed, so an
        edit saved meanwhile by another moderator is never overwritten: ``EditConflict``
        carries the announcement as it is now, to tell this editor who changed it."""
        async with self._db.transaction():
            current = await self.get(found.guild_id, found.id)
            if current is None:
                raise AnnouncementError("That announcement no longer exists.")
            AnnouncementService.check_editable(current)
            if current.version != found.version:
                raise EditConflict(current)
            title, body, style, role_id = content or (current.title, current.body,
                                                      current.style, current.role_id)  # fmt: skip
            title, body = check_body(title, body, style, role_id)
            timing = timing or Timing(current.timezone, current.starts_at, current.recurrence)
            now = to_db_time(self._clock.now())
            written = await self._db.execute(
                "UPDATE announcements SET channel_id = ?, title = ?, body = ?, style = ?, "
                "role_id = ?, timezone = ?, starts_at = ?, repeat = ?, cron = ?, updated_at = ?, "
                "version = version + 1, updated_by = ? WHERE id = ? AND version = ?",
                (channel_id or current.channel_id, title, body, style, role_id, timing.zone,
                 to_db_time(timing.starts_at), timing.recurrence.repeat, timing.recurrence.cron,
                 now, editor_id, found.id, found.version),
            )  # fmt: skip
            if written != 1:
                raise EditConflict(current)
            found = current
            edited = await self.get(found.guild_id, found.id)
            assert edited is not None
            if require_approval:
                due = self._first_due(edited)
                await self._disarm(found.id)
                await self._set(found.id, state="awaiting_approval", next_run_at=due,
                                approved_by=None, approved_at=None)  # fmt: skip
            elif edited.state in ("scheduled", "awaiting_approval"):
                due = self._first_due(edited)
                await self._disarm(found.id)
                if edited.state == "scheduled":
                    await self._arm(edited, due)
                else:
                    await self._set(found.id, state="awaiting_approval", next_run_at=due)
        result = await self.get(found.guild_id, found.id)
        assert result is not None
        return result

    @staticmethod
    def check_editable(found: Announcement) -> None:
        if found.state not in LIVE:
            raise AnnouncementError(AnnouncementService._cannot(found, "edit"))

    @staticmethod
    def _cannot(found: Announcement, verb: str) -> str:
        state = found.state.replace("_", " ")
        hints = {
            "pause": "Only a scheduled announcement can be paused.",
            "resume": "Only a paused announcement can be resumed.",
            "cancel": "It has ended already.",
            "edit": "Schedule a new one with /announce schedule.",
        }
        return f"Announcement #{found.id} is {state}, so you cannot {verb} it. {hints[verb]}"

    # -- personal data --------------------------------------------------------------------

    async def export(self, guild_id: int, user_id: int) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT id, title, body, state, created_at, author_id = ? AS wrote, approved_by = ? "
            "AS reviewed, updated_by = ? AS edited_last FROM announcements WHERE guild_id = ? "
            "AND (author_id = ? OR approved_by = ? OR updated_by = ?) ORDER BY id",
            (user_id, user_id, user_id, guild_id, user_id, user_id, user_id),
        )
        return [dict(r) for r in rows]

    async def erase(self, guild_id: int, user_id: int) -> int:
        """Announcements belong to the server; only the moderator's id is removed from them."""
        wrote = await self._db.execute(
            "UPDATE announcements SET author_id = NULL WHERE guild_id = ? AND author_id = ?",
            (guild_id, user_id),
        )
        reviewed = await self._db.execute(
            "UPDATE announcements SET approved_by = NULL WHERE guild_id = ? AND approved_by = ?",
            (guild_id, user_id),
        )
        edited = await self._db.execute(
            "UPDATE announcements SET updated_by = NULL WHERE guild_id = ? AND updated_by = ?",
            (guild_id, user_id),
        )
        return wrote + reviewed + edited
