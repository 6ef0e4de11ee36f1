"""The HTTP service: the v1 JSON contract over FastAPI, a thin shell over :func:`evaluate`.

``create_app(settings)`` builds the application; ``health-eval serve`` runs it with uvicorn.

Endpoints: ``POST /v1/evaluate`` (a v1 request as JSON, or a multipart upload of one ``.xlsx``
with optional ``profile`` and ``options`` fields), ``POST /v1/validate``, ``GET /v1/profiles``,
``GET /v1/indicators``, ``GET /healthz``; OpenAPI at ``/docs`` and ``/openapi.json``.

Safe by default: it binds the loopback address unless told; an API key, when set, is needed
everywhere but the health check and the API description; request bodies, rows per table, the
unpacked size of a workbook and the time of an evaluation are limited; a profile is a packaged id
or an inline mapping, never a path; CORS is off unless origins are given. Evaluations run in a
bounded thread pool, so the service keeps answering while they run. Errors answer with the body
of :class:`~health_eval.schema.v1.ErrorResponse` — issue rows for invalid input, never a
traceback.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from pydantic.json_schema import models_json_schema
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .api import evaluate, resolve_profiles
from .catalogue import indicator_records, profile_records
from .http_guard import Guard, error_body
from .issues import InputError, Issue, issue_records
from .profile import ProfileError, load_profile
from .registry import IndicatorRegistry, default_registry
from .result import EvaluationResult
from .schema import SCHEMA_VERSION
from .schema.problems import profile_issues, validation_issues
from .schema.request import UnknownProfileError, packaged_profile, request_arguments
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
from .service_input import (
    FORM_FIELDS,
    UPLOAD_NAME_PATTERN,
    WORKBOOK_MEDIA_TYPES,
    Job,
    Limits,
    TooLarge,
    json_job,
    upload_job,
)
from .serving import ConnectionRules, guarded_protocol
from .validation import row_accounts, validate_dataset

__all__ = ["EvaluationTimeout", "Settings", "create_app", "serve_forever"]

logger = logging.getLogger("health_eval.service")
T = TypeVar("T")

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
        Time limit of one evaluation [s], queueing included; longer answers 504.
    cors_origins : tuple of str
        Origins browsers may call from; empty: CORS off.
    threads : int
        Evaluations run at once (the size of the worker pool).
    max_unzipped_bytes : int or None
        Most bytes an uploaded workbook may unpack to; None: 8 × ``max_body_bytes``.
    body_timeout_s : float
        Longest time to receive a request body [s]; longer answers 408.
    max_requests : int or None
        Most requests in flight (the health check not counted); more answer 503. None:
        ``64 + 8 × threads``.
    connections : ConnectionRules
        Header timeout and connection caps of ``serve_forever`` (:mod:`health_eval.serving`).
    """

    api_key: str | None = None
    max_body_bytes: int = 20 * MiB
    max_rows: int = 1_000_000
    timeout_s: float = 120.0
    cors_origins: tuple[str, ...] = ()
    threads: int = 2
    max_unzipped_bytes: int | None = None
    body_timeout_s: float = 60.0
    max_requests: int | None = None
    connections: ConnectionRules = ConnectionRules()

    @property
    def limits(self) -> Limits:
        """The limits on what one request may hold."""
        unzipped = self.max_unzipped_bytes or 8 * self.max_body_bytes
        return Limits(max_rows=self.max_rows, max_unzipped_bytes=unzipped)


class EvaluationTimeout(Exception):
    """An evaluation that did not finish within the time limit (answered 504)."""


class UnsupportedMediaType(Exception):
    """A body that is neither JSON nor a multipart upload (answered 415)."""


class _Runner:
    """Runs blocking work in a bounded thread pool, each call within the time limit.

    A call that times out is answered at once; if it had not started it never runs, if it had
    it finishes in its thread (Python cannot stop a thread) and still holds one worker, so the
    pool stays bounded.
    """

    def __init__(self, threads: int, timeout_s: float):
        self.threads = threads
        self.timeout_s = timeout_s
        self._pool: ThreadPoolExecutor | None = None

    async def __call__(self, function: Callable[..., T], *args: Any) -> T:
        if self._pool is None:  # made on first use, again after a lifespan ended
            self._pool = ThreadPoolExecutor(max_workers=self.threads,
                                            thread_name_prefix="health-eval")
        future = asyncio.wrap_future(self._pool.submit(function, *args))
        try:
            return await asyncio.wait_for(future, self.timeout_s)
        except TimeoutError:
            raise EvaluationTimeout from None

    def shutdown(self) -> None:
        """Stop the pool: queued calls are cancelled, running ones finish in their threads."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


# --------------------------------------------------------------------------------------------
# The work done in the pool
# --------------------------------------------------------------------------------------------

def _result(job: Job, registry: IndicatorRegistry, limits: Limits) -> EvaluationResult:
    """The evaluation of one job: its JSON request, or its workbook with the form's profile."""
    if job.workbook is None:
        return evaluate(job.request, registry=registry)
    arguments = request_arguments(job.request)
    return evaluate(job.workbook.load(limits), arguments.profile, registry=registry,
                    **arguments.options)


def _evaluate(job: Job, registry: IndicatorRegistry, limits: Limits) -> bytes:
    """The result JSON of one job (the bytes of ``EvaluationResult.to_json(indent=None)``)."""
    return _result(job, registry, limits).to_json(indent=None).encode("utf-8")


def _report(job: Job, registry: IndicatorRegistry, limits: Limits, water_body_id: str | None,
            lang: str) -> str:
    """The HTML plan-revision report of one water body of the job (``water_body_id``, or the
    only one), or the summary page of all of them when several are evaluated and none is named.
    """
    from .reports import render_html, render_summary_html

    arguments = request_arguments(job.request)
    result = _result(job, registry, limits)
    profiles = list({p.id: p for p in resolve_profiles(arguments.profile,
                                                       arguments.options).values()}.values())
    known = result.water_bodies["water_body_id"].astype(str).tolist()
    if water_body_id is None and len(known) != 1:
        return render_summary_html(result, lang=lang, profiles=profiles)
    chosen = water_body_id if water_body_id is not None else known[0]
    if chosen not in known:
        raise UnknownWaterBodyError(chosen, known)
    return render_html(result, chosen, lang=lang, profiles=profiles)


class UnknownWaterBodyError(LookupError):
    """A report asked for a water body the request does not hold."""

    def __init__(self, water_body_id: str, known: list[str]):
        super().__init__(water_body_id)
        self.water_body_id, self.known = water_body_id, known


def _validate(job: Job, limits: Limits) -> dict[str, Any]:
    """What reading and checking the job's input finds (a ``ValidateResponse``)."""
    arguments = request_arguments(job.request)
    resolve_profiles(arguments.profile, arguments.options)
    try:
        dataset = job.workbook.load(limits) if job.workbook else arguments.load()
    except InputError as exc:
        return {"schema_version": SCHEMA_VERSION, "ok": False, "tables": {},
                "issues": issue_records(exc.issues)}
    validation = validate_dataset(dataset)
    return {"schema_version": SCHEMA_VERSION, "ok": not validation.has_errors,
            "tables": {name: len(frame) for name, frame in dataset.tables.items()},
            "rows": row_accounts(dataset, validation),
            "issues": issue_records(validation.issues)}


def _validate_json(job: Job, limits: Limits) -> bytes:
    """The ``ValidateResponse`` JSON of the job, checked and serialised in the pool: a long issue
    list is part of the work the time limit covers (serialising it on the event loop, after the
    limit, made ``--timeout`` ignored)."""
    return ValidateResponse.model_validate(_validate(job, limits)).model_dump_json().encode()


# --------------------------------------------------------------------------------------------
# Reading a request
# --------------------------------------------------------------------------------------------

async def _job_reader(request: Request, limits: Limits, max_field_bytes: int
                      ) -> Callable[[], Job]:
    """What turns the request into a :class:`Job`, to be called in the pool (parsing a large
    JSON body must not hold up the event loop)."""
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
        return _error(422, "invalid_profile", "评价方案或选项有误，见 issues",
                      "invalid profile or options; see issues", profile_issues(exc))

    @app.exception_handler(TooLarge)
    async def _too_large(_: Request, exc: TooLarge) -> Response:
        return _error(413, "too_large", "输入超过服务上限，见 issues",
                      "input over a limit of the service; see issues", exc.issues)

    @app.exception_handler(EvaluationTimeout)
    async def _timeout(_: Request, exc: EvaluationTimeout) -> Response:
        limit = app.state.settings.timeout_s
        return _error(504, "timeout", f"评价未在 {limit:g} 秒内完成",
                      f"the evaluation did not finish within {limit:g} s")

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
    workbench : health_eval.workbench.WorkbenchSettings, optional
        Also serve the technician's workbench under ``/`` (the API key then guards ``/v1``
        only; the workbench has its own accounts).
    """
    settings = settings or Settings()
    registry = registry if registry is not None else default_registry()
    runner = _Runner(settings.threads, settings.timeout_s)
    limits = settings.limits

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        runner.shutdown()

    app = FastAPI(title="health_eval", version=__version__, lifespan=lifespan, redoc_url=None,
                  description="河湖健康评价 — river and lake health evaluation, JSON contract "
                              f"v{SCHEMA_VERSION}. Errors answer with ErrorResponse.")
    app.state.settings = settings
    app.state.registry = registry
    packaged = profile_records()

    @app.get("/healthz", response_model=HealthResponse, tags=["service"])
    async def healthz() -> dict[str, Any]:
        """Liveness: answers while evaluations run; needs no key."""
        return {"status": "ok", "engine_version": __version__, "schema_version": SCHEMA_VERSION}

    @app.post("/v1/evaluate", response_model=None, openapi_extra=_REQUEST_BODY,
              responses=_responses(EvaluateResponse, 404, 413, 415, 422, 504), tags=["v1"])
    async def evaluate_endpoint(request: Request) -> Response:
        """Evaluate a v1 request (JSON) or an uploaded .xlsx; the result's tables and
        provenance."""
        read = await _job_reader(request, limits, settings.max_body_bytes)
        body = await runner(lambda: _evaluate(read(), registry, limits))
        return Response(body, media_type="application/json")

    @app.post("/v1/report", response_model=None, openapi_extra=_REQUEST_BODY,
              responses={**_responses(ErrorResponse, 404, 413, 415, 422, 504),
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
        read = await _job_reader(request, limits, settings.max_body_bytes)
        html = await runner(lambda: _report(read(), registry, limits, water_body_id, lang))
        return HTMLResponse(html)

    @app.post("/v1/validate", response_model=None, openapi_extra=_REQUEST_BODY,
              responses=_responses(ValidateResponse, 404, 413, 415, 422, 504), tags=["v1"])
    async def validate_endpoint(request: Request) -> Response:
        """Read and check the input without evaluating it: every issue found (ok false when one
        is an error, also when the data cannot be read at all)."""
        read = await _job_reader(request, limits, settings.max_body_bytes)
        body = await runner(lambda: _validate_json(read(), limits))
        return Response(body, media_type="application/json")

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
                       max_requests=settings.max_requests or 64 + 8 * settings.threads,
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
    :func:`health_eval.serving.guarded_protocol` (header timeout, per-client and total caps),
    requests in flight and body deadlines by the guard. ``workbench``: see
    :func:`create_app`.
    """
    import uvicorn

    uvicorn.run(create_app(settings, workbench=workbench), host=host, port=port, server_header=False,
                proxy_headers=False, http=guarded_protocol(settings.connections),
                timeout_keep_alive=5, h11_max_incomplete_event_size=16 * 1024)
