"""Idle and slow connections against a real ``health-eval serve`` process (issue 22).

About 80 sockets that opened and sent nothing used to make uvicorn answer 503 to everyone (its
``limit_concurrency`` counted them and nothing timed them out).
"""

import socket
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from health_eval.service.schema.example import example_request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from service import local_server  # noqa: E402


def idle_sockets(stack: ExitStack, url: str, count: int) -> list[socket.socket]:
    host, port = url.removeprefix("http://").split(":")
    sockets = []
    for _ in range(count):
        sock = stack.enter_context(socket.create_connection((host, int(port)), timeout=30))
        sockets.append(sock)
    return sockets


def closed_by_server(sock: socket.socket) -> bool:
    """True when the server closed the socket (a read gives end of file, or a reset)."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_200_idle_sockets_leave_healthz_and_an_evaluation_answering():
    with local_server("--header-timeout", "120") as url, ExitStack() as stack:
        idle_sockets(stack, url, 200)
        time.sleep(0.5)                                  # let the server accept them all
        with httpx.Client(base_url=url, timeout=120) as client:
            assert client.get("/healthz").json()["status"] == "ok"
            response = client.post("/v1/evaluate", json=example_request())
        assert response.status_code == 200, response.text
        assert {row["water_body_id"] for row in response.json()["water_bodies"]} \
            == {row["water_body_id"] for row in example_request()["tables"]["water_bodies"]}


def test_a_silent_socket_is_closed_after_the_header_timeout_and_a_slow_head_too():
    with local_server("--header-timeout", "1") as url, ExitStack() as stack:
        silent, slow = idle_sockets(stack, url, 2)
        slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")          # never ends the head
        assert closed_by_server(silent)
        assert closed_by_server(slow)
        with httpx.Client(base_url=url, timeout=30) as client:
            assert client.get("/healthz").status_code == 200


def test_over_the_per_client_cap_the_oldest_idle_sockets_are_closed():
    with local_server("--header-timeout", "120", "--max-connections-per-client", "5") as url, \
            ExitStack() as stack:
        sockets = idle_sockets(stack, url, 8)
        with httpx.Client(base_url=url, timeout=30) as client:     # a ninth connection
            assert client.get("/healthz").status_code == 200
        assert all(closed_by_server(sock) for sock in sockets[:4])
        sockets[-1].sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert sockets[-1].recv(200).startswith(b"HTTP/1.1 200")


def test_a_dripping_body_is_answered_408():
    with local_server("--body-timeout", "1") as url, ExitStack() as stack:
        [sock] = idle_sockets(stack, url, 1)
        sock.sendall(b"POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nContent-Length: 100\r\n\r\n{")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408"), answer
        assert b"body_timeout" in answer
