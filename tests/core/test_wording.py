"""The shared wording helpers: counts, cut text, dates, instants and people's names."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.challenge_areas import load_areas
from bot.text import calendar_date, discord_stamp, excerpt, fit, person, plural


def test_counts_agree_with_their_noun() -> None:
    assert plural(1, "event") == "1 event"
    assert plural(7, "pair") == "7 pairs"
    assert plural(0, "upcoming event") == "0 upcoming events"
    assert plural(2, "reply", "replies") == "2 replies"
    assert plural(1200, "attendee") == "1,200 attendees"


def test_text_is_cut_at_a_word_with_an_ellipsis_or_kept_whole() -> None:
    purpose = "How generative AI and encrypted platforms change how terrorists organise"
    assert fit(purpose, 200) == purpose
    cut = fit(purpose, 60)
    assert cut == "How generative AI and encrypted platforms change how…"
    assert len(cut) <= 60 and purpose.startswith(cut[:-1])
    assert excerpt("change how terrorists organise, recruit and plan", 20) == "change how…"


def test_area_one_liners_never_end_mid_word() -> None:
    for area in load_areas().areas:
        line = area.one_line
        assert not line.endswith("..."), line
        if line.endswith("…"):
            kept = line[:-1]
            assert area.purpose.startswith(kept), line
            assert not area.purpose[len(kept)].isalnum(), line  # the cut falls between words


def test_calendar_dates_are_written_out_whatever_the_locale() -> None:
    assert calendar_date(date(2026, 12, 2)) == "2 December 2026"
    assert calendar_date(datetime(2027, 1, 31, 23, 59, tzinfo=UTC)) == "31 January 2027"


def test_instants_are_discord_timestamps() -> None:
    moment = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
    assert discord_stamp(moment) == f"<t:{int(moment.timestamp())}:f>"
    assert discord_stamp(moment, "R") == f"<t:{int(moment.timestamp())}:R>"


def test_people_are_named_by_profile_then_display_name_escaped() -> None:
    assert person("Amira Haddad", "amira") == "Amira Haddad"
    assert person(None, "Nadia R.") == "Nadia R."
    assert person("  ", "") == "a member"
    assert person("*Quinn* @everyone") == "\\*Quinn\\* @\u2024everyone"
