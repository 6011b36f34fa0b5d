"""Focus selection: at most two behaviours by expected impact, never from a handful of
calls, critical behaviours first when the gap is credible, each explained with its numbers."""

from __future__ import annotations

from coachloop.coaching.focus import MIN_CALLS, Standing, choose_focus
from coachloop.signals.validity import OutcomeLink
from coachloop.stats import wilson_interval


def standing(b: str, met: int, n: int, centre: float, *, shrunk: float | None = None, critical: bool = False,
             weight: float = 1.0, link: OutcomeLink | None = None) -> Standing:
    rate = met / n
    return Standing(b, b.replace("_", " ").title(), n, rate, rate if shrunk is None else shrunk,
                    wilson_interval(met, n), centre, weight, critical, link)


def test_no_focus_from_a_handful_of_calls() -> None:
    assert choose_focus([standing("empathy", 0, MIN_CALLS - 1, 0.8)]) == []
    assert [f.behavior for f in choose_focus([standing("empathy", 0, MIN_CALLS, 0.8)])] == ["empathy"]


def test_at_most_two_focus_behaviours_biggest_gap_first() -> None:
    chosen = choose_focus([
        standing("a", 30, 40, 0.80), standing("b", 10, 40, 0.80), standing("c", 20, 40, 0.80), standing("d", 39, 40, 0.80)
    ])
    assert [f.behavior for f in chosen] == ["b", "c"]


def test_a_behaviour_done_as_well_as_the_centre_is_never_a_focus() -> None:
    assert choose_focus([standing("a", 32, 40, 0.81), standing("b", 40, 40, 0.5)]) == []


def test_a_credible_critical_gap_comes_before_a_larger_soft_one() -> None:
    soft = standing("empathy", 20, 60, 0.55)
    critical = standing("disclosure", 45, 60, 0.95, critical=True)
    assert [f.behavior for f in choose_focus([soft, critical])] == ["disclosure", "empathy"]


def test_a_critical_gap_within_noise_is_not_chosen() -> None:
    noisy = standing("disclosure", 9, 10, 0.95, shrunk=0.90, critical=True)  # interval reaches the centre
    assert choose_focus([noisy]) == []


def test_an_outcome_link_raises_impact_and_is_explained() -> None:
    link = OutcomeLink("repeat contact", met=0.2, missed=0.4, higher_is_better=False)
    plain = standing("a", 20, 40, 0.7)
    linked = standing("b", 22, 40, 0.7, link=link)
    first = choose_focus([plain, linked], limit=1)[0]
    assert first.behavior == "b"
    assert "2.0x as often" in first.sentence and "55% [40%-69%] of 40 calls" in first.sentence
    assert "70% across the centre" in first.sentence
