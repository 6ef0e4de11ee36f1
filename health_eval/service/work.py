"""What the HTTP service's worker processes do: evaluate, report, validate, run the workbench's
evaluations.

Each worker (:func:`worker_main`, started by :class:`health_eval.service.pool.WorkerPool`) loads
the indicator registry and the packaged profiles once, evaluates the demo request once to warm
up, then answers tasks from its pipe until the server closes it. A task takes a :class:`Job`
checked by the server (plain records, profile and options; or an uploaded workbook's bytes) and
returns what the server sends as it is: the JSON bytes of the answer, or the HTML of a report.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

from ..engine.registry import IndicatorRegistry, default_registry
from ..engine.result import EvaluationResult
from ..issues import InputError, issue_records
from ..profiles.profile import ProfileError
from .input import Job, Limits, TooLarge
from .pool import packed_answer
from .schema import SCHEMA_VERSION
from .schema.problems import profile_issues
from .schema.request import evaluate_request, request_arguments
from .schema.v1.models import ValidateResponse

__all__ = ["TASKS", "UnknownWaterBodyError", "Worker", "worker_main"]

logger = logging.getLogger("health_eval.service.http")


class UnknownWaterBodyError(LookupError):
    """A report asked for a water body the request does not hold."""

    def __init__(self, water_body_id: str, known: list[str]):
        super().__init__(water_body_id)
        self.water_body_id, self.known = water_body_id, known


#: Exceptions that are answers (issue rows, 4xx), not faults: logged without a traceback.
EXPECTED = (InputError, ProfileError, TooLarge, UnknownWaterBodyError)


@dataclass(frozen=True)
class Worker:
    """What a worker holds for every task: the indicator definitions and the input limits."""

    registry: IndicatorRegistry
    limits: Limits

    def result(self, job: Job) -> EvaluationResult:
        """The evaluation of one job: its request, or its workbook with the form's profile."""
        if job.workbook is None:
            return evaluate_request(job.arguments, registry=self.registry)
        from ..engine.api import evaluate

        arguments = job.arguments
        return evaluate(job.workbook.load(self.limits), arguments.profile,
                        registry=self.registry, **arguments.options)


def evaluate_json(worker: Worker, job: Job) -> bytes:
    """The v1 response of one job: the bytes of ``EvaluationResult.to_json(indent=None)``."""
    return worker.result(job).to_json(indent=None).encode("utf-8")


def report_html(worker: Worker, job: Job, water_body_id: str | None, lang: str) -> str:
    """The HTML plan-revision report of one water body of the job (``water_body_id``, or the
    only one), or the summary page of all of them when several are evaluated and none is named.
    """
    from ..engine.api import resolve_profiles
    from ..reports import render_html, render_summary_html

    result = worker.result(job)
    arguments = job.arguments
    profiles = list({p.id: p for p in resolve_profiles(arguments.profile,
                                                       arguments.options).values()}.values())
    known = result.water_bodies["water_body_id"].astype(str).tolist()
    if water_body_id is None and len(known) != 1:
        return render_summary_html(result, lang=lang, profiles=profiles)
    chosen = water_body_id if water_body_id is not None else known[0]
    if chosen not in known:
        raise UnknownWaterBodyError(chosen, known)
    return render_html(result, chosen, lang=lang, profiles=profiles)


def validate_json(worker: Worker, job: Job) -> bytes:
    """The ``ValidateResponse`` JSON of the job: what ``health-eval validate`` finds
    (:func:`health_eval.engine.preview.check_package`: the rules, the placing of segments and supplied
    values, and the evaluation itself when the rules found no error), checked and serialised
    in the worker, within the time limit."""
    from ..engine.preview import check_package

    arguments = job.arguments
    try:
        source = (job.workbook.load(worker.limits, strict=False) if job.workbook
                  else arguments.load())
        checked = check_package(source, arguments.profile, registry=worker.registry,
                                **arguments.options)
    except InputError as exc:
        body = {"schema_version": SCHEMA_VERSION, "ok": False, "tables": {},
                "issues": issue_records(exc.issues)}
    else:
        body = {"schema_version": SCHEMA_VERSION, "ok": not checked.has_errors,
                "tables": {name: rows["read"] for name, rows in checked.rows.items()},
                "rows": checked.rows, "issues": issue_records(checked.issues)}
    return ValidateResponse.model_validate(body).model_dump_json().encode()


def workbench_run(worker: Worker, *args: Any) -> None:
    """A run of the workbench: :func:`health_eval.service.workbench.work.run_in_worker` (``*args``),
    which records its progress and outcome in the workbench's database."""
    from .workbench.work import run_in_worker

    run_in_worker(*args)


#: The tasks a worker runs, by name: ``task(worker, *args)``.
TASKS: dict[str, Callable[..., Any]] = {
    "evaluate": evaluate_json, "report": report_html, "validate": validate_json,
    "workbench_run": workbench_run}


def worker_main(connection: Connection, registry: IndicatorRegistry | None, limits: Limits,
                warm_up: bool = True) -> None:
    """A worker process: set up, warm up, say "ready", then answer tasks until the pipe closes.

    Parameters
    ----------
    connection : Connection
        The worker's end of its pipe: pickled ``(task, args)`` in, pickled answers out
        (:func:`health_eval.service.pool.packed_answer`).
    registry : IndicatorRegistry or None
        Indicator definitions; None: the built-ins plus installed plugins, loaded here once.
    limits : Limits
        What one request may hold (rows per table, unpacked workbook size).
    warm_up : bool
        Evaluate the demo request once before saying "ready" (the first request is then as fast
        as the others).
    """
    logging.basicConfig(format="%(levelname)s: %(name)s: %(message)s")
    try:
        worker = _started(registry, limits, warm_up)
    except Exception as exc:
        connection.send_bytes(pickle.dumps(("failed", f"{type(exc).__name__}: {exc}")))
        raise
    connection.send_bytes(pickle.dumps(("ready", os.getpid())))
    while True:
        try:
            task, args = pickle.loads(connection.recv_bytes())
        except (EOFError, OSError):      # the server closed the pipe or is gone
            return
        connection.send_bytes(packed_answer(partial(_run, worker, task, args), EXPECTED))


def _run(worker: Worker, task: str, args: tuple) -> Any:
    """``TASKS[task](worker, *args)``; a :class:`ProfileError` carries its issue rows, made here
    from its cause (the profile's validation error, which does not cross the pipe)."""
    try:
        return TASKS[task](worker, *args)
    except ProfileError as exc:
        exc.issues = profile_issues(exc)
        raise


def _started(registry: IndicatorRegistry | None, limits: Limits, warm_up: bool) -> Worker:
    """The worker's state, loaded once: registry, packaged profiles, and one evaluation."""
    from ..engine.api import resolve_profiles
    from ..engine.memory import tune_for_evaluation
    from .schema.example import example_request

    tune_for_evaluation()           # this process is there to evaluate (README "Python API")
    worker = Worker(registry if registry is not None else default_registry(), limits)
    resolve_profiles(None)
    if warm_up:
        evaluate_json(worker, Job(request_arguments(example_request())))
    return worker
