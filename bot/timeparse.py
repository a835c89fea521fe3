"""Parsing of the time values people type: durations ("90m", "1d 2h") and moments
("next Tuesday 15:00", "3 Dec 2pm", "morgen 14 Uhr", "Friday noon EST") in settings and
commands.

Kept in the core so every feature (and every setting) accepts the same spellings. A moment
is read in this order: a zone written in the text (bot.zone_text) wins over the zone the
caller gives (the member's profile, the chosen option or the server's); the time of day and
numeric dates are read strictly (bot.clock_text); dateparser reads the remaining date words
in the member's languages. "next Thursday" and "this Thursday" both mean the first Thursday
after today (tomorrow, typed on a Wednesday), and "next Wednesday" typed on a Wednesday is a
week away; every preview shows the weekday, the date and how far away it is, so a reading
the member did not mean is seen before anything is created.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.clock_text import (
    ClockError,
    is_relative,
    take_numeric_date,
    take_time_of_day,
    without_weekday_words,
)
from bot.text import calendar_date, excerpt
from bot.zone_text import ZoneInText, ZoneQuestion, find_zone

_UNIT_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)\s*(w|d|h|m|s)", re.IGNORECASE)
_WHOLE = re.compile(r"^\s*(?:\d+\s*[wdhms]\s*)+$", re.IGNORECASE)
_LONGEST_DURATION = 366 * 86_400  # a member never means more; bigger numbers overflow


def parse_duration(text: str) -> timedelta:
    """Read "1d", "2h 30m", "45m" or a bare number of seconds ("90").

    Raises ValueError with a message fit to show a person.
    """
    cleaned = text.strip()
    if cleaned.isdigit():
        seconds = int(cleaned)
    elif _WHOLE.match(cleaned):
        seconds = sum(int(n) * _UNIT_SECONDS[unit.lower()] for n, unit in _PART.findall(cleaned))
    else:
        raise ValueError(
            f"'{excerpt(text)}' is not a duration. Use forms like 45m, 2h, 1d or 1d 2h."
        )
    if seconds > _LONGEST_DURATION:
        raise ValueError(f"'{excerpt(text)}' is longer than I can use: give at most 365d.")
    return timedelta(seconds=seconds)


def parse_duration_list(text: str) -> list[timedelta]:
    """Read a comma-separated list of durations, largest first, without duplicates."""
    parts = [p for p in (s.strip() for s in text.split(",")) if p]
    durations = {parse_duration(p) for p in parts}
    return sorted(durations, reverse=True)


def format_duration(delta: timedelta) -> str:
    """The inverse of parse_duration, for replies and docs: 90 minutes -> "1h 30m"."""
    remaining = int(delta.total_seconds())
    if remaining == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts)


# -- moments ----------------------------------------------------------------------------------

MAX_AHEAD = timedelta(days=5 * 366)  # further than five years is a typo, not a plan
_DATE_SETTINGS: dict[str, object] = {"PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY"}
_LANGUAGE_CODES = {
    "english": "en", "german": "de", "french": "fr", "spanish": "es", "dutch": "nl",
    "italian": "it", "swedish": "sv", "norwegian": "nb", "danish": "da", "finnish": "fi",
    "polish": "pl", "portuguese": "pt", "hebrew": "he", "czech": "cs", "arabic": "ar",
    "turkish": "tr", "russian": "ru", "ukrainian": "uk", "indonesian": "id",
}  # fmt: skip
_DATEPARSER_LANGUAGES = frozenset({*_LANGUAGE_CODES.values(), "no"})


# Countries that write the month first in a slash date; in those that write the year first
# the order is asked, and everywhere else a slash date is day/month.
_MONTH_FIRST = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI", "UM"})
_ORDER_UNSETTLED = frozenset({"CA", "CN", "JP", "KR", "KP", "TW", "HU", "LT", "MN", "IR"})


@dataclass(frozen=True)
class TimeContext:
    """How to read one member's typed times: the zone used when the text names none (and
    words saying where it comes from), their languages, and their country's date order."""

    zone: str
    zone_words: str = ""  # "your profile's zone, Europe/London"
    languages: tuple[str, ...] = ("en",)
    month_first: bool | None = None

    @classmethod
    def of_member(
        cls,
        chosen: str | None,
        profile_zone: str | None,
        server_zone: str,
        locale: str | None = None,
        spoken: Iterable[str] = (),
        country: str | None = None,
    ) -> TimeContext:
        """The zone chosen in the command, else the profile's, else the server's."""
        if chosen:
            zone, words = chosen, f"the zone you chose, {chosen}"
        elif profile_zone:
            zone, words = profile_zone, f"your profile's zone, {profile_zone}"
        else:
            zone, words = server_zone, f"the server's zone, {server_zone}"
        return cls(zone, words, reading_languages(locale, spoken), month_first_in(country))

    def with_zone(self, zone: str, words: str) -> TimeContext:
        return TimeContext(zone, words, self.languages, self.month_first)

    def read(self, text: str, now: datetime) -> When:
        return read_when(text, ZoneInfo(self.zone), now, self.languages, self.month_first)

    def zone_kept(self, when: When, chosen: bool) -> str:
        """The zone an event or announcement keeps (its repeats' wall clock): the zone named
        in the text ("14:00 Europe/Berlin", "15:00 ET", "14:00 CET" in winter) unless one
        was chosen in the command; a bare offset or an out-of-season abbreviation keeps this
        context's zone, since no place's clock follows it."""
        if chosen or not when.from_text or when.zone is None or when.note:
            return self.zone
        return when.zone


def month_first_in(country: str | None) -> bool | None:
    """True where slash dates are month/day, None where it is unknown or year-first."""
    if not country or country.upper() in _ORDER_UNSETTLED:
        return None
    return country.upper() in _MONTH_FIRST


def when_examples(now: datetime) -> str:
    """Examples for help and refusals, from today so they never show a date in the past."""
    later = now.astimezone(UTC) + timedelta(days=14)
    return (
        f'"next Tuesday 15:00", "tomorrow 9am CET", "{later:%Y-%m-%d} 14:00" or '
        f'"{later.day} {later:%b} 2pm"'
    )


def reading_languages(locale: str | None, spoken: Iterable[str] = ()) -> tuple[str, ...]:
    """The languages to read a typed time in: the member's Discord locale ("de", "pt-BR"),
    then the languages of their profile (names or codes), and always English."""
    found: list[str] = []
    for item in (locale or "", *spoken):
        name = item.strip().casefold()
        code = _LANGUAGE_CODES.get(name, name.split("-")[0])
        code = "nb" if code == "no" else code
        if code in _DATEPARSER_LANGUAGES and code not in found:
            found.append(code)
    return (*[c for c in found if c != "en"][:3], "en")


@dataclass(frozen=True)
class When:
    """A moment as read: the instant, the zone a repeat follows, and how it was read."""

    instant: datetime  # aware, in UTC
    zone: str | None  # the IANA zone named in the text, if any
    written: str  # the zone as it is named back: "CET", "Europe/London", "UTC+05:30"
    from_text: bool  # the zone was written in the text (else it is the caller's)
    local: datetime  # the wall clock as read, aware in the zone it was read in
    note: str = ""  # "EDT is UTC−4; New York is on EST (UTC−5) then."

    def reading(self, now: datetime, zone_words: str = "") -> str:
        """ "Read as Thursday 3 December, 14:00 CET (13:00 UTC), tomorrow: the zone is from
        your text." — for previews, so a misreading shows before Confirm."""
        day = day_words(self.local.date(), now.astimezone(self.local.tzinfo).date())
        utc = self.instant.astimezone(UTC)
        clock = f"{self.local:%H:%M} {self.written}" if self.from_text else f"{self.local:%H:%M}"
        text = f"Read as {day_and_date(self.local.date(), now)}, {clock}"
        if self.written != "UTC":
            on = f" on {utc.day} {utc:%B}" if utc.date() != self.local.date() else ""
            text += f" ({utc:%H:%M} UTC{on})"
        text += f", {day}"
        source = "the zone is from your text" if self.from_text else f"read in {zone_words}"
        text += f": {source}." if self.from_text or zone_words else "."
        return f"{text} {self.note}".strip()


def day_and_date(day: date, now: datetime) -> str:
    """ "Thursday 3 December", with the year when it is not this year."""
    text = f"{day:%A} {day.day} {day:%B}"
    return text if day.year == now.year else f"{text} {day.year}"


def day_words(day: date, today: date) -> str:
    """How far away a day is, in words: today, tomorrow, in 5 days, in 3 weeks."""
    days = (day - today).days
    if days <= 1:
        return {0: "today", 1: "tomorrow"}.get(days, f"{-days} days ago")
    if days < 14:
        return f"in {days} days"
    if days < 63:
        return f"in {days // 7} weeks"
    return f"in {round(days / 30.44)} months"


def parse_when(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """The instant of ``read_when`` alone, for callers that need no reading."""
    return read_when(text, zone, now).instant


def read_when(
    text: str,
    zone: ZoneInfo,
    now: datetime,
    languages: Iterable[str] = ("en",),
    month_first: bool | None = None,
) -> When:
    """Read a future moment a person typed; ``zone`` is used when the text names none.

    Refuses what a person would likely get wrong rather than guessing, with a message that
    says what to type instead (ValueError): an impossible time or date, "03/12" when the
    member's country does not settle the order, a day without a time of day, a wall-clock
    time a daylight-saving jump skips or repeats (the message gives both instants), an
    abbreviation that names several zones (ZoneQuestion), and anything not after ``now`` or
    more than five years ahead.
    """
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > 100:
        raise ValueError(f"Give a time of up to 100 characters, such as {when_examples(now)}.")
    try:
        named, rest = find_zone(cleaned)
        _refuse_now_or_odd_span(rest, cleaned, now)
        tz: tzinfo = named.tz if named is not None else zone
        local_now = now.astimezone(tz)
        if is_relative(rest):
            local = _relative(rest, local_now, tuple(languages), cleaned)
        else:
            local = _absolute(rest, local_now, tuple(languages), month_first, cleaned)
    except ZoneQuestion:
        raise
    except ClockError as exc:
        raise ValueError(f"{exc}") from exc
    return _checked_moment(cleaned, local, named, zone, now)


_NOW = re.compile(
    r"^(?:right\s+)?(?:now|immediately|asap|jetzt|sofort|maintenant|ahora|adesso|nu|nå|nyt|"
    r"heti|teraz|agora)$",
    re.IGNORECASE,
)
_SPAN = re.compile(
    r"\bin\s+([-−]?)\s*(\d+)\s*(years?|yrs?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?)\b",
    re.IGNORECASE,
)
_SPAN_DAYS = {"y": 366, "m": 31, "w": 7, "d": 1, "h": 1 / 24}


def _refuse_now_or_odd_span(rest: str, typed: str, now: datetime) -> None:
    """ "now", "in -5 hours" and "in 1000000000 years" get an answer about what they are,
    not "has no time of day", which would mislead."""
    if _NOW.match(rest.strip()):
        raise ValueError(
            f"'{excerpt(typed)}' will have passed by the time this is created. Give a time "
            "at least a minute ahead, such as 'in 5 minutes'."
        )
    for sign, number, unit in _SPAN.findall(rest):
        if sign:
            raise ValueError(f"'{excerpt(typed)}' is in the past. Give a future time.")
        key = unit[0].lower() if not unit.lower().startswith("mi") else "n"
        days = int(number[:12]) * _SPAN_DAYS.get(key, 1 / 1440)
        if days > MAX_AHEAD.days:
            raise ValueError(
                f"'{excerpt(typed)}' is more than five years ahead. Give a date before "
                f"{(now + MAX_AHEAD):%Y}."
            )


def _relative(rest: str, local_now: datetime, languages: tuple[str, ...], typed: str) -> datetime:
    """ "in 2 hours": now plus the span, counted in real time across a clock change."""
    import dateparser  # here, not at start-up: ~30 ms

    base = local_now.replace(tzinfo=None)
    parsed = dateparser.parse(
        rest, languages=list(languages), settings={**_DATE_SETTINGS, "RELATIVE_BASE": base}
    )
    if parsed is None:
        raise ClockError(f"I could not read '{excerpt(typed)}' as a time.")
    return (local_now + (parsed - base)).astimezone(local_now.tzinfo)


def _absolute(
    rest: str,
    local_now: datetime,
    languages: tuple[str, ...],
    month_first: bool | None,
    typed: str,
) -> datetime:
    """A day and a time of day, as naive wall-clock time (the zone is attached after)."""
    at, rest = take_time_of_day(rest)
    numeric, rest = take_numeric_date(rest, month_first)
    if at is None:
        raise ClockError(
            f"'{excerpt(typed)}' has no time of day. Add one, for example "
            f"{when_examples(local_now)}."
        )
    if numeric is not None:
        if rest:
            raise ClockError(f"I could not read '{excerpt(typed)}' as a time.")
        day = _numeric_day(numeric.year, numeric.month, numeric.day, local_now, at)
    elif rest:
        day = _day_in_words(rest, local_now, languages, typed)
    else:  # a time alone: the next time the clock shows it
        today = local_now.date()
        after = datetime.combine(today, at) <= local_now.replace(tzinfo=None)
        day = today + timedelta(days=1) if after else today
    return datetime.combine(day, at)


def _numeric_day(year: int | None, month: int, day: int, local_now: datetime, at: time) -> date:
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            raise ClockError(f"{year} has no {day} {date(2024, month, 1):%B}.") from None
    for candidate_year in range(local_now.year, local_now.year + 9):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue  # 29 February: the next leap year
        if datetime.combine(candidate, at) > local_now.replace(tzinfo=None):
            return candidate
    raise ClockError("That date does not come again soon. Give the year too.")


def _day_in_words(rest: str, local_now: datetime, languages: tuple[str, ...], typed: str) -> date:
    import dateparser  # here, not at start-up: ~30 ms

    base = local_now.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    settings = {**_DATE_SETTINGS, "RELATIVE_BASE": base}
    parsed = dateparser.parse(rest, languages=list(languages), settings=settings)
    shorter = without_weekday_words(rest)
    if parsed is None and shorter and shorter != rest:
        parsed = dateparser.parse(shorter, languages=list(languages), settings=settings)
    if parsed is None:
        raise ClockError(
            f"I could not read '{excerpt(typed)}' as a time. Check that the day exists, or "
            f"try {when_examples(local_now)}."
        )
    return parsed.date()


def _checked_moment(
    typed: str, local: datetime, named: ZoneInText | None, zone: ZoneInfo, now: datetime
) -> When:
    tz = named.tz if named is not None else zone
    if isinstance(tz, ZoneInfo):
        _refuse_gap_or_fold(local, tz)
    moment = local.replace(tzinfo=tz)
    instant = moment.astimezone(UTC)
    if instant <= now:
        raise ValueError(
            f"'{excerpt(typed)}' is {_wall_clock(moment)} {_zone_name(named, zone)}, which "
            "is in the past. Give a future time."
        )
    if instant > now + MAX_AHEAD:
        raise ValueError(
            f"'{excerpt(typed)}' is more than five years ahead. Give a date before "
            f"{(now + MAX_AHEAD):%Y}."
        )
    return When(
        instant=instant,
        zone=named.zone if named is not None else zone.key,
        written=_zone_name(named, zone),
        from_text=named is not None,
        local=moment,
        note=named.season_note(instant) if named is not None else "",
    )


def _wall_clock(local: datetime) -> str:
    """ "28 March 2027 01:30": a time on a zone's own clock, as people write it (a Discord
    timestamp would show it in the reader's zone, which is not what these answers are about)."""
    return f"{calendar_date(local.date())} {local:%H:%M}"


def _zone_name(named: ZoneInText | None, zone: ZoneInfo) -> str:
    return named.written if named is not None else zone.key


def _refuse_gap_or_fold(local: datetime, tz: ZoneInfo) -> None:
    """A wall-clock time the clocks skip is refused; one they show twice is asked about."""
    first = local.replace(tzinfo=tz, fold=0)
    second = local.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return
    at = _wall_clock(local)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
        raise ValueError(
            f"{at} does not exist in {tz.key}: the clocks jump forward then. Pick a time an "
            "hour later (or earlier)."
        )
    before, after = first.astimezone(UTC), second.astimezone(UTC)
    raise ZoneQuestion(
        f"{at} happens twice in {tz.key}: the clocks go back then. Type '{at} "
        f"{_offset_text(first)}' for the first, before the change ({before:%H:%M} UTC), or "
        f"'{at} {_offset_text(second)}' for the second, after it ({after:%H:%M} UTC).",
        (),
    )


def _offset_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
