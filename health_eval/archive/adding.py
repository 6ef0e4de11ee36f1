"""Adding a result to the archive: what ``Archive.add`` reads, computes and inserts.

The files kept byte for byte (``result.json``, ``result.xlsx``: compressed, with their
SHA-256; the indicator rows' details are kept there only, :mod:`.blobs`), the evaluations of
the round (evaluation year, basic facts), the lasting water-body keys (by code, else
by national code), revisions and the current flag, and the long tables in bulk
(:mod:`.bulk`). Every function here runs inside the add's one transaction or before it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from ..engine.result import EvaluationResult
from . import models as m
from .blobs import CODEC, pack
from .bulk import bulk_insert, reserve_ids
from .connect import ArchiveError
from .facts import facts_record
from .models import CLASS_COLUMNS, CRITERIA
from .times import utc_now

#: Files kept byte for byte (``archive export`` gives them back); others by path and hash.
KEPT_FILES = ("result.json", "result.xlsx")


def _plain_records(frame: pd.DataFrame, columns: Iterable[str]) -> list[dict]:
    """Rows as dicts of Python values, NaN/NA as None (what the database driver takes)."""
    columns = [c for c in columns if c in frame]
    table = frame[columns].astype(object)
    table = table.where(table.notna(), None)
    return [dict(zip(columns, row)) for row in table.itertuples(index=False, name=None)]


def _chunks(values: list, size: int = 10_000):
    """``values`` in parts small enough for one ``IN (…)`` (SQLite allows 32,766 parameters)."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def read_source(source, files: list[Path]
                ) -> tuple[EvaluationResult, dict[str, bytes], Path | None]:
    """The result, the files kept byte for byte, and the folder file names are relative
    to. A result given with its written files keeps those files' bytes."""
    if isinstance(source, EvaluationResult):
        written = {p.name: p for p in files if p.name in KEPT_FILES and p.is_file()}
        kept = {name: path.read_bytes() for name, path in written.items()}
        if "result.json" not in kept:   # not written: as to_json would write it
            kept["result.json"] = (source.to_json() + "\n").encode("utf-8")
        folder = next(iter(written.values())).parent if written else None
        return source, kept, folder
    folder = Path(source)
    path = folder / "result.json"
    if not path.is_file():
        raise ArchiveError(f"{folder} 中没有 result.json", f"no result.json in {folder}")
    kept = {name: (folder / name).read_bytes() for name in KEPT_FILES
            if (folder / name).is_file()}
    return EvaluationResult.from_json(kept["result.json"].decode("utf-8")), kept, folder


def file_rows(kept: Mapping[str, bytes], folder: Path | None, files) -> list[dict]:
    """The ``files`` rows of the round: the kept files compressed (:func:`.blobs.pack`), the
    others by name (relative to ``folder``), size and SHA-256 only."""
    rows = [{"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
             "content": pack(data), "compression": CODEC} for name, data in kept.items()]
    for file in files:
        path = Path(file)
        name = path.relative_to(folder).as_posix() if folder and path.is_relative_to(
            folder) else path.name
        if name in kept or not path.is_file():
            continue
        data = path.read_bytes()
        rows.append({"name": name, "sha256": hashlib.sha256(data).hexdigest(),
                     "size": len(data), "content": None, "compression": None})
    return rows


def evaluation_frame(result: EvaluationResult, facts, years) -> pd.DataFrame:
    """The round's water bodies with their evaluation year, basic facts (JSON-ready) and
    national code.

    Raises
    ------
    ArchiveError
        When a water body's evaluation year is not known.
    """
    table = result.water_bodies.copy()
    facts = facts if facts is not None else pd.DataFrame(
        index=pd.Index([], name="water_body_id"))
    known = facts["evaluation_year"] if "evaluation_year" in facts else pd.Series(
        dtype="float64")
    year = table["water_body_id"].map(known)
    if isinstance(years, Mapping):
        year = year.fillna(table["water_body_id"].map(years))
    elif years is not None:
        year = year.fillna(years)
    missing = table.loc[year.isna(), "water_body_id"].tolist()
    if missing:
        raise ArchiveError(f"不知道这些河湖的评价年份：{', '.join(missing)}（给出输入数据包"
                           f"或评价年份）",
                           f"the evaluation year of {', '.join(missing)} is not known "
                           f"(give the input package or the year)")
    table["evaluation_year"] = year.astype(int)
    known_facts = facts[~facts.index.duplicated()].reindex(table["water_body_id"])
    table["facts"] = [facts_record(row) for row in known_facts.to_dict("records")]
    table["national_code"] = [f.get("national_code") for f in table["facts"]]
    return table


def insert_round(conn, result: EvaluationResult, digest: str) -> int:
    """Insert the round's record (digest, times, engine, profiles, reading, inputs, options,
    the rest of the provenance); its id."""
    p = result.provenance
    rest = {k: v for k, v in p.items() if k not in ("inputs", "options", "profiles")}
    row = {"digest": digest, "stored_at": utc_now(), "run_time": p.get("timestamp"),
           "engine_version": p.get("engine_version"), "dataset": p.get("dataset"),
           "profiles": p.get("profiles"), "reading": p.get("reading") or p.get("readings"),
           "inputs": p.get("inputs"), "options": p.get("options"), "provenance": rest}
    return conn.execute(m.rounds.insert().returning(m.rounds.c.id), row).scalar_one()


def water_body_keys(conn, table: pd.DataFrame, round_id: int) -> list[int]:
    """The lasting key of every water body: found by its code, else by its national code
    (河湖代码; its id changed: the new code is taken and the old one kept in the history),
    else created."""
    codes = table["water_body_id"].tolist()
    national = [c for c in table["national_code"] if c]
    w = m.water_bodies
    columns = (w.c.id, w.c.code, w.c.name, w.c.kind, w.c.national_code)
    known = [r for part in _chunks(codes) for r in conn.execute(
        sa.select(*columns).where(w.c.code.in_(part)))]
    known += [r for part in _chunks(national) for r in conn.execute(
        sa.select(*columns).where(w.c.national_code.in_(part)))]
    by_code = {r.code: r.id for r in known}
    by_national = {r.national_code: r.id for r in known if r.national_code}
    stored = {r.id: {"code": r.code, "name": r.name, "kind": r.kind,
                     "national_code": r.national_code} for r in known}
    rows = [{"code": r["water_body_id"], "name": r["name"], "kind": r["kind"],
             "national_code": r["national_code"]} for r in table.to_dict("records")]
    found = [by_code.get(r["code"]) or by_national.get(r["national_code"]) for r in rows]
    keys = found
    if None in found:
        created = iter(reserve_ids(conn, w, found.count(None)))
        keys = [next(created) if k is None else k for k in found]
        bulk_insert(conn, w, pd.DataFrame([{"id": k, **r} for r, k, f in zip(
            rows, keys, found) if f is None]))
    # today's code, name and kind (the national code kept when none is given today)
    changed = [{f"b_{c}": v for c, v in r.items()} | {"b_key": k} for r, k in zip(
        rows, found) if k is not None and stored[k] != {
            **r, "national_code": r["national_code"] or stored[k]["national_code"]}]
    if changed:
        conn.execute(w.update().where(w.c.id == sa.bindparam("b_key")).values(
            code=sa.bindparam("b_code"), name=sa.bindparam("b_name"),
            kind=sa.bindparam("b_kind"), national_code=sa.func.coalesce(
                sa.bindparam("b_national_code"), w.c.national_code)), changed)
    c = m.water_body_codes
    seen = {tuple(r) for part in _chunks(keys) for r in conn.execute(
        sa.select(c.c.water_body, c.c.code).where(c.c.water_body.in_(part)))}
    new = [{"water_body": k, "code": c, "national_code": n, "first_round": round_id}
           for k, c, n in zip(keys, codes, table["national_code"]) if (k, c) not in seen]
    bulk_insert(conn, c, pd.DataFrame(new))
    return keys


def insert_evaluations(conn, table: pd.DataFrame, round_id: int, result: EvaluationResult
                        ) -> tuple[dict[str, int], dict[str, int]]:
    """Insert the round's evaluations; the later run of a water body and year is current."""
    e, r = m.evaluations, m.rounds
    earlier = pd.DataFrame(conn.execute(
        sa.select(e.c.id, e.c.water_body, e.c.evaluation_year, e.c.revision, r.c.run_time)
        .join(r, r.c.id == e.c.round)
        .where(e.c.water_body.in_(table["water_body"].tolist()))).all(),
        columns=["id", "water_body", "evaluation_year", "revision", "run_time"])
    same = earlier.merge(table[["water_body", "evaluation_year"]])
    top = same.groupby(["water_body", "evaluation_year"])["revision"].max()
    keys = pd.MultiIndex.from_frame(table[["water_body", "evaluation_year"]])
    table["revision"] = (top.reindex(keys).fillna(0).to_numpy() + 1).astype(int)
    table["round"], table["code"] = round_id, table["water_body_id"]
    table["current"] = False
    columns = ["round", "water_body", "code", "evaluation_year", "revision", "current",
               "name", "kind", "profile_id", *CLASS_COLUMNS, *CRITERIA, "facts"]
    ids = reserve_ids(conn, e, len(table))
    table["id"] = ids
    bulk_insert(conn, e, table[["id", *columns]])
    run_time = result.provenance.get("timestamp") or ""
    both = pd.concat([same[["id", "water_body", "evaluation_year", "run_time"]],
                      table[["id", "water_body", "evaluation_year"]].assign(
                          run_time=run_time)], ignore_index=True)
    both["run_time"] = both["run_time"].fillna("")
    latest = both.sort_values(["run_time", "id"]).groupby(
        ["water_body", "evaluation_year"])["id"].last()
    touched = both["id"].tolist()
    conn.execute(e.update().where(e.c.id.in_(touched)).values(current=False))
    conn.execute(e.update().where(e.c.id.in_(latest.tolist())).values(current=True))
    ids_by_code = dict(zip(table["water_body_id"], ids))
    revisions = dict(zip(table["water_body_id"], table["revision"].astype(int)))
    return ids_by_code, {k: v for k, v in revisions.items() if v > 1}


def insert_parts(conn, result: EvaluationResult, evaluation_ids: dict[str, int]) -> None:
    """Insert the segments, criteria and indicator rows (in bulk) and each indicator's
    water-body score (the points-weighted mean of the report, for trends)."""
    from ..reports.diagnosis import indicator_points, water_body_indicators

    for table, frame, columns in (
            (m.segments, result.segments, ["segment_id", "name", "segment_weight",
                                           *CLASS_COLUMNS]),
            (m.criteria, result.criteria, ["segment_id", "criterion", "score", "weight",
                                           "n_evaluated"]),
            (m.indicators, result.indicators,
             ["segment_id", "indicator_id", "indicator_name", "criterion", "required",
              "value", "unit", "score", "weight", "base_weight", "status", "source",
              "n_obs"])):
        if frame.empty:
            continue
        rows = frame.assign(evaluation=frame["water_body_id"].map(evaluation_ids))
        bulk_insert(conn, table, rows[[c for c in ["evaluation", *columns] if c in rows]])
    if result.indicators.empty:
        return
    summary = water_body_indicators(indicator_points(result.indicators, result.segments,
                                                     result.criteria))
    summary["evaluation"] = summary["water_body_id"].map(evaluation_ids)
    bulk_insert(conn, m.wb_indicators, summary[["evaluation", "indicator_id",
                                                "indicator_name", "criterion", "score",
                                                "points"]])


def issue_rows(result: EvaluationResult, round_id: int) -> list[dict]:
    """The ``issues`` rows of the round (values as text) with their structured keys (the
    water body, segment and indicator concerned, :mod:`health_eval.issue_keys`; ``count``)."""
    issues = result.issues.rename(columns={"table": "table_name", "column": "column_name"})
    if "value" in issues:
        issues["value"] = issues["value"].map(lambda v: None if v is None or (
            not isinstance(v, str) and pd.isna(v)) else str(v))
    return _plain_records(issues.assign(round=round_id),
                          ["round", "table_name", "file", "sheet", "row", "column_name",
                           "value", "rule", "severity", "message_zh", "message_en",
                           "water_body_id", "segment_id", "indicator_id", "count"])
