"""Partner links between servers: one-time codes, linking, listing and ending.

No link without both sides' moderators: a moderator of one server makes a code (random,
single use, expiring; only its SHA-256 is stored) and a moderator of another server redeems
it. Redeeming is one UPDATE from unused, inside the transaction that makes the link, so a
code pasted twice, or in two servers at once, links once. These tables hold server ids and
times only; who did what goes to both servers' audit logs (the cog).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, from_db_time, to_db_time
from bot.db import Database, Row

INVITE_LIFETIME = timedelta(hours=48)
CODE_PREFIX = "hub-"
MAX_OPEN_INVITES = 5


class PartnerError(ValueError):
    """The link cannot be made or ended; the message says why and what to do."""


@dataclass(frozen=True)
class Invite:
    code: str  # shown once, to the moderator who made it; never stored
    expires_at: datetime


@dataclass(frozen=True)
class Link:
    id: int
    partner_id: int  # the other server, seen from the one asking
    since: datetime
    invited_here: bool  # the code was made by this server's moderators


@dataclass(frozen=True)
class Ended:
    link_id: int
    partner_id: int


def code_hash(code: str) -> str:
    """Codes are compared by hash: a copy of the database gives no usable code."""
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()


class PartnerService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def invite(self, guild_id: int) -> Invite:
        """A new one-time code for ``guild_id``; a few may be open at once."""
        now = self._clock.now()
        open_codes = await self._db.fetchval(
            "SELECT COUNT(*) FROM partner_invites WHERE guild_id = ? AND used_at IS NULL "
            "AND expires_at > ?",
            (guild_id, to_db_time(now)),
        )
        if int(open_codes or 0) >= MAX_OPEN_INVITES:
            raise PartnerError(
                f"This server already has {MAX_OPEN_INVITES} unused codes. Use one, or wait "
                f"for them to expire ({int(INVITE_LIFETIME.total_seconds() // 3600)} hours "
                "after they were made)."
            )
        code = CODE_PREFIX + secrets.token_hex(8)
        expires = now + INVITE_LIFETIME
        await self._db.insert(
            "INSERT INTO partner_invites (guild_id, code_hash, created_at, expires_at) "
            "VALUES (?, ?, ?, ?)",
            (guild_id, code_hash(code), to_db_time(now), to_db_time(expires)),
        )
        return Invite(code, expires)

    async def accept(self, guild_id: int, code: str) -> Link:
        """Redeem a code made by another server; the link and the used code commit together."""
        typed = code.strip()
        if not typed:
            raise PartnerError("Paste the code a moderator of the other server gave you.")
        now = self._clock.now()
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT id, guild_id, expires_at, used_at FROM partner_invites WHERE code_hash = ?",
                (code_hash(typed),),
            )
            if row is None:
                raise PartnerError(
                    "That code is not known. Check it was copied whole (it starts with "
                    f"'{CODE_PREFIX}'), or ask the other server's moderators for a new one."
                )
            inviter = int(row["guild_id"])
            if inviter == guild_id:
                raise PartnerError(
                    "That code was made in this server. Give it to a moderator of the "
                    "other server, who redeems it there with /partners accept."
                )
            if row["used_at"] is not None:
                raise PartnerError(
                    "That code has already been used. Ask the other server's moderators for "
                    "a new one with /partners invite."
                )
            if from_db_time(row["expires_at"]) <= now:
                raise PartnerError(
                    "That code has expired. Ask the other server's moderators for a new one "
                    "with /partners invite."
                )
            low, high = sorted((guild_id, inviter))
            linked = await tx.fetchval(
                "SELECT 1 FROM partner_links WHERE guild_low = ? AND guild_high = ? "
                "AND status = 'active'",
                (low, high),
            )
            if linked is not None:
                raise PartnerError(
                    "This server is already linked with that one. /partners list shows your links."
                )
            await tx.execute(
                "UPDATE partner_invites SET used_at = ?, used_by_guild = ? "
                "WHERE id = ? AND used_at IS NULL",
                (to_db_time(now), guild_id, int(row["id"])),
            )
            link_id = await tx.insert(
                "INSERT INTO partner_links (guild_low, guild_high, invited_from, created_at) "
                "VALUES (?, ?, ?, ?)",
                (low, high, inviter, to_db_time(now)),
            )
        return Link(link_id, inviter, now, invited_here=False)

    async def links(self, guild_id: int) -> list[Link]:
        """This server's active links, oldest first."""
        rows = await self._db.fetchall(
            "SELECT id, guild_low, guild_high, invited_from, created_at FROM partner_links "
            "WHERE status = 'active' AND (guild_low = ? OR guild_high = ?) ORDER BY id",
            (guild_id, guild_id),
        )
        return [_link(row, guild_id) for row in rows]

    async def end(self, guild_id: int, partner_id: int) -> Ended:
        """End the active link with ``partner_id``, from this side."""
        low, high = sorted((guild_id, partner_id))
        async with self._db.transaction() as tx:
            link_id = await tx.fetchval(
                "SELECT id FROM partner_links WHERE guild_low = ? AND guild_high = ? "
                "AND status = 'active'",
                (low, high),
            )
            if link_id is None:
                raise PartnerError(
                    "This server is not linked with that one. /partners list shows your links."
                )
            await tx.execute(
                "UPDATE partner_links SET status = 'ended', ended_at = ?, ended_from = ? "
                "WHERE id = ?",
                (to_db_time(self._clock.now()), guild_id, int(link_id)),
            )
        return Ended(int(link_id), partner_id)

    async def findable_count(self, guild_id: int) -> int:
        """How many of this server's members chose to be found by partner networks."""
        count = await self._db.fetchval(
            "SELECT COUNT(*) FROM profiles WHERE guild_id = ? AND status = 'active' "
            "AND searchable = 1 AND partner_visible = 1",
            (guild_id,),
        )
        return int(count or 0)


def _link(row: Row, guild_id: int) -> Link:
    low, high = int(row["guild_low"]), int(row["guild_high"])
    return Link(
        id=int(row["id"]),
        partner_id=high if low == guild_id else low,
        since=from_db_time(row["created_at"]),
        invited_here=int(row["invited_from"]) == guild_id,
    )
