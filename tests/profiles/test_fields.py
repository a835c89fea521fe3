"""The rules for what members type, and who may see what."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.profiles.fields import (
    CareerStage,
    Profile,
    ProfileInputError,
    Viewer,
    Visibility,
    can_see_details,
    check_country,
    check_timezone,
    parse_keywords,
    validate_text,
)

VALID = {
    "name": "Amira Haddad",
    "affiliation": "University of Leeds",
    "expertise": "online radicalisation, risk assessment",
    "methods": "interviews",
    "bio": "I study how young people meet extremist content online.",
}


def test_keywords_are_trimmed_deduplicated_and_kept_as_typed() -> None:
    keywords = parse_keywords("  Online Radicalisation , online radicalisation,RCTs,, ;Évaluation ")
    assert keywords.shown == ("Online Radicalisation", "RCTs", "Évaluation")
    assert keywords.folded == ("online radicalisation", "rcts", "évaluation")


def test_more_than_ten_keywords_is_refused_with_the_count() -> None:
    with pytest.raises(ProfileInputError, match="You gave 11 expertise keywords; the limit is 10"):
        parse_keywords(",".join(f"k{i}" for i in range(11)))


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(st.lists(st.text(min_size=1, max_size=20), max_size=10))
def test_keywords_never_hold_duplicates_or_blanks(parts: list[str]) -> None:
    try:
        keywords = parse_keywords(",".join(parts))
    except ProfileInputError:
        return
    assert len(set(keywords.folded)) == len(keywords.folded)
    assert all(k.strip() for k in keywords.shown)
    assert len(keywords.shown) <= 10


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "Name is empty"),
        ("affiliation", "", "Affiliation is empty"),
        ("bio", "x" * 601, "Short bio is 601 characters; the limit is 600"),
        ("name", "Amira https://evil.example", "cannot contain links"),
        ("name", "Amira <@123456789>", "cannot contain mentions"),
        ("name", "@everyone", "cannot contain mentions"),
        ("expertise", " , , ", "Expertise keywords is empty"),
    ],
)
def test_bad_text_is_explained(field: str, value: str, message: str) -> None:
    with pytest.raises(ProfileInputError, match=message):
        validate_text({**VALID, field: value})


def test_invisible_characters_are_removed() -> None:
    text = validate_text({**VALID, "name": "Am\u200bira\u202e Haddad\u2066"})
    assert text.name == "Amira Haddad"


def test_unknown_country_and_zone_are_explained() -> None:
    assert check_country("united kingdom") == "GB"
    assert check_country("de") == "DE"
    with pytest.raises(ProfileInputError, match="'Atlantis' is not a country I know"):
        check_country("Atlantis")
    assert check_timezone("Europe/London") == "Europe/London"
    with pytest.raises(ProfileInputError, match="'Mars/Olympus' is not a time zone"):
        check_timezone("Mars/Olympus")


def _profile(visibility: Visibility) -> Profile:
    return Profile(
        guild_id=1, user_id=10, name="A", affiliation="Uni", expertise=("x",), methods="",
        bio="bio", country="GB", career_stage=CareerStage.SENIOR, languages=("English",),
        timezone="Europe/London", open_to=(), visibility=visibility,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("visibility", "viewer", "sees"),
    [
        (Visibility.MEMBERS, None, True),
        (Visibility.MEMBERS, Viewer(20), True),
        (Visibility.VERIFIED, None, False),
        (Visibility.VERIFIED, Viewer(20), False),
        (Visibility.VERIFIED, Viewer(20, is_verified=True), True),
        (Visibility.MODERATORS, Viewer(20, is_verified=True), False),
        (Visibility.MODERATORS, Viewer(20, is_moderator=True), True),
        (Visibility.MODERATORS, Viewer(10), True),
    ],
)
def test_visibility_rules(visibility: Visibility, viewer: Viewer | None, sees: bool) -> None:
    assert can_see_details(_profile(visibility), viewer) is sees
