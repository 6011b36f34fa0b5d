"""The training catalogue, automatic assignments and suggested workshops."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachloop.coaching.training import Catalogue, load_catalogue, suggest_workshops
from coachloop.errors import CoachloopError
from coachloop.jobs import default_rubrics
from coachloop.jobs.coaching import load_coaching, training_assignments, workshops
from tests.coaching.conftest import Center


def test_shipped_catalogue_covers_every_behavior_of_the_shipped_rubrics() -> None:
    catalogue = load_catalogue()
    behaviors = {b.id for r in default_rubrics() for s in r.spec.sections for b in s.behaviors}
    for b in behaviors:
        kinds = {i.kind for i in catalogue.for_behavior(b)}
        assert kinds == {"article", "module", "quiz"}, b


def test_catalogue_errors_name_the_file_and_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "cat.yaml"
    bad.write_text("items:\n  - behavior: verify_identity\n    id: x\n    title: X\n    kind: podcast\n")
    with pytest.raises(CoachloopError, match=r"cat\.yaml: items\.0\.kind"):
        load_catalogue(bad)
    bad.write_text(
        "items:\n  - {behavior: a, id: x, title: X, kind: quiz}\n  - {behavior: b, id: x, title: Y, kind: quiz}\n"
    )
    with pytest.raises(CoachloopError, match="duplicate id 'x'"):
        load_catalogue(bad)
    with pytest.raises(CoachloopError, match="cannot read"):
        load_catalogue(tmp_path / "missing.yaml")


def test_a_user_catalogue_replaces_the_shipped_one(center: Center, tmp_path: Path) -> None:
    mine = tmp_path / "ours.yaml"
    data = load_coaching(center.store)
    gaps = sorted({b for (_, b), s in data.standings.items() if s.clearly_below})
    mine.write_text(
        "items:\n"
        + "".join(f"  - {{behavior: {b}, id: ours-{b}, title: Our {b}, kind: module}}\n" for b in gaps)
    )
    found = training_assignments(center.store, catalogue=mine)
    assert found
    for items in found.values():
        assert all(i["id"].startswith("ours-") for i in items)


def test_a_gap_assigns_the_behaviors_items_automatically(center: Center) -> None:
    data = load_coaching(center.store)
    found = training_assignments(center.store, data=data)
    for agent, items in found.items():
        for i in items:
            assert data.standings[(agent, i["behavior"])].clearly_below


def test_agents_with_the_same_gap_are_grouped_into_a_workshop(center: Center) -> None:
    data = load_coaching(center.store)
    found = workshops(center.store, data=data, minimum=2)
    assert found
    for w in found:
        assert len(w.agents) >= 2
        assert all(data.standings[(a, w.behavior)].clearly_below for a in w.agents)
        assert w.sentence.startswith(f"These {len(w.agents)} agents need")
        assert w.item is not None and w.item.behavior == w.behavior


def test_workshops_need_the_minimum_group() -> None:
    catalogue = Catalogue("x", ())
    found = suggest_workshops(
        {"a": ["A1", "A2"], "b": ["A1", "A2", "A3"]}, {"a": 10, "b": 10}, {}, catalogue, 3
    )
    assert [(w.behavior, w.agents, w.others) for w in found] == [("b", ["A1", "A2", "A3"], 7)]
