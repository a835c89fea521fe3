"""Deterministic, realistic fake profiles for benchmarks (no real people).

Realistic means the words are distributed like the network's own: domain terms are very
common (most profiles mention radicalisation or extremism) and word frequencies follow a
Zipf-like curve, so common queries match most profiles, as they would in the real network.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

DOMAIN = (
    "radicalisation extremism terrorism violent online youth prevention violence risk "
    "assessment disinformation conspiracy policing evaluation intervention deradicalisation "
    "propaganda recruitment ideology far-right jihadism misogyny incel gaming platforms "
    "moderation counter-narratives resilience communities threat management lone actors "
    "grievance mental health schools social media networks telegram memes accelerationism "
    "terminology definitions thresholds data ethics interviews ethnography survey experiments "
    "network analysis computational methods machine learning policy law criminology psychology"
).split()
FIRST = "Amira Ben Chloe Daniel Elif Farid Grace Hugo Ines Jonas Kaja Liam Maya Noah Olga Priya Quinn Rafael Sara Tomas".split()
LAST = "Haddad Ortiz Lind Novak Okafor Smith Tanaka Weber Rossi Kowalski Dubois Jensen Silva Costa Brown Khan Ali Moreau".split()
COUNTRIES = ["US", "GB", "CA", "AU", "NZ", "DE", "NL", "FR", "SE", "NO", "DK", "IE"]
STAGES = ["early-career", "mid-career", "senior", "practitioner", "policy"]
AREAS = ["emerging-tech", "disinformation", "youth-radicalisation", "civil-disorder", "thresholds",
         "threat-risk-management", "evaluation", "terminology", "data", "capacity-building"]  # fmt: skip
LANGUAGES = ["English", "French", "German", "Spanish", "Arabic", "Dutch"]
OPEN_TO = [
    "mentoring-others",
    "being-mentored",
    "peer-introductions",
    "government-enquiries",
    "media-enquiries",
]


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    letters = "abcdefghiklmnoprstuvw"
    filler = {"".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size)}
    return DOMAIN + sorted(filler - set(DOMAIN))


def profiles(count: int, seed: int = 7) -> Iterator[dict[str, object]]:
    rng = random.Random(seed)
    words = _vocabulary(rng)
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(words))))

    def some(k: int) -> list[str]:
        return rng.choices(words, cum_weights=cumulative, k=k)

    for i in range(count):
        anchor = "radicalisation" if rng.random() < 0.6 else "extremism"
        keywords = list(
            dict.fromkeys(
                [anchor, *(" ".join(some(rng.randint(1, 2))) for _ in range(rng.randint(2, 7)))]
            )
        )
        yield {
            "user_id": 10_000 + i,
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
            "affiliation": f"University of {rng.choice(words[60:400]).title()}",
            "expertise": keywords[:10],
            "methods": " ".join(some(rng.randint(2, 5))),
            "bio": " ".join(some(rng.randint(15, 40))),
            "country": rng.choice(COUNTRIES),
            "career_stage": rng.choice(STAGES),
            "languages": rng.sample(LANGUAGES, rng.randint(1, 3)),
            "open_to": rng.sample(OPEN_TO, rng.randint(0, 3)),
            "areas": rng.sample(AREAS, rng.randint(1, 3)),
            "verified": rng.random() < 0.3,
        }
