"""How the audit channel names events and announcements: their titles and cards, not numbers.

The hub reads the other features' services (never their SQL) when an entry is mirrored, so
a moderator sees "the event 'Evaluation seminar' (#12)" with a link to its card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.audit_text import Target
from bot.text import escape_markdown

if TYPE_CHECKING:
    from bot.app import HubBot


def _service(bot: HubBot, cog_name: str) -> Any:
    cog = bot.get_cog(cog_name)
    return getattr(cog, "service", None)


def register_audit_targets(bot: HubBot) -> None:
    async def event(guild_id: int, number: int) -> Target | None:
        service = _service(bot, "EventsCog")
        found = await service.get(guild_id, number) if service else None
        if found is None:
            return None
        return Target(f"the event '{escape_markdown(found.title)}' (#{number})", found.link)

    async def announcement(guild_id: int, number: int) -> Target | None:
        service = _service(bot, "AnnouncementsCog")
        found = await service.get(guild_id, number) if service else None
        if found is None:
            return None
        title = found.title or (found.body.splitlines()[0] if found.body else "")
        name = f"the announcement '{escape_markdown(title)}' (#{number})" if title else None
        return Target(name or f"announcement #{number}")

    bot.audit_targets.register("event", event)
    bot.audit_targets.register("announcement", announcement)
