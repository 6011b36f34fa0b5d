"""Coaching plans on a generated contact center: focus, clips, goals, agenda, disputes."""

from __future__ import annotations

import pytest
from benchmarks.eval_coaching import match_rate, planted_weaknesses
from sqlalchemy import select

from coachloop.coaching.plan import Plan
from coachloop.errors import CoachloopError
from coachloop.jobs.coaching import build_plan, build_plans, load_coaching
from coachloop.jobs.review import dispute_outcome, set_review
from coachloop.store import Store
from coachloop.store.tables import utterances
from tests.coaching.conftest import Center, small_center


@pytest.fixture(scope="module")
def plans(center: Center) -> list[Plan]:
    return build_plans(center.store)


def test_focus_matches_a_planted_weakness_for_at_least_80_percent_of_agents(
    center: Center, plans: list[Plan]
) -> None:
    agents, matched, focused, planted = match_rate(plans, center.truth)
    assert agents == 12
    assert focused >= 3 and planted >= 3
    assert matched / agents >= 0.8


def test_planted_weakness_is_a_behavior_clearly_below_peers(center: Center) -> None:
    truth = center.truth
    weeks = range(truth.weeks)
    some = {a: planted_weaknesses(truth, a, weeks) for a in truth.agents}
    assert any(some.values())
    for agent, weak in some.items():
        for b in weak:
            mine = sum(truth.agents[agent].skill[b]) / truth.weeks
            others = [sum(o.skill[b]) / truth.weeks for o in truth.agents.values() if o.agent_id != agent]
            assert mine < sum(others) / len(others)


def test_every_agent_has_at_most_two_focus_behaviors_each_explained_with_numbers(plans: list[Plan]) -> None:
    assert len(plans) == 12
    for p in plans:
        assert len(p.focus) <= 2
        for f in p.focus:
            assert f.baseline < f.peers
            assert f.interval.low <= f.baseline <= f.interval.high
            assert f.n >= 20
            assert f"of {f.n} calls" in f.why and "vs peers" in f.why


def test_critical_focus_comes_before_non_critical(plans: list[Plan]) -> None:
    for p in plans:
        flags = [f.critical for f in p.focus]
        assert flags == sorted(flags, reverse=True)


def test_every_cited_clip_points_to_a_stored_utterance_with_its_text(
    center: Center, plans: list[Plan]
) -> None:
    cited = [c for p in plans for c in p.cited()]
    assert len(cited) > 20
    with center.store.reading("test") as conn:
        stored = {
            (r.interaction_id, r.idx): r.text
            for r in conn.execute(
                select(utterances.c.interaction_id, utterances.c.idx, utterances.c.text).where(
                    utterances.c.interaction_id.in_({c.interaction_id for c in cited})
                )
            )
        }
    for c in cited:
        assert stored[(c.interaction_id, c.utterance_index)] == c.text


def test_own_clips_are_misses_inside_their_window_and_peer_clips_are_others_meets(center: Center) -> None:
    data = load_coaching(center.store)
    for p in build_plans(center.store, data=data):
        for f in p.focus:
            assert f.clips, f"{p.agent_id} {f.behavior} has no clip of its own"
            for c in f.clips:
                assert c.outcome == "missed" and c.behavior == f.behavior
                if c.window is not None:
                    assert c.window[0] <= c.utterance_index <= c.window[1]
            agent_of = {r.interaction_id: r.agent for r in data.rows}
            for c in f.peer_clips:
                assert c.outcome == "met" and agent_of[c.interaction_id] != p.agent_id


def test_goal_is_smart_and_agenda_is_built_from_the_plan(plans: list[Plan]) -> None:
    p = next(p for p in plans if p.focus)
    g = p.goal
    assert g is not None and g.behavior == p.focus[0].behavior
    assert g.baseline_interval.low <= g.baseline < g.target <= 1.0
    assert g.deadline == p.checkpoint and g.deadline > p.as_of
    assert p.practice is not None and p.focus[0].clips[0].interaction_id in p.practice.role_play
    assert p.practice.training
    micro, review, development = (p.agenda(k) for k in ("micro", "review", "development"))
    assert len(micro) < len(development)
    assert any(p.focus[0].title in item for item in micro)
    assert any(item.startswith("Goal:") for item in review)
    assert not any(item.startswith("Goal:") for item in micro)
    with pytest.raises(CoachloopError):
        p.agenda("monthly")


def test_wins_name_the_conversation_and_moment(plans: list[Plan]) -> None:
    kinds = {w.kind for p in plans for w in p.wins}
    assert {"difficult_call", "complex_call", "strength"} <= kinds
    for p in plans:
        for w in p.wins:
            if w.kind in ("difficult_call", "complex_call"):
                assert w.clip is not None and w.clip.interaction_id in w.sentence and " at " in w.sentence


def test_build_plan_of_an_unknown_agent_is_an_error(center: Center) -> None:
    with pytest.raises(CoachloopError, match="no evaluated calls"):
        build_plan(center.store, "NOBODY")


def test_a_disputed_miss_overridden_to_met_is_no_longer_cited(store: Store) -> None:
    small_center(store)
    plans = build_plans(store)
    plan = next(p for p in plans if p.focus and p.focus[0].clips)
    clip = plan.focus[0].clips[0]
    dispute_outcome(
        store, clip.interaction_id, clip.behavior, by=plan.agent_id, note="I did", rubric=clip.rubric
    )
    set_review(store, clip.interaction_id, clip.behavior, "met", by="qa-lead", rubric=clip.rubric)
    after = build_plan(store, plan.agent_id)
    key = (clip.interaction_id, clip.rubric, clip.behavior)
    assert all((c.interaction_id, c.rubric, c.behavior, c.outcome) != (*key, "missed") for c in after.cited())
    same = [f for f in after.focus if f.behavior == clip.behavior]
    if same:
        assert same[0].n == plan.focus[0].n
        assert same[0].baseline > plan.focus[0].baseline
    effective = {
        (r["interaction_id"], r["rubric"], r["behavior_id"]): r["outcome"] for r in store.effective_outcomes()
    }
    assert effective[key] == "met"
