"""Users of the web app: passwords (argon2id, via argon2-cffi), sign-in, the user list.

`create_user` (in `jobs.live`) makes a user with a bearer token; `set_password` gives
them a password for the pages too. `authenticate` is what `POST /login` calls.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from coachloop.errors import ConfigError
from coachloop.store import Store
from coachloop.store.live import UserRecord
from coachloop.store.tables import interactions
from coachloop.store.users import list_users, password_hash_of, set_password_hash, user_by_name

__all__ = ["MIN_PASSWORD", "Login", "authenticate", "demo_logins", "list_users", "set_password"]

MIN_PASSWORD = 8
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("a password nobody has")
"""Verified against when the user is unknown, so a wrong name costs as long as a wrong password."""


def set_password(store: Store, name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"a password needs at least {MIN_PASSWORD} characters")
    if not set_password_hash(store, name, _hasher.hash(password)):
        raise ConfigError(f"no user named {name!r}")


def authenticate(store: Store, name: str, password: str) -> UserRecord | None:
    """The user when `password` is theirs; None otherwise (unknown user, no password, wrong)."""
    found = password_hash_of(store, name)
    stored = found[1] if found is not None else None
    try:
        _hasher.verify(stored or _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if found is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):
        set_password_hash(store, name, _hasher.hash(password))
    return found[0]


@dataclass(frozen=True, slots=True)
class Login:
    role: str
    name: str
    password: str
    agent_id: str | None
    team: str | None


def demo_logins(store: Store) -> list[Login]:
    """One user per role over a demo store, each with a new random password (made, or
    reset when the user exists): the agent is a real agent with calls, the supervisor is
    that agent's team supervisor. Passwords are returned once and kept only as hashes."""
    from coachloop.jobs.live import create_user

    agents = [a for a in store.list_agents() if a.team and a.supervisor]
    if not agents:
        raise ConfigError("the store has no agent with a team and a supervisor: ingest the demo first")
    with store.reading("cannot count calls per agent") as conn:
        rows = conn.execute(select(interactions.c.agent_id, func.count()).group_by(interactions.c.agent_id))
        busiest: dict[str | None, int] = {agent_id: int(n) for agent_id, n in rows}
    agent = max(agents, key=lambda a: (busiest.get(a.id, 0), a.id))
    wanted = [
        ("agent", agent.id, agent.id, agent.team),
        ("supervisor", agent.supervisor or "supervisor", None, agent.team),
        ("qa", "qa", None, None),
        ("leader", "leader", None, None),
        ("admin", "admin", None, None),
    ]
    out = []
    for role, name, agent_id, team in wanted:
        if user_by_name(store, name) is None:
            create_user(store, name, role, team=team, agent_id=agent_id)
        password = secrets.token_urlsafe(12)
        set_password(store, name, password)
        out.append(Login(role, name, password, agent_id, team))
    return out
