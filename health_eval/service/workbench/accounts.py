"""Accounts of the workbench on an intranet: users from a file, sessions, CSRF tokens.

Off by default (one user on the loopback address). With ``health-eval serve --users FILE``::

    users:
      wang:
        password_hash: "$argon2id$v=19$m=65536,t=3,p=4$..."   # python -m health_eval.service.workbench.accounts
        districts: [青云谱区]

passwords are checked with argon2-cffi (Argon2id); a user sees only the projects of their
districts. Every browser gets a session cookie (random, ``HttpOnly``, ``SameSite=Lax``,
``Secure`` over HTTPS) holding no data; the session, kept in ``workbench.db`` by the SHA-256
digest of its token (:mod:`.store`, so it survives a restart of the server), carries the CSRF
token every form posts back (also without accounts) and the logged-in user's name. A session
ends after :data:`IDLE_S` without a request or :data:`MAX_AGE_S` after it began; logging in
starts a new session (no fixation), logging out deletes it.
"""

from __future__ import annotations

import hmac
import secrets
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

from .store import token_digest

if TYPE_CHECKING:
    from .store import Records

__all__ = ["Accounts", "Session", "SessionMiddleware", "User", "load_users"]

COOKIE = "he_session"
#: Sessions kept at most (the least recently seen are forgotten beyond), their idle lifetime
#: and their whole lifetime [s].
MAX_SESSIONS = 10_000
IDLE_S = 12 * 3600
MAX_AGE_S = 7 * 24 * 3600


@dataclass(frozen=True)
class User:
    """A workbench user: name, Argon2 hash of the password, districts whose projects they see."""

    name: str
    password_hash: str
    districts: tuple[str, ...]


@dataclass(frozen=True)
class Session:
    """A browser's session: its CSRF token and, once logged in, its user."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    user: User | None = None


def load_users(path: str | Path) -> dict[str, User]:
    """The users of a YAML file (see the module's text).

    Raises
    ------
    ValueError
        Naming the file and the user whose entry is not valid.
    """
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    users = {}
    for name, entry in (data.get("users") or {}).items():
        districts = entry.get("districts") if isinstance(entry, dict) else None
        hashed = entry.get("password_hash") if isinstance(entry, dict) else None
        if not isinstance(hashed, str) or not hashed.startswith("$argon2") \
                or not isinstance(districts, list) or not districts:
            raise ValueError(f"{path}: 用户 {name} 需要 password_hash（argon2）与 districts / user "
                             f"{name} needs a password_hash (argon2) and districts")
        users[str(name)] = User(str(name), hashed, tuple(str(d) for d in districts))
    if not users:
        raise ValueError(f"{path}: 没有用户 / no users")
    return users


class Accounts:
    """Users, and the sessions of the server in its records (:class:`.store.Records`).

    Parameters
    ----------
    users : dict of User or None
        The users (None: one user, no login).
    records : callable
        Returns the workbench's records (opened on first use).
    """

    def __init__(self, users: dict[str, User] | None, records: Callable[[], Records]):
        from argon2 import PasswordHasher

        self.users, self.records = users, records
        self.hasher = PasswordHasher()
        self._dummy = self.hasher.hash(secrets.token_hex(8))

    @property
    def enabled(self) -> bool:
        return self.users is not None

    def session(self, token: str | None) -> tuple[str, Session, bool]:
        """The session of a cookie's token, or a new one: ``(token, session, new)``. A session
        whose user is no longer in the users file is not logged in."""
        found = self.records().session(token_digest(token), IDLE_S, MAX_AGE_S) if token \
            else None
        if found is None:
            return (*self.new_session(), True)
        return token, Session(found["csrf"], (self.users or {}).get(found["user"] or "")), False

    def new_session(self, user: User | None = None) -> tuple[str, Session]:
        """A new session (of ``user`` when given) and its cookie's token."""
        token, session = secrets.token_urlsafe(32), Session(user=user)
        self.records().add_session(token_digest(token), session.csrf,
                                   user.name if user else None, IDLE_S, MAX_SESSIONS)
        return token, session

    def drop(self, token: str) -> None:
        """End the session of ``token``."""
        self.records().drop_session(token_digest(token))

    def verify(self, name: str, password: str) -> User | None:
        """The user when the password is theirs (as slow for an unknown name)."""
        from argon2.exceptions import Argon2Error

        user = (self.users or {}).get(name)
        try:
            self.hasher.verify(user.password_hash if user else self._dummy, password)
        except Argon2Error:
            return None
        return user

    @staticmethod
    def csrf_ok(session: Session, given: str) -> bool:
        return hmac.compare_digest(session.csrf.encode(), (given or "").encode())


Scope = MutableMapping[str, Any]
ASGIApp = Callable[..., Awaitable[None]]


class SessionMiddleware:
    """ASGI middleware: puts the browser's session in ``request.state.session`` (and its token
    in ``request.state.session_token``) on the workbench's paths, and sets the cookie of a new
    one. The JSON API (``/v1``), ``/healthz`` and the public files (``/static/``, plotly.js) are
    left alone."""

    def __init__(self, app: ASGIApp, *, accounts: Accounts):
        self.app, self.accounts = app, accounts

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/v1/", "/healthz", "/static/")) \
                or scope["path"].endswith("/plotly.min.js"):
            await self.app(scope, receive, send)
            return
        token, session, new = await run_in_threadpool(self.accounts.session,
                                                       _cookie(scope, COOKIE))
        state = scope.setdefault("state", {})
        state.update(session=session, session_token=token)

        async def send_with_cookie(message) -> None:
            current = state.get("session_token")
            if message["type"] == "http.response.start" and (new or current != token):
                secure = "; Secure" if scope.get("scheme") == "https" else ""
                cookie = f"{COOKIE}={current}; Path=/; HttpOnly; SameSite=Lax{secure}"
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key_text, _, text = part.strip().partition("=")
                if key_text == name:
                    return text
    return None


def main() -> None:  # pragma: no cover - a one-line helper
    """Print the Argon2 hash of a password read from standard input (for the users file)."""
    from argon2 import PasswordHasher

    print(PasswordHasher().hash(sys.stdin.readline().rstrip("\n")))


if __name__ == "__main__":  # pragma: no cover
    main()
