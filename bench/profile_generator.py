"""Deterministic, realistic fake profiles for benchmarks (no real people).

Realistic means the words are distributed like the network's own: domain terms are very
common ("radicalisation" or "extremism" in every profile, "online" and "youth" in most),
the rest follows a Zipf-like curve; members write British or American spellings (by
country, with a few exceptions); about one word in a hundred is mistyped, as people type;
30 to 150 words a profile; a few profiles are hidden from search or restrict their details.
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
    "network analysis computational methods machine learning policy law criminology psychology "
    "programme defence modelling counselling judgement behaviour organisation centre analyse"
).split()
PHRASES = ["violent extremism", "online radicalisation", "threat assessment", "mental health",
           "social media", "network analysis", "machine learning", "lone actors",
           "counter terrorism", "risk assessment", "youth work", "conspiracy theories"]  # fmt: skip
# British -> American, as members in the US and Canada write them.
AMERICAN = {
    "radicalisation": "radicalization", "deradicalisation": "deradicalization",
    "programme": "program", "defence": "defense", "modelling": "modeling",
    "counselling": "counseling", "judgement": "judgment", "behaviour": "behavior",
    "organisation": "organization", "centre": "center", "analyse": "analyze",
}  # fmt: skip
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
LETTERS = "abcdefghiklmnoprstuvw"
TYPO_RATE = 0.01


def vocabulary(seed: int = 7, size: int = 6000) -> list[str]:
    """Domain words first (the most common), then made-up words, most common first."""
    rng = random.Random(seed)
    filler = {"".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 10))) for _ in range(size)}
    return DOMAIN + sorted(filler - set(DOMAIN))


def misspell(word: str, rng: random.Random, edits: int = 1) -> str:
    """The word as someone might mistype it: a letter swapped, dropped, doubled or wrong,
    never in the first letter (people rarely miss that one)."""
    for _ in range(edits):
        at = rng.randint(1, len(word) - 2)
        kind = rng.choice(("swap", "drop", "double", "wrong"))
        if kind == "swap":
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif kind == "drop":
            word = word[:at] + word[at + 1 :]
        elif kind == "double":
            word = word[:at] + word[at] + word[at:]
        else:
            others = [c for c in "aeioustnrl" if c != word[at]]
            word = word[:at] + rng.choice(others) + word[at + 1 :]
    return word


def profiles(count: int, seed: int = 7) -> Iterator[dict[str, object]]:
    rng = random.Random(seed)
    words = vocabulary(seed)
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(words))))

    for i in range(count):
        country = rng.choice(COUNTRIES)
        american = (country in ("US", "CA")) != (rng.random() < 0.1)

        def spell(word: str, american: bool = american) -> str:
            word = AMERICAN.get(word, word) if american else word
            return misspell(word, rng) if len(word) >= 5 and rng.random() < TYPO_RATE else word

        def some(k: int) -> list[str]:
            return [spell(w) for w in rng.choices(words, cum_weights=cumulative, k=k)]

        anchor = "radicalisation" if rng.random() < 0.6 else "extremism"
        units = [spell(anchor), *(" ".join(spell(w) for w in p.split())
                                  for p in rng.sample(PHRASES, rng.randint(0, 2)))]  # fmt: skip
        units += [" ".join(some(rng.randint(1, 2))) for _ in range(rng.randint(2, 6))]
        keywords = list(dict.fromkeys(units))[:10]
        methods = " ".join(some(rng.randint(2, 8)))
        used = sum(len(k.split()) for k in keywords) + len(methods.split()) + 6
        common = [spell(w) for w in ("online", "youth") if rng.random() < 0.7]
        bio_words = some(max(1, rng.randint(30, 150) - used - len(common))) + common
        rng.shuffle(bio_words)
        hidden = rng.random()
        yield {
            "user_id": 10_000 + i,
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
            "affiliation": f"University of {rng.choice(words[60:400]).title()}",
            "expertise": keywords,
            "methods": methods,
            "bio": " ".join(bio_words),
            "country": country,
            "career_stage": rng.choice(STAGES),
            "languages": rng.sample(LANGUAGES, rng.randint(1, 3)),
            "open_to": rng.sample(OPEN_TO, rng.randint(0, 3)),
            "areas": rng.sample(AREAS, rng.randint(1, 3)),
            "verified": rng.random() < 0.3,
            "searchable": hidden >= 0.05,  # 5% hidden from search
            "visibility": "moderators" if 0.05 <= hidden < 0.1 else "members",
        }


def typo_list(count: int = 120, seed: int = 11) -> list[tuple[str, str]]:
    """(misspelling, intended word) for words that are in the profiles: the domain words
    and the most used made-up ones, one edit (two for some of 10 letters or more); each
    misspelling has 5 letters or more, as search corrects no shorter word."""
    rng = random.Random(seed)
    words = vocabulary()
    intended = [w for w in [*DOMAIN, *words[len(DOMAIN) : len(DOMAIN) + 400]] if len(w) >= 5]
    known = set(words) | set(AMERICAN.values())
    pairs: dict[str, str] = {}
    while len(pairs) < count:
        word = rng.choice(intended)
        edits = 2 if len(word) >= 10 and rng.random() < 0.3 else 1
        typo = misspell(word, rng, edits)
        if typo != word and typo not in known and len(typo) >= (9 if edits == 2 else 5):
            pairs.setdefault(typo, word)
    return list(pairs.items())
