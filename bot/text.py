"""Cleaning the text members type before it is stored or shown to anyone.

Invisible characters (zero-width, direction overrides) are removed because they can disguise
a name or reverse how a line reads; markdown is escaped where a card would render it; no
member text is ever allowed to ping (that is AllowedMentions.none() at every send).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

# Zero-width and bidirectional control characters, plus other invisible format characters.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\ufeff\u180e\u00ad]"
)
_LINK = re.compile(r"(https?://|www\.|discord\.gg/)\S*", re.IGNORECASE)
_MENTION = re.compile(r"<(@[!&]?|#)\d+>|@(everyone|here)\b")
_MARKDOWN = re.compile(r"([\\*_`~|\[\]])")
_LINE_START = re.compile(r"^(\s*)([#>-])", re.MULTILINE)
_SPACES = re.compile(r"[ \t]+")


def clean(text: str) -> str:
    """Normalise (NFC), drop invisible control characters, trim, collapse inner spaces."""
    normalised = unicodedata.normalize("NFC", text)
    visible = _INVISIBLE.sub("", normalised)
    visible = "".join(c for c in visible if c in "\n\t" or unicodedata.category(c) != "Cc")
    lines = [_SPACES.sub(" ", line).strip() for line in visible.splitlines()]
    return "\n".join(lines).strip()


def has_link(text: str) -> bool:
    return _LINK.search(text) is not None


def has_mention(text: str) -> bool:
    return _MENTION.search(text) is not None


def escape_markdown(text: str) -> str:
    """Escape markdown so a name like '*admin*' shows as typed and cannot break a card."""
    return _LINE_START.sub(r"\1\\\2", _MARKDOWN.sub(r"\\\1", text))


def defuse_mentions(text: str) -> str:
    """Break mention syntax visibly (for places that render it), besides AllowedMentions.none()."""
    return re.sub(r"@(everyone|here)", "@\u2024\\1", text)


def excerpt(text: str, limit: int = 40) -> str:
    """A short, safe quote of what a member typed, for replies that say what was wrong.

    Replies must fit Discord's 2,000 characters whatever was pasted, so a quote is one line
    cut at a word (with an ellipsis), with markdown escaped and mentions broken.
    """
    return defuse_mentions(escape_markdown(fit(" ".join(clean(text).split()), limit + 1)))


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 event", "2 events", "1,200 replies": a count with its noun, never "event(s)"."""
    noun = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {noun}"


def fit(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters at a line or word, with an ellipsis, for Discord's
    hard limits (2,000 per message, 4,096 per embed description, 100 per label).

    The one way text is shortened for display: a reader never meets half a word
    ("change how ter…"); the full text is kept whenever it fits.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for mark in ("\n", " "):
        if mark in cut[limit // 2 :]:
            cut = cut[: cut.rindex(mark)]
            break
    return cut.rstrip(" ,.;:-") + "…"


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def calendar_date(day: date) -> str:
    """ "2 December 2026": the one written form of a calendar date (a deadline, a pause, the
    day a request was made). Instants are shown as Discord timestamps instead, so each
    reader sees their own time; a day has no time zone, and "2026-12-02" reads like data.
    English month names whatever the machine's locale."""
    if isinstance(day, datetime):
        day = day.date()
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def discord_stamp(moment: datetime, style: str = "f") -> str:
    """A moment as a Discord timestamp ("<t:1796313600:f>"), which each reader sees in their
    own time zone and language: the one way an instant is shown, also by modules that do not
    import discord (their messages reach people through the cogs)."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def person(
    profile_name: str | None, shown_name: str | None = None, fallback: str = "a member"
) -> str:
    """How a member is named to other people: the name in their profile, else their server
    display name, escaped so it renders as typed and cannot ping. Never a login handle when
    a real name is known, never an internal id."""
    for name in (profile_name, shown_name):
        if name and name.strip():
            return defuse_mentions(escape_markdown(clean(name)))
    return fallback
