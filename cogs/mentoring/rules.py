"""The hard constraints of a matching round, pair by pair and as matrices, with the reason
each blocked pair was blocked.

A pair is possible only with at least one shared language, no conflict of interest between
their institutions (``bot.institutions``: normalised names, initials, the alias table,
parent organisations), nothing on the mentee's avoid list that names the mentor, their
institution or their country (whole words, countries by ISO code and their names), enough
shared working time (the longest stretch both are free in a usual week, at least the
setting), not a previous pair, not oneself, both active, and a free place with the mentor.

Plain Python and numpy, no Discord.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot import countries
from bot.institutions import Institutions
from cogs.mentoring.availability import SLOT_MINUTES, SLOTS_IN_WEEK, duration

if TYPE_CHECKING:
    import numpy as np  # imported where it is used: ~0.1 s at start-up
    from numpy.typing import NDArray

    from cogs.mentoring.matching import Mentee, Mentor

_AVOID_SEPARATORS = re.compile(r"[,;\n]+")


@dataclass(frozen=True)
class Rules:
    """What the network decided about hard constraints: the least shared working time (in
    minutes; 0 turns the rule off) and its list of institutions."""

    min_overlap_minutes: int = 0
    institutions: Institutions = field(default_factory=Institutions)

    @property
    def min_slots(self) -> int:
        return math.ceil(self.min_overlap_minutes / SLOT_MINUTES)


def split_avoid(text: str) -> tuple[str, ...]:
    """The entries of an avoid list, separated by commas, semicolons or new lines."""
    return tuple(dict.fromkeys(p.strip() for p in _AVOID_SEPARATORS.split(text) if p.strip()))


# -- one pair -----------------------------------------------------------------------------------


def longest_stretch(slots: frozenset[int]) -> int:
    """The longest run of consecutive quarter hours, around the end of the week too."""
    if len(slots) >= SLOTS_IN_WEEK:
        return SLOTS_IN_WEEK
    best = 0
    for start in slots:
        if (start - 1) % SLOTS_IN_WEEK in slots:
            continue  # not the start of a run
        length = 1
        while (start + length) % SLOTS_IN_WEEK in slots:
            length += 1
        best = max(best, length)
    return best


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> str:
    return f" {countries.words(text)} "


def avoid_match(entry: str, mentor: Mentor, institutions: Institutions) -> str | None:
    """Why this avoid-list entry names the mentor, in words; None when it does not. Whole
    words only: "li" is not Berlin and "us" is not Australia."""
    phrase = countries.words(entry)
    if not phrase:
        return None
    if mentor.name and f" {phrase} " in _words(mentor.name):
        return f"avoid-list entry '{entry}' matches their name"
    if mentor.institution and institutions.conflict(entry, mentor.institution):
        return f"avoid-list entry '{entry}' matches their institution ({mentor.institution})"
    code = countries.find(mentor.country) or mentor.country.upper()
    if code and code in countries.mentioned(entry):
        return f"avoid-list entry '{entry}' matches their country ({countries.name(code)})"
    return None


def pair_blocks(mentee: Mentee, mentor: Mentor, rules: Rules) -> list[str]:
    """Every pair rule that keeps these two apart, in words (empty: they may be paired)."""
    found = []
    if not mentee.languages & mentor.languages:
        found.append("no shared language")
    conflict = rules.institutions.conflict(mentee.institution, mentor.institution)
    if conflict:
        found.append(conflict)
    found += [
        hit for hit in (avoid_match(e, mentor, rules.institutions) for e in mentee.avoid) if hit
    ]
    if rules.min_slots:
        longest = longest_stretch(mentee.hours & mentor.hours) * SLOT_MINUTES
        if longest < rules.min_slots * SLOT_MINUTES:
            found.append(
                f"too little shared working time: {duration(longest)} at most at a stretch, "
                f"{duration(rules.min_overlap_minutes)} needed"
                if longest
                else "no shared working hours"
            )
    if mentor.user_id in mentee.previous:
        found.append("already proposed to each other")
    return found


def feasible(mentee: Mentee, mentor: Mentor, rules: Rules | None = None) -> bool:
    """Every hard constraint, one pair at a time (the matrices below must agree)."""
    return (
        mentee.active
        and mentor.active
        and mentor.capacity > 0
        and mentee.user_id != mentor.user_id
        and not pair_blocks(mentee, mentor, rules or Rules())
    )


# -- the whole pool -----------------------------------------------------------------------------


def indicator(rows: list[frozenset[str]], vocabulary: dict[str, int]) -> NDArray[np.float64]:
    import numpy as np

    matrix = np.zeros((len(rows), max(1, len(vocabulary))))
    for i, values in enumerate(rows):
        for value in values:
            if value in vocabulary:
                matrix[i, vocabulary[value]] = 1.0
    return matrix


def _stretch_starts(weeks: list[frozenset[int]], length: int) -> NDArray[np.float32]:
    """1 where a person is free for ``length`` quarter hours from that slot on (around the
    end of the week too): two people share such a stretch exactly when their rows meet."""
    import numpy as np

    rows = np.zeros((len(weeks), SLOTS_IN_WEEK), dtype=bool)
    for i, slots in enumerate(weeks):
        rows[i, list(slots)] = True
    starts = rows.copy()
    for shift in range(1, length):
        starts &= np.roll(rows, -shift, axis=1)
    return starts.astype(np.float32)


class Constraints:
    """The hard constraints as boolean matrices, one per rule, so both the solver and the
    explanations read the same facts."""

    def __init__(self, mentees: list[Mentee], mentors: list[Mentor], rules: Rules) -> None:
        import numpy as np

        n, m = len(mentees), len(mentors)
        self.rules = rules
        languages = sorted(
            {x for p in mentees for x in p.languages} | {x for p in mentors for x in p.languages}
        )
        vocabulary = {name: i for i, name in enumerate(languages)}
        self.spoken: NDArray[np.bool_] = (
            indicator([p.languages for p in mentees], vocabulary)
            @ indicator([p.languages for p in mentors], vocabulary).T
        ) > 0
        self.allowed = self._institutions(mentees, mentors) & self._avoided(mentees, mentors)
        self.overlapping = np.ones((n, m), dtype=bool)
        if rules.min_slots and n and m:
            a = _stretch_starts([p.hours for p in mentees], rules.min_slots)
            b = _stretch_starts([p.hours for p in mentors], rules.min_slots)
            self.overlapping = (a @ b.T) > 0
        column = {p.user_id: j for j, p in enumerate(mentors)}
        self.new = np.ones((n, m), dtype=bool)
        self.other = np.ones((n, m), dtype=bool)
        for i, mentee in enumerate(mentees):
            if mentee.user_id in column:
                self.other[i, column[mentee.user_id]] = False
            for mentor_id in mentee.previous:
                if mentor_id in column:
                    self.new[i, column[mentor_id]] = False
        self.active_mentee = np.array([p.active for p in mentees], dtype=bool).reshape(n, 1)
        self.active_mentor = np.array([p.active for p in mentors], dtype=bool).reshape(1, m)
        self.free = np.array([p.capacity > 0 for p in mentors], dtype=bool).reshape(1, m)
        self.feasible: NDArray[np.bool_] = (
            self.spoken
            & self.allowed
            & self.overlapping
            & self.new
            & self.other
            & self.active_mentee
            & self.active_mentor
            & self.free
        )

    def _institutions(self, mentees: list[Mentee], mentors: list[Mentor]) -> NDArray[np.bool_]:
        """False where the two institutions conflict; each distinct pair of names is
        compared once."""
        import numpy as np

        table = self.rules.institutions
        theirs = sorted({p.institution for p in mentors})
        where = {name: k for k, name in enumerate(theirs)}
        clash = {
            mine: np.array([table.conflict(mine, t) is not None for t in theirs], dtype=bool)
            for mine in {p.institution for p in mentees}
        }
        index = np.array([where[p.institution] for p in mentors], dtype=int)
        rows = [~clash[p.institution][index] if len(index) else [] for p in mentees]
        return np.array(rows, dtype=bool).reshape(len(mentees), len(mentors))

    def _avoided(self, mentees: list[Mentee], mentors: list[Mentor]) -> NDArray[np.bool_]:
        """False where an entry of the mentee's avoid list names the mentor."""
        import numpy as np

        table = self.rules.institutions
        allowed = np.ones((len(mentees), len(mentors)), dtype=bool)
        hits: dict[str, NDArray[np.bool_]] = {}
        for i, mentee in enumerate(mentees):
            for entry in mentee.avoid:
                if entry not in hits:
                    hits[entry] = np.array(
                        [avoid_match(entry, p, table) is not None for p in mentors], dtype=bool
                    ).reshape(len(mentors))
                allowed[i] &= ~hits[entry]
        return allowed
