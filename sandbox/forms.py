"""Filling in a form (modal) the bot opened, field by field, as Discord's form would.

A short field is one line. A paragraph field (a bio, an event's description, an
announcement's body) may run over several lines, as in Discord: type them one by one and
end with a line holding only ``.``; an empty first line keeps what is in [brackets].
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

PARAGRAPH = 2
END_OF_FIELD = "."
MORE_PROMPT = "  | "
Ask = Callable[[str], Awaitable[str]]
Say = Callable[[str], None]


def modal_fields(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """The text inputs of a modal, in order, whether labelled (type 18) or in rows."""
    fields: list[dict[str, Any]] = []
    for row in modal.get("components", []):
        if row.get("type") == 18 and isinstance(row.get("component"), dict):
            fields.append({"label": row.get("label"), **row["component"]})
        for component in row.get("components", []):
            if component.get("type") == 4:
                fields.append(component)
    return fields


async def read_paragraph(first: str, ask: Ask) -> str:
    """The lines after ``first`` up to the one holding only ``.`` (or the end of input)."""
    if not first or first == END_OF_FIELD:
        return ""
    lines = [first]
    while True:
        line = await ask(MORE_PROMPT)
        if line.strip() == END_OF_FIELD:
            break
        lines.append(line)
    return "\n".join(lines).strip()


async def read_form(
    modal: dict[str, Any], ask: Ask, ask_paragraph: Ask, say: Say
) -> dict[str, str] | None:
    """Every field's value by custom id, or None when a required field stayed empty."""
    say(f"Form: {modal.get('title', '')} (Enter keeps what is in [brackets])")
    values: dict[str, str] = {}
    for field in modal_fields(modal):
        default = str(field.get("value") or "")
        label = str(field.get("label") or field["custom_id"])
        required = field.get("required", True)
        optional = "" if required or "optional" in label else " (optional)"
        shown = f" [{default}]" if default else ""
        paragraph = field.get("style") == PARAGRAPH
        if paragraph:
            say(f"  ({label}: several lines allowed; a line with only {END_OF_FIELD} ends it)")
        read = ask_paragraph if paragraph else ask
        typed = await read(f"  {label}{optional}{shown}: ")
        for _ in range(2):  # Discord keeps Submit greyed out until a required field is filled
            if typed or default or not required:
                break
            typed = await read(f"  {label} is required; please type it: ")
        if required and not (typed or default):
            say(f"The form was not sent: '{label}' is required. Click again to retry.")
            return None
        values[field["custom_id"]] = typed or default
    return values
