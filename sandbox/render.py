"""What a member would see, as plain text: messages, embeds, buttons and selects.

Discord timestamps (``<t:UNIX:F>``) are shown in the acting member's time zone, mentions
as names, embeds in a frame, and every button and select gets a number for ``click N`` and
``choose N ...``. Pure functions over the double's messages, so they are tested alone.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.double.state import Message

WIDTH = 78
BUTTON, SELECT_TYPES = 2, (3, 5, 6, 7, 8)
LINK_STYLE = 5
TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
MENTION = re.compile(r"<(@!?|@&|#)(\d+)>")
ESCAPED = re.compile(r"\\([*_~`|>#\-\\])")


@dataclass
class Choice:
    """A numbered button or select on a shown message."""

    number: int
    message: Message
    component: dict[str, Any]

    @property
    def custom_id(self) -> str:
        return str(self.component.get("custom_id", ""))

    @property
    def is_button(self) -> bool:
        return self.component.get("type") == BUTTON

    @property
    def options(self) -> list[dict[str, Any]]:
        return list(self.component.get("options") or [])

    @property
    def label(self) -> str:
        found = self.component.get("label") or self.component.get("placeholder")
        return str(found or self.custom_id)


@dataclass
class Renderer:
    """Renders for one viewer: their zone, the moment "now" is, and how ids become names."""

    zone: ZoneInfo
    now: datetime
    name_of: Callable[[str, int], str]  # ("user" | "channel" | "role", id) -> name
    choices: list[Choice] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)  # attachments, for ``open N``

    # -- text ------------------------------------------------------------------------------

    def text(self, raw: str) -> str:
        """Timestamps in the viewer's zone, mentions as names, markdown markers removed."""
        shown = TIMESTAMP.sub(lambda m: self.moment(int(m[1]), m[2] or "f"), raw)
        shown = MENTION.sub(self._mention, shown)
        shown = shown.replace("**", "").replace("__", "")
        return ESCAPED.sub(r"\1", shown)

    def moment(self, unix: int, style: str) -> str:
        when = datetime.fromtimestamp(unix, UTC).astimezone(self.zone)
        zone = when.strftime("%Z")
        formats = {
            "t": f"%H:%M {zone}",
            "T": f"%H:%M:%S {zone}",
            "d": "%Y-%m-%d",
            "D": "{day} %B %Y",
            "f": f"{{day}} %B %Y %H:%M {zone}",
            "F": f"%A, {{day}} %B %Y %H:%M {zone}",
        }
        if style == "R":
            return relative(when, self.now)
        # %-d is not portable; the day without a leading zero is put in by hand.
        return when.strftime(formats.get(style, formats["f"])).replace("{day}", str(when.day))

    def _mention(self, match: re.Match[str]) -> str:
        kind = {"@": "user", "@!": "user", "@&": "role", "#": "channel"}[match[1]]
        prefix = "#" if kind == "channel" else "@"
        return prefix + self.name_of(kind, int(match[2]))

    # -- messages ------------------------------------------------------------------------------

    def message(self, message: Message, heading: str | None = None) -> list[str]:
        lines: list[str] = []
        if heading:
            lines.append(heading)
        if message.ephemeral:
            lines.append("(only you can see this)")
        if message.deleted:
            lines.append("(this message was deleted)")
        if message.content:
            lines.extend(self._wrapped(self.text(message.content)))
        for embed in message.embeds:
            lines.extend(self.embed(embed))
        for attachment in message.attachments:
            self.files.append(attachment)
            size = attachment.get("size")
            extra = f", {size} bytes" if size else ""
            name = attachment.get("filename", "attachment")
            lines.append(f"[file: {name}{extra}] (open {len(self.files)} shows it)")
        lines.extend(self.components(message))
        return lines

    def embed(self, embed: dict[str, Any]) -> list[str]:
        inner = WIDTH - 4
        body: list[str] = []
        if embed.get("author", {}).get("name"):
            body.append(self.text(embed["author"]["name"]))
        if embed.get("title"):
            body.append(self.text(str(embed["title"])))
        if embed.get("description"):
            body.extend(self._wrapped(self.text(str(embed["description"])), inner))
        for item in embed.get("fields", []):
            body.append("")
            body.append(f"▸ {self.text(str(item.get('name', '')))}")
            body.extend(self._wrapped(self.text(str(item.get("value", ""))), inner - 2, "  "))
        footer = [self.text(str(embed.get("footer", {}).get("text", "")))]
        if embed.get("timestamp"):
            stamp = datetime.fromisoformat(str(embed["timestamp"]).replace("Z", "+00:00"))
            footer.append(self.moment(int(stamp.timestamp()), "f"))
        footer_text = " · ".join(f for f in footer if f)
        if footer_text:
            body.extend(["", *self._wrapped(footer_text, inner)])
        return ["┌" + "─" * (WIDTH - 2), *(f"│ {line}" for line in body), "└" + "─" * (WIDTH - 2)]

    def components(self, message: Message) -> list[str]:
        lines: list[str] = []
        buttons: list[str] = []
        for component in _flatten(message.components):
            kind = component.get("type")
            if kind == BUTTON:
                if component.get("style") == LINK_STYLE:
                    buttons.append(f"[link: {component.get('label', '')} {component.get('url')}]")
                    continue
                choice = self._numbered(message, component)
                off = " (disabled)" if component.get("disabled") else ""
                buttons.append(f"[{choice.number}] {choice.label}{off}")
            elif kind in SELECT_TYPES:
                if buttons:
                    lines.append("  ".join(buttons))
                    buttons = []
                lines.extend(self._select(self._numbered(message, component)))
        if buttons:
            lines.append("  ".join(buttons))
        return lines

    def _select(self, choice: Choice) -> list[str]:
        component = choice.component
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        how = "choose one" if high == 1 else f"choose {low} to {high}"
        lines = [f"[{choice.number}] {choice.label} ({how})"]
        entries = [
            f"{i}){'*' if o.get('default') else ''} {o.get('label', o.get('value'))}"
            for i, o in enumerate(choice.options, start=1)
        ]
        lines.extend(pack(entries, WIDTH - 5, "     "))
        return lines

    def _numbered(self, message: Message, component: dict[str, Any]) -> Choice:
        choice = Choice(len(self.choices) + 1, message, component)
        self.choices.append(choice)
        return choice

    @staticmethod
    def _wrapped(text: str, width: int = WIDTH, indent: str = "") -> list[str]:
        lines: list[str] = []
        for paragraph in text.split("\n"):
            if not paragraph.strip():
                lines.append("")
                continue
            lines.extend(
                textwrap.wrap(paragraph, width, initial_indent=indent, subsequent_indent=indent)
            )
        return lines


def pack(entries: list[str], width: int, indent: str) -> list[str]:
    """Lay entries out in lines, never breaking one (so "5) New Zealand" stays whole)."""
    lines: list[str] = []
    current = ""
    for entry in entries:
        candidate = f"{current}   {entry}" if current else entry
        if current and len(indent) + len(candidate) > width:
            lines.append(indent + current)
            candidate = entry
        current = candidate
    if current:
        lines.append(indent + current)
    return lines


def _flatten(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for component in components:
        if component.get("type") in (BUTTON, *SELECT_TYPES):
            found.append(component)
        found.extend(_flatten(component.get("components", [])))
        if isinstance(component.get("component"), dict):
            found.extend(_flatten([component["component"]]))
    return found


UNITS = (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600),
         ("minute", 60))  # fmt: skip


def relative(when: datetime, now: datetime) -> str:
    """Discord's relative style: "in 3 hours", "2 days ago"."""
    seconds = (when - now).total_seconds()
    # A job runs a moment after its due time: 59 min 59.9 s reads "1 hour", as in Discord.
    size = round(abs(seconds) / 60) * 60 if abs(seconds) >= 60 else abs(seconds)
    unit, length = next(((u, n) for u, n in UNITS if size >= n), ("", 0))
    if not length:
        return "in a few seconds" if seconds >= 0 else "a few seconds ago"
    count = round(size / length)
    words = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"in {words}" if seconds >= 0 else f"{words} ago"


def parse_picks(text: str, choice: Choice) -> list[str]:
    """``1,3`` or ``GB`` or ``2 United States`` -> option values of the select."""
    options = choice.options
    picks: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part.isdigit() and 1 <= int(part) <= len(options):
            picks.append(str(options[int(part) - 1]["value"]))
            continue
        match = next(
            (o for o in options
             if part.casefold() in (str(o["value"]).casefold(), str(o.get("label")).casefold())),
            None,
        )  # fmt: skip
        if match is None:
            raise ValueError(
                f"'{part}' is not one of the {len(options)} options of [{choice.number}]. "
                "Give their numbers, e.g. choose "
                f"{choice.number} 1,3."
            )
        picks.append(str(match["value"]))
    return picks
