"""The matching round against brute force on small pools, and its hard constraints."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.mentoring.availability import (
    AvailabilityError,
    parse_free_hours,
    to_utc_week,
    working_hours,
)
from cogs.mentoring.matching import Mentee, Mentor, Weights, feasible, greedy, solve

AREAS = ("data", "disinformation", "evaluation")
LANGUAGES = ("English", "French", "Arabic")
COUNTRIES = ("GB", "CA", "NL")
INSTITUTIONS = ("", "Leeds", "Ottawa")
WORDS = ("interviews", "survey", "networks", "youth", "policing", "data")
MOMENT = datetime(2026, 3, 2, 12, tzinfo=UTC)


def hours(zone: str) -> frozenset[int]:
    return to_utc_week(working_hours(), zone, MOMENT)


ZONES = {"GB": "Europe/London", "CA": "America/Toronto", "NL": "Europe/Amsterdam"}


@st.composite
def mentors(draw: st.DrawFn, user_id: int) -> Mentor:
    country = draw(st.sampled_from(COUNTRIES))
    return Mentor(
        user_id=user_id,
        capacity=draw(st.integers(0, 2)),
        areas=frozenset(draw(st.sets(st.sampled_from(AREAS)))),
        languages=frozenset(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1))),
        text=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
        country=country,
        institution=draw(st.sampled_from(INSTITUTIONS)),
        hours=hours(ZONES[country]),
        active=draw(st.booleans()) or draw(st.booleans()),
    )


@st.composite
def mentees(draw: st.DrawFn, user_id: int, mentor_ids: list[int]) -> Mentee:
    country = draw(st.sampled_from(COUNTRIES))
    return Mentee(
        user_id=user_id,
        areas=frozenset(draw(st.sets(st.sampled_from(AREAS)))),
        languages=frozenset(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1))),
        text=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
        country=country,
        institution=draw(st.sampled_from(INSTITUTIONS)),
        hours=hours(ZONES[country]),
        country_pref=draw(st.sampled_from(["any", "same", "other"])),
        avoid=tuple(draw(st.lists(st.sampled_from(["leeds", "canada"]), max_size=1))),
        previous=frozenset(draw(st.sets(st.sampled_from(mentor_ids))))
        if mentor_ids
        else frozenset(),
        active=draw(st.booleans()) or draw(st.booleans()),
    )


@st.composite
def pools(draw: st.DrawFn) -> tuple[list[Mentee], list[Mentor]]:
    mentor_count = draw(st.integers(0, 3))
    mentor_list = [draw(mentors(100 + j)) for j in range(mentor_count)]
    ids = [m.user_id for m in mentor_list]
    mentee_count = draw(st.integers(0, 4))
    mentee_list = [draw(mentees(1 + i, ids)) for i in range(mentee_count)]
    if mentor_list and mentee_list and draw(st.booleans()):
        # Someone who offers and requests at once: never paired with themself.
        mentee_list[0] = Mentee(**{**mentee_list[0].__dict__, "user_id": mentor_list[0].user_id})
    return mentee_list, mentor_list


def brute_force(
    mentee_list: list[Mentee], mentor_list: list[Mentor], weights: Weights
) -> tuple[int, float]:
    """Every assignment (a mentor or none per mentee) within capacity: best (count, score)."""
    from cogs.mentoring.matching import Scores

    total = Scores(mentee_list, mentor_list).total(weights)
    best = (0, 0.0)
    options = [None, *range(len(mentor_list))]
    for choice in itertools.product(options, repeat=len(mentee_list)):
        used = [0] * len(mentor_list)
        count, score, ok = 0, 0.0, True
        for i, j in enumerate(choice):
            if j is None:
                continue
            used[j] += 1
            if used[j] > mentor_list[j].capacity or not feasible(mentee_list[i], mentor_list[j]):
                ok = False
                break
            count, score = count + 1, score + float(total[i, j])
        if ok and (count, score) > (best[0], best[1] + 1e-9):
            best = (count, score)
    return best


@settings(max_examples=300, deadline=None)
@given(pools(), st.sampled_from([Weights(), Weights(2, 0.5, 1, 0), Weights(0, 0, 0, 1)]))
def test_the_round_is_optimal_and_breaks_no_hard_constraint(
    pool: tuple[list[Mentee], list[Mentor]], weights: Weights
) -> None:
    mentee_list, mentor_list = pool
    result = solve(mentee_list, mentor_list, weights)
    by_mentee = {m.user_id: m for m in mentee_list}
    by_mentor = {m.user_id: m for m in mentor_list}
    load: dict[int, int] = {}
    for pair in result.pairs:
        assert feasible(by_mentee[pair.mentee_id], by_mentor[pair.mentor_id])
        assert pair.mentee_id != pair.mentor_id
        load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
    assert all(load[m] <= by_mentor[m].capacity for m in load)
    assert len({p.mentee_id for p in result.pairs}) == len(result.pairs)
    assert len(result.pairs) + len(result.unmatched) == len(mentee_list)
    count, score = brute_force(mentee_list, mentor_list, weights)
    assert len(result.pairs) == count
    assert result.total == pytest.approx(score, abs=1e-3)
    greedy_count, greedy_score = greedy(mentee_list, mentor_list, weights)
    assert (greedy_count, greedy_score) <= (count, score + 1e-6)


def person(user_id: int, **changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "user_id": user_id,
        "areas": frozenset({"disinformation", "data"}),
        "languages": frozenset({"English"}),
        "text": "interviews about disinformation",
        "country": "CA",
        "institution": "Ottawa",
        "hours": hours("America/Toronto"),
    }
    return {**base, **changes}


def test_reasons_in_words_and_why_unmatched() -> None:
    mentor = Mentor(capacity=1, **person(100, country="NL", institution="Leiden",
                                         hours=hours("Europe/Amsterdam"),
                                         text="disinformation interviews, data"))  # type: ignore[arg-type]  # fmt: skip
    mentee = Mentee(**person(1))  # type: ignore[arg-type]
    french = Mentee(**person(2, languages=frozenset({"French"})))  # type: ignore[arg-type]
    colleague = Mentee(**person(3, institution="Leiden"))  # type: ignore[arg-type]
    late = Mentee(**person(4, institution="Toronto"))  # type: ignore[arg-type]
    names = {"disinformation": "Disinformation", "data": "Data"}
    result = solve([mentee, french, colleague, late], [mentor], Weights(), names.__getitem__)
    [pair] = result.pairs
    assert pair.mentee_id == 1
    assert pair.reasons[0] == "shared areas: Data, Disinformation"
    assert "both work in English" in pair.reasons
    assert "2 hours of shared working time a day" in pair.reasons
    assert pair.reasons[-1] == "Canada and Netherlands"
    why = {u.mentee_id: u.why for u in result.unmatched}
    assert why[2] == "no mentor with a shared language"
    assert why[3].startswith("every mentor with a shared language is at their institution")
    assert why[4].startswith("the free places of the one mentor who fits went to")


@pytest.mark.parametrize(
    ("text", "count"),
    [("", 0), ("Tue 14-16", 8), ("weekdays 8-12", 80), ("mon-wed 9:00-10:30", 18),
     ("sat 10-12; sun 10-11", 12), ("fri-mon 9-10", 16), ("Thu 9:10-10:50", 8)],
)  # fmt: skip
def test_free_hours_are_read(text: str, count: int) -> None:
    """Counted in quarter hours; times between quarter hours round outwards."""
    assert len(parse_free_hours(text)) == count


@pytest.mark.parametrize(
    "text", ["whenever", "Tue 16-14", "Funday 9-10", "9-25", "9:75-10", "x" * 201]
)
def test_unreadable_free_hours_say_how_to_write_them(text: str) -> None:
    with pytest.raises(AvailabilityError, match=r"e\.g\. 'Tue 14-16"):
        parse_free_hours(text)
