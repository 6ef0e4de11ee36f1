"""The HTTP service in process (FastAPI TestClient, real worker processes): every endpoint,
error and limit; a worker over the time limit or killed is replaced."""

import copy
import io
import json
import os
import re
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import health_eval.service.http as service_module
from health_eval.cli import app as cli_app
from health_eval.issues import ISSUE_COLUMNS
from health_eval.service.http import Settings, create_app
from health_eval.service.http_guard import Guard
from health_eval.service.input import safe_filename
from health_eval.service.schema.example import example_request
from health_eval.service.schema.request import evaluate_request
from health_eval.service.schema.v1 import (
    ErrorResponse,
    EvaluateResponse,
    HealthResponse,
    IndicatorsResponse,
    ProfilesResponse,
    ValidateResponse,
)

KEY = "s3cret-key"


@pytest.fixture(scope="module")
def example() -> dict:
    return example_request()


@pytest.fixture(scope="module")
def workbook(example) -> bytes:
    """The example request's tables as an .xlsx workbook, one sheet per table code."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, records in example["tables"].items():
            pd.DataFrame(records).to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def make_client(**settings) -> TestClient:
    """A client of the application with one worker process unless told (each one spawned and
    warmed up when the client starts)."""
    return TestClient(create_app(Settings(**{"workers": 1, **settings})))


@pytest.fixture(scope="module")
def client():
    with make_client() as client:
        yield client


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    ErrorResponse.model_validate(body)
    assert body["error"] == code
    assert "Traceback" not in response.text
    return body


def same_apart_from_timestamp(service_text: str, python_text: str) -> bool:
    """Byte equality of two result JSON texts once the timestamp value is blanked."""
    def blank(text: str) -> str:
        stamp = json.loads(text)["provenance"]["timestamp"]
        return text.replace(json.dumps(stamp), '""')
    return blank(service_text) == blank(python_text)


def upload(client, data: bytes, filename="河湖数据.xlsx", path="/v1/evaluate", **fields):
    return client.post(path, files={"file": (filename, data, "application/octet-stream")},
                       data=fields)


# --- endpoints -------------------------------------------------------------------------------

def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert HealthResponse.model_validate(response.json()).status == "ok"


def test_profiles(client):
    response = client.get("/v1/profiles")
    assert response.status_code == 200
    profiles = ProfilesResponse.model_validate(response.json()).profiles
    assert {"mwr2020-river", "mwr2020-lake"} <= {p.id for p in profiles}
    assert all(p.mandatory <= p.indicators for p in profiles)


def test_indicators_with_and_without_profile(client):
    every = IndicatorsResponse.model_validate(client.get("/v1/indicators").json())
    assert all(i.required is None for i in every.indicators)
    river = IndicatorsResponse.model_validate(
        client.get("/v1/indicators", params={"profile": "mwr2020-river"}).json())
    assert river.profile == "mwr2020-river"
    assert {i.id for i in river.indicators} < {i.id for i in every.indicators}
    assert any(i.required for i in river.indicators)
    assert next(i for i in river.indicators if i.id == "water.wq_grade").required
    error(client.get("/v1/indicators", params={"profile": "mwr2099"}), 404, "unknown_profile")
    body = error(client.get("/v1/indicators", params={"profile": "../profiles/x.yaml"}), 422,
                 "invalid_request")
    assert body["issues"][0]["column"] == "query.profile"


def test_evaluate_json_equals_the_python_api_byte_for_byte(client, example):
    response = client.post("/v1/evaluate", json=example)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    EvaluateResponse.model_validate(response.json())
    python = evaluate_request(example).to_json(indent=None)
    assert same_apart_from_timestamp(response.text, python)
    assert [w["water_body_id"] for w in response.json()["water_bodies"]] == ["FHGD"]


def test_report_is_the_html_report_of_the_python_api(client, example):
    from health_eval.reports import render_html

    response = client.post("/v1/report", json=example, params={"lang": "en"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    stamp = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\+00:00)?")
    assert stamp.sub("T", response.text) == stamp.sub(
        "T", render_html(evaluate_request(example), "FHGD", lang="en"))   # same apart from time
    assert "<script src=" not in response.text            # self-contained, opens offline
    error(client.post("/v1/report", json=example, params={"water_body_id": "XX"}), 404,
          "unknown_water_body")


def test_evaluate_upload_equals_json(client, example, workbook):
    response = upload(client, workbook, profile="mwr2020-river", options='{"rounding": 2}')
    assert response.status_code == 200, response.text
    by_upload = EvaluateResponse.model_validate(response.json()).model_dump()
    by_json = evaluate_request(example).to_dict()
    for table in ("water_bodies", "segments", "criteria", "indicators"):
        assert by_upload[table] == by_json[table], table
    # the same problems; located in the workbook (file, sheet, Excel row) instead of records
    what = ("table", "column", "value", "rule", "severity")
    assert ([{k: i[k] for k in what} for i in by_upload["issues"]]
            == [{k: i[k] for k in what} for i in by_json["issues"]])
    assert {i["file"] for i in by_upload["issues"] if i["sheet"]} <= {"河湖数据.xlsx"}
    provenance = response.json()["provenance"]
    assert provenance["dataset"] == "河湖数据"
    assert list(provenance["inputs"]) == ["河湖数据.xlsx"]
    assert provenance["options"] == {"rounding": 2}


def test_upload_issues_name_the_uploaded_file_never_the_server_path(client, example):
    tables = json.loads(json.dumps(example["tables"]))
    tables["segments"][0]["length_km"] = "长"
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, records in tables.items():
            pd.DataFrame(records).to_excel(writer, sheet_name=name, index=False)
    body = error(upload(client, buffer.getvalue(), filename="../../etc/bad.xlsx"), 422,
                 "invalid_input")
    [bad] = [i for i in body["issues"] if i["rule"] == "type.float"]
    assert (bad["file"], bad["sheet"], bad["row"], bad["column"]) == (
        "bad.xlsx", "segments", 2, "length_km")
    assert "health-eval-upload" not in json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("filename", ["河" * 300 + ".xlsx", "CON.xlsx", "数据 .xlsx"])
def test_an_upload_of_any_name_is_read_and_named_as_sent(client, workbook, filename):
    """300 Chinese characters (900 bytes: no file system takes them), a reserved Windows name,
    a space before the suffix: on disk the one safe-name function names the file; issues and
    provenance show the name as sent (cleaned and bounded for display only)."""
    response = upload(client, workbook, filename=filename, profile="mwr2020-river")
    assert response.status_code == 200, response.text
    shown = safe_filename(filename)
    assert shown.endswith(".xlsx") and len(shown) <= 100
    provenance = response.json()["provenance"]
    assert list(provenance["inputs"]) == [shown]
    assert provenance["dataset"] == shown[:-5]
    assert {i["file"] for i in response.json()["issues"] if i["sheet"]} <= {shown}


def test_upload_problems(client, workbook):
    error(upload(client, b"not a zip", filename="x.xlsx"), 422, "invalid_input")
    body = error(upload(client, workbook, filename="x.csv"), 422, "invalid_input")
    assert body["issues"][0]["rule"] == "upload.suffix"
    body = error(upload(client, workbook, options="{rounding"), 422, "invalid_input")
    assert body["issues"][0]["rule"] == "request.json_invalid"
    body = error(upload(client, workbook, colour="blue"), 422, "invalid_input")
    assert body["issues"][0]["rule"] == "request.extra_forbidden"
    body = error(client.post("/v1/evaluate", data={"profile": "mwr2020-river"},
                             files={"other": ("a.txt", b"x")}), 422, "invalid_input")
    assert {"request.missing", "request.extra_forbidden"} <= {i["rule"] for i in body["issues"]}
    error(upload(client, workbook, profile="mwr2099-river"), 404, "unknown_profile")
    body = error(upload(client, workbook, profile="/etc/passwd"), 422, "invalid_input")
    assert body["issues"][0]["rule"] == "request.profile_id"


def test_validate(client, example, workbook):
    good = ValidateResponse.model_validate(client.post("/v1/validate", json=example).json())
    assert good.ok and good.tables["wq_samples"] == len(example["tables"]["wq_samples"])
    n = len(example["tables"]["wq_samples"])
    assert good.rows["wq_samples"].model_dump() == {"read": n, "used": n, "rejected": 0}
    assert ValidateResponse.model_validate(upload(client, workbook, path="/v1/validate")
                                           .json()).ok
    broken = {"tables": {"water_bodies": example["tables"]["water_bodies"],
                         "wq_samples": [{"station_id": "X", "date": "someday",
                                         "parameter": "do", "value": 1}]}}
    response = client.post("/v1/validate", json=broken)
    assert response.status_code == 200
    found = ValidateResponse.model_validate(response.json())
    assert not found.ok and found.tables == {}
    rules = {(i.table, i.rule) for i in found.issues}
    assert ("segments", "table.required") in rules and ("wq_samples", "type.date") in rules
    assert all(set(i) == set(ISSUE_COLUMNS) for i in response.json()["issues"])
    error(client.post("/v1/validate", json={"tables": {"water_bodies": []}, "profile": "nope"}),
          404, "unknown_profile")


def test_validate_finds_what_run_finds(client, example):
    """A mandatory indicator left without data passes the rules but fails ``run``: /v1/validate
    says so, with the issues of ``health-eval validate`` (``check_package``)."""
    from health_eval.engine.preview import check_package
    from health_eval.service.schema.request import request_arguments

    request = {**example, "tables": {name: records for name, records in example["tables"].items()
                                     if name != "wq_samples"}}
    found = ValidateResponse.model_validate(client.post("/v1/validate", json=request).json())
    assert not found.ok and "wq_samples" not in found.tables
    errors = {(i.rule, i.column) for i in found.issues if i.severity == "error"}
    assert errors == {("indicator.mandatory_missing", "water.wq_grade"),
                      ("indicator.mandatory_missing", "water.self_purification")}
    arguments = request_arguments(request)
    checked = check_package(arguments.load(), arguments.profile, **arguments.options)
    assert [i.model_dump() for i in found.issues] == [
        {c: getattr(i, c) for c in ISSUE_COLUMNS} for i in checked.issues]


def test_the_schema_states_the_rules_that_refuse_always(client):
    """``{"tables": {}}`` and an upload named .png were accepted by the schema, refused by the
    service (issue 22): the schema now says so."""
    document = client.get("/openapi.json").json()
    assert document["components"]["schemas"]["EvaluateRequest"]["properties"]["tables"][
        "minProperties"] == 1
    error(client.post("/v1/validate", json={"tables": {}}), 422, "invalid_input")
    form = document["paths"]["/v1/evaluate"]["post"]["requestBody"]["content"][
        "multipart/form-data"]
    pattern = form["schema"]["properties"]["file"]["x-filename-pattern"]
    assert re.fullmatch(pattern, "河湖.XLSX") and not re.fullmatch(pattern, "x.png")
    assert not re.fullmatch(pattern, "x.xlsx.png")
    assert "spreadsheetml" in form["encoding"]["file"]["contentType"]


def test_openapi_and_docs(client):
    document = client.get("/openapi.json").json()
    assert {"/v1/evaluate", "/v1/validate", "/v1/report", "/v1/profiles", "/v1/indicators",
            "/healthz"} <= set(document["paths"])
    body = document["paths"]["/v1/evaluate"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert "EvaluateRequest" in document["components"]["schemas"]
    assert client.get("/docs").status_code == 200


# --- invalid input -----------------------------------------------------------------------------

def test_bad_table_is_422_with_issue_rows(client, example):
    request = json.loads(json.dumps(example))
    request["tables"]["segments"][1]["length_km"] = "three"
    del request["tables"]["water_bodies"][0]["kind"]
    body = error(client.post("/v1/evaluate", json=request), 422, "invalid_input")
    assert all(set(issue) == set(ISSUE_COLUMNS) for issue in body["issues"])
    places = {(i["table"], i["row"], i["column"], i["rule"]) for i in body["issues"]}
    assert ("segments", 2, "length_km", "type.float") in places
    assert ("water_bodies", None, "kind", "column.required") in places
    assert all(i["message_zh"] and i["message_en"] for i in body["issues"])


def test_schema_violations_are_422_with_issue_rows(client):
    body = error(client.post("/v1/evaluate", json={"tables": {"segments": [{"a": {"b": 1}}]},
                                                   "extra": 1}), 422, "invalid_input")
    places = {(i["table"], i["row"], i["column"], i["rule"]) for i in body["issues"]}
    assert ("segments", 1, "a", "request.cell_type") in places
    assert ("request", None, "extra", "request.extra_forbidden") in places
    body = error(client.post("/v1/evaluate", content=b"{not json",
                             headers={"content-type": "application/json"}), 422,
                 "invalid_input")
    assert body["issues"][0]["rule"] == "request.json_invalid"
    error(client.post("/v1/evaluate", content=b"x", headers={"content-type": "text/plain"}),
          415, "unsupported_media_type")


def test_unknown_profile_is_404(client, example):
    body = error(client.post("/v1/evaluate", json={**example, "profile": "mwr2099-river"}), 404,
                 "unknown_profile")
    assert "mwr2020-river" in body["message_en"] and body["message_zh"]


@pytest.mark.parametrize("profile", ["../../etc/passwd", "/tmp/x.yaml", "profiles/x.yml",
                                     {"river": "/tmp/x.yaml"}])
def test_path_like_profile_is_422(client, example, profile):
    body = error(client.post("/v1/evaluate", json={**example, "profile": profile}), 422,
                 "invalid_input")
    assert {i["rule"] for i in body["issues"]} == {"request.profile_id"}


def test_inline_profile_may_extend_only_a_packaged_id(client, example, tmp_path, monkeypatch):
    import health_eval.profiles.profile as profile_module

    target = tmp_path / "river.yaml"
    target.write_text("extends: mwr2020-river\nid: from-a-file\n", encoding="utf-8")
    opened = []
    original = profile_module._raw_profile
    monkeypatch.setattr(profile_module, "_raw_profile",
                        lambda name, base: opened.append(str(name)) or original(name, base))
    inline = {"extends": str(target), "id": "mine"}
    body = error(client.post("/v1/evaluate", json={**example, "profile": inline}), 422,
                 "invalid_profile")
    assert "packaged" in body["issues"][0]["message_en"]
    assert str(target) not in opened
    ok = client.post("/v1/evaluate", json={**example, "profile": {
        "extends": "mwr2020-river", "id": "mine", "policies": {"rounding": 2}}})
    assert ok.status_code == 200
    assert set(ok.json()["provenance"]["profiles"]) == {"mine"}


def test_invalid_inline_profile_lists_every_bad_key(client, example):
    inline = {"extends": "mwr2020-river", "id": "mine",
              "criteria": {"water": {"weight": 2}}, "policies": {"rounding": "x"}}
    body = error(client.post("/v1/evaluate", json={**example, "profile": inline}), 422,
                 "invalid_profile")
    columns = {i["column"] for i in body["issues"]}
    assert any(c.startswith("criteria") for c in columns)
    assert "policies.rounding" in columns


def test_unexpected_error_is_500_without_details(example, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail /srv/private")

    monkeypatch.setattr(service_module, "json_job", broken)      # the server's own parsing
    with TestClient(create_app(Settings(workers=1)), raise_server_exceptions=False) as client:
        response = client.post("/v1/evaluate", json=example)
    body = error(response, 500, "internal_error")
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert body["issues"] == []


# --- safety ------------------------------------------------------------------------------------

def test_api_key(example):
    with make_client(api_key=KEY) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/openapi.json").status_code == 200
        error(client.get("/v1/profiles"), 401, "unauthorized")
        error(client.get("/v1/profiles", headers={"X-API-Key": "wrong"}), 401, "unauthorized")
        error(client.get("/v1/profiles", headers={"Authorization": f"Basic {KEY}"}), 401,
              "unauthorized")
        error(client.post("/v1/evaluate", json=example), 401, "unauthorized")
        assert client.get("/v1/profiles", headers={"X-API-Key": KEY}).status_code == 200
        assert client.get("/v1/profiles",
                          headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
        assert client.post("/v1/evaluate", json=example,
                           headers={"X-API-Key": KEY}).status_code == 200
        document = client.get("/openapi.json").json()
        assert set(document["components"]["securitySchemes"]) == {"ApiKey", "Bearer"}
        assert document["paths"]["/v1/evaluate"]["post"]["security"]
        assert "security" not in document["paths"]["/healthz"]["get"]


def test_body_limit_with_content_length(example):
    with make_client(max_body_bytes=1000) as client:
        body = error(client.post("/v1/evaluate", json=example), 413, "too_large")
        assert "MiB" in body["message_en"]
        assert client.post("/v1/evaluate", json={"tables": {}}).status_code == 422


def test_body_limit_without_content_length(example):
    text = json.dumps(example).encode()

    def chunks():
        for start in range(0, len(text), 4096):
            yield text[start:start + 4096]

    with make_client(max_body_bytes=10_000) as client:
        response = client.post("/v1/evaluate", content=chunks(),
                               headers={"content-type": "application/json"})
        error(response, 413, "too_large")


async def _call_guard(guard, headers, chunks):
    """Drive the guard with a raw ASGI request; returns (status, whether the app ran)."""
    sent, ran = [], []
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
                for i, c in enumerate(chunks)]

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/evaluate", "headers": headers}
    guard.app = _recording_app(ran)
    await guard(scope, receive, send)
    return sent[0]["status"] if sent else None, ran


def _recording_app(ran):
    async def app(scope, receive, send):
        message = await receive()
        ran.append(message["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})
    return app


def test_guard_counts_the_body_whatever_content_length_says():
    import asyncio

    guard = Guard(None, api_key=None, max_body_bytes=100)
    big = [b"x" * 60, b"x" * 60]
    lying = [(b"content-length", b"10"), (b"content-type", b"application/json")]
    status, ran = asyncio.run(_call_guard(guard, lying, big))
    assert (status, ran) == (413, [])
    status, ran = asyncio.run(_call_guard(guard, [], big))                 # chunked
    assert (status, ran) == (413, [])
    status, ran = asyncio.run(_call_guard(guard, [(b"content-length", b"abc")], [b"x"]))
    assert status == 413 and ran == []
    status, ran = asyncio.run(_call_guard(guard, [], [b"x" * 50, b"y" * 50]))
    assert (status, ran) == (200, [b"x" * 50 + b"y" * 50])
    status, ran = asyncio.run(_call_guard(guard, [], []))                 # client left
    assert (status, ran) == (None, [])


def test_row_limit_names_the_table(example, workbook):
    with make_client(max_rows=100) as client:
        body = error(client.post("/v1/evaluate", json=example), 413, "too_large")
        over = {i["table"] for i in body["issues"]}
        assert "wq_samples" in over and "segments" not in over
        assert all(i["rule"] == "limit.rows" for i in body["issues"])
        body = error(upload(client, workbook), 413, "too_large")
        assert "wq_samples" in {i["table"] for i in body["issues"]}


def test_unzipped_size_limit(workbook):
    with make_client(max_unzipped_bytes=1000) as client:
        body = error(upload(client, workbook), 413, "too_large")
        assert body["issues"][0]["rule"] == "limit.unzipped"


# --- worker processes --------------------------------------------------------------------------

def wait_for(condition, timeout_s: float = 180.0):
    """Poll ``condition()`` until it is truthy and return it; fail the test after
    ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    pytest.fail(f"not within {timeout_s} s: {condition}")


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def is_dead(pid: int) -> bool:
    """Gone, or a zombie not yet reaped by its parent (Linux ``/proc``)."""
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(") ", 1)[1].startswith("Z")


def in_thread(function) -> tuple[threading.Thread, dict]:
    """Run ``function()`` in a thread; its value lands in the dict under ``"value"``."""
    answer = {}
    thread = threading.Thread(target=lambda: answer.update(value=function()))
    thread.start()
    return thread, answer


def test_workers_are_processes_warm_before_the_first_request(client):
    pool = client.app.state.pool
    assert len(pool.pids) == 1 and pool.pids[0] != os.getpid() and is_running(pool.pids[0])
    assert pool.idle == 1 and pool.busy == []


def test_timeout_is_504_and_the_worker_is_killed_and_replaced(example):
    with make_client(timeout_s=0.05) as client:       # the demo takes ≥ 0.2 s on any machine
        pool = client.app.state.pool
        [first] = pool.pids
        body = error(client.post("/v1/evaluate", json=example), 504, "timeout")
        assert "0.05" in body["message_en"] and "0.05 秒" in body["message_zh"]
        assert not is_running(first)                  # stopped, not left running
        [second] = wait_for(lambda: pool.pids)
        assert second != first
        wait_for(lambda: pool.idle == 1)              # the replacement warms up and waits
        assert is_running(second)


def test_validate_keeps_the_time_limit(example):
    """``/v1/validate`` checks in a worker within ``--timeout``: with a limit shorter than any
    check (the demo's takes ≥ 0.2 s) it answers 504 — it once checked in the server, beyond any
    limit, and answered 200."""
    with make_client(timeout_s=0.05) as client:
        body = error(client.post("/v1/validate", json=example), 504, "timeout")
        assert "0.05" in body["message_en"]


def test_a_killed_worker_answers_503_and_is_replaced(example):
    with make_client() as client:
        pool = client.app.state.pool
        for _ in range(5):       # the kill may land after the evaluation ended: crash it again
            thread, answer = in_thread(lambda: client.post("/v1/evaluate", json=example))
            [victim] = wait_for(lambda: pool.busy)
            os.kill(victim, signal.SIGKILL)               # a real crash, mid-evaluation
            thread.join(timeout=180)
            if answer["value"].status_code != 200:
                break
        body = error(answer["value"], 503, "worker_crashed")
        assert "replaced" in body["message_en"] and "重新启动" in body["message_zh"]
        assert answer["value"].headers["retry-after"] == "1"
        response = client.post("/v1/evaluate", json=example)     # served by the replacement
        assert response.status_code == 200, response.text
        assert victim not in pool.pids and len(pool.pids) == 1
        assert same_apart_from_timestamp(response.text,
                                         evaluate_request(example).to_json(indent=None))


def test_a_worker_that_died_idle_is_replaced_and_the_request_served(example):
    with make_client() as client:
        pool = client.app.state.pool
        [victim] = pool.pids
        os.kill(victim, signal.SIGKILL)               # dies between two requests
        wait_for(lambda: is_dead(victim))
        response = client.post("/v1/evaluate", json=example)
        assert response.status_code == 200, response.text
        assert victim not in pool.pids and len(pool.pids) == 1


def test_healthz_answers_while_every_worker_is_busy(example):
    with make_client() as client:
        pool = client.app.state.pool
        threads = [in_thread(lambda: client.post("/v1/evaluate", json=example))
                   for _ in range(2)]
        wait_for(lambda: pool.busy)
        assert client.get("/healthz").status_code == 200
        assert client.get("/v1/profiles").status_code == 200
        assert pool.busy                               # answered while the worker evaluated
        for thread, _ in threads:
            thread.join(timeout=180)
        assert [answer["value"].status_code for _, answer in threads] == [200, 200]


def test_cors_is_off_by_default_and_on_for_given_origins():
    origin = "https://dashboard.example"
    with make_client() as client:
        response = client.get("/healthz", headers={"Origin": origin})
        assert "access-control-allow-origin" not in response.headers
    with make_client(cors_origins=(origin,), api_key=KEY) as client:
        response = client.get("/v1/profiles", headers={"Origin": origin, "X-API-Key": KEY})
        assert response.headers["access-control-allow-origin"] == origin
        other = client.get("/healthz", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
        preflight = client.options("/v1/evaluate", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-api-key,content-type"})
        assert preflight.status_code == 200


# --- command line ------------------------------------------------------------------------------

def test_serve_without_the_extra_names_the_install_command(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "fastapi" else real(name, *a))
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 2
    assert "pip install 'health-eval[service]'" in result.output
    assert "fastapi" in result.output


def test_serve_passes_its_options_to_the_service(monkeypatch):
    seen = {}
    monkeypatch.setattr(service_module, "serve_forever",
                        lambda settings, host, port, workbench: seen.update(
                            settings=settings, host=host, port=port, workbench=workbench))
    monkeypatch.setenv("HEALTH_EVAL_API_KEY", KEY)
    result = CliRunner().invoke(cli_app, [
        "serve", "--port", "8123", "--max-body-mb", "1.5", "--max-rows", "10", "--timeout", "3",
        "--cors-origin", "https://a.example", "--cors-origin", "https://b.example",
        "--workers", "3", "--header-timeout", "4", "--body-timeout", "5",
        "--max-connections-per-client", "6", "--workbench-dir", "wb", "--archive", "a.db"])
    assert result.exit_code == 0, result.output
    settings = seen["settings"]
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    assert settings.api_key == KEY and settings.max_body_bytes == int(1.5 * 2**20)
    assert (settings.max_rows, settings.timeout_s, settings.workers) == (10, 3.0, 3)
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert (settings.connections.header_timeout_s, settings.body_timeout_s,
            settings.connections.max_connections_per_client) == (4.0, 5.0, 6)
    assert (str(seen["workbench"].folder), seen["workbench"].archive) == ("wb", "a.db")
    assert KEY not in result.output


def test_serve_warns_when_it_binds_beyond_loopback_without_a_key(monkeypatch):
    monkeypatch.setattr(service_module, "serve_forever",
                        lambda settings, host, port, workbench: None)
    monkeypatch.delenv("HEALTH_EVAL_API_KEY", raising=False)
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0
    assert "without an API key" in result.output
    quiet = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--api-key", KEY])
    assert "without an API key" not in quiet.output


def test_evaluate_refuses_data_that_break_a_rule(client, example):
    broken = copy.deepcopy(example)          # the fixture is shared by the module's tests
    broken["tables"]["wq_samples"][1]["value"] = -5          # a negative concentration
    body = error(client.post("/v1/evaluate", json=broken), 422, "invalid_input")
    refused = [(i["table"], i["row"], i["column"], i["value"], i["rule"]) for i in body["issues"]
               if i["severity"] == "error"]
    assert refused == [("wq_samples", 2, "value", "-5", "value.range")]


def test_the_cap_on_requests_in_flight_holds_with_workers(example):
    """One request in flight at most: a second one while the worker evaluates answers 503
    ``busy`` at once, the health check is not counted, and the first one is served."""
    with make_client(max_requests=1) as client:
        pool = client.app.state.pool
        thread, answer = in_thread(lambda: client.post("/v1/evaluate", json=example))
        wait_for(lambda: pool.busy)
        refused = client.post("/v1/evaluate", json=example)
        error(refused, 503, "busy")
        assert refused.headers["retry-after"] == "1"
        assert client.get("/healthz").status_code == 200
        thread.join(timeout=180)
        assert answer["value"].status_code == 200, answer["value"].text[:500]
