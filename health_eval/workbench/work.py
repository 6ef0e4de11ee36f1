"""The workbench's work: checking an upload and running an evaluation, through the engine's
Python API (:func:`health_eval.preview.check_package`, :func:`health_eval.evaluate`, the
reports and the health archive) — never a second implementation.

An upload is kept under a generated name (``uploads/<uuid>.xlsx`` or ``<uuid>/`` for a zip of
CSV files); the client's name is only shown. A run writes ``runs/<id>/`` (result.xlsx,
result.json, issues.xlsx, per water body report.html and report.docx) and adds the round to
the archive with the semantics of ``run --archive``: the reports compare with each water body's
previous round there.
"""

from __future__ import annotations

import io
import re
import threading
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from ..issues import InputError, Issue, issue_records

__all__ = ["UploadRefused", "check_upload", "run_evaluation", "store_upload"]

#: Accepted upload suffixes (as the v1 API, plus a zip of CSV files).
UPLOAD_SUFFIXES = (".xlsx", ".zip")
_PLAIN = re.compile(r"[^\w.\-（）()\u4e00-\u9fff ]+")


#: Word reports draw their charts through kaleido's one global browser, which two threads
#: cannot use at once (AttributeError '_thread'): runs write their reports one at a time.
_REPORTS_LOCK = threading.Lock()


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
    from ..preview import check_package

    try:
        checked = check_package(path, profile)
    except InputError as exc:
        return False, {}, issue_records(exc.issues)
    return not checked.has_errors, checked.rows, issue_records(checked.issues)


def run_evaluation(source: Path, out: Path, profile: str | None, archive_url: str,
                   progress) -> dict[str, Any]:
    """Evaluate ``source`` into ``out``, write the reports (compared with the archive's previous
    rounds), and add the round to the archive.

    Parameters
    ----------
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
    from .. import archive
    from ..api import evaluate, resolve_profiles
    from ..archive.trend import run_trends
    from ..dataset import load_dataset
    from ..reports import write_reports
    from ..result import write_issues

    dataset = load_dataset(source)
    result = evaluate(dataset, profile, progress=progress)
    facts = archive.facts_from_dataset(dataset)
    years = facts["evaluation_year"].dropna().astype(int).to_dict()
    with archive.open(archive_url) as store:
        previous, _ = store.previous(result, years)
        if previous is not None:
            previous.provenance["archive_trends"] = run_trends(store, result, years)
        written = result.write(out, ("json", "xlsx")) + write_issues(result.issues, out)
        with _REPORTS_LOCK:
            written += write_reports(result, out, ("html", "docx"), previous=previous,
                                     profiles=resolve_profiles(profile, {}).values())
        added = store.add(result, facts=facts, files=written)
    return {"ok": bool(result.ok), "issues": _records(result.issues),
            "round": added.round, "files": [str(p) for p in written],
            "water_bodies": result.water_bodies["water_body_id"].astype(str).tolist()}


def _records(issues: pd.DataFrame) -> list[dict]:
    return issues.astype(object).where(issues.notna(), None).to_dict("records")
