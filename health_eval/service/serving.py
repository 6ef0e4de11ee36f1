"""Serving the application with uvicorn so that idle connections cannot starve it.

uvicorn's ``limit_concurrency`` counts *connections*, and a connection that opens and sends
nothing is never timed out (uvicorn arms its keep-alive timer only after a response). So about 80
silent sockets made the service answer 503 to everyone. This module replaces that limit by three
rules on the h11 protocol, and leaves the count of *requests* in flight to the application's
guard (:class:`health_eval.service.http_guard.Guard`), where a silent socket is never counted:

* **header timeout** — a connection must deliver a whole request head within
  ``header_timeout_s`` of opening, or of the end of its previous response; otherwise it is closed
  (a silent or slowloris socket);
* **per-client cap** — one client address holds at most ``max_connections_per_client``
  connections; over the cap, that client's oldest *idle* connection (no request in progress) is
  closed to make room, and the new one is refused only when all of them are busy;
* **total cap** — at most ``max_connections`` connections; over it, the oldest idle connection of
  anyone is closed, else the new one.

Closing idle connections first means a working request never waits behind a silent socket. The
request body's own deadline is the guard's (``body_timeout_s``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["ConnectionRules", "guarded_protocol"]


@dataclass(frozen=True)
class ConnectionRules:
    """Limits on connections, before any request is read.

    Parameters
    ----------
    header_timeout_s : float
        Longest wait for a whole request head [s], from the connection's opening or the end of
        its previous response.
    max_connections_per_client : int
        Most connections one client address may hold.
    max_connections : int
        Most connections in all.
    """

    header_timeout_s: float = 10.0
    max_connections_per_client: int = 64
    max_connections: int = 1000


class _GuardedH11(H11Protocol):
    """uvicorn's h11 protocol with :class:`ConnectionRules` (set on the subclass)."""

    rules = ConnectionRules()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._opened = self.loop.time()
        self._head_timer: asyncio.TimerHandle | None = None
        if self._make_room():
            self._arm_head_timer()
        else:
            transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_timer()

    def _idle(self) -> bool:
        """No request in progress: none yet, or the last one answered."""
        return self.cycle is None or self.cycle.response_complete

    def _make_room(self) -> bool:
        """Close the oldest idle connections over the caps; False when this one must go."""
        rules = self.rules
        mine = [c for c in self.connections if c.client and self.client
                and c.client[0] == self.client[0]]
        for group, cap in ((mine, rules.max_connections_per_client),
                           (list(self.connections), rules.max_connections)):
            excess = len(group) - cap
            if excess <= 0:
                continue
            idle = sorted((c for c in group if c is not self and c._idle()),
                          key=lambda c: c._opened)
            if len(idle) < excess:
                return False
            for connection in idle[:excess]:
                connection.transport.close()
                self.connections.discard(connection)
        return True

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(self.rules.header_timeout_s, self._head_expired,
                                                self.cycle)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_expired(self, cycle_when_armed) -> None:
        """Close the connection when no new request head came since the timer was armed."""
        self._head_timer = None
        if self.cycle is cycle_when_armed and self._idle():
            self.transport.close()


def guarded_protocol(rules: ConnectionRules) -> type[H11Protocol]:
    """The uvicorn ``http`` protocol class enforcing ``rules``."""
    return type("GuardedH11Protocol", (_GuardedH11,), {"rules": rules})
