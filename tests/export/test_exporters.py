"""Exporters found by name: what they write, and that the interaction export reads back."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from coachloop.errors import ExportError
from coachloop.ingest.native import read_native
from coachloop.jobs.export import (
    evaluation_formats,
    export_evaluations,
    export_interactions,
    interaction_formats,
)
from coachloop.model import Interaction, Outcome, Survey
from coachloop.store import Store
from tests.store.store_builders import evaluation, interaction, result


def test_the_documented_formats_are_registered() -> None:
    assert {"jsonl", "csv"} <= set(evaluation_formats())
    assert "jsonl" in interaction_formats()


def test_an_unknown_format_names_the_known_ones(store: Store) -> None:
    with pytest.raises(ExportError, match=r"unknown evaluation export format 'xml' \(known: csv, jsonl"):
        export_evaluations(store, io.StringIO(), "xml")
    with pytest.raises(ExportError, match="unknown interaction export format 'csv'"):
        export_interactions(store, io.StringIO(), "csv")


def test_exported_interactions_read_back_as_the_stored_ones(store: Store, tmp_path: Path) -> None:
    rich = interaction(
        "c-1",
        agent_id="a-7",
        queue="cards",
        started_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        contact_reason="lost card",
        survey=Survey(csat=4, comment="quick"),
        metadata={"site": "leeds"},
    )
    store.write([rich, interaction("c-2", count=1)], source_format="native")
    out = io.StringIO()
    assert export_interactions(store, out) == 2
    path = tmp_path / "export.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    read = list(read_native(path))
    assert all(isinstance(item, Interaction) for item in read)
    assert read == [store.get_interaction("c-1"), store.get_interaction("c-2")]


def test_jsonl_evaluations_are_one_export_record_per_line(store: Store) -> None:
    store.write([interaction("c-1")], source_format="native")
    store.save_evaluations([evaluation("c-1", results=[result("greet", Outcome.MET)])])
    out = io.StringIO()
    assert export_evaluations(store, out, "jsonl") == 1
    (line,) = out.getvalue().splitlines()
    record = orjson.loads(line)
    assert record["interaction_id"] == "c-1" and record["behaviors"][0]["id"] == "greet"


def test_csv_evaluations_have_a_column_per_behaviour_across_all_rows(store: Store) -> None:
    store.write([interaction("c-1"), interaction("c-2")], source_format="native")
    store.save_evaluations(
        [
            evaluation("c-1", results=[result("greet", Outcome.MET)]),
            evaluation("c-2", results=[result("close", Outcome.MISSED)]),
        ]
    )
    out = io.StringIO()
    assert export_evaluations(store, out, "csv") == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["interaction_id"], r["greet"], r["close"]) for r in rows] == [
        ("c-1", "met", ""),
        ("c-2", "", "missed"),
    ]
