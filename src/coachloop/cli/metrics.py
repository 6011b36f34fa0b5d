"""`coachloop metrics`, `report` and `inputs`: KPIs with their uncertainty, and what they need."""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from coachloop.cli.common import DbOption, app, open_db, out, print_json, print_rejections
from coachloop.errors import CoachloopError
from coachloop.jobs.metrics import REPORT_KPIS, build_report, load_kpi_inputs, metric_rows
from coachloop.jobs.rubrics import require_evaluated
from coachloop.metrics import GROUPINGS, KPIS, MetricRow, MetricsQuery, parse_groupings

__all__ = ["inputs", "metrics", "report"]


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


TABLE_KPIS = (
    "contacts",
    "aht_seconds",
    "aht_context_ratio",
    "fcr_rate",
    "repeat_rate",
    "transfer_rate",
    "csat",
    "nps",
    "qa_score",
    "compliance_pass_rate",
)
"""What the table shows when no --kpi is given (JSON and CSV carry every KPI)."""

SinceOption = Annotated[
    datetime | None,
    typer.Option("--since", help="From this date or date-time (UTC, inclusive), by contact start."),
]
UntilOption = Annotated[
    datetime | None,
    typer.Option("--until", help="Up to this date or date-time (UTC, exclusive), by contact start."),
]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _kpi_ids(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    ids = tuple(p.strip() for v in values for p in v.split(",") if p.strip())
    for kpi in ids:
        if kpi not in KPIS:
            raise CoachloopError(f"unknown KPI {kpi!r} (see `coachloop metrics --list`)")
    return ids


def _fmt(kpi: str, value: float | None) -> str:
    if value is None:
        return "-"
    unit = KPIS[kpi.partition(".")[0]].unit
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit in ("seconds", "points"):
        return f"{value:.0f}"
    if unit in ("contacts", "evaluations"):
        return f"{value:.0f}"
    return f"{value:.2f}"


def _cell(kpi: str, est: dict[str, Any], interval: bool = True) -> str:
    if est["value"] is None:
        return "-"
    text = _fmt(kpi, est["value"])
    if interval and est.get("ci") is not None:
        text += f" [{_fmt(kpi, est['ci'][0])}-{_fmt(kpi, est['ci'][1])}]"
    if est.get("shrunk") is not None and est["shrunk"] != est["value"]:
        text += f" ~{_fmt(kpi, est['shrunk'])}"
    if est.get("uncertain"):
        text += " ?"
    return text + f" n={est['n']}" if KPIS[kpi.partition(".")[0]].kind != "count" else text


def _flat(row: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """One CSV record: the keys, then per KPI value, n, ci_low, ci_high (shrunk, uncertain)."""
    record: dict[str, Any] = {k: row.get(k) for k in keys}
    for name, entry in row.items():
        if name in keys or not isinstance(entry, dict):
            continue
        members = entry.items() if "n" not in entry else [(None, entry)]
        for member, est in members:
            col = f"{name}.{member}" if member else name
            record[col] = est["value"]
            record[f"{col}_n"] = est["n"]
            record[f"{col}_ci_low"] = est["ci"][0] if est["ci"] else None
            record[f"{col}_ci_high"] = est["ci"][1] if est["ci"] else None
            if "shrunk" in est:
                record[f"{col}_shrunk"] = est["shrunk"]
                record[f"{col}_uncertain"] = est["uncertain"]
    return record


def _write_csv(records: list[dict[str, Any]]) -> None:
    columns: list[str] = []
    for r in records:
        columns.extend(c for c in r if c not in columns)
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)


@app.command()
def metrics(
    by: Annotated[
        str | None,
        typer.Option("--by", help=f"Group by, comma-separated: {', '.join(GROUPINGS)}. Default: one row."),
    ] = None,
    kpi: Annotated[
        list[str] | None,
        typer.Option("--kpi", help="KPI ids (repeatable or comma-separated; see --list). Default: all."),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    repeat_window: Annotated[
        float, typer.Option("--repeat-window", min=0.001, help="Days within which a contact is a repeat.")
    ] = 7.0,
    rubric: Annotated[
        str | None,
        typer.Option("--rubric", "-r", help="Quality KPIs of this rubric only (default: every rubric)."),
    ] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table, csv or json.")] = TableFormat.table,
    list_: Annotated[
        bool, typer.Option("--list", help="List every KPI with its definition and exit.")
    ] = False,
    db: DbOption = None,
) -> None:
    """KPIs per group with n and 95 % intervals; agent rows add an estimate shrunk toward the
    team and flag figures too uncertain to act on.

    JSON rows hold the group keys, then each KPI as {"value", "n", "ci", "shrunk",
    "uncertain"} ("shrunk" and "uncertain" on agent rows); per-behaviour and per-section pass
    rates are objects of their members. In the table, [a-b] is the 95 % interval, ~x the
    shrunk estimate and ? marks a figure too uncertain to act on.
    """
    if list_:
        _list_kpis(fmt)
        return
    query = MetricsQuery(
        by=parse_groupings(by),
        kpis=_kpi_ids(kpi) or (TABLE_KPIS if fmt is TableFormat.table else None),
        since=_utc(since),
        until=_utc(until),
        repeat_window_days=repeat_window,
        rubric=rubric,
    )
    rows = metric_rows(open_db(db), query)
    if fmt is TableFormat.json:
        print_json([r.as_dict() for r in rows])
    elif fmt is TableFormat.csv:
        keys = [GROUPINGS[g] for g in query.by]
        _write_csv([_flat(r.as_dict(), keys) for r in rows])
    else:
        _print_table(rows, query)


def _print_table(rows: list[MetricRow], query: MetricsQuery) -> None:
    keys = [GROUPINGS[g] for g in query.by]
    kpis = [k for k in (rows[0].kpis if rows else [])]
    table = Table(
        caption="[a-b] 95 % interval · ~x shrunk toward the team · ? too uncertain to act on",
        caption_justify="left",
    )
    for k in keys:
        table.add_column(k)
    for k in kpis:
        table.add_column(k, justify="right")
    for row in rows:
        d = row.as_dict()
        cells = [str(d[k]) if d[k] is not None else "(none)" for k in keys]
        for k in kpis:
            family, _, member = k.partition(".")
            est = d[family][member] if member else d[k]
            cells.append(_cell(k, est))
        table.add_row(*cells)
    out.print(table)


def _list_kpis(fmt: TableFormat) -> None:
    entries = [
        {
            "id": k.id,
            "title": k.title,
            "kind": k.kind,
            "unit": k.unit,
            "better": k.better,
            "per": k.family,
            "definition": k.definition,
        }
        for k in KPIS.values()
    ]
    if fmt is TableFormat.json:
        print_json(entries)
        return
    for e in entries:
        out.print(f"[bold]{e['id']}[/] ({e['unit']}): {e['definition']}", highlight=False)


@app.command()
def report(
    rubric: Annotated[
        str | None,
        typer.Option("--rubric", "-r", help="Quality KPIs of this rubric only (default: every rubric)."),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    by: Annotated[str | None, typer.Option("--by", help="`week` for one row per agent and week.")] = None,
    sort: Annotated[
        str | None, typer.Option("--sort", help="A KPI id: worst first (agents by their shrunk estimate).")
    ] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table, csv or json.")] = TableFormat.table,
    db: DbOption = None,
) -> None:
    """Agent scorecards over a period, with team and centre totals, the week-over-week trend
    and each agent's weakest behaviours beside the rubric's coaching text (a view over
    `coachloop metrics`)."""
    if by not in (None, "week"):
        raise CoachloopError(f"--by takes only `week`, got {by!r}")
    store = open_db(db, create=False)
    if rubric is not None:
        require_evaluated(store, rubric)
    if not store.evaluated_rubrics() and store.count_interactions() == 0:
        raise CoachloopError(
            "nothing in the store yet: run `coachloop ingest` and `coachloop evaluate` first"
        )
    data = build_report(
        store, rubric=rubric, since=_utc(since), until=_utc(until), by_week=by == "week", sort=sort
    )
    if fmt is TableFormat.json:
        print_json(data)
        return
    week = ["week"] if by == "week" else []
    if fmt is TableFormat.csv:
        records = []
        for level, key, rows in (
            ("agent", "agent_id", data["agents"]),
            ("team", "team", data["teams"]),
            ("centre", None, data["centre"]),
        ):
            for row in rows:
                keys = (
                    ["agent_id", "name", "team", *week]
                    if level == "agent"
                    else [*(k for k in (key,) if k), *week]
                )
                record = {
                    "level": level,
                    **_flat({k: v for k, v in row.items() if k not in ("trend", "weakest")}, keys),
                }
                for kpi, delta in (row.get("trend") or {}).items():
                    record[f"{kpi}_trend"] = delta
                for n, w in enumerate(row.get("weakest", []), start=1):
                    record[f"weakest_{n}"] = w["behavior"]
                    record[f"weakest_{n}_pass_rate"] = w["pass_rate"]
                    record[f"weakest_{n}_coaching"] = w["coaching"]
                records.append(record)
        _write_csv(records)
        return
    _print_report(data, week)


def _print_report(data: dict[str, Any], week: list[str]) -> None:
    shown = [k for k in REPORT_KPIS if k != "evaluations"]
    for title, key, rows in (
        ("Agents", "agent_id", data["agents"]),
        ("Teams", "team", data["teams"]),
        ("Centre", None, data["centre"]),
    ):
        table = Table(
            title=title,
            title_justify="left",
            caption="~x shrunk toward the team · ? too uncertain to act on · trend: last week minus the one before, points",
            caption_justify="left",
        )
        names = ([key] if key else []) + week
        for n in names:
            table.add_column(n)
        for k in shown:
            table.add_column(k, justify="right")
        table.add_column("trend (QA, FCR)", justify="right")
        for row in rows:
            label = [
                str(row.get(n) if n != "agent_id" else (row.get("name") or row["agent_id"])) for n in names
            ]
            trend = row.get("trend") or {}
            arrows = " ".join(
                "-" if trend.get(k) is None else f"{100 * trend[k]:+.1f}" for k in ("qa_score", "fcr_rate")
            )
            table.add_row(*label, *(_cell(k, row[k], interval=False) for k in shown), arrows)
        out.print(table)
    coached = [r for r in data["agents"] if r.get("weakest")]
    if coached:
        out.print("[bold]Weakest behaviours and what to coach[/]")
    for row in coached:
        who = row.get("name") or row["agent_id"]
        when = f" (week {row['week']})" if "week" in row else ""
        for w in row["weakest"]:
            rate = f"{100 * w['pass_rate']:.0f}% of {w['n']}"
            out.print(
                f"  {who}{when} · {w['behavior']} {rate}: {w['coaching'] or '(no coaching text)'}",
                highlight=False,
            )


@app.command()
def inputs(
    paths: Annotated[
        list[Path], typer.Argument(help="CSV tables (agent states, schedules, engagement) or plan YAML.")
    ],
    db: DbOption = None,
) -> None:
    """Load what some KPIs and signals need: agent states and schedules (adherence,
    occupancy), engagement surveys, incentive plans. The README's Metrics section documents
    each file. Bad rows are rejected with file, line and reason; the rest is stored."""
    report_ = load_kpi_inputs(open_db(db), paths)
    print_rejections(report_.errors)
    stored = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(report_.stored.items())) or "nothing"
    out.print(
        f"{stored} stored from {report_.files} file(s); {report_.rejected} rejected"
        + (" (see `coachloop quarantine list`)" if report_.rejected else ""),
        highlight=False,
    )
