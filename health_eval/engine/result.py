"""The evaluation result: long tables plus provenance (ARCHITECTURE §6).

``to_json`` is stable — sorted keys, no random ids, rows in a fixed order — so two runs on the
same input differ only in ``provenance.timestamp``; its shape is the response of the versioned
JSON contract (:mod:`health_eval.service.schema`). ``from_json`` reads it back; ``to_excel``
writes one sheet per table with Chinese and English headers for technicians.
"""

from __future__ import annotations

import json
import math
import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..io.atomic import atomic_path, write_text_atomic
from ..io.display_names import display_issues
from ..io.sheets import Sheet, write_csv, write_workbook
from ..issues import KEY_COLUMNS, sort_issues
from ..vocabulary import CRITERIA_ZH, SCHEMA_VERSION
from .details_table import Details

TABLE_NAMES: tuple[str, ...] = ("water_bodies", "segments", "criteria", "indicators", "issues")
#: Tables of a confidence run (:mod:`health_eval.confidence`), in a result only with one.
CONFIDENCE_TABLES: tuple[str, ...] = ("confidence_water_bodies", "confidence_segments",
                                      "confidence_indicators")
OUTPUT_FORMATS: tuple[str, ...] = ("json", "xlsx")
INTEGER_COLUMNS = ("health_class", "n_obs", "row", "n_evaluated", "evaluation_year",
                   "replicates", "rank")

#: The order of each table's rows (the issues have their own, see ``issues.sort_issues``).
ROW_ORDER: dict[str, list[str]] = {
    "water_bodies": ["water_body_id"],
    "segments": ["water_body_id", "segment_id"],
    "criteria": ["water_body_id", "segment_id", "criterion"],
    "indicators": ["water_body_id", "segment_id", "indicator_id"],
}

SHEET_NAMES_ZH = {"water_bodies": "河湖", "segments": "河段", "criteria": "准则层",
                  "indicators": "指标", "issues": "问题清单", "provenance": "溯源",
                  "confidence_water_bodies": "可信度_河湖", "confidence_segments": "可信度_河段",
                  "confidence_indicators": "可信度_关键指标"}
#: Headers that mean something else in one table (the issues' ``value`` is the offending value).
TABLE_HEADERS_ZH = {"issues": {"value": "问题值", "count": "涉及条数"}}
HEADERS_ZH = {
    "water_body_id": "河湖编码", "name": "名称", "kind": "类型", "evaluation_year": "评价年份",
    "profile_id": "评价方案",
    "rhi": "健康指数RHI", "health_class": "健康类别", "health_label": "健康状态",
    "health_name": "类别名称", "segment_id": "河段编码", "segment_weight": "河段权重",
    "criterion": "准则层", "score": "赋分", "weight": "权重", "n_evaluated": "已评价指标数",
    "indicator_id": "指标编码", "indicator_name": "指标名称", "required": "是否必选",
    "key": "项目",
    "base_weight": "基础权重", "value": "指标值", "unit": "单位", "status": "状态",
    "source": "数据来源", "n_obs": "样本数", "details": "计算依据", "table": "数据表",
    "file": "文件", "sheet": "工作表", "row": "行号", "column": "列", "rule": "规则",
    "severity": "严重程度", "message_zh": "说明", "message_en": "说明（英文）",
    "replicates": "有效重抽样次数", "rhi_p05": "RHI第5百分位", "rhi_median": "RHI中位数",
    "rhi_p95": "RHI第95百分位", "rhi_reached_80": "80%重抽样可达RHI", "p_reported": "所报类别的概率",
    **{f"p_class_{k}": f"{n}类概率" for k, n in enumerate("一二三四五", start=1)},
    "variance_share": "对RHI方差的贡献占比", "rank": "排序",
    **CRITERIA_ZH,
}


def _plain(value: Any) -> Any:
    """A JSON-ready Python value: NaN, ±inf and NA → None, numpy scalars → Python, containers
    recursed, any other object as its text (JSON writing never fails)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):        # JSON holds no NaN or ±inf
        return float(value) if math.isfinite(value) else None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value if isinstance(value, (str, int)) else str(value)   # a path, a date…: text


def _excel_headers(table: str, columns) -> list[str]:
    """``中文 code`` for every column with a Chinese header, the code alone otherwise."""
    names = {**HEADERS_ZH, **TABLE_HEADERS_ZH.get(table, {})}
    return [f"{names[c]} {c}" if c in names else c for c in columns]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = list(frame.columns)
    return [{c: _plain(v) for c, v in zip(columns, row)}
            for row in frame.itertuples(index=False, name=None)]


@dataclass
class EvaluationResult:
    """Tables of one evaluation and where they came from.

    Attributes
    ----------
    water_bodies : DataFrame
        ``water_body_id, name, kind, profile_id, rhi, health_class, health_label, health_name``
        and one column per criterion score.
    segments : DataFrame
        ``water_body_id, segment_id, name, segment_weight, rhi, health_class, health_label,
        health_name``.
    criteria : DataFrame
        ``water_body_id, segment_id, criterion, score, weight, n_evaluated``.
    indicators : DataFrame
        ``water_body_id, segment_id, indicator_id, indicator_name`` (Chinese), ``criterion,
        required, value, unit, score, weight`` (effective), ``base_weight, status, source,
        n_obs``.
    issues : DataFrame
        ``table, file, sheet, row, column, value, rule, severity, message_zh, message_en,
        water_body_id, segment_id, indicator_id, count`` (:data:`health_eval.issues.ISSUE_COLUMNS`).
    provenance : dict
        Engine version, profiles (id, digest, extends chain), input file hashes, options and the
        timestamp.
    confidence_water_bodies, confidence_segments, confidence_indicators : DataFrame or None
        The tables of a confidence run (:mod:`health_eval.confidence`); None without one.
    details : Details
        What each row of ``indicators`` was computed from, columnar
        (:mod:`health_eval.engine.details_table`): ``details.table(indicator_id)`` an indicator's
        fields, ``details.row(i)`` the mapping of row ``i``. A ``details`` column of mappings
        given in ``indicators`` (a result read back from an archive) is taken into it.
    """

    water_bodies: pd.DataFrame
    segments: pd.DataFrame
    criteria: pd.DataFrame
    indicators: pd.DataFrame
    issues: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)
    confidence_water_bodies: pd.DataFrame | None = None
    confidence_segments: pd.DataFrame | None = None
    confidence_indicators: pd.DataFrame | None = None
    details: Details | None = None

    def _tables(self) -> list[str]:
        """The tables this result holds: :data:`TABLE_NAMES`, then any confidence table."""
        return [*TABLE_NAMES, *(n for n in CONFIDENCE_TABLES if getattr(self, n) is not None)]

    def __post_init__(self) -> None:
        if "details" in self.indicators:
            mappings = self.indicators["details"].tolist()
            self.indicators = self.indicators.drop(columns="details")
            self.details = Details.from_records(mappings, self.indicators["indicator_id"].tolist(),
                                                _declared())
        elif self.details is None:
            self.details = Details.from_records([{}] * len(self.indicators),
                                                self.indicators.get("indicator_id", []), {})

    @classmethod
    def concat(cls, results: list[EvaluationResult], provenance: dict[str, Any]
               ) -> EvaluationResult:
        """One result from the results of disjoint sets of water bodies (partitions).

        Rows are put in the order one evaluation of everything gives (:data:`ROW_ORDER`, and the
        canonical issue order); an issue met in several partitions (a problem of a shared table)
        is kept once.

        Parameters
        ----------
        results : list of EvaluationResult
            At least one.
        provenance : dict
            The provenance of the whole (inputs, options, timestamp…).
        """
        tables = {}
        for name in TABLE_NAMES:
            frames = [getattr(r, name) for r in results]
            filled = [f for f in frames if not f.empty] or frames[:1]
            table = pd.concat(filled, ignore_index=True)
            if name == "issues":
                table = sort_issues(table.drop_duplicates(ignore_index=True))
            else:
                table = table.sort_values(ROW_ORDER[name], kind="stable")
                if name == "indicators":
                    details = Details.concat([r.details for r in results]).take(
                        table.index.to_numpy())
                table = table.reset_index(drop=True)
            tables[name] = table
        return cls(**tables, provenance=provenance, details=details)

    def indicators_with_details(self) -> pd.DataFrame:
        """The indicators table with a ``details`` column of mappings (as ``result.json`` holds
        them), for a consumer that shows rows one by one."""
        return self.indicators.assign(details=self.details.records())

    @property
    def errors(self) -> pd.DataFrame:
        """Issues of severity ``error``."""
        return self.issues[self.issues["severity"] == "error"]

    @property
    def ok(self) -> bool:
        """True when the evaluation met no error."""
        return self.errors.empty

    def to_dict(self) -> dict[str, Any]:
        """The response of the JSON contract (:class:`health_eval.service.schema.v1.EvaluateResponse`):
        every table as a list of records under its name, ``provenance`` and ``schema_version``.
        """
        data: dict[str, Any] = {name: _records(getattr(self, name)) for name in self._tables()}
        for record, details in zip(data["indicators"], self.details.records()):
            record["details"] = _plain(details)
        data["provenance"] = _plain(self.provenance)
        data["schema_version"] = SCHEMA_VERSION
        return data

    def to_json(self, path: str | os.PathLike | None = None, *, indent: int | None = 1) -> str:
        """The result as stable JSON (sorted keys, UTF-8; non-finite numbers null, objects JSON
        has no type for as text); written atomically when ``path``."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=indent,
                          allow_nan=False)
        if path is not None:
            write_text_atomic(path, text + "\n")
        return text

    @classmethod
    def from_json(cls, source: str | os.PathLike) -> EvaluationResult:
        """Read a result written by :meth:`to_json` (a path or the JSON text itself)."""
        text = str(source)
        if not text.lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        data = json.loads(text)
        tables = {}
        for name in [*TABLE_NAMES, *(n for n in CONFIDENCE_TABLES if n in data)]:
            frame = pd.DataFrame.from_records(data[name])
            if name == "issues":       # a result written before the issues had keys
                frame = frame.reindex(columns=[*frame.columns, *(
                    c for c in KEY_COLUMNS if c not in frame)]).astype({"count": "Int64"})
            for column in INTEGER_COLUMNS:
                if column in frame:
                    frame[column] = frame[column].astype("Int64")
            tables[name] = frame
        return cls(provenance=data["provenance"], **tables)

    def to_excel(self, path: str | os.PathLike) -> None:
        """One sheet per table (Chinese sheet names, headers ``中文 code``), written atomically."""
        with atomic_path(path) as temporary:
            self._write_excel(temporary)

    def write(self, folder: str | os.PathLike, formats: tuple[str, ...] = OUTPUT_FORMATS,
              extra_sheets: tuple[Sheet, ...] = ()) -> list[Path]:
        """Write ``result.json`` and/or ``result.xlsx`` into ``folder``, all or nothing.

        ``extra_sheets`` are added to ``result.xlsx`` after the tables (the CLI adds the
        plan, :mod:`health_eval.reports.plan_sheet`).

        Every file is written under a temporary name first; only when all succeeded are they
        renamed into place, so a failure leaves the previous outputs untouched.
        """
        unknown = sorted(set(formats) - set(OUTPUT_FORMATS))
        if unknown:
            raise ValueError(f"unknown output format(s) {unknown}; known: {OUTPUT_FORMATS}")
        targets = [Path(folder) / f"result.{fmt}" for fmt in OUTPUT_FORMATS if fmt in formats]
        with ExitStack() as stack:
            temporary = {t.suffix: stack.enter_context(atomic_path(t)) for t in targets}
            if ".json" in temporary:
                temporary[".json"].write_text(self.to_json() + "\n", encoding="utf-8")
            if ".xlsx" in temporary:
                self._write_excel(temporary[".xlsx"], extra_sheets)
        return targets

    def _write_excel(self, path: Path, extra_sheets: tuple[Sheet, ...] = ()) -> None:
        """The workbook through the one writer path (:func:`health_eval.io.sheets.write_workbook`:
        formulas and control characters neutralised, headers bold and frozen)."""
        sheets = []
        for name in self._tables():
            frame = getattr(self, name).copy()
            if name == "indicators":
                frame["details"] = [json.dumps(_plain(d), ensure_ascii=False, sort_keys=True)
                                    for d in self.details.records()]
            sheets.append(Sheet(SHEET_NAMES_ZH[name], frame, _excel_headers(name, frame.columns)))
        provenance = pd.DataFrame(
            [(k, json.dumps(_plain(v), ensure_ascii=False, sort_keys=True))
             for k, v in sorted(self.provenance.items())], columns=["key", "value"])
        sheets.append(Sheet(SHEET_NAMES_ZH["provenance"], provenance,
                            _excel_headers("provenance", provenance.columns)))
        write_workbook(path, [*sheets, *extra_sheets])


def _declared() -> dict[str, tuple]:
    """The declared detail fields of every indicator of the default registry, by id."""
    from .registry import default_registry

    return {i.id: i.details for i in default_registry()}


def write_issues(issues: pd.DataFrame, folder: str | os.PathLike) -> list[Path]:
    """Write an issues table to ``folder`` as ``issues.xlsx`` (headers ``中文 code``, bold and
    frozen, severity coloured, an autofilter) and ``issues.csv`` (UTF-8 with BOM, opens in
    Excel), all or nothing; formulas and control characters neutralised
    (:mod:`health_eval.io.sheets`)."""
    targets = [Path(folder) / "issues.xlsx", Path(folder) / "issues.csv"]
    from .registry import default_registry

    issues = display_issues(issues, {i.id: i.name_zh for i in default_registry()})
    header = _excel_headers("issues", issues.columns)
    with ExitStack() as stack:
        xlsx, csv = (stack.enter_context(atomic_path(t)) for t in targets)
        write_workbook(xlsx, [Sheet(SHEET_NAMES_ZH["issues"], issues, header)])
        write_csv(issues, csv, header)
    return targets
