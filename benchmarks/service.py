"""Throughput and latency of the HTTP service under a bounded load on the loopback address.

Evaluates the example request (``health-eval schema example-request``: the demo river) in this
process until warm and times it, then starts ``health-eval serve`` (uvicorn, ``--workers``
worker processes) in a subprocess on a free port of 127.0.0.1, waits for ``/healthz`` (the
workers are warm by then), sends ``--requests`` POSTs of the same request from
``--concurrency`` clients at once, stops the server, and prints one JSON line::

    {"requests": 200, "concurrency": 4, "workers": 2, "requests_per_s": ..., "p50_ms": ...,
     "p95_ms": ..., "errors": 0, "in_process_ms": ..., "service_over_in_process": ...,
     "in_process_cpu_ms": ..., "cpu_ms_per_request": ..., "server_cpu_ms_per_request": ...,
     "cpu_over_in_process": ...}

``in_process_ms`` is the median warm ``evaluate_request`` + ``to_json`` in this process;
``service_over_in_process`` is requests/s of the service ÷ evaluations/s in process (one
thread): the parallelism the workers give, net of the service's own cost. On a machine others
load, wall-clock figures say little, so the CPU time is counted too: ``cpu_ms_per_request`` is
the CPU time the server and its workers spent per request (from ``/proc``, Linux; null
elsewhere), ``in_process_cpu_ms`` that of one evaluation in process, and
``cpu_over_in_process`` their ratio — what the service costs beyond the evaluation itself;
``server_cpu_ms_per_request`` is the server's own part (HTTP, parsing and checking, the pipe),
the part one process does for every worker.

Run from the repository root (needs the ``service`` extra; the ``test`` extra has it)::

    .venv/bin/python benchmarks/service.py
    .venv/bin/python benchmarks/service.py --requests 200 --concurrency 4 --workers 2

Traffic goes to 127.0.0.1 only, and the run is bounded by ``--requests``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:            # health_eval when not installed
    sys.path.insert(0, str(HERE.parent))

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port of the loopback address that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@contextmanager
def local_server(*options: str, env: dict[str, str] | None = None,
                 startup_s: float = 180.0) -> Iterator[str]:
    """Run ``health-eval serve`` on a free loopback port; yield its base URL; stop it.

    Parameters
    ----------
    *options : str
        More ``health-eval serve`` options (``--api-key`` is better given in ``env``).
    env : dict, optional
        Extra environment variables (``HEALTH_EVAL_API_KEY``).
    startup_s : float
        How long to wait for ``/healthz`` [s] (the workers warm up first).

    Raises
    ------
    RuntimeError
        When the server exits or does not answer in time (its log is in the message).
    """
    with server_process(*options, env=env, startup_s=startup_s) as (url, _):
        yield url


@contextmanager
def server_process(*options: str, env: dict[str, str] | None = None,
                   startup_s: float = 180.0) -> Iterator[tuple[str, subprocess.Popen]]:
    """:func:`local_server`, yielding the server's process too."""
    port = free_port()
    command = [sys.executable, "-m", "health_eval.cli", "serve", "--host", LOOPBACK,
               "--port", str(port), *options]
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
        url = f"http://{LOOPBACK}:{port}"
        try:
            _wait_until_healthy(process, url, startup_s, log)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def cpu_seconds(pid: int) -> tuple[float, float] | None:
    """User + system CPU time [s] of process ``pid`` alone and with its descendants (the server,
    and the server with its workers), from ``/proc``; None where there is no ``/proc``."""
    if not Path(f"/proc/{pid}/stat").exists():
        return None
    family, times = [pid], []
    for member in family:                       # grows while it is walked: descendants too
        for children in Path(f"/proc/{member}/task").glob("*/children"):
            try:
                family += [int(child) for child in children.read_text().split()]
            except OSError:
                continue
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times.append((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
    return times[0], sum(times)


def _wait_until_healthy(process: subprocess.Popen, url: str, startup_s: float, log) -> None:
    deadline = time.monotonic() + startup_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    log.seek(0)
    raise RuntimeError(f"the service did not start (exit code {process.poll()}):\n{log.read()}")


def load(url: str, body: bytes, requests: int, concurrency: int,
         headers: dict[str, str] | None = None) -> dict:
    """POST ``body`` to ``/v1/evaluate`` ``requests`` times from ``concurrency`` threads."""
    latencies: list[float] = []
    errors = 0
    remaining = iter(range(requests))
    lock = threading.Lock()
    headers = {"content-type": "application/json", **(headers or {})}

    def client() -> None:
        nonlocal errors
        with httpx.Client(base_url=url, timeout=120.0) as session:
            while True:
                with lock:
                    if next(remaining, None) is None:
                        return
                start = time.perf_counter()
                try:
                    ok = session.post("/v1/evaluate", content=body,
                                      headers=headers).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    errors += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def percentile(q: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1)

    return {"requests": requests, "concurrency": concurrency,
            "requests_per_s": round(requests / wall, 2), "p50_ms": percentile(0.50),
            "p95_ms": percentile(0.95), "errors": errors}


def in_process_ms(request: dict, repeats: int = 7) -> tuple[float, float]:
    """Median wall and CPU time of a warm evaluation of ``request`` in this process [ms], the
    answer serialised as the service sends it."""
    from health_eval.service.schema.request import evaluate_request

    evaluate_request(request).to_json(indent=None)                    # warm-up
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        evaluate_request(request).to_json(indent=None)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return round(1000 * statistics.median(wall), 1), round(1000 * statistics.median(cpu), 1)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests to send in all")
    parser.add_argument("--concurrency", type=int, default=4, help="clients at once")
    parser.add_argument("--workers", type=int, default=None,
                        help="the server's --workers (default: its own, the number of CPUs)")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")

    from health_eval.service.schema.example import example_request

    request = example_request()
    alone_ms, alone_cpu_ms = in_process_ms(request)
    body = json.dumps(request, ensure_ascii=False).encode("utf-8")
    workers = args.workers or os.cpu_count() or 1
    with server_process("--workers", str(workers), "--no-workbench") as (url, server):
        cpu_before = cpu_seconds(server.pid)
        figures = load(url, body, args.requests, args.concurrency)
        cpu_after = cpu_seconds(server.pid)
    server_ms, cpu_ms = (None, None) if cpu_before is None or cpu_after is None else (
        round(1000 * (after - before) / args.requests, 1)
        for before, after in zip(cpu_before, cpu_after, strict=True))
    figures.update(
        workers=workers, in_process_ms=alone_ms, service_over_in_process=round(
            figures["requests_per_s"] * alone_ms / 1000, 2),
        in_process_cpu_ms=alone_cpu_ms, cpu_ms_per_request=cpu_ms,
        server_cpu_ms_per_request=server_ms,
        cpu_over_in_process=None if cpu_ms is None else round(cpu_ms / alone_cpu_ms, 2))
    print(json.dumps(figures), flush=True)
    return figures


if __name__ == "__main__":
    main()
