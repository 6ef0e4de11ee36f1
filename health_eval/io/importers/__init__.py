"""Importers: the files bureaus already hold, read as they come (issue 20).

One module per importer, each with ``NAME``, ``TITLE``, ``detect(source)`` (by header, title
row or layout) and ``read(source, references, options)`` returning the tidy rows of one
catalogue table with the row of the original file (:class:`~.base.Imported`):

====================  ==========================================================  ==============
``cnemc``             automatic monitoring platform export (hourly, 断面名称/监测时间)   ``wq_samples``
``manual``            manual monitoring report (地表水环境质量监测月报)                 ``wq_samples``
``yearbook``          hydrological yearbook daily table (逐日平均流量表/水位表)          ``daily_flow``, ``water_level``
``questionnaire``     online questionnaire export (问卷星) with a YAML mapping          ``questionnaires``
====================  ==========================================================  ==============

:func:`import_into` is the hook of :func:`health_eval.load_dataset`: files and sheets of a
package that name no table are offered to the importers (all, or the ones named), and what
they read joins the package's tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path

import numpy as np

from ...issues import InputError, Issue
from .. import IMPORTER_NAMES
from ..readers import RawTable
from ..tables import table_spec
from .base import Imported, References, Source, read_sources
from .messages import Place

__all__ = ["IMPORTERS", "ImporterSpec", "import_into", "importer"]


@dataclass(frozen=True)
class ImporterSpec:
    """One importer: its name, title, detector and reader."""

    name: str
    title: str
    detect: Callable[[Source], bool]
    read: Callable[[Source, References, dict], Imported]


#: The importers by name, in the order of :data:`health_eval.io.IMPORTER_NAMES`.
IMPORTERS: dict[str, ImporterSpec] = {
    module.NAME: ImporterSpec(module.NAME, module.TITLE, module.detect, module.read)
    for module in (import_module(f".{name}", __name__) for name in IMPORTER_NAMES)}


def importer(name: str) -> ImporterSpec:
    """The importer called ``name``.

    Raises
    ------
    InputError
        ``import.kind_unknown`` naming the known importers.
    """
    if name not in IMPORTERS:
        raise InputError([Place("input", None).issue(
            "import.kind_unknown", "error", value=name, known=", ".join(IMPORTERS))])
    return IMPORTERS[name]


def import_into(raws: list[RawTable], issues: list[Issue], package: str | None = None,
                kinds: Sequence[str] | None = None, files: Sequence[str] = (),
                options: dict | None = None
                ) -> tuple[list[RawTable], list[RawTable], list[Issue], list[dict]]:
    """Import bureau files into a package's raw tables.

    Parameters
    ----------
    raws, issues
        The package as read (:func:`health_eval.io.readers.read_package`): the files and sheets
        it reported as ``table.unknown`` are offered to the importers.
    package : str, optional
        The package's path: a folder's workbooks (which name no table) are offered too.
    kinds : sequence of str, optional
        Importers to use (``--import cnemc``); default every importer, each file read by the
        first that recognises it. When given, a package in which none of them recognises any
        file is an error.
    files : sequence of str
        Further files to import (``health-eval import KIND FILE…``): each must be recognised.
    options : dict, optional
        Passed to the importers (``map``: the questionnaire mapping).

    Returns
    -------
    raws, imported, issues, imports
        The package's raw tables, the imported ones (one per file or sheet, several may fill
        one table), the issues (the ``table.unknown`` warnings of imported files removed, the
        importers' added), and one provenance record per imported file or sheet.
    """
    chosen = [importer(k) for k in kinds] if kinds else list(IMPORTERS.values())
    refs = None                          # the package's ids, read when a file is imported
    imported: list[Imported] = []
    consumed: set[tuple[str | None, str | None]] = set()
    for source, explicit in _candidates(issues, package, files):
        spec = next((i for i in chosen if i.detect(source)), None)
        if spec is None:
            if explicit:
                issues.append(Place("input", source.file, source.sheet).issue(
                    "import.not_recognised", "error", kind=", ".join(i.name for i in chosen),
                    detail="header, title row or layout not found"))
            continue
        refs = refs if refs is not None else References.from_raws(raws)
        imported.append(spec.read(source, refs, dict(options or {})))
        consumed.add((source.file, source.sheet))
    issues = [i for i in issues if not (i.rule == "table.unknown"
                                        and (i.file, i.sheet) in consumed)]
    if kinds and not imported and not files:
        issues.append(Place("input", None).issue(
            "import.not_recognised", "error", kind=", ".join(kinds),
            detail="no file or sheet of the package has this layout"))
    for item in imported:
        issues.extend(item.issues)
    return raws, _raw_tables(imported), issues, [item.account for item in imported]


def _candidates(issues: list[Issue], package: str | None, files: Sequence[str]):
    """``(source, explicit)``: ``files`` when given; else the package's unknown CSV files and
    sheets and a folder's workbooks (one that cannot be opened is a warning in ``issues``)."""
    sheets: dict[str, list[str | None]] = {}
    if files:                       # the package gives its reference tables only
        for file in files:
            for source in read_sources(file, str(file)):
                yield source, True
        return
    if package is not None and Path(package).is_dir():
        for entry in sorted(Path(package).iterdir()):
            if entry.suffix.lower() in (".xlsx", ".xlsm") and entry.is_file() and not (
                    entry.name.startswith((".", "~$"))):
                try:
                    found = read_sources(entry, str(Path(package) / entry.name))
                except InputError as exc:     # not ours to refuse: a warning, the rest is read
                    issues.extend(replace(i, severity="warning") for i in exc.issues)
                    continue
                for source in found:
                    yield source, False
    for issue in issues:
        if issue.rule == "table.unknown" and issue.file and Path(issue.file).suffix.lower() in (
                ".csv", ".xlsx", ".xlsm"):
            sheets.setdefault(issue.file, []).append(issue.sheet)
    for file, names in sheets.items():
        for source in read_sources(file, file, None if None in names else names):
            yield source, False


def _raw_tables(imported: list[Imported]) -> list[RawTable]:
    """One raw table per imported file or sheet, its rows numbered as in the original; the
    package assembles the raws of one table into one
    (:func:`health_eval.engine.dataset.load_dataset`)."""
    raws = []
    for item in imported:
        frame = item.frame
        raws.append(RawTable(table_spec(item.table), frame.set_axis(
            range(frame.shape[1]), axis=1), list(frame.columns), item.account["file"],
            item.account["sheet"], None, row_numbers=item.rows.astype(np.int64)))
    return raws
