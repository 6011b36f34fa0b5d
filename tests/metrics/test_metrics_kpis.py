"""Every KPI against answers worked out by hand on `fixtures.build_center`, on each backend.

The hand computation (repeat window 7 days; the store's contacts run from c0 on 08-31
10:00 to c6 on 09-28 08:00):
* handle time: c0 120, c1 300+60+40 = 400, c2 200+0+100 = 300, c3 100, c4 1800, c6 60;
  c5 has no talk time. Mean 2780/6.
* FCR (any reason) counts contacts with a customer whose 7 days end before 09-28 08:00:
  c0, c1, c2, c3, c4. k1 called three times (c1, c2, c3): c1 and c2 were followed by a
  contact within 7 days, c3 was the last: resolved. FCR = 3/5; same reason: only c1 is
  followed by a card contact (c2), so 4/5.
* repeat rate counts contacts whose 7 days back start after 08-31 10:00: c1 (exactly),
  c2, c3, c4, c6; c2 and c3 follow an earlier contact of k1: 2/5; same reason only c2: 1/5.
* surveys: csat 5 and 2 (the survey of "no-such-contact" names no contact: not counted),
  nps 10, 5, 8 -> +100, -100, 0 -> 0; ces 2 alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from coachloop.errors import CoachloopError
from coachloop.metrics import MetricsQuery, parse_groupings
from coachloop.metrics.estimates import shrink_means, shrink_rates, wilson_intervals
from coachloop.stats import wilson_interval
from coachloop.store import Store
from tests.metrics.same import both_paths


def rows(store: Store, **query: Any) -> list[dict[str, Any]]:
    """The SQL path's table; every test also checks the columnar snapshot gives the same."""
    return [r.as_dict() for r in both_paths(store, MetricsQuery(**query))]


def one(store: Store, **query: Any) -> dict[str, Any]:
    [row] = rows(store, **query)
    return row


def value(row: dict[str, Any], kpi: str) -> tuple[Any, int]:
    return row[kpi]["value"], row[kpi]["n"]


def test_contact_kpis_over_the_whole_store_match_the_hand_computation(center: Store) -> None:
    row = one(center)
    assert value(row, "contacts") == (7, 7)
    assert row["aht_seconds"]["value"] == pytest.approx(2780 / 6) and row["aht_seconds"]["n"] == 6
    assert value(row, "talk_seconds") == (pytest.approx(2280 / 6), 6)
    assert value(row, "hold_seconds") == (pytest.approx(65.0), 4)
    assert value(row, "acw_seconds") == (pytest.approx(48.0), 5)
    assert value(row, "transfer_rate") == (pytest.approx(1 / 7), 7)
    assert value(row, "escalation_rate") == (pytest.approx(1 / 7), 7)
    assert value(row, "conversion_rate") == (0.5, 2)
    assert value(row, "save_rate") == (1.0, 1)
    assert value(row, "promise_to_pay_rate") == (None, 0)


def test_surveys_count_responses_and_ignore_a_survey_without_a_contact(center: Store) -> None:
    row = one(center)
    assert value(row, "csat") == (3.5, 2)
    assert value(row, "csat_top2_rate") == (0.5, 2)
    assert value(row, "nps") == (0.0, 3)
    assert value(row, "ces") == (2.0, 1)
    assert row["ces"]["ci"] is None  # one response: no t interval


def test_a_customer_calling_three_times_leaves_only_the_last_contact_resolved(center: Store) -> None:
    row = one(center)
    assert value(row, "fcr_rate") == (pytest.approx(3 / 5), 5)
    assert value(row, "fcr_same_reason_rate") == (pytest.approx(4 / 5), 5)
    assert value(row, "repeat_rate") == (pytest.approx(2 / 5), 5)
    assert value(row, "repeat_same_reason_rate") == (pytest.approx(1 / 5), 5)
    by_agent = {r["agent_id"]: r for r in rows(center, by=("agent",))}
    assert value(by_agent["a1"], "fcr_rate") == (0.0, 2)  # c1 and c2: both called back
    assert value(by_agent["a2"], "fcr_rate") == (1.0, 3)  # c0, c3 (the last of k1's), c4


def test_a_wider_or_narrower_repeat_window_changes_which_contacts_count(center: Store) -> None:
    # One day: c1 -> c2 is two days, so nothing repeats; every contact whose day has ended
    # before c6 counts (c0..c4).
    row = one(center, repeat_window_days=1)
    assert value(row, "fcr_rate") == (1.0, 5)
    with pytest.raises(CoachloopError, match="positive"):
        one(center, repeat_window_days=0)


def test_a_contact_spanning_midnight_belongs_to_the_day_and_hour_it_started(center: Store) -> None:
    by_day = {r["day"]: r for r in rows(center, by=("day",), kpis=("contacts", "aht_seconds"))}
    assert "2026-09-14" not in by_day
    assert value(by_day["2026-09-13"], "aht_seconds") == (1800.0, 1)
    by_hour = {r["hour"]: r for r in rows(center, by=("hour",), kpis=("contacts",))}
    assert value(by_hour[23], "contacts") == (1, 1)
    weeks = {r["week"]: r["contacts"]["n"] for r in rows(center, by=("week",), kpis=("contacts",))}
    assert weeks == {"2026-08-31": 1, "2026-09-07": 4, "2026-09-14": 1, "2026-09-28": 1}
    months = {r["month"]: r["contacts"]["n"] for r in rows(center, by=("month",), kpis=("contacts",))}
    assert months == {"2026-08": 1, "2026-09": 6}


def test_transfers_and_escalations_count_once_per_contact(center: Store) -> None:
    by_agent = {
        r["agent_id"]: r for r in rows(center, by=("agent",), kpis=("transfer_rate", "escalation_rate"))
    }
    assert value(by_agent["a1"], "transfer_rate") == (pytest.approx(1 / 3), 3)
    assert value(by_agent["a2"], "transfer_rate") == (0.0, 4)


def test_the_period_is_half_open_on_the_start_time(center: Store) -> None:
    since = datetime(2026, 9, 7, 10, tzinfo=UTC)
    until = datetime(2026, 9, 13, 23, 50, tzinfo=UTC)
    row = one(center, since=since, until=until, kpis=("contacts", "fcr_rate"))
    assert value(row, "contacts") == (3, 3)  # c1, c2, c3; c4 starts exactly at `until`
    # The neighbours of a contact are looked for in the whole store, not only the period.
    assert value(row, "fcr_rate") == (pytest.approx(1 / 3), 3)


def test_zero_denominator_groups_have_no_value_and_n_zero(center: Store) -> None:
    by_queue = {r["queue"]: r for r in rows(center, by=("queue",))}
    general = by_queue["general"]  # c0 only: no survey, no evaluation, no disposition
    assert value(general, "csat") == (None, 0) and general["csat"]["ci"] is None
    assert value(general, "qa_score") == (None, 0)
    assert value(general, "conversion_rate") == (None, 0)
    assert "adherence_rate" not in general  # schedules belong to no queue


def test_contact_reason_is_the_source_reason_else_the_predicted_one(center: Store) -> None:
    reasons = {
        r["contact_reason"]: r["contacts"]["n"]
        for r in rows(center, by=("contact_reason",), kpis=("contacts",))
    }
    assert reasons == {"card": 4, "loan": 2, "other": 1}  # c5's "loan" came from its evaluation


def test_handle_time_in_context_compares_each_contact_with_its_reason_and_channel(center: Store) -> None:
    # Expected per cell: card/voice (400+300+1800+60)/4 = 640, loan/chat 100, other/voice 120.
    by_agent = {r["agent_id"]: r for r in rows(center, by=("agent",), kpis=("aht_context_ratio",))}
    assert value(by_agent["a1"], "aht_context_ratio") == (pytest.approx(700 / 1280), 2)
    assert value(by_agent["a2"], "aht_context_ratio") == (pytest.approx(2080 / 1500), 4)
    assert value(one(center, kpis=("aht_context_ratio",)), "aht_context_ratio") == (pytest.approx(1.0), 6)


def test_quality_kpis_read_scores_compliance_and_behaviour_outcomes(center: Store) -> None:
    row = one(center)
    assert value(row, "evaluations") == (4, 4)
    assert value(row, "qa_score") == (pytest.approx(0.5), 3)  # c5 had no applicable behaviour
    assert value(row, "compliance_pass_rate") == (0.75, 4)
    assert value(row, "critical_error_rate") == (0.25, 4)
    assert row["behavior_pass_rate"]["greet"]["value"] == pytest.approx(1 / 3)
    assert row["behavior_pass_rate"]["greet"]["n"] == 3  # c5's not-applicable is left out
    assert value(row["behavior_pass_rate"], "verify") == (0.5, 2)
    assert value(row["section_pass_rate"], "opening") == (pytest.approx(1 / 3), 3)
    assert value(row["section_pass_rate"], "compliance") == (0.5, 2)
    assert one(center, rubric="sales")["evaluations"]["n"] == 0


def test_adherence_and_occupancy_come_from_the_schedule_and_agent_states(center: Store) -> None:
    # Scheduled work 09:00-13:00 (14,400 s); in seat 09:10-11:00 and 11:00-12:30: 12,000 s.
    # Handling 5,400 s of in-seat 6,600 + 5,400 + 1,800 (13:30-14:00 available) = 13,800 s.
    [a1] = [r for r in rows(center, by=("agent",)) if r["agent_id"] == "a1"]
    assert a1["adherence_rate"]["value"] == pytest.approx(12000 / 14400, rel=1e-6)
    assert a1["occupancy_rate"]["value"] == pytest.approx(5400 / 13800, rel=1e-6)
    assert a1["adherence_rate"]["n"] == 1 and a1["occupancy_rate"]["n"] == 3


def test_agent_rows_carry_shrunk_estimates_and_an_uncertainty_flag(center: Store) -> None:
    a1 = rows(center, by=("agent",), kpis=("fcr_rate", "aht_seconds", "contacts"))[0]
    assert a1["fcr_rate"]["uncertain"] is True  # two contacts
    # Two agents in the team and in the centre: too few to estimate a spread; raw stands.
    assert a1["fcr_rate"]["shrunk"] == a1["fcr_rate"]["value"]
    assert "shrunk" not in one(center, kpis=("fcr_rate",))["fcr_rate"]


def test_groupings_parse_short_and_output_names_and_reject_unknown_ones() -> None:
    assert parse_groupings("agent_id, week,agent") == ("agent", "week")
    with pytest.raises(CoachloopError, match="unknown grouping 'shift'"):
        parse_groupings("shift")


def test_vectorised_wilson_matches_scipy() -> None:
    x = np.array([0.0, 5.0, 8.0, 10.0, 1.0])
    n = np.array([10.0, 10.0, 10.0, 10.0, 1.0])
    low, high = wilson_intervals(x, n)
    for i in range(len(x)):
        assert (low[i], high[i]) == pytest.approx(wilson_interval(int(x[i]), int(n[i])), abs=1e-9)


def test_shrinkage_pulls_small_samples_further_than_large_ones() -> None:
    successes = np.array([2.0, 300.0, 50.0, 90.0])
    trials = np.array([2.0, 600.0, 100.0, 200.0])
    shrunk = shrink_rates(successes, trials)
    assert shrunk is not None
    pool = successes.sum() / trials.sum()
    assert abs(shrunk[0] - pool) < abs(1.0 - pool) / 2  # 2 of 2 is pulled most of the way
    assert shrunk[1] == pytest.approx(0.5, abs=0.01)  # 600 calls barely move
    n = np.array([3.0, 300.0, 50.0])
    means = np.array([900.0, 400.0, 420.0])
    sums, squares = means * n, (means**2 + 100.0**2) * n
    assert shrink_rates(successes[:2], trials[:2]) is None  # a pool of two is too small
    shrunk_means = shrink_means(n, sums, squares)
    assert shrunk_means is not None
    assert shrunk_means[0] < 900.0 and abs(shrunk_means[1] - 400.0) < 5.0


def test_a_reviewers_override_counts_as_the_reviewer_decided(center: Store) -> None:
    from coachloop.jobs.review import set_review

    # c2's greet was missed by the machine; a reviewer heard it: 2 of 3 greetings met now.
    set_review(center, "c2", "greet", "met", by="qa-lead", note="greeted in the second turn")
    row = one(center)
    assert value(row["behavior_pass_rate"], "greet") == (pytest.approx(2 / 3), 3)
    assert value(row["section_pass_rate"], "opening") == (pytest.approx(2 / 3), 3)


def test_counts_asked_for_alone_count_every_contact(center: Store) -> None:
    # A count names no column: the query must still read the contacts.
    row = one(center, kpis=("contacts", "evaluations"))
    assert value(row, "contacts") == (7, 7)
    assert value(row, "evaluations") == (4, 4)


def test_a_transcript_without_a_start_time_counts_when_no_period_is_asked(center: Store) -> None:
    from coachloop.model import Interaction, Speaker, Utterance

    recorded = Interaction("rec-1", utterances=[Utterance(0, Speaker.AGENT, "hello")])
    center.write([recorded], source_format="native")
    assert value(one(center, kpis=("contacts",)), "contacts") == (8, 8)
    since = datetime(2026, 8, 1, tzinfo=UTC)
    assert value(one(center, kpis=("contacts",), since=since), "contacts") == (7, 7)
