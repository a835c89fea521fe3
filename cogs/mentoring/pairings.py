"""Pairings from proposal to end: consent from both sides, expiry, check-ins, leaving.

Plain Python and SQL. Each decision is one conditional UPDATE from the state it expects, so a
double click, a click on a withdrawn or expired proposal, or two fires of a job change
nothing twice; the member is told which of these it was.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import Clock, from_db_time, to_db_time
from bot.db import Database, Row
from bot.scheduler import Scheduler
from bot.text import discord_stamp
from cogs.mentoring.matching import Pair
from cogs.mentoring.service import MentoringConfig

EXPIRY_JOB = "mentoring.proposal_expiry"
CHECKIN_JOB = "mentoring.checkin"
ROUND_JOB = "mentoring.round"
ANSWERS = {"well": "Going well", "help": "Could use help", "end": "End pairing"}


class PairingError(ValueError):
    """The click or command cannot change this pairing; the message says why."""


@dataclass(frozen=True)
class Pairing:
    id: int
    guild_id: int
    request_id: int
    mentor_id: int
    mentee_id: int
    score: float
    reasons: tuple[str, ...]
    status: str
    mentor_answer: str | None
    mentee_answer: str | None
    expires_at: datetime
    started_at: datetime | None
    outcome: str | None
    thread_id: int | None

    @classmethod
    def from_row(cls, row: Row) -> Pairing:
        started = row["started_at"]
        return cls(int(row["id"]), int(row["guild_id"]), int(row["request_id"]),
                   int(row["mentor_id"]), int(row["mentee_id"]), float(row["score"]),
                   tuple(json.loads(row["reasons"])), row["status"], row["mentor_answer"],
                   row["mentee_answer"], from_db_time(row["expires_at"]),
                   from_db_time(started) if started else None, row["outcome"],
                   row["thread_id"])  # fmt: skip

    def side(self, user_id: int) -> str:
        if user_id == self.mentor_id:
            return "mentor"
        if user_id == self.mentee_id:
            return "mentee"
        raise PairingError("This is for someone else.")

    def other(self, user_id: int) -> int:
        return self.mentee_id if user_id == self.mentor_id else self.mentor_id


@dataclass(frozen=True)
class PairThread:
    """A pair's private thread, its welcome card, and the member who stays in it."""

    thread_id: int
    card_id: int | None
    other_id: int
    active: bool


@dataclass(frozen=True)
class Expired:
    pairing: Pairing
    silent: tuple[int, ...]  # who received it and did not answer (counted as a miss)
    paused: tuple[int, ...]  # whose participation is now paused
    unreached: tuple[int, ...] = ()  # whom it never reached (not counted)


class PairingService:
    def __init__(
        self, db: Database, clock: Clock, scheduler: Scheduler, config: MentoringConfig
    ) -> None:
        self._db = db
        self._clock = clock
        self._scheduler = scheduler
        self.config = config

    async def get(self, pairing_id: int) -> Pairing | None:
        row = await self._db.fetchone("SELECT * FROM mentor_pairings WHERE id = ?", (pairing_id,))
        return None if row is None else Pairing.from_row(row)

    async def of_member(self, guild_id: int, user_id: int) -> list[Pairing]:
        rows = await self._db.fetchall(
            "SELECT * FROM mentor_pairings WHERE guild_id = ? AND (mentor_id = ? OR mentee_id = ?) "
            "ORDER BY id DESC LIMIT 10",
            (guild_id, user_id, user_id),
        )
        return [Pairing.from_row(r) for r in rows]

    async def live_of(self, guild_id: int, user_id: int) -> list[Pairing]:
        """The member's proposals and active pairings, whatever their number."""
        rows = await self._db.fetchall(
            "SELECT * FROM mentor_pairings WHERE guild_id = ? AND (mentor_id = ? OR mentee_id = ?) "
            "AND status IN ('proposed', 'active') ORDER BY id",
            (guild_id, user_id, user_id),
        )
        return [Pairing.from_row(r) for r in rows]

    async def forget_jobs(self, pairings: list[Pairing]) -> None:
        """Cancel the expiry and check-ins of pairings about to be erased (joins the caller's
        transaction, so an erasure that rolls back keeps them)."""
        for pairing in pairings:
            await self._scheduler.cancel_key(EXPIRY_JOB, f"proposal:{pairing.id}")
            await self._scheduler.cancel_key(CHECKIN_JOB, f"pairing:{pairing.id}")

    # -- proposing -------------------------------------------------------------------------------

    async def propose(
        self, guild_id: int, pairs: list[Pair], request_ids: dict[int, int]
    ) -> list[Pairing]:
        """Store the round's pairs as proposals, all or none, each with its expiry job.

        Capacity and the open request are checked again inside the transaction, so two
        rounds run at once never overfill a mentor or propose to a mentee twice."""
        now = self._clock.now()
        expires = now + self.config.proposal_expiry
        ids = []
        async with self._db.transaction() as tx:
            for pair in pairs:
                request_id = request_ids[pair.mentee_id]
                free = await tx.fetchval(
                    "SELECT o.capacity - (SELECT COUNT(*) FROM mentor_pairings p WHERE "
                    "p.guild_id = o.guild_id AND p.mentor_id = o.user_id AND p.status IN "
                    "('proposed', 'active')) FROM mentor_offers o WHERE o.guild_id = ? "
                    "AND o.user_id = ? AND o.status = 'active'",
                    (guild_id, pair.mentor_id),
                )
                if not free or free <= 0:
                    continue  # paused or filled by another round meanwhile
                moved = await tx.execute(
                    "UPDATE mentee_requests SET status = 'proposed', updated_at = ? "
                    "WHERE id = ? AND status = 'open'",
                    (to_db_time(now), request_id),
                )
                if moved != 1:
                    continue  # withdrawn while the round was being solved
                pairing_id = await tx.insert(
                    "INSERT INTO mentor_pairings (guild_id, request_id, mentor_id, mentee_id, "
                    "score, reasons, proposed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (guild_id, request_id, pair.mentor_id, pair.mentee_id, pair.score,
                     json.dumps(list(pair.reasons)), to_db_time(now), to_db_time(expires)),
                )  # fmt: skip
                await self._scheduler.schedule(
                    EXPIRY_JOB, expires, {"pairing_id": pairing_id},
                    guild_id=guild_id, key=f"proposal:{pairing_id}",
                )  # fmt: skip
                ids.append(pairing_id)
        return [p for p in [await self.get(i) for i in ids] if p is not None]

    async def delivered(self, pairing_id: int, user_id: int, how: str) -> None:
        """How the proposal reached one side ('dm', 'channel' or 'failed'): only one that
        reached them can count as a miss."""
        pairing = await self.get(pairing_id)
        if pairing is not None:
            side = pairing.side(user_id)
            await self._db.execute(
                f"UPDATE mentor_pairings SET {side}_delivery = ? WHERE id = ?", (how, pairing_id)
            )

    def _closed(self, pairing: Pairing, user_id: int) -> str:
        """Why a click on this proposal cannot count, in words."""
        mine = pairing.mentor_answer if user_id == pairing.mentor_id else pairing.mentee_answer
        if pairing.status == "withdrawn":
            return (
                "This proposal was withdrawn, so there is nothing to answer. "
                "/mentor status shows where you are."
            )
        if pairing.status == "expired":
            when = discord_stamp(pairing.expires_at, "D")
            return (
                f"This proposal expired on {when} without both answers. "
                "You are back in the pool for the next round."
            )
        if mine == "accept":
            return "You already accepted this proposal."
        if mine == "decline":
            return "You already declined this proposal."
        if pairing.status == "declined":
            return "This proposal will not go ahead, so it is closed. You are back in the pool."
        return "This proposal is closed."  # fmt: skip

    async def answer(self, pairing_id: int, user_id: int, accept: bool) -> Pairing:
        """Record one side's answer once; the returned pairing says what it led to."""
        pairing = await self.get(pairing_id)
        if pairing is None:
            raise PairingError("This proposal no longer exists.")
        side = pairing.side(user_id)
        now = to_db_time(self._clock.now())
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE mentor_pairings SET {side}_answer = ? WHERE id = ? "
                f"AND status = 'proposed' AND {side}_answer IS NULL",
                ("accept" if accept else "decline", pairing_id),
            )
            if changed != 1:
                raise PairingError(self._closed(pairing, user_id))
            table = "mentor_offers" if side == "mentor" else "mentee_requests"
            key = "user_id = ? AND guild_id = ?" if side == "mentor" else "id = ? AND guild_id = ?"
            target = user_id if side == "mentor" else pairing.request_id
            await tx.execute(
                f"UPDATE {table} SET missed = 0 WHERE {key}", (target, pairing.guild_id)
            )
            current = await self.get(pairing_id)
            assert current is not None
            if not accept:
                await self._close(tx, current, "declined", "declined", user_id, back_to_pool=True)
            elif current.mentor_answer == "accept" and current.mentee_answer == "accept":
                await tx.execute(
                    "UPDATE mentor_pairings SET status = 'active', started_at = ? WHERE id = ?",
                    (now, pairing_id),
                )
                await tx.execute(
                    "UPDATE mentee_requests SET status = 'matched', updated_at = ? WHERE id = ?",
                    (now, current.request_id),
                )
                await self._scheduler.cancel_key(EXPIRY_JOB, f"proposal:{pairing_id}")
                start = self._clock.now()
                for stage, offset in enumerate(self.config.checkins, start=1):
                    await self._scheduler.schedule(
                        CHECKIN_JOB, start + offset, {"pairing_id": pairing_id, "stage": stage},
                        guild_id=current.guild_id, key=f"pairing:{pairing_id}:{stage}",
                    )  # fmt: skip
        result = await self.get(pairing_id)
        assert result is not None
        return result

    async def _close(
        self,
        tx: Database,
        pairing: Pairing,
        status: str,
        outcome: str,
        by: int | None,
        *,
        back_to_pool: bool,
    ) -> None:
        now = to_db_time(self._clock.now())
        await tx.execute(
            "UPDATE mentor_pairings SET status = ?, outcome = ?, ended_at = ?, ended_by = ? "
            "WHERE id = ?",
            (status, outcome, now, by, pairing.id),
        )
        await tx.execute(
            "UPDATE mentee_requests SET status = ?, updated_at = ? WHERE id = ? "
            "AND status IN ('proposed', 'matched')",
            ("open" if back_to_pool else "closed", now, pairing.request_id),
        )
        await self._scheduler.cancel_key(EXPIRY_JOB, f"proposal:{pairing.id}")
        await self._scheduler.cancel_key(CHECKIN_JOB, f"pairing:{pairing.id}")

    async def expire(self, pairing_id: int) -> Expired | None:
        """An unanswered proposal ends: both back to the pool, the silent ones counted, and
        paused after too many in a row."""
        pairing = await self.get(pairing_id)
        if pairing is None or pairing.status != "proposed":
            return None
        silent, paused = [], []
        reached = await self._reached(pairing_id)
        async with self._db.transaction() as tx:
            await self._close(tx, pairing, "expired", "expired", None, back_to_pool=True)
            if pairing.mentor_answer is None and "mentor" in reached:
                silent.append(pairing.mentor_id)
                # A mentor with several places gets several proposals in one round; they
                # expire together and are one silence, not several in a row.
                await tx.execute(
                    "UPDATE mentor_offers SET missed = missed + 1 "
                    "WHERE guild_id = ? AND user_id = ? AND NOT EXISTS (SELECT 1 FROM "
                    "mentor_pairings p WHERE p.guild_id = ? AND p.mentor_id = ? AND p.id != ? "
                    "AND p.status = 'expired' AND p.mentor_answer IS NULL "
                    "AND p.mentor_delivery IN ('dm', 'channel') AND p.proposed_at = "
                    "(SELECT proposed_at FROM mentor_pairings WHERE id = ?))",
                    (pairing.guild_id, pairing.mentor_id, pairing.guild_id, pairing.mentor_id,
                     pairing.id, pairing.id),
                )  # fmt: skip
                if await tx.execute(
                    "UPDATE mentor_offers SET status = 'paused' WHERE guild_id = ? AND user_id = ? "
                    "AND missed >= ?",
                    (pairing.guild_id, pairing.mentor_id, self.config.max_missed),
                ):
                    paused.append(pairing.mentor_id)
            if pairing.mentee_answer is None and "mentee" in reached:
                silent.append(pairing.mentee_id)
                await tx.execute(
                    "UPDATE mentee_requests SET missed = missed + 1 WHERE id = ?",
                    (pairing.request_id,),
                )
                if await tx.execute(
                    "UPDATE mentee_requests SET status = 'paused' WHERE id = ? AND missed >= ?",
                    (pairing.request_id, self.config.max_missed),
                ):
                    paused.append(pairing.mentee_id)
        result = await self.get(pairing_id)
        assert result is not None
        unreached = tuple(
            user for user, side in ((pairing.mentor_id, "mentor"), (pairing.mentee_id, "mentee"))
            if side not in reached
        )  # fmt: skip
        return Expired(result, tuple(silent), tuple(paused), unreached)

    async def _reached(self, pairing_id: int) -> set[str]:
        """The sides the proposal reached (by DM or in their private thread)."""
        row = await self._db.fetchone(
            "SELECT mentor_delivery, mentee_delivery FROM mentor_pairings WHERE id = ?",
            (pairing_id,),
        )
        return {
            side for side in ("mentor", "mentee")
            if row is not None and row[f"{side}_delivery"] in ("dm", "channel")
        }  # fmt: skip

    async def withdraw_request(self, guild_id: int, user_id: int) -> list[Pairing]:
        """The mentee ends their request; a pending proposal is withdrawn with it."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE mentee_requests SET status = 'withdrawn', updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND status IN ('open', 'proposed', 'paused')",
                (to_db_time(self._clock.now()), guild_id, user_id),
            )
            if changed != 1:
                raise PairingError(
                    "You have no open request to withdraw. An active pairing ends with the "
                    "'End pairing' button of a check-in."
                )
            withdrawn = []
            for pairing in await self.of_member(guild_id, user_id):
                if pairing.status == "proposed" and pairing.mentee_id == user_id:
                    await self._close(tx, pairing, "withdrawn", "withdrawn", user_id,
                                      back_to_pool=False)  # fmt: skip
                    withdrawn.append(pairing)
        return withdrawn

    async def member_left(self, guild_id: int, user_id: int) -> list[Pairing]:
        """Close the leaver's live pairings (the other mentee back to the pool), pause their
        offer and withdraw their request; returns the pairings whose other side to tell."""
        closed = []
        async with self._db.transaction() as tx:
            for pairing in await self.of_member(guild_id, user_id):
                if pairing.status not in ("proposed", "active"):
                    continue
                status = "withdrawn" if pairing.status == "proposed" else "ended"
                mentee_stays = pairing.mentor_id == user_id
                await self._close(tx, pairing, status, "member-left", user_id,
                                  back_to_pool=mentee_stays)  # fmt: skip
                closed.append(pairing)
            now = to_db_time(self._clock.now())
            await tx.execute(
                "UPDATE mentor_offers SET status = 'paused', updated_at = ? "
                "WHERE guild_id = ? AND user_id = ?",
                (now, guild_id, user_id),
            )
            await tx.execute(
                "UPDATE mentee_requests SET status = 'withdrawn', updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND status IN ('open', 'proposed', "
                "'matched', 'paused')",
                (now, guild_id, user_id),
            )
        return closed

    async def set_thread(self, pairing_id: int, thread_id: int, card_id: int | None) -> None:
        await self._db.execute(
            "UPDATE mentor_pairings SET thread_id = ?, card_id = ? WHERE id = ?",
            (thread_id, card_id, pairing_id),
        )

    async def threads_of(self, guild_id: int, user_id: int) -> list[PairThread]:
        """Every pair thread the member is in, whatever the pairing's state, to take their
        name and card back from Discord when they erase their data."""
        rows = await self._db.fetchall(
            "SELECT mentor_id, mentee_id, thread_id, card_id, status FROM mentor_pairings "
            "WHERE guild_id = ? AND (mentor_id = ? OR mentee_id = ?) AND thread_id IS NOT NULL",
            (guild_id, user_id, user_id),
        )
        return [
            PairThread(int(r["thread_id"]), r["card_id"],
                       int(r["mentee_id"] if r["mentor_id"] == user_id else r["mentor_id"]),
                       r["status"] == "active")
            for r in rows
        ]  # fmt: skip

    # -- check-ins and the end ------------------------------------------------------------------

    async def checkin(self, pairing_id: int, user_id: int, stage: int, answer: str) -> Pairing:
        pairing = await self.get(pairing_id)
        if pairing is None:
            raise PairingError("This pairing no longer exists.")
        pairing.side(user_id)
        if pairing.status != "active":
            raise PairingError("This pairing has ended, so there is nothing more to answer.")
        added = await self._db.execute(
            "INSERT OR IGNORE INTO mentor_checkins (pairing_id, user_id, stage, answer, "
            "answered_at) VALUES (?, ?, ?, ?, ?)",
            (pairing_id, user_id, stage, answer, to_db_time(self._clock.now())),
        )
        if added != 1:  # answered before, or by a second click racing the first
            before = await self._db.fetchval(
                "SELECT answer FROM mentor_checkins WHERE pairing_id = ? AND user_id = ? "
                "AND stage = ?",
                (pairing_id, user_id, stage),
            )
            raise PairingError(f"You already answered this check-in: {ANSWERS[before]}.")
        return pairing

    async def end(self, pairing_id: int, user_id: int, stage: int, feedback: str) -> Pairing:
        """End an active pairing with the member's feedback; frees the mentor's place."""
        pairing = await self.get(pairing_id)
        if pairing is None:
            raise PairingError("This pairing no longer exists.")
        pairing.side(user_id)
        if pairing.status != "active":
            raise PairingError("This pairing has already ended.")
        async with self._db.transaction() as tx:
            still = await tx.fetchval(  # the other side may have ended it a moment ago
                "SELECT status FROM mentor_pairings WHERE id = ?", (pairing_id,)
            )
            if still != "active":
                raise PairingError("This pairing has already ended.")
            await self._close(tx, pairing, "ended", "ended", user_id, back_to_pool=False)
            await tx.execute(
                "UPDATE mentor_pairings SET feedback = ? WHERE id = ?", (feedback, pairing_id)
            )
            await tx.execute(
                "INSERT OR REPLACE INTO mentor_checkins (pairing_id, user_id, stage, answer, "
                "answered_at) VALUES (?, ?, ?, 'end', ?)",
                (pairing_id, user_id, stage, to_db_time(self._clock.now())),
            )
        result = await self.get(pairing_id)
        assert result is not None
        return result

    # -- the moderators' overview -----------------------------------------------------------------

    async def overview(self, guild_id: int) -> dict[str, Any]:
        waiting = await self._db.fetchval(
            "SELECT COUNT(*) FROM mentee_requests WHERE guild_id = ? AND status = 'open'",
            (guild_id,),
        )
        free = await self._db.fetchval(
            "SELECT COALESCE(SUM(MAX(o.capacity - (SELECT COUNT(*) FROM mentor_pairings p "
            "WHERE p.guild_id = o.guild_id AND p.mentor_id = o.user_id "
            "AND p.status IN ('proposed', 'active')), 0)), 0) FROM mentor_offers o "
            "WHERE o.guild_id = ? AND o.status = 'active'",
            (guild_id,),
        )
        counts = {
            str(r["status"]): int(r["n"])
            for r in await self._db.fetchall(
                "SELECT status, COUNT(*) AS n FROM mentor_pairings WHERE guild_id = ? "
                "GROUP BY status",
                (guild_id,),
            )
        }
        outcomes = {
            str(r["outcome"]): int(r["n"])
            for r in await self._db.fetchall(
                "SELECT outcome, COUNT(*) AS n FROM mentor_pairings WHERE guild_id = ? "
                "AND outcome IS NOT NULL GROUP BY outcome",
                (guild_id,),
            )
        }
        checkins = {
            str(r["answer"]): int(r["n"])
            for r in await self._db.fetchall(
                "SELECT c.answer, COUNT(*) AS n FROM mentor_checkins c JOIN mentor_pairings p "
                "ON p.id = c.pairing_id WHERE p.guild_id = ? GROUP BY c.answer",
                (guild_id,),
            )
        }
        started = await self._db.fetchall(
            "SELECT p.started_at, r.created_at FROM mentor_pairings p JOIN mentee_requests r "
            "ON r.id = p.request_id WHERE p.guild_id = ? AND p.started_at IS NOT NULL",
            (guild_id,),
        )
        days = [
            (from_db_time(r["started_at"]) - from_db_time(r["created_at"])).total_seconds() / 86400
            for r in started
        ]
        return {
            "waiting": int(waiting or 0),
            "free_places": int(free or 0),
            "active": counts.get("active", 0),
            "proposed": counts.get("proposed", 0),
            "median_days": statistics.median(days) if days else None,
            "outcomes": outcomes,
            "checkins": checkins,
        }
