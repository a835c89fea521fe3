"""A matching round, solved for the whole pool at once and explained pair by pair.

Plain Python and numpy, no Discord and no SQL, so it can be tested against brute force and
benchmarked on large pools.

Hard constraints make a pair infeasible (never merely penalised): at least one shared
language, not the same institution, nothing on the mentee's avoid list, not a previous pair,
not oneself, both active, and a free place with the mentor. Among feasible pairs the score
adds, each times its weight from the settings: the share of the mentee's areas the mentor
covers, the TF-IDF cosine between the mentee's goals and methods and the mentor's expertise,
methods and offer, the share of working hours that overlap across zones, and a bonus for
pairing across countries (or within one, when the mentee asked for that).

The round maximises first the number of mentees matched, then the total score: each mentor
becomes one column per free place, and scipy's ``linear_sum_assignment`` finds the optimum
of ``BIG + score`` over feasible cells, with ``BIG`` larger than any total score can differ.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix

from bot import geo
from bot.textmatch import fold, tokens
from cogs.mentoring.availability import SLOT_MINUTES, SLOTS_IN_WEEK, duration


@dataclass(frozen=True)
class Weights:
    areas: float = 1.0
    text: float = 1.0
    hours: float = 0.5
    country: float = 0.3

    @property
    def most(self) -> float:
        return self.areas + self.text + self.hours + self.country


@dataclass(frozen=True)
class Mentor:
    user_id: int
    capacity: int  # free places in this round
    areas: frozenset[str]
    languages: frozenset[str]
    text: str  # expertise, methods and the offer
    country: str
    institution: str
    hours: frozenset[int]  # free quarter hours of the UTC week (see availability)
    custom_hours: bool = False  # they said when they are free
    name: str = ""
    active: bool = True


@dataclass(frozen=True)
class Mentee:
    user_id: int
    areas: frozenset[str]
    languages: frozenset[str]
    text: str  # goals and methods
    country: str
    institution: str
    hours: frozenset[int]  # free quarter hours of the UTC week
    custom_hours: bool = False  # they said when they are free
    country_pref: str = "any"  # any, same, other
    avoid: tuple[str, ...] = ()  # institutions, names or countries to avoid
    previous: frozenset[int] = field(default_factory=frozenset)  # mentors met or proposed
    active: bool = True


@dataclass(frozen=True)
class Pair:
    mentee_id: int
    mentor_id: int
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Unmatched:
    mentee_id: int
    why: str


@dataclass(frozen=True)
class Round:
    pairs: list[Pair]
    unmatched: list[Unmatched]

    @property
    def total(self) -> float:
        return sum(p.score for p in self.pairs)


def same_institution(a: str, b: str) -> bool:
    return bool(a.strip()) and fold(a).strip() == fold(b).strip()


def avoided(mentee: Mentee, mentor: Mentor) -> bool:
    """A term on the avoid list names the mentor, their institution or their country."""
    seen = (fold(mentor.institution), fold(mentor.name), fold(geo.country_name(mentor.country)))
    return any(term and any(term in place for place in seen) for term in mentee.avoid)


def feasible(mentee: Mentee, mentor: Mentor) -> bool:
    """Every hard constraint, one pair at a time (the matrix below must agree)."""
    return (
        mentee.active
        and mentor.active
        and mentor.capacity > 0
        and mentee.user_id != mentor.user_id
        and bool(mentee.languages & mentor.languages)
        and not same_institution(mentee.institution, mentor.institution)
        and mentor.user_id not in mentee.previous
        and not avoided(mentee, mentor)
    )


# -- the score matrix -------------------------------------------------------------------------


class Scores:
    """Every component for every (mentee, mentor), as arrays the solver and reasons share."""

    def __init__(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> None:
        self.mentees, self.mentors = list(mentees), list(mentors)
        self.areas = _area_share(self.mentees, self.mentors)
        self.text, self._terms = _tfidf(
            [m.text for m in self.mentees], [m.text for m in self.mentors]
        )
        self.hours, self.overlap = _hour_share(self.mentees, self.mentors)
        self.country = _country_bonus(self.mentees, self.mentors)
        self.rules = Constraints(self.mentees, self.mentors)
        self.feasible = self.rules.feasible

    def total(self, weights: Weights) -> NDArray[np.float64]:
        return (
            weights.areas * self.areas
            + weights.text * self.text
            + weights.hours * self.hours
            + weights.country * self.country
        )

    def shared_terms(self, row: int, col: int, limit: int = 3) -> list[str]:
        a, b = self._terms[0][row], self._terms[1][col]
        shared = sorted(set(a) & set(b), key=lambda t: -(a[t] * b[t]))
        return shared[:limit]


def _indicator(rows: Sequence[frozenset[str]], vocabulary: dict[str, int]) -> NDArray[np.float64]:
    matrix = np.zeros((len(rows), max(1, len(vocabulary))))
    for i, values in enumerate(rows):
        for value in values:
            if value in vocabulary:
                matrix[i, vocabulary[value]] = 1.0
    return matrix


def _area_share(mentees: list[Mentee], mentors: list[Mentor]) -> NDArray[np.float64]:
    names = sorted({a for m in mentees for a in m.areas} | {a for m in mentors for a in m.areas})
    vocabulary = {name: i for i, name in enumerate(names)}
    wanted = _indicator([m.areas for m in mentees], vocabulary)
    offered = _indicator([m.areas for m in mentors], vocabulary)
    counts = np.maximum(wanted.sum(axis=1, keepdims=True), 1.0)
    result: NDArray[np.float64] = (wanted @ offered.T) / counts
    return result


TermWeights = dict[str, float]


def _tfidf(
    left: list[str], right: list[str]
) -> tuple[NDArray[np.float64], tuple[list[TermWeights], list[TermWeights]]]:
    """Cosine similarity of TF-IDF vectors (sublinear tf), over the words of both sides."""
    counted = [Counter(tokens(text)) for text in [*left, *right]]
    frequency: Counter[str] = Counter(t for c in counted for t in c)
    total = len(counted)
    idf = {t: math.log((1 + total) / (1 + n)) + 1.0 for t, n in frequency.items()}
    vocabulary = {t: i for i, t in enumerate(sorted(frequency))}
    weights: list[TermWeights] = []
    for counts in counted:
        vector = {t: (1.0 + math.log(n)) * idf[t] for t, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        weights.append({t: v / norm for t, v in vector.items()})

    def sparse(rows: list[TermWeights]) -> csr_matrix:
        data, indices, pointers = [], [], [0]
        for row in rows:
            for term, value in row.items():
                indices.append(vocabulary[term])
                data.append(value)
            pointers.append(len(indices))
        return csr_matrix((data, indices, pointers), shape=(len(rows), max(1, len(vocabulary))))

    a, b = weights[: len(left)], weights[len(left) :]
    similarity = np.asarray((sparse(a) @ sparse(b).T).toarray(), dtype=np.float64)
    return np.clip(similarity, 0.0, 1.0), (a, b)


def _hour_share(
    mentees: list[Mentee], mentors: list[Mentor]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The share of the smaller side's free time that overlaps, and the overlap in quarter
    hours (float32 products are exact for counts this small, and halve the memory)."""

    def week(hours: frozenset[int]) -> NDArray[np.float32]:
        row = np.zeros(SLOTS_IN_WEEK, dtype=np.float32)
        row[list(hours)] = 1.0
        return row

    a = np.array([week(m.hours) for m in mentees], dtype=np.float32).reshape(
        len(mentees), SLOTS_IN_WEEK
    )
    b = np.array([week(m.hours) for m in mentors], dtype=np.float32).reshape(
        len(mentors), SLOTS_IN_WEEK
    )
    together = (a @ b.T).astype(np.float64)
    smaller = np.minimum(a.sum(axis=1)[:, None], b.sum(axis=1)[None, :]).astype(np.float64)
    share = np.divide(together, smaller, out=np.zeros_like(together), where=smaller > 0)
    return share, together


def _country_bonus(mentees: list[Mentee], mentors: list[Mentor]) -> NDArray[np.float64]:
    theirs = np.array([m.country for m in mentors], dtype=object)
    rows = []
    for mentee in mentees:
        same = theirs == mentee.country
        rows.append(same if mentee.country_pref == "same" else ~same)
    return np.array(rows, dtype=np.float64).reshape(len(mentees), len(mentors))


class Constraints:
    """The hard constraints as boolean matrices, one per rule, so both the solver and the
    explanation of an unmatched mentee read the same facts."""

    def __init__(self, mentees: list[Mentee], mentors: list[Mentor]) -> None:
        n, m = len(mentees), len(mentors)
        languages = sorted(
            {x for p in mentees for x in p.languages} | {x for p in mentors for x in p.languages}
        )
        vocabulary = {name: i for i, name in enumerate(languages)}
        self.spoken: NDArray[np.bool_] = (
            _indicator([p.languages for p in mentees], vocabulary)
            @ _indicator([p.languages for p in mentors], vocabulary).T
        ) > 0
        codes: dict[str, int] = {}
        mine = np.array([_code(codes, p.institution, -1) for p in mentees]).reshape(n, 1)
        theirs = np.array([_code(codes, p.institution, -2) for p in mentors]).reshape(1, m)
        self.allowed: NDArray[np.bool_] = np.broadcast_to(mine != theirs, (n, m)).copy()
        column = {p.user_id: j for j, p in enumerate(mentors)}
        self.new = np.ones((n, m), dtype=bool)
        self.other = np.ones((n, m), dtype=bool)
        places = [
            (fold(p.institution), fold(p.name), fold(geo.country_name(p.country))) for p in mentors
        ]
        avoid_cache: dict[str, NDArray[np.bool_]] = {}
        for i, mentee in enumerate(mentees):
            if mentee.user_id in column:
                self.other[i, column[mentee.user_id]] = False
            for mentor_id in mentee.previous:
                if mentor_id in column:
                    self.new[i, column[mentor_id]] = False
            for term in mentee.avoid:
                if term not in avoid_cache:
                    avoid_cache[term] = np.array(
                        [bool(term) and any(term in x for x in seen) for seen in places],
                        dtype=bool,
                    ).reshape(m)
                self.allowed[i] &= ~avoid_cache[term]
        self.active_mentee = np.array([p.active for p in mentees], dtype=bool).reshape(n, 1)
        self.active_mentor = np.array([p.active for p in mentors], dtype=bool).reshape(1, m)
        self.free = np.array([p.capacity > 0 for p in mentors], dtype=bool).reshape(1, m)
        self.feasible: NDArray[np.bool_] = (
            self.spoken
            & self.allowed
            & self.new
            & self.other
            & self.active_mentee
            & self.active_mentor
            & self.free
        )


def _code(codes: dict[str, int], institution: str, empty: int) -> int:
    key = fold(institution).strip()
    return codes.setdefault(key, len(codes)) if key else empty


# -- solving ------------------------------------------------------------------------------------


AreaName = Callable[[str], str]


def solve(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    weights: Weights,
    area_name: AreaName = str,
    area_order: Sequence[str] = (),
) -> Round:
    """The globally best round: most mentees matched, then the highest total score."""
    scores = Scores(mentees, mentors)
    total = scores.total(weights)
    slots = np.repeat(np.arange(len(scores.mentors)), [max(0, m.capacity) for m in mentors])
    rows = np.flatnonzero(scores.feasible.any(axis=1)) if len(mentors) else np.array([], int)
    chosen: dict[int, int] = {}
    if len(rows) and len(slots):
        big = (min(len(rows), len(slots)) + 1) * (weights.most + 1.0)
        cells = total[np.ix_(rows, slots)]
        allowed = scores.feasible[np.ix_(rows, slots)]
        gain = np.where(allowed, big + cells, 0.0)
        picked_rows, picked_cols = linear_sum_assignment(gain, maximize=True)
        for r, c in zip(picked_rows, picked_cols, strict=True):
            if allowed[r, c]:
                chosen[int(rows[r])] = int(slots[c])
    pairs = [
        Pair(
            scores.mentees[i].user_id,
            scores.mentors[j].user_id,
            round(float(total[i, j]), 4),
            explain(scores, i, j, area_name, area_order),
        )
        for i, j in sorted(chosen.items())
    ]
    unmatched = [
        Unmatched(m.user_id, why_unmatched(scores, i))
        for i, m in enumerate(scores.mentees)
        if i not in chosen
    ]
    return Round(pairs, unmatched)


def greedy(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], weights: Weights
) -> tuple[int, float]:
    """First come, first served: each mentee in queue order takes their best free mentor.
    The baseline the benchmark compares with; returns (matched, total score)."""
    scores = Scores(mentees, mentors)
    total = scores.total(weights)
    places = np.array([max(0, m.capacity) for m in mentors])
    matched, score = 0, 0.0
    for i in range(len(scores.mentees)):
        options = scores.feasible[i] & (places > 0)
        if not options.any():
            continue
        j = int(np.argmax(np.where(options, total[i], -1.0)))
        places[j] -= 1
        matched += 1
        score += float(total[i, j])
    return matched, score


# -- explaining -----------------------------------------------------------------------------------


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def ordered_areas(
    slugs: Iterable[str], area_name: AreaName = str, area_order: Sequence[str] = ()
) -> list[str]:
    """Display names in the order of the areas file (``area_order``, its slugs), then any
    area not in it by name: members read the areas in the order the network lists them."""
    rank = {slug: index for index, slug in enumerate(area_order)}
    keyed = sorted((rank.get(s, len(rank)), area_name(s).casefold(), area_name(s)) for s in slugs)
    return [name for _, _, name in keyed]


def explain(
    scores: Scores, i: int, j: int, area_name: AreaName = str, area_order: Sequence[str] = ()
) -> tuple[str, ...]:
    """The pair's reasons in words, e.g. 'shared areas: Disinformation, Data'."""
    mentee, mentor = scores.mentees[i], scores.mentors[j]
    reasons = []
    areas = ordered_areas(mentee.areas & mentor.areas, area_name, area_order)
    if areas:
        reasons.append("shared areas: " + ", ".join(areas))
    words = scores.shared_terms(i, j)
    if words:
        reasons.append("both mention " + ", ".join(words))
    languages = sorted(mentee.languages & mentor.languages)
    if languages:
        reasons.append(f"both work in {_listing(languages)}")
    minutes = int(scores.overlap[i, j]) * SLOT_MINUTES
    if minutes and (mentor.custom_hours or mentee.custom_hours):
        who = (
            "both are free"
            if mentor.custom_hours and mentee.custom_hours
            else "the mentor is free in the mentee's working day"
            if mentor.custom_hours
            else "the mentee is free in the mentor's working day"
        )
        reasons.append(f"{duration(minutes)} a week when {who}")
    elif minutes:
        daily = max(SLOT_MINUTES, round(minutes / 5 / SLOT_MINUTES) * SLOT_MINUTES)
        reasons.append(f"{duration(daily)} of overlapping working time")
    if mentee.country != mentor.country:
        pair = _listing([geo.country_name(mentee.country), geo.country_name(mentor.country)])
        reasons.append(pair)
    elif mentee.country_pref == "same":
        reasons.append(f"both in {geo.country_name(mentee.country)}, as asked")
    return tuple(reasons)


def why_unmatched(scores: Scores, i: int) -> str:
    """The first hard constraint that left this mentee without a mentor, in words."""
    rules = scores.rules
    mentee_active = bool(rules.active_mentee[i, 0])
    others = rules.other[i] & rules.active_mentor[0]
    speaking = others & rules.spoken[i]
    allowed = speaking & rules.allowed[i]
    new = allowed & rules.new[i]
    if not mentee_active:
        return "their participation is paused"
    if not others.any():
        return "no mentor is offering at the moment"
    if not speaking.any():
        return "no mentor with a shared language"
    if not allowed.any():
        return "every mentor with a shared language is at their institution or on their avoid list"
    if not new.any():
        return "they were already proposed to every mentor who fits"
    if not (new & rules.free[0]).any():
        return "every mentor who fits is full"
    fits = int((new & rules.free[0]).sum())
    return f"the free places of the {fits} mentor(s) who fit went to mentees they fit better"
