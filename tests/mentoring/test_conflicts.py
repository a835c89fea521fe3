"""Conflicts of interest, avoid lists and the least shared working time: the hard rules a
round must never break, each with the words a moderator reads in the dry run."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import countries
from bot.institutions import InstitutionConfigError, Institutions, load_institutions
from cogs.mentoring.availability import parse_free_hours, to_utc_week, working_hours
from cogs.mentoring.matching import Mentee, Mentor, Scores, Weights, feasible, solve
from cogs.mentoring.rules import Rules, longest_stretch, split_avoid

MOMENT = datetime(2026, 3, 2, 12, tzinfo=UTC)
LISTED = load_institutions()
TWO_HOURS = Rules(120, LISTED)


def hours(zone: str) -> frozenset[int]:
    return to_utc_week(working_hours(), zone, MOMENT)


def mentor(user_id: int = 100, **changes: object) -> Mentor:
    base: dict[str, object] = {
        "user_id": user_id, "capacity": 1, "areas": frozenset({"data"}),
        "languages": frozenset({"English"}), "text": "data interviews", "country": "NL",
        "institution": "Leiden University", "hours": hours("Europe/Amsterdam"),
        "name": "Nora Visser",
    }  # fmt: skip
    return Mentor(**{**base, **changes})  # type: ignore[arg-type]


def mentee(user_id: int = 1, **changes: object) -> Mentee:
    base: dict[str, object] = {
        "user_id": user_id, "areas": frozenset({"data"}), "languages": frozenset({"English"}),
        "text": "data interviews", "country": "GB", "institution": "Northbridge University",
        "hours": hours("Europe/London"),
    }  # fmt: skip
    return Mentee(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("University of Leeds", "Leeds University"),
        ("The University of Leeds", "Leeds University"),
        ("university of leeds", "LEEDS UNIVERSITY"),
        ("KCL", "King's College London"),
        ("K.C.L.", "Kings College London"),
        ("UCL", "University College London"),
        ("LSE", "London School of Economics and Political Science"),
        ("LSE", "London School of Economics"),
        ("RAND", "RAND Europe"),
        ("RAND Corporation", "RAND Europe"),
        ("Université de Montréal", "University of Montreal"),
        ("University of Leeds", "School of Law, University of Leeds"),
        ("UCL Department of Security and Crime Science", "University College London"),
        ("CREST", "Centre for Research and Evidence on Security Threats"),
        ("NCITE", "National Counterterrorism Innovation, Technology, and Education Center"),
    ],
)
def test_the_same_or_a_parent_institution_conflicts(a: str, b: str) -> None:
    assert LISTED.conflict(a, b) is not None
    assert LISTED.conflict(b, a) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("University of Oxford", "Oxford Brookes University"),
        ("King's College London", "Imperial College London"),
        ("University of Leeds", "Leeds Beckett University"),
        ("School of Law, University of Leeds", "School of Law, University of Manchester"),
        ("UC", "University College London"),
        ("University", "University of Leeds"),
        ("", ""),
        ("Leiden University", "Northbridge University"),
        ("Independent researcher", "Independent Researcher"),
        ("None", "n/a"),
    ],
)
def test_different_institutions_do_not_conflict(a: str, b: str) -> None:
    assert LISTED.conflict(a, b) is None
    assert LISTED.conflict(b, a) is None


def test_the_conflict_says_which_rule_found_it() -> None:
    assert LISTED.conflict("KCL", "King's College London") == (
        "same institution: 'KCL' and 'King's College London' are both King's College London "
        "in the institution list"
    )
    plain = Institutions()
    assert plain.conflict("KCL", "King's College London") == (
        "same institution: 'KCL' is the initials of 'King's College London'"
    )
    assert plain.conflict("The University of Leeds", "Leeds University") == (
        "same institution: 'The University of Leeds' and 'Leeds University' (same name)"
    )
    assert plain.conflict("RAND", "RAND Europe") == (
        "related institutions: 'RAND' is part of 'RAND Europe'"
    )


def test_the_institution_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "institutions.toml"
    bad.write_text('[[institution]]\nname = "Leeds"\naliases = "UoL"\n', encoding="utf-8")
    with pytest.raises(InstitutionConfigError, match=r"institution 1 \('Leeds'\): aliases"):
        load_institutions(bad)
    with pytest.raises(InstitutionConfigError, match="missing"):
        load_institutions(tmp_path / "none.toml")
    good = tmp_path / "ours.toml"
    good.write_text('[[institution]]\nname = "Leeds"\naliases = ["UoL"]\n', encoding="utf-8")
    assert load_institutions(good).conflict("UoL", "University of Leeds") is not None


@pytest.mark.parametrize(
    ("text", "code"),
    [("usa", "US"), ("US", "US"), ("united states", "US"), ("America", "US"),
     ("uk", "GB"), ("gb", "GB"), ("United Kingdom", "GB"), ("Britain (UK)", "GB"),
     ("great britain", "GB"), ("England", "GB"), ("Türkiye", "TR"), ("deu", "DE")],
)  # fmt: skip
def test_countries_by_code_and_common_names(text: str, code: str) -> None:
    assert countries.find(text) == code
    assert code in countries.mentioned(text)


def test_avoid_lists_split_on_commas_and_semicolons() -> None:
    assert split_avoid("leeds; oxford, KCL ,, ;") == ("leeds", "oxford", "KCL")


@pytest.mark.parametrize(
    ("avoid", "changes", "why"),
    [
        ("university of leeds", {"institution": "Leeds University"},
         "avoid-list entry 'university of leeds' matches their institution (Leeds University)"),
        ("usa", {"country": "US"}, "avoid-list entry 'usa' matches their country (United States)"),
        ("united kingdom", {"country": "GB"},
         "avoid-list entry 'united kingdom' matches their country (United Kingdom)"),
        ("leeds; oxford", {"institution": "University of Oxford"},
         "avoid-list entry 'oxford' matches their institution (University of Oxford)"),
        ("Visser", {}, "avoid-list entry 'Visser' matches their name"),
        ("kcl", {"institution": "King's College London"},
         "avoid-list entry 'kcl' matches their institution (King's College London)"),
    ],
)  # fmt: skip
def test_avoid_entries_block_by_whole_words(
    avoid: str, changes: dict[str, object], why: str
) -> None:
    asking, offering = mentee(avoid=split_avoid(avoid)), mentor(100, **changes)
    assert not feasible(asking, offering, TWO_HOURS)
    result = solve([asking], [offering], Weights(), rules=TWO_HOURS, with_blocked=True)
    assert result.pairs == []
    [blocked] = result.blocked
    assert why in blocked.why


@pytest.mark.parametrize(
    ("avoid", "changes"),
    [
        ("us", {"country": "AU", "hours": hours("Europe/Amsterdam")}),
        ("li", {"institution": "Free University Berlin", "country": "DE", "name": "Ina Berlinger"}),
        ("uk", {"name": "Duke Ukawa", "institution": "Ukrainian Catholic University"}),
        ("university", {"institution": "University of Leeds"}),
    ],
)  # fmt: skip
def test_avoid_entries_do_not_block_parts_of_words(avoid: str, changes: dict[str, object]) -> None:
    asking, offering = mentee(avoid=split_avoid(avoid)), mentor(100, **changes)
    assert feasible(asking, offering, TWO_HOURS)
    assert (
        len(solve([asking], [offering], Weights(), rules=TWO_HOURS, with_blocked=True).pairs) == 1
    )


def test_too_little_shared_working_time_blocks_and_every_pair_says_its_overlap() -> None:
    london = mentee(hours=hours("Europe/London"))
    sydney = mentor(country="AU", hours=hours("Australia/Sydney"))
    blocked = solve([london], [sydney], Weights(), rules=TWO_HOURS, with_blocked=True)
    assert blocked.pairs == [] and blocked.blocked[0].why == ("no shared working hours",)
    assert blocked.unmatched[0].why == (
        "no mentor they may be paired with shares enough working time"
    )
    [allowed] = solve([london], [sydney], Weights(), rules=Rules(0, LISTED)).pairs
    assert "no shared working hours" in allowed.reasons
    toronto = mentor(country="CA", hours=hours("America/Toronto"))  # 14-17 UTC with London
    [pair] = solve([london], [toronto], Weights(), rules=TWO_HOURS, with_blocked=True).pairs
    assert "3 hours of shared working time a day" in pair.reasons
    [short] = solve(
        [london], [toronto], Weights(), rules=Rules(240, LISTED), with_blocked=True
    ).blocked
    assert short.why == ("too little shared working time: 3 hours at most at a stretch, "
                         "4 hours needed",)  # fmt: skip


def test_stated_free_hours_count_their_longest_stretch() -> None:
    tuesday = to_utc_week(parse_free_hours("Tue 10-11, Thu 10-11:30"), "Europe/London", MOMENT)
    asking = mentee(hours=tuesday, custom_hours=True)
    assert longest_stretch(tuesday & hours("Europe/Amsterdam")) == 6
    assert solve([asking], [mentor()], Weights(), rules=TWO_HOURS, with_blocked=True).pairs == []
    [pair] = solve([asking], [mentor()], Weights(), rules=Rules(90, LISTED)).pairs
    assert (
        "2 hours 30 minutes a week when the mentee is free in the mentor's working day, "
        "up to 1 hour 30 minutes at a time" in pair.reasons
    )
    # A stretch over the end of the week (Sunday night to Monday morning UTC) is one stretch.
    assert longest_stretch(frozenset({670, 671, 0, 1})) == 4


INSTITUTIONS = ("", "University of Leeds", "Leeds University", "RAND", "RAND Europe", "KCL",
                "King's College London", "Oxford Brookes University")  # fmt: skip
ZONES = {"GB": "Europe/London", "CA": "America/Toronto", "NL": "Europe/Amsterdam",
         "AU": "Australia/Sydney"}  # fmt: skip
AVOIDS = ("", "leeds; canada", "us", "uk, rand", "Nora")


@st.composite
def pools(draw: st.DrawFn) -> tuple[list[Mentee], list[Mentor]]:
    mentor_list = [
        mentor(
            100 + j, capacity=draw(st.integers(0, 2)), country=(c := draw(st.sampled_from(
                list(ZONES)))), hours=hours(ZONES[c]),
            institution=draw(st.sampled_from(INSTITUTIONS)),
            name=draw(st.sampled_from(["Nora Visser", "Ben Okafor", "Li Wei"])),
        )
        for j in range(draw(st.integers(0, 3)))
    ]  # fmt: skip
    mentee_list = [
        mentee(
            1 + i, country=(c := draw(st.sampled_from(list(ZONES)))), hours=hours(ZONES[c]),
            institution=draw(st.sampled_from(INSTITUTIONS)),
            avoid=split_avoid(draw(st.sampled_from(AVOIDS))),
        )
        for i in range(draw(st.integers(0, 4)))
    ]  # fmt: skip
    return mentee_list, mentor_list


@settings(max_examples=200, deadline=None)
@given(pools(), st.sampled_from([0, 120, 180]))
def test_the_round_stays_optimal_and_keeps_every_rule(
    pool: tuple[list[Mentee], list[Mentor]], minutes: int
) -> None:
    mentee_list, mentor_list = pool
    rules = Rules(minutes, LISTED)
    result = solve(mentee_list, mentor_list, Weights(), rules=rules, with_blocked=True)
    by_mentee = {m.user_id: m for m in mentee_list}
    by_mentor = {m.user_id: m for m in mentor_list}
    for pair in result.pairs:
        assert feasible(by_mentee[pair.mentee_id], by_mentor[pair.mentor_id], rules)
    blocked = {(b.mentee_id, b.mentor_id) for b in result.blocked}
    for a, b in itertools.product(mentee_list, mentor_list):
        if b.capacity > 0:
            assert ((a.user_id, b.user_id) in blocked) == (not feasible(a, b, rules))
    total = Scores(mentee_list, mentor_list, rules).total(Weights())
    best = (0, 0.0)
    for choice in itertools.product([None, *range(len(mentor_list))], repeat=len(mentee_list)):
        used = [0] * len(mentor_list)
        picked = [(i, j) for i, j in enumerate(choice) if j is not None]
        for _, j in picked:
            used[j] += 1
        if any(used[j] > m.capacity for j, m in enumerate(mentor_list)):
            continue
        if all(feasible(mentee_list[i], mentor_list[j], rules) for i, j in picked):
            score = sum(float(total[i, j]) for i, j in picked)
            best = max(best, (len(picked), score))
    assert len(result.pairs) == best[0]
    assert result.total == pytest.approx(best[1], abs=1e-3)


def test_a_broken_institution_file_is_one_clear_settings_error(tmp_path: Path) -> None:
    from bot.settings import SettingsError, load_settings

    bad = tmp_path / "institutions.toml"
    bad.write_text("[[institution]]\naliases = ['x']\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(mentor_institutions_file=bad)
    message = str(caught.value)
    assert message.startswith("HUB_MENTOR_INSTITUTIONS_FILE is invalid")
    assert "institution 1: give it a name" in message and "\n" not in message
    assert load_settings().mentor_min_overlap_hours == 2
