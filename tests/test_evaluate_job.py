"""`jobs.evaluate_store`: which evaluations a default run keeps, on SQLite and PostgreSQL."""

from __future__ import annotations

from coachloop import jobs
from coachloop.model import Interaction, InteractionUpdate, Speaker, Utterance
from coachloop.store import Store


def call(cid: str, queue: str) -> Interaction:
    return Interaction(
        cid,
        queue=queue,
        utterances=[
            Utterance(0, Speaker.AGENT, "thank you for calling harper valley national bank my name is ann"),
            Utterance(1, Speaker.CUSTOMER, "hi i want to check my balance"),
            Utterance(2, Speaker.AGENT, "your balance is two hundred dollars, anything else"),
        ],
    )


def test_a_queue_change_replaces_the_evaluation_by_the_rubric_chosen_before(store: Store) -> None:
    rubrics = jobs.default_rubrics()
    store.write([call("c-1", "cards"), call("c-2", "cards")], source_format="native")
    first = jobs.evaluate_store(store, rubrics)
    assert first.by_rubric == {"general": 2}

    store.write([InteractionUpdate("c-1", fields={"queue": "retail_banking"})], source_format="csv")
    second = jobs.evaluate_store(store, rubrics)
    assert second.by_rubric == {"retail_bank": 1}
    assert [e.rubric for e in store.get_evaluations("c-1")] == ["retail_bank"]
    assert [e.rubric for e in store.get_evaluations("c-2")] == ["general"]
    assert jobs.evaluate_store(store, rubrics).evaluated == 0
    assert [e.rubric for e in store.get_evaluations("c-1")] == ["retail_bank"]


def test_an_explicit_rubric_evaluation_survives_a_default_run(store: Store) -> None:
    store.write([call("c-1", "retail_banking")], source_format="native")
    rubrics = jobs.default_rubrics()
    general = [r for r in rubrics if r.name == "general"]
    jobs.evaluate_store(store, general, explicit=True)
    jobs.evaluate_store(store, rubrics)
    assert sorted(e.rubric for e in store.get_evaluations("c-1")) == ["general", "retail_bank"]


def test_a_default_run_reads_only_interactions_due_under_their_chosen_rubric(store: Store) -> None:
    rubrics = jobs.default_rubrics()
    store.write([call("c-1", "cards"), call("c-2", "retail_banking")], source_format="native")
    totals: list[int] = []
    jobs.evaluate_store(store, rubrics, on_total=totals.append)
    # Each call is still "pending" under the rubric not chosen for it, but nothing is due.
    general = next(r for r in rubrics if r.name == "general")
    assert store.pending_evaluation("general", general.version) == ["c-2"]
    second = jobs.evaluate_store(store, rubrics, on_total=totals.append)
    assert totals == [2, 0] and second.evaluated == 0
    store.write([call("c-1", "cards"), call("c-3", "cards")], source_format="native")
    third = jobs.evaluate_store(store, rubrics, on_total=totals.append)
    assert totals[-1] == 1 and third.by_rubric == {"general": 1}  # c-3 only: c-1 did not change


def test_worker_processes_store_exactly_what_one_process_stores(store: Store) -> None:
    calls = [call(f"c-{i:03d}", "retail_banking" if i % 3 == 0 else "cards") for i in range(40)]
    store.write(calls, source_format="native")
    rubrics = jobs.default_rubrics()
    one = jobs.evaluate_store(store, rubrics, insights=True, batch=7)
    alone = {c.id: store.get_evaluations(c.id) for c in calls}
    parallel = jobs.evaluate_store(store, rubrics, everything=True, insights=True, batch=7, workers=2)
    assert (parallel.evaluated, parallel.by_rubric) == (one.evaluated, one.by_rubric)
    for c in calls:
        again = store.get_evaluations(c.id)
        assert [(e.rubric, e.score, e.results, e.insights) for e in again] == [
            (e.rubric, e.score, e.results, e.insights) for e in alone[c.id]
        ]
