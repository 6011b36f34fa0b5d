"""Plan every call up front: who, when, why, which behaviours, which outcome.

Why plan before rendering: truth must be complete when `generate` returns, while the
transcripts are streamed. Planning decides everything truth and analytics care
about (behaviours, holds, disposition, survey, repeat contacts) in time order, so a
repeat contact can follow the call that caused it; rendering a plan into words is
then independent per call, seeded by the plan alone.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from coachloop.demo.config import DemoConfig
from coachloop.demo.people import BASE_RATES, SHIFTS, AgentProfile, Customer, make_address, make_customer
from coachloop.demo.pii import PiiItem, spoken_card, spoken_email, spoken_phone
from coachloop.demo.truth import Incident
from coachloop.demo.world import HOURLY_VOLUME, QUEUE_WEIGHTS, QUEUES, REASONS, WEEKDAY_VOLUME, Reason
from coachloop.model import Channel, Survey

__all__ = ["INCIDENT_QUEUE", "CallPlan", "plan_calls"]

INCIDENT_QUEUE = "tech_support"
REPEAT_WINDOW = timedelta(days=7)
RUSH_REPEAT = 1.5
"""Extra repeat-contact probability per unit of speed below 1 (see the incentive audit)."""
_MERCHANTS = (
    "Amazon",
    "Target",
    "Walmart",
    "Best Buy",
    "Costco",
    "Home Depot",
    "Starbucks",
    "Whole Foods",
    "Walgreens",
    "Apple",
)
_DISPOSITIONS = ("transferred", "escalated", "callback", "unresolved")


_COVERAGE = {h: sum(w for (h0, h1), w in SHIFTS.items() if h0 <= h < h1) for h in HOURLY_VOLUME}
_HOUR_WEIGHT = {h: HOURLY_VOLUME[h] / _COVERAGE[h] for h in HOURLY_VOLUME}
"""Within a shift, an hour gets calls in proportion to demand per agent on duty, so the
center's total follows `HOURLY_VOLUME` although agents work different shifts."""


@dataclass(slots=True)
class CallPlan:
    index: int
    id: str
    agent: AgentProfile
    customer: Customer
    reason: Reason
    product: str
    channel: Channel
    language: str
    started_at: datetime
    week: int
    details: dict[str, str]
    """Facts the conversation mentions (amount, merchant, reference): kept across repeat contacts."""
    problem: int
    incident_problem: bool
    frustrated: bool
    contact_number: int
    days_since_previous: float | None
    performed: dict[str, bool | None]
    paraphrased: frozenset[str]
    holds: tuple[float, ...]
    disposition: str
    late_verification: bool
    order_violation: bool
    survey: Survey | None
    acw: float
    filler_pairs: int
    incident: Incident | None
    pii: tuple[PiiItem, ...]
    repeat_of: str | None
    repeat_probability: float
    timed_chat: bool
    render_seed: int
    repeat_contact: str | None = field(default=None)
    budget_seconds: float = 1800.0
    """Time until the agent's next call: the call and its wrap-up must fit in it."""


@dataclass(slots=True)
class _Pending:
    due: datetime
    seq: int
    previous: CallPlan


def _day_starts(rng: random.Random, n: int, shift: tuple[int, int]) -> list[int]:
    """n call start times (seconds after midnight) inside a shift, following the hourly
    volume curve and at least `gap` apart so one agent's calls never overlap."""
    h0, h1 = shift
    hours = list(range(h0, h1))
    gap = min(1800, (h1 - h0) * 3600 // n)
    picked = sorted(
        h * 3600 + rng.randrange(3600)
        for h in rng.choices(hours, weights=[_HOUR_WEIGHT[h] for h in hours], k=n)
    )
    for i in range(1, n):
        picked[i] = max(picked[i], picked[i - 1] + gap)
    picked[-1] = min(picked[-1], h1 * 3600 - gap)
    for i in range(n - 2, -1, -1):
        picked[i] = min(picked[i], picked[i + 1] - gap)
    return picked


def _slots(
    config: DemoConfig, agents: list[AgentProfile], rng: random.Random
) -> list[tuple[datetime, AgentProfile, float]]:
    """Every call slot: when, who, and how long until that agent's next slot (or shift end)."""
    slots: list[tuple[datetime, AgentProfile, float]] = []
    for agent in agents:
        workdays = [d for d in range(6) if d != agent.day_off]
        weights = [WEEKDAY_VOLUME[d] for d in workdays]
        for week in range(config.weeks):
            days = rng.choices(workdays, weights=weights, k=config.calls_per_agent_week)
            for day in sorted(set(days)):
                midnight = datetime.combine(config.start + timedelta(days=7 * week + day), time())
                starts = _day_starts(rng, days.count(day), agent.shift)
                ends = [*starts[1:], agent.shift[1] * 3600]
                for sec, until in zip(starts, ends, strict=True):
                    slots.append((midnight + timedelta(seconds=sec), agent, float(until - sec)))
    slots.sort(key=lambda s: (s[0], s[1].id))
    return slots


def _incident(config: DemoConfig) -> Incident | None:
    week = config.incident_week
    if week is None or not 1 <= week <= config.weeks:
        return None
    first = config.start + timedelta(days=7 * (week - 1))
    return Incident(
        id="INC-app-update",
        queue=INCIDENT_QUEUE,
        week=week,
        start=first,
        end=first + timedelta(days=5),
        description="A mobile app update broke login and face ID for many customers: tech_support calls "
        "got longer and more often needed a repeat contact. A product issue, not an agent one.",
        mention="the app update",
        length_factor=1.8,
        extra_repeat_probability=0.25,
    )


class _Planner:
    def __init__(self, config: DemoConfig, agents: list[AgentProfile], rng: random.Random) -> None:
        self.config = config
        self.rng = rng
        self.incident = _incident(config)
        n_hindi = sum(a.hindi for a in agents)
        self.p_hinglish = min(1.0, config.hinglish_share * len(agents) / n_hindi) if n_hindi else 0.0
        self.customers: list[tuple[Customer, datetime, set[str]]] = []
        self.last_seen: dict[str, int] = {}
        self.n_customers = 0

    # --- who and why -------------------------------------------------------------------------

    def _new_customer(self, language: str, when: datetime, agent: AgentProfile) -> Customer:
        self.n_customers += 1
        cid = f"C{100000 + self.n_customers * 7 + self.rng.randrange(7)}"
        return make_customer(self.rng, cid, language, when.date(), not_named=agent.first)

    def _pick_customer(self, language: str, reason: Reason, when: datetime, agent: AgentProfile) -> Customer:
        """Mostly new customers; a few known ones with a different issue and no contact for 10+ days
        (so a "repeat contact" in the data is only ever a real one)."""
        rng = self.rng
        if self.customers and rng.random() < 0.06:
            for _ in range(4):
                i = rng.randrange(len(self.customers))
                customer, last, reasons = self.customers[i]
                if (
                    customer.language == language
                    and reason.id not in reasons
                    and when - last > timedelta(days=10)
                    and customer.first != agent.first
                ):
                    return customer
        return self._new_customer(language, when, agent)

    def remember(self, plan: CallPlan) -> None:
        cid = plan.customer.id
        if cid in self.last_seen:
            customer, _, reasons = self.customers[self.last_seen[cid]]
            reasons.add(plan.reason.id)
            self.customers[self.last_seen[cid]] = (customer, plan.started_at, reasons)
        else:
            self.last_seen[cid] = len(self.customers)
            self.customers.append((plan.customer, plan.started_at, {plan.reason.id}))

    def _in_incident(self, queue: str, when: datetime) -> bool:
        inc = self.incident
        return inc is not None and queue == inc.queue and inc.start <= when.date() <= inc.end

    def new_contact(self, index: int, when: datetime, agent: AgentProfile) -> CallPlan:
        rng = self.rng
        week = (when.date() - self.config.start).days // 7 + 1
        incident_week = self.incident is not None and week == self.incident.week
        weights = [QUEUE_WEIGHTS[q] * (2.2 if incident_week and q == INCIDENT_QUEUE else 1.0) for q in QUEUES]
        queue = rng.choices(QUEUES, weights=weights)[0]
        reasons = [r for r in REASONS.values() if r.queue == queue]
        reason = rng.choices(
            reasons,
            weights=[
                r.weight * (3.0 if incident_week and r.id == "app_login_issue" else 1.0) for r in reasons
            ],
        )[0]
        language = "hi-en" if agent.hindi and rng.random() < self.p_hinglish else "en"
        channel = Channel.CHAT if rng.random() < self.config.chat_share else Channel.VOICE
        customer = self._pick_customer(language, reason, when, agent)
        incident = self._in_incident(queue, when)
        text = reason.text[language]
        incident_problem = incident and bool(text.incident_problems) and rng.random() < 0.85
        problems = text.incident_problems if incident_problem else text.problems
        dollars = rng.choice((rng.randint(12, 95), rng.randint(100, 900), rng.randint(1000, 4000)))
        details = {
            "amount": f"${dollars:,}.{rng.randrange(100):02d}",
            "merchant": rng.choice(_MERCHANTS),
            "ref": f"NW {rng.randint(10000, 99999)}",
            "day_ordinal": _ordinal(rng.randint(1, 28)),
        }
        details["new_street"], details["new_city"], details["new_zip"] = make_address(rng)
        return self._plan(
            index,
            when,
            agent,
            customer,
            reason,
            rng.choice(reason.products),
            channel,
            language,
            details,
            rng.randrange(len(problems)),
            incident_problem,
            1,
            None,
            None,
        )

    def repeat_contact(self, index: int, when: datetime, agent: AgentProfile, previous: CallPlan) -> CallPlan:
        rng = self.rng
        channel = previous.channel
        if rng.random() < 0.2:  # some customers switch channel when they come back
            channel = Channel.CHAT if rng.random() < self.config.chat_share else Channel.VOICE
        days = (when - previous.started_at).total_seconds() / 86400
        return self._plan(
            index,
            when,
            agent,
            previous.customer,
            previous.reason,
            previous.product,
            channel,
            previous.language,
            previous.details,
            previous.problem,
            previous.incident_problem,
            previous.contact_number + 1,
            days,
            previous.id,
        )

    # --- what happens ------------------------------------------------------------------------

    def _plan(
        self,
        index: int,
        when: datetime,
        agent: AgentProfile,
        customer: Customer,
        reason: Reason,
        product: str,
        channel: Channel,
        language: str,
        details: dict[str, str],
        problem_index: int,
        incident_problem: bool,
        contact_number: int,
        days_since: float | None,
        repeat_of: str | None,
    ) -> CallPlan:
        rng = self.rng
        cfg = self.config
        week = (when.date() - cfg.start).days // 7 + 1
        incident = self.incident if self._in_incident(reason.queue, when) else None
        text = reason.text[language]
        problem = (text.incident_problems if incident_problem else text.problems)[problem_index]
        voice = channel == Channel.VOICE

        p_frustrated = 0.22 + (0.1 if problem.pain_inf else 0.0)
        if contact_number > 1:
            p_frustrated = 0.8
        elif incident:
            p_frustrated = 0.55
        frustrated = rng.random() < p_frustrated

        holds: tuple[float, ...] = ()
        if voice:
            p_hold = (
                reason.hold_prob
                * (1.3 if agent.archetype == "new_hire" else 1.0)
                * (1.5 if incident else 1.0)
            )
            if rng.random() < min(0.9, p_hold):
                n = rng.choices((1, 2, 3), weights=(0.72, 0.22, 0.06))[0]
                alpha, beta = (2.6, 2.0) if incident else (1.6, 3.2)
                holds = tuple(round(20 + 160 * rng.betavariate(alpha, beta), 1) for _ in range(n))

        p_t, p_e, p_c, p_u = reason.p_transfer, reason.p_escalate, reason.p_callback, reason.p_unresolved
        if agent.archetype == "new_hire":
            p_t, p_e = p_t * 2.0, p_e * 1.8
        if agent.archetype == "fast_skipper":
            p_u *= 1.4
        if incident:
            p_u, p_c = p_u + 0.15, p_c + 0.08
        if contact_number > 1:
            p_e *= 1.6
        if not voice:
            p_t *= 0.7
        roll, disposition = rng.random(), "resolved"
        for name, p in zip(_DISPOSITIONS, (p_t, p_e, p_c, p_u), strict=True):
            if roll < p:
                disposition = name
                break
            roll -= p

        w = week - 1
        performed: dict[str, bool | None] = {}
        for b in BASE_RATES:
            applies = True
            if b == "pain_mirror":
                applies = frustrated or problem.pain_inf is not None
            elif b == "hold_etiquette":
                applies = bool(holds)
            performed[b] = (rng.random() < agent.skill[b][w]) if applies else None
        p_prohibited = agent.skill["prohibited_language"][w] * (1.8 if frustrated else 0.55)
        performed["prohibited_language"] = rng.random() < p_prohibited

        paraphrased = set()
        for b, done in performed.items():
            if done and rng.random() < cfg.paraphrase_share:
                if b == "use_customer_name" and language == "en" and customer.nickname is None:
                    continue
                paraphrased.add(b)

        account_change = disposition == "resolved" and reason.account_change
        order_violation = account_change and not performed["verify_identity"]
        late_verification = order_violation and rng.random() < 0.3

        repeat_p = 0.04
        if not performed["explain_next_steps"]:
            repeat_p += 0.16
        if not performed["confirm_request"]:
            repeat_p += 0.08
        repeat_p += {
            "resolved": 0.0,
            "transferred": 0.05,
            "escalated": 0.04,
            "callback": 0.10,
            "unresolved": 0.25,
        }[disposition]
        if agent.archetype == "fast_skipper":
            repeat_p += 0.10  # rushed calls leave loose ends beyond the rubric
        # Planted for the incentive audit: the faster an agent, the more loose ends, so a plan
        # paying for short handle time pays against first-contact resolution.
        if cfg.plant_kpi_effects:
            repeat_p += RUSH_REPEAT * max(0.0, 1.0 - agent.speed)
        if incident:
            repeat_p += incident.extra_repeat_probability
        repeat_p = min(0.7, repeat_p)

        length = math.exp(rng.gauss(math.log(7.6), 0.5)) * agent.speed * reason.complexity
        if incident:
            length *= incident.length_factor
        if contact_number > 1:
            length *= 1.15
        filler_pairs = min(22, round(length))

        acw = agent.acw_mean * math.exp(rng.gauss(0.0, 0.3)) + (
            25.0 if disposition in ("escalated", "callback") else 0.0
        )
        if not voice:
            acw *= 0.6

        pii: list[PiiItem] = []
        chat = not voice
        if rng.random() < (0.14 if reason.queue == "cards" else 0.03):
            pii.append(
                PiiItem(
                    "card_number", customer.card_number, spoken_card(customer.card_number, rng, chat=chat)
                )
            )
        if rng.random() < (0.4 if reason.id in ("loan_payoff", "reset_password") else 0.07):
            pii.append(PiiItem("email", customer.email, spoken_email(customer.email, rng, chat=chat)))
        if rng.random() < (0.4 if reason.id == "update_address" else 0.06):
            digits = "".join(c for c in customer.phone if c.isdigit())
            pii.append(PiiItem("phone", digits, spoken_phone(customer.phone, rng, chat=chat)))

        plan = CallPlan(
            index=index,
            id=f"NW{index + 1:06d}",
            agent=agent,
            customer=customer,
            reason=reason,
            product=product,
            channel=channel,
            language=language,
            started_at=when,
            week=week,
            details=details,
            problem=problem_index,
            incident_problem=incident_problem,
            frustrated=frustrated,
            contact_number=contact_number,
            days_since_previous=days_since,
            performed=performed,
            paraphrased=frozenset(paraphrased),
            holds=holds,
            disposition=disposition,
            late_verification=late_verification,
            order_violation=order_violation,
            survey=None,
            acw=round(acw),
            filler_pairs=filler_pairs,
            incident=incident,
            pii=tuple(pii),
            repeat_of=repeat_of,
            repeat_probability=round(repeat_p, 3),
            timed_chat=chat and rng.random() < 0.6,
            render_seed=rng.getrandbits(63),
        )
        plan.survey = self._survey(plan)
        return plan

    def _survey(self, plan: CallPlan) -> Survey | None:
        """Satisfaction rises with mirroring, name use and clear next steps; falls with long
        holds, prohibited language, transfers, repeat contacts and unresolved issues."""
        rng = self.rng
        p = plan.performed
        extreme = bool(p["prohibited_language"]) or plan.disposition == "unresolved"
        if rng.random() >= 0.28 + (0.1 if extreme else 0.0):
            return None
        hold_total = sum(plan.holds)
        s = 3.3
        if p["pain_mirror"] is not None:
            s += 0.6 if p["pain_mirror"] else -0.45
        s += 0.35 if p["use_customer_name"] else 0.0
        s += 0.5 if p["explain_next_steps"] else -0.25
        s += 0.15 if p["confirm_request"] else 0.0
        s += 0.2 if p["greet_with_brand"] else 0.0
        s -= 0.0045 * max(0.0, hold_total - 45)
        s -= 1.8 if p["prohibited_language"] else 0.0
        s += {
            "resolved": 0.25,
            "transferred": -0.55,
            "escalated": -0.45,
            "callback": -0.3,
            "unresolved": -1.1,
        }[plan.disposition]
        s -= 0.4 if plan.contact_number > 1 else 0.0
        s -= 0.35 if plan.incident else 0.0
        s += rng.gauss(0.0, 0.75)
        csat = float(min(5, max(1, round(s))))
        nps = (
            float(min(10, max(0, round(2.2 * s - 1.2 + rng.gauss(0.0, 1.2)))))
            if rng.random() < 0.85
            else None
        )
        ces = None
        if rng.random() < 0.7:
            ease = (
                4
                + 0.9 * (s - 3.3)
                - 0.006 * hold_total
                - (0.8 if plan.disposition == "transferred" else 0.0)
                - (0.6 if plan.contact_number > 1 else 0.0)
                + rng.gauss(0.0, 0.8)
            )
            ces = float(min(7, max(1, round(ease))))
        comment = _comment(plan, csat, hold_total, rng) if rng.random() < 0.35 else None
        return Survey(csat=csat, nps=nps, ces=ces, comment=comment)


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_COMMENTS = {
    "en": {
        "good": (
            "{agent} was really helpful and understanding.",
            "Quick and easy, thank you.",
            "Sorted in one call, great service.",
            "Very friendly and explained everything clearly.",
        ),
        "hold": ("Too long on hold.", "Kept on hold for ages."),
        "repeat": ("Had to call more than once about the same thing.",),
        "rude": ("The agent was rude to me.", "Very unprofessional attitude."),
        "unresolved": ("Still not fixed.", "Nobody could actually help me."),
        "transferred": ("I was passed from one department to another.",),
        "incident": ("The app update broke everything.", "Fix your app!"),
        "meh": ("It was okay.", "Fine, but it took a while."),
    },
    "hi-en": {
        "good": ("{agent} ne bahut achhe se help kiya.", "Jaldi ho gaya, thank you."),
        "hold": ("Bahut der hold pe rakha.",),
        "repeat": ("Phir se call karna pada.",),
        "rude": ("Agent ka behaviour theek nahi tha.",),
        "unresolved": ("Problem abhi bhi solve nahi hui.",),
        "transferred": ("Ek department se doosre mein bhejte rahe.",),
        "incident": ("App update ke baad sab kharab ho gaya.",),
        "meh": ("Theek tha.",),
    },
}


def _comment(plan: CallPlan, csat: float, hold_total: float, rng: random.Random) -> str:
    table = _COMMENTS[plan.language]
    if plan.performed["prohibited_language"]:
        key = "rude"
    elif plan.incident and csat <= 3:
        key = "incident"
    elif plan.disposition == "unresolved" and csat <= 3:
        key = "unresolved"
    elif hold_total > 150 and csat <= 3:
        key = "hold"
    elif plan.contact_number > 1 and csat <= 3:
        key = "repeat"
    elif plan.disposition == "transferred" and csat <= 3:
        key = "transferred"
    elif csat >= 4:
        key = "good"
    else:
        key = "meh"
    return rng.choice(table[key]).format(agent=plan.agent.first)


def plan_calls(
    config: DemoConfig, agents: list[AgentProfile], rng: random.Random
) -> tuple[list[CallPlan], Incident | None]:
    """Every call of the period, in start-time order, with repeat contacts linked to their cause."""
    planner = _Planner(config, agents, rng)
    pending: list[_Pending] = []
    plans: list[CallPlan] = []
    seq = 0
    for index, (when, agent, budget) in enumerate(_slots(config, agents, rng)):
        pending = [p for p in pending if when - p.previous.started_at <= REPEAT_WINDOW]
        chosen = None
        for p in pending:
            previous = p.previous
            if (
                p.due <= when
                and (previous.language == "en" or agent.hindi)
                and previous.customer.first != agent.first
            ):
                chosen = p
                break
        if chosen is not None:
            pending.remove(chosen)
            plan = planner.repeat_contact(index, when, agent, chosen.previous)
            chosen.previous.repeat_contact = plan.id
        else:
            plan = planner.new_contact(index, when, agent)
        plan.budget_seconds = budget
        planner.remember(plan)
        plans.append(plan)
        if rng.random() < plan.repeat_probability:
            delay = min(5.5, 0.15 + rng.expovariate(1 / 1.6))
            seq += 1
            pending.append(_Pending(when + timedelta(days=delay), seq, plan))
            pending.sort(key=lambda p: (p.due, p.seq))
    return plans, planner.incident
