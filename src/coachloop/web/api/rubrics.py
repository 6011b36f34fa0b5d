"""`/api/rubrics`: the rubrics in use, their text, and uploading a new one (checked the
way `coachloop rubric check` checks a file, with the same error messages)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from coachloop.errors import RubricError
from coachloop.jobs import audit
from coachloop.jobs.rubrics import available_rubrics, check_rubric_text, register_rubric_text
from coachloop.store import Store
from coachloop.store.live import UserRecord
from coachloop.web.api.common import ERRORS, Viewer, get_store, not_found
from coachloop.web.api.errors import error_response
from coachloop.web.auth import require

router = APIRouter(prefix="/rubrics", tags=["rubrics"], responses=ERRORS)
AUTHORS = ("qa", "admin")


class RubricSummary(BaseModel):
    name: str
    version: str
    fingerprint: str
    origin: str
    """shipped, registered, or registered (replaces shipped)."""
    audit: bool
    sections: int
    behaviors: int
    critical: int
    added_at: str | None = None


class RubricOut(RubricSummary):
    source: str | None
    text: str | None
    behaviors_list: list[dict[str, Any]]


class RubricUpload(BaseModel):
    text: str = Field(max_length=1_000_000, description="The rubric YAML.")
    source: str = Field(default="upload.yaml", max_length=200, description="A file name, shown in errors.")


class CheckOut(BaseModel):
    ok: bool
    problems: list[dict[str, Any]]
    rubric: RubricSummary | None


def _summary(name: str, found: Any) -> RubricSummary:
    spec = found.rubric.spec
    behaviors = [b for s in spec.sections for b in s.behaviors]
    return RubricSummary(
        name=name,
        version=found.rubric.version,
        fingerprint=found.rubric.fingerprint,
        origin=found.origin,
        audit=bool(spec.audit),
        sections=len(spec.sections),
        behaviors=len(behaviors),
        critical=sum(bool(b.critical) for b in behaviors),
        added_at=found.registered.added_at.isoformat() if found.registered else None,
    )


def _problem(p: RubricError) -> dict[str, Any]:
    return {"message": str(p), "file": p.file, "line": p.line, "path": p.path, "reason": p.reason}


@router.get("", response_model=list[RubricSummary], summary="Rubrics in use (shipped and registered)")
def list_rubrics(_: Viewer, store: Annotated[Store, Depends(get_store)]) -> list[RubricSummary]:
    return [_summary(name, found) for name, found in available_rubrics(store).items()]


@router.get("/{name}", response_model=RubricOut, summary="One rubric: version, text, behaviours")
def get_rubric(name: str, _: Viewer, store: Annotated[Store, Depends(get_store)]) -> RubricOut:
    found = available_rubrics(store).get(name)
    if found is None:
        raise not_found(f"rubric {name!r}")
    spec = found.rubric.spec
    return RubricOut(
        **_summary(name, found).model_dump(),
        source=found.registered.source if found.registered else None,
        text=found.registered.text if found.registered else None,
        behaviors_list=[
            {"id": b.id, "section": s.id, "title": getattr(b, "title", None), "critical": bool(b.critical)}
            for s in spec.sections
            for b in s.behaviors
        ],
    )


@router.post("/check", response_model=CheckOut, summary="Check a rubric without registering it")
def check_rubric(body: RubricUpload, _: Annotated[UserRecord, Depends(require(*AUTHORS))]) -> CheckOut:
    problems, compiled = check_rubric_text(body.text, body.source)
    summary = None
    if compiled is not None and not problems:
        behaviors = [b for s in compiled.spec.sections for b in s.behaviors]
        summary = RubricSummary(
            name=compiled.name,
            version=compiled.version,
            fingerprint=compiled.fingerprint,
            origin="upload",
            audit=bool(compiled.spec.audit),
            sections=len(compiled.spec.sections),
            behaviors=len(behaviors),
            critical=sum(bool(b.critical) for b in behaviors),
        )
    return CheckOut(ok=not problems, problems=[_problem(p) for p in problems], rubric=summary)


@router.post(
    "",
    status_code=201,
    response_model=RubricSummary,
    summary="Register a rubric (replaces one of the same name)",
    responses={422: {"model": CheckOut, "description": "The rubric has errors"}},
)
def add_rubric(
    body: RubricUpload,
    user: Annotated[UserRecord, Depends(require(*AUTHORS))],
    store: Annotated[Store, Depends(get_store)],
) -> Any:
    problems, compiled = check_rubric_text(body.text, body.source)
    if problems or compiled is None:
        return error_response(
            422,
            f"{body.source}: {len(problems)} error(s) in this rubric",
            code="invalid_rubric",
            detail=[_problem(p) for p in problems],
        )
    row, _replaced = register_rubric_text(store, body.text, body.source, source=body.source)
    audit.record(store, user, "register", "rubric", row.name, {"version": row.version})
    found = available_rubrics(store)[row.name]
    return _summary(row.name, found)
