"""The columnar snapshot must give the frame the SQL path gives: every column, in order."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from coachloop.metrics import snapshot
from coachloop.signals.frame import CallFrame, load_frame
from coachloop.store import Store


def assert_same_frame(reference: CallFrame, columnar: CallFrame) -> None:
    for f in fields(CallFrame):
        a, b = getattr(reference, f.name), getattr(columnar, f.name)
        if isinstance(a, frozenset):
            assert a == b, f.name
        elif a.dtype == np.float64:
            assert b.dtype == np.float64 and np.allclose(a, b, rtol=1e-12, atol=1e-9, equal_nan=True), f.name
        else:
            assert a.tolist() == b.tolist(), f.name


def both_frames(
    store: Store,
    *,
    rubric: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    snapshots: Path | None = None,
) -> CallFrame:
    """The SQL path's frame, after checking that the snapshot's is the same (PostgreSQL
    stores keep their snapshot in `snapshots`)."""
    with pytest.MonkeyPatch.context() as env:
        if snapshots is not None:
            env.setenv(snapshot.SNAPSHOT_DIR_ENV, str(snapshots))
        with store.reading("test") as conn:
            reference = load_frame(conn, rubric=rubric, since=since, until=until)
            with snapshot.open_columnar(store) as facts:
                columnar = load_frame(conn, rubric=rubric, since=since, until=until, columnar=facts)
    assert_same_frame(reference, columnar)
    return reference
