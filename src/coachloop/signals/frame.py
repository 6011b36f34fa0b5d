"""The per-call data every signal reads, loaded from the store in one place.

Two tables as numpy columns: `calls` (one row per evaluated interaction: who, where, when,
handle time, outcomes, the customer's mood) and `outcomes` (one row per applicable
behaviour result: the call's row, the behaviour, met or not). Signals are array
arithmetic over these; nothing here knows about any one signal.

Per-call definitions live here and nowhere else in `signals`:
- handle time = talk + hold + after-call work seconds (NaN when talk time is unknown;
  a missing hold or ACW counts as 0);
- repeat contact = the same customer contacts again about the same contact reason within
  `REPEAT_WINDOW` (7 days) after this call's start; NaN when the call has no customer id or
  its window reaches past the last stored call (we cannot know yet, either way);
- frustration = how many frustration peaks the customer showed (`insights`), NaN without
  insights; rating = the caller's own rating of the call (`survey.ratings`, e.g. HVB's
  `caller_rating`) divided by its scale, 0-1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Select, and_, case, func, select

from coachloop.metrics.snapshot import caller_rating, compile_duck, frustration_peaks, insight_language
from coachloop.model import Outcome
from coachloop.store.reviews import effective_outcomes
from coachloop.store.tables import agents, evaluations, interactions

if TYPE_CHECKING:
    from coachloop.metrics.snapshot import Columnar

__all__ = ["REPEAT_WINDOW", "CallFrame", "behavior_outcomes", "load_frame"]

REPEAT_WINDOW = timedelta(days=7)

Strs = npt.NDArray[np.object_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(slots=True)
class CallFrame:
    """Calls in start order and their applicable behaviour outcomes (see module doc)."""

    ids: Strs
    agent: Strs
    team: Strs
    queue: Strs
    reason: Strs
    language: Strs
    channel: Strs
    started: Floats
    """Seconds since the epoch (UTC)."""
    handle: Floats
    csat: Floats
    rating: Floats
    repeat: Floats
    """1.0 / 0.0 / NaN (unknown)."""
    frustration: Floats
    score: Floats
    tenure_days: Floats
    """Days from the agent's hire date to the call; NaN without a hire date."""
    out_call: Ints
    """Row in the call columns of each outcome; outcomes are sorted by (call row, behaviour)."""
    out_behavior: Strs
    out_met: Bools
    critical: frozenset[str]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def behaviors(self) -> list[str]:
        return sorted(set(self.out_behavior.tolist()))

    def when(self, seconds: float) -> datetime:
        return datetime.fromtimestamp(seconds, UTC)


def behavior_outcomes(rubric: str | None) -> Select[Any]:
    """Every applicable behaviour outcome: (interaction_id, behavior_id, met, critical).

    The one place signals read outcomes, from `store.reviews.effective_outcomes`: an
    outcome a reviewer overrode counts as the reviewer decided.
    """
    e = effective_outcomes(rubric).subquery("effective")
    return select(
        e.c.interaction_id,
        e.c.behavior_id,
        case((e.c.outcome == str(Outcome.MET), 1), else_=0).label("met"),
        e.c.critical,
    ).where(e.c.outcome != str(Outcome.NOT_APPLICABLE))


def _period(query: Select[Any], since: datetime | None, until: datetime | None) -> Select[Any]:
    if since is not None:
        query = query.where(interactions.c.started_at >= since)
    if until is not None:
        query = query.where(interactions.c.started_at < until)
    return query


def _strings(values: list[Any]) -> Strs:
    return np.array(["" if v is None else str(v) for v in values], dtype=object)


def _floats(values: list[Any]) -> Floats:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _epoch(value: datetime | None) -> float:
    if value is None:
        return np.nan
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _repeats(customer: Any, reason: Any, started: Floats, last: float, no_customer: Bools | None = None) -> Floats:
    """1.0 when the same customer comes back about the same reason within the window.
    `customer` and `reason` are the values or any codes of them (equal where they are);
    `no_customer` marks calls without one (default: an empty customer value)."""
    n = len(started)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    window = REPEAT_WINDOW.total_seconds()
    order = np.lexsort((started, reason, customer))
    c, r, s = customer[order], reason[order], started[order]
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = (c[:-1] == c[1:]) & (r[:-1] == r[1:])
    gap = np.full(n, np.inf)
    gap[:-1] = s[1:] - s[:-1]
    came_back = same_next & (gap <= window)
    # Only calls whose whole window is in the data: counting the ones that already came
    # back among the recent calls would make the last week look full of repeats.
    known = s + window <= last
    value = np.where(came_back, 1.0, 0.0)
    value[~known] = np.nan
    value[(customer == "" if no_customer is None else no_customer)[order]] = np.nan
    out[order] = value
    return out


def load_frame(
    conn: Connection,
    *,
    rubric: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    columnar: Columnar | None = None,
) -> CallFrame:
    """Read every evaluated call of the period (all rubrics, or one) and its outcomes;
    with `columnar` (a fresh snapshot, see `metrics.snapshot`) from there, as columns."""
    if columnar is not None:
        return _load_columnar(columnar, rubric, since, until)
    team = func.coalesce(agents.c.team, interactions.c.team)
    reason = func.coalesce(interactions.c.contact_reason, evaluations.c.reason_label)
    language = func.coalesce(interactions.c.language, insight_language())
    handle = (
        interactions.c.talk_seconds
        + func.coalesce(interactions.c.hold_seconds, 0.0)
        + func.coalesce(interactions.c.acw_seconds, 0.0)
    )
    rating = caller_rating()
    query = (
        select(
            interactions.c.id,
            interactions.c.agent_id,
            team,
            interactions.c.queue,
            reason,
            language,
            interactions.c.channel,
            interactions.c.customer_id,
            interactions.c.started_at,
            handle,
            interactions.c.csat,
            rating,
            frustration_peaks(conn.dialect.name),
            evaluations.c.score,
            agents.c.hire_date,
        )
        .select_from(
            interactions.join(evaluations, evaluations.c.interaction_id == interactions.c.id).outerjoin(
                agents, agents.c.id == interactions.c.agent_id
            )
        )
        .where(interactions.c.started_at.is_not(None))
        .order_by(interactions.c.started_at, interactions.c.id, evaluations.c.rubric)
    )
    if rubric is not None:
        query = query.where(evaluations.c.rubric == rubric)
    rows = conn.execute(_period(query, since, until)).all()
    # An interaction evaluated under two rubrics is one call: keep its first row.
    seen: set[str] = set()
    kept = []
    for r in rows:
        if r[0] not in seen:
            seen.add(r[0])
            kept.append(r)
    cols: list[list[Any]] = [list(c) for c in zip(*kept, strict=True)] if kept else [[] for _ in range(15)]
    ids = _strings(cols[0])
    started = np.array([_epoch(v) for v in cols[8]], dtype=np.float64)
    hire: list[date | None] = cols[14]
    tenure = np.array(
        [
            np.nan if h is None else (s - _epoch(datetime.combine(h, datetime.min.time()))) / 86400
            for h, s in zip(hire, started, strict=True)
        ],
        dtype=np.float64,
    )
    last = conn.execute(select(func.max(interactions.c.started_at))).scalar()
    customer = _strings(cols[7])
    reasons = _strings(cols[4])
    frame_out = _load_outcomes(conn, ids, rubric, since, until)
    return CallFrame(
        ids=ids,
        agent=_strings(cols[1]),
        team=_strings(cols[2]),
        queue=_strings(cols[3]),
        reason=reasons,
        language=_strings(cols[5]),
        channel=_strings(cols[6]),
        started=started,
        handle=_floats(cols[9]),
        csat=_floats(cols[10]),
        rating=_floats(cols[11]),
        repeat=_repeats(customer, reasons, started, _epoch(last)),
        frustration=_floats(cols[12]),
        score=_floats(cols[13]),
        tenure_days=tenure,
        out_call=frame_out[0],
        out_behavior=frame_out[1],
        out_met=frame_out[2],
        critical=frame_out[3],
    )


def _load_outcomes(
    conn: Connection, ids: Strs, rubric: str | None, since: datetime | None, until: datetime | None
) -> tuple[Ints, Strs, Bools, frozenset[str]]:
    sub = behavior_outcomes(rubric).subquery()
    query = (
        select(sub.c.interaction_id, sub.c.behavior_id, sub.c.met, sub.c.critical)
        .select_from(sub.join(interactions, interactions.c.id == sub.c.interaction_id))
        .where(and_(interactions.c.started_at.is_not(None)))
    )
    rows = conn.execute(_period(query, since, until)).all()
    if not rows or len(ids) == 0:
        empty = np.array([], dtype=object)
        return np.array([], dtype=np.int64), empty, np.array([], dtype=bool), frozenset()
    iid, beh, met, crit = zip(*rows, strict=True)
    row_of = {v: i for i, v in enumerate(ids.tolist())}
    call = np.array([row_of.get(i, -1) for i in iid], dtype=np.int64)
    behavior = np.array(beh, dtype=object)
    met_arr = np.array(met, dtype=bool)
    keep = call >= 0
    call, behavior, met_arr = call[keep], behavior[keep], met_arr[keep]
    order = np.lexsort((behavior, call))
    call, behavior, met_arr = call[order], behavior[order], met_arr[order]
    # The same behaviour of one call under two rubrics counts once.
    dup = np.zeros(len(call), dtype=bool)
    dup[1:] = (call[1:] == call[:-1]) & (behavior[1:] == behavior[:-1])
    critical = frozenset(str(b) for b in np.unique(np.array(beh, dtype=object)[np.array(crit, dtype=bool)]))
    return call[~dup], behavior[~dup], met_arr[~dup], critical


# -- the same frame from the columnar snapshot -----------------------------------------------------

_CALLS = """
SELECT * FROM (
  SELECT i.id, coalesce(i.agent_id, '') AS agent, coalesce(a.team, i.team, '') AS team,
    coalesce(i.queue, '') AS queue, coalesce(i.contact_reason, e.reason_label, '') AS reason,
    coalesce(i.language, e.insight_language, '') AS language, coalesce(i.channel, '') AS channel,
    coalesce(i.customer_id, '') AS customer,
    CAST(epoch_us(i.started_at) AS DOUBLE) / 1000000.0 AS started,
    coalesce(i.talk_seconds + coalesce(i.hold_seconds, 0.0) + coalesce(i.acw_seconds, 0.0), 'NaN'::DOUBLE)
      AS handle,
    coalesce(i.csat, 'NaN'::DOUBLE) AS csat,
    coalesce(i.caller_rating, 'NaN'::DOUBLE) AS rating,
    coalesce(CAST(e.frustration_peaks AS DOUBLE), 'NaN'::DOUBLE) AS frustration,
    coalesce(e.score, 'NaN'::DOUBLE) AS score,
    coalesce((CAST(epoch_us(i.started_at) AS DOUBLE) / 1000000.0
              - CAST(epoch_us(CAST(a.hire_date AS TIMESTAMP)) AS DOUBLE) / 1000000.0) / 86400, 'NaN'::DOUBLE)
      AS tenure_days,
    i.started_at AS started_at
  FROM interactions i
    JOIN (SELECT interaction_id, min(rubric) AS rubric FROM evaluations {rubric} GROUP BY interaction_id) first
      ON first.interaction_id = i.id
    JOIN evaluations e ON e.interaction_id = first.interaction_id AND e.rubric = first.rubric
    LEFT JOIN agents a ON a.id = i.agent_id
  WHERE i.started_at IS NOT NULL {where}
)
ORDER BY started_at, id
"""
"""An interaction evaluated under two rubrics is one call: its first rubric's row."""
_STRINGS = ("agent", "team", "queue", "reason", "language", "channel", "customer")
_FLOATS = ("started", "handle", "csat", "rating", "frustration", "score", "tenure_days")


def _naive_utc(value: datetime) -> datetime:
    """As the store's `UTCDateTime` binds it: aware to UTC, naive taken as UTC already."""
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def _dictionary(column: Any) -> tuple[Strs, Ints]:
    """A string column as (distinct values, each row's code into them): Arrow's hash
    encoding makes one Python string per distinct value, not one per call."""
    encoded = column.combine_chunks().dictionary_encode()
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.array([*encoded.dictionary.to_pylist(), ""], dtype=object), codes  # "": an empty frame


def _load_columnar(
    columnar: Columnar, rubric: str | None, since: datetime | None, until: datetime | None
) -> CallFrame:
    """`load_frame` on the snapshot: the same calls, order and definitions, read as columns."""
    con = columnar.con
    where, params = [], []
    for clause, value in (("i.started_at >= ?", since), ("i.started_at < ?", until)):
        if value is not None:
            where.append(clause)
            params.append(_naive_utc(value))
    one_rubric = "WHERE rubric = ?" if rubric is not None else ""
    query = _CALLS.format(rubric=one_rubric, where="".join(f" AND {w}" for w in where))
    table = con.sql(query, params=([rubric] if rubric is not None else []) + params).to_arrow_table()
    ids = np.asarray(table.column("id").to_numpy(zero_copy_only=False), dtype=object)
    strs, coded = {}, {}
    for name in _STRINGS:
        distinct, coded[name] = _dictionary(table.column(name))
        if name != "customer":  # only compared, never shown: its codes will do
            strs[name] = distinct[coded[name]]
        else:
            no_customer = distinct[coded[name]] == "" if len(distinct) else np.zeros(0, dtype=bool)
    floats = {k: np.asarray(table.column(k).to_numpy(zero_copy_only=False), dtype=np.float64) for k in _FLOATS}
    [last] = con.execute("SELECT CAST(epoch_us(max(started_at)) AS DOUBLE) / 1000000.0 FROM interactions").fetchall()
    # Each call's row number, for the outcomes to name their call by.
    import pyarrow as pa

    con.register("frame_rows", pa.table({"id": table.column("id"), "n": pa.array(np.arange(len(ids)))}))
    # Outcomes as the snapshot's copy of `effective_outcomes` has them, numbered by call row.
    sub = behavior_outcomes(rubric).subquery("outcomes")
    sql, oparams = compile_duck(select(sub.c.interaction_id, sub.c.behavior_id, sub.c.met, sub.c.critical))
    con.execute(f"CREATE OR REPLACE TEMP TABLE frame_outcomes AS {sql}", oparams)
    names = [r[0] for r in con.execute("SELECT DISTINCT behavior_id FROM frame_outcomes ORDER BY 1").fetchall()]
    critical = frozenset(
        r[0]
        for r in con.execute(
            "SELECT DISTINCT o.behavior_id FROM frame_outcomes o JOIN interactions i ON i.id = o.interaction_id "
            "WHERE o.critical AND i.started_at IS NOT NULL" + "".join(f" AND {w}" for w in where),
            params,
        ).fetchall()
    )
    o = con.execute(
        "SELECT f.n AS call, b.code AS behavior, CAST(o.met AS BOOLEAN) AS met "
        "FROM frame_outcomes o JOIN frame_rows f ON f.id = o.interaction_id "
        "JOIN (SELECT behavior_id, CAST(row_number() OVER (ORDER BY behavior_id) - 1 AS BIGINT) AS code "
        "      FROM (SELECT DISTINCT behavior_id FROM frame_outcomes)) b ON b.behavior_id = o.behavior_id "
        "ORDER BY f.n, b.code"
    ).fetchnumpy()
    con.unregister("frame_rows")
    con.execute("DROP TABLE IF EXISTS frame_outcomes")
    call = np.asarray(o["call"], dtype=np.int64)
    code = np.asarray(o["behavior"], dtype=np.int64)
    met = np.asarray(o["met"], dtype=bool)
    # The same behaviour of one call under two rubrics counts once.
    dup = np.zeros(len(call), dtype=bool)
    dup[1:] = (call[1:] == call[:-1]) & (code[1:] == code[:-1])
    behavior = np.array(names, dtype=object)[code[~dup]] if len(names) else np.array([], dtype=object)
    started = floats["started"]
    last_t = float(last[0]) if last is not None and last[0] is not None else np.nan
    return CallFrame(
        ids=ids,
        agent=strs["agent"],
        team=strs["team"],
        queue=strs["queue"],
        reason=strs["reason"],
        language=strs["language"],
        channel=strs["channel"],
        started=started,
        handle=floats["handle"],
        csat=floats["csat"],
        rating=floats["rating"],
        repeat=_repeats(coded["customer"], coded["reason"], started, last_t, no_customer),
        frustration=floats["frustration"],
        score=floats["score"],
        tenure_days=floats["tenure_days"],
        out_call=call[~dup],
        out_behavior=behavior,
        out_met=met[~dup],
        critical=critical if len(ids) else frozenset(),
    )
