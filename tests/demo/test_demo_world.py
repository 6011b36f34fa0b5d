"""The demo's shape: sizes, calendar, channels, languages, files, determinism and speed."""

from __future__ import annotations

import csv
import hashlib
import itertools
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import orjson
import pytest

import coachloop.ingest  # noqa: F401  (registers the readers)
from coachloop.demo import DemoConfig, DemoTruth, generate, write_demo
from coachloop.demo.world import QUEUES
from coachloop.ingest.native import to_native
from coachloop.ingest.records import readers
from coachloop.model import Channel, Interaction, Rejected

from .conftest import Demo

SMALL = DemoConfig(seed=11, agents=8, teams=2, weeks=3, calls_per_agent_week=10)


def _digest(directory: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((directory / name).read_bytes()).hexdigest()
        for name in ("agents.csv", "interactions.jsonl", "truth.json")
    }


def test_same_seed_writes_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    first = write_demo(SMALL, tmp_path / "a")
    second = write_demo(SMALL, tmp_path / "b")
    other = write_demo(
        DemoConfig(seed=12, agents=8, teams=2, weeks=3, calls_per_agent_week=10), tmp_path / "c"
    )
    assert first.interaction_count == second.interaction_count == 8 * 3 * 10
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["interactions.jsonl"] != _digest(tmp_path / "c")["interactions.jsonl"]
    assert other.interaction_count == first.interaction_count


def _jsonl_digest(interactions: Iterable[Interaction]) -> str:
    digest = hashlib.sha256()
    for interaction in interactions:
        digest.update(orjson.dumps(to_native(interaction), option=orjson.OPT_APPEND_NEWLINE))
    return digest.hexdigest()


def test_default_demo_is_deterministic(demo: Demo) -> None:
    _, stream, truth = generate(DemoConfig())
    assert _jsonl_digest(stream) == _jsonl_digest(demo.interactions)
    assert truth.to_dict() == demo.truth.to_dict()


def test_output_does_not_depend_on_the_process_hash_seed(tmp_path: Path) -> None:
    """Sets of strings iterate differently per process; none may leak into the output."""
    script = (
        "import sys; from pathlib import Path; from coachloop.demo import DemoConfig, write_demo; "
        "write_demo(DemoConfig(seed=11, agents=8, teams=2, weeks=3, calls_per_agent_week=10), Path(sys.argv[1]))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(sys.path)}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / seed)], check=True, env=env)
    assert _digest(tmp_path / "1") == _digest(tmp_path / "2")


def test_the_default_demo_streams_every_call() -> None:
    # How fast it is generated is a benchmark's business, not a test's.
    _, stream, _ = generate(DemoConfig())
    assert sum(1 for _ in stream) == 3840


def test_staff_teams_and_supervisors(demo: Demo) -> None:
    agents = demo.agents
    assert len(agents) == 40
    assert len({a.id for a in agents}) == 40
    assert len({a.team for a in agents}) == 4
    supervisors = {a.supervisor for a in agents}
    assert len(supervisors) == 4
    assert not supervisors & {a.name for a in agents}, "supervisors do not take calls"
    by_team = Counter(a.team for a in agents)
    assert set(by_team.values()) == {10}
    assert all(len({a.supervisor for a in agents if a.team == t}) == 1 for t in by_team)
    new_hires = [a for a in agents if a.hire_date and a.hire_date > demo.config.start - timedelta(days=60)]
    assert len(new_hires) == 2
    assert {demo.truth.agents[a.id].archetype for a in new_hires} == {"new_hire"}


def test_calendar_volume_and_routing(demo: Demo) -> None:
    calls = demo.interactions
    cfg = demo.config
    assert len(calls) == cfg.agents * cfg.weeks * cfg.calls_per_agent_week == 3840
    per_agent_week = Counter((c.agent_id, demo.truth.calls[c.id].week) for c in calls)
    assert set(per_agent_week.values()) == {12}
    assert {demo.truth.calls[c.id].week for c in calls} == set(range(1, 9))
    for c in calls:
        assert c.started_at is not None and c.ended_at is not None
        assert c.started_at.weekday() <= 5, "Monday to Saturday"
        assert c.started_at.hour >= 7 and c.ended_at <= datetime.combine(c.started_at.date(), time(22))
        assert c.metadata["shift_hour"] == c.started_at.hour
        assert cfg.start <= c.started_at.date() < cfg.start + timedelta(weeks=8)
    starts = [c.started_at for c in calls if c.started_at is not None]
    assert starts == sorted(starts) and len(starts) == len(calls)
    hours = Counter(s.hour for s in starts)
    assert hours[10] > 2 * hours[21] and hours[11] > hours[7], "busier mid-morning than at the edges"
    weekdays = Counter(s.weekday() for s in starts)
    assert weekdays[0] > weekdays[5], "Monday busier than Saturday"
    assert {c.queue for c in calls} == set(QUEUES)
    assert len({c.contact_reason for c in calls}) >= 12
    assert {c.metadata["product"] for c in calls} == {
        "credit card",
        "debit card",
        "mortgage",
        "personal loan",
        "savings",
        "app",
    }


def test_channels_and_languages_shares(demo: Demo) -> None:
    calls = demo.interactions
    channels = Counter(c.channel for c in calls)
    assert set(channels) == {Channel.VOICE, Channel.CHAT}
    assert 0.11 <= channels[Channel.CHAT] / len(calls) <= 0.19
    languages = Counter(c.language for c in calls)
    assert set(languages) == {"en", "hi-en"}
    assert abs(languages["hi-en"] / len(calls) - demo.config.hinglish_share) <= 0.03
    hindi_agents = {a for a, t in demo.truth.agents.items() if t.hindi}
    assert {c.agent_id for c in calls if c.language == "hi-en"} <= hindi_agents


def test_an_agents_calls_never_overlap(demo: Demo) -> None:
    by_agent: dict[str, list[tuple[datetime, datetime]]] = {}
    for c in demo.interactions:
        assert c.agent_id is not None and c.started_at and c.ended_at and c.acw_seconds is not None
        by_agent.setdefault(c.agent_id, []).append(
            (c.started_at, c.ended_at + timedelta(seconds=c.acw_seconds))
        )
    for calls in by_agent.values():
        for (_, free_at), (next_start, _) in itertools.pairwise(calls):
            assert free_at <= next_start


def test_write_demo_files_mirror_the_native_format(tmp_path: Path) -> None:
    files = write_demo(SMALL, tmp_path)
    with files.agents.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["agent_id", "name", "team", "supervisor", "hire_date"]
    assert len(rows) == 8 and all(date.fromisoformat(r["hire_date"]) < SMALL.start for r in rows)
    lines = files.interactions.read_bytes().splitlines()
    assert len(lines) == files.interaction_count == 240
    record = orjson.loads(lines[0])
    assert record == to_native(next(iter(generate(SMALL)[1])))
    assert {"product", "shift_hour"} <= set(record["metadata"])
    surveyed = [orjson.loads(line).get("survey") for line in lines]
    assert any(s is not None and set(s) >= {"csat", "nps", "ces"} for s in surveyed)
    truth = DemoTruth.from_dict(orjson.loads(files.truth.read_bytes()))
    _, _, expected = generate(SMALL)
    assert truth.kpi_inputs["late_starters"]  # what the KPI input files planted is recorded too
    assert truth == replace(expected, kpi_inputs=truth.kpi_inputs)
    assert set(truth.calls) == {orjson.loads(line)["id"] for line in lines}


def test_config_rejects_a_start_that_is_not_a_monday() -> None:
    with pytest.raises(ValueError, match="Monday"):
        DemoConfig(start=date(2026, 9, 8))
    with pytest.raises(ValueError, match="teams"):
        DemoConfig(agents=2, teams=3)


@pytest.mark.parametrize(
    "config",
    [
        DemoConfig(
            agents=1, teams=1, weeks=1, calls_per_agent_week=3, hinglish_share=0.0, incident_week=None
        ),
        DemoConfig(agents=3, teams=2, weeks=2, hinglish_share=1.0, chat_share=1.0),
        DemoConfig(agents=5, teams=5, weeks=5, calls_per_agent_week=80, paraphrase_share=1.0),
    ],
    ids=["one-agent", "all-hinglish-chat", "busy-agents"],
)
def test_unusual_configs_keep_counts_and_never_overlap_an_agent(config: DemoConfig) -> None:
    agents, stream, truth = generate(config)
    calls = list(stream)
    assert len(agents) == config.agents
    assert len(calls) == config.agents * config.weeks * config.calls_per_agent_week == len(truth.calls)
    assert abs(sum(c.language == "hi-en" for c in calls) / len(calls) - config.hinglish_share) <= 0.05
    assert all(c.channel == Channel.CHAT for c in calls) == (config.chat_share == 1.0)
    assert len(truth.incidents) == (1 if config.incident_week and config.incident_week <= config.weeks else 0)
    free_at: dict[str | None, datetime] = {}
    for c in calls:
        assert c.started_at and c.ended_at and c.acw_seconds is not None
        assert free_at.get(c.agent_id, c.started_at) <= c.started_at
        free_at[c.agent_id] = c.ended_at + timedelta(seconds=c.acw_seconds)


def test_the_written_files_ingest_back_unchanged(tmp_path: Path) -> None:
    """The project's own readers take the demo files as they are: nothing rejected, nothing lost."""
    files = write_demo(SMALL, tmp_path)
    agents, stream, _ = generate(SMALL)
    read_agents = list(readers.get("csv")(files.agents))
    read_calls = list(readers.get("native")(files.interactions))
    assert not [r for r in read_agents + read_calls if isinstance(r, Rejected)]
    assert read_agents == agents
    assert read_calls == list(stream)
