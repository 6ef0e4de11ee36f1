"""The HTTP service's outer guard: API key, requests in flight and request-body limits, before
any parsing.

A plain ASGI middleware, so both checks happen before the application reads a byte it does not
need: a request without the right key is answered 401 without its body being read, and a body is
counted while it is read — whatever ``Content-Length`` says, and also when there is none
(chunked) — and answered 413 as soon as it passes the limit. The body read is then handed to the
application unchanged. The whole body must arrive within a deadline (408 otherwise: a client
dripping bytes cannot hold a request open), and at most ``max_requests`` requests are in flight
(503 with ``Retry-After`` beyond; the open paths are never counted, so the health check answers).
Connections that send nothing are the serving layer's business (:mod:`health_eval.service.serving`).

Every error answer has the body of :class:`health_eval.service.schema.v1.ErrorResponse`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from ..issues import Issue, issue_records

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
    body_timeout_s : float or None
        Longest time to receive the whole body [s]; None: no deadline.
    max_requests : int or None
        Most requests in flight (open paths not counted); None: no cap.
    keyed_prefix : str or None
        When set, only paths under it need the key (the workbench's pages beside the API have
        their own accounts); None: every path but ``open_paths``.
    """

    def __init__(self, app: ASGIApp, *, api_key: str | None, max_body_bytes: int,
                 open_paths: Iterable[str] = (), body_timeout_s: float | None = None,
                 max_requests: int | None = None, keyed_prefix: str | None = None):
        self.app = app
        self.key = api_key.encode("utf-8") if api_key else None
        self.max_body_bytes = max_body_bytes
        self.open_paths = frozenset(open_paths)
        self.body_timeout_s = body_timeout_s
        self.max_requests = max_requests
        self.in_flight = 0
        self.keyed_prefix = keyed_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in self.open_paths:
            await self._guarded(scope, receive, send)
            return
        if self.max_requests is not None and self.in_flight >= self.max_requests:
            await _answer(send, 503, error_body(
                "busy", "服务繁忙，请稍后重试", "the service is busy; retry shortly"),
                [(b"retry-after", b"1")])
            return
        self.in_flight += 1
        try:
            await self._guarded(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        keyed = self.keyed_prefix is None or scope["path"].startswith(self.keyed_prefix)
        if self.key is not None and keyed and scope["path"] not in self.open_paths \
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
            body = await asyncio.wait_for(self._read_body(receive), self.body_timeout_s)
        except _Disconnected:
            return
        except TimeoutError:
            await _answer(send, 408, error_body(
                "body_timeout", f"请求体未在 {self.body_timeout_s:g} 秒内收完",
                f"the request body did not arrive within {self.body_timeout_s:g} s"),
                [(b"connection", b"close")])
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
