"""The demo carries real, findable signal: trends, outcome drivers, archetypes and an incident."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import timedelta
from statistics import mean

from coachloop.demo.people import SOFT_SKILLS
from coachloop.model import Channel, Interaction

from .conftest import Demo


def _repeats(calls: list[Interaction]) -> dict[str, bool]:
    """From the data alone: is a call followed by the same customer, same reason, within 7 days?"""
    by_issue: dict[tuple[str | None, str | None], list[Interaction]] = defaultdict(list)
    for c in calls:
        by_issue[(c.customer_id, c.contact_reason)].append(c)
    out: dict[str, bool] = {}
    for group in by_issue.values():
        for i, c in enumerate(group):
            assert c.started_at is not None
            out[c.id] = any(
                o.started_at is not None and c.started_at < o.started_at <= c.started_at + timedelta(days=7)
                for o in group[i + 1 :]
            )
    return out


def _aht(c: Interaction) -> float:
    return (c.talk_seconds or 0.0) + (c.hold_seconds or 0.0) + (c.acw_seconds or 0.0)


def test_improving_agents_rise_and_drifting_agents_fall_in_truth(demo: Demo) -> None:
    truth = demo.truth
    improving = truth.agents_with(trend="improving")
    drifting = truth.agents_with(trend="drifting")
    assert len(improving) == 8 and len(drifting) == 6, "about 20 % improve and 15 % drift"
    for aid in improving + drifting:
        agent = truth.agents[aid]
        assert agent.trending_behaviors
        first = mean(agent.skill[b][0] for b in agent.trending_behaviors)
        last = mean(agent.skill[b][-1] for b in agent.trending_behaviors)
        if agent.trend == "improving":
            assert last - first > 0.2, aid
        else:
            assert first - last > 0.2, aid
    coached = {(c.agent_id, c.behavior) for c in truth.coaching if c.effect > 0}  # demo.coaching
    for aid in truth.agents_with(trend="stable"):
        agent = truth.agents[aid]
        for b, series in agent.skill.items():
            if (aid, b) not in coached:
                assert abs(series[-1] - series[0]) < 0.1, (aid, b)


def test_new_hires_start_weak_and_improve_fast(demo: Demo) -> None:
    truth = demo.truth
    new_hires = truth.agents_with(archetype="new_hire")
    others = [a for a in truth.agents if a not in new_hires]
    positive = [b for b in truth.behaviors if b not in truth.negative]
    week1 = mean(truth.agents[a].skill[b][0] for a in new_hires for b in positive)
    week1_others = mean(truth.agents[a].skill[b][0] for a in others for b in positive)
    week3 = mean(truth.agents[a].skill[b][2] for a in new_hires for b in positive)
    assert week1 < week1_others - 0.15
    assert week3 - week1 > 0.15, "most of the gain comes in the first weeks"


def test_realised_behaviour_follows_the_latent_trend(demo: Demo) -> None:
    calls = demo.truth.calls.values()

    def rate(agents: list[str], weeks: set[int]) -> float:
        hits = [
            c.performed[b]
            for c in calls
            if c.agent_id in agents and c.week in weeks
            for b in demo.truth.agents[c.agent_id].trending_behaviors
            if c.performed[b] is not None
        ]
        return sum(bool(h) for h in hits) / len(hits)

    improving = demo.truth.agents_with(trend="improving")
    drifting = demo.truth.agents_with(trend="drifting")
    assert rate(improving, {7, 8}) - rate(improving, {1, 2}) > 0.15
    assert rate(drifting, {1, 2}) - rate(drifting, {7, 8}) > 0.15


def test_csat_and_nps_are_higher_when_the_agent_mirrors_pain(demo: Demo) -> None:
    truth = demo.truth.calls
    surveyed = [c for c in demo.interactions if c.survey is not None and c.survey.csat is not None]
    assert 0.24 <= len(surveyed) / len(demo.interactions) <= 0.36, "about 30 % answer the survey"
    mirrored = [c.survey.csat for c in surveyed if c.survey and truth[c.id].performed["pain_mirror"] is True]
    not_mirrored = [
        c.survey.csat for c in surveyed if c.survey and truth[c.id].performed["pain_mirror"] is False
    ]
    assert len(mirrored) > 100 and len(not_mirrored) > 100
    assert mean(x for x in mirrored if x is not None) - mean(x for x in not_mirrored if x is not None) > 0.5
    nps_on = [
        c.survey.nps
        for c in surveyed
        if c.survey and c.survey.nps is not None and truth[c.id].performed["pain_mirror"] is True
    ]
    nps_off = [
        c.survey.nps
        for c in surveyed
        if c.survey and c.survey.nps is not None and truth[c.id].performed["pain_mirror"] is False
    ]
    assert mean(nps_on) > mean(nps_off) + 1.0
    assert all(1 <= (c.survey.csat or 0) <= 5 for c in surveyed if c.survey)


def test_csat_falls_with_prohibited_language_and_transfers(demo: Demo) -> None:
    truth = demo.truth.calls
    surveyed = [c for c in demo.interactions if c.survey is not None and c.survey.csat is not None]

    def avg(pred: Callable[[Interaction], object]) -> float:
        return mean(c.survey.csat for c in surveyed if c.survey and c.survey.csat and pred(c))

    clean = avg(lambda c: bool(truth[c.id].performed["no_prohibited_language"]) and not c.transferred)
    assert avg(lambda c: truth[c.id].performed["no_prohibited_language"] is False) < clean - 1.0
    assert avg(lambda c: c.transferred) < clean - 0.3


def test_repeat_contacts_exist_and_follow_missing_next_steps(demo: Demo) -> None:
    repeats = _repeats(demo.interactions)
    truth = demo.truth.calls
    assert 0.08 <= mean(repeats.values()) <= 0.3
    for c in demo.interactions:
        assert repeats[c.id] == (truth[c.id].repeat_contact is not None), c.id
        later = truth[c.id].repeat_contact
        if later is not None:
            assert (
                truth[later].repeat_of == c.id and truth[later].contact_reason == truth[c.id].contact_reason
            )
    missing = [
        repeats[c.id] for c in demo.interactions if truth[c.id].performed["explain_next_steps"] is False
    ]
    done = [repeats[c.id] for c in demo.interactions if truth[c.id].performed["explain_next_steps"] is True]
    assert mean(missing) > 1.5 * mean(done)
    no_confirm = [
        repeats[c.id] for c in demo.interactions if truth[c.id].performed["confirm_request"] is False
    ]
    confirmed = [repeats[c.id] for c in demo.interactions if truth[c.id].performed["confirm_request"] is True]
    assert mean(no_confirm) > mean(confirmed)


def test_the_week_5_tech_support_incident_is_in_the_data(demo: Demo) -> None:
    (incident,) = demo.truth.incidents
    assert (incident.queue, incident.week, incident.mention) == ("tech_support", 5, "the app update")
    repeats = _repeats(demo.interactions)
    truth = demo.truth.calls
    voice = [c for c in demo.interactions if c.channel == Channel.VOICE]

    def week_of(c: Interaction) -> int:
        return truth[c.id].week

    tech5 = [c for c in voice if c.queue == "tech_support" and week_of(c) == 5]
    tech_other = [c for c in voice if c.queue == "tech_support" and week_of(c) != 5]
    assert mean(map(_aht, tech5)) > 1.3 * mean(map(_aht, tech_other))
    assert mean(repeats[c.id] for c in tech5) > 1.8 * mean(repeats[c.id] for c in tech_other)
    others5 = [c for c in voice if c.queue != "tech_support" and week_of(c) == 5]
    others = [c for c in voice if c.queue != "tech_support" and week_of(c) != 5]
    assert mean(map(_aht, others5)) < 1.15 * mean(map(_aht, others)), "a queue issue, not a center-wide one"
    mentions = Counter(
        week_of(c) for c in demo.interactions if any("app update" in u.text for u in c.utterances)
    )
    assert mentions[5] >= 0.8 * sum(mentions.values())
    tech_weeks = Counter(week_of(c) for c in demo.interactions if c.queue == "tech_support")
    assert tech_weeks[5] > 1.5 * mean(v for w, v in tech_weeks.items() if w != 5), "volume spike too"
    assert all(
        truth[c.id].incident == incident.id
        for c in demo.interactions
        if c.queue == "tech_support" and week_of(c) == 5
    )


def test_archetypes_show_in_handle_time_and_first_contact_resolution(demo: Demo) -> None:
    truth = demo.truth
    repeats = _repeats(demo.interactions)
    by_kind: dict[str, list[Interaction]] = defaultdict(list)
    for c in demo.interactions:
        if c.channel == Channel.VOICE and c.agent_id:
            by_kind[truth.agents[c.agent_id].archetype].append(c)
    regular_aht = mean(map(_aht, by_kind["regular"]))
    assert mean(map(_aht, by_kind["slow_thorough"])) > 1.15 * regular_aht
    assert mean(map(_aht, by_kind["fast_skipper"])) < 0.85 * regular_aht
    assert mean(repeats[c.id] for c in by_kind["fast_skipper"]) > mean(
        repeats[c.id] for c in by_kind["regular"]
    )

    def quality(kind: str) -> float:
        hits = [
            v
            for c in by_kind[kind]
            for b, v in truth.calls[c.id].performed.items()
            if v is not None and b not in truth.negative
        ]
        return sum(hits) / len(hits)

    assert quality("slow_thorough") > quality("regular") > quality("fast_skipper")
    new_hire = by_kind["new_hire"]
    assert mean(c.transferred or c.escalated for c in new_hire) > mean(
        c.transferred or c.escalated for c in by_kind["regular"]
    )


def test_prohibited_language_is_rare_and_concentrated(demo: Demo) -> None:
    calls = demo.truth.calls.values()
    hits = [c for c in calls if c.performed["no_prohibited_language"] is False]
    assert 0.005 <= len(hits) / len(demo.truth.calls) <= 0.025
    by_agent = Counter(c.agent_id for c in hits)
    risky = set(demo.truth.agents_with(archetype="prohibited_risk"))
    assert len(risky) == 2
    assert sum(by_agent[a] for a in risky) >= 0.5 * len(hits)


def test_the_weak_team_is_weakest_on_soft_skills(demo: Demo) -> None:
    truth = demo.truth
    weak = [t for t in truth.teams.values() if t.weak]
    assert len(weak) == 1

    def soft_rate(team: str) -> float:
        hits = [
            c.performed[b]
            for c in truth.calls.values()
            if truth.agents[c.agent_id].team == team
            for b in SOFT_SKILLS
            if c.performed[b] is not None
        ]
        return sum(bool(h) for h in hits) / len(hits)

    rates = {t: soft_rate(t) for t in truth.teams}
    assert min(rates, key=rates.__getitem__) == weak[0].name
