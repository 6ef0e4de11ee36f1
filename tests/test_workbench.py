"""The workbench's pages through the application (FastAPI's test client; the browser path is in
test_workbench_browser.py): projects, upload and check, run, results, history."""

import io
import re
import time
import zipfile

import openpyxl
import pytest
from fastapi.testclient import TestClient
from workbench_files import DEMO, DEMO_2022, demo_workbook

from health_eval.service import Settings, create_app
from health_eval.workbench import WorkbenchSettings
from health_eval.workbench.app import filter_issues


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
    run_id = run.headers["location"].rsplit("/", 1)[1]
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


@pytest.fixture
def accounts(tmp_path):
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
    from health_eval.workbench.accounts import load_users

    app = create_app(Settings(), workbench=WorkbenchSettings(folder=tmp_path / "wb",
                                                             users=load_users(users)))
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
