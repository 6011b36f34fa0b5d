"""KPIs and their inputs as services: what `coachloop metrics`, `report` and `inputs` run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, tuple_

from coachloop.ingest.kpi_inputs import (
    EngagementRow,
    IncentiveWeight,
    IntervalRow,
    read_incentive_plan,
    read_kpi_table,
)
from coachloop.metrics import MetricRow, MetricsQuery, compute_metrics, snapshot
from coachloop.model import Rejected
from coachloop.store import Store
from coachloop.store.tables import agent_states, engagement, incentive_weights, schedules

__all__ = [
    "InputsReport",
    "build_report",
    "coaching_texts",
    "compliance_behaviors",
    "load_kpi_inputs",
    "metric_rows",
]

BATCH = 2000


def metric_rows(store: Store, query: MetricsQuery, *, columnar: bool | None = None) -> list[MetricRow]:
    """The KPI table of `query`, with the compliance behaviours of the store's rubrics.

    `columnar`: None (default) reads the store's columnar snapshot where it can have one,
    refreshing it first (see `metrics.snapshot`), else the store; True requires the
    snapshot; False reads the store only (the SQL path, the reference)."""
    if not query.compliance_behaviors:
        query = replace(query, compliance_behaviors=compliance_behaviors(store))
    if columnar if columnar is not None else snapshot.available(store):
        try:
            with store.connect("cannot compute metrics") as conn, snapshot.open_columnar(store) as facts:
                return compute_metrics(conn, query, columnar=facts)
        except snapshot.SnapshotError:
            if columnar:
                raise
    with store.connect("cannot compute metrics") as conn:
        return compute_metrics(conn, query)


def compliance_behaviors(store: Store) -> frozenset[tuple[str, str]]:
    """(rubric, behavior_id) of every behaviour in a compliance section of the shipped and
    registered rubrics (a registered rubric replaces the shipped one of its name)."""
    from coachloop.rubric.load import load_spec, shipped_rubrics, spec_of
    from coachloop.rubric.yamlsource import load_located

    specs = {name: load_spec(path)[0] for name, path in shipped_rubrics().items()}
    for row in store.list_rubrics():
        specs[row.name] = spec_of(load_located(row.text, row.source))[0]
    return frozenset(
        (spec.name, b.id)
        for spec in specs.values()
        for section in spec.sections
        if section.compliance
        for b in section.behaviors
    )


@dataclass
class InputsReport:
    files: int = 0
    stored: dict[str, int] = field(default_factory=dict)
    """Table -> rows stored (a row with the key of a stored one replaces it)."""
    rejected: int = 0
    errors: list[str] = field(default_factory=list)


def _replace(conn: Connection, table: Table, keys: Sequence[str], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = tuple(table.c[k] for k in keys)
    wanted = {tuple(r[k] for k in keys) for r in rows}
    conn.execute(delete(table).where(tuple_(*columns).in_(list(wanted))))
    unique = {tuple(r[k] for k in keys): r for r in rows}  # the last row of a key wins
    conn.execute(table.insert(), list(unique.values()))


def _store_batch(store: Store, kind: str, batch: list[Any], file: str) -> None:
    with store.begin(f"cannot store {kind.replace('_', ' ')}") as conn:
        if kind == "engagement":
            rows = [
                {
                    "subject_kind": r.subject_kind,
                    "subject": r.subject,
                    "period_start": r.period_start,
                    "period_end": r.period_end,
                    "score": r.score,
                    "responses": r.responses,
                    "source_file": file,
                }
                for r in batch
            ]
            _replace(conn, engagement, ("subject_kind", "subject", "period_start"), rows)
        else:
            table = agent_states if kind == "agent_states" else schedules
            label = "state" if kind == "agent_states" else "activity"
            rows = [
                {"agent_id": r.agent_id, "start": r.start, "end": r.end, label: r.label, "source_file": file}
                for r in batch
            ]
            _replace(conn, table, ("agent_id", "start"), rows)


def load_kpi_inputs(store: Store, paths: Iterable[Path]) -> InputsReport:
    """Store each file's rows (CSV tables by header, `.yaml`/`.yml` files as incentive plans).

    Rejected rows go to the quarantine with their reason, as in `ingest`; the rows around
    them are stored. Loading a file again replaces the rows with the same keys (agent and
    start; subject and period; plan and KPI).
    """
    report = InputsReport()
    for path in paths:
        report.files += 1
        if path.suffix.lower() in (".yaml", ".yml"):
            weights = read_incentive_plan(path)
            _store_plan(store, weights, path.name)
            report.stored["incentive_weights"] = report.stored.get("incentive_weights", 0) + len(weights)
            continue
        kind, rows = read_kpi_table(path)
        batch: list[IntervalRow | EngagementRow] = []
        rejected: list[Rejected] = []
        for row in rows:
            if isinstance(row, Rejected):
                rejected.append(row)
                report.errors.append(row.error.message)
                continue
            batch.append(row)
            if len(batch) >= BATCH:
                _store_batch(store, kind, batch, path.name)
                report.stored[kind] = report.stored.get(kind, 0) + len(batch)
                batch = []
        if batch:
            _store_batch(store, kind, batch, path.name)
            report.stored[kind] = report.stored.get(kind, 0) + len(batch)
        if rejected:
            store.write(rejected, source_format=kind)
            report.rejected += len(rejected)
    return report


def _store_plan(store: Store, weights: list[IncentiveWeight], file: str) -> None:
    with store.begin("cannot store the incentive plan") as conn:
        conn.execute(delete(incentive_weights).where(incentive_weights.c.plan == weights[0].plan))
        conn.execute(
            incentive_weights.insert(),
            [
                {"plan": w.plan, "kpi": w.kpi, "weight": w.weight, "better": w.better, "source_file": file}
                for w in weights
            ],
        )


# -- the report: a view over metrics -------------------------------------------------------------

REPORT_KPIS = (
    "contacts",
    "evaluations",
    "qa_score",
    "compliance_pass_rate",
    "critical_error_rate",
    "aht_seconds",
    "aht_context_ratio",
    "fcr_rate",
    "csat",
)
TREND_KPIS = ("qa_score", "compliance_pass_rate", "aht_seconds", "fcr_rate", "csat")
WEAKEST = 2
"""Behaviours shown beside each agent, with the rubric's coaching text."""
WEAKEST_MIN_N = 5
"""A behaviour applicable fewer times than this is not called an agent's weakest."""


def coaching_texts(rubrics: Sequence[str] = ()) -> dict[str, tuple[str, str]]:
    """behaviour id -> (title, coaching text). The rubrics named (names of shipped rubrics
    or YAML files) come first, in order; then every shipped rubric for ids they lack."""
    from coachloop.rubric.load import load_spec, resolve_rubric_path, shipped_rubrics

    shipped = shipped_rubrics()
    paths = [shipped[r] if r in shipped else resolve_rubric_path(r) for r in rubrics]
    texts: dict[str, tuple[str, str]] = {}
    for path in [*paths, *sorted(shipped.values())]:
        spec, _ = load_spec(path)
        for section in spec.sections:
            for b in section.behaviors:
                texts.setdefault(b.id, (b.title, b.coaching))
    return texts


def shipped_names() -> list[str]:
    from coachloop.rubric.load import shipped_rubrics

    return sorted(shipped_rubrics())


def _value(row: dict[str, Any], kpi: str) -> float | None:
    entry = row.get(kpi)
    return entry.get("value") if isinstance(entry, dict) else None


def _trends(rows: list[dict[str, Any]], key: str | None) -> dict[Any, dict[str, float | None]]:
    """Per subject (agent id, team, or None for the centre): each trend KPI's last week
    minus the week before it, over the weeks that have a value."""
    weeks: dict[Any, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: r["week"] or ""):
        weeks.setdefault(row.get(key) if key else None, []).append(row)
    out: dict[Any, dict[str, float | None]] = {}
    for subject, series in weeks.items():
        trend: dict[str, float | None] = {}
        for kpi in TREND_KPIS:
            values = [v for v in (_value(r, kpi) for r in series) if v is not None]
            trend[kpi] = values[-1] - values[-2] if len(values) >= 2 else None
        out[subject] = trend
    return out


def _weekly_deltas(rows: list[dict[str, Any]], key: str | None) -> None:
    """On rows by week: each trend KPI's change from the subject's previous week with a value."""
    last: dict[Any, dict[str, float]] = {}
    for row in sorted(rows, key=lambda r: r["week"] or ""):
        seen = last.setdefault(row.get(key) if key else None, {})
        trend: dict[str, float | None] = {}
        for kpi in TREND_KPIS:
            v = _value(row, kpi)
            trend[kpi] = v - seen[kpi] if v is not None and kpi in seen else None
            if v is not None:
                seen[kpi] = v
        row["trend"] = trend


def _weakest(row: dict[str, Any], texts: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    rates = row.pop("behavior_pass_rate", {})
    ranked = sorted(
        (
            (est["shrunk"] if est.get("shrunk") is not None else est["value"], behavior, est)
            for behavior, est in rates.items()
            if est["value"] is not None and est["n"] >= WEAKEST_MIN_N
        ),
        key=lambda t: (t[0], t[1]),
    )
    out = []
    for rate, behavior, est in ranked[:WEAKEST]:
        title, coaching = texts.get(behavior, (behavior, None))
        out.append(
            {
                "behavior": behavior,
                "title": title,
                "pass_rate": est["value"],
                "shrunk": rate,
                "n": est["n"],
                "ci": est["ci"],
                "coaching": coaching,
            }
        )
    return out


def build_report(
    store: Store,
    *,
    rubric: str | None = None,
    since: Any = None,
    until: Any = None,
    by_week: bool = False,
    sort: str | None = None,
    rubric_files: Sequence[str] = (),
) -> dict[str, Any]:
    """Agent, team and centre rows of the report's KPIs (by week if asked), each agent with
    its week-over-week trend and weakest behaviours beside the rubric's coaching text.

    `sort` names a KPI: worst first (by the shrunk estimate for agents), empty last.
    """
    from coachloop.metrics import KPIS

    if sort is not None and sort not in KPIS:
        from coachloop.errors import CoachloopError

        raise CoachloopError(f"cannot sort by {sort!r}: not a KPI (see `coachloop metrics --list`)")
    week = ("week",) if by_week else ()
    kpis = (*REPORT_KPIS, "behavior_pass_rate")

    def table(by: tuple[str, ...], with_behaviors: bool = False) -> list[dict[str, Any]]:
        q = MetricsQuery(
            by=by, kpis=kpis if with_behaviors else REPORT_KPIS, since=since, until=until, rubric=rubric
        )
        return [r.as_dict() for r in metric_rows(store, q)]

    agents_rows = [r for r in table(("agent", *week), with_behaviors=True) if r["agent_id"] is not None]
    teams_rows = table(("team", *week))
    centre_rows = table(week)
    if by_week:
        _weekly_deltas(agents_rows, "agent_id")
        _weekly_deltas(teams_rows, "team")
        _weekly_deltas(centre_rows, None)
    else:
        trends = _trends(table(("agent", "week")), "agent_id")
        team_trends = _trends(table(("team", "week")), "team")
        centre_trend = _trends(table(("week",)), None)
        for row in agents_rows:
            row["trend"] = trends.get(row["agent_id"], {})
        for row in teams_rows:
            row["trend"] = team_trends.get(row["team"], {})
        for row in centre_rows:
            row["trend"] = centre_trend.get(None, {})
    # The coaching text of the rubric the evaluations were made with, where it has one.
    known = set(shipped_names()) | set(rubric_files)
    evaluated = [r for r in ([rubric] if rubric else store.evaluated_rubrics()) if r in known]
    texts = coaching_texts([*rubric_files, *evaluated])
    people = {a.id: a for a in store.list_agents()}
    for row in agents_rows:
        agent = people.get(row["agent_id"])
        row["name"] = agent.name if agent else None
        row["team"] = agent.team if agent else None
        row["weakest"] = _weakest(row, texts)
    if sort is not None:
        flip = 1.0 if KPIS[sort].better == "higher" else -1.0

        def order(row: dict[str, Any]) -> tuple[bool, float]:
            est = row.get(sort) or {}
            v = est.get("shrunk", est.get("value"))
            return v is None, (flip * v) if v is not None else 0.0

        agents_rows.sort(key=order)
        teams_rows.sort(key=order)
    return {
        "rubric": rubric,
        "since": since.isoformat() if since is not None else None,
        "until": until.isoformat() if until is not None else None,
        "by": ["agent", *week],
        "agents": agents_rows,
        "teams": teams_rows,
        "centre": centre_rows,
    }
