"""The workbench's pages through the application (FastAPI's test client; the browser path is in
test_workbench_browser.py): projects, upload and check, run, results, history."""

import hashlib
import io
import json
import re
import sqlite3
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from workbench_files import DEMO, DEMO_2022, demo_workbook

from health_eval.service.http import Settings, create_app
from health_eval.service.workbench import WorkbenchSettings
from health_eval.service.workbench.accounts import IDLE_S, MAX_AGE_S, load_users
from health_eval.service.workbench.app import filter_issues
from health_eval.service.workbench.options import OptionRefused, RunOptions
from health_eval.service.workbench.store import Records

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from service import local_server  # noqa: E402


@pytest.fixture
def client(tmp_path):
    app = create_app(Settings(api_key="k"), workbench=WorkbenchSettings(folder=tmp_path / "wb"))
    with TestClient(app) as client:
        yield client


def token(client) -> str:
    """The CSRF token of the client's session (from a form of the home page)."""
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)


def new_project(client, district="青云谱区", year=2021) -> str:
    response = client.post("/projects", data={"district": district, "year": year,
                                              "csrf": token(client)}, follow_redirects=False)
    assert response.status_code == 303
    return response.headers["location"]


def send(client, project: str, path, name=None):
    with open(path, "rb") as handle:
        return client.post(f"{project}/uploads", files={"file": (name or path.name, handle)},
                           data={"csrf": token(client)})


def finished(client, run_url: str, seconds: float = 300) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = client.get(run_url).text
        if "已完成" in page or "失败" in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"run {run_url} did not finish")


def test_projects_templates_and_the_api_key_only_on_v1(client):
    assert "还没有评价项目" in client.get("/").text
    project = new_project(client)
    assert "青云谱区 2021" in client.get("/").text and "青云谱区" in client.get(project).text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/template.xlsx").content))
    assert "填表说明" in book.sheetnames and "水质监测数据" in book.sheetnames
    assert b"measures" in client.get("/measures.yaml").content
    assert "Projects" in client.get("/?lang=en").text
    assert client.get("/v1/profiles").status_code == 401
    assert client.get("/v1/profiles", headers={"X-API-Key": "k"}).status_code == 200


def test_issue_filter_and_sort():
    issues = [{"severity": "warning", "sheet": "B", "row": 3, "message_zh": "w"},
              {"severity": "error", "sheet": "A", "row": 9, "message_zh": "e2"},
              {"severity": "error", "sheet": "A", "row": 2, "message_zh": "e1"}]
    assert [i["message_zh"] for i in filter_issues(issues)] == ["e1", "e2", "w"]
    assert [i["message_zh"] for i in filter_issues(issues, sort="row")] == ["e1", "w", "e2"]
    assert [i["message_zh"] for i in filter_issues(issues, severity="warning")] == ["w"]
    assert [i["message_zh"] for i in filter_issues(issues, sheet="A", text="E2")] == ["e2"]


def test_upload_check_run_results_and_history(client, tmp_path):
    project = new_project(client)
    broken = demo_workbook(DEMO, tmp_path / "demo.xlsx", ("水质监测数据", 0, "监测值", "abc"))
    page = send(client, project, broken).text
    assert "有错误，不能评价" in page
    row = re.search(r'<tr class="sev-error">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert cells[:5] == ["错误", "水质监测数据", "2", "value", "abc"]
    partial = client.get(re.search(r'hx-get="(/uploads/\d+)"', page).group(1),
                         params={"severity": "warning"}, headers={"HX-Request": "true"}).text
    assert partial.startswith('<div id="issues">') and "abc" not in partial
    assert "水质监测数据" in page and "<th scope=\"row\">wq_samples</th>" in page

    fixed = demo_workbook(DEMO, tmp_path / "demo_fixed.xlsx")
    assert "可以评价" in send(client, project, fixed).text
    project_page = client.get(project).text
    assert project_page.count("<tr><td><a href=\"/uploads/") == 2          # history kept
    upload_id = re.search(r'<option value="(\d+)">', project_page).group(1)
    run = client.post(f"{project}/runs", data={"upload": upload_id, "csrf": token(client)},
                      follow_redirects=False)
    result = finished(client, run.headers["location"])
    assert "已完成" in result and "二类河湖" in result and "三类河湖" in result
    assert result.index("象湖") < result.index("抚河故道")             # ranked by RHI
    options = re.search(r'<table class="options">(.*?)</table>', result, re.S).group(1)
    assert [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", options)] == [
        "默认（河流 mwr2020-river，湖库 mwr2020-lake）", "按方案原文", "不计算"]
    run_id = run.headers["location"].rsplit("/", 1)[1]
    assert f'href="/runs/{run_id}/reports/FHGD">查看报告</a>' in result
    inline = client.get(f"/runs/{run_id}/reports/FHGD").text
    assert 'aria-label="主导航"' in inline and "抚河故道（演示） · 三类河湖" in inline
    frame = re.search(r'<iframe class="report" src="([^"]+)" sandbox="([^"]+)"', inline)
    assert frame.groups() == (f"/runs/{run_id}/files/FHGD/report.html",
                              "allow-scripts allow-popups")
    framed = client.get(frame.group(1))
    assert "抚河故道" in framed.text and framed.headers["content-security-policy"] == (
        "sandbox allow-scripts allow-popups allow-modals; frame-ancestors 'self'")
    assert str(tmp_path) not in inline + framed.text
    assert client.get(f"/runs/{run_id}/reports/NOPE").status_code == 404
    assert '"../assets/plotly.min.js"' in framed.text           # loaded without a cookie
    with TestClient(client.app) as stranger:
        plotly = stranger.get(f"/runs/{run_id}/files/assets/plotly.min.js")
        assert plotly.status_code == 200 and "set-cookie" not in plotly.headers
    docx = client.get(f"/runs/{run_id}/files/FHGD/report.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "抚河故道" in client.get(f"/runs/{run_id}/files/FHGD/report.html").text
    assert client.get(f"/runs/{run_id}/files/..%2Fworkbench.db").status_code == 404
    assert client.get(f"/runs/{run_id}/files/FHGD/result.json").status_code == 404

    second = new_project(client, year=2022)
    zipped = tmp_path / "demo_2022.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for csv in DEMO_2022.glob("*.csv"):
            archive.write(csv, f"demo_2022/{csv.name}")
    assert "可以评价" in send(client, second, zipped).text
    upload_id = re.search(r'<option value="(\d+)">', client.get(second).text).group(1)
    run = client.post(f"{second}/runs", data={"upload": upload_id, "csrf": token(client)},
                      follow_redirects=False)
    assert "已完成" in finished(client, run.headers["location"])
    history = client.get("/history", params={"water_body": "FHGD"}).text
    assert "<td>2021</td>" in history and "<td>2022</td>" in history
    assert "plotly" in history.lower() and "比较两轮" in history


def test_a_failed_upload_names_the_file_as_text(client, tmp_path):
    project = new_project(client)
    page = send(client, project, demo_workbook(DEMO, tmp_path / "a.xlsx"),
                name="<b>x</b>.png").text
    assert "有错误" in page and "<b>x</b>" not in page and "upload.suffix" in page


def test_a_post_without_the_csrf_token_is_refused(client):
    refused = client.post("/projects", data={"district": "x", "year": 2021})
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert client.post("/projects", data={"district": "x", "year": 2021,
                                          "csrf": "forged"}).status_code == 403
    assert "还没有评价项目" in client.get("/").text


def users_file(tmp_path) -> Path:
    """Two users: wang (青云谱区) and li (西湖区)."""
    from argon2 import PasswordHasher

    hasher = PasswordHasher()
    users = tmp_path / "users.yaml"
    users.write_text(f"""users:
  wang:
    password_hash: "{hasher.hash('wang-pass')}"
    districts: [青云谱区]
  li:
    password_hash: "{hasher.hash('li-pass')}"
    districts: [西湖区]
""", encoding="utf-8")
    return users


@pytest.fixture
def accounts(tmp_path):
    app = create_app(Settings(), workbench=WorkbenchSettings(
        folder=tmp_path / "wb", users=load_users(users_file(tmp_path))))
    with TestClient(app) as wang, TestClient(app) as li:
        yield wang, li


def log_in(client, name, password):
    page = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf},
                       follow_redirects=False)


def test_accounts_keep_each_district_to_itself(accounts):
    wang, li = accounts
    first = wang.get("/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/login"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert log_in(wang, "wang", "wrong").status_code == 401
    before = wang.cookies.get("he_session")
    assert log_in(wang, "wang", "wang-pass").status_code == 303
    assert wang.cookies.get("he_session") != before                   # a new session
    project = new_project(wang)
    assert "青云谱区" in wang.get(project).text
    assert wang.post("/projects", data={"district": "西湖区", "year": 2021,
                                        "csrf": token(wang)}).status_code == 403
    assert log_in(li, "li", "li-pass").status_code == 303
    assert li.get(project).status_code == 404                         # not by URL either
    assert "青云谱区" not in li.get("/").text


def test_html_in_names_is_shown_as_text(client, tmp_path):
    project = new_project(client, district="<script>alert(1)</script>")
    page = client.get(project).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    payload = "<img src=x onerror=alert(1)>"
    workbook = demo_workbook(DEMO, tmp_path / "a.xlsx", ("河湖名录", 0, "河湖名称", payload))
    shown = send(client, project, workbook, name="../../x.xlsx").text
    assert "x.xlsx" in shown and "../" not in re.search(r"<h1>(.*?)</h1>", shown, re.S).group(1)
    stored = list((tmp_path / "wb" / "uploads").iterdir())
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{32}\.xlsx", stored[0].name)
    upload_id = re.search(r'<option value="(\d+)">', client.get(project).text).group(1)
    run = client.post(f"{project}/runs", data={"upload": upload_id, "csrf": token(client)},
                      follow_redirects=False)
    results = finished(client, run.headers["location"])
    assert payload not in results and "&lt;img src=x onerror=alert(1)&gt;" in results


def test_two_runs_at_once_both_finish(client, tmp_path):
    """Two users running together: both Word reports are drawn (kaleido's global browser
    failed with AttributeError '_thread' when two threads drew at once)."""
    workbook = demo_workbook(DEMO, tmp_path / "demo.xlsx")
    runs = []
    for district in ("甲区", "乙区"):
        project = new_project(client, district=district)
        send(client, project, workbook)
        upload_id = re.search(r'<option value="(\d+)">', client.get(project).text).group(1)
        runs.append(client.post(f"{project}/runs", data={"upload": upload_id,
                                                         "csrf": token(client)},
                                follow_redirects=False).headers["location"])
    pages = [finished(client, run) for run in runs]
    assert all("已完成" in page and "二类河湖" in page for page in pages), pages


def test_a_run_over_its_time_limit_is_stopped_and_says_so(tmp_path):
    """The worker running it is killed (the demo's run takes seconds, its limit 0.05 s)."""
    app = create_app(Settings(workers=1), workbench=WorkbenchSettings(folder=tmp_path / "wb",
                                                                      run_timeout_s=0.05))
    with TestClient(app) as client:
        project = new_project(client)
        send(client, project, demo_workbook(DEMO, tmp_path / "demo.xlsx"))
        upload_id = re.search(r'<option value="(\d+)">', client.get(project).text).group(1)
        run = client.post(f"{project}/runs", data={"upload": upload_id, "csrf": token(client)},
                          follow_redirects=False)
        page = finished(client, run.headers["location"])
        assert "<strong class=\"status-failed\">失败</strong>" in page
        assert "评价超时，已停止。" in page


def test_run_options_from_the_form():
    offered = {"profiles": ["mwr2020-river"], "readings": ["strict"]}
    chosen = RunOptions.from_form(profile="mwr2020-river", reading="strict", confidence="200",
                                  seed="7", **offered)
    assert chosen == RunOptions("mwr2020-river", "strict", 200, 7)
    assert chosen.evaluate_arguments() == {"reading": "strict", "confidence": 200, "seed": 7}
    assert RunOptions.from_form(**offered) == RunOptions()
    assert RunOptions().evaluate_arguments() == {}
    for field, form in (("profile", {"profile": "mwr2020-lake"}),
                        ("reading", {"reading": "lenient"}),
                        ("confidence", {"confidence": "9"}),
                        ("confidence", {"confidence": "2e3"}),
                        ("seed", {"confidence": "100", "seed": "-1"}),
                        ("seed", {"seed": "7"})):
        with pytest.raises(OptionRefused) as refused:
            RunOptions.from_form(**form, **offered)
        assert refused.value.field == field


def test_run_options_are_stored_with_the_run(tmp_path):
    records = Records(tmp_path)
    project = records.add_project("青云谱区", 2021, "p")
    upload = records.add_upload(project, "a.xlsx", "s.xlsx", True, {}, [])
    chosen = RunOptions("mwr2020-lake", "strict", 500, 11)
    assert Records(tmp_path).run(records.add_run(project, upload, chosen))["options"] == chosen
    assert records.run(records.add_run(project, upload, RunOptions()))["options"] == RunOptions()


def test_a_workbench_db_of_the_earlier_version_gains_the_option_columns(tmp_path):
    with sqlite3.connect(tmp_path / "workbench.db") as db:
        db.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, project INTEGER NOT NULL, "
                   "upload INTEGER NOT NULL, profile VARCHAR(100) NOT NULL, created VARCHAR(40) "
                   "NOT NULL, status VARCHAR(20) NOT NULL, done INTEGER NOT NULL, total INTEGER "
                   "NOT NULL, message TEXT NOT NULL, archive_round INTEGER, water_bodies TEXT "
                   "NOT NULL, issues TEXT NOT NULL)")
        db.execute("INSERT INTO runs VALUES (1, 1, 1, '', 'then', 'running', 3, 9, 'x', NULL, "
                   "'[]', '[]')")
    records = Records(tmp_path)
    assert records.run(1)["options"] == RunOptions()
    records.interrupt_runs()                                  # a restarted server's first act
    assert (records.run(1)["status"], records.run(1)["message"]) == ("failed", "interrupted")


def test_an_option_not_offered_is_refused_and_no_run_is_recorded(client, tmp_path):
    project = new_project(client)
    send(client, project, demo_workbook(DEMO, tmp_path / "demo.xlsx"))
    upload_id = re.search(r'<option value="(\d+)">', client.get(project).text).group(1)
    refused = client.post(f"{project}/runs", data={"upload": upload_id, "profile": "nope",
                                                   "csrf": token(client)})
    assert refused.status_code == 422 and "评价方案不可用：nope" in refused.text
    assert "/runs/" not in client.get(project).text


def sessions_table(folder: Path) -> list[tuple]:
    with sqlite3.connect(folder / "workbench.db") as db:
        return db.execute("SELECT digest, csrf, user, started, seen FROM sessions").fetchall()


def age_session(folder: Path, token_text: str, column: str, seconds: float) -> None:
    """Move a session's ``column`` (seen or started) ``seconds`` into the past."""
    with sqlite3.connect(folder / "workbench.db") as db:
        db.execute(f"UPDATE sessions SET {column} = {column} - ? WHERE digest = ?",
                   (seconds, hashlib.sha256(token_text.encode()).hexdigest()))


def test_sessions_are_kept_hashed_expire_and_end_at_logout(accounts, tmp_path):
    wang, li = accounts
    folder = tmp_path / "wb"
    assert log_in(wang, "wang", "wang-pass").status_code == 303
    cookie = wang.cookies.get("he_session")
    digest = hashlib.sha256(cookie.encode()).hexdigest()
    rows = {row[0]: row for row in sessions_table(folder)}
    assert rows[digest][2] == "wang" and cookie not in str(sessions_table(folder))
    age_session(folder, cookie, "seen", IDLE_S - 120)              # idle, not yet too long
    assert wang.get("/", follow_redirects=False).status_code == 200
    age_session(folder, cookie, "seen", IDLE_S + 120)
    expired = wang.get("/", follow_redirects=False)
    assert expired.status_code == 303 and expired.headers["location"] == "/login"
    assert wang.cookies.get("he_session") != cookie                # a new, anonymous session

    assert log_in(li, "li", "li-pass").status_code == 303
    cookie = li.cookies.get("he_session")
    age_session(folder, cookie, "started", MAX_AGE_S + 60)       # seen now, begun too long ago
    assert li.get("/", follow_redirects=False).status_code == 303
    assert log_in(li, "li", "li-pass").status_code == 303
    cookie = li.cookies.get("he_session")
    assert li.post("/logout", data={"csrf": token(li)}).status_code == 200   # the login page
    digests = {row[0] for row in sessions_table(folder)}
    assert hashlib.sha256(cookie.encode()).hexdigest() not in digests
    li.cookies.clear()
    li.cookies.set("he_session", cookie)                           # the old cookie again
    assert li.get("/", follow_redirects=False).status_code == 303


@pytest.mark.slow
def test_a_session_survives_a_restart_of_the_server(tmp_path):
    import httpx

    options = ("--workbench-dir", str(tmp_path / "wb"), "--users", str(users_file(tmp_path)),
               "--workers", "1")
    with local_server(*options) as url, httpx.Client(base_url=url) as client:
        assert log_in(client, "wang", "wang-pass").status_code == 303
        new_project(client)
        cookie = client.cookies.get("he_session")
    with local_server(*options) as url, httpx.Client(base_url=url) as client:
        client.cookies.set("he_session", cookie)
        home = client.get("/")
        assert home.status_code == 200 and "wang" in home.text and "青云谱区 2021" in home.text
        assert client.cookies.get("he_session") == cookie           # no new session


def test_a_run_with_a_reading_and_confidence_of_class(client, tmp_path):
    """The 评价 form's method reading and confidence of class reach the evaluation: the demo
    under ``band-floor`` gives FHGD RHI 61.4 (tests/test_readings.py works it out by hand), the
    run page shows the options, and result.json holds the reading and 10 replicates."""
    project = new_project(client)
    send(client, project, demo_workbook(DEMO, tmp_path / "demo.xlsx"))
    page = client.get(project).text
    assert 'name="reading"' in page and '<option value="band-floor">' in page
    upload_id = re.search(r'<option value="(\d+)">', page).group(1)
    run = client.post(f"{project}/runs", data={"upload": upload_id, "reading": "band-floor",
                                               "confidence": "10", "seed": "3",
                                               "csrf": token(client)},
                      follow_redirects=False).headers["location"]
    done = finished(client, run)
    assert "已完成" in done and "band-floor" in done and "61.4" in done, done
    result = json.loads(client.get(f"{run}/files/result.json").content)
    assert result["provenance"]["reading"] == "band-floor"
    assert result["provenance"]["confidence"]["replicates"] == 10
    assert result["provenance"]["confidence"]["seed"] == 3
