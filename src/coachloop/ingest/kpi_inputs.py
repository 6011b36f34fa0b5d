"""The inputs some KPIs and signals need beyond conversations: schedules, agent states,
engagement surveys (CSV) and incentive plans (YAML).

The CSV files are read by the `csv` reader's machinery (`csv_tables`), with its rules for
bad input: one bad row is rejected with file, line, column and reason (e.g.
`states.csv:7 end: '2026-09-07T08:00' is before start '2026-09-07T09:00'`) and the good
rows around it are kept. Column names are matched without regard to case or spaces. The
header says which table a file is:

* agent states (`state` column): agent_id, start, end (ISO 8601 date-times), state — one
  of `available` (in seat, waiting for a contact), `handling` (on a contact, including
  hold and after-call work), `away` (break, lunch, meeting, not ready) or `offline`.
* schedules (`activity` column): agent_id, start, end, activity — `work` means scheduled
  to take contacts; anything else (break, lunch, training, ...) is scheduled time off the
  queues.
* engagement surveys (`score` and `period_start` columns): team or agent_id (one of them
  per row), period_start, period_end (ISO dates, inclusive), score (0-100, e.g. an
  engagement index; an eNPS of -100..100 must be rescaled as (eNPS + 100) / 2), and an
  optional responses (a whole number).

An incentive plan is a YAML file:

    plan: speed-bonus            # the plan's name
    weights:
      aht_seconds: {weight: 0.5, better: lower}
      csat: {weight: 0.3}        # `better` defaults to the KPI's own good direction
      qa_score: 0.2              # a bare number is the weight

Its errors name the file, line and path (`plan.yaml:4 weights.aht_secs: unknown KPI`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from coachloop.errors import IngestError
from coachloop.ingest.csv_tables import _BadField, _datetime, _number, _records, _rejected
from coachloop.metrics.registry import KPIS
from coachloop.model import Rejected
from coachloop.rubric.yamlsource import read_located

__all__ = [
    "AGENT_STATES",
    "EngagementRow",
    "IncentiveWeight",
    "InputKind",
    "IntervalRow",
    "read_incentive_plan",
    "read_kpi_table",
]

AGENT_STATES = ("available", "handling", "away", "offline")
InputKind = Literal["agent_states", "schedules", "engagement"]


@dataclass(frozen=True, slots=True)
class IntervalRow:
    """A schedule or agent-state interval; `label` is the activity or the state."""

    agent_id: str
    start: datetime
    end: datetime
    label: str


@dataclass(frozen=True, slots=True)
class EngagementRow:
    subject_kind: Literal["team", "agent"]
    subject: str
    period_start: date
    period_end: date
    score: float
    responses: int | None


@dataclass(frozen=True, slots=True)
class IncentiveWeight:
    plan: str
    kpi: str
    weight: float
    better: Literal["higher", "lower"]


def _kind(columns: list[str], path: Path) -> InputKind:
    needed: tuple[str, ...]
    if "state" in columns:
        kind: InputKind = "agent_states"
        needed = ("agent_id", "start", "end", "state")
    elif "activity" in columns:
        kind, needed = "schedules", ("agent_id", "start", "end", "activity")
    elif "score" in columns and "period_start" in columns:
        kind, needed = "engagement", ("period_start", "period_end", "score")
        if "team" not in columns and "agent_id" not in columns:
            raise IngestError(f"{path}: an engagement table needs a team or an agent_id column")
    else:
        raise IngestError(
            f"{path}: cannot tell which table this is from its header ({', '.join(columns)}): expected "
            "a state (agent states), activity (schedules) or score and period_start (engagement) column"
        )
    missing = [c for c in needed if c not in columns]
    if missing:
        raise IngestError(f"{path}: the {kind.replace('_', ' ')} table needs a {missing[0]!r} column")
    return kind


def read_kpi_table(path: Path) -> tuple[InputKind, Iterator[IntervalRow | EngagementRow | Rejected]]:
    """Which table `path` holds (from its header) and its rows, streamed; raises
    `IngestError` if the file cannot be read or its header fits no table."""
    try:
        handle = path.open("rb")
    except OSError as err:
        raise IngestError(f"{path}: cannot read: {err.strerror or err}") from err
    records = _records(handle, path)
    try:
        header = next(records, None)
    except BaseException:
        handle.close()
        raise
    if header is None:
        handle.close()
        raise IngestError(f"{path}: empty file, no header")
    try:
        kind = _kind(list(header.values), path)
    except BaseException:
        handle.close()
        raise

    def rows() -> Iterator[IntervalRow | EngagementRow | Rejected]:
        with handle:
            for record in records:
                try:
                    if record.problem is not None:
                        raise record.problem
                    yield (
                        _engagement(record.values) if kind == "engagement" else _interval(kind, record.values)
                    )
                except _BadField as err:
                    yield _rejected(record, err, path.name, record.values.get("agent_id") or None)

    return kind, rows()


def _required(values: dict[str, str], column: str) -> str:
    text = values.get(column, "")
    if not text:
        raise _BadField(column, "is empty")
    return text


def _interval(kind: InputKind, values: dict[str, str]) -> IntervalRow:
    agent_id = _required(values, "agent_id")
    start = _datetime("start", _required(values, "start"))
    end = _datetime("end", _required(values, "end"))
    try:
        inverted = end <= start
    except TypeError:
        raise _BadField("end", "one of start and end has a time zone and the other has not") from None
    if inverted:
        raise _BadField("end", f"{values['end']!r} is not after start {values['start']!r}")
    column = "state" if kind == "agent_states" else "activity"
    label = _required(values, column).lower()
    if kind == "agent_states" and label not in AGENT_STATES:
        raise _BadField(column, f"unknown state {values[column]!r} (expected {', '.join(AGENT_STATES)})")
    return IntervalRow(agent_id, start, end, label)


def _day(column: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _BadField(column, f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def _engagement(values: dict[str, str]) -> EngagementRow:
    team, agent = values.get("team", ""), values.get("agent_id", "")
    if bool(team) == bool(agent):
        raise _BadField("team" if not team else "agent_id", "give either a team or an agent_id")
    start = _day("period_start", _required(values, "period_start"))
    end = _day("period_end", _required(values, "period_end"))
    if end < start:
        raise _BadField(
            "period_end", f"{values['period_end']!r} is before period_start {values['period_start']!r}"
        )
    score = _number("score", _required(values, "score"))
    if not 0 <= score <= 100:
        raise _BadField("score", f"{values['score']!r} is outside 0-100")
    responses: int | None = None
    if values.get("responses"):
        try:
            responses = int(values["responses"])
        except ValueError:
            raise _BadField("responses", f"{values['responses']!r} is not a whole number") from None
        if responses < 0:
            raise _BadField("responses", f"{values['responses']!r} is negative")
    kind: Literal["team", "agent"] = "team" if team else "agent"
    return EngagementRow(kind, team or agent, start, end, score, responses)


def read_incentive_plan(path: Path) -> list[IncentiveWeight]:
    """The weights of one plan; raises `RubricError` (file:line path: reason) if it is invalid."""
    doc = read_located(path)
    data: Any = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "an incentive plan is a mapping with `plan` and `weights`")
    unknown = sorted(set(data) - {"plan", "weights"})
    if unknown:
        raise doc.error((unknown[0],), "unknown key (expected plan, weights)")
    plan = data.get("plan")
    if not isinstance(plan, str) or not plan.strip():
        raise doc.error(("plan",), "the plan needs a name")
    weights = data.get("weights")
    if not isinstance(weights, dict) or not weights:
        raise doc.error(("weights",), "give at least one KPI and its weight")
    out: list[IncentiveWeight] = []
    for kpi_id, spec in weights.items():
        where: tuple[str, ...] = ("weights", kpi_id)
        kpi = KPIS.get(kpi_id)
        if kpi is None or kpi.family is not None:
            raise doc.error(where, f"unknown KPI {kpi_id!r} (see `coachloop metrics --list`)")
        entry = spec if isinstance(spec, dict) else {"weight": spec}
        extra = sorted(set(entry) - {"weight", "better"})
        if extra:
            raise doc.error((*where, extra[0]), "unknown key (expected weight, better)")
        weight = entry.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise doc.error((*where, "weight"), f"the weight must be a positive number, got {weight!r}")
        better = entry.get("better", kpi.better)
        if better not in ("higher", "lower"):
            raise doc.error((*where, "better"), f"`better` must be higher or lower, got {better!r}")
        out.append(IncentiveWeight(plan.strip(), kpi_id, float(weight), better))
    return out
