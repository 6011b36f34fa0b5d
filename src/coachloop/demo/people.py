"""Teams, agents with latent skills, and customers.

Why latent skills: analytics must be able to find real signal, so each agent gets a
true probability of performing each behaviour in each week (stable, improving or
drifting), plus archetypes that show up in KPIs (new hires, slow-but-thorough,
fast-by-skipping, a couple with a prohibited-language habit) and one team whose
supervisor drags every member down. The generator samples calls from these.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from coachloop.model import Agent

__all__ = [
    "BASE_RATES",
    "SHIFTS",
    "SOFT_SKILLS",
    "AgentProfile",
    "Customer",
    "TeamProfile",
    "build_staff",
    "make_address",
    "make_customer",
]

BASE_RATES: dict[str, float] = {
    "recording_disclosure": 0.93,
    "greet_with_brand": 0.88,
    "use_customer_name": 0.62,
    "verify_identity": 0.90,
    "pain_mirror": 0.55,
    "confirm_request": 0.62,
    "hold_etiquette": 0.72,
    "explain_next_steps": 0.68,
    "offer_further_help": 0.80,
    "polite_close": 0.86,
}
"""Population probability of performing each positive behaviour when it applies."""

SOFT_SKILLS: tuple[str, ...] = (
    "use_customer_name",
    "pain_mirror",
    "confirm_request",
    "hold_etiquette",
    "explain_next_steps",
    "offer_further_help",
)
"""What coaching moves and a weak supervisor erodes; scripted lines (greeting, disclosure) move less."""

_FEMALE = {
    "anglo": (
        "Emma",
        "Olivia",
        "Sarah",
        "Jessica",
        "Emily",
        "Hannah",
        "Rachel",
        "Laura",
        "Megan",
        "Katherine",
        "Elizabeth",
        "Jennifer",
        "Rebecca",
        "Claire",
        "Natalie",
        "Abigail",
    ),
    "hispanic": ("Maria", "Sofia", "Isabella", "Lucia", "Gabriela", "Camila", "Valentina", "Elena"),
    "indian": (
        "Priya",
        "Ananya",
        "Neha",
        "Kavya",
        "Pooja",
        "Sneha",
        "Divya",
        "Riya",
        "Aisha",
        "Meera",
        "Shreya",
        "Anjali",
        "Nisha",
        "Swati",
    ),
    "east_asian": ("Mei", "Yuna", "Hana", "Lin", "Jia", "Sora"),
    "african": ("Amara", "Zainab", "Nia", "Fatima", "Adaeze", "Imani"),
}
_MALE = {
    "anglo": (
        "James",
        "Michael",
        "David",
        "Daniel",
        "Robert",
        "William",
        "Thomas",
        "Matthew",
        "Andrew",
        "Christopher",
        "Ryan",
        "Alexander",
        "Benjamin",
        "Nathan",
        "Samuel",
        "Patrick",
    ),
    "hispanic": ("Carlos", "Luis", "Diego", "Javier", "Miguel", "Mateo", "Alejandro", "Rafael"),
    "indian": (
        "Rahul",
        "Arjun",
        "Rohan",
        "Vikram",
        "Amit",
        "Rajesh",
        "Sanjay",
        "Karan",
        "Aditya",
        "Nikhil",
        "Varun",
        "Siddharth",
        "Manish",
        "Deepak",
    ),
    "east_asian": ("Kenji", "Wei", "Minho", "Hiroshi", "Jun", "Tao"),
    "african": ("Kwame", "Tunde", "Omar", "Malik", "Jamal", "Chidi"),
}
_SURNAMES = {
    "anglo": (
        "Smith",
        "Johnson",
        "Brown",
        "Taylor",
        "Walker",
        "Harris",
        "Clarke",
        "Lewis",
        "Robinson",
        "Wright",
        "Thompson",
        "Hughes",
        "Bennett",
        "Foster",
        "Mitchell",
        "Carter",
        "Morgan",
        "Reed",
    ),
    "hispanic": (
        "Garcia",
        "Martinez",
        "Rodriguez",
        "Lopez",
        "Hernandez",
        "Gonzalez",
        "Perez",
        "Torres",
        "Ramirez",
        "Flores",
    ),
    "indian": (
        "Sharma",
        "Patel",
        "Gupta",
        "Singh",
        "Kumar",
        "Reddy",
        "Iyer",
        "Nair",
        "Mehta",
        "Joshi",
        "Verma",
        "Agarwal",
        "Kapoor",
        "Malhotra",
        "Chopra",
        "Desai",
    ),
    "east_asian": ("Chen", "Wang", "Kim", "Park", "Nguyen", "Tanaka", "Li", "Zhang", "Sato"),
    "african": ("Okafor", "Mensah", "Adeyemi", "Hassan", "Ali", "Diallo", "Osei", "Ibrahim"),
}
_ORIGIN_WEIGHTS = {"anglo": 0.42, "hispanic": 0.18, "indian": 0.15, "east_asian": 0.12, "african": 0.13}
NICKNAMES: dict[str, str] = {
    "Katherine": "Kate",
    "Elizabeth": "Liz",
    "Jennifer": "Jen",
    "Rebecca": "Becky",
    "Abigail": "Abby",
    "Natalie": "Nat",
    "Michael": "Mike",
    "Robert": "Rob",
    "William": "Will",
    "Thomas": "Tom",
    "Matthew": "Matt",
    "Andrew": "Andy",
    "Christopher": "Chris",
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Nathan": "Nate",
    "Daniel": "Dan",
    "Samuel": "Sam",
    "Patrick": "Pat",
    "Alejandro": "Alex",
    "Javier": "Javi",
    "Gabriela": "Gabi",
    "Valentina": "Vale",
    "Siddharth": "Sid",
    "Rajesh": "Raj",
    "Nikhil": "Nik",
    "Aditya": "Adi",
}
"""Short forms an agent might use: addressing the customer, but not by the name they gave."""

_CITIES = (
    "Springfield",
    "Riverside",
    "Fairview",
    "Madison",
    "Georgetown",
    "Arlington",
    "Salem",
    "Franklin",
    "Clinton",
    "Greenville",
    "Bristol",
    "Oakland",
    "Ashland",
    "Dover",
    "Milton",
    "Newport",
)
_STREETS = (
    "Maple Street",
    "Oak Avenue",
    "Cedar Lane",
    "Park Road",
    "Elm Street",
    "Lakeview Drive",
    "Hillcrest Avenue",
    "Washington Street",
    "Sunset Boulevard",
    "River Road",
    "Pine Court",
)
_EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com")
_AREA_CODES = ("212", "312", "415", "469", "512", "617", "704", "713", "801", "919", "980", "206")
_TEAM_NAMES = ("Harbor", "Summit", "Meadow", "Granite", "Cedar", "Beacon", "Willow", "Aspen")
SHIFTS: dict[tuple[int, int], float] = {(7, 15): 0.35, (10, 18): 0.4, (14, 22): 0.25}
"""Shift (start hour, end hour) -> share of agents working it."""


@dataclass(slots=True)
class TeamProfile:
    name: str
    supervisor: str
    weak: bool
    effect: dict[str, float]
    """Logit shift the supervisor adds to every member's skill, per behaviour."""


@dataclass(slots=True)
class AgentProfile:
    """An agent and everything latent about them that drives their calls."""

    id: str
    first: str
    last: str
    female: bool
    team: str
    supervisor: str
    hire_date: date
    hindi: bool
    archetype: str
    """regular, new_hire, slow_thorough, fast_skipper or prohibited_risk."""
    trend: str
    """stable, improving or drifting."""
    trending: tuple[str, ...]
    speed: float
    """Multiplies how many turns a call takes (1 = typical; slow agents > 1)."""
    words_per_second: float
    acw_mean: float
    prohibited_rate: float
    shift: tuple[int, int]
    day_off: int
    """0 = Monday ... 5 = Saturday; the weekday this agent does not work."""
    skill: dict[str, list[float]] = field(default_factory=dict)
    """behaviour -> true probability per week (index 0 = week 1)."""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def as_agent(self) -> Agent:
        return Agent(
            id=self.id, name=self.name, team=self.team, supervisor=self.supervisor, hire_date=self.hire_date
        )


@dataclass(slots=True)
class Customer:
    id: str
    first: str
    last: str
    female: bool
    language: str
    dob: date
    zip: str
    city: str
    birth_city: str
    street: str
    email: str
    phone: str
    card_number: str
    acct4: str
    tenure: int
    segment: str
    known_to_ivr: bool
    """The IVR identified the caller, so the CRM shows the name to the agent (metadata)."""

    @property
    def nickname(self) -> str | None:
        return NICKNAMES.get(self.first)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _pick_name(rng: random.Random, origin: str, female: bool, taken: set[str]) -> tuple[str, str]:
    pool = (_FEMALE if female else _MALE)[origin]
    free = [n for n in pool if n not in taken] or list(pool)
    first = rng.choice(free)
    taken.add(first)
    return first, rng.choice(_SURNAMES[origin])


def _origin(rng: random.Random) -> str:
    return rng.choices(list(_ORIGIN_WEIGHTS), weights=list(_ORIGIN_WEIGHTS.values()))[0]


def build_staff(
    rng: random.Random,
    *,
    agents: int,
    teams: int,
    weeks: int,
    start: date,
    hinglish_share: float,
    drift: bool = True,
) -> tuple[list[TeamProfile], list[AgentProfile]]:
    """Teams with supervisors and agents with per-week skills, all drawn from `rng`."""
    if agents < 1 or teams < 1 or teams > agents:
        raise ValueError(f"need 1 <= teams <= agents, got teams={teams}, agents={agents}")
    taken: set[str] = set()

    weak_team = rng.randrange(teams) if teams > 1 else -1
    team_profiles: list[TeamProfile] = []
    for t in range(teams):
        name = _TEAM_NAMES[t] if t < len(_TEAM_NAMES) else f"Team {t + 1}"
        sup_first, sup_last = _pick_name(rng, _origin(rng), rng.random() < 0.5, taken)
        weak = t == weak_team
        effect = {}
        for b in BASE_RATES:
            if weak:
                effect[b] = -1.3 if b in SOFT_SKILLS else -0.6
            else:
                effect[b] = round(rng.gauss(0.0, 0.12), 3)
        team_profiles.append(TeamProfile(name, f"{sup_first} {sup_last}", weak, effect))

    ids = [f"A{i + 1:03d}" for i in range(agents)]
    order = ids[:]
    rng.shuffle(order)
    archetype = dict.fromkeys(ids, "regular")
    counts = [
        ("new_hire", round(agents * 0.05)),
        ("slow_thorough", round(agents * 0.05)),
        ("fast_skipper", max(1, round(agents * 0.025)) if agents >= 4 else 0),
        ("prohibited_risk", round(agents * 0.05)),
    ]
    cursor = 0
    for kind, n in counts:
        for _ in range(n):
            if cursor < len(order):
                archetype[order[cursor]] = kind
                cursor += 1

    trend = dict.fromkeys(ids, "stable")
    n_improving = round(agents * 0.20)
    n_drifting = round(agents * 0.15) if drift else 0
    for aid in ids:
        if archetype[aid] == "new_hire":
            trend[aid] = "improving"
    regulars = [a for a in order if archetype[a] == "regular"]
    n_improving = max(0, n_improving - sum(1 for a in ids if archetype[a] == "new_hire"))
    for aid in regulars[:n_improving]:
        trend[aid] = "improving"
    for aid in regulars[n_improving : n_improving + n_drifting]:
        trend[aid] = "drifting"

    hindi_ids: set[str] = set()
    if hinglish_share > 0:
        n_hindi = min(agents, max(math.ceil(agents * hinglish_share / 0.6), round(agents * 0.25), 1))
        hindi_ids = set(rng.sample(ids, n_hindi))

    team_of = {aid: team_profiles[i % teams] for i, aid in enumerate(order)}
    profiles: list[AgentProfile] = []
    for aid in ids:
        kind = archetype[aid]
        team = team_of[aid]
        female = rng.random() < 0.55
        hindi = aid in hindi_ids
        first, last = _pick_name(rng, "indian" if hindi else _origin(rng), female, taken)
        if kind == "new_hire":
            hire = start - timedelta(days=rng.randint(7, 28))
        else:
            hire = start - timedelta(days=rng.randint(180, 365 * 9))
        speed = math.exp(rng.gauss(0.0, 0.12))
        acw = 40.0 * math.exp(rng.gauss(0.0, 0.35))
        prohibited = rng.uniform(0.001, 0.004)
        arch_adj: dict[str, float] = dict.fromkeys(BASE_RATES, 0.0)
        if kind == "slow_thorough":
            speed, acw = rng.uniform(1.45, 1.65), acw * 1.8
            arch_adj = dict.fromkeys(BASE_RATES, 1.0)
        elif kind == "fast_skipper":
            speed, acw = rng.uniform(0.5, 0.6), acw * 0.5
            arch_adj.update(
                confirm_request=-2.0,
                explain_next_steps=-1.8,
                verify_identity=-1.2,
                hold_etiquette=-1.2,
                pain_mirror=-1.0,
                offer_further_help=-1.0,
                use_customer_name=-0.6,
            )
        elif kind == "prohibited_risk":
            prohibited = rng.uniform(0.14, 0.2)
            arch_adj.update(pain_mirror=-0.8, use_customer_name=-0.4)
        elif kind == "new_hire":
            speed *= 1.15
        quality = rng.gauss(0.0, 0.45)
        if trend[aid] == "improving" and kind != "new_hire":
            candidates = sorted(SOFT_SKILLS, key=lambda b: BASE_RATES[b] + rng.random() * 0.2)
            trending = tuple(sorted(candidates[: rng.randint(3, 5)]))
            slope = rng.uniform(0.28, 0.36)
        elif trend[aid] == "drifting":
            trending = tuple(sorted(rng.sample(SOFT_SKILLS, rng.randint(3, 5))))
            slope = -rng.uniform(0.22, 0.3)
        elif kind == "new_hire":
            trending = tuple(BASE_RATES)
            slope = 0.0
        else:
            trending, slope = (), 0.0
        skill: dict[str, list[float]] = {}
        for b, base in BASE_RATES.items():
            fixed = _logit(base) + quality + rng.gauss(0.0, 0.35) + team.effect[b] + arch_adj[b]
            series = []
            for w in range(weeks):
                x = fixed + rng.gauss(0.0, 0.06)
                if kind == "new_hire":
                    x += -1.8 * math.exp(-w / 2.2) + 0.1
                elif b in trending:
                    # Improvers start below their level (why they were coached); drifters start above it.
                    x += slope * w - (0.6 if slope > 0 else -0.6)
                series.append(round(min(0.995, max(0.02, _sigmoid(x))), 4))
            skill[b] = series
        skill["prohibited_language"] = [round(prohibited, 4)] * weeks
        profiles.append(
            AgentProfile(
                id=aid,
                first=first,
                last=last,
                female=female,
                team=team.name,
                supervisor=team.supervisor,
                hire_date=hire,
                hindi=hindi,
                archetype=kind,
                trend=trend[aid],
                trending=trending,
                speed=round(speed, 3),
                words_per_second=round(2.6 * speed**-0.25 * math.exp(rng.gauss(0, 0.05)), 3),
                acw_mean=round(acw, 1),
                prohibited_rate=round(prohibited, 4),
                shift=(10, 18)
                if kind == "new_hire"
                else rng.choices(list(SHIFTS), weights=list(SHIFTS.values()))[0],
                day_off=rng.choices(range(6), weights=(0.1, 0.15, 0.2, 0.15, 0.1, 0.3))[0],
                skill=skill,
            )
        )
    return team_profiles, profiles


def _luhn_complete(prefix: str, rng: random.Random, length: int = 16) -> str:
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def make_address(rng: random.Random) -> tuple[str, str, str]:
    """A fictitious street, city and zip code."""
    return (
        f"{rng.randint(2, 2999)} {rng.choice(_STREETS)}",
        rng.choice(_CITIES),
        f"{rng.randint(10000, 99999)}",
    )


def make_customer(
    rng: random.Random, cid: str, language: str, today: date, *, not_named: str | None = None
) -> Customer:
    """A fictitious customer with consistent details (the card number is Luhn-valid).

    `not_named`: a first name to avoid (the agent's), so a transcript never has two people
    with the same first name and name-use checks stay unambiguous."""
    origin = "indian" if language == "hi-en" else _origin(rng)
    female = rng.random() < 0.5
    names = [n for n in (_FEMALE if female else _MALE)[origin] if n != not_named]
    first, last = rng.choice(names), rng.choice(_SURNAMES[origin])
    dob = today - timedelta(days=rng.randint(19 * 365, 80 * 365))
    sep = rng.choice((".", "_", ""))
    email = (
        f"{first.lower()}{sep}{last.lower()}{rng.choice(('', str(dob.year % 100), str(rng.randint(1, 99))))}"
        f"@{rng.choice(_EMAIL_DOMAINS)}"
    )
    phone = f"({rng.choice(_AREA_CODES)}) 555-01{rng.randint(0, 99):02d}"
    prefix = rng.choice(("4", "4", "51", "52", "53", "54", "55"))
    street, city, zip_code = make_address(rng)
    return Customer(
        id=cid,
        first=first,
        last=last,
        female=female,
        language=language,
        dob=dob,
        zip=zip_code,
        city=city,
        birth_city=rng.choice(_CITIES),
        street=street,
        email=email,
        phone=phone,
        card_number=_luhn_complete(prefix, rng),
        acct4=f"{rng.randint(0, 9999):04d}",
        tenure=rng.randint(1, 25),
        segment=rng.choices(("retail", "premier"), weights=(0.85, 0.15))[0],
        known_to_ivr=rng.random() < 0.6,
    )
