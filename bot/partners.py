"""Which servers are linked as partner networks, and who in them may be found.

Shared by every feature that crosses a border (expert search, introductions, enquiries):
the links themselves are made and ended in cogs/partners. A link counts only while it is
active, and a member of another server only while they have opted in
(``profiles.partner_visible``): both are read from the database at the moment of use, so
an unlink or an opt-out takes effect at once.
"""

from __future__ import annotations

from bot.db import Database


async def linked_guild_ids(db: Database, guild_id: int) -> list[int]:
    """The servers currently linked with ``guild_id``, smallest id first."""
    rows = await db.fetchall(
        "SELECT guild_high AS other FROM partner_links WHERE guild_low = ? AND status = 'active' "
        "UNION SELECT guild_low FROM partner_links WHERE guild_high = ? AND status = 'active' "
        "ORDER BY other",
        (guild_id, guild_id),
    )
    return [int(row["other"]) for row in rows]


async def are_linked(db: Database, guild_id: int, other_guild_id: int) -> bool:
    """True while the two servers have an active link (a server is never its own partner)."""
    if guild_id == other_guild_id:
        return False
    low, high = sorted((guild_id, other_guild_id))
    found = await db.fetchval(
        "SELECT 1 FROM partner_links WHERE guild_low = ? AND guild_high = ? AND status = 'active'",
        (low, high),
    )
    return found is not None


async def visible_to_partners(db: Database, guild_id: int, user_id: int) -> bool:
    """An active, searchable member who chose to be found by partner networks."""
    found = await db.fetchval(
        "SELECT 1 FROM profiles WHERE guild_id = ? AND user_id = ? AND status = 'active' "
        "AND searchable = 1 AND partner_visible = 1",
        (guild_id, user_id),
    )
    return found is not None


async def may_reach(db: Database, from_guild_id: int, guild_id: int, user_id: int) -> bool:
    """May someone in ``from_guild_id`` find or ask this member of ``guild_id``? Only
    across an active link, and only a member who opted in."""
    return await are_linked(db, from_guild_id, guild_id) and await visible_to_partners(
        db, guild_id, user_id
    )
