"""The HTTP service: the v1 JSON contract over FastAPI, a thin shell over :func:`evaluate`.

``create_app(settings)`` builds the application; ``health-eval serve`` runs it with uvicorn.

Endpoints: ``POST /v1/evaluate`` (a v1 request as JSON, or a multipart upload of one ``.xlsx``
with optional ``profile`` and ``options`` fields), ``POST /v1/validate``, ``GET /v1/profiles``,
``GET /v1/indicators``, ``GET /healthz``; OpenAPI at ``/docs`` and ``/openapi.json``.

Safe by default: it binds the loopback address unless told; an API key, when set, is needed
everywhere but the health check and the API description; request bodies, rows per table, the
unpacked size of a workbook and the time of an evaluation are limited; a profile is a packaged id
or an inline mapping, never a path; CORS is off unless origins are given. The server parses and
checks a request; evaluations, reports and validations run in warm worker processes
(:mod:`health_eval.service.pool`), so they run side by side on every core, and a stuck or dead
worker is replaced while the server keeps answering. Errors answer with the body of
:class:`~health_eval.service.schema.v1.ErrorResponse` — issue rows for invalid input, never a
traceback.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from pydantic.json_schema import models_json_schema
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..catalogue import indicator_records, profile_records
from ..engine.registry import IndicatorRegistry, default_registry
from ..issues import InputError, Issue
from ..profiles.profile import ProfileError, load_profile
from .http_guard import Guard, error_body
from .input import (
    FORM_FIELDS,
    UPLOAD_NAME_PATTERN,
    WORKBOOK_MEDIA_TYPES,
    Job,
    Limits,
    TooLarge,
    json_job,
    upload_job,
)
from .pool import EvaluationTimeout, WorkerCrashed, WorkerPool
from .schema import SCHEMA_VERSION
from .schema.problems import profile_issues, validation_issues
from .schema.request import UnknownProfileError, packaged_profile
from .schema.v1.models import (
    PROFILE_ID_PATTERN,
    ErrorResponse,
    EvaluateRequest,
    EvaluateResponse,
    HealthResponse,
    IndicatorsResponse,
    ProfilesResponse,
    ValidateResponse,
)
from .serving import ConnectionRules, guarded_protocol
from .work import UnknownWaterBodyError

__all__ = ["Settings", "create_app", "serve_forever"]

logger = logging.getLogger("health_eval.service.http")

#: Starlette ≥ 0.40 limits the size of a form's text fields (older ones leave them to the body
#: limit of the guard).
_FORM_HAS_PART_LIMIT = "max_part_size" in inspect.signature(Request.form).parameters
#: Paths answered without the API key.
OPEN_PATHS = ("/healthz", "/docs", "/docs/oauth2-redirect", "/openapi.json")
MiB = 2**20


@dataclass(frozen=True)
class Settings:
    """How the service runs.

    Parameters
    ----------
    api_key : str or None
        Key every request but ``/healthz`` and the API description must carry (``X-API-Key``
        or ``Authorization: Bearer``); None: no key.
    max_body_bytes : int
        Largest request body (default 20 MiB); larger answers 413.
    max_rows : int
        Most rows per input table (default 1,000,000); more answers 413 naming the table.
    timeout_s : float
        Time limit of one evaluation [s], queueing included; longer answers 504 (a worker that
        overran it is killed and replaced).
    cors_origins : tuple of str
        Origins browsers may call from; empty: CORS off.
    workers : int
        Worker processes: evaluations run at once (default the number of CPUs).
    max_unzipped_bytes : int or None
        Most bytes an uploaded workbook may unpack to; None: 8 × ``max_body_bytes``.
    body_timeout_s : float
        Longest time to receive a request body [s]; longer answers 408.
    max_requests : int or None
        Most requests in flight (the health check not counted); more answer 503. None:
        ``64 + 8 × workers``.
    connections : ConnectionRules
        Header timeout and connection caps of ``serve_forever`` (:mod:`health_eval.service.serving`).
    """

    api_key: str | None = None
    max_body_bytes: int = 20 * MiB
    max_rows: int = 1_000_000
    timeout_s: float = 120.0
    cors_origins: tuple[str, ...] = ()
    workers: int = os.cpu_count() or 1
    max_unzipped_bytes: int | None = None
    body_timeout_s: float = 60.0
    max_requests: int | None = None
    connections: ConnectionRules = ConnectionRules()

    @property
    def limits(self) -> Limits:
        """The limits on what one request may hold."""
        unzipped = self.max_unzipped_bytes or 8 * self.max_body_bytes
        return Limits(max_rows=self.max_rows, max_unzipped_bytes=unzipped)


class UnsupportedMediaType(Exception):
    """A body that is neither JSON nor a multipart upload (answered 415)."""


# --------------------------------------------------------------------------------------------
# Reading a request
# --------------------------------------------------------------------------------------------

async def _read_job(request: Request, limits: Limits, max_field_bytes: int) -> Job:
    """The request as a checked :class:`Job`; the parsing and checking run in a thread of the
    server (a large JSON body must not hold up the event loop)."""
    read = await _job_reader(request, limits, max_field_bytes)
    return await asyncio.to_thread(read)


async def _job_reader(request: Request, limits: Limits, max_field_bytes: int
                      ) -> Callable[[], Job]:
    """What turns the request into a :class:`Job` once its body is read."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return partial(json_job, await request.body(), limits)
    if media != "multipart/form-data":
        raise UnsupportedMediaType(media)
    limits_of_form = {"max_files": 1, "max_fields": len(FORM_FIELDS)}
    if _FORM_HAS_PART_LIMIT:
        limits_of_form["max_part_size"] = max_field_bytes
    try:
        form = await request.form(**limits_of_form)
    except StarletteHTTPException as exc:  # starlette's answer to a malformed multipart body
        raise InputError([_form_issue("file", "request.multipart", f"表单无法解析：{exc.detail}",
                                      f"the multipart form cannot be read: {exc.detail}")]
                         ) from None
    try:
        upload, fields = _form_fields(form)
        data = await upload.read()
    finally:
        await form.close()
    return partial(upload_job, upload.filename, data, fields["profile"], fields["options"])


def _form_fields(form: FormData) -> tuple[UploadFile, dict[str, str | None]]:
    """The uploaded file and the text fields; :class:`InputError` listing every problem."""
    upload = form.get("file")
    fields = {name: form.get(name) for name in ("profile", "options")}
    problems = [_form_issue(name, "request.extra_forbidden", "不允许的表单字段",
                            "unknown form field") for name in sorted(set(form) - set(FORM_FIELDS))]
    if not isinstance(upload, UploadFile):
        problems.append(_form_issue("file", "request.missing", "缺少上传的 .xlsx 文件",
                                    "no .xlsx file uploaded"))
    problems += [_form_issue(name, "request.string_type", "应为文本", "should be text")
                 for name, value in fields.items() if value is not None
                 and not isinstance(value, str)]
    if problems:
        raise InputError(problems)
    return upload, fields


def _form_issue(field: str, rule: str, zh: str, en: str) -> Issue:
    """An issue of the ``request.*`` family (the pydantic error types, ``rule``) for a form
    field: ``zh``/``en`` say what is wrong with it."""
    return Issue.of("request.*", rule=rule, table="request", column=field, problem_zh=zh,
                    problem_en=en, place_zh=f"表单字段 {field}", place_en=f"form field {field}")


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

def _error(status: int, code: str, zh: str, en: str, issues=(),
           headers: dict[str, str] | None = None) -> Response:
    return Response(error_body(code, zh, en, issues), status_code=status,
                    media_type="application/json", headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    """Every error answers with an ErrorResponse body; nothing answers with a traceback."""

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> Response:
        return _error(422, "invalid_input", "输入数据或请求有误，见 issues",
                      "invalid input or request; see issues", exc.issues)

    @app.exception_handler(UnknownProfileError)
    async def _unknown_profile(_: Request, exc: UnknownProfileError) -> Response:
        [issue] = profile_issues(exc)
        return _error(404, "unknown_profile", issue.message_zh, issue.message_en, [issue])

    @app.exception_handler(UnknownWaterBodyError)
    async def _unknown_water_body(_: Request, exc: UnknownWaterBodyError) -> Response:
        return _error(404, "unknown_water_body",
                      f"请求中没有河湖 {exc.water_body_id}（有：{'、'.join(exc.known)}）",
                      f"no water body {exc.water_body_id!r} in the request "
                      f"(known: {', '.join(exc.known)})")

    @app.exception_handler(ProfileError)
    async def _profile(_: Request, exc: ProfileError) -> Response:
        issues = getattr(exc, "issues", None) or profile_issues(exc)   # made in a worker
        return _error(422, "invalid_profile", "评价方案或选项有误，见 issues",
                      "invalid profile or options; see issues", issues)

    @app.exception_handler(TooLarge)
    async def _too_large(_: Request, exc: TooLarge) -> Response:
        return _error(413, "too_large", "输入超过服务上限，见 issues",
                      "input over a limit of the service; see issues", exc.issues)

    @app.exception_handler(EvaluationTimeout)
    async def _timeout(_: Request, exc: EvaluationTimeout) -> Response:
        limit = app.state.settings.timeout_s
        return _error(504, "timeout", f"评价未在 {limit:g} 秒内完成",
                      f"the evaluation did not finish within {limit:g} s")

    @app.exception_handler(WorkerCrashed)
    async def _crashed(_: Request, exc: WorkerCrashed) -> Response:
        return _error(503, "worker_crashed", "评价进程意外终止，已重新启动；请重试",
                      "the evaluation's worker process died and was replaced; retry",
                      headers={"Retry-After": "1"})

    @app.exception_handler(UnsupportedMediaType)
    async def _media(_: Request, exc: UnsupportedMediaType) -> Response:
        return _error(415, "unsupported_media_type",
                      f"不支持的内容类型“{exc}”：请发送 application/json 或 multipart/form-data",
                      f"unsupported content type {str(exc)!r}: send application/json or "
                      f"multipart/form-data")

    @app.exception_handler(RequestValidationError)
    async def _request(_: Request, exc: RequestValidationError) -> Response:
        issues = validation_issues(exc.errors(), table="request", prefix="request")
        return _error(422, "invalid_request", "请求有误，见 issues", "invalid request; see issues",
                      issues)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> Response:
        codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}
        return _error(exc.status_code, codes.get(exc.status_code, "http_error"),
                      f"请求无法处理（HTTP {exc.status_code}）", str(exc.detail),
                      headers=exc.headers)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, "internal_error", "服务内部错误，已记录在服务日志中",
                      "internal error; it was logged on the server")


# --------------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------------

_ERRORS = {
    401: "Missing or wrong API key.", 404: "Unknown profile id.",
    413: "Body, rows of a table or unpacked workbook over the limit.",
    415: "Neither JSON nor multipart.", 422: "Invalid input, request or profile (issue rows).",
    503: "The worker process died during the evaluation (it was replaced): retry.",
    504: "The evaluation did not finish within the time limit.",
}
_UPLOAD_SCHEMA = {
    "type": "object", "required": ["file"], "additionalProperties": False,
    "properties": {
        "file": {"type": "string", "format": "binary",
                 "x-filename-pattern": UPLOAD_NAME_PATTERN,
                 "description": "An .xlsx (or .xlsm) workbook, one sheet per table (code or "
                                "Chinese name); its file name must end in .xlsx or .xlsm "
                                f"(pattern {UPLOAD_NAME_PATTERN}), any other is refused 422."},
        "profile": {"type": "string",
                    "description": "A packaged profile id, or the JSON of a profile choice as in "
                                   "the JSON request."},
        "options": {"type": "string", "description": "JSON object of policy overrides."}},
}
_REQUEST_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/EvaluateRequest"}},
    "multipart/form-data": {"schema": _UPLOAD_SCHEMA, "encoding": {"file": {
        "contentType": ", ".join(WORKBOOK_MEDIA_TYPES)}}}}}}


def _responses(model: type, *statuses: int) -> dict[int | str, dict[str, Any]]:
    answers: dict[int | str, dict[str, Any]] = {200: {"model": model}}
    for status in (401, *statuses):
        answers[status] = {"model": ErrorResponse, "description": _ERRORS[status]}
    return answers


def _openapi(app: FastAPI, keyed: bool) -> dict[str, Any]:
    """The OpenAPI document, with the request model (read by hand, for two content types) and,
    when a key is needed, its two ways of sending it."""
    if app.openapi_schema is None:
        document = get_openapi(title=app.title, version=app.version,
                               description=app.description, routes=app.routes)
        _, definitions = models_json_schema([(EvaluateRequest, "validation")],
                                            ref_template="#/components/schemas/{model}")
        components = document.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        for name, schema in definitions["$defs"].items():
            schemas.setdefault(name, schema)
        if keyed:
            components["securitySchemes"] = {
                "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "Bearer": {"type": "http", "scheme": "bearer"}}
            for path, operations in document["paths"].items():
                if path not in OPEN_PATHS:
                    for operation in operations.values():
                        operation["security"] = [{"ApiKey": []}, {"Bearer": []}]
        app.openapi_schema = document
    return app.openapi_schema


def create_app(settings: Settings | None = None, *,
               registry: IndicatorRegistry | None = None, workbench=None) -> FastAPI:
    """Build the HTTP application.

    Parameters
    ----------
    settings : Settings, optional
        Limits, key and CORS; the defaults are safe.
    registry : IndicatorRegistry, optional
        Indicator definitions; default the built-ins plus installed plugins (loaded once).
    workbench : health_eval.service.workbench.WorkbenchSettings, optional
        Also serve the technician's workbench under ``/`` (the API key then guards ``/v1``
        only; the workbench has its own accounts).
    """
    settings = settings or Settings()
    limits = settings.limits
    pool = WorkerPool(settings.workers, settings.timeout_s, setup=(registry, limits))
    registry = registry if registry is not None else default_registry()

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        await pool.start()                   # answers once every worker is warm
        try:
            yield
        finally:
            pool.shutdown()

    app = FastAPI(title="health_eval", version=__version__, lifespan=lifespan, redoc_url=None,
                  description="河湖健康评价 — river and lake health evaluation, JSON contract "
                              f"v{SCHEMA_VERSION}. Errors answer with ErrorResponse.")
    app.state.settings = settings
    app.state.registry = registry
    app.state.pool = pool
    packaged = profile_records()

    @app.get("/healthz", response_model=HealthResponse, tags=["service"])
    async def healthz() -> dict[str, Any]:
        """Liveness: answers while evaluations run; needs no key."""
        return {"status": "ok", "engine_version": __version__, "schema_version": SCHEMA_VERSION}

    @app.post("/v1/evaluate", response_model=None, openapi_extra=_REQUEST_BODY,
              responses=_responses(EvaluateResponse, 404, 413, 415, 422, 503, 504), tags=["v1"])
    async def evaluate_endpoint(request: Request) -> Response:
        """Evaluate a v1 request (JSON) or an uploaded .xlsx; the result's tables and
        provenance."""
        job = await _read_job(request, limits, settings.max_body_bytes)
        return Response(await pool.run("evaluate", job), media_type="application/json")

    @app.post("/v1/report", response_model=None, openapi_extra=_REQUEST_BODY,
              responses={**_responses(ErrorResponse, 404, 413, 415, 422, 503, 504),
                         200: {"description": "The HTML report (one self-contained page).",
                               "content": {"text/html": {"schema": {"type": "string"}}}}},
              tags=["v1"])
    async def report_endpoint(request: Request,
                              water_body_id: str | None = Query(
                                  None, max_length=200,
                                  description="Water body of the report; default the only one "
                                              "(several and none named: the summary page)."),
                              lang: Literal["zh", "en"] = Query("zh")) -> Response:
        """Evaluate the input (JSON request or .xlsx, as /v1/evaluate) and return the HTML
        plan-revision report: one self-contained page that opens offline."""
        job = await _read_job(request, limits, settings.max_body_bytes)
        return HTMLResponse(await pool.run("report", job, water_body_id, lang))

    @app.post("/v1/validate", response_model=None, openapi_extra=_REQUEST_BODY,
              responses=_responses(ValidateResponse, 404, 413, 415, 422, 503, 504), tags=["v1"])
    async def validate_endpoint(request: Request) -> Response:
        """Check the input as ``health-eval validate`` does, without answering the result:
        every issue ``run`` would meet (ok false when one is an error, also when the data cannot
        be read at all)."""
        job = await _read_job(request, limits, settings.max_body_bytes)
        return Response(await pool.run("validate", job), media_type="application/json")

    @app.get("/v1/profiles", response_model=ProfilesResponse, responses=_responses(
        ProfilesResponse), tags=["v1"])
    def profiles() -> dict[str, Any]:
        """The packaged method profiles."""
        return {"schema_version": SCHEMA_VERSION, "profiles": packaged}

    @app.get("/v1/indicators", response_model=IndicatorsResponse,
             responses=_responses(IndicatorsResponse, 404, 422), tags=["v1"])
    def indicators(profile: str | None = Query(
            None, pattern=PROFILE_ID_PATTERN,
            description="Only the indicators this packaged profile uses, with M/O.")
    ) -> dict[str, Any]:
        """The indicators, with whether the profile makes each mandatory."""
        chosen = load_profile(packaged_profile(profile)) if profile else None
        return {"schema_version": SCHEMA_VERSION, "profile": profile,
                "indicators": indicator_records(registry, chosen),
                "plugin_failures": [f"{f.name} ({f.target}): {f.error}"
                                    for f in registry.plugin_failures]}

    _install_error_handlers(app)
    if workbench is not None:
        from .workbench import mount_workbench

        mount_workbench(app, workbench)
    app.add_middleware(Guard, api_key=settings.api_key, max_body_bytes=settings.max_body_bytes,
                       open_paths=OPEN_PATHS, body_timeout_s=settings.body_timeout_s,
                       max_requests=settings.max_requests or 64 + 8 * settings.workers,
                       keyed_prefix="/v1/" if workbench is not None else None)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "X-API-Key", "Authorization"])
    app.openapi = partial(_openapi, app, settings.api_key is not None)
    return app


def serve_forever(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000,
                  workbench=None) -> None:
    """Run the service with uvicorn until interrupted (``health-eval serve``).

    No ``limit_concurrency``: uvicorn counts silent connections in it. Connections are ruled by
    :func:`health_eval.service.serving.guarded_protocol` (header timeout, per-client and total caps),
    requests in flight and body deadlines by the guard. ``workbench``: see
    :func:`create_app`.
    """
    import uvicorn

    uvicorn.run(create_app(settings, workbench=workbench), host=host, port=port, server_header=False,
                proxy_headers=False, http=guarded_protocol(settings.connections),
                timeout_keep_alive=5, h11_max_incomplete_event_size=16 * 1024)
