"""What organisers in many countries type, and the instant (or the refusal, or the question)
each must give. Now is Wednesday 2 December 2026, 10:00 UTC: 10:00 in London, 11:00 in
Berlin, 05:00 in New York, 19:00 in Tokyo, 21:00 in Sydney, 15:30 in Kolkata.

Expected instants were worked out by hand from the zones' offsets on those dates, not with
the code under test.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.timeparse import TimeContext, read_when, reading_languages
from bot.zone_text import ZoneQuestion

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)

LON, BER, NYC, CHI = "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago"
TYO, SYD, KOL = "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata"

# (typed, organiser's zone, their locale, their country, expected UTC "YYYY-MM-DD HH:MM")
INSTANTS = [
    # A zone written in the text wins over the organiser's own.
    ("tomorrow 14:00 CET", LON, "en-GB", "GB", "2026-12-03 13:00"),
    ("Friday noon EST", LON, "en-GB", "GB", "2026-12-04 17:00"),
    ("2026-12-10T14:00:00Z", CHI, "en-US", "US", "2026-12-10 14:00"),
    ("14:00 UTC", TYO, "ja", "JP", "2026-12-02 14:00"),
    ("tomorrow 14:00 PST", LON, None, None, "2026-12-03 22:00"),
    ("tomorrow 09:00 AEST", LON, None, None, "2026-12-02 23:00"),
    ("tomorrow 14:00 ET", LON, None, None, "2026-12-03 19:00"),
    ("tomorrow 14:00 GMT+2", LON, None, None, "2026-12-03 12:00"),
    ("tomorrow 14:00 +05:30", LON, None, None, "2026-12-03 08:30"),
    ("14:00 Europe/Berlin tomorrow", LON, None, None, "2026-12-03 13:00"),
    ("tomorrow 14:00 europe/berlin", NYC, None, None, "2026-12-03 13:00"),
    ("tomorrow 14:00 London time", NYC, None, None, "2026-12-03 14:00"),
    ("tomorrow 3pm Berlin time", NYC, None, None, "2026-12-03 14:00"),
    ("tomorrow 9am New York time", TYO, None, None, "2026-12-03 14:00"),
    ("2027-01-15 15:00 EDT", LON, None, None, "2027-01-15 19:00"),
    ("tomorrow 14:00 UTC-5", LON, None, None, "2026-12-03 19:00"),
    ("tomorrow 14:00 CDT", LON, None, None, "2026-12-03 19:00"),
    ("tomorrow 14:00 MST", LON, None, None, "2026-12-03 21:00"),
    ("tomorrow 14:00 PDT", LON, None, None, "2026-12-03 21:00"),
    ("tomorrow 14:00 AEDT", LON, None, None, "2026-12-03 03:00"),
    ("tomorrow 14:00 ACST", LON, None, None, "2026-12-03 04:30"),
    ("tomorrow 14:00 AWST", LON, None, None, "2026-12-03 06:00"),
    ("tomorrow 14:00 NZDT", LON, None, None, "2026-12-03 01:00"),
    ("tomorrow 14:00 NZST", LON, None, None, "2026-12-03 02:00"),
    ("tomorrow 14:00 GMT", NYC, None, None, "2026-12-03 14:00"),
    ("tomorrow 14:00 EET", LON, None, None, "2026-12-03 12:00"),
    ("tomorrow 14:00 CEST", LON, None, None, "2026-12-03 12:00"),
    ("tomorrow 14:00 EDT", LON, None, None, "2026-12-03 18:00"),
    ("tomorrow 14:00 Asia/Kolkata", LON, None, None, "2026-12-03 08:30"),
    ("tomorrow 14:00 Sydney time", LON, None, None, "2026-12-03 03:00"),
    ("2026-12-10T14:00+02:00", TYO, None, None, "2026-12-10 12:00"),
    ("2026-12-10 14:00 -0500", LON, None, None, "2026-12-10 19:00"),
    ("tomorrow 14:00 utc", TYO, None, None, "2026-12-03 14:00"),
    ("tomorrow 14:00 cet", LON, None, None, "2026-12-03 13:00"),
    ("tomorrow 14:00 Z", SYD, None, None, "2026-12-03 14:00"),
    ("tomorrow 14:00 PT", LON, None, None, "2026-12-03 22:00"),
    ("morgen 14 Uhr CET", LON, "de", "DE", "2026-12-03 13:00"),
    # No zone in the text: the organiser's own zone.
    ("tomorrow 14:00", LON, None, None, "2026-12-03 14:00"),
    ("tomorrow 14:00", NYC, None, None, "2026-12-03 19:00"),
    ("tomorrow 14:00", TYO, None, None, "2026-12-03 05:00"),
    ("tomorrow 14:00", SYD, None, None, "2026-12-03 03:00"),
    ("tomorrow 14:00", KOL, None, None, "2026-12-03 08:30"),
    ("14:00", TYO, None, None, "2026-12-03 05:00"),
    ("14:00", LON, None, None, "2026-12-02 14:00"),
    ("next Thursday 15:00", LON, None, None, "2026-12-03 15:00"),
    ("this Thursday 15:00", LON, None, None, "2026-12-03 15:00"),
    ("Thursday 15:00", LON, None, None, "2026-12-03 15:00"),
    ("next Wednesday 15:00", LON, None, None, "2026-12-09 15:00"),
    ("this Wednesday 15:00", LON, None, None, "2026-12-02 15:00"),
    ("3 Dec 2pm", LON, None, None, "2026-12-03 14:00"),
    ("in 3 days at 9am", LON, None, None, "2026-12-05 09:00"),
    ("in 2 hours", LON, None, None, "2026-12-02 12:00"),
    ("in 90 minutes", TYO, None, None, "2026-12-02 11:30"),
    ("2027-03-28 03:00", LON, None, None, "2027-03-28 02:00"),
    ("2027-07-01 15:00", NYC, None, None, "2027-07-01 19:00"),
    ("noon tomorrow", BER, None, None, "2026-12-03 11:00"),
    ("midnight", LON, None, None, "2026-12-03 00:00"),
    ("14h30 tomorrow", BER, None, None, "2026-12-03 13:30"),
    ("tomorrow 15h", "Europe/Paris", "fr", "FR", "2026-12-03 14:00"),
    ("06.01.2027 14:00", BER, "de", "DE", "2027-01-06 13:00"),
    ("06.01. 14:00", BER, "de", "DE", "2027-01-06 13:00"),
    ("25/12 10:00", LON, None, None, "2026-12-25 10:00"),
    ("12/25 10:00", NYC, "en-US", "US", "2026-12-25 15:00"),
    ("03/12 14:00", LON, "en-GB", "GB", "2026-12-03 14:00"),
    ("03/12 14:00", NYC, "en-US", "US", "2027-03-12 19:00"),
    # Other languages, from the Discord locale.
    ("morgen 14 Uhr", BER, "de", "DE", "2026-12-03 13:00"),
    ("morgen um 14:30", BER, "de", "DE", "2026-12-03 13:30"),
    ("mardi prochain 15h", "Europe/Paris", "fr", "FR", "2026-12-08 14:00"),
    ("demain à 9h", "Europe/Paris", "fr", "FR", "2026-12-03 08:00"),
    ("el viernes a las 10", "Europe/Madrid", "es-ES", "ES", "2026-12-04 09:00"),
    ("mañana a las 10", "Europe/Madrid", "es-ES", "ES", "2026-12-03 09:00"),
    ("morgen om 14 uur", "Europe/Amsterdam", "nl", "NL", "2026-12-03 13:00"),
    ("domani alle 15", "Europe/Rome", "it", "IT", "2026-12-03 14:00"),
    ("imorgon 14:00", "Europe/Stockholm", "sv-SE", "SE", "2026-12-03 13:00"),
    ("i morgen kl 14", "Europe/Oslo", "no", "NO", "2026-12-03 13:00"),
    ("i morgen kl. 14", "Europe/Copenhagen", "da", "DK", "2026-12-03 13:00"),
    ("huomenna klo 14", "Europe/Helsinki", "fi", "FI", "2026-12-03 12:00"),
    ("jutro o 14:00", "Europe/Warsaw", "pl", "PL", "2026-12-03 13:00"),
    ("amanhã às 14h", "Europe/Lisbon", "pt-BR", "PT", "2026-12-03 14:00"),
    ("dans 2 heures", "Europe/Paris", "fr", "FR", "2026-12-02 12:00"),
    ("in 2 Stunden", BER, "de", "DE", "2026-12-02 12:00"),
    # The same clock time before and after a change, chosen by offset.
    ("2027-10-31 01:30 +01:00", LON, None, None, "2027-10-31 00:30"),
    ("2027-10-31 01:30 +00:00", LON, None, None, "2027-10-31 01:30"),
]

# (typed, organiser's zone, country, a phrase the refusal must contain)
REFUSALS = [
    ("25:00 tomorrow", LON, None, "not a time of day"),
    ("tomorrow 24:30", LON, None, "not a time of day"),
    ("12:61 tomorrow", LON, None, "not a time of day"),
    ("tomorrow 24:00", LON, None, "end of a day"),
    ("13pm tomorrow", LON, None, "with am or pm"),
    ("31 Feb 14:00", LON, None, "Check that the day exists"),
    ("2026-13-01 14:00", LON, None, "months run from 1 to 12"),
    ("31.02.2027 14:00", BER, None, "no day 31"),
    ("03/12 14:00", LON, None, "day/month or month/day"),
    ("03/12 14:00", TYO, "JP", "day/month or month/day"),
    ("yesterday 3pm", LON, None, "in the past"),
    ("9999-12-31 23:59", LON, None, "more than five years"),
    ("whenever suits", LON, None, "no time of day"),
    ("flurb 14:00", LON, None, "could not read"),
    ("tomorrow 14:00 UTC+15", LON, None, "offsets run from"),
    ("tomorrow 14:00 and 16:00", LON, None, "more than one time of day"),
    ("2027-03-28 01:30", LON, None, "does not exist in Europe/London"),
    ("2027-03-14 02:30", NYC, None, "does not exist in America/New_York"),
    ("2027-10-03 02:30", SYD, None, "does not exist in Australia/Sydney"),
    ("2027-03-28 01:30 Europe/London", TYO, None, "does not exist in Europe/London"),
    ("x" * 101, LON, None, "up to 100 characters"),
    ("now", LON, None, "will have passed"),
    ("in -5 hours", LON, None, "in the past"),
    ("in 1000000000 years", LON, None, "more than five years"),
    ("tomorrow 23:60", LON, None, "not a time of day"),
]

# (typed, organiser's zone, phrases the question must contain)
QUESTIONS = [
    ("tomorrow 14:00 IST", LON, ["India", "Ireland", "Israel", "Asia/Kolkata"]),
    ("tomorrow 14:00 CST", CHI, ["US Central", "China", "America/Chicago"]),
    ("tomorrow 14:00 BST", LON, ["British Summer Time", "Bangladesh"]),
    ("tomorrow 14:00 ist", BER, ["India", "Ireland", "Israel"]),
    ("2027-10-31 01:30", LON, ["happens twice", "00:30 UTC", "01:30 UTC", "+01:00"]),
    ("2027-11-07 01:30", NYC, ["happens twice", "05:30 UTC", "06:30 UTC"]),
    ("2027-04-04 02:30", SYD, ["happens twice", "15:30 UTC", "16:30 UTC"]),
    ("2027-04-04 01:45", "Australia/Lord_Howe", ["happens twice", "14:45 UTC", "15:15 UTC"]),
]


def _context(zone: str, locale: str | None = None, country: str | None = None) -> TimeContext:
    return TimeContext.of_member(None, zone, "UTC", locale, (), country)


@pytest.mark.parametrize(("typed", "zone", "locale", "country", "expected"), INSTANTS)
def test_each_phrase_means_one_instant(
    typed: str, zone: str, locale: str | None, country: str | None, expected: str
) -> None:
    when = _context(zone, locale, country).read(typed, NOW)
    assert f"{when.instant.astimezone(UTC):%Y-%m-%d %H:%M}" == expected


@pytest.mark.parametrize(("typed", "zone", "country", "phrase"), REFUSALS)
def test_impossible_or_unclear_times_are_refused_with_what_to_type(
    typed: str, zone: str, country: str | None, phrase: str
) -> None:
    with pytest.raises(ValueError, match=phrase) as refused:
        _context(zone, None, country).read(typed, NOW)
    assert not isinstance(refused.value, ZoneQuestion)
    assert len(str(refused.value)) < 400


@pytest.mark.parametrize(("typed", "zone", "phrases"), QUESTIONS)
def test_a_time_that_could_be_several_instants_is_asked_about(
    typed: str, zone: str, phrases: list[str]
) -> None:
    with pytest.raises(ZoneQuestion) as asked:
        _context(zone).read(typed, NOW)
    for phrase in phrases:
        assert phrase in str(asked.value)


def test_the_reading_names_where_the_zone_came_from() -> None:
    from_text = _context(LON).read("tomorrow 14:00 CET", NOW)
    assert from_text.reading(NOW, "your profile's zone, Europe/London") == (
        "Read as Thursday 3 December, 14:00 CET (13:00 UTC), tomorrow: the zone is from your text."
    )
    own = _context(LON).read("tomorrow 14:00", NOW)
    assert own.reading(NOW, "your profile's zone, Europe/London") == (
        "Read as Thursday 3 December, 14:00 (14:00 UTC), tomorrow: read in your profile's "
        "zone, Europe/London."
    )


def test_an_abbreviation_out_of_season_is_its_fixed_offset_and_the_reading_says_so() -> None:
    when = _context(LON).read("2027-01-15 15:00 EDT", NOW)
    assert "EDT is UTC−4; New York is on EST (UTC−5) then." in when.reading(NOW)
    in_season = _context(LON).read("2027-07-15 15:00 EDT", NOW)
    assert "then" not in in_season.reading(NOW)


def test_the_reading_gives_the_weekday_date_and_distance_of_next_weekday() -> None:
    """On a Wednesday, "next Thursday" is tomorrow and "next Wednesday" a week away; the
    preview shows both in words, so a member who meant otherwise sees it."""
    thursday = _context(LON).read("next Thursday 15:00", NOW).reading(NOW)
    assert thursday.startswith("Read as Thursday 3 December, 15:00") and "tomorrow" in thursday
    wednesday = _context(LON).read("next Wednesday 15:00", NOW).reading(NOW)
    assert wednesday.startswith("Read as Wednesday 9 December") and "in 7 days" in wednesday


def test_a_zone_named_in_the_text_is_the_zone_a_repeat_follows() -> None:
    assert _context(LON).read("tomorrow 14:00 Berlin time", NOW).zone == BER
    assert _context(LON).read("tomorrow 14:00 ET", NOW).zone == NYC
    assert _context(LON).read("tomorrow 14:00 +05:30", NOW).zone is None
    assert _context(LON).read("tomorrow 14:00", NOW).zone == LON


def test_reading_languages_come_from_locale_and_profile_and_always_english() -> None:
    assert reading_languages("de", ["French", "English"]) == ("de", "fr", "en")
    assert reading_languages("pt-BR") == ("pt", "en")
    assert reading_languages("no") == ("nb", "en")
    assert reading_languages(None, ["Klingon"]) == ("en",)


def test_a_repeated_hour_in_a_zone_without_changes_is_not_asked() -> None:
    when = read_when("2027-10-31 01:30", __import__("zoneinfo").ZoneInfo(KOL), NOW)
    assert f"{when.instant:%H:%M}" == "20:00"


def test_the_table_is_large_enough() -> None:
    assert len(INSTANTS) + len(REFUSALS) + len(QUESTIONS) >= 80


def test_only_zones_a_person_would_choose_are_zones() -> None:
    from bot.geo import is_zone

    assert is_zone("Europe/London") and is_zone("UTC") and is_zone("America/Nuuk")
    for machine_name in ("localtime", "Factory", "posixrules", "Zulu", "EST5EDT"):
        assert not is_zone(machine_name)
