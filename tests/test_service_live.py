"""A real uvicorn process (``health-eval serve``) on a free loopback port, and the benchmark.

No timing is asserted: the benchmark's figures are only printed.
"""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from health_eval.service.schema.example import example_request
from health_eval.service.schema.request import evaluate_request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from service import local_server  # noqa: E402

KEY = "live-test-key"


@pytest.fixture(scope="module")
def server():
    with local_server("--max-body-mb", "1", "--workers", "2",
                      env={"HEALTH_EVAL_API_KEY": KEY}) as url:
        yield url


def canonical(data: dict) -> str:
    data = json.loads(json.dumps(data))
    data["provenance"].pop("timestamp")
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def test_live_service_answers_like_the_python_api(server):
    request = example_request()
    with httpx.Client(base_url=server, timeout=120) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.get("/v1/profiles").status_code == 401               # key from the env
        response = client.post("/v1/evaluate", json=request, headers={"X-API-Key": KEY})
    assert response.status_code == 200, response.text
    assert canonical(response.json()) == canonical(evaluate_request(request).to_dict())


def test_four_clients_at_once_all_get_the_python_result(server):
    request = example_request()
    want = canonical(evaluate_request(request).to_dict())

    def client(_: int) -> list[tuple[int, str]]:
        with httpx.Client(base_url=server, timeout=180, headers={"X-API-Key": KEY}) as session:
            return [(r.status_code, canonical(r.json()) if r.status_code == 200 else r.text)
                    for r in (session.post("/v1/evaluate", json=request) for _ in range(2))]

    with ThreadPoolExecutor(max_workers=4) as clients:
        answers = [a for answers in clients.map(client, range(4)) for a in answers]
    assert answers == [(200, want)] * 8


def test_live_service_limits_a_chunked_body(server):
    def chunks():
        for _ in range(64):
            yield b" " * 32768                                           # 2 MiB, no length

    with httpx.Client(base_url=server, timeout=60) as client:
        response = client.post("/v1/evaluate", content=chunks(),
                               headers={"content-type": "application/json",
                                        "Authorization": f"Bearer {KEY}"})
        assert response.status_code == 413
        assert response.json()["error"] == "too_large"
        assert client.get("/healthz").status_code == 200


def test_benchmark_prints_one_json_line():
    completed = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "service.py"),
                                "--requests", "6", "--concurrency", "2", "--workers", "1"],
                               capture_output=True, text=True, timeout=300, check=True)
    [line] = completed.stdout.splitlines()
    figures = json.loads(line)
    assert set(figures) == {"requests", "concurrency", "workers", "requests_per_s", "p50_ms",
                            "p95_ms", "errors", "in_process_ms", "service_over_in_process",
                            "in_process_cpu_ms", "cpu_ms_per_request", "cpu_over_in_process",
                            "server_cpu_ms_per_request"}
    assert (figures["requests"], figures["concurrency"], figures["errors"]) == (6, 2, 0)
    assert figures["service_over_in_process"] == pytest.approx(
        figures["requests_per_s"] * figures["in_process_ms"] / 1000, abs=0.01)
    assert figures["cpu_ms_per_request"] > figures["server_cpu_ms_per_request"] >= 0
