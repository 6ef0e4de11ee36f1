"""What the HTTP service reads, within its limits: JSON requests and uploaded workbooks.

A :class:`Job` is one request made ready for the engine: the checked arguments of the v1
request (for an upload, its profile and options from the form) and, for an upload, the ``.xlsx``
workbook. The server parses and checks a request (:func:`json_job`, :func:`upload_job`: schema,
rows per table, profile ids) and sends the job — plain records and bytes — to a worker process,
which reads the workbook and evaluates. An uploaded workbook is written to a private temporary
folder only for the reader, and its issues name it by the client's file name, never by the
server's path.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.dataset import Dataset, load_dataset
from ..io.safe_names import safe_file_name
from ..issues import InputError, Issue
from .schema.request import RequestArguments, parse_request, request_arguments, row_counts

__all__ = ["FORM_FIELDS", "Job", "Limits", "TooLarge", "Workbook", "check_rows",
           "json_job", "safe_filename", "upload_job"]

#: Fields of a multipart upload: the workbook, and optionally the profile and the options.
FORM_FIELDS = ("file", "profile", "options")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: The accepted upload names, as the OpenAPI document states them (ends in a workbook suffix).
UPLOAD_NAME_PATTERN = r"(?i)^.*\.(xlsx|xlsm)$"
#: Media types of the accepted uploads (the OpenAPI ``encoding`` of the form's file part).
WORKBOOK_MEDIA_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "application/vnd.ms-excel.sheet.macroEnabled.12",
                        "application/octet-stream")
_UNSAFE_NAME = re.compile(r"[^\w.()（）\-]+")


class TooLarge(Exception):
    """Input over a limit of the service (answered 413); ``issues`` names the table."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(issue.message_en for issue in issues))


@dataclass(frozen=True)
class Limits:
    """Limits on what one request may hold.

    Parameters
    ----------
    max_rows : int
        Most rows per input table.
    max_unzipped_bytes : int
        Most bytes an uploaded workbook may unpack to (an xlsx is a zip archive).
    """

    max_rows: int
    max_unzipped_bytes: int


def check_rows(counts: dict[str, int], max_rows: int) -> None:
    """Raise :class:`TooLarge` naming every table with more than ``max_rows`` rows."""
    over = {name: n for name, n in counts.items() if n > max_rows}
    if over:
        raise TooLarge([Issue.of("limit.rows", table=name, value=str(n), count=n,
                                 limit=max_rows) for name, n in sorted(over.items())])


@dataclass(frozen=True)
class Workbook:
    """An uploaded ``.xlsx`` file: the client's file name (without folders, as issues show it)
    and its bytes; on disk it is named by :func:`health_eval.io.safe_names.safe_file_name`."""

    filename: str
    data: bytes

    def _relabel(self, issue: Issue, paths: tuple[str, str, str]) -> Issue:
        """The issue with the server's temporary file (``paths``: the file, its folder, and the
        file as :func:`health_eval.io.display_names.file_label` shows it) named by the client's
        file name, in its file and messages."""
        return dataclasses.replace(issue, file=self._shown(issue.file, paths),
                                   message_zh=self._shown(issue.message_zh, paths),
                                   message_en=self._shown(issue.message_en, paths))

    def _shown(self, text: str | None, paths: tuple[str, str, str]) -> str | None:
        """``text`` with the temporary file's path replaced by the client's file name."""
        if not text:
            return text
        path, folder, label = paths
        return text.replace(path, self.filename).replace(label, self.filename).replace(folder, "")

    def check(self, limits: Limits) -> None:
        """Raise :class:`InputError` unless this is an xlsx archive, :class:`TooLarge` when it
        unpacks to more than the limit."""
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise InputError([_upload_issue(self.filename, "upload.not_xlsx",
                                            detail=type(exc).__name__)]) from None
        if unpacked > limits.max_unzipped_bytes:
            raise TooLarge([_upload_issue(
                self.filename, "limit.unzipped", archive_zh="工作簿", archive_en="workbook",
                unpacked=unpacked, limit=limits.max_unzipped_bytes)])

    def load(self, limits: Limits, *, strict: bool = True) -> Dataset:
        """Read the workbook like a file of the user's, named by its file name only; not
        ``strict``: keep reading past errors, as ``health-eval validate`` does
        (:func:`health_eval.engine.dataset.load_dataset`)."""
        self.check(limits)
        stem, suffix = os.path.splitext(self.filename)
        with tempfile.TemporaryDirectory(prefix="health-eval-upload-") as folder:
            path = Path(folder) / f"{safe_file_name(stem)}{suffix.lower()}"   # on disk
            path.write_bytes(self.data)
            prefix = (str(path), str(path.parent) + os.sep, f"{path.parent.name}/{path.name}")
            try:
                dataset = load_dataset(path, strict=strict)
            except InputError as exc:
                raise InputError([self._relabel(i, prefix) for i in exc.issues]) from None
        dataset = dataclasses.replace(
            dataset, root=None, name=stem,
            issues=[self._relabel(i, prefix) for i in dataset.issues],
            sources={name: dataclasses.replace(source, file=self._shown(source.file, prefix))
                     for name, source in dataset.sources.items()})
        check_rows({name: len(frame) for name, frame in dataset.tables.items()},
                   limits.max_rows)
        return dataset


def _upload_issue(filename: str, rule: str, **fields) -> Issue:
    """The issue of catalogue rule ``rule`` about the uploaded file ``filename``."""
    return Issue.of(rule, table="input", file=filename,
                    where=(f"文件 {filename}", f"file {filename}"), **fields)


def safe_filename(name: str | None) -> str:
    """The client's file name reduced to a plain name to show (no folders, no odd characters;
    the name on disk is derived from it by the one safe-name function).

    Raises
    ------
    InputError
        When it does not end in ``.xlsx`` or ``.xlsm``.
    """
    base = re.split(r"[\\/]", name or "")[-1].strip()
    base = _UNSAFE_NAME.sub("_", base).lstrip(".")[-100:]
    if not re.fullmatch(UPLOAD_NAME_PATTERN, base):
        raise InputError([_upload_issue(base or "(none)", "upload.suffix",
                                        accepted_zh=".xlsx 工作簿（一个工作表一张表）",
                                        accepted_en="an .xlsx workbook (one sheet per table)")])
    return base


@dataclass(frozen=True)
class Job:
    """One request made ready for the engine.

    Attributes
    ----------
    arguments : RequestArguments
        The checked request; for an upload, one with an empty placeholder table holding the
        form's profile and options.
    workbook : Workbook or None
        The uploaded workbook, for an upload.
    """

    arguments: RequestArguments
    workbook: Workbook | None = None


def json_job(body: bytes, limits: Limits) -> Job:
    """Parse a JSON request body and check it: :class:`InputError` when it does not match the
    schema, :class:`TooLarge` for a table over the row limit, an unknown or path-like profile
    as :func:`~health_eval.service.schema.request.request_arguments` raises it."""
    request = parse_request(body)
    check_rows(row_counts(request), limits.max_rows)
    return Job(arguments=request_arguments(request))


def upload_job(filename: str | None, data: bytes, profile: str | None,
               options: str | None) -> Job:
    """A job from a multipart upload: the workbook, and the ``profile`` and ``options`` form
    fields (a profile id or the JSON of a profile choice; a JSON object of policies)."""
    fields: dict[str, Any] = {"tables": {"water_bodies": []}}   # unused: the workbook's tables
    for name, text in (("profile", profile), ("options", options)):
        if text is None or not text.strip():
            continue
        if name == "profile" and not text.lstrip().startswith("{"):
            fields[name] = text.strip()
            continue
        try:
            fields[name] = json.loads(text)
        except ValueError as exc:
            raise InputError([Issue.of(
                "request.*", rule="request.json_invalid", table="request", column=name,
                value=text[:200], problem_zh=f"表单字段 {name} 不是有效的 JSON",
                problem_en=f"form field {name} is not valid JSON", place_zh=str(exc),
                place_en=str(exc))]) from None
    return Job(arguments=request_arguments(fields),
               workbook=Workbook(safe_filename(filename), data))
