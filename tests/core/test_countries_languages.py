"""Countries and languages from maintained sources: names people recognise, codes stored."""

from __future__ import annotations

import pytest

from bot import countries, languages


def test_countries_are_named_as_people_name_them() -> None:
    assert countries.name("GB") == "United Kingdom"
    assert countries.name("KR") == "South Korea"
    assert "Britain (UK)" not in countries.countries().values()


@pytest.mark.parametrize(
    ("typed", "code"),
    [("UK", "GB"), ("USA", "US"), ("Deutschland", "DE"), ("deu", "DE"), ("España", "ES"),
     ("Türkiye", "TR"), ("united kingdom", "GB"), ("Czechia", "CZ")],
)  # fmt: skip
def test_a_country_is_found_by_code_english_or_own_name(typed: str, code: str) -> None:
    assert countries.find(typed) == code
    assert countries.search(typed)[0][0] == code


def test_languages_include_hebrew_czech_and_any_living_language() -> None:
    assert languages.find("Hebrew") == "he"
    assert languages.find("iw") == "he"
    assert languages.find("čeština") == "cs"
    assert languages.find("Cantonese") == "yue"
    assert languages.find("Klingon") is None
    assert {"he", "cs"} <= set(languages.COMMON) and len(languages.COMMON) <= 24
    assert languages.names(("he", "cs", "en")) == "Hebrew, Czech, English"


def test_typed_languages_become_codes_in_order() -> None:
    assert languages.parse("English, hebrew, ,Czech, en, Elvish") == (
        ["en", "he", "cs"],
        ["Elvish"],
    )
    assert languages.search("heb")[0] == ("he", "Hebrew")
