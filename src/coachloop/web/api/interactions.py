"""`/api/interactions`: conversations, filtered and searched, and one with its evaluations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from coachloop.jobs import audit
from coachloop.jobs.access import Scope
from coachloop.jobs.browse import ConversationFilter, conversation, interaction_page
from coachloop.store import Store
from coachloop.web.api.common import ERRORS, Cursor, Limit, PageOut, Viewer, get_scope, get_store, not_found

router = APIRouter(prefix="/interactions", tags=["interactions"], responses=ERRORS)


def conversation_filter(
    agent: Annotated[str | None, Query(description="Agent id.")] = None,
    team: str | None = None,
    queue: str | None = None,
    channel: str | None = None,
    reason: Annotated[str | None, Query(description="Contact reason.")] = None,
    language: str | None = None,
    since: Annotated[
        str | None, Query(description="Started on or after (YYYY-MM-DD or ISO date-time).")
    ] = None,
    until: Annotated[
        str | None, Query(description="Started before (a plain date: that whole day included).")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Words the transcript contains (all of them).")
    ] = None,
) -> ConversationFilter:
    return ConversationFilter(agent, team, queue, channel, reason, language, since, until, q)


Filters = Annotated[ConversationFilter, Depends(conversation_filter)]


@router.get("", response_model=PageOut, summary="Conversations, newest first")
def list_interactions(
    scope: Annotated[Scope, Depends(get_scope)],
    store: Annotated[Store, Depends(get_store)],
    filters: Filters,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PageOut:
    page = interaction_page(store, scope, filters, limit=limit, cursor=cursor)
    return PageOut(items=page.items, next_cursor=page.next_cursor)


@router.get("/{interaction_id}", summary="One conversation: utterances, evaluations, evidence")
def get_interaction(
    interaction_id: str,
    user: Viewer,
    scope: Annotated[Scope, Depends(get_scope)],
    store: Annotated[Store, Depends(get_store)],
) -> dict[str, Any]:
    found = conversation(store, scope, interaction_id)
    if found is None:
        raise not_found(f"conversation {interaction_id!r}")
    audit.record(store, user, "open", "interaction", interaction_id)
    return found
