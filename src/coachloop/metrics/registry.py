"""Every KPI, defined once: its id, what it means in an analyst's words, and how it is computed.

The `measure` of a KPI turns the columns of its source (see `coachloop.metrics.compute`)
into SQL: a `Rate` (successes among eligible rows), a `Mean` (of a value, NULL rows not
counted), a `Ratio` (of two sums) or a `Count`. The README's Metrics section is written
from these definitions; `coachloop metrics --list` prints them.

Sources, one row each:
* contacts: an interaction (a customer contact), with its agent's team, the contact reason
  (the source's reason, else the evaluation's predicted one) and its time in seconds.
* evaluations: an evaluation of a contact under a rubric.
* behaviors: a behaviour outcome of an evaluation (see `coachloop.metrics.outcomes`).
* schedule: a scheduled `work` interval, with the seconds of it the agent was in seat.
* states: an agent-state interval (available, handling, away, offline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, literal, null

__all__ = [
    "CONVERSION",
    "KPIS",
    "PROMISE_TO_PAY",
    "SAVE",
    "Count",
    "Kpi",
    "Mean",
    "Params",
    "Rate",
    "Ratio",
]

Kind = Literal["rate", "mean", "ratio", "count"]
Source = Literal["contacts", "evaluations", "behaviors", "schedule", "states"]
Cols = Any
"""The columns of a source's subquery (`Subquery.c`)."""


@dataclass(frozen=True, slots=True)
class Params:
    """What a KPI's SQL may depend on besides its columns."""

    window_seconds: float
    """Repeat-contact window."""
    first_t: float
    """Epoch seconds of the first and last contact start in the whole store: a repeat is
    only looked for where the window lies inside the data."""
    last_t: float


@dataclass(frozen=True, slots=True)
class Rate:
    hit: ColumnElement[bool]
    among: ColumnElement[bool]


@dataclass(frozen=True, slots=True)
class Mean:
    value: ColumnElement[Any]
    """NULL where the row is not counted."""


@dataclass(frozen=True, slots=True)
class Ratio:
    numerator: ColumnElement[Any]
    denominator: ColumnElement[Any]
    among: ColumnElement[bool]


@dataclass(frozen=True, slots=True)
class Count:
    among: ColumnElement[bool]


Measure = Rate | Mean | Ratio | Count


@dataclass(frozen=True, slots=True)
class Kpi:
    id: str
    title: str
    kind: Kind
    source: Source
    unit: str
    definition: str
    measure: Callable[[Cols, Params], Measure]
    family: str | None = None
    """Per-member KPIs (one estimate per behaviour or section): the column naming the member."""
    better: Literal["higher", "lower"] | None = None
    """Which direction is good, where one is (incentive audit, report trends)."""


CONVERSION = ("sale", "no_sale")
SAVE = ("saved", "cancelled")
PROMISE_TO_PAY = ("promise_to_pay", "no_promise")
"""Disposition values: the first is the success, both together are the eligible contacts."""
IN_SEAT = ("available", "handling")


def _handle(c: Cols) -> ColumnElement[Any]:
    return case(
        (
            c.talk_seconds.is_not(None),
            c.talk_seconds + func.coalesce(c.hold_seconds, 0.0) + func.coalesce(c.acw_seconds, 0.0),
        ),
        else_=null(),
    )


def _followed(c: Cols, p: Params, column: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(a repeat followed within the window, the contact's window lies inside the data)."""
    nxt = getattr(c, column)
    known = and_(c.customer_id.is_not(None), c.t + p.window_seconds <= p.last_t)
    return and_(nxt.is_not(None), nxt - c.t <= p.window_seconds), known


def _repeat(c: Cols, p: Params, column: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(a previous contact lies within the window, the window before it lies inside the data)."""
    prev = getattr(c, column)
    known = and_(c.customer_id.is_not(None), c.t - p.window_seconds >= p.first_t)
    return and_(prev.is_not(None), c.t - prev <= p.window_seconds), known


def _fcr(column: str) -> Callable[[Cols, Params], Measure]:
    def measure(c: Cols, p: Params) -> Measure:
        followed, known = _followed(c, p, column)
        return Rate(~followed, known)

    return measure


def _repeat_rate(column: str) -> Callable[[Cols, Params], Measure]:
    def measure(c: Cols, p: Params) -> Measure:
        repeat, known = _repeat(c, p, column)
        return Rate(repeat, known)

    return measure


def _disposition(values: tuple[str, str]) -> Callable[[Cols, Params], Measure]:
    return lambda c, p: Rate(c.disposition == values[0], c.disposition.in_(values))


def _nps_points(c: Cols) -> ColumnElement[Any]:
    return case((c.nps >= 9, 100.0), (c.nps <= 6, -100.0), (c.nps.is_not(None), 0.0), else_=null())


_KPIS = [
    Kpi(
        "contacts",
        "Contacts",
        "count",
        "contacts",
        "contacts",
        "Interactions that started in the period (any channel).",
        lambda c, p: Count(literal(True)),
    ),
    Kpi(
        "aht_seconds",
        "Handle time",
        "mean",
        "contacts",
        "seconds",
        "Average handle time: talk + hold + after-call work, per contact with a known talk time "
        "(a missing hold or ACW counts as 0).",
        lambda c, p: Mean(_handle(c)),
        better="lower",
    ),
    Kpi(
        "talk_seconds",
        "Talk time",
        "mean",
        "contacts",
        "seconds",
        "Average talk time per contact where it is known.",
        lambda c, p: Mean(c.talk_seconds),
    ),
    Kpi(
        "hold_seconds",
        "Hold time",
        "mean",
        "contacts",
        "seconds",
        "Average hold time per contact where it is known.",
        lambda c, p: Mean(c.hold_seconds),
        better="lower",
    ),
    Kpi(
        "acw_seconds",
        "After-call work",
        "mean",
        "contacts",
        "seconds",
        "Average after-call work (wrap-up) per contact where it is known.",
        lambda c, p: Mean(c.acw_seconds),
        better="lower",
    ),
    Kpi(
        "aht_context_ratio",
        "Handle time in context",
        "ratio",
        "contacts",
        "ratio",
        "Handle time relative to what the group's contact mix would take: the group's total "
        "handle time divided by the sum, over its contacts, of the period's average handle time "
        "for that contact's reason and channel across the whole centre. 1.0 = as expected for "
        "this mix; 1.2 = 20 % longer. n = contacts with a handle time.",
        lambda c, p: Ratio(_handle(c), c.expected_seconds, c.expected_seconds.is_not(None)),
        better="lower",
    ),
    Kpi(
        "fcr_rate",
        "First-contact resolution",
        "rate",
        "contacts",
        "share",
        "Share of contacts after which the same customer did not contact again, for any reason, "
        "within the repeat window (default 7 days). In a chain of contacts every contact but the "
        "last is unresolved, the last is resolved. Counted only for contacts with a customer id "
        "whose whole window lies before the last contact in the store.",
        _fcr("next_any"),
        better="higher",
    ),
    Kpi(
        "fcr_same_reason_rate",
        "First-contact resolution (same reason)",
        "rate",
        "contacts",
        "share",
        "As fcr_rate, but only a later contact with the same contact reason counts against it.",
        _fcr("next_same"),
        better="higher",
    ),
    Kpi(
        "repeat_rate",
        "Repeat-contact rate",
        "rate",
        "contacts",
        "share",
        "Share of contacts that are repeats: the same customer had contacted, for any reason, "
        "within the window before. Counted only for contacts with a customer id whose window "
        "back lies after the first contact in the store.",
        _repeat_rate("prev_any"),
        better="lower",
    ),
    Kpi(
        "repeat_same_reason_rate",
        "Repeat-contact rate (same reason)",
        "rate",
        "contacts",
        "share",
        "As repeat_rate, for a previous contact with the same contact reason.",
        _repeat_rate("prev_same"),
        better="lower",
    ),
    Kpi(
        "transfer_rate",
        "Transfer rate",
        "rate",
        "contacts",
        "share",
        "Share of contacts transferred to another agent or queue; a contact counts once however "
        "often it was transferred.",
        lambda c, p: Rate(c.transferred == literal(True), literal(True)),
        better="lower",
    ),
    Kpi(
        "escalation_rate",
        "Escalation rate",
        "rate",
        "contacts",
        "share",
        "Share of contacts escalated (to a supervisor or a specialist team); counted once.",
        lambda c, p: Rate(c.escalated == literal(True), literal(True)),
        better="lower",
    ),
    Kpi(
        "csat",
        "CSAT",
        "mean",
        "contacts",
        "1-5",
        "Average customer satisfaction score (1-5) of the contacts with a survey answer; n is the "
        "number of responses. A survey that names no stored contact is not counted.",
        lambda c, p: Mean(c.csat),
        better="higher",
    ),
    Kpi(
        "csat_top2_rate",
        "CSAT (satisfied share)",
        "rate",
        "contacts",
        "share",
        "Share of CSAT responses that are 4 or 5.",
        lambda c, p: Rate(c.csat >= 4, c.csat.is_not(None)),
        better="higher",
    ),
    Kpi(
        "nps",
        "NPS",
        "mean",
        "contacts",
        "points",
        "Net promoter score, -100..100: % promoters (9-10) minus % detractors (0-6) among the "
        "responses; computed as the mean of +100/0/-100 per response, so its interval is a t "
        "interval of that mean.",
        lambda c, p: Mean(_nps_points(c)),
        better="higher",
    ),
    Kpi(
        "ces",
        "Customer effort",
        "mean",
        "contacts",
        "1-7",
        "Average customer effort score (1-7, lower is less effort) of the responses.",
        lambda c, p: Mean(c.ces),
        better="lower",
    ),
    Kpi(
        "conversion_rate",
        "Conversion",
        "rate",
        "contacts",
        "share",
        "Contacts with disposition `sale` among those with `sale` or `no_sale`.",
        _disposition(CONVERSION),
        better="higher",
    ),
    Kpi(
        "save_rate",
        "Save rate",
        "rate",
        "contacts",
        "share",
        "Contacts with disposition `saved` among those with `saved` or `cancelled` (retention).",
        _disposition(SAVE),
        better="higher",
    ),
    Kpi(
        "promise_to_pay_rate",
        "Promise to pay",
        "rate",
        "contacts",
        "share",
        "Contacts with disposition `promise_to_pay` among those with `promise_to_pay` or "
        "`no_promise` (collections).",
        _disposition(PROMISE_TO_PAY),
        better="higher",
    ),
    Kpi(
        "evaluations",
        "Evaluations",
        "count",
        "evaluations",
        "evaluations",
        "Evaluations of the period's contacts (each rubric's evaluation of a contact counts).",
        lambda c, p: Count(literal(True)),
    ),
    Kpi(
        "qa_score",
        "QA score",
        "mean",
        "evaluations",
        "0-1",
        "Average evaluation score: the weighted share of applicable quality behaviours met "
        "(0 for an auto-failed evaluation); evaluations where none applied are not counted.",
        lambda c, p: Mean(c.score),
        better="higher",
    ),
    Kpi(
        "compliance_pass_rate",
        "Compliance pass rate",
        "rate",
        "evaluations",
        "share",
        "Share of evaluations with no critical and no compliance-section behaviour missed, "
        "reading the outcomes that count (a reviewer's override applied, see metrics.outcomes).",
        lambda c, p: Rate(c.compliance_missed == 0, literal(True)),
        better="higher",
    ),
    Kpi(
        "critical_error_rate",
        "Critical-error rate",
        "rate",
        "evaluations",
        "share",
        "Share of evaluations with at least one critical behaviour missed (the outcome that "
        "counts, see metrics.outcomes).",
        lambda c, p: Rate(c.critical_missed > 0, literal(True)),
        better="lower",
    ),
    Kpi(
        "behavior_pass_rate",
        "Behaviour pass rate",
        "rate",
        "behaviors",
        "share",
        "Per behaviour: met / (met + missed); not-applicable outcomes are left out.",
        lambda c, p: Rate(c.outcome == "met", c.outcome.in_(("met", "missed"))),
        family="behavior_id",
        better="higher",
    ),
    Kpi(
        "section_pass_rate",
        "Section pass rate",
        "rate",
        "behaviors",
        "share",
        "Per rubric section: met / (met + missed) over the section's behaviour outcomes.",
        lambda c, p: Rate(c.outcome == "met", c.outcome.in_(("met", "missed"))),
        family="section",
        better="higher",
    ),
    Kpi(
        "adherence_rate",
        "Schedule adherence",
        "ratio",
        "schedule",
        "share",
        "Seconds of scheduled `work` during which the agent was in seat (state available or "
        "handling) divided by the scheduled `work` seconds. n = scheduled work intervals.",
        lambda c, p: Ratio(c.adhered_seconds, c.scheduled_seconds, literal(True)),
        better="higher",
    ),
    Kpi(
        "occupancy_rate",
        "Occupancy",
        "ratio",
        "states",
        "share",
        "Seconds handling contacts divided by seconds in seat (handling + available). n = state "
        "intervals in seat.",
        lambda c, p: Ratio(
            case((c.state == "handling", c.seconds), else_=0.0), c.seconds, c.state.in_(IN_SEAT)
        ),
    ),
]

KPIS: dict[str, Kpi] = {k.id: k for k in _KPIS}
"""Every KPI by id, in the order they are shown."""
