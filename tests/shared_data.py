"""Where the shared real data lives; tests that need it skip with a reason when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get("COACHLOOP_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def shared_file(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(
            f"{path} is absent: shared data is only on CI and developer machines "
            "(set COACHLOOP_SHARED_DATA to its folder)"
        )
    return path
