"""Evaluation in worker processes: each reads its batch from the store and evaluates it;
the parent process writes the results in order.

Workers are started with `spawn` (no state copied from a parent that may hold database
connections or a model runtime's threads); each opens the store by URL, and loads the
contact-reason model once. Batches come back in submission order, so the parent writes
exactly what a one-process run would, and an interrupted run keeps the batches written.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from coachloop.jobs import (
    BatchResult,
    EvaluateSettings,
    ReasonPredictor,
    evaluate_batch,
    pending_in,
    reason_predictor,
)
from coachloop.store import Store, open_store

__all__ = ["evaluate_in_workers"]


@dataclass
class _Worker:
    store: Store
    settings: EvaluateSettings
    reasons: ReasonPredictor | None


_worker: _Worker | None = None
"""This worker process's store, settings and model, set once by `_start`."""


def _start(url: str, settings: EvaluateSettings, reasons: str | None, fast_confidence: float | None) -> None:
    global _worker
    store = open_store(url)
    predictor = None
    if reasons is not None:
        from coachloop.jobs.reasons import load_reason_model

        predictor = reason_predictor(load_reason_model(store, reasons, fast_confidence), reasons)
    _worker = _Worker(store, settings, predictor)


def _run(chunk: Sequence[str], pending: dict[str, set[str]]) -> BatchResult:
    assert _worker is not None, "worker not started"
    interactions = list(_worker.store.iter_interactions(chunk))
    return evaluate_batch(_worker.settings, interactions, pending, _worker.reasons)


def evaluate_in_workers(
    store: Store,
    settings: EvaluateSettings,
    chunks: Sequence[Sequence[str]],
    pending: dict[str, set[str]],
    reasons: str | None,
    fast_confidence: float | None,
    workers: int,
) -> Iterator[BatchResult]:
    """Each chunk's result, in order; at most `2 * workers` chunks in flight."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start,
        initargs=(store.secret_url(), settings, reasons, fast_confidence),
    ) as pool:
        in_flight: list[Future[BatchResult]] = []
        queue = iter(chunks)
        for chunk in queue:
            in_flight.append(pool.submit(_run, chunk, pending_in(pending, chunk)))
            if len(in_flight) >= 2 * workers:
                break
        while in_flight:
            done = in_flight.pop(0)
            result = done.result()
            nxt = next(queue, None)
            if nxt is not None:
                in_flight.append(pool.submit(_run, nxt, pending_in(pending, nxt)))
            yield result
