"""The demo server's members: fictional people, institutions and work (no real persons).

Forty members across eighteen countries and every career stage. The list is fixed, so
every sandbox starts with the same server and the tour can rely on who is in it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    handle: str  # what you type after ``as`` in the terminal
    name: str
    country: str  # ISO code offered by the introduction form
    stage: str  # a CareerStage value
    affiliation: str
    expertise: str  # comma-separated keywords, as a member types them
    areas: tuple[str, ...]
    languages: tuple[str, ...] = ("en",)  # ISO 639 codes
    searchable: bool = True

    @property
    def methods(self) -> str:
        return METHODS[sum(map(ord, self.handle)) % len(METHODS)]

    @property
    def bio(self) -> str:
        first = self.expertise.split(",")[0].strip()
        return f"{self.name.split()[0]} works on {first} at {self.affiliation}."

    @property
    def open_to(self) -> tuple[str, ...]:
        return OPEN_TO[self.stage]


METHODS = (
    "interviews, thematic analysis",
    "survey experiments",
    "network analysis, computational text analysis",
    "case studies, process tracing",
    "randomised evaluation, mixed methods",
    "ethnography",
    "systematic review",
)

OPEN_TO = {
    "senior": ("mentoring-others", "peer-introductions", "government-enquiries"),
    "mid-career": ("mentoring-others", "peer-introductions"),
    "early-career": ("being-mentored", "peer-introductions"),
    "practitioner": ("peer-introductions", "media-enquiries"),
    "policy": ("peer-introductions",),
}

P = Person
PEOPLE: tuple[Person, ...] = (
    P("amira", "Amira Haddad", "GB", "early-career", "Northbridge University",
      "online radicalisation, youth work, video platforms", ("youth-radicalisation",),
      ("en", "ar")),
    P("ben", "Ben Okafor", "NG", "senior", "Lagoon Institute for Peace Studies",
      "violent extremism, prevention programmes, evaluation", ("evaluation", "capacity-building")),
    P("chiara", "Chiara Benedetti", "IT", "mid-career", "Università di Valdoro",
      "far-right extremism, online subcultures, memes", ("disinformation", "youth-radicalisation"),
      ("en", "it")),
    P("dev", "Dev Raman", "IN", "policy", "Ministry of Civic Resilience (fictional)",
      "policy design, community engagement", ("capacity-building",), ("en", "hi")),
    P("elin", "Elin Strand", "SE", "senior", "Nordvik University",
      "threat assessment, lone actors, risk management", ("threat-risk-management", "thresholds"),
      ("en", "sv")),
    P("farid", "Farid Mansour", "NL", "practitioner", "Safe Cities Network (fictional)",
      "exit programmes, deradicalisation, mentoring", ("capacity-building",),
      ("en", "nl", "ar")),
    P("grace", "Grace Mwangi", "KE", "early-career", "Rift Valley Research Centre",
      "youth radicalisation, community resilience", ("youth-radicalisation",),
      ("en", "sw")),
    P("hannah", "Hannah Weiss", "DE", "senior", "Rheinhafen University",
      "terminology, definitions of extremism, legal thresholds", ("terminology", "thresholds"),
      ("en", "de")),
    P("isaac", "Isaac Levin", "IL", "mid-career", "Carmel Institute of Security Studies",
      "data science, online radicalisation, social network analysis", ("data", "emerging-tech"),
      ("en", "ru")),
    P("jules", "Jules Moreau", "FR", "early-career", "Institut Lumière de Sociologie",
      "disinformation, conspiracy theories, Telegram", ("disinformation",),
      ("en", "fr")),
    P("kofi", "Kofi Asante", "ZA", "practitioner", "Cape Dialogue Trust (fictional)",
      "community policing, civil disorder, dialogue", ("civil-disorder",)),
    P("lena", "Lena Nordahl", "NO", "mid-career", "Fjordby University College",
      "evaluation, randomised trials, prevention programmes", ("evaluation",),
      ("en", "no")),
    P("mateo", "Mateo García", "ES", "early-career", "Universidad de Costaverde",
      "gaming platforms, online radicalization, youth", ("emerging-tech", "youth-radicalisation"),
      ("en", "es")),
    P("nadia", "Nadia Rahman", "GB", "policy", "Home Affairs Research Unit (fictional)",
      "risk assessment tools, thresholds for intervention", ("thresholds",)),
    P("oscar", "Oscar Lindqvist", "SE", "practitioner", "Malmvik Social Services",
      "multi-agency working, youth work, referrals", ("threat-risk-management",),
      ("en", "sv")),
    P("priya", "Priya Nair", "SG", "senior", "Straits Centre for Social Cohesion",
      "online harms, platform governance, content moderation", ("emerging-tech", "disinformation")),
    P("quinn", "Quinn Taylor", "AU", "mid-career", "Southern Cross University of Technology",
      "artificial intelligence, deepfakes, synthetic media", ("emerging-tech",)),
    P("rosa", "Rosa Alvarez", "US", "senior", "Lakeshore State University",
      "targeted violence, school safety, threat assessment", ("threat-risk-management",),
      ("en", "es")),
    P("sam", "Sam Whitfield", "CA", "early-career", "Maple Ridge University",
      "incel subculture, misogyny, online forums", ("youth-radicalisation",)),
    P("tariq", "Tariq Aziz", "GB", "mid-career", "Northbridge University",
      "civil disorder, riots, protest policing", ("civil-disorder",), ("en", "ur")),
    P("ulla", "Ulla Jensen", "DK", "practitioner", "Aarhavn Prevention Unit (fictional)",
      "prevention practice, family support, referrals", ("capacity-building",),
      ("en", "da")),
    P("victor", "Victor Dumont", "FR", "policy", "Délégation à la Cohésion (fictional)",
      "counter-terrorism policy, evaluation", ("evaluation",), ("en", "fr")),
    P("wanjiru", "Wanjiru Kamau", "KE", "mid-career", "Nairobi Institute of Peace (fictional)",
      "community resilience, capacity building, East Africa", ("capacity-building",),
      ("en", "sw")),
    P("xavier", "Xavier Costa", "ES", "senior", "Universidad de Costaverde",
      "terrorism studies, jihadism, prisons", ("thresholds", "terminology"),
      ("en", "es", "pt")),
    P("yasmin", "Yasmin Farouk", "NL", "early-career", "Polderstad University",
      "data ethics, open data, replication", ("data",), ("en", "nl", "ar")),
    P("zoe", "Zoe Carter", "US", "early-career", "Lakeshore State University",
      "extremist propaganda, video analysis, disinformation", ("disinformation",)),
    P("anders", "Anders Holm", "NO", "senior", "Fjordby University College",
      "right-wing terrorism, lone actors, data collection", ("data", "threat-risk-management"),
      ("en", "no")),
    P("bianca", "Bianca Rossi", "IT", "practitioner", "Valdoro Youth Services (fictional)",
      "youth work, schools, prevention practice", ("youth-radicalisation",),
      ("en", "it")),
    P("chen", "Chen Wei", "SG", "mid-career", "Straits Centre for Social Cohesion",
      "misinformation, messaging apps, fact-checking", ("disinformation",),
      ("en", "zh")),
    P("daniel", "Daniel Cohen", "IL", "policy", "Office for Civic Security (fictional)",
      "threat assessment, policy evaluation", ("threat-risk-management",)),
    P("esther", "Esther Adeyemi", "NG", "early-career", "Lagoon Institute for Peace Studies",
      "youth radicalization, West Africa, interviews", ("youth-radicalisation",)),
    P("felix", "Felix Braun", "DE", "mid-career", "Rheinhafen University",
      "machine learning, hate speech detection, datasets", ("data", "emerging-tech"),
      ("en", "de")),
    P("gita", "Gita Sharma", "IN", "senior", "Deccan Institute of Social Research",
      "communal violence, civil disorder, rumours", ("civil-disorder", "disinformation"),
      ("en", "hi", "bn")),
    P("hugo", "Hugo Martin", "CA", "practitioner", "Maple Ridge Community Safety (fictional)",
      "threat management, case management, multi-agency working", ("threat-risk-management",),
      ("en", "fr")),
    P("iris", "Iris van Dijk", "NL", "mid-career", "Polderstad University",
      "terminology, conceptual analysis, extremism definitions", ("terminology",),
      ("en", "nl")),
    P("jomo", "Jomo Otieno", "KE", "policy", "County Peace Office (fictional)",
      "capacity building, training, prevention policy", ("capacity-building",),
      ("en", "sw")),
    P("karin", "Karin Berg", "DK", "early-career", "Aarhavn University",
      "evaluation, programme theory, outcome measures", ("evaluation",),
      ("en", "da"), searchable=False),
    P("liam", "Liam O'Brien", "AU", "early-career", "Southern Cross University of Technology",
      "drones, emerging technology, attack planning", ("emerging-tech",)),
    P("maya", "Maya Goldberg", "US", "mid-career", "Hudson Valley Policy Lab (fictional)",
      "online radicalisation, platform data, evaluation", ("disinformation", "evaluation")),
    P("noor", "Noor Siddiqui", "ZA", "senior", "Cape Institute for Social Research",
      "thresholds, legal frameworks, human rights", ("thresholds", "civil-disorder")),
)  # fmt: skip

# The moderator is a member too, with a profile of their own.
MODERATOR_PERSON = Person(
    "moderator", "Morgan Ellis (moderator)", "GB", "practitioner",
    "Research Hub secretariat (fictional)", "network coordination, events, capacity building",
    ("capacity-building",),
)  # fmt: skip
