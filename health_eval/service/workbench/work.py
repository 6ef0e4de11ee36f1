"""The workbench's work: checking an upload and running an evaluation, through the engine's
Python API (:func:`health_eval.engine.preview.check_package`, :func:`health_eval.evaluate`, the
reports and the health archive) — never a second implementation.

An upload is kept under a generated name (``uploads/<uuid>.xlsx`` or ``<uuid>/`` for a zip of
CSV files); the client's name is only shown. A run writes ``runs/<id>/`` (result.xlsx,
result.json, issues.xlsx, per water body report.html and report.docx) and adds the round to
the archive with the semantics of ``run --archive``: the reports compare with each water body's
previous round there.

A run executes in one of the service's warm worker processes (:mod:`health_eval.service.pool`,
task ``workbench_run``: :func:`run_in_worker`), which writes its progress and outcome into the
run's record in ``workbench.db`` itself; the server only waits, so the pages answer while runs
go on, and runs go side by side on every core.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from ...issues import InputError, Issue, issue_records
from .options import RunOptions
from .store import Records

__all__ = ["UploadRefused", "check_upload", "run_evaluation", "run_in_worker", "store_upload"]

#: Accepted upload suffixes (as the v1 API, plus a zip of CSV files).
UPLOAD_SUFFIXES = (".xlsx", ".zip")
_PLAIN = re.compile(r"[^\w.\-（）()\u4e00-\u9fff ]+")


class UploadRefused(InputError):
    """An upload refused before reading (type, size, or an unsafe zip)."""


def _refusal(filename: str, rule: str, **fields) -> UploadRefused:
    """The refusal of ``filename`` by catalogue rule ``rule``."""
    return UploadRefused([Issue.of(rule, table="input", file=filename,
                                   where=(f"文件 {filename}", f"file {filename}"), **fields)])


def shown_name(filename: str | None) -> str:
    """The client's file name as shown: no folders, no odd characters, at most 100 characters."""
    base = re.split(r"[\\/]", filename or "")[-1].strip()
    return _PLAIN.sub("_", base).lstrip(".")[-100:] or "(none)"


def store_upload(folder: Path, filename: str, data: bytes, max_unzipped_bytes: int) -> str:
    """Keep an upload under a generated name in ``folder``; the stored name.

    An ``.xlsx`` is kept as it is; a ``.zip`` is unpacked into a folder of its ``.csv``
    members (folders inside the zip ignored, other members refused, unpacked size limited).

    Raises
    ------
    UploadRefused
        For another suffix, a broken or oversized zip, or a zip without CSV files.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise _refusal(filename, "upload.suffix", accepted_zh=".xlsx 工作簿或 CSV 文件的 .zip 压缩包",
                       accepted_en="an .xlsx workbook or a .zip of CSV files")
    folder.mkdir(parents=True, exist_ok=True)
    stored = uuid.uuid4().hex
    if suffix == ".xlsx":
        (folder / f"{stored}.xlsx").write_bytes(data)
        return f"{stored}.xlsx"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            unpacked = sum(m.file_size for m in members)
            if unpacked > max_unzipped_bytes:
                raise _refusal(filename, "limit.unzipped", archive_zh="压缩包", archive_en="zip",
                               unpacked=unpacked, limit=max_unzipped_bytes)
            names = [shown_name(m.filename) for m in members]
            if not members or any(not n.lower().endswith(".csv") for n in names) \
                    or len(set(names)) != len(names):
                raise _refusal(filename, "upload.zip_members")
            target = folder / stored
            target.mkdir()
            for member, name in zip(members, names):
                (target / name).write_bytes(archive.read(member))
    except zipfile.BadZipFile:
        raise _refusal(filename, "upload.not_zip") from None
    return stored


def check_upload(path: Path, profile: str | None) -> tuple[bool, dict, list[dict]]:
    """Check an upload as ``validate`` does: whether it can be evaluated, rows read / used /
    rejected per table, and every issue (the evaluability preview included) as records."""
    from ...engine.preview import check_package

    try:
        checked = check_package(path, profile)
    except InputError as exc:
        return False, {}, issue_records(exc.issues)
    return not checked.has_errors, checked.rows, issue_records(checked.issues)


def run_evaluation(source: Path, out: Path, options: RunOptions, archive_url: str,
                   progress) -> dict[str, Any]:
    """Evaluate ``source`` into ``out``, write the reports (compared with the archive's previous
    rounds), and add the round to the archive.

    Parameters
    ----------
    options : RunOptions
        Profile, reading and confidence, given to the engine by
        :meth:`RunOptions.evaluate_arguments`.
    progress : callable
        ``progress(step, done, total)`` per indicator (:func:`health_eval.evaluate`).

    Returns
    -------
    dict
        ``ok``, ``issues`` (records), ``round`` (the archive's round id) and ``files``.

    Raises
    ------
    InputError
        When the input cannot be evaluated (its issues say why; nothing is written).
    """
    from ... import archive
    from ...archive.trend import run_trends
    from ...engine.api import evaluate, resolve_profiles
    from ...engine.dataset import load_dataset
    from ...engine.result import write_issues
    from ...profiles.readings import read_profiles
    from ...reports import write_reports

    dataset = load_dataset(source)
    result = evaluate(dataset, options.profile, progress=progress,
                      **options.evaluate_arguments())
    facts = archive.facts_from_dataset(dataset)
    years = facts["evaluation_year"].dropna().astype(int).to_dict()
    with archive.open(archive_url) as store:
        previous, _ = store.previous(result, years)
        if previous is not None:
            previous.provenance["archive_trends"] = run_trends(store, result, years)
        written = result.write(out, ("json", "xlsx")) + write_issues(result.issues, out)
        written += write_reports(result, out, ("html", "docx"), previous=previous,
                                 profiles=read_profiles(resolve_profiles(options.profile, {}),
                                                        options.reading).values())
        added = store.add(result, facts=facts, files=written)
    return {"ok": bool(result.ok), "issues": _records(result.issues),
            "round": added.round, "files": [str(p) for p in written],
            "water_bodies": result.water_bodies["water_body_id"].astype(str).tolist()}


def _records(issues: pd.DataFrame) -> list[dict]:
    return issues.astype(object).where(issues.notna(), None).to_dict("records")


@cache
def _opened(folder: str) -> Records:
    """The records of a workbench folder, opened once per worker process."""
    return Records(Path(folder))


def run_in_worker(folder: str, run_id: int, source: str, options: RunOptions,
                  archive_url: str) -> None:
    """Run ``run_id`` (in a worker process): its status, progress per indicator, and outcome —
    the archive round and water bodies, or the issues that stopped it — into its record.

    Parameters
    ----------
    folder : str
        The workbench folder (``workbench.db``; the outputs go to ``runs/<run_id>``).
    source : str
        The stored upload.
    """
    records = _opened(folder)
    records.update_run(run_id, status="running")

    def progress(step: str, done: int, total: int) -> None:
        records.update_run(run_id, done=done, total=total, message=step)

    try:
        outcome = run_evaluation(Path(source), Path(folder) / "runs" / str(run_id), options,
                                 archive_url, progress)
    except InputError as exc:
        records.update_run(run_id, status="failed", issues=issue_records(exc.issues),
                           message="input")
    except Exception as exc:            # noqa: BLE001 - shown on the run page, not lost
        records.update_run(run_id, status="failed", message=f"{type(exc).__name__}: {exc}")
    else:
        records.update_run(run_id, status="done", archive_round=outcome["round"],
                           issues=outcome["issues"], water_bodies=outcome["water_bodies"])
