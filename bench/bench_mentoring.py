"""Mentor matching at network scale: the optimal round against first come, first served.

``python -m bench.bench_mentoring [mentees] [mentors]`` (default 2,000 and 600, capacities
1 to 3) builds a deterministic, realistic pool (countries and zones of the network, two or
three areas each, English for almost everyone and a second language for many, expertise and
goals drawn from domain words with Zipf-like frequencies, some shared institutions and avoid
lists), solves it with ``matching.solve`` and prints the time, peak memory, total score and
matched mentees beside the greedy baseline on the same pool.
"""

from __future__ import annotations

import random
import sys
import time
import tracemalloc
from datetime import UTC, datetime

from cogs.mentoring.availability import parse_free_hours, to_utc_week, working_hours
from cogs.mentoring.matching import Mentee, Mentor, Weights, greedy, solve

AREAS = (
    "new-technology", "disinformation", "youth-radicalisation", "civil-disorder", "thresholds",
    "threat-risk", "evaluation", "terminology", "data", "capacity-building",
)  # fmt: skip
PLACES = (
    ("GB", "Europe/London"), ("DE", "Europe/Berlin"), ("NL", "Europe/Amsterdam"),
    ("FR", "Europe/Paris"), ("SE", "Europe/Stockholm"), ("US", "America/New_York"),
    ("CA", "America/Toronto"), ("AU", "Australia/Sydney"), ("KE", "Africa/Nairobi"),
    ("NG", "Africa/Lagos"), ("IN", "Asia/Kolkata"), ("ID", "Asia/Jakarta"),
)  # fmt: skip
SECOND = ("French", "German", "Spanish", "Arabic", "Dutch", "Swahili", "Indonesian")
WORDS = (
    "radicalisation online extremism interviews survey evaluation risk assessment youth "
    "platforms disinformation network analysis policing prevention exit programmes "
    "ethnography terrorism threat data methods qualitative quantitative policy schools "
    "violence communities gender conspiracy narratives moderation referral practitioners"
).split()
INSTITUTIONS = [f"University {i}" for i in range(150)]
MOMENT = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _words(rng: random.Random, count: int) -> str:
    return " ".join(WORDS[min(int(rng.paretovariate(1.1)) - 1, len(WORDS) - 1)]
                    for _ in range(count))  # fmt: skip


def _person(
    rng: random.Random, english: float
) -> tuple[str, str, frozenset[str], frozenset[str], str]:
    country, zone = rng.choice(PLACES)
    areas = frozenset(rng.sample(AREAS, rng.randint(1, 3)))
    languages = {"English"} if rng.random() < english else set()
    if rng.random() < 0.45 or not languages:
        languages.add(rng.choice(SECOND))
    return country, zone, areas, frozenset(languages), rng.choice(INSTITUTIONS)


def pool(
    mentees: int, mentors: int, seed: int = 8, english: float = 0.93
) -> tuple[list[Mentee], list[Mentor]]:
    rng = random.Random(seed)
    mentor_list = []
    for i in range(mentors):
        country, zone, areas, languages, institution = _person(rng, english)
        custom = rng.random() < 0.3
        local = parse_free_hours(f"{rng.choice(['Tue', 'Wed', 'Thu'])} 9-13") if custom else None
        mentor_list.append(Mentor(
            user_id=100_000 + i, capacity=rng.randint(1, 3), areas=areas, languages=languages,
            text=_words(rng, 25), country=country, institution=institution,
            hours=to_utc_week(local or working_hours(), zone, MOMENT), custom_hours=custom,
        ))  # fmt: skip
    mentee_list = []
    for i in range(mentees):
        country, zone, areas, languages, institution = _person(rng, english)
        pref = rng.choices(["any", "same", "other"], [0.7, 0.1, 0.2])[0]
        avoid = (institution.casefold(),) if rng.random() < 0.1 else ()
        mentee_list.append(Mentee(
            user_id=i + 1, areas=areas, languages=languages, text=_words(rng, 15),
            country=country, institution=institution, country_pref=pref, avoid=avoid,
            hours=to_utc_week(working_hours(), zone, MOMENT),
        ))  # fmt: skip
    return mentee_list, mentor_list


def run(label: str, mentees: int, mentors: int, english: float) -> None:
    people, offering = pool(mentees, mentors, english=english)
    places = sum(m.capacity for m in offering)
    weights = Weights()
    tracemalloc.start()
    started = time.perf_counter()
    result = solve(people, offering, weights)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    result = solve(people, offering, weights)
    untraced = time.perf_counter() - started
    started = time.perf_counter()
    greedy_matched, greedy_total = greedy(people, offering, weights)
    greedy_seconds = time.perf_counter() - started
    print(f"\n{label}: {mentees} mentees, {mentors} mentors, {places} places (capacities 1 to 3), "
          f"{english:.0%} work in English")  # fmt: skip
    print(f"  optimal: {untraced * 1000:.0f} ms ({seconds * 1000:.0f} ms under tracemalloc), "
          f"peak memory {peak / 2**20:.1f} MB, {len(result.pairs)} matched, "
          f"total score {result.total:.1f}")  # fmt: skip
    print(f"  greedy (first come, first served): {greedy_seconds * 1000:.0f} ms, "
          f"{greedy_matched} matched, total score {greedy_total:.1f}")  # fmt: skip
    print(f"  optimal matches {len(result.pairs) - greedy_matched} more mentees; total score "
          f"{result.total / greedy_total:.2f}x the greedy baseline; mean score per pair "
          f"{result.total / max(1, len(result.pairs)):.3f} vs "
          f"{greedy_total / max(1, greedy_matched):.3f}")  # fmt: skip
    print(f"  target under 2 s: {'met' if untraced < 2 else 'MISSED'}")


def main() -> None:
    mentees = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    mentors = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    run("target pool", mentees, mentors, 0.93)
    run("places for nearly everyone, fewer English speakers", 1100, 600, 0.6)


if __name__ == "__main__":
    main()
