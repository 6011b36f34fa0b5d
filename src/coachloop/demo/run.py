"""`coachloop demo`: generate the demo contact center, ingest and evaluate it, add the
Harper Valley Bank calls when the shared data is present, and say where to look."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import orjson
from rich.console import Console
from rich.progress import Progress

from coachloop import jobs
from coachloop.demo.config import DemoConfig
from coachloop.demo.generate import write_demo
from coachloop.jobs.metrics import load_kpi_inputs
from coachloop.store import Store, open_store

__all__ = ["find_hvb", "run_demo", "write_logins"]


def find_hvb(shared_data: Path | None) -> Path | None:
    """HVB calls from `shared_data`, else from `../shared/data` beside the working directory
    or beside the project checkout; None when there are none (as on a user's fresh clone)."""
    candidates = (
        [shared_data]
        if shared_data is not None
        else [
            Path.cwd().parent / "shared" / "data",
            Path(__file__).resolve().parents[4] / "shared" / "data",
        ]
    )
    for folder in candidates:
        path = folder / "hvb" / "dev.jsonl"
        if path.is_file():
            return path
    return None


@dataclass(frozen=True, slots=True)
class _Coaching:
    summary: str
    supervisor: str | None
    week: str
    as_of: str


def _store_coaching(store: Store, truth_path: Path) -> _Coaching:
    """Store the supervisors' past sessions of the demo and count the agendas of the week
    after the period (the week a supervisor would open coachloop on)."""
    from coachloop.demo.coaching import demo_sessions
    from coachloop.demo.truth import DemoTruth
    from coachloop.jobs.coach_sessions import agenda, followups
    from coachloop.store.coaching import save_sessions

    truth = DemoTruth.from_dict(orjson.loads(truth_path.read_bytes()))
    save_sessions(store, demo_sessions(truth))
    week = truth.start + timedelta(days=7 * truth.weeks)
    supervisors = sorted({t.supervisor for t in truth.teams.values()})
    entries = sum(len(agenda(store, s, week)) for s in supervisors)
    last = week - timedelta(days=1)
    found = followups(store, as_of=datetime.combine(week, time(), tzinfo=UTC))
    return _Coaching(
        f"  stored {len(truth.coaching)} past coaching sessions; the week of {week.isoformat()} has "
        f"{entries} sessions on {len(supervisors)} supervisors' agendas and {len(found)} follow-ups to read",
        supervisors[0] if supervisors else None,
        week.isoformat(),
        last.isoformat(),
    )


def run_demo(
    directory: Path,
    *,
    seed: int,
    shared_data: Path | None,
    db: str | None,
    console: Console,
    progress: Callable[[], Progress],
) -> str:
    """Build the demo and return its store URL."""
    directory.mkdir(parents=True, exist_ok=True)
    url = db or f"sqlite:///{(directory / 'coachloop.db').resolve()}"
    console.print(f"Generating the demo contact center (seed {seed}) in {directory}/ ...", highlight=False)
    files = write_demo(DemoConfig(seed=seed), directory)
    store = open_store(url)
    hvb = find_hvb(shared_data)
    inputs: list[tuple[str, Path]] = [("csv", files.agents), ("native", files.interactions)]
    if hvb is not None:
        inputs.append(("hvb", hvb))
    with progress() as bar:
        task = bar.add_task("ingesting", total=None)
        reports = [
            (fmt, path, jobs.ingest_paths(store, [path], fmt, progress=lambda n: bar.advance(task, n)))
            for fmt, path in inputs
        ]
    for fmt, path, report in reports:
        console.print(
            f"  ingested {path} ({fmt}): {report.interactions} interactions, {report.agents} agents, "
            f"{report.rejected} rejected",
            highlight=False,
        )
    loaded = load_kpi_inputs(store, files.kpi_inputs)
    console.print(
        "  loaded the schedules, agent states, engagement surveys and incentive plan: "
        + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(loaded.stored.items())),
        highlight=False,
    )
    if hvb is None:
        console.print(
            "  (no ../shared/data/hvb/dev.jsonl here: the Harper Valley Bank calls are skipped)",
            highlight=False,
        )
    with progress() as bar:
        task = bar.add_task("evaluating", total=None)
        result = jobs.evaluate_store(
            store,
            jobs.default_rubrics(),
            insights=True,
            progress=lambda n: bar.advance(task, n),
            on_total=lambda n: bar.update(task, total=n),
        )
    per = ", ".join(f"{k}: {v}" for k, v in sorted(result.by_rubric.items())) or "nothing new"
    console.print(
        f"  evaluated {result.evaluated} interactions ({per}), with each conversation's language mix "
        f"and customer sentiment; {result.auto_failed} auto-failed",
        highlight=False,
    )
    coaching = _store_coaching(store, files.truth)
    console.print(coaching.summary, highlight=False)
    example = next(iter(store.iter_evaluations("general")), None)
    db_arg = f"--db {url}"
    console.print()
    console.print("[bold]Where to look next[/]")
    console.print(f"  .venv/bin/coachloop report {db_arg}", highlight=False)
    console.print(f"  .venv/bin/coachloop metrics --by team,week {db_arg}", highlight=False)
    console.print(f"  .venv/bin/coachloop signals --limit 10 {db_arg}", highlight=False)
    if example is not None:
        console.print(f"  .venv/bin/coachloop show {example.interaction_id} {db_arg}", highlight=False)
    console.print(
        f"  .venv/bin/coachloop export evaluations {db_arg} -o {directory}/evaluations.jsonl", highlight=False
    )
    console.print(
        f"  .venv/bin/coachloop reasons train --data {files.interactions} --name demo-reasons {db_arg}",
        highlight=False,
    )
    console.print(
        f"  .venv/bin/coachloop evaluate --all --reasons demo-reasons {db_arg}   "
        "# attach a predicted contact reason with its confidence",
        highlight=False,
    )
    if coaching.supervisor is not None:
        console.print(
            f"  .venv/bin/coachloop coach agenda '{coaching.supervisor}' --week {coaching.week} {db_arg}",
            highlight=False,
        )
        console.print(
            f"  .venv/bin/coachloop coach followup --as-of {coaching.as_of} {db_arg}", highlight=False
        )
        console.print(
            f"  .venv/bin/coachloop coach coaches --as-of {coaching.as_of} {db_arg}", highlight=False
        )
    console.print(f"  ground truth of the generated world: {files.truth}", highlight=False)
    write_logins(store, directory, console)
    store.close()
    return url


def write_logins(store: Store, directory: Path, console: Console) -> Path:
    """One user per role with a new password, printed once and written to `logins.txt`."""
    from coachloop.jobs.users import demo_logins

    logins = demo_logins(store)
    path = directory / "logins.txt"
    lines = [f"{login.role:<11} {login.name!r:<24} {login.password}" for login in logins]
    path.write_text(
        "# role      user                     password (new each run)\n" + "\n".join(lines) + "\n"
    )
    path.chmod(0o600)
    console.print()
    console.print("[bold]Sign-ins for the dashboard[/] (also in " + str(path) + ")", highlight=False)
    for line in lines:
        console.print(f"  {line}", highlight=False, markup=False)
    return path
