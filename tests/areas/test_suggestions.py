"""Which areas a member's words tie to, and why: distinctive words count, shared ones not."""

from __future__ import annotations

from cogs.areas.suggestions import AreaMatcher, AreaText, Tie, family, fragments, term

AREAS = [
    AreaText("drones", "Drones", "Drones and violence: counter-drone policy and prevention."),
    AreaText("schools", "Schools", "Violence prevention in schools, with teachers and policy."),
    AreaText("courts", "Courts", "Violence prevention in courts and sentencing."),
    AreaText("words", "Words", "Extremism as a word, and sentencing language."),
    AreaText("media", "Media", "Extremist media, podcasts and prevention."),
]


def ties(expertise: list[str], methods: str = "") -> list[Tie]:
    return AreaMatcher(AREAS).ties(fragments(expertise, methods))


def test_one_word_in_either_spelling_and_number() -> None:
    assert term("Programs") == term("programme") == "programme"
    assert term("Radicalization") == term("radicalisations")
    assert term("the") is None and term("research") is None
    assert family("extremism") == family("extremists")


def test_words_most_areas_share_tie_nothing() -> None:
    assert ties(["violence prevention", "policy"]) == []
    # 'extremism' only appears in Words, but its family ('extremist') in Media too, and
    # with five areas a word in more than one is the field's common vocabulary.
    assert ties(["violent extremism"]) == []


def test_each_area_names_only_its_own_words() -> None:
    found = {t.slug: t.because for t in ties(["Counter-drone policy", "podcasts", "teachers"])}
    assert found == {
        "drones": ["Counter-drone"],
        "media": ["podcasts"],
        "schools": ["teachers"],
    }


def test_a_word_two_of_five_areas_use_is_no_reason() -> None:
    found = {t.slug: t.because for t in ties(["sentencing", "courts"])}
    assert found == {"courts": ["courts"]}
    found = {t.slug: t.because for t in ties(["sentencing language"])}
    assert found == {"words": ["language"]}


def test_a_word_two_of_ten_areas_use_is_the_same_reason_for_both() -> None:
    areas = AREAS + [AreaText(f"other-{n}", f"Other {n}", "Nothing in common.") for n in range(5)]
    typed = fragments(["sentencing", "courts", "language"], "")
    found = {t.slug: t.because for t in AreaMatcher(areas).ties(typed)}
    assert found == {"courts": ["courts", "sentencing"], "words": ["language", "sentencing"]}


def test_a_method_word_alone_does_not_suggest_an_area() -> None:
    assert ties([], methods="podcasts") == []
    assert [t.because for t in ties(["teachers"], methods="podcasts")] == [["teachers"]]
