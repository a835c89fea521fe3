"""Reading the moderators' audit channel as they do: the sentence and its labelled details."""

from __future__ import annotations

from typing import Any

from tests.e2e.harness import Hub


def audit_text(message: Any) -> str:
    """A mirrored entry's sentence followed by its fields, one "Label: value" a line."""
    lines = [message.content]
    for embed in message.embeds:
        if embed.get("description"):
            lines.append(embed["description"])
        lines += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(lines)


def audit_texts(hub: Hub) -> list[str]:
    return [audit_text(m) for m in hub.messages("audit-log")]


async def audit_entry(hub: Hub, containing: str) -> Any:
    """Wait for the entry whose sentence contains ``containing``; return its message."""

    def found() -> Any:
        messages = reversed(hub.messages("audit-log"))
        return next((m for m in messages if containing in m.content), None)

    await hub.double.wait_for(lambda: found() is not None, 5.0, f"{containing!r} in #audit-log")
    return found()
