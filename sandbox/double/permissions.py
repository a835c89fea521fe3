"""A member's permissions in one channel, computed from roles and overwrites as Discord does.

Discord's documented order: the @everyone role and the member's roles give the base (all of
them with Administrator); then the channel's @everyone overwrite, the member's roles'
overwrites together, and the member's own overwrite, each removing ``deny`` then adding
``allow``. Without View Channel nothing else counts; without Send Messages, Embed Links and
Attach Files go too. A thread takes its parent channel's overwrites. discord.py computes the
same from the overwrites in channel payloads, so the bot and the double agree on what is
allowed unless the bot was not told of a change, as on Discord.
"""

from __future__ import annotations

from typing import Any

from sandbox.double.state import (
    ADMINISTRATOR,
    ATTACH_FILES,
    EMBED_LINKS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    Guild,
)

ALL = (1 << 50) - 1
ROLE, MEMBER = 0, 1  # overwrite types


def channel_permissions(guild: Guild, channel: Channel, user_id: int) -> int:
    """What ``user_id`` may do in ``channel`` (for a thread: in its parent's overwrites)."""
    bits = guild.permissions_of(user_id)
    if bits & ADMINISTRATOR or user_id == guild.owner_id:
        return ALL
    source = guild.channels.get(channel.parent_id or 0) if channel.is_thread else channel
    overwrites = {o["id"]: o for o in (source.permission_overwrites if source else [])}
    member = guild.members.get(user_id)
    roles = {str(r) for r in member.roles} if member else set()
    bits = _apply(bits, [overwrites[str(guild.id)]] if str(guild.id) in overwrites else [])
    bits = _apply(bits, [o for key, o in overwrites.items() if key in roles and o["type"] == ROLE])
    own = overwrites.get(str(user_id))
    bits = _apply(bits, [own] if own and own["type"] == MEMBER else [])
    if not bits & VIEW_CHANNEL:
        return 0
    if not channel.is_thread and not bits & SEND_MESSAGES:
        bits &= ~(EMBED_LINKS | ATTACH_FILES)
    return bits


def _apply(bits: int, overwrites: list[dict[str, str | int]]) -> int:
    """Several overwrites of one level count together: all denies, then all allows."""
    deny = allow = 0
    for overwrite in overwrites:
        deny |= int(overwrite["deny"])
        allow |= int(overwrite["allow"])
    return (bits & ~deny) | allow


class ChannelOverwrites:
    """Test helpers on the double: change a channel's overwrites as a moderator would."""

    channels: dict[int, Channel]

    def announce(self, event: str, data: dict[str, Any]) -> None:
        raise NotImplementedError  # the double's own, which tells a connected bot

    def set_overwrite(
        self,
        channel_id: int,
        target_id: int,
        *,
        allow: int = 0,
        deny: int = 0,
        member: bool = False,
        announce: bool = True,
    ) -> None:
        """Set one overwrite. With ``announce=False`` the bot is not told (CHANNEL_UPDATE),
        as when its picture of the channel is out of date."""
        channel = self.channels[channel_id]
        entry: dict[str, str | int] = {
            "id": str(target_id), "type": MEMBER if member else ROLE,
            "allow": str(allow), "deny": str(deny),
        }  # fmt: skip
        kept = [o for o in channel.permission_overwrites if o["id"] != str(target_id)]
        channel.permission_overwrites = [*kept, entry]
        if announce:
            self.announce("CHANNEL_UPDATE", channel.payload())
