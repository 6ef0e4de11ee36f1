"""Online questionnaire exports (问卷星 style) with a small YAML mapping.

An export has one row per answer sheet, metadata columns (``序号``, ``提交答卷时间``,
``所用时间``, ``来源``, ``来自IP``) and one column per question, answers written as the option
text. A mapping says which question gives what::

    respondent_type:                 # 调查对象类型
      question: "1、您的身份是"
      options: {沿河居民: resident, 河湖管理人员: manager}   # optional: the catalogue's
                                                          # labels (沿河1km内居民…) are known
    water_body:                      # 河湖, by its name in 河湖名录
      question: "2、您评价的河湖是"
    segment: {question: "3、您常去的河段"}   # optional; blank = the whole water body
    score:                           # 总体评分 0–100
      question: "4、总体满意度"
      options: {很满意: 100, 满意: 80, 基本满意: 60, 不满意: 30, 很不满意: 0}
                                     # without options: the answer is the score

``health-eval import questionnaire FILE --map MAP.yaml``; in a package, the mapping is the
YAML file of the export's name beside it (``问卷.xlsx`` + ``问卷.yaml``). An answer sheet
with a mapped question left blank is incomplete, and one with the IP and a submission time
within a minute of an earlier one is a duplicate: both are rejected with their rule and
counted. An answer that is not an option of the mapping is an error at its cell.

References: SPEC.md §4.5 (public satisfaction).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ...issues import InputError
from ..cells import COERCERS, split_cells
from ..tables import code_key, table_spec
from .base import Imported, References, Source, find_row, normalise_name, row_texts
from .messages import Place

NAME = "questionnaire"
TITLE = "在线问卷导出 / online questionnaire export"
TABLE = "questionnaires"

ID, TIME, IP = "序号", "提交答卷时间", ("来自IP", "IP", "来源IP", "IP地址")
#: Seconds within which two answer sheets of one IP are one.
DUPLICATE_SECONDS = 60


class Question(BaseModel):
    """One mapped question: its column header (or its start) and its options."""

    model_config = ConfigDict(extra="forbid")
    question: str
    options: dict[str, Any] | None = None


class Mapping(BaseModel):
    """The mapping of an export's questions to the ``questionnaires`` table."""

    model_config = ConfigDict(extra="forbid")
    respondent_type: Question
    water_body: Question
    score: Question
    segment: Question | None = None


def _is_header(texts: list[str]) -> bool:
    return ID in texts and TIME in texts


def detect(source: Source) -> bool:
    """Whether the source has an export's metadata header (序号 and 提交答卷时间)."""
    return find_row(source.head, _is_header) is not None


def load_mapping(path: str | Path, place: Place) -> Mapping:
    """Read and check a mapping file.

    Raises
    ------
    InputError
        ``import.map_missing`` (no file) or ``import.map_invalid`` (each problem by its path).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([place.issue("import.map_missing", "error", detail=str(path))])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Mapping.model_validate(data)
    except yaml.YAMLError as exc:
        raise InputError([place.issue("import.map_invalid", "error",
                                      detail=f"{path}: {exc}")]) from exc
    except ValidationError as exc:
        raise InputError([place.issue("import.map_invalid", "error", detail=(
            f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}")) for e in exc.errors()
        ]) from exc


def read(source: Source, refs: References, options: dict) -> Imported:
    """Read one export into ``questionnaires`` rows.

    Parameters
    ----------
    options : dict
        ``map``: the mapping file; default the YAML file of the export's name beside it.
    """
    place = Place(TABLE, source.file, source.sheet)
    default = source.path.with_suffix(".yaml") if source.path is not None else None
    mapping = load_mapping(options.get("map") or default, place)
    grid = source.load()
    at = find_row(grid.head(len(source.head)), _is_header)
    headers = row_texts(grid, at)
    data = grid.iloc[at + 1:].reset_index(drop=True)
    rows = np.arange(len(data), dtype=np.int64) + at + 2
    texts = {h: split_cells(data.iloc[:, j]).as_text() for j, h in enumerate(headers) if h}
    filled = np.logical_or.reduce([~t.isna().to_numpy() for t in texts.values()])
    data_rows = np.flatnonzero(filled)
    texts = {h: t.iloc[data_rows].reset_index(drop=True) for h, t in texts.items()}
    rows = rows[data_rows]
    issues: list = []
    answers: dict[str, pd.Series] = {}
    for role, question in mapping:
        if question is None:
            continue
        header = next((h for h in texts if h == question.question), None) or next(
            (h for h in texts if h.startswith(question.question)), None)
        if header is None:
            issues.append(place.issue("import.question_missing", "error",
                                      value=question.question))
            continue
        answers[role] = texts[header].rename(header)
    if any(role not in answers for role, question in mapping if question is not None):
        return Imported(TABLE, pd.DataFrame(), np.zeros(0, np.int64), issues, _account(
            source, len(rows), 0))
    required = ["respondent_type", "water_body", "score"]
    incomplete = np.zeros(len(rows), dtype=bool)
    for role in required:
        blank = answers[role].isna().to_numpy()
        issues += [place.issue("import.answer_incomplete", "warning", row=int(r),
                               column=answers[role].name, question=answers[role].name)
                   for r in rows[blank & ~incomplete]]
        incomplete |= blank
    duplicate, first = _duplicates(texts, rows)
    duplicate &= ~incomplete
    ip = next((texts[h] for h in IP if h in texts), None)
    issues += [place.issue("import.answer_duplicate", "warning", row=int(rows[k]),
                           column=TIME, value=texts[TIME].iat[k], first=int(first[k]),
                           ip=ip.iat[k]) for k in np.flatnonzero(duplicate)]
    use = ~incomplete & ~duplicate
    kinds = _options(answers["respondent_type"], mapping.respondent_type, _type_labels(),
                     use, rows, place, issues)
    water_body, names = _water_bodies(answers["water_body"], refs, use, rows, place, issues)
    score = _score(answers["score"], mapping.score, use, rows, place, issues)
    segment = (_segments(answers["segment"], water_body, refs, use, rows, place, issues)
               if "segment" in answers else pd.Series([None] * len(rows), dtype=object))
    unread = answers["segment"].notna().to_numpy() & segment.isna().to_numpy() \
        if "segment" in answers else np.zeros(len(rows), dtype=bool)
    use &= pd.notna(kinds) & pd.notna(water_body) & ~np.isnan(score) & ~unread   # reported
    frame = pd.DataFrame({"response_id": texts[ID].to_numpy(dtype=object),
                          "water_body_id": water_body, "segment_id": segment.to_numpy(),
                          "respondent_type": kinds, "score": score})
    return Imported(TABLE, frame[use].reset_index(drop=True), rows[use], issues,
                    _account(source, len(rows), int(use.sum())))


def _account(source: Source, read: int, used: int) -> dict:
    return {"importer": NAME, "file": source.file, "sheet": source.sheet,
            "sha256": source.sha256, "table": TABLE, "read": read, "used": used,
            "rejected": read - used, "notes": "答卷 / answer sheets"}


def _duplicates(texts: dict[str, pd.Series], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Answer sheets of an IP submitted within a minute of its previous one, and the row of
    that one."""
    ip = next((texts[h] for h in IP if h in texts), None)
    duplicate = np.zeros(len(rows), dtype=bool)
    first = np.zeros(len(rows), dtype=np.int64)
    if ip is None or TIME not in texts:
        return duplicate, first
    when = COERCERS["date"](split_cells(texts[TIME]), False)[0]
    frame = pd.DataFrame({"ip": ip.to_numpy(dtype=object), "when": when, "row": rows})
    frame = frame[frame["ip"].notna() & frame["when"].notna()].sort_values(["ip", "when", "row"])
    same = frame["ip"].eq(frame["ip"].shift()).to_numpy()
    close = (frame["when"].diff().dt.total_seconds() <= DUPLICATE_SECONDS).to_numpy()
    hit = same & close
    positions = frame.index.to_numpy()
    duplicate[positions[hit]] = True
    first[positions[hit]] = frame["row"].shift().to_numpy()[hit].astype(np.int64)
    return duplicate, first


def _type_labels() -> dict[str, str]:
    """The catalogue's spellings of respondent types (codes and Chinese labels)."""
    return table_spec(TABLE).column("respondent_type").code_synonyms()


def _options(answers: pd.Series, question: Question, known: dict[str, Any], use: np.ndarray,
             rows: np.ndarray, place: Place, issues: list) -> np.ndarray:
    """Answers translated by the question's options (else ``known``); an answer that is
    neither is an error at its cell."""
    table = {code_key(k): v for k, v in (question.options or {}).items()} or known
    out = np.array([table.get(code_key(a)) if isinstance(a, str) else None
                    for a in answers.to_numpy(dtype=object)], dtype=object)
    missing = use & pd.isna(out) & answers.notna().to_numpy()
    shown = "、".join(map(str, (question.options or {}).keys())) or "、".join(known)
    issues += [place.issue("import.option_unknown", "error", row=int(rows[k]),
                           column=answers.name, value=answers.iat[k], known=shown)
               for k in np.flatnonzero(missing)]
    return out


def _score(answers: pd.Series, question: Question, use: np.ndarray, rows: np.ndarray,
           place: Place, issues: list) -> np.ndarray:
    """The score: the option's score, or the answer itself when the question has none."""
    if question.options:
        return pd.to_numeric(pd.Series(_options(answers, question, {}, use, rows, place,
                                                issues)), errors="coerce").to_numpy()
    numbers = pd.to_numeric(answers.str.replace("分", "", regex=False), errors="coerce")
    bad = use & numbers.isna().to_numpy() & answers.notna().to_numpy()
    issues += [place.issue("import.value_unreadable", "error", row=int(rows[k]),
                           column=answers.name, value=answers.iat[k]) for k in np.flatnonzero(bad)]
    return numbers.to_numpy(dtype="float64")


def _water_bodies(answers: pd.Series, refs: References, use: np.ndarray, rows: np.ndarray,
                  place: Place, issues: list) -> tuple[np.ndarray, dict]:
    """Water-body codes of the answers (matched by name or code, loosely as station names)."""
    bodies = refs.water_bodies
    table = {}
    for code, name in zip(bodies["water_body_id"], bodies["name"]):
        for spelling in (code, name):
            if spelling:
                table[normalise_name(spelling)] = code
    out = np.array([table.get(normalise_name(a)) if isinstance(a, str) else None
                    for a in answers.to_numpy(dtype=object)], dtype=object)
    names = [n for n in bodies["name"] if n]
    for value in pd.unique(answers[use & pd.isna(out) & answers.notna().to_numpy()]):
        k = int(np.flatnonzero(answers.eq(value).to_numpy(dtype=bool) & use)[0])
        closest = "、".join(difflib.get_close_matches(value, names, n=3, cutoff=0.3)) or "—"
        issues.append(place.issue("import.water_body_unknown", "error", row=int(rows[k]),
                                  column=answers.name, value=value, closest=closest))
    return out, table


def _segments(answers: pd.Series, water_body: np.ndarray, refs: References, use: np.ndarray,
              rows: np.ndarray, place: Place, issues: list) -> pd.Series:
    """Segment codes of the answers, by name or code within the answer's water body."""
    segments = refs.segments
    table = {}
    for code, body, name in zip(segments["segment_id"], segments["water_body_id"],
                                segments["name"]):
        for spelling in (code, name):
            if spelling:
                table[(body, normalise_name(spelling))] = code
    out = []
    for k, (answer, body) in enumerate(zip(answers.to_numpy(dtype=object), water_body)):
        if not isinstance(answer, str):
            out.append(None)
            continue
        code = table.get((body, normalise_name(answer)))
        if code is None and use[k] and body is not None:
            issues.append(place.issue("import.segment_unknown", "error", row=int(rows[k]),
                                      column=answers.name, value=answer, water_body=body))
        out.append(code)
    return pd.Series(out, dtype=object)
