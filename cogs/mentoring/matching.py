"""A matching round, solved for the whole pool at once and explained pair by pair.

Plain Python and numpy, no Discord and no SQL, so it can be tested against brute force and
benchmarked on large pools.

Hard constraints make a pair infeasible (never merely penalised; see ``rules``): at least
one shared language, no conflict of interest between institutions, nothing on the mentee's
avoid list, enough shared working time, not a previous pair, not oneself, both active, and a
free place with the mentor. Among feasible pairs the score
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
from typing import TYPE_CHECKING

from bot import countries
from bot import languages as language_names
from bot.textmatch import tokens
from cogs.mentoring.availability import SLOT_MINUTES, SLOTS_IN_WEEK, duration
from cogs.mentoring.rules import (
    Constraints,
    Rules,
    feasible,
    indicator,
    longest_stretch,
    pair_blocks,
)

if TYPE_CHECKING:
    # numpy and scipy are imported where they are used: ~0.1 s and ~0.4 s at start-up.
    import numpy as np
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix

    Grid = NDArray[np.float32]  # one score per (mentee, mentor): half the memory of float64

__all__ = ["Blocked", "Mentee", "Mentor", "Pair", "Round", "Rules", "Unmatched", "Weights",
           "feasible", "greedy", "solve"]  # fmt: skip


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
    avoid: tuple[str, ...] = ()  # entries as typed: institutions, names or countries
    name: str = ""
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
class Blocked:
    """A mentee and a mentor the rules keep apart, and every rule that does."""

    mentee_id: int
    mentor_id: int
    why: tuple[str, ...]


@dataclass(frozen=True)
class Round:
    pairs: list[Pair]
    unmatched: list[Unmatched]
    blocked: list[Blocked] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(p.score for p in self.pairs)


# -- the score matrix -------------------------------------------------------------------------


class Scores:
    """Every component for every (mentee, mentor), as arrays the solver and reasons share."""

    def __init__(
        self, mentees: Sequence[Mentee], mentors: Sequence[Mentor], rules: Rules | None = None
    ) -> None:
        self.mentees, self.mentors = list(mentees), list(mentors)
        self.areas = _area_share(self.mentees, self.mentors)
        self.text, self._terms = _tfidf(
            [m.text for m in self.mentees], [m.text for m in self.mentors]
        )
        self.hours, self.overlap = _hour_share(self.mentees, self.mentors)
        self.country = _country_bonus(self.mentees, self.mentors)
        self.rules = Constraints(self.mentees, self.mentors, rules or Rules())
        self.feasible = self.rules.feasible

    def total(self, weights: Weights) -> NDArray[np.float64]:
        """The weighted sum, in float64 (the components are float32 to halve the memory;
        each is a share in [0, 1], where float32 is exact far past the 4 digits shown)."""
        import numpy as np

        total = np.multiply(self.areas, weights.areas, dtype=np.float64)
        total += weights.text * self.text
        total += weights.hours * self.hours
        total += weights.country * self.country
        return total

    def shared_terms(self, row: int, col: int, limit: int = 3) -> list[str]:
        a, b = self._terms[0][row], self._terms[1][col]
        shared = sorted(set(a) & set(b), key=lambda t: -(a[t] * b[t]))
        return shared[:limit]


def _area_share(mentees: list[Mentee], mentors: list[Mentor]) -> Grid:
    import numpy as np

    names = sorted({a for m in mentees for a in m.areas} | {a for m in mentors for a in m.areas})
    vocabulary = {name: i for i, name in enumerate(names)}
    wanted = indicator([m.areas for m in mentees], vocabulary).astype(np.float32)
    offered = indicator([m.areas for m in mentors], vocabulary).astype(np.float32)
    counts = np.maximum(wanted.sum(axis=1, keepdims=True), 1.0)
    result: Grid = wanted @ offered.T
    result /= counts
    return result


TermWeights = dict[str, float]


def _tfidf(
    left: list[str], right: list[str]
) -> tuple[Grid, tuple[list[TermWeights], list[TermWeights]]]:
    """Cosine similarity of TF-IDF vectors (sublinear tf), over the words of both sides."""
    import numpy as np

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

    from scipy.sparse import csr_matrix

    def sparse(rows: list[TermWeights]) -> csr_matrix:
        data, indices, pointers = [], [], [0]
        for row in rows:
            for term, value in row.items():
                indices.append(vocabulary[term])
                data.append(value)
            pointers.append(len(indices))
        shape = (len(rows), max(1, len(vocabulary)))
        return csr_matrix((data, indices, pointers), shape=shape, dtype=np.float32)

    a, b = weights[: len(left)], weights[len(left) :]
    similarity: Grid = np.asarray((sparse(a) @ sparse(b).T).toarray(), dtype=np.float32)
    np.clip(similarity, 0.0, 1.0, out=similarity)
    return similarity, (a, b)


def _hour_share(mentees: list[Mentee], mentors: list[Mentor]) -> tuple[Grid, Grid]:
    """The share of the smaller side's free time that overlaps, and the overlap in quarter
    hours (float32 products are exact for counts this small, and halve the memory)."""

    import numpy as np

    def weeks(people: Sequence[Mentee | Mentor]) -> Grid:
        rows = np.zeros((len(people), SLOTS_IN_WEEK), dtype=np.float32)
        for i, person in enumerate(people):
            rows[i, list(person.hours)] = 1.0
        return rows

    a, b = weeks(mentees), weeks(mentors)
    together: Grid = a @ b.T
    smaller = np.minimum(a.sum(axis=1)[:, None], b.sum(axis=1)[None, :])
    share: Grid = np.divide(together, smaller, out=np.zeros_like(together), where=smaller > 0)
    return share, together


def _country_bonus(mentees: list[Mentee], mentors: list[Mentor]) -> NDArray[np.bool_]:
    import numpy as np

    theirs = np.array([m.country for m in mentors], dtype=object)
    rows = []
    for mentee in mentees:
        same = theirs == mentee.country
        rows.append(same if mentee.country_pref == "same" else ~same)
    return np.array(rows, dtype=bool).reshape(len(mentees), len(mentors))


# -- solving ------------------------------------------------------------------------------------


AreaName = Callable[[str], str]


def solve(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    weights: Weights,
    area_name: AreaName = str,
    area_order: Sequence[str] = (),
    rules: Rules | None = None,
    *,
    with_blocked: bool = False,
) -> Round:
    """The globally best round: most mentees matched, then the highest total score; with
    ``with_blocked``, also every pair the rules keep apart and why (for the dry run)."""
    import numpy as np

    scores = Scores(mentees, mentors, rules)
    total = scores.total(weights)
    places = np.array([max(0, m.capacity) for m in mentors], dtype=np.int64)
    chosen = _assign(total, scores.feasible, places, weights.most)
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
    return Round(pairs, unmatched, blocked_pairs(scores) if with_blocked else [])


def _assign(
    total: NDArray[np.float64], feasible: NDArray[np.bool_], places: NDArray[np.int64], most: float
) -> dict[int, int]:
    """Mentee index -> mentor index: most mentees matched, then the highest total score.

    Each free place is a column; scipy's ``linear_sum_assignment`` finds the optimum of
    ``BIG + score`` over feasible cells. The cost matrix is built once, in place, already
    negated (``maximize`` would copy it) and with the shorter side first (the solver would
    copy it transposed): one mentees x places matrix in memory where there were five.
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment  # here, not at start-up: ~0.4 s

    rows = np.flatnonzero(feasible.any(axis=1)) if feasible.size else np.array([], np.int64)
    slots = np.repeat(np.arange(len(places)), places)
    if not len(rows) or not len(slots):
        return {}
    big = (min(len(rows), len(slots)) + 1) * (most + 1.0)
    by_place = len(slots) <= len(rows)  # rows of the cost matrix: places, else mentees
    if by_place:
        cost = np.ascontiguousarray(total[rows][:, slots].T)
        allowed = np.ascontiguousarray(feasible[rows][:, slots].T)
    else:
        cost = total[np.ix_(rows, slots)]
        allowed = feasible[np.ix_(rows, slots)]
    cost += big
    np.negative(cost, out=cost)
    cost[~allowed] = 0.0
    first, second = linear_sum_assignment(cost)
    mentees, chosen = (second, first) if by_place else (first, second)
    return {
        int(rows[m]): int(slots[p])
        for m, p in zip(mentees, chosen, strict=True)
        if (allowed[p, m] if by_place else allowed[m, p])
    }


def greedy(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    weights: Weights,
    rules: Rules | None = None,
) -> tuple[int, float]:
    """First come, first served: each mentee in queue order takes their best free mentor.
    The baseline the benchmark compares with; returns (matched, total score)."""
    import numpy as np

    scores = Scores(mentees, mentors, rules)
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
    languages = sorted(language_names.name(c) for c in mentee.languages & mentor.languages)
    if languages:
        reasons.append(f"both work in {_listing(languages)}")
    reasons.append(shared_time(mentee, mentor))
    if mentee.country != mentor.country:
        pair = _listing([countries.name(mentee.country), countries.name(mentor.country)])
        reasons.append(pair)
    elif mentee.country_pref == "same":
        reasons.append(f"both in {countries.name(mentee.country)}, as asked")
    return tuple(reasons)


def shared_time(mentee: Mentee, mentor: Mentor) -> str:
    """How much working time the two share, in words; every proposal says it."""
    shared = mentee.hours & mentor.hours
    week = len(shared) * SLOT_MINUTES
    longest = longest_stretch(shared) * SLOT_MINUTES
    custom = mentor.custom_hours or mentee.custom_hours
    if not week:
        return "no shared free hours" if custom else "no shared working hours"
    if not custom:
        return f"{duration(longest)} of shared working time a day"
    who = (
        "both are free"
        if mentor.custom_hours and mentee.custom_hours
        else "the mentor is free in the mentee's working day"
        if mentor.custom_hours
        else "the mentee is free in the mentor's working day"
    )
    at_once = f", up to {duration(longest)} at a time" if longest < week else ""
    return f"{duration(week)} a week when {who}{at_once}"


def blocked_pairs(scores: Scores) -> list[Blocked]:
    """Each mentee and mentor who both take part but may not be paired, with every rule
    that keeps them apart, so a moderator can see which rule blocked which pair."""
    import numpy as np

    rules = scores.rules
    candidates = (
        rules.other
        & rules.active_mentee
        & rules.active_mentor
        & rules.free
        & ~(rules.spoken & rules.allowed & rules.overlapping & rules.new)
    )
    found = []
    for i, j in zip(*np.nonzero(candidates), strict=True):
        mentee, mentor = scores.mentees[int(i)], scores.mentors[int(j)]
        why = pair_blocks(mentee, mentor, rules.rules)
        found.append(Blocked(mentee.user_id, mentor.user_id, tuple(why)))
    return found


def why_unmatched(scores: Scores, i: int) -> str:
    """The first hard constraint that left this mentee without a mentor, in words."""
    rules = scores.rules
    mentee_active = bool(rules.active_mentee[i, 0])
    others = rules.other[i] & rules.active_mentor[0]
    speaking = others & rules.spoken[i]
    allowed = speaking & rules.allowed[i]
    overlapping = allowed & rules.overlapping[i]
    new = overlapping & rules.new[i]
    if not mentee_active:
        return "their participation is paused"
    if not others.any():
        return "no mentor is offering at the moment"
    if not speaking.any():
        return "no mentor with a shared language"
    if not allowed.any():
        return "every mentor with a shared language is at their institution or on their avoid list"
    if not overlapping.any():
        return "no mentor they may be paired with shares enough working time"
    if not new.any():
        return "they were already proposed to every mentor who fits"
    if not (new & rules.free[0]).any():
        return "every mentor who fits is full"
    fits = int((new & rules.free[0]).sum())
    who = "the one mentor who fits" if fits == 1 else f"the {fits} mentors who fit"
    return f"the free places of {who} went to mentees they fit better"
