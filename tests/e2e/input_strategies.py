"""What members might type, as hypothesis strategies, read from the synced command list.

Each option gets values Discord's client would let through: text up to the option's own
max_length (mixed scripts, right-to-left and zero-width characters, markdown, mention
syntax, huge numbers and far dates), whole numbers at and beyond their declared range, one
of the declared choices. A command added tomorrow is covered by what it declares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from sandbox.double import Upload

SUB_COMMAND, GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 6, 7, 8, 9, 10, 11

# Text a person pastes that has broken bots before: pings, markdown, direction overrides,
# numbers too big for a datetime, dates past year 9999, lone combining marks.
NASTY = [
    "@everyone",
    "@here please",
    "<@123456789012345678> <@&123456789012345678> <#123456789012345678>",
    "**bold** __under__ ~~gone~~ `code` ||spoiler|| > quote",
    "```py\nprint('x')\n```",
    "# heading\n- item\n[link](https://example.org)",
    "\u202eevil\u202c \u200b\u200d\u2066x\u2069",
    "مرحبا بالعالم שלום",
    "9" * 24,
    "999999999999999999999999 hours",
    "in 999999999999999999 years",
    "10^9 years",
    "-5",
    "0",
    "1e309",
    "NaN",
    "9999-12-31 23:59",
    "0001-01-01 00:00",
    "2027-13-01 10:00",
    "tomorrow 24:00",
    "now",
    "localtime",
    "Factory",
    "1d,1h,0m,-1h,999999999d",
    "0 0 31 2 *",
    "*/0 * * * *",
    "weekly",
    "   ",
    "\n\n",
    "%s %d {0} {name}",
    "'; DROP TABLE profiles; --",
    "🏳️‍🌈👩🏽‍🔬",
    "e\u0301" * 3,
]
SPECIAL_CHARACTERS = [
    *"@<>#&*_~`|\\[](){}:,;.-/\n\t ",
    "\u202e",
    "\u200f",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u0301",
    "ا",
    "ש",
    "中",
    "🙂",
]


@dataclass(frozen=True)
class Command:
    """One leaf slash command as synced: its full name, options and default permissions."""

    name: str
    options: tuple[dict[str, Any], ...]
    moderator_only: bool

    @property
    def autocompleted(self) -> list[dict[str, Any]]:
        return [o for o in self.options if o.get("autocomplete")]


def leaf_commands(synced: list[dict[str, Any]]) -> list[Command]:
    """Every command a member can run, walked from the synced list (subcommands, groups)."""
    found: list[Command] = []

    def walk(prefix: str, options: list[dict[str, Any]], hidden: bool) -> None:
        nested = [o for o in options if o["type"] in (SUB_COMMAND, GROUP)]
        if not nested:
            found.append(Command(prefix, tuple(options), hidden))
        for option in nested:
            walk(f"{prefix} {option['name']}", option.get("options") or [], hidden)

    for command in synced:
        if command.get("type", 1) == 1:
            hidden = command.get("default_member_permissions") not in (None, "")
            walk(command["name"], command.get("options") or [], hidden)
    return found


def _characters() -> st.SearchStrategy[str]:
    return st.one_of(
        st.characters(exclude_categories=["Cs"]),  # Discord's JSON carries no lone surrogate
        st.sampled_from(SPECIAL_CHARACTERS),
    )


def text(max_length: int | None, min_length: int = 1) -> st.SearchStrategy[str]:
    """Text within the declared bounds; the edges (the longest allowed) are drawn often."""
    longest = max_length or 6000
    shortest = max(min_length, 1)
    fill = st.sampled_from([*NASTY, "word ", "ب", "\u200b", "a"]).map(
        lambda seed: (seed * longest)[:longest]
    )
    return st.one_of(
        st.sampled_from([n for n in NASTY if shortest <= len(n) <= longest]),
        st.text(_characters(), min_size=shortest, max_size=longest),
        fill.filter(lambda value: len(value) >= shortest),
    )


def upload() -> st.SearchStrategy[Upload]:
    """A file a member attaches: any bytes (a photo by mistake, an empty file, one far over
    any size a command takes), pasted text, or TOML that is almost right."""
    names = st.sampled_from(["areas.toml", "challenge-areas.toml", "photo.jpg", "x", ".toml",
                             "مجالات.toml", "a" * 200 + ".toml"])  # fmt: skip
    toml = st.sampled_from([b"", b"[groups]\n", b"[[area]]\nslug = 'x'\n", b"area = 5\n",
                            b'[groups]\na = "A"\n[[area]]\nslug = "Bad Slug"\n'])  # fmt: skip
    data = st.one_of(
        st.binary(max_size=2_000),
        text(2_000).map(lambda typed: typed.encode("utf-8", "surrogatepass")),
        toml,
        st.sampled_from([b"\xff" * 150_000, b"#" * 100_001]),
    )
    return st.builds(Upload, names, data)


def integer(option: dict[str, Any]) -> st.SearchStrategy[int]:
    """Whole numbers in range and just beyond it, and the largest Discord carries (2^53)."""
    low = int(option.get("min_value", -(2**53)))
    high = int(option.get("max_value", 2**53))
    edges = [low, high, low - 1, high + 1, 0, -1, 2**53, -(2**53)]
    return st.one_of(st.sampled_from(edges), st.integers(low, high))


def number(option: dict[str, Any]) -> st.SearchStrategy[float]:
    low = float(option.get("min_value", -1e15))
    high = float(option.get("max_value", 1e15))
    edges = [low, high, 0.0, -0.0, 1e308, -1e308]
    return st.one_of(st.sampled_from(edges), st.floats(low, high, allow_nan=False))


@dataclass(frozen=True)
class Ids:
    """Ids a member can pick in user, channel and role options."""

    users: tuple[int, ...]
    channels: tuple[int, ...]
    roles: tuple[int, ...]


def value(option: dict[str, Any], ids: Ids) -> st.SearchStrategy[Any]:
    """A value for one option, as Discord's client could send it."""
    kind = option["type"]
    if option.get("choices"):
        return st.sampled_from([c["value"] for c in option["choices"]])
    if kind == STRING:
        return text(option.get("max_length"), int(option.get("min_length") or 1))
    if kind == INTEGER:
        return integer(option)
    if kind == NUMBER:
        return number(option)
    if kind == BOOLEAN:
        return st.booleans()
    if kind == USER:
        return st.sampled_from(ids.users)
    if kind == CHANNEL:
        return st.sampled_from(ids.channels)
    if kind in (ROLE, MENTIONABLE):
        return st.sampled_from(ids.roles)
    if kind == ATTACHMENT:
        return upload()
    raise AssertionError(f"option type {kind} ({option['name']}) has no strategy yet")


def form_values(modal: dict[str, Any]) -> st.SearchStrategy[dict[str, str]]:
    """Values for every text field of a form, within its lengths; optional ones may stay."""
    fields: dict[str, st.SearchStrategy[str | None]] = {}
    for row in modal.get("components") or []:
        inputs = [row["component"]] if row.get("type") == 18 else row.get("components") or []
        for field in inputs:
            if field.get("type") != 4:
                continue
            typed = text(int(field.get("max_length") or 4000), int(field.get("min_length") or 1))
            if field.get("required", True) and not field.get("value"):
                fields[field["custom_id"]] = typed
            else:
                fields[field["custom_id"]] = st.one_of(st.none(), typed)
    return st.fixed_dictionaries(fields).map(
        lambda drawn: {k: v for k, v in drawn.items() if v is not None}
    )
