"""The JSON API under `/api/`: one router module per resource, all thin over `jobs.*`.

Every route admits a bearer token or the session cookie (`web.auth.viewer`), answers
errors with one body (`web.api.errors`), and sees only what the caller's scope allows
(`jobs.access.Scope`): an object outside it is 404, a role the route does not admit 403.
"""

from __future__ import annotations

from fastapi import APIRouter

from coachloop.web.api import (
    coaching,
    evaluations,
    interactions,
    me,
    metrics,
    reviews,
    rubrics,
    signals,
    users,
)

__all__ = ["api_router"]

api_router = APIRouter(prefix="/api")
for module in (me, interactions, evaluations, rubrics, metrics, signals, reviews, coaching, users):
    api_router.include_router(module.router)
