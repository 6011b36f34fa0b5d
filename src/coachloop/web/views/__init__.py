"""The workspace pages, one module per page group, server-rendered from `web/templates/pages`.

Every page reads through `coachloop.jobs.workspace` (and `jobs.review`), scoped by the
viewer: an agent sees only their own data, a supervisor their team; anything else is 404.
"""

from __future__ import annotations

from fastapi import APIRouter

from coachloop.web.views import conversations, home, leader, qa, static, team

__all__ = ["router"]

router = APIRouter()
for module in (static, home, conversations, team, qa, leader):
    router.include_router(module.router)
