"""Where the benchmarks find the repository and the shared data (`COACHLOOP_SHARED_DATA`)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("COACHLOOP_SHARED_DATA", REPO.parent / "shared" / "data"))
"""`../shared/data` beside the repository unless `COACHLOOP_SHARED_DATA` names another folder."""
