"""The audit log: who opened which conversation (and plan), who changed what.

`record(store, user, action, kind, id)` is called by the API and the pages when a user
opens a conversation or a coaching plan, and when someone overrides or disputes an
outcome or manages users; `entries(...)` is what the admin API lists.
"""

from __future__ import annotations

from typing import Any

from coachloop.store import Store
from coachloop.store.live import UserRecord
from coachloop.store.users import AuditRow, AuditWrite, list_audit, write_audit

__all__ = ["AuditRow", "entries", "record"]


def record(
    store: Store,
    user: UserRecord,
    action: str,
    kind: str,
    object_id: str,
    detail: dict[str, Any] | None = None,
) -> int:
    """Write one audit row (`action` e.g. "open", "override"; `kind` e.g. "interaction", "plan")."""
    return write_audit(store, AuditWrite(user.name, user.role, action, kind, object_id, detail))


def entries(
    store: Store,
    *,
    user_name: str | None = None,
    kind: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditRow]:
    """Audit rows, newest first; `before_id` (the last id of a page) continues."""
    return list_audit(
        store,
        user_name=user_name,
        object_kind=kind,
        object_id=object_id,
        action=action,
        before_id=before_id,
        limit=limit,
    )
