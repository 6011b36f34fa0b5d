"""Users' passwords, the audit log and the store's own secrets: web sign-in state.

Functions over a `Store`, each one transaction. Password hashes arrive already hashed
(`coachloop.jobs.users` hashes with argon2id); nothing here sees a clear password.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, select, update

from coachloop.errors import StoreError
from coachloop.store.live import UserRecord
from coachloop.store.repo import Store
from coachloop.store.tables import audit_log, users, web_secrets

__all__ = [
    "AuditRow",
    "AuditWrite",
    "list_audit",
    "list_users",
    "password_hash_of",
    "set_password_hash",
    "store_secret",
    "user_by_id",
    "user_by_name",
    "write_audit",
]


def _user(r: Any) -> UserRecord:
    return UserRecord(r.id, r.name, r.role, r.agent_id, r.team)


def user_by_id(store: Store, user_id: int) -> UserRecord | None:
    with store._read("cannot read users") as conn:
        r = conn.execute(select(users).where(users.c.id == user_id)).first()
    return None if r is None else _user(r)


def user_by_name(store: Store, name: str) -> UserRecord | None:
    with store._read("cannot read users") as conn:
        r = conn.execute(select(users).where(users.c.name == name)).first()
    return None if r is None else _user(r)


def list_users(store: Store) -> list[tuple[UserRecord, bool]]:
    """Every user, by name, with whether they have a password."""
    with store._read("cannot read users") as conn:
        rows = conn.execute(select(users).order_by(users.c.name)).all()
    return [(_user(r), r.password_hash is not None) for r in rows]


def password_hash_of(store: Store, name: str) -> tuple[UserRecord, str | None] | None:
    with store._read("cannot read users") as conn:
        r = conn.execute(select(users).where(users.c.name == name)).first()
    return None if r is None else (_user(r), r.password_hash)


def set_password_hash(store: Store, name: str, password_hash: str) -> bool:
    """False when no such user."""
    with store._write("cannot set the password") as conn:
        done = conn.execute(update(users).where(users.c.name == name).values(password_hash=password_hash))
        return done.rowcount > 0


def store_secret(store: Store, name: str) -> str:
    """The store's secret `name`, made (random, 32 bytes) on first use and kept."""
    with store._read("cannot read secrets") as conn:
        found = conn.execute(select(web_secrets.c.value).where(web_secrets.c.name == name)).scalar()
    if found is not None:
        return str(found)
    try:
        with store._write("cannot keep a secret") as conn:
            conn.execute(web_secrets.insert().values(name=name, value=secrets.token_urlsafe(32)))
    except StoreError:  # another process made it first: read theirs
        pass
    with store._read("cannot read secrets") as conn:
        return str(conn.execute(select(web_secrets.c.value).where(web_secrets.c.name == name)).scalar_one())


@dataclass(frozen=True, slots=True)
class AuditWrite:
    user_name: str
    role: str
    action: str
    object_kind: str
    object_id: str
    detail: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    user_name: str
    role: str
    action: str
    object_kind: str
    object_id: str
    detail: dict[str, Any] | None


def write_audit(store: Store, entry: AuditWrite) -> int:
    with store._write("cannot write the audit log") as conn:
        result = conn.execute(
            audit_log.insert().values(
                at=datetime.now(UTC),
                user_name=entry.user_name,
                role=entry.role,
                action=entry.action,
                object_kind=entry.object_kind,
                object_id=entry.object_id,
                detail=entry.detail,
            )
        )
        key = result.inserted_primary_key
        return int(key[0]) if key is not None else 0


def list_audit(
    store: Store,
    *,
    user_name: str | None = None,
    object_kind: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditRow]:
    """Newest first; `before_id` continues a page (keyset)."""
    query: Select[Any] = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    conditions = []
    if user_name is not None:
        conditions.append(audit_log.c.user_name == user_name)
    if object_kind is not None:
        conditions.append(audit_log.c.object_kind == object_kind)
    if object_id is not None:
        conditions.append(audit_log.c.object_id == object_id)
    if action is not None:
        conditions.append(audit_log.c.action == action)
    if before_id is not None:
        conditions.append(audit_log.c.id < before_id)
    if conditions:
        query = query.where(and_(*conditions))
    with store._read("cannot read the audit log") as conn:
        rows = conn.execute(query).all()
    return [
        AuditRow(r.id, r.at, r.user_name, r.role, r.action, r.object_kind, r.object_id, r.detail)
        for r in rows
    ]
