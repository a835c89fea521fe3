"""Pacing requests under Discord's global limit (no Discord here).

A reminder to 1,000 members is 2,000 requests (open the DM, send it). Sending as fast as
possible earns 429s, and each costs up to a second of waiting for everyone; pacing to the
limit keeps the fan-out close to the minimum time the limit allows. The pacer itself is the
bot's one limiter (``bot.ratelimit``), which every request and retry goes through.
"""

from __future__ import annotations

from bot.ratelimit import Pacer

__all__ = ["Pacer", "mention_messages"]


def mention_messages(
    text: str, user_ids: list[int], limit: int = 2000, most: int = 100
) -> list[list[int]]:
    """Split members into as few messages as fit: ``text``, a newline, then their mentions,
    each message at most ``limit`` characters and ``most`` mentions (Discord's cap on the
    users an allowed-mentions list may name)."""
    groups: list[list[int]] = []
    length = 0
    for user_id in user_ids:
        mention = len(f"<@{user_id}>")
        if groups and length + 1 + mention <= limit and len(groups[-1]) < most:
            groups[-1].append(user_id)
            length += 1 + mention
        else:
            groups.append([user_id])
            length = len(text) + 1 + mention
    return groups
