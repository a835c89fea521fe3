"""The "Introduce me" button under a partner network's search result: persistent, carrying
the expert's server and id, so it keeps working after a restart."""

from __future__ import annotations

from bot.ui import ActionButton


class PartnerAskButton(ActionButton, template=r"partners:ask:(?P<guild_id>\d+):(?P<expert_id>\d+)"):
    """Asks for an introduction to a member of a linked server; every check (the link, the
    member's opt-in, the limits) runs again on the click, so an old or forged button
    reaches no one who is not findable now."""

    action = "experts:ask_partner"
    keeps_label = True

    def __init__(self, guild_id: int, expert_id: int, label: str = "Request introduction") -> None:
        custom_id = f"partners:ask:{guild_id}:{expert_id}"
        super().__init__(custom_id, label, guild_id, expert_id)
