"""Who is asking, and may they: sign-in, session cookies, bearer tokens, CSRF, roles.

Two ways in, both accepted by every route:

- **Bearer tokens** (`coachloop users add` prints one) for the API and live sessions:
  `Authorization: Bearer TOKEN`, or `?token=TOKEN` where no header can be set (a browser
  WebSocket). Token requests carry no ambient credential, so they need no CSRF token.
- **Session cookies** for the pages: `POST /login` with a name and password (argon2id
  hashes) puts the user's id in a signed cookie (starlette's `SessionMiddleware`,
  itsdangerous; `HttpOnly`, `SameSite=Lax`). The signing key is `COACHLOOP_SECRET_KEY`
  or a random secret made once and kept in the store. A state-changing request riding on
  the cookie must carry the session's CSRF token: the form field `csrf_token` (pages use
  `check_csrf`; templates put `csrf_token(request)` in every form) or the header
  `X-CSRF-Token` (JavaScript calling the API with the cookie).

Dependencies: `viewer` (the user, or 401), `page_viewer` (the user, or a redirect to
`/login?next=...`), `require(*roles)` / `page_require(*roles)` (403 for other roles),
`check_csrf`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request, WebSocket, status
from fastapi.responses import RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.middleware.sessions import SessionMiddleware

from coachloop.jobs.users import authenticate
from coachloop.store import Store
from coachloop.store.live import ROLES, UserRecord, user_by_token
from coachloop.store.users import store_secret, user_by_id

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "ROLES",
    "SECRET_ENV",
    "SESSION_COOKIE",
    "LoginRequired",
    "UserRecord",
    "check_csrf",
    "csrf_token",
    "current_user",
    "install_sessions",
    "page_require",
    "page_viewer",
    "require",
    "router",
    "token_of",
    "viewer",
    "websocket_user",
]

SECRET_ENV = "COACHLOOP_SECRET_KEY"
SESSION_COOKIE = "coachloop_session"
SESSION_MAX_AGE = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_USER_KEY = "uid"
_CSRF_KEY = "csrf"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

bearer = HTTPBearer(auto_error=False, description="A token printed by `coachloop users add`.")
router = APIRouter(tags=["auth"])


class LoginRequired(Exception):
    """Raised by `page_viewer`: the app answers with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def install_sessions(app: FastAPI, store: Store) -> None:
    """Signed session cookies on `app`, and the login redirect for pages."""
    secret = os.environ.get(SECRET_ENV) or store_secret(store, "session")
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=False,
    )

    async def to_login(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status.HTTP_303_SEE_OTHER)

    app.add_exception_handler(LoginRequired, to_login)


def token_of(header: str | None, query: str | None) -> str | None:
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return query or None


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _session(request: Request) -> dict[str, Any]:
    """The session dict, or an empty one where no session middleware runs."""
    if "session" not in request.scope:
        return {}
    session: dict[str, Any] = request.session
    return session


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use): put it in every form as `csrf_token`."""
    session = _session(request)
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        if "session" in request.scope:
            request.session[_CSRF_KEY] = token
    return token


def _csrf_matches(request: Request, given: str | None) -> bool:
    expected = _session(request).get(_CSRF_KEY)
    return isinstance(expected, str) and isinstance(given, str) and secrets.compare_digest(expected, given)


def _identify(request: Request, given: str | None) -> tuple[UserRecord | None, bool]:
    """The user, and whether they came by cookie (not by token)."""
    if given:
        return user_by_token(_store(request), given), False
    uid = _session(request).get(_USER_KEY)
    if isinstance(uid, int):
        return user_by_id(_store(request), uid), True
    return None, False


async def viewer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    token: Annotated[str | None, Query(description="The bearer token, where no header can be sent.")] = None,
) -> UserRecord:
    """The signed-in user (token or session cookie); 401 when there is none. A cookie
    request that changes something must carry the `X-CSRF-Token` header (or, from a
    form, the `csrf_token` field), else 403."""
    user, by_cookie = _identify(request, credentials.credentials if credentials is not None else token)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "sign in or send a valid bearer token",
            {"WWW-Authenticate": "Bearer"},
        )
    if by_cookie and request.method not in _SAFE:
        given = request.headers.get(CSRF_HEADER)
        if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            field = form.get(CSRF_FIELD)
            given = field if isinstance(field, str) else None
        if not _csrf_matches(request, given):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
    return user


current_user = viewer
"""The name the live routes first used."""


async def page_viewer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    token: Annotated[str | None, Query(description="The bearer token, where no header can be sent.")] = None,
) -> UserRecord:
    """For pages: the signed-in user, or a redirect to `/login?next=<this page>`."""
    user, _ = _identify(request, credentials.credentials if credentials is not None else token)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


async def check_csrf(request: Request) -> None:
    """For page routes that change something: the form's `csrf_token` field (or the
    `X-CSRF-Token` header) must be this session's token, else 403."""
    if request.method in _SAFE:
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    if not _csrf_matches(request, given):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")


def _checked_roles(roles: tuple[str, ...]) -> frozenset[str]:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return frozenset(roles)


def require(*roles: str) -> Callable[..., Coroutine[Any, Any, UserRecord]]:
    """A dependency admitting only users with one of `roles` (401 unknown, 403 other role)."""
    allowed = _checked_roles(roles)

    async def check(user: Annotated[UserRecord, Depends(viewer)]) -> UserRecord:
        if user.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"the {user.role} role may not do this")
        return user

    return check


def page_require(*roles: str) -> Callable[..., Coroutine[Any, Any, UserRecord]]:
    """`require` for pages: a redirect to the login page instead of 401."""
    allowed = _checked_roles(roles)

    async def check(user: Annotated[UserRecord, Depends(page_viewer)]) -> UserRecord:
        if user.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"the {user.role} role may not see this page")
        return user

    return check


def websocket_user(ws: WebSocket) -> UserRecord | None:
    """Token (header or `?token=`) or, from a page of this site, the session cookie."""
    store: Store = ws.app.state.store
    token = token_of(ws.headers.get("authorization"), ws.query_params.get("token"))
    if token:
        return user_by_token(store, token)
    session = ws.scope.get("session") or {}
    uid = session.get(_USER_KEY)
    if isinstance(uid, int) and _same_origin(ws.headers.get("origin"), ws.headers.get("host")):
        return user_by_id(store, uid)
    return None


def _same_origin(origin: str | None, host: str | None) -> bool:
    return bool(origin and host and urlsplit(origin).netloc == host)


def _local_next(target: str | None) -> str:
    """Only paths on this site: never `//evil` or `https://...` (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


HOME_BY_ROLE = {"agent": "/", "supervisor": "/", "qa": "/", "leader": "/", "admin": "/"}
"""Where a user lands after signing in without a `next`; the pages may point these elsewhere."""


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str = "/") -> Response:
    from coachloop.web.templating import render

    return render(request, "login.html", {"next": _local_next(next), "error": None, "name": ""})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    from coachloop.web.templating import render

    target = _local_next(next)
    if not _csrf_matches(request, csrf):
        return render(
            request,
            "login.html",
            {"next": target, "error": "Your sign-in form expired; try again.", "name": username},
            status_code=status.HTTP_403_FORBIDDEN,
        )
    user = authenticate(_store(request), username, password)
    if user is None:
        return render(
            request,
            "login.html",
            {"next": target, "error": "Wrong name or password.", "name": username},
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    request.session.clear()  # a fresh session: no fixation
    request.session[_USER_KEY] = user.id
    request.session[_CSRF_KEY] = secrets.token_urlsafe(32)
    if target == "/":
        target = HOME_BY_ROLE.get(user.role, "/")
    return RedirectResponse(target, status.HTTP_303_SEE_OTHER)


@router.post("/logout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
