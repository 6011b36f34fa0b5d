"""Users (bearer tokens), live prompts and the agents' feedback, in the store.

Functions over a `Store`, each one transaction, kept apart from `repo.py` so the web
and live layers own their tables. Tokens are never stored: only their SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update

from coachloop.store.repo import Store
from coachloop.store.tables import live_prompts, prompt_feedback, users

__all__ = [
    "ROLES",
    "PromptRecord",
    "UserRecord",
    "add_user",
    "feedback_counts",
    "hash_token",
    "list_prompts",
    "save_feedback",
    "save_prompts",
    "user_by_token",
    "user_exists",
    "withdraw_prompts",
]

ROLES = ("agent", "supervisor", "qa", "leader", "admin")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    name: str
    role: str
    agent_id: str | None
    team: str | None


@dataclass(frozen=True, slots=True)
class PromptRecord:
    id: str
    session: str
    agent_id: str | None
    team: str | None
    rubric: str | None
    kind: str
    behavior: str | None
    article: str | None
    text: str
    at_utterance: int
    evidence: list[dict[str, Any]]
    withdrawn_at_utterance: int | None = None


def add_user(
    store: Store, name: str, role: str, token: str, *, agent_id: str | None, team: str | None
) -> int:
    with store._write("cannot add the user") as conn:
        result = conn.execute(
            users.insert().values(
                name=name,
                role=role,
                agent_id=agent_id,
                team=team,
                token_hash=hash_token(token),
                created_at=_now(),
            )
        )
        key = result.inserted_primary_key
        return int(key[0]) if key is not None else 0


def user_exists(store: Store, name: str) -> bool:
    with store._read("cannot read users") as conn:
        return conn.execute(select(users.c.id).where(users.c.name == name)).first() is not None


def user_by_token(store: Store, token: str) -> UserRecord | None:
    with store._read("cannot read users") as conn:
        r = conn.execute(select(users).where(users.c.token_hash == hash_token(token))).first()
    return None if r is None else UserRecord(r.id, r.name, r.role, r.agent_id, r.team)


def save_prompts(store: Store, prompts: Sequence[PromptRecord]) -> None:
    if not prompts:
        return
    now = _now()
    with store._write("cannot save live prompts") as conn:
        conn.execute(
            live_prompts.insert(),
            [
                {
                    "id": p.id,
                    "session": p.session,
                    "agent_id": p.agent_id,
                    "team": p.team,
                    "rubric": p.rubric,
                    "kind": p.kind,
                    "behavior": p.behavior,
                    "article": p.article,
                    "text": p.text,
                    "at_utterance": p.at_utterance,
                    "evidence": p.evidence,
                    "raised_at": now,
                    "withdrawn_at_utterance": p.withdrawn_at_utterance,
                }
                for p in prompts
            ],
        )


def withdraw_prompts(store: Store, withdrawn: Sequence[tuple[str, int]]) -> None:
    """Mark prompts (id, at utterance) as withdrawn."""
    if not withdrawn:
        return
    with store._write("cannot update live prompts") as conn:
        for prompt_id, at in withdrawn:
            conn.execute(
                update(live_prompts).where(live_prompts.c.id == prompt_id).values(withdrawn_at_utterance=at)
            )


def save_feedback(store: Store, prompt_id: str, action: str, user_name: str | None) -> bool:
    """Store the agent's feedback on a prompt; False when no such prompt is stored."""
    with store._write("cannot save prompt feedback") as conn:
        if conn.execute(select(live_prompts.c.id).where(live_prompts.c.id == prompt_id)).first() is None:
            return False
        conn.execute(
            prompt_feedback.insert().values(
                prompt_id=prompt_id, action=action, user_name=user_name, at=_now()
            )
        )
        return True


def list_prompts(store: Store, session: str | None = None) -> list[dict[str, Any]]:
    """Stored prompts with their latest feedback, oldest first."""
    latest = (
        select(prompt_feedback.c.prompt_id, func.max(prompt_feedback.c.id).label("last"))
        .group_by(prompt_feedback.c.prompt_id)
        .subquery()
    )
    query = (
        select(live_prompts, prompt_feedback.c.action.label("feedback"))
        .outerjoin(latest, latest.c.prompt_id == live_prompts.c.id)
        .outerjoin(prompt_feedback, prompt_feedback.c.id == latest.c.last)
        .order_by(live_prompts.c.raised_at, live_prompts.c.id)
    )
    if session is not None:
        query = query.where(live_prompts.c.session == session)
    with store._read("cannot read live prompts") as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def feedback_counts(store: Store) -> dict[str, dict[str, int]]:
    """Per prompt kind: how many prompts were sent, used and dismissed (latest feedback)."""
    out: dict[str, dict[str, int]] = {}
    for row in list_prompts(store):
        counts = out.setdefault(row["kind"], {"sent": 0, "used": 0, "dismissed": 0})
        counts["sent"] += 1
        if row["feedback"] in ("used", "dismissed"):
            counts[row["feedback"]] += 1
    return out
