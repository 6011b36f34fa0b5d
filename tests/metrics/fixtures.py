"""A small contact center whose every KPI was worked out by hand (see the test module)."""

from __future__ import annotations

from datetime import UTC, datetime

from coachloop.model import Agent, Channel, ContactReason, Evaluation, Outcome, Survey, SurveyUpdate
from coachloop.store import Store
from coachloop.store.tables import agent_states, schedules
from tests.store.store_builders import evaluation, interaction, result

MET, MISSED, NA = Outcome.MET, Outcome.MISSED, Outcome.NOT_APPLICABLE


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def build_center(store: Store) -> None:
    """Seven contacts (c0..c6), two agents of team T1, four evaluations, a schedule.

    Customer k1 calls three times (c1 card, c2 card, c3 loan); c4 runs past midnight;
    c5 has no customer, no talk time and only a predicted reason; a survey names an id
    that has no contact.
    """
    store.write(
        [
            Agent("a1", name="Ann", team="T1"),
            Agent("a2", name="Bo", team="T1"),
            interaction(
                "c0",
                agent_id="a2",
                customer_id="k9",
                contact_reason="other",
                queue="general",
                started_at=at("2026-08-31T10:00:00"),
                talk_seconds=120.0,
            ),
            interaction(
                "c1",
                agent_id="a1",
                customer_id="k1",
                contact_reason="card",
                queue="cards",
                started_at=at("2026-09-07T10:00:00"),
                talk_seconds=300.0,
                hold_seconds=60.0,
                acw_seconds=40.0,
                disposition="sale",
                transferred=True,
                escalated=True,
                survey=Survey(csat=5, nps=10, ces=2),
            ),
            interaction(
                "c2",
                agent_id="a1",
                customer_id="k1",
                contact_reason="card",
                queue="cards",
                started_at=at("2026-09-09T10:00:00"),
                talk_seconds=200.0,
                acw_seconds=100.0,
                disposition="no_sale",
                survey=Survey(csat=2, nps=5),
            ),
            interaction(
                "c3",
                agent_id="a2",
                customer_id="k1",
                contact_reason="loan",
                queue="loans",
                channel=Channel.CHAT,
                started_at=at("2026-09-11T09:00:00"),
                talk_seconds=100.0,
                hold_seconds=0.0,
                acw_seconds=0.0,
                survey=Survey(nps=8),
            ),
            interaction(
                "c4",
                agent_id="a2",
                customer_id="k2",
                contact_reason="card",
                queue="cards",
                started_at=at("2026-09-13T23:50:00"),
                ended_at=at("2026-09-14T00:20:00"),
                talk_seconds=1500.0,
                hold_seconds=200.0,
                acw_seconds=100.0,
            ),
            interaction(
                "c5",
                agent_id="a1",
                queue="loans",
                started_at=at("2026-09-20T12:00:00"),
                disposition="saved",
            ),
            interaction(
                "c6",
                agent_id="a2",
                customer_id="k3",
                contact_reason="card",
                queue="cards",
                started_at=at("2026-09-28T08:00:00"),
                talk_seconds=60.0,
                hold_seconds=0.0,
                acw_seconds=0.0,
            ),
            SurveyUpdate("no-such-contact", Survey(csat=1, nps=0)),
        ],
        source_format="native",
    )
    opening, compliance = "opening", "compliance"
    store.save_evaluations(
        [
            evaluation(
                "c1",
                score=1.0,
                results=[
                    result("greet", MET, section=opening),
                    result("verify", MET, critical=True, section=compliance),
                ],
            ),
            evaluation(
                "c2",
                score=0.5,
                passed=False,
                auto_failed=True,
                results=[
                    result("greet", MISSED, section=opening),
                    result("verify", MISSED, critical=True, section=compliance),
                ],
            ),
            evaluation(
                "c3",
                score=0.0,
                results=[
                    result("greet", MISSED, section=opening),
                    result("verify", NA, critical=True, section=compliance),
                ],
            ),
            predicted(evaluation("c5", score=None, results=[result("greet", NA, section=opening)])),
        ]
    )
    with store.begin("fixture schedule") as conn:
        conn.execute(
            schedules.insert(),
            [
                {
                    "agent_id": "a1",
                    "start": at("2026-09-07T09:00"),
                    "end": at("2026-09-07T13:00"),
                    "activity": "work",
                },
                {
                    "agent_id": "a1",
                    "start": at("2026-09-07T13:00"),
                    "end": at("2026-09-07T14:00"),
                    "activity": "lunch",
                },
            ],
        )
        conn.execute(
            agent_states.insert(),
            [
                {
                    "agent_id": "a1",
                    "start": at("2026-09-07T09:10"),
                    "end": at("2026-09-07T11:00"),
                    "state": "available",
                },
                {
                    "agent_id": "a1",
                    "start": at("2026-09-07T11:00"),
                    "end": at("2026-09-07T12:30"),
                    "state": "handling",
                },
                {
                    "agent_id": "a1",
                    "start": at("2026-09-07T12:30"),
                    "end": at("2026-09-07T13:30"),
                    "state": "away",
                },
                {
                    "agent_id": "a1",
                    "start": at("2026-09-07T13:30"),
                    "end": at("2026-09-07T14:00"),
                    "state": "available",
                },
            ],
        )


def predicted(ev: Evaluation) -> Evaluation:
    ev.contact_reason = ContactReason("loan", 0.9, "m")
    return ev
