"""A writer killed mid-transaction leaves a consistent store: whole batches or nothing."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter

import pytest

from coachloop.store import open_store

BATCH = 400
TURNS = 60

WRITER = f"""
import sys
from coachloop.model import Interaction, Speaker, Utterance
from coachloop.store import open_store

store = open_store(sys.argv[1])
batch = 0
while True:
    items = [
        Interaction(id=f"b{{batch:03d}}-{{i:04d}}",
                    utterances=[Utterance(j, Speaker.AGENT, f"turn {{j}} of {{i}}") for j in range({TURNS})])
        for i in range({BATCH})
    ]
    print(f"begin {{batch}}", flush=True)
    store.write(items, source_format="native")
    print(f"done {{batch}}", flush=True)
    batch += 1
"""


@pytest.mark.slow
def test_killed_writer_leaves_consistent_store(store_url: str) -> None:
    # Time three committed batches, then SIGKILL the writer 60 % of the way into the fourth:
    # inside its transaction, while utterance rows are being inserted.
    # The child imports coachloop from wherever this process does (installed or not).
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, store_url],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
    )
    assert proc.stdout is not None
    durations: list[float] = []
    begun = 0.0
    try:
        for line in proc.stdout:
            event, number = line.split()
            if event == "begin":
                begun = time.perf_counter()
                if number == "3":
                    time.sleep(0.6 * statistics.median(durations))
                    proc.send_signal(signal.SIGKILL)
                    break
            else:
                durations.append(time.perf_counter() - begun)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    if "done 3" in proc.stdout.read():
        # A busy machine let the batch commit before the kill: nothing was tested, which is
        # not a failure of the store.
        pytest.skip("the kill landed after the fourth batch committed; nothing to check this run")

    with open_store(store_url) as store:
        stored = list(store.iter_interactions(batch=1000))
    batches = Counter(i.id.split("-")[0] for i in stored)
    assert batches == {"b000": BATCH, "b001": BATCH, "b002": BATCH}
    assert all(len(i.utterances) == TURNS for i in stored)
    assert all([u.index for u in i.utterances] == list(range(TURNS)) for i in stored)
