"""Browsing stored conversations and evaluations page by page, within a user's scope:
what the web API's list and detail routes call.

Pages are keyset-paginated: each returns `next_cursor`, an opaque string naming the last
row, and the next page starts after it (stable under inserts, constant cost per page).
Conversations come newest first (`started_at` desc, then id desc; undated ones last).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from coachloop.errors import CoachloopError
from coachloop.ingest.native import to_native
from coachloop.jobs.access import Scope
from coachloop.jobs.evaluations import parse_when
from coachloop.jobs.metrics import metric_rows
from coachloop.metrics import MetricsQuery
from coachloop.model import Outcome
from coachloop.store import Store
from coachloop.store.codec import evaluation_to_dict
from coachloop.store.reviews import effective_outcomes
from coachloop.store.search import transcript_filter, transcript_match
from coachloop.store.tables import evaluations, interactions

__all__ = [
    "ConversationFilter",
    "EvaluationQuery",
    "Page",
    "conversation",
    "decode_cursor",
    "encode_cursor",
    "evaluation_page",
    "interaction_page",
    "visible_metric_rows",
]

MAX_LIMIT = 500


class BadCursor(CoachloopError):
    pass


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        raise BadCursor(f"cursor {cursor!r} is not one this API gave") from None
    if not isinstance(values, list) or len(values) != size:
        raise BadCursor(f"cursor {cursor!r} is not one this API gave")
    return values


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class ConversationFilter:
    agent: str | None = None
    team: str | None = None
    queue: str | None = None
    channel: str | None = None
    reason: str | None = None
    language: str | None = None
    since: str | None = None
    until: str | None = None
    q: str | None = None
    """Words that must all appear in one conversation's transcript, as whole words
    (case-insensitive; see `coachloop.store.search`)."""

    def conditions(
        self,
        conn: Connection,
        started_at: Any = interactions.c.started_at,
        *,
        page: int | None = None,
        within: int | None = None,
    ) -> list[ColumnElement[bool]]:
        """The filters as conditions on `interactions` (text search reads `conn`'s index);
        the time window on `started_at` (a copy of the interaction's start may stand in).
        `page` and `within` tell the text search the query's shape
        (`coachloop.store.search.transcript_match`)."""
        found = self.header_conditions(started_at)
        matching = transcript_filter(conn, self.q, page=page, within=within)
        if matching is not None:
            found.append(matching)
        return found

    def header_conditions(self, started_at: Any = interactions.c.started_at) -> list[ColumnElement[bool]]:
        """The filters but the text search."""
        i = interactions
        found: list[ColumnElement[bool]] = []
        for column, value in (
            (i.c.agent_id, self.agent),
            (i.c.team, self.team),
            (i.c.queue, self.queue),
            (i.c.channel, self.channel),
            (i.c.contact_reason, self.reason),
            (i.c.language, self.language),
        ):
            if value is not None:
                found.append(column == value)
        start = parse_when(self.since) if self.since else None
        stop = parse_when(self.until, end=True) if self.until else None
        if start is not None and stop is not None and stop <= start:
            raise CoachloopError("until is not after since: nothing can match")
        if start is not None:
            found.append(started_at >= start)
        if stop is not None:
            found.append(started_at < stop)
        return found


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise CoachloopError(f"limit must be between 1 and {MAX_LIMIT}")
    return limit


def _after_started(
    cursor: str | None, started_at: Any = interactions.c.started_at, key: Any = interactions.c.id
) -> ColumnElement[bool] | None:
    """Rows after the cursor's (started_at, id) in (started_at desc nulls last, id desc) order."""
    if cursor is None:
        return None
    when, last_id = decode_cursor(cursor, 2)
    if not isinstance(last_id, str) or not (when is None or isinstance(when, str)):
        raise BadCursor(f"cursor {cursor!r} is not one this API gave")
    if when is None:
        return and_(started_at.is_(None), key < last_id)
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        raise BadCursor(f"cursor {cursor!r} is not one this API gave") from None
    return or_(started_at < moment, and_(started_at == moment, key < last_id), started_at.is_(None))


@contextmanager
def _page_reading(store: Store, action: str) -> Iterator[Connection]:
    """A read connection for one page of a list. On PostgreSQL without parallel workers:
    a page stops after `limit` rows, and starting workers for it cost more than the
    page (tens of ms on a busy machine)."""
    with store.reading(action) as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
        yield conn


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


HEADER_COLUMNS = (
    "id",
    "channel",
    "agent_id",
    "team",
    "queue",
    "started_at",
    "ended_at",
    "language",
    "contact_reason",
    "csat",
    "utterance_count",
    "disposition",
    "transferred",
    "escalated",
)


def interaction_page(
    store: Store, scope: Scope, filters: ConversationFilter, *, limit: int = 50, cursor: str | None = None
) -> Page:
    """One page of the conversations the scope sees, newest first."""
    i = interactions
    order = (i.c.started_at.desc().nulls_last(), i.c.id.desc())
    with _page_reading(store, "cannot list conversations") as conn:
        # The page's ids first, from an index on (agent or team, started_at, id) when the
        # filters allow; then their headers: rows are read for 51 ids, not for every candidate.
        agent = filters.agent or _only(scope.agent_ids)
        within = _walked(conn, agent, None if agent else filters.team) if filters.q else None
        found = transcript_match(conn, filters.q, page=_limit(limit) + 1, within=within)
        conditions = filters.header_conditions()
        visible = scope.interaction_filter()
        if found is not None:
            conditions.append(found.condition)
            if found.plan == "probe" and agent is None and filters.team is None and conn.dialect.name == "sqlite":
                # A supervisor's agents: SQLite would read each agent's index until it has
                # a page from each (a probe per row); walking every conversation in
                # `ix_interactions_started_agent` checks the agent from the index and
                # probes only their rows. `x || ''` keeps it off the per-agent index.
                visible = scope.agent_filter(cast(Any, i.c.agent_id.concat("")))
        ids = select(i.c.id).where(visible, *conditions).order_by(*order)
        after = _after_started(cursor)
        if after is not None:
            ids = ids.where(after)
        query = (
            select(*(i.c[name] for name in HEADER_COLUMNS))
            .where(i.c.id.in_(ids.limit(_limit(limit) + 1).scalar_subquery()))
            .order_by(*order)
        )
        rows = [dict(r) for r in conn.execute(query).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    for r in rows:
        r["started_at"], r["ended_at"] = _iso(r["started_at"]), _iso(r["ended_at"])
    last = rows[-1] if rows else None
    next_cursor = encode_cursor([last["started_at"], last["id"]]) if more and last else None
    return Page(rows, next_cursor)


def conversation(store: Store, scope: Scope, interaction_id: str) -> dict[str, Any] | None:
    """One conversation with its utterances and every evaluation of it, each behaviour
    with its evidence, the machine's outcome and the outcome in force (overrides win);
    None when it does not exist or is outside the scope."""
    if not scope.allows_interaction(store, interaction_id):
        return None
    found = store.get_interaction(interaction_id)
    if found is None:
        return None
    record = to_native(found)
    evals = store.get_evaluations(interaction_id)
    reviews = store.reviews_of(interaction_id)
    in_force: dict[tuple[str, str], Any] = {}
    for r in reviews:
        if r.kind.value == "override" and not r.stale:
            in_force[(r.rubric, r.behavior_id)] = r
    out = []
    for ev in evals:
        data = evaluation_to_dict(ev)
        for b in data.get("behaviors", []):
            review = in_force.get((ev.rubric, b["id"]))
            b["machine_outcome"] = b["outcome"]
            if review is not None and review.outcome is not None:
                b["outcome"] = review.outcome.value
                b["review"] = {
                    "outcome": review.outcome.value,
                    "by": review.reviewer,
                    "at": review.created_at.isoformat(),
                    "note": review.note,
                }
        out.append(data)
    record["evaluations"] = out
    record["disputes"] = [
        {
            "rubric": r.rubric,
            "behavior_id": r.behavior_id,
            "by": r.reviewer,
            "note": r.note,
            "at": r.created_at.isoformat(),
        }
        for r in reviews
        if r.kind.value == "dispute"
    ]
    return record


@dataclass(frozen=True, slots=True)
class EvaluationQuery:
    rubric: str | None = None
    behavior: str | None = None
    outcome: str | None = None
    auto_failed: bool | None = None
    conversations: ConversationFilter = field(default_factory=ConversationFilter)


def evaluation_page(
    store: Store, scope: Scope, query: EvaluationQuery, *, limit: int = 50, cursor: str | None = None
) -> Page:
    """One page of evaluations (newest conversation first) the scope sees; with
    `behavior` (and `outcome`), the outcome in force of that behaviour is on each row.

    Rows are ordered by the evaluation's own copy of its conversation's start
    (`evaluations.started_at`), so the page reads an index of `evaluations` in order
    (whole table, auto-failed or not, one rubric) and stops after `limit` rows, or an
    index of `interactions` (one agent, one team) when the filters name one."""
    e, i = evaluations, interactions
    columns: list[Any] = [
        e.c.interaction_id,
        e.c.rubric,
        e.c.rubric_version,
        e.c.score,
        e.c.compliance_passed,
        e.c.auto_failed,
        i.c.agent_id,
        i.c.team,
        i.c.queue,
        i.c.channel,
        e.c.started_at,
    ]
    source: Any = e.join(i, i.c.id == e.c.interaction_id)
    if query.outcome is not None:
        try:
            outcome = Outcome(query.outcome)
        except ValueError:
            raise CoachloopError(
                f"unknown outcome {query.outcome!r}: give one of {', '.join(o.value for o in Outcome)}"
            ) from None
    else:
        outcome = None
    conditions: list[ColumnElement[bool]] = []
    if query.behavior is not None:
        eff = effective_outcomes().subquery("eff")
        source = source.join(
            eff,
            and_(
                eff.c.interaction_id == e.c.interaction_id,
                eff.c.rubric == e.c.rubric,
                eff.c.behavior_id == query.behavior,
            ),
        )
        columns.append(eff.c.outcome.label("behavior_outcome"))
        if outcome is not None:
            conditions.append(eff.c.outcome == outcome.value)
    elif outcome is not None:
        anyeff = effective_outcomes().subquery("anyeff")
        # Checked row by row as the page's index is read (OFFSET 0 keeps PostgreSQL from
        # turning it into a join over every outcome: it cannot estimate the outcome in
        # force, a COALESCE, and guessed 0.5 % where "missed" is one outcome in ten).
        conditions.append(
            select(anyeff.c.behavior_id)
            .where(
                anyeff.c.interaction_id == e.c.interaction_id,
                anyeff.c.rubric == e.c.rubric,
                anyeff.c.outcome == outcome.value,
            )
            .offset(0)
            .exists()
        )
    if query.rubric is not None:
        conditions.append(e.c.rubric == query.rubric)
    if query.auto_failed is not None:
        conditions.append(e.c.auto_failed.is_(query.auto_failed))
    if cursor is not None:
        conditions.append(_after_evaluation(cursor))
    agent_ids = scope.agent_ids
    if query.conversations.agent is not None or (agent_ids is not None and len(agent_ids) <= 1):
        driver = _BY_AGENT
    elif query.auto_failed is True:
        driver = "ix_evaluations_failed_started"
    elif query.conversations.team is not None:
        driver = _BY_TEAM
    elif query.rubric is not None:
        driver = "ix_evaluations_rubric_started"
    elif query.auto_failed is False:
        driver = "ix_evaluations_failed_started"
    else:
        driver = "ix_evaluations_started"
    with _page_reading(store, "cannot list evaluations") as conn:
        within = None
        if query.conversations.q and driver in (_BY_AGENT, _BY_TEAM):
            agent = query.conversations.agent or _only(agent_ids)
            within = _walked(conn, agent, None if agent else query.conversations.team)
        matching = transcript_match(conn, query.conversations.q, page=_limit(limit) + 1, within=within)
        if matching is not None:
            conditions.append(matching.condition)
        if driver in (_BY_AGENT, _BY_TEAM):
            # One agent's or team's conversations, newest first from their index on
            # `interactions`; `i.started_at` is `e.started_at` (kept so by triggers).
            order = (i.c.started_at.desc().nulls_last(), i.c.id.desc(), e.c.rubric.desc())
            started_at = i.c.started_at
        else:
            order = (e.c.started_at.desc().nulls_last(), e.c.interaction_id.desc(), e.c.rubric.desc())
            started_at = e.c.started_at
        header = query.conversations.header_conditions(started_at)
        visible = scope.interaction_filter()
        if conn.dialect.name == "sqlite" and driver.startswith("ix_") and (matching is None or not matching.few):
            # SQLite keeps no histogram (no STAT4): it takes `auto_failed IS 1` for half the
            # table and a supervisor's agents or a team for a few rows, and would start from
            # `interactions` and sort thousands of rows where walking the evaluations'
            # newest-first index stops after a page. `x || ''` keeps it from driving the
            # query from an index on `interactions` (PostgreSQL's statistics know better).
            team = query.conversations.team
            header = replace(query.conversations, team=None).header_conditions(started_at)
            if team is not None:
                header.append(i.c.team.concat("") == team)
            visible = scope.agent_filter(cast(Any, i.c.agent_id.concat("")))
        conditions += [visible, *header]
        stmt = select(*columns).select_from(source).where(*conditions).order_by(*order).limit(_limit(limit) + 1)
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    for r in rows:
        r["started_at"] = _iso(r["started_at"])
    last = rows[-1] if rows else None
    next_cursor = (
        encode_cursor([last["started_at"], last["interaction_id"], last["rubric"]]) if more and last else None
    )
    return Page(rows, next_cursor)


_BY_AGENT = "agent"
_BY_TEAM = "team"
_WALK_CAP = 100_000


def _only(agent_ids: frozenset[str] | None) -> str | None:
    """The one agent a scope sees, if it sees exactly one."""
    return next(iter(agent_ids)) if agent_ids is not None and len(agent_ids) == 1 else None


def _walked(conn: Connection, agent: str | None, team: str | None) -> int | None:
    """How many conversations the page's order index holds when one agent's or one team's
    index drives it (counted from that index, up to `_WALK_CAP`); None otherwise."""
    i = interactions
    if agent is not None:
        narrowed = i.c.agent_id == agent
    elif team is not None:
        narrowed = i.c.team == team
    else:
        return None
    rows = select(i.c.id).where(narrowed).limit(_WALK_CAP).subquery()
    return int(conn.execute(select(func.count()).select_from(rows)).scalar_one())


def _after_evaluation(cursor: str) -> ColumnElement[bool]:
    """An evaluation cursor is (started_at, interaction id, rubric): the next rows are the
    later conversations and this conversation's evaluations under a smaller rubric name."""
    when, last_id, rubric = decode_cursor(cursor, 3)
    if not isinstance(rubric, str) or not isinstance(last_id, str):
        raise BadCursor(f"cursor {cursor!r} is not one this API gave")
    e = evaluations
    after = _after_started(encode_cursor([when, last_id]), e.c.started_at, e.c.interaction_id)
    assert after is not None
    return or_(after, and_(e.c.interaction_id == last_id, e.c.rubric < rubric))


def visible_metric_rows(store: Store, scope: Scope, query: MetricsQuery) -> list[dict[str, Any]]:
    """`jobs.metrics.metric_rows` as the scope sees it: an agent or supervisor gets rows per
    agent (their own agents' only), never figures that mix in other agents."""
    if scope.everything:
        return [r.as_dict() for r in metric_rows(store, query)]
    by = ("agent", *(g for g in query.by if g != "agent"))
    rows = metric_rows(store, replace(query, by=by))
    allowed = scope.agent_ids or frozenset()
    return [r.as_dict() for r in rows if r.keys.get("agent_id") in allowed]
