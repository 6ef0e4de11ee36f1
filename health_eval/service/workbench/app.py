"""The workbench's pages, mounted under ``/`` by the service's FastAPI application (the JSON
API stays at ``/v1``).

Server-rendered jinja2 pages (autoescaped), htmx vendored in ``static/`` for partial updates (the
issue table's filter and sort, the run's progress); every page also works without JavaScript.
Chinese by default, English with ``?lang=en``.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from ...issues import issue_records
from ..pool import EvaluationTimeout, WorkerCrashed, WorkerPool
from .accounts import Accounts, SessionMiddleware, User
from .options import CONFIDENCE_DRAWS, OptionRefused, RunOptions
from .store import Records
from .text import LANGUAGES, words
from .work import UploadRefused, check_upload, shown_name, store_upload

__all__ = ["WorkbenchSettings", "mount_workbench"]

HERE = Path(__file__).parent
#: Files of a run that can be downloaded (per water body: report.html, report.docx).
RUN_FILES = ("result.xlsx", "result.json", "issues.xlsx", "summary.html")
WATER_BODY_FILES = ("report.html", "report.docx")
#: Headers of an engine's HTML page served by the workbench: shown only in a sandbox (scripts
#: for the charts, but no access to the workbench's origin, cookies or forms), framed only by
#: the workbench's own pages.
REPORT_HEADERS = {"content-security-policy": "sandbox allow-scripts allow-popups allow-modals; "
                                             "frame-ancestors 'self'",
                  "x-content-type-options": "nosniff"}
ISSUE_SORTS = ("severity", "sheet", "row", "column", "value", "message")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class WorkbenchSettings:
    """Where the workbench keeps its data and how it runs.

    Parameters
    ----------
    folder : Path
        Workbench folder: ``workbench.db``, ``uploads/``, ``runs/``.
    archive_url : str or None
        The health archive (default ``folder/archive.db``).
    run_timeout_s : float
        Time limit of one run [s] (evaluation, reports, archive; waiting for a free worker of
        the service included).
    max_upload_bytes : int
        Largest upload [bytes] (the service's body limit applies first).
    users : dict of User or None
        Accounts (:func:`health_eval.service.workbench.accounts.load_users`); None: single user, no
        login.
    """

    folder: Path
    archive_url: str | None = None
    run_timeout_s: float = 3600.0
    max_upload_bytes: int = 20 * 2**20
    users: dict[str, User] | None = field(default=None, hash=False)

    @property
    def archive(self) -> str:
        return self.archive_url or str(self.folder / "archive.db")


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("health_eval.service.workbench", "templates"),
                      autoescape=select_autoescape(("html",), default=True))
    env.filters["number"] = lambda v, d=1: "—" if v is None else f"{float(v):.{d}f}"
    return env


class Workbench:
    """The state behind the pages: records, the template environment, the service's worker
    processes (which run the evaluations)."""

    def __init__(self, settings: WorkbenchSettings, pool: WorkerPool):
        self.settings, self.pool = settings, pool
        self.accounts = Accounts(settings.users, lambda: self.records)
        self.env = _environment()
        self._runs: set[asyncio.Task] = set()

    @cached_property
    def records(self) -> Records:
        """The records, made on first use (a server whose pages are never opened writes no
        folder); runs a stopped server left unfinished are marked failed."""
        records = Records(self.settings.folder)
        records.interrupt_runs()
        return records

    # pages ----------------------------------------------------------------------------------
    def page(self, request: Request, name: str, status: int = 200, **context: Any
             ) -> HTMLResponse:
        lang = _lang(request)
        context.setdefault("title", words(lang)["title"])
        html = self.env.get_template(name).render(
            t=words(lang), lang=lang, u=partial(_url, lang), path=request.url.path,
            csrf=getattr(request.state, "csrf", ""), user=getattr(request.state, "user", None),
            other_lang="zh" if lang == "en" else "en", **context)
        return HTMLResponse(html, status_code=status)

    def visible(self, request: Request, project: dict | None) -> bool:
        """Whether the request's user may see ``project`` (everyone without accounts)."""
        user = getattr(request.state, "user", None)
        return project is not None and (user is None or project["district"] in user.districts)

    def districts(self, request: Request) -> set[str] | None:
        user = getattr(request.state, "user", None)
        return None if user is None else set(user.districts)

    def identify(self, request: Request) -> None:
        """The request's session and user (a dependency of every page); with accounts, a
        request without a logged-in user is sent to the login page (GET) or refused."""
        session = request.state.session
        request.state.user, request.state.csrf = session.user, session.csrf
        if self.accounts.enabled and session.user is None:
            if request.method == "GET":
                raise HTTPException(303, headers={"location": _url(_lang(request), "/login")})
            raise HTTPException(403, "login needed")

    def check_csrf(self, request: Request, token: str) -> None:
        """Refuse (403) a form post without this session's CSRF token."""
        if not self.accounts.csrf_ok(request.state.session, token):
            raise HTTPException(403, "missing or wrong CSRF token")

    # work -----------------------------------------------------------------------------------
    def upload_path(self, stored: str) -> Path:
        return self.settings.folder / "uploads" / stored

    def run_folder(self, run_id: int) -> Path:
        return self.settings.folder / "runs" / str(run_id)

    def start_run(self, run_id: int, source: Path, options: RunOptions) -> None:
        """Run ``run_id`` in a worker process (from the event loop); the worker records its
        progress and outcome, a run over the time limit or whose worker died is failed here."""
        task = asyncio.create_task(self._run(run_id, source, options))
        self._runs.add(task)
        task.add_done_callback(self._runs.discard)

    async def _run(self, run_id: int, source: Path, options: RunOptions) -> None:
        try:
            await self.pool.run("workbench_run", str(self.settings.folder), run_id, str(source),
                                options, self.settings.archive,
                                timeout_s=self.settings.run_timeout_s)
        except EvaluationTimeout:
            failure = "timeout"
        except WorkerCrashed:
            failure = "worker"
        except Exception as exc:            # noqa: BLE001 - shown on the run page, not lost
            failure = f"{type(exc).__name__}: {exc}"
        else:
            return
        await run_in_threadpool(self.records.update_run, run_id, status="failed",
                                message=failure)


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "zh")
    return lang if lang in LANGUAGES else "zh"


def _url(lang: str, path: str, **query: Any) -> str:
    """A link that keeps the page language."""
    if lang != "zh":
        query["lang"] = lang
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(query)}" if query else path


def filter_issues(issues: list[dict], severity: str = "", sheet: str = "", text: str = "",
                  sort: str = "severity") -> list[dict]:
    """The issues shown: of one severity and sheet (empty: all), containing ``text`` in any
    field, ordered by ``sort`` (one of :data:`ISSUE_SORTS`; then by sheet and row)."""
    chosen = [i for i in issues
              if (not severity or i.get("severity") == severity)
              and (not sheet or (i.get("sheet") or i.get("table") or "") == sheet)
              and (not text or text.lower() in " ".join(str(v) for v in i.values()).lower())]
    key = sort if sort in ISSUE_SORTS else "severity"

    def order(issue: dict):
        value = issue.get("message_zh" if key == "message" else key)
        if key == "severity":
            value = _SEVERITY_ORDER.get(value, 3)
        elif key == "row":
            value = value if isinstance(value, int) else 10**12
        else:
            value = "" if value is None else str(value)
        return (value, str(issue.get("sheet") or ""), issue.get("row") or 0)

    return sorted(chosen, key=order)


def _preview(issues: list[dict]) -> list[dict]:
    """The evaluability preview: the issues about indicators that will lack data (and why)."""
    return [i for i in issues if str(i.get("rule", "")).startswith(("indicator.", "check."))]


def mount_workbench(app: FastAPI, settings: WorkbenchSettings) -> Workbench:
    """Add the workbench's pages to ``app`` (under ``/``; ``/v1`` is left to the API)."""
    bench = Workbench(settings, app.state.pool)
    app.state.workbench = bench
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="workbench-static")
    _public_files(app)
    app.add_middleware(SessionMiddleware, accounts=bench.accounts)
    router = APIRouter(dependencies=[Depends(bench.identify)])
    _login_pages(app, bench)

    def missing(request: Request) -> HTMLResponse:
        return bench.page(request, "message.html", 404, message=words(_lang(request))[
            "not_found"])

    def project_or_none(request: Request, project_id: int) -> dict | None:
        project = bench.records.project(project_id)
        return project if bench.visible(request, project) else None

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        return bench.page(request, "projects.html",
                          projects=bench.records.projects(bench.districts(request)))

    @router.post("/projects")
    def create_project(request: Request, district: str = Form(..., max_length=100),
                       year: int = Form(..., ge=1949, le=2200),
                       name: str = Form("", max_length=200), csrf: str = Form("")) -> Response:
        bench.check_csrf(request, csrf)
        districts = bench.districts(request)
        if districts is not None and district not in districts:
            return bench.page(request, "message.html", 403, message=f"{district}: 403")
        project_id = bench.records.add_project(district.strip(), year,
                                               name.strip() or f"{district} {year}")
        return RedirectResponse(_url(_lang(request), f"/projects/{project_id}"), 303)

    @router.get("/template.xlsx")
    def input_template() -> Response:
        from ...template import write_template

        with tempfile.TemporaryDirectory() as folder:
            data = write_template(Path(folder) / "template.xlsx").read_bytes()
        return _download(data, "河湖健康评价输入模板.xlsx")

    @router.get("/measures.yaml")
    def measures_template() -> Response:
        from importlib.resources import files

        data = files("health_eval.reports").joinpath("measures.yaml").read_bytes()
        return _download(data, "措施库模板.yaml")

    @router.get("/projects/{project_id}", response_class=HTMLResponse)
    def project_page(request: Request, project_id: int) -> HTMLResponse:
        project = project_or_none(request, project_id)
        if project is None:
            return missing(request)
        uploads = bench.records.uploads(project_id)
        return bench.page(request, "project.html", project=project, uploads=uploads,
                          runs=bench.records.runs(project_id),
                          checked=[u for u in uploads if u["ok"]], profiles=_profiles(),
                          readings=_readings(_lang(request)), draws=CONFIDENCE_DRAWS)

    @router.post("/projects/{project_id}/uploads")
    async def upload(request: Request, project_id: int, file: UploadFile,
                     csrf: str = Form("")) -> Response:
        bench.check_csrf(request, csrf)
        project = project_or_none(request, project_id)
        if project is None:
            return missing(request)
        filename = shown_name(file.filename)
        data = await file.read(settings.max_upload_bytes + 1)
        loop = asyncio.get_running_loop()
        try:
            if len(data) > settings.max_upload_bytes:
                raise UploadRefused([])
            stored = await loop.run_in_executor(None, store_upload, bench.upload_path(""),
                                                filename, data, 8 * settings.max_upload_bytes)
        except UploadRefused as exc:
            issues = issue_records(exc.issues)
            upload_id = bench.records.add_upload(project_id, filename, "", False, {}, issues)
        else:
            ok, rows, issues = await loop.run_in_executor(
                None, check_upload, bench.upload_path(stored), None)
            upload_id = bench.records.add_upload(project_id, filename, stored, ok, rows, issues)
        return RedirectResponse(_url(_lang(request), f"/uploads/{upload_id}"), 303)

    def with_project(request: Request, record: dict | None) -> tuple[dict, dict] | None:
        """An upload or run with its project, when the user may see that project."""
        project = record and project_or_none(request, record["project"])
        return (record, project) if project else None

    @router.get("/uploads/{upload_id}", response_class=HTMLResponse)
    def upload_page(request: Request, upload_id: int, severity: str = "", sheet: str = "",
                    q: str = "", sort: str = "severity") -> HTMLResponse:
        found = with_project(request, bench.records.upload(upload_id))
        if found is None:
            return missing(request)
        record, project = found
        shown = filter_issues(record["issues"], severity, sheet, q, sort)
        partial_only = request.headers.get("hx-request") == "true"
        sheets = sorted({i.get("sheet") or i.get("table") or "" for i in record["issues"]})
        return bench.page(request, "issues_table.html" if partial_only else "upload.html",
                          project=project, upload=record, issues=shown, sheets=sheets,
                          preview=_preview(record["issues"]),
                          chosen={"severity": severity, "sheet": sheet, "q": q, "sort": sort},
                          sorts=ISSUE_SORTS)

    def new_run(request: Request, project_id: int, upload: int, options: RunOptions
                ) -> tuple[int, Path] | None:
        """Record a queued run of a checked upload of the project: its id and the upload's
        file; None when the user may not see them or the upload cannot be run."""
        record = bench.records.upload(upload)
        if project_or_none(request, project_id) is None or record is None \
                or record["project"] != project_id or not record["stored"]:
            return None
        return (bench.records.add_run(project_id, upload, options),
                bench.upload_path(record["stored"]))

    @router.post("/projects/{project_id}/runs")
    async def start_run(request: Request, project_id: int, upload: int = Form(...),
                        profile: str = Form(""), reading: str = Form(""),
                        confidence: str = Form(""), seed: str = Form(""),
                        csrf: str = Form("")) -> Response:
        bench.check_csrf(request, csrf)
        try:
            options = RunOptions.from_form(profile=profile, reading=reading,
                                           confidence=confidence, seed=seed,
                                           profiles=_profiles(),
                                           readings=dict(_readings(_lang(request))))
        except OptionRefused as exc:
            return bench.page(request, "message.html", 422, message=words(_lang(request))[
                "option_refused"].format(field=words(_lang(request))[exc.field],
                                         value=exc.value))
        created = await run_in_threadpool(new_run, request, project_id, upload, options)
        if created is None:
            return missing(request)
        bench.start_run(*created, options)
        return RedirectResponse(_url(_lang(request), f"/runs/{created[0]}"), 303)

    @router.get("/runs/{run_id}", response_class=HTMLResponse)
    def run_page(request: Request, run_id: int) -> HTMLResponse:
        found = with_project(request, bench.records.run(run_id))
        if found is None:
            return missing(request)
        run, project = found
        partial_only = request.headers.get("hx-request") == "true"
        context: dict[str, Any] = {"run": run, "project": project}
        if run["status"] == "done":
            context.update(_results(bench.run_folder(run_id)))
        return bench.page(request, "run_status.html" if partial_only else "run.html",
                          **context)

    @router.get("/runs/{run_id}/reports/{water_body}", response_class=HTMLResponse)
    def report_page(request: Request, run_id: int, water_body: str) -> HTMLResponse:
        """A water body's report inside the workbench's page (a sandboxed frame)."""
        found = with_project(request, bench.records.run(run_id))
        if found is None or found[0]["status"] != "done":
            return missing(request)
        run, project = found
        context = _results(bench.run_folder(run_id))
        chosen = [b for b in context["bodies"] if b["folder"] == water_body]
        if not chosen:
            return missing(request)
        return bench.page(request, "report.html", run=run, project=project, body=chosen[0],
                          **context)

    @router.get("/runs/{run_id}/files/{name}")
    def run_file(request: Request, run_id: int, name: str) -> Response:
        return _served(request, run_id, bench.run_folder(run_id), name, RUN_FILES)

    @router.get("/runs/{run_id}/files/{water_body}/{name}")
    def water_body_file(request: Request, run_id: int, water_body: str, name: str
                        ) -> Response:
        folder = bench.run_folder(run_id)
        known = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
        if water_body not in known:
            return missing(request)
        return _served(request, run_id, folder / water_body, name, WATER_BODY_FILES)

    def _served(request: Request, run_id: int, folder: Path, name: str,
                allowed: tuple[str, ...]) -> Response:
        if with_project(request, bench.records.run(run_id)) is None or name not in allowed \
                or not (folder / name).is_file():
            return missing(request)
        if name.endswith(".html"):
            return FileResponse(folder / name, headers=REPORT_HEADERS)
        return FileResponse(folder / name, filename=name)

    @router.get("/history", response_class=HTMLResponse)
    def history(request: Request, water_body: str = "", a: int | None = None,
                b: int | None = None) -> HTMLResponse:
        from .history import history_context

        districts = bench.districts(request)
        allowed = None if districts is None else bench.records.water_bodies(
            [p["id"] for p in bench.records.projects(districts)])
        context = history_context(settings.archive, water_body.strip()[:100], a, b, allowed)
        return bench.page(request, "history.html", **context)

    app.include_router(router)
    return bench


def _public_files(app: FastAPI) -> None:
    """plotly.js, for the history page (``/plotly.min.js``) and for the reports (each links
    ``../assets/plotly.min.js``): the package's own file, the same for every run, so served
    without a login — a report in its sandbox (an origin of its own) sends no cookie."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

    @app.get("/plotly.min.js", include_in_schema=False)
    @app.get("/runs/{run_id}/files/assets/plotly.min.js", include_in_schema=False)
    def plotly_js(run_id: int = 0) -> Response:
        return FileResponse(path, media_type="text/javascript",
                            headers={"cache-control": "public, max-age=86400"})


def _login_pages(app: FastAPI, bench: Workbench) -> None:
    """``/login`` and ``/logout`` (outside the pages that need a user)."""

    def prepared(request: Request) -> None:
        request.state.user = request.state.session.user
        request.state.csrf = request.state.session.csrf

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        prepared(request)
        return bench.page(request, "login.html", failed=False)

    @app.post("/login", include_in_schema=False)
    def login(request: Request, name: str = Form(..., max_length=100),
              password: str = Form(..., max_length=200), csrf: str = Form("")) -> Response:
        prepared(request)
        bench.check_csrf(request, csrf)
        user = bench.accounts.verify(name, password)
        if user is None:
            return bench.page(request, "login.html", 401, failed=True)
        bench.accounts.drop(request.state.session_token)
        request.state.session_token, _ = bench.accounts.new_session(user)   # a new cookie
        return RedirectResponse(_url(_lang(request), "/"), 303)

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")) -> Response:
        bench.check_csrf(request, csrf)
        bench.accounts.drop(request.state.session_token)
        request.state.session_token, _ = bench.accounts.new_session()
        return RedirectResponse(_url(_lang(request), "/login"), 303)


def _download(data: bytes, filename: str) -> Response:
    from urllib.parse import quote

    return Response(data, media_type="application/octet-stream", headers={
        "content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


def _readings(lang: str) -> list[tuple[str, str]]:
    """The method readings the 评价 form offers besides the default: (name, title)."""
    from ...profiles.readings import DEFAULT_READING, available_readings

    return [(r.name, r.title_zh if lang == "zh" else r.title_en)
            for r in available_readings() if r.name != DEFAULT_READING]


def _profiles() -> list[str]:
    from ...catalogue import profile_records

    return [record["id"] for record in profile_records()]


def _results(folder: Path) -> dict[str, Any]:
    """The ranked water bodies of a finished run (from its result.json), with class colours."""
    from ...engine.result import EvaluationResult
    from ...profiles.profile import load_profile
    from ...reports.writer import water_body_folders

    result = EvaluationResult.from_json(folder / "result.json")
    table = result.water_bodies.sort_values("rhi", ascending=False, na_position="last")
    folders = water_body_folders(table["water_body_id"].astype(str))
    bodies = []
    for rank, row in enumerate(table.to_dict("records"), start=1):
        classes = {c.grade: c for c in load_profile(row["profile_id"]).classes}
        chosen = classes.get(row.get("health_class"))
        own = folders[str(row["water_body_id"])]
        bodies.append({**row, "rank": rank, "colour": chosen.colour if chosen else "#999",
                       "folder": own if (folder / own / "report.html").is_file() else None})
    return {"bodies": bodies, "has_summary": (folder / "summary.html").is_file()}
