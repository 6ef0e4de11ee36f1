"""The HTTP service's outer guard: API key and request-body limit, before any parsing.

A plain ASGI middleware, so both checks happen before the application reads a byte it does not
need: a request without the right key is answered 401 without its body being read, and a body is
counted while it is read — whatever ``Content-Length`` says, and also when there is none
(chunked) — and answered 413 as soon as it passes the limit. The body read is then handed to the
application unchanged.

Every error answer has the body of :class:`health_eval.schema.v1.ErrorResponse`.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from .issues import Issue, issue_records

__all__ = ["Guard", "error_body"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def error_body(code: str, message_zh: str, message_en: str, issues: Iterable[Issue] = ()
               ) -> bytes:
    """The JSON of an error answer: stable ``error`` code, messages, and issue rows."""
    body = {"error": code, "message_zh": message_zh, "message_en": message_en,
            "issues": issue_records(issues)}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


class Guard:
    """ASGI middleware: optional API key, then the body limit.

    Parameters
    ----------
    app : ASGI application
        The application behind the guard.
    api_key : str or None
        When set, every path but ``open_paths`` needs it in ``X-API-Key`` or
        ``Authorization: Bearer``; compared in constant time.
    max_body_bytes : int
        Largest request body.
    open_paths : iterable of str
        Paths answered without a key (health check, API documentation).
    """

    def __init__(self, app: ASGIApp, *, api_key: str | None, max_body_bytes: int,
                 open_paths: Iterable[str] = ()):
        self.app = app
        self.key = api_key.encode("utf-8") if api_key else None
        self.max_body_bytes = max_body_bytes
        self.open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if self.key is not None and scope["path"] not in self.open_paths \
                and not self._authorised(headers):
            await _answer(send, 401, error_body(
                "unauthorized", "缺少或错误的 API 密钥（X-API-Key 或 Authorization: Bearer）",
                "missing or wrong API key (X-API-Key or Authorization: Bearer)"),
                [(b"www-authenticate", b"Bearer")])
            return
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit()
                                     or int(declared) > self.max_body_bytes):
            await self._too_large(send)
            return
        try:
            body = await self._read_body(receive)
        except _Disconnected:
            return
        if body is None:
            await self._too_large(send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _authorised(self, headers: dict[bytes, bytes]) -> bool:
        given = headers.get(b"x-api-key")
        if given is None:
            scheme, _, token = headers.get(b"authorization", b"").partition(b" ")
            given = token.strip() if scheme.lower() == b"bearer" else b""
        return hmac.compare_digest(given, self.key)

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it passes the limit; :class:`_Disconnected` when
        the client leaves first."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _too_large(self, send: Send) -> None:
        limit = self.max_body_bytes / 2**20
        await _answer(send, 413, error_body(
            "too_large", f"请求体超过上限 {limit:g} MiB", f"request body over the limit of "
                                                        f"{limit:g} MiB"),
            [(b"connection", b"close")])


class _Disconnected(Exception):
    """The client left before its body was read."""


def _headers(scope: Scope) -> dict[bytes, bytes]:
    """Request headers by lower-case name (the last one wins)."""
    return {name.lower(): value for name, value in scope.get("headers", ())}


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read once, then what the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(send: Send, status: int, body: bytes,
                  headers: list[tuple[bytes, bytes]] = ()) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})
