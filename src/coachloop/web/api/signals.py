"""`/api/signals`: ranked signals of a period (`jobs.signals.find_signals`), for QA and leaders."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from coachloop.jobs.evaluations import parse_when
from coachloop.jobs.signals import find_signals
from coachloop.store import Store
from coachloop.store.live import UserRecord
from coachloop.web.api.common import ERRORS, get_store
from coachloop.web.auth import require

router = APIRouter(prefix="/signals", tags=["signals"], responses=ERRORS)
READERS = ("qa", "leader", "admin")


@router.get("", summary="Signals about the system (drift, root causes, engagement, incentives)")
def get_signals(
    _: Annotated[UserRecord, Depends(require(*READERS))],
    store: Annotated[Store, Depends(get_store)],
    kind: Annotated[list[str] | None, Query(description="Signal kinds (repeatable; default all).")] = None,
    since: str | None = None,
    until: str | None = None,
    rubric: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    found = find_signals(
        store,
        kinds=kind,
        since=parse_when(since) if since else None,
        until=parse_when(until, end=True) if until else None,
        rubric=rubric,
        limit=limit,
    )
    return {"signals": [dataclasses.asdict(s) for s in found]}
