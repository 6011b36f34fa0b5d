"""Golden files: the export record (JSONL and CSV) and `show`, byte for byte.

They protect interfaces other tools parse. When a change to them is intended (a new
field in the export record, a new line in `show`), regenerate the files and review the
diff like code:

    make golden        # or: COACHLOOP_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from coachloop.jobs.export import export_evaluations, export_interactions
from coachloop.model import (
    BehaviorResult,
    ContactReason,
    Evidence,
    ExpectedWindow,
    Interaction,
    Outcome,
    Speaker,
    Survey,
    Utterance,
)
from coachloop.render import render_evaluation
from coachloop.store import Store, open_store
from tests.store.store_builders import evaluation

GOLDEN = Path(__file__).parent / "files"
UPDATE = os.environ.get("COACHLOOP_UPDATE_GOLDEN") == "1"


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    if not path.exists():
        pytest.fail(f"no golden file {path}: run `make golden` to write it")
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed: if intended, run `make golden`"


def call() -> Interaction:
    turns = [
        (Speaker.AGENT, "thank you for calling northwind bank, this is sam", 0.0, 3.5),
        (Speaker.CUSTOMER, "hi, my card number is [CARD] and it was declined", 3.9, 7.2),
        (Speaker.AGENT, "i'm sorry to hear that, let me take a look", 7.5, 9.8),
        (Speaker.CUSTOMER, "thanks", 10.1, 10.6),
    ]
    return Interaction(
        id="c-0001",
        utterances=[
            Utterance(index=i, speaker=s, text=t, start=a, end=b) for i, (s, t, a, b) in enumerate(turns)
        ],
        agent_id="a-07",
        team="north",
        queue="cards",
        started_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        contact_reason="card declined",
        survey=Survey(csat=4, comment="quick and kind"),
    )


def results() -> list[BehaviorResult]:
    greet = Evidence(
        utterance_index=0, speaker=Speaker.AGENT, text=call().utterances[0].text,
        start=0.0, end=3.5, span=(0, 31), matched="thank you for calling",
    )  # fmt: skip
    empathy = Evidence(
        utterance_index=2, speaker=Speaker.AGENT, text=call().utterances[2].text,
        start=7.5, end=9.8, span=(0, 22), matched="sorry to hear",
    )  # fmt: skip
    return [
        BehaviorResult("greet_with_brand", Outcome.MET, 0.97, section="opening", evidence=[greet]),
        BehaviorResult("acknowledge_issue", Outcome.MET, 0.81, section="quality", evidence=[empathy]),
        BehaviorResult(
            "verify_identity",
            Outcome.MISSED,
            0.88,
            critical=True,
            section="compliance",
            expected_window=ExpectedWindow(1, 3),
            note="no verification before account talk",
        ),
        BehaviorResult("offer_further_help", Outcome.NOT_APPLICABLE, 1.0, section="closing"),
    ]


@pytest.fixture
def golden_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'golden.db'}") as store:
        yield _filled(store)


def _filled(store: Store) -> Store:
    store.write([call()], source_format="native")
    ev = evaluation("c-0001", rubric="general", version="3", score=0.67, passed=False, auto_failed=True,
                    results=results(), input_hash="0" * 16)  # fmt: skip
    ev.section_scores = {"opening": 1.0, "quality": 1.0}
    ev.contact_reason = ContactReason("card declined", 0.93, "reasons-v1")
    store.save_evaluations([ev])
    return store


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_record_matches_its_golden_file(golden_store: Store, fmt: str) -> None:
    out = io.StringIO()
    export_evaluations(golden_store, out, fmt)
    check(f"evaluations.{fmt}", out.getvalue())


def test_interaction_export_matches_its_golden_file(golden_store: Store) -> None:
    out = io.StringIO()
    export_interactions(golden_store, out)
    check("interactions.jsonl", out.getvalue())


def test_show_matches_its_golden_file(golden_store: Store) -> None:
    out = io.StringIO()
    console = Console(file=out, width=120, color_system=None, force_terminal=False, soft_wrap=True)
    interaction = golden_store.get_interaction("c-0001")
    assert interaction is not None
    render_evaluation(console, interaction, golden_store.get_evaluations("c-0001"))
    check("show.txt", out.getvalue())
