"""KPIs over any period and grouping, aggregated in the database (SQLAlchemy Core).

One aggregate query per source (contacts, evaluations, behaviours, schedule, agent
states) and per KPI family, grouped by the requested keys; Python only turns the sums
into estimates (intervals, shrinkage), so the work grows with the number of groups, not
with the number of contacts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Select,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.sql.functions import FunctionElement

from coachloop.errors import CoachloopError
from coachloop.metrics.estimates import (
    Estimate,
    shrink_grouped,
    t_intervals,
    uncertain_flags,
    wilson_intervals,
)
from coachloop.metrics.outcomes import behavior_outcomes
from coachloop.metrics.registry import IN_SEAT, KPIS, Count, Kpi, Mean, Params, Rate, Ratio
from coachloop.metrics.sqltime import day_of, epoch_seconds, hour_of, month_of, week_of
from coachloop.store.tables import agent_states, agents, evaluations, interactions, schedules

if TYPE_CHECKING:
    from coachloop.metrics.snapshot import Columnar

Run = Callable[[Any], Sequence[Sequence[Any]]]
"""Runs a query and returns its rows: on the store, or on its columnar snapshot."""

__all__ = ["GROUPINGS", "MetricRow", "MetricsQuery", "compute_metrics", "group_name", "parse_groupings"]

GROUPINGS: dict[str, str] = {
    "agent": "agent_id",
    "team": "team",
    "queue": "queue",
    "contact_reason": "contact_reason",
    "channel": "channel",
    "language": "language",
    "day": "day",
    "week": "week",
    "month": "month",
    "hour": "hour",
}
"""Grouping name -> the key's name in output rows."""
_TIME: dict[str, type[FunctionElement[Any]]] = {
    "day": day_of,
    "week": week_of,
    "month": month_of,
    "hour": hour_of,
}
_STAFF_GROUPINGS = frozenset(("agent", "team", "day", "week", "month", "hour"))
"""What schedule and agent-state KPIs can be grouped by (they belong to no contact)."""


def parse_groupings(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """`agent,week` -> ("agent", "week"); output names (agent_id) are accepted too."""
    if text is None:
        return ()
    parts = text.split(",") if isinstance(text, str) else [p for t in text for p in t.split(",")]
    names = {v: k for k, v in GROUPINGS.items()}
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        name = names.get(part, part)
        if name not in GROUPINGS:
            raise CoachloopError(f"unknown grouping {part!r} (expected {', '.join(GROUPINGS)})")
        if name not in out:
            out.append(name)
    return tuple(out)


def group_name(grouping: str) -> str:
    return GROUPINGS[grouping]


@dataclass(frozen=True, slots=True)
class MetricsQuery:
    by: tuple[str, ...] = ()
    kpis: tuple[str, ...] | None = None
    """KPI ids (a family id such as behavior_pass_rate gives all its members); None = all."""
    since: datetime | None = None
    until: datetime | None = None
    """Contacts (and intervals) that started in [since, until)."""
    repeat_window_days: float = 7.0
    rubric: str | None = None
    """Evaluation and behaviour KPIs of this rubric only (default: every rubric)."""
    compliance_behaviors: frozenset[tuple[str, str]] = frozenset()
    """(rubric, behavior_id) of the behaviours in compliance sections (the rubric knows them,
    the stored outcomes do not): with every critical behaviour, a miss of one fails the
    evaluation's compliance. `jobs.metrics.metric_rows` fills it from the rubric catalogue."""


@dataclass(slots=True)
class _Columns:
    """Every KPI's figures for every row of a table, as columns (None where there is none)."""

    ids: list[str]
    values: dict[str, list[float | None]]
    counts: dict[str, list[int]]
    bounds: dict[str, list[tuple[float, float] | None]]
    shrunk: dict[str, list[float | None]]
    uncertain: dict[str, list[bool]]


class _RowKpis(Mapping[str, Estimate]):
    """One row's KPIs read from the table's columns: an `Estimate` is made when it is read,
    so a table of a million cells costs nothing until someone looks at them."""

    __slots__ = ("_at", "_columns")

    def __init__(self, columns: _Columns, at: int) -> None:
        self._columns = columns
        self._at = at

    def __getitem__(self, kpi_id: str) -> Estimate:
        c, n = self._columns, self._at
        values = c.values[kpi_id]  # KeyError for a KPI the table does not have
        shrunk = c.shrunk.get(kpi_id)
        if shrunk is None:
            return Estimate(values[n], c.counts[kpi_id][n], c.bounds[kpi_id][n])
        return Estimate(values[n], c.counts[kpi_id][n], c.bounds[kpi_id][n], shrunk[n], c.uncertain[kpi_id][n])

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns.ids)

    def __len__(self) -> int:
        return len(self._columns.ids)


@dataclass(slots=True)
class MetricRow:
    keys: dict[str, Any]
    """Output key name (agent_id, week, ...) -> value."""
    kpis: Mapping[str, Estimate] = field(default_factory=dict)
    """KPI id -> estimate; family members as `family.member` (behavior_pass_rate.greet)."""

    def as_dict(self) -> dict[str, Any]:
        """The DESIGN.md shape: keys, then each KPI as {value, n, ci[, shrunk, uncertain]};
        a family is an object of its members."""
        agent_row = "agent_id" in self.keys
        out: dict[str, Any] = dict(self.keys)
        for kpi_id, est in self.kpis.items():
            family, _, member = kpi_id.partition(".")
            if member:
                out.setdefault(family, {})[member] = est.as_dict(agent_row)
            else:
                out[kpi_id] = est.as_dict(agent_row)
        return out


@dataclass(slots=True)
class _Sums:
    """One KPI's sums over the groups that had rows for it, as columns."""

    kind: str
    keys: list[tuple[Any, ...]]
    a: Any
    b: Any
    c: Any
    """rate: (successes, trials, 0); mean: (n, sum, sum of squares); ratio: (n, numerator,
    denominator); count: (n, 0, 0)."""


# -- the sources -------------------------------------------------------------------------------


def _period(column: Any, q: MetricsQuery) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if q.since is not None:
        out.append(column >= q.since)
    if q.until is not None:
        out.append(column < q.until)
    return out


def _handle(c: Any) -> ColumnElement[Any]:
    return case(
        (
            c.talk_seconds.is_not(None),
            c.talk_seconds + func.coalesce(c.hold_seconds, 0.0) + func.coalesce(c.acw_seconds, 0.0),
        ),
        else_=null(),
    )


def _contacts(q: MetricsQuery, *, chains: bool, context: bool) -> Subquery:
    """One row per contact of the period, with its keys, figures and (if `chains`) the
    start of the same customer's previous and next contact, from the whole store."""
    i, a, ev = interactions, agents, evaluations
    predicted = (
        select(ev.c.interaction_id, func.max(ev.c.reason_label).label("label"))
        .group_by(ev.c.interaction_id)
        .subquery("predicted")
    )
    reason = func.coalesce(i.c.contact_reason, predicted.c.label)
    t = epoch_seconds(i.c.started_at)
    columns: list[Any] = [
        i.c.id,
        i.c.agent_id,
        func.coalesce(a.c.team, i.c.team).label("team"),
        i.c.queue,
        i.c.channel,
        i.c.language,
        reason.label("contact_reason"),
        i.c.started_at,
        t.label("t"),
        i.c.customer_id,
        i.c.talk_seconds,
        i.c.hold_seconds,
        i.c.acw_seconds,
        i.c.transferred,
        i.c.escalated,
        i.c.csat,
        i.c.nps,
        i.c.ces,
        i.c.disposition,
    ]
    if chains:
        order = (i.c.started_at, i.c.id)
        same = (i.c.customer_id, reason)
        columns += [
            func.lead(t).over(partition_by=i.c.customer_id, order_by=order).label("next_any"),
            func.lag(t).over(partition_by=i.c.customer_id, order_by=order).label("prev_any"),
            func.lead(t).over(partition_by=same, order_by=order).label("next_same"),
            func.lag(t).over(partition_by=same, order_by=order).label("prev_same"),
        ]
    # A row with neither a start time nor a transcript is a bare row made by a survey or an
    # update naming an id with no conversation stored: it is not a contact (yet). A
    # transcript without a start time (a recorded call dataset) is a contact of no period:
    # counted when no period is asked for, in no day, week or hour.
    query: Select[Any] = (
        select(*columns)
        .select_from(
            i.outerjoin(a, a.c.id == i.c.agent_id).outerjoin(predicted, predicted.c.interaction_id == i.c.id)
        )
        .where(or_(i.c.started_at.is_not(None), i.c.utterance_count > 0))
    )
    if chains:
        # The neighbours come from the whole store; only then is the period cut.
        whole = query.subquery("chained")
        base = select(whole).where(*_period(whole.c.started_at, q)).subquery("contacts")
    else:
        base = query.where(*_period(i.c.started_at, q)).subquery("contacts")
    if not context:
        return base
    reason_key = func.coalesce(base.c.contact_reason, "")
    cells = (
        select(
            reason_key.label("reason_key"),
            base.c.channel.label("cell_channel"),
            func.avg(_handle(base.c)).label("expected"),
        )
        .group_by(reason_key, base.c.channel)
        .subquery("cells")
    )
    return (
        select(
            base,
            case((_handle(base.c).is_not(None), cells.c.expected), else_=null()).label("expected_seconds"),
        )
        .select_from(
            base.outerjoin(
                cells,
                and_(reason_key == cells.c.reason_key, base.c.channel == cells.c.cell_channel),
            )
        )
        .subquery("contacts_in_context")
    )


def _evaluations(q: MetricsQuery) -> Subquery:
    c = _contacts(q, chains=False, context=False)
    e, o = evaluations, behavior_outcomes(q.rubric)
    # Compliance as the outcomes that count have it (a reviewer's override applied), not the
    # flag the machine stored: a critical or compliance-section behaviour missed fails it.
    compliance = or_(
        o.c.critical == literal(True),
        *(and_(o.c.rubric == r, o.c.behavior_id == b) for r, b in sorted(q.compliance_behaviors)),
    )
    critical = (
        select(
            o.c.interaction_id,
            o.c.rubric,
            func.max(case((and_(o.c.critical == literal(True), o.c.outcome == "missed"), 1), else_=0)).label(
                "critical_missed"
            ),
            func.max(case((and_(compliance, o.c.outcome == "missed"), 1), else_=0)).label("compliance_missed"),
        )
        .group_by(o.c.interaction_id, o.c.rubric)
        .subquery("critical")
    )
    query = select(
        c,
        e.c.score,
        func.coalesce(critical.c.critical_missed, 0).label("critical_missed"),
        func.coalesce(critical.c.compliance_missed, 0).label("compliance_missed"),
    ).select_from(
        e.join(c, c.c.id == e.c.interaction_id).outerjoin(
            critical, and_(critical.c.interaction_id == e.c.interaction_id, critical.c.rubric == e.c.rubric)
        )
    )
    if q.rubric is not None:
        query = query.where(e.c.rubric == q.rubric)
    return query.subquery("evaluated")


def _behaviors(q: MetricsQuery) -> Subquery:
    c = _contacts(q, chains=False, context=False)
    o = behavior_outcomes(q.rubric)
    return (
        select(c, o.c.behavior_id, o.c.section, o.c.outcome)
        .select_from(o.join(c, c.c.id == o.c.interaction_id))
        .subquery("behaviors")
    )


def _later(x: Any, y: Any) -> ColumnElement[Any]:
    return case((x > y, x), else_=y)


def _earlier(x: Any, y: Any) -> ColumnElement[Any]:
    return case((x < y, x), else_=y)


def _schedule(q: MetricsQuery) -> Subquery:
    s, st, a = schedules, agent_states, agents
    overlap = epoch_seconds(_earlier(s.c.end, st.c.end)) - epoch_seconds(_later(s.c.start, st.c.start))
    per_interval = (
        select(
            s.c.agent_id,
            s.c.start.label("started_at"),
            (epoch_seconds(s.c.end) - epoch_seconds(s.c.start)).label("scheduled_seconds"),
            func.coalesce(func.sum(overlap), 0.0).label("adhered_seconds"),
        )
        .select_from(
            s.outerjoin(
                st,
                and_(
                    st.c.agent_id == s.c.agent_id,
                    st.c.start < s.c.end,
                    st.c.end > s.c.start,
                    st.c.state.in_(IN_SEAT),
                ),
            )
        )
        .where(s.c.activity == "work", *_period(s.c.start, q))
        .group_by(s.c.agent_id, s.c.start, s.c.end)
        .subquery("scheduled")
    )
    return (
        select(per_interval, a.c.team)
        .select_from(per_interval.outerjoin(a, a.c.id == per_interval.c.agent_id))
        .subquery("schedule")
    )


def _states(q: MetricsQuery) -> Subquery:
    st, a = agent_states, agents
    return (
        select(
            st.c.agent_id,
            st.c.start.label("started_at"),
            st.c.state,
            (epoch_seconds(st.c.end) - epoch_seconds(st.c.start)).label("seconds"),
            a.c.team,
        )
        .select_from(st.outerjoin(a, a.c.id == st.c.agent_id))
        .where(*_period(st.c.start, q))
        .subquery("states")
    )


# -- aggregation ---------------------------------------------------------------------------------


def _key_expr(base: Subquery, grouping: str) -> ColumnElement[Any]:
    if grouping in _TIME:
        bucket: ColumnElement[Any] = _TIME[grouping](base.c.started_at)
        return bucket
    return base.c[GROUPINGS[grouping]]


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1.0), else_=0.0)), 0.0)


def _aggregates(kpi: Kpi, base: Subquery, params: Params, label: str) -> list[ColumnElement[Any]]:
    m = kpi.measure(base.c, params)
    if isinstance(m, Rate):
        return [_count_if(and_(m.among, m.hit)).label(f"{label}_a"), _count_if(m.among).label(f"{label}_b")]
    if isinstance(m, Mean):
        value = cast(m.value, Float)
        return [
            func.count(value).label(f"{label}_a"),
            func.coalesce(func.sum(value), 0.0).label(f"{label}_b"),
            func.coalesce(func.sum(value * value), 0.0).label(f"{label}_c"),
        ]
    if isinstance(m, Ratio):
        return [
            _count_if(m.among).label(f"{label}_a"),
            func.coalesce(func.sum(case((m.among, m.numerator), else_=0.0)), 0.0).label(f"{label}_b"),
            func.coalesce(func.sum(case((m.among, m.denominator), else_=0.0)), 0.0).label(f"{label}_c"),
        ]
    assert isinstance(m, Count)
    return [_count_if(m.among).label(f"{label}_a")]


def _bounds(run: Run) -> tuple[float, float]:
    t = epoch_seconds(interactions.c.started_at)
    first, last = run(select(func.min(t), func.max(t)))[0]
    return (float(first), float(last)) if first is not None else (0.0, 0.0)


def _requested(q: MetricsQuery) -> list[Kpi]:
    if q.kpis is None:
        return list(KPIS.values())
    unknown = [k for k in q.kpis if k not in KPIS]
    if unknown:
        raise CoachloopError(f"unknown KPI {unknown[0]!r} (see `coachloop metrics --list`)")
    return [KPIS[k] for k in KPIS if k in q.kpis]


def compute_metrics(conn: Connection, q: MetricsQuery, *, columnar: Columnar | None = None) -> list[MetricRow]:
    """One row per group that has any data, each with every requested KPI the grouping
    allows (schedule and state KPIs only by agent, team and time): groups without data for
    a KPI get it with n = 0 and value None.

    With `columnar` (a fresh snapshot, see `metrics.snapshot`), the contact, evaluation and
    behaviour KPIs run there, the very same queries compiled for DuckDB; schedule and
    agent-state KPIs always read the store."""
    if q.repeat_window_days <= 0:
        raise CoachloopError("the repeat window must be a positive number of days")

    def on_store(query: Select[Any]) -> Sequence[Sequence[Any]]:
        return conn.execute(query).all()

    facts: Run = columnar.rows if columnar is not None else on_store
    first_t, last_t = _bounds(facts)
    params = Params(q.repeat_window_days * 86400.0, first_t, last_t)
    wanted = [
        k for k in _requested(q) if k.source not in ("schedule", "states") or set(q.by) <= _STAFF_GROUPINGS
    ]
    sums: dict[str, _Sums] = {}
    by_source: dict[str, list[Kpi]] = defaultdict(list)
    for kpi in wanted:
        by_source[kpi.source].append(kpi)
    for source, kpis in by_source.items():
        base = _base(q, source, kpis)
        run = on_store if source in ("schedule", "states") else facts
        plain = [k for k in kpis if k.family is None]
        if plain:
            _collect(run, base, q.by, plain, params, None, sums)
        for kpi in (k for k in kpis if k.family is not None):
            _collect(run, base, q.by, [kpi], params, kpi.family, sums)
    plain_ids = [k.id for k in wanted if k.family is None]
    return _table(q.by, sums, plain_ids, facts if "agent" in q.by else None)


def _base(q: MetricsQuery, source: str, kpis: list[Kpi]) -> Subquery:
    ids = {k.id for k in kpis}
    if source == "contacts":
        chains = bool(ids & {"fcr_rate", "fcr_same_reason_rate", "repeat_rate", "repeat_same_reason_rate"})
        return _contacts(q, chains=chains, context="aht_context_ratio" in ids)
    if source == "evaluations":
        return _evaluations(q)
    if source == "behaviors":
        return _behaviors(q)
    if source == "schedule":
        return _schedule(q)
    return _states(q)


def _collect(
    run: Run,
    base: Subquery,
    by: tuple[str, ...],
    kpis: list[Kpi],
    params: Params,
    family: str | None,
    sums: dict[str, _Sums],
) -> None:
    keys = [_key_expr(base, g).label(f"k{n}") for n, g in enumerate(by)]
    member = base.c[family] if family is not None else None
    aggs = [a for n, k in enumerate(kpis) for a in _aggregates(k, base, params, f"m{n}")]
    # From `base` explicitly: a count of every row names no column of it.
    query = select(*keys, *([member] if member is not None else []), *aggs).select_from(base)
    group = [*keys, *([member] if member is not None else [])]
    if group:
        query = query.group_by(*group)
    if member is not None:
        query = query.where(member.is_not(None))
    width = len(keys) + (member is not None)
    found = run(query)
    if not found:
        return
    columns = list(zip(*found, strict=True))
    row_keys: list[tuple[Any, ...]] = list(zip(*columns[: len(keys)], strict=True)) if keys else [()] * len(found)
    # NULL sums (no row counted) are 0; DuckDB may answer DECIMAL, the store float.
    values = np.nan_to_num(np.array(columns[width:], dtype=np.float64), nan=0.0)
    zeros = np.zeros(len(found))
    parts: list[tuple[str, str, Any]] = []
    if member is None:
        parts = [(kpi.id, kpi.kind, None) for kpi in kpis]
    else:
        at: dict[Any, list[int]] = defaultdict(list)
        for n, m in enumerate(columns[len(keys)]):
            at[m].append(n)
        parts = [(f"{kpis[0].id}.{m}", kpis[0].kind, np.array(idx)) for m, idx in at.items()]
    at_col = 0
    for n, (kpi_id, kind, idx) in enumerate(parts):
        width_k = 2 if kind == "rate" else 3 if kind in ("mean", "ratio") else 1
        start = at_col if member is None else 0
        block = [values[start + j] for j in range(width_k)] + [zeros] * (3 - width_k)
        if member is None:
            at_col += width_k
            sums[kpi_id] = _Sums(kind, row_keys, *block)
        else:
            sums[kpi_id] = _Sums(kind, [row_keys[i] for i in idx.tolist()], *(col[idx] for col in block))
        del n


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((v is None, v if v is not None else "") for v in key)


def _figures(kind: str, a: Any, b: Any, c: Any) -> tuple[Any, Any, Any, Any]:
    """(value, n, low, high) columns; NaN where there is none."""
    if kind == "rate":
        low, high = wilson_intervals(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(b > 0, a / b, np.nan)
        n = b
    elif kind == "mean":
        value, low, high = t_intervals(a, b, c)
        n = a
    elif kind == "ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where((a > 0) & (c != 0), b / c, np.nan)
        low = high = np.full(len(a), np.nan)
        n = a
    else:
        value, n = np.where(a > 0, a, np.nan), a
        low = high = np.full(len(a), np.nan)
    count = np.round(n)
    value = np.where(count > 0, value, np.nan)
    return value, count, low, high


def _table(
    by: tuple[str, ...], sums: dict[str, _Sums], plain: list[str], facts: Run | None
) -> list[MetricRow]:
    """The rows, sorted by their keys, with every KPI's estimate; with `facts` (agent rows)
    also the shrunk estimates and uncertainty flags (see `_shrink`)."""
    order = sorted({k for s in sums.values() for k in s.keys}, key=_sort_key)
    position = {k: n for n, k in enumerate(order)}
    size = len(order)
    ids = [k for k in KPIS if k in plain] + sorted(k for k in sums if "." in k)
    pools = _pools(facts, by, order) if facts is not None else None
    columns = _Columns(ids, {}, {}, {}, {}, {})
    for kpi_id in ids:
        kind = KPIS[kpi_id.partition(".")[0]].kind
        a, b, c = np.zeros(size), np.zeros(size), np.zeros(size)
        if kpi_id in sums:
            got = sums[kpi_id]
            idx = np.fromiter((position[k] for k in got.keys), dtype=np.intp, count=len(got.keys))
            a[idx], b[idx], c[idx] = got.a, got.b, got.c
        value, n, low, high = _figures(kind, a, b, c)
        if pools is not None and kind in ("rate", "mean"):
            columns.shrunk[kpi_id] = _optional(_shrink(kind, a, b, c, value, pools))
            columns.uncertain[kpi_id] = uncertain_flags(kind, value, n, low, high).tolist()
        columns.values[kpi_id] = _optional(value)
        columns.counts[kpi_id] = n.astype(np.int64).tolist()
        columns.bounds[kpi_id] = [
            None if lo != lo or hi != hi else (lo, hi) for lo, hi in zip(low.tolist(), high.tolist(), strict=True)
        ]
    return [
        MetricRow({GROUPINGS[g]: v for g, v in zip(by, key, strict=True)}, _RowKpis(columns, n))
        for n, key in enumerate(order)
    ]


def _optional(column: Any) -> list[float | None]:
    return [None if v != v else v for v in column.tolist()]


def _agent_teams(run: Run) -> dict[str, str | None]:
    i, a = interactions, agents
    from_contacts = (
        select(i.c.agent_id, func.max(i.c.team)).where(i.c.agent_id.is_not(None)).group_by(i.c.agent_id)
    )
    teams: dict[str, str | None] = {r[0]: r[1] for r in run(from_contacts)}
    for agent_id, team in run(select(a.c.id, a.c.team)):
        if team is not None or agent_id not in teams:
            teams[agent_id] = team
    return teams


@dataclass(frozen=True, slots=True)
class _Pools:
    agent_rows: Any
    """Row numbers of the rows that name an agent."""
    pool: Any
    pools: int
    centre: Any
    centres: int


def _number(values: list[Any]) -> tuple[Any, int]:
    ids: dict[Any, int] = {}
    numbered = np.fromiter((ids.setdefault(v, len(ids)) for v in values), dtype=np.intp, count=len(values))
    return numbered, len(ids)


def _pools(run: Run, by: tuple[str, ...], keys: list[tuple[Any, ...]]) -> _Pools:
    """Each agent row's pool (its team, in the same other groups) and centre (every agent in
    the same other groups)."""
    teams = _agent_teams(run)
    agent_at = by.index("agent")
    team_at = by.index("team") if "team" in by else None
    others = [n for n, g in enumerate(by) if g not in ("agent", "team")]
    rows = [n for n, key in enumerate(keys) if key[agent_at] is not None]
    rests = [tuple(keys[n][i] for i in others) for n in rows]
    teams_of = [keys[n][team_at] if team_at is not None else teams.get(keys[n][agent_at]) for n in rows]
    pool, pools = _number([(t, r) for t, r in zip(teams_of, rests, strict=True)])
    centre, centres = _number(rests)
    return _Pools(np.array(rows, dtype=np.intp), pool, pools, centre, centres)


def _shrink(kind: str, a: Any, b: Any, c: Any, value: Any, p: _Pools) -> Any:
    """Shrunk figures of every row: toward the agent's team in the same other groups, else
    (a team too small) toward every agent in them, else (too few even there) the raw
    figure; rows without an agent keep their raw figure (see `estimates`)."""
    out = value.copy()
    rows = p.agent_rows
    if len(rows) == 0:
        return out
    ra, rb, rc = a[rows], b[rows], c[rows]
    in_pool, pool_ok = shrink_grouped(kind, ra, rb, rc, p.pool, p.pools)
    in_centre, centre_ok = shrink_grouped(kind, ra, rb, rc, p.centre, p.centres)
    pooled = pool_ok[p.pool]
    centred = ~pooled & centre_ok[p.centre]
    mine = out[rows]
    mine = np.where(pooled, in_pool, np.where(centred, in_centre, mine))
    out[rows] = mine
    return out
