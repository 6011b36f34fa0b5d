"""Users of the web app: passwords (argon2id, via argon2-cffi), sign-in, the user list.

`create_user` (in `jobs.live`) makes a user with a bearer token; `set_password` gives
them a password for the pages too. `authenticate` is what `POST /login` calls.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from coachloop.errors import ConfigError
from coachloop.store import Store
from coachloop.store.live import UserRecord
from coachloop.store.users import list_users, password_hash_of, set_password_hash

__all__ = ["MIN_PASSWORD", "authenticate", "list_users", "set_password"]

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
