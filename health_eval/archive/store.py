"""The archive's operations: add a result, list, show and export rounds, the history of a water
body, and the previous round a new evaluation compares itself with.

Writers are serialised (SQLite ``BEGIN IMMEDIATE``; PostgreSQL a transaction-scoped advisory
lock), and each ``add`` is one transaction: a process killed in the middle leaves the archive
as it was, and two processes adding at once store each round once.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..atomic import atomic_path
from ..result import EvaluationResult
from . import models as m
from .blobs import CODEC, pack, pack_details, unpack, unpack_details
from .bulk import bulk_insert, reserve_ids
from .connect import (
    ArchiveError,
    archive_url,
    check_revision,
    connection_error,
    create_engine,
    shown_url,
    stored_revision,
    upgrade,
)
from .facts import facts_record, result_digest

#: Files kept byte for byte (``archive export`` gives them back); others by path and hash.
KEPT_FILES = ("result.json", "result.xlsx")
#: Any key: serialises writers of one PostgreSQL database ("HEAR" for health archive).
ADVISORY_LOCK = 0x48454152
CLASS_COLUMNS = ["rhi", "health_class", "health_label", "health_name"]
CRITERIA = ["basin", "water", "biota", "social"]


@dataclass(frozen=True)
class Added:
    """What :meth:`Archive.add` did: the round, whether it was new, and for each water body
    whether the evaluation is a revision of an earlier one of the same year."""

    round: int
    created: bool
    digest: str
    revisions: dict[str, int]


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


def _utc_now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


class Archive:
    """One health archive (一河（湖）一档) on SQLite or PostgreSQL.

    Open it with :func:`health_eval.archive.open`; it checks the schema revision first.
    """

    def __init__(self, engine: sa.Engine, url: str) -> None:
        self.engine, self.url = engine, url

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # adding -------------------------------------------------------------------------------

    def add(self, source: EvaluationResult | str | os.PathLike, *, facts: pd.DataFrame | None
            = None, years: Mapping[str, int] | int | None = None,
            files: Iterable[str | os.PathLike] = ()) -> Added:
        """Store a result as a round, in one transaction; the same result again is a no-op.

        Parameters
        ----------
        source : EvaluationResult or folder
            A result, or an output folder holding ``result.json`` (and ``result.xlsx``, kept
            byte for byte; reports and issues files are recorded by path and SHA-256).
        facts : DataFrame, optional
            Indexed by water-body id: ``evaluation_year`` and the basic facts
            (:func:`~health_eval.archive.facts.facts_from_dataset`).
        years : int or mapping, optional
            The evaluation year of every water body (or one for all) when ``facts`` lacks it.
        files : paths, optional
            More files of the run to record (their paths relative to the folder, and hashes).

        Raises
        ------
        ArchiveError
            When a water body's evaluation year is not known.
        """
        files = [Path(f) for f in files]
        result, kept, folder = self._read_source(source, files)
        # the files are hashed and compressed (C code that lets other threads run) beside the
        # digest, the details' JSON and the inserts: on two cores most of it costs no time
        with ThreadPoolExecutor(1) as worker:
            recorded = worker.submit(self._file_rows, kept, folder, files)
            digest = result_digest(kept["result.json"])
            table = self._evaluation_frame(result, facts, years)
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK)))
                existing = conn.execute(sa.select(m.rounds.c.id).where(
                    m.rounds.c.digest == digest)).scalar()
                if existing is not None:
                    return Added(existing, False, digest, {})
                round_id = self._insert_round(conn, result, digest)
                table["water_body"] = self._water_body_keys(conn, table, round_id)
                evaluation_ids, revisions = self._insert_evaluations(conn, table, round_id,
                                                                     result)
                self._insert_parts(conn, result, evaluation_ids)
                issue_rows = self._issue_rows(result, round_id)
                if issue_rows:              # an empty list would insert one blank row
                    conn.execute(m.issues.insert(), issue_rows)
                conn.execute(m.files.insert(), [{**f, "round": round_id}
                                                for f in recorded.result()])
        return Added(round_id, True, digest, revisions)

    @staticmethod
    def _read_source(source, files: list[Path]
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

    @staticmethod
    def _file_rows(kept: Mapping[str, bytes], folder: Path | None, files) -> list[dict]:
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

    @staticmethod
    def _evaluation_frame(result: EvaluationResult, facts, years) -> pd.DataFrame:
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
        details = result.indicators.groupby("water_body_id", sort=False)["details"].agg(
            list) if "details" in result.indicators else pd.Series(dtype=object)
        table["details"] = [pack_details(details[i]) if i in details.index else None
                            for i in table["water_body_id"]]
        return table

    def _insert_round(self, conn, result: EvaluationResult, digest: str) -> int:
        p = result.provenance
        rest = {k: v for k, v in p.items() if k not in ("inputs", "options", "profiles")}
        row = {"digest": digest, "stored_at": _utc_now(), "run_time": p.get("timestamp"),
               "engine_version": p.get("engine_version"), "dataset": p.get("dataset"),
               "profiles": p.get("profiles"), "reading": p.get("reading") or p.get("readings"),
               "inputs": p.get("inputs"), "options": p.get("options"), "provenance": rest}
        return conn.execute(m.rounds.insert().returning(m.rounds.c.id), row).scalar_one()

    @staticmethod
    def _water_body_keys(conn, table: pd.DataFrame, round_id: int) -> list[int]:
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

    @staticmethod
    def _insert_evaluations(conn, table: pd.DataFrame, round_id: int, result: EvaluationResult
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
                   "name", "kind", "profile_id", *CLASS_COLUMNS, *CRITERIA, "facts", "details"]
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

    @staticmethod
    def _insert_parts(conn, result: EvaluationResult, evaluation_ids: dict[str, int]) -> None:
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

    @staticmethod
    def _issue_rows(result: EvaluationResult, round_id: int) -> list[dict]:
        issues = result.issues.rename(columns={"table": "table_name", "column": "column_name"})
        if "value" in issues:
            issues["value"] = issues["value"].map(lambda v: None if v is None or (
                not isinstance(v, str) and pd.isna(v)) else str(v))
        return _plain_records(issues.assign(round=round_id),
                              ["round", "table_name", "file", "sheet", "row", "column_name",
                               "value", "rule", "severity", "message_zh", "message_en"])

    # reading ------------------------------------------------------------------------------

    def _frame(self, query) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(query)
            return pd.DataFrame(result.all(), columns=list(result.keys()))

    def water_body_key(self, code: str) -> int:
        """The lasting key of the water body archived under ``code`` (now or before).

        Raises
        ------
        ArchiveError
            When no water body was archived under ``code``.
        """
        with self.engine.connect() as conn:
            key = conn.execute(sa.select(m.water_body_codes.c.water_body).where(
                (m.water_body_codes.c.code == code) | (m.water_body_codes.c.national_code
                                                       == code)).limit(1)).scalar()
        if key is None:
            raise ArchiveError(f"档案中没有河湖 {code}", f"no water body {code} in the archive")
        return key

    def list(self, water_body: str | None = None) -> pd.DataFrame:
        """One row per water body and round: ``water_body_id, name, evaluation_year, rhi,
        health_class, health_name, health_label, round, revision, current, digest``, by water
        body, year and round.

        One query in the order of the index ``ix_evaluations_code_year_round``, its rows taken
        from the driver as plain tuples (an archive of the national file holds over 100,000);
        the digest is the round's, looked up in the few rounds.
        """
        e, r = m.evaluations, m.rounds
        query = (sa.select(e.c.code.label("water_body_id"), e.c.name, e.c.evaluation_year,
                           e.c.rhi, e.c.health_class, e.c.health_name, e.c.health_label,
                           e.c.round, e.c.revision, e.c.current)
                 .order_by(e.c.code, e.c.evaluation_year, e.c.round))
        if water_body is not None:
            query = query.where(e.c.water_body == self.water_body_key(water_body))
        with self.engine.connect() as conn:
            result = conn.execute(query)
            table = pd.DataFrame.from_records(result.cursor.fetchall(),
                                              columns=list(result.keys()))
            digests = dict(conn.execute(sa.select(r.c.id, r.c.digest)).all())
        table["current"] = table["current"].astype(bool)       # SQLite gives 0/1
        table["digest"] = table["round"].map(digests)
        return table

    def round(self, round_id: int) -> dict:
        """A round's record (digest, times, engine, profiles, reading, inputs, options) with its
        ``evaluations`` (a DataFrame) and its ``files`` (name, sha256, size).

        Raises
        ------
        ArchiveError
            When there is no such round.
        """
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(m.rounds).where(m.rounds.c.id == round_id)).first()
        if row is None:
            raise ArchiveError(f"档案中没有第 {round_id} 轮", f"no round {round_id} in the archive")
        record = dict(row._mapping)
        e = m.evaluations
        record["evaluations"] = self._frame(
            sa.select(e.c.code.label("water_body_id"), e.c.name, e.c.kind, e.c.evaluation_year,
                      e.c.revision, e.c.current, e.c.profile_id, *[e.c[c] for c in
                                                                   CLASS_COLUMNS + CRITERIA])
            .where(e.c.round == round_id).order_by(e.c.code))
        f = m.files
        record["files"] = self._frame(sa.select(f.c.name, f.c.sha256, f.c.size).where(
            f.c.round == round_id).order_by(f.c.name))
        return record

    def export(self, round_id: int, out_dir: str | os.PathLike) -> list[Path]:
        """Write the round's ``result.json``/``result.xlsx`` into ``out_dir`` as they were
        stored (atomically; the SHA-256 is checked)."""
        self.round(round_id)
        f = m.files
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(f.c.name, f.c.sha256, f.c.size, f.c.content,
                                          f.c.compression).where(
                (f.c.round == round_id) & f.c.content.is_not(None)).order_by(f.c.name)).all()
        written = []
        for name, sha256, size, content, compression in rows:
            if compression is not None:
                content = unpack(content, size)
            if hashlib.sha256(content).hexdigest() != sha256:
                raise ArchiveError(f"第 {round_id} 轮的 {name} 内容与其 SHA-256 不符",
                                   f"{name} of round {round_id} does not match its SHA-256")
            target = Path(out_dir) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(target) as temporary:
                temporary.write_bytes(content)
            written.append(target)
        return written

    def history(self, water_body: str) -> pd.DataFrame:
        """The current evaluation of every evaluation year of a water body (its latest
        revision), oldest first: ``evaluation, round, water_body_id, name, kind,
        evaluation_year, profile_id, rhi, health_*``, criterion scores, ``facts``."""
        e = m.evaluations
        return self._frame(
            sa.select(e.c.id.label("evaluation"), e.c.round, e.c.code.label("water_body_id"),
                      e.c.name, e.c.kind, e.c.evaluation_year, e.c.profile_id,
                      *[e.c[c] for c in CLASS_COLUMNS + CRITERIA], e.c.facts)
            .where((e.c.water_body == self.water_body_key(water_body)) & e.c.current)
            .order_by(e.c.evaluation_year))

    def indicator_history(self, evaluations: Iterable[int]) -> pd.DataFrame:
        """Water-body scores of every indicator of ``evaluations``: ``evaluation,
        indicator_id, indicator_name, criterion, score, points``."""
        w = m.wb_indicators
        return self._frame(sa.select(w.c.evaluation, w.c.indicator_id, w.c.indicator_name,
                                     w.c.criterion, w.c.score, w.c.points)
                           .where(w.c.evaluation.in_(list(evaluations)))
                           .order_by(w.c.evaluation, w.c.indicator_id))

    def evaluation_tables(self, evaluations: Iterable[int]) -> dict[str, pd.DataFrame]:
        """The ``segments``, ``criteria`` and ``indicators`` rows of ``evaluations`` as
        result tables (with ``evaluation`` and ``water_body_id``; the indicators with their
        ``details``).

        Raises
        ------
        ArchiveError
            When an evaluation's details do not match its indicator rows (a damaged archive).
        """
        ids = list(evaluations)
        e = m.evaluations
        tables = {}
        for name, table in (("segments", m.segments), ("criteria", m.criteria),
                            ("indicators", m.indicators)):
            columns = [c for c in table.c if c.name not in ("id", "evaluation")]
            tables[name] = self._frame(sa.select(e.c.id.label("evaluation"),
                                                 e.c.code.label("water_body_id"), *columns)
                                       .join(e, e.c.id == table.c.evaluation)
                                       .where(table.c.evaluation.in_(ids))
                                       .order_by(table.c.id))
        indicators = tables["indicators"]
        with self.engine.connect() as conn:
            blobs = dict(conn.execute(sa.select(e.c.id, e.c.details).where(
                e.c.id.in_(ids))).all())
        details = np.full(len(indicators), None, dtype=object)
        for evaluation, rows in indicators.groupby("evaluation").indices.items():
            stored = unpack_details(blobs.get(evaluation))
            if len(stored) != len(rows):
                raise ArchiveError(f"档案中评价 {evaluation} 的指标明细（{len(stored)} 条）与其 "
                                   f"{len(rows)} 行指标不符",
                                   f"the details of evaluation {evaluation} ({len(stored)}) do "
                                   f"not match its {len(rows)} indicator rows")
            for row, value in zip(rows, stored):
                details[row] = value
        indicators["details"] = details
        return tables

    def previous(self, result: EvaluationResult, years: Mapping[str, int]
                 ) -> tuple[EvaluationResult | None, dict[str, dict]]:
        """For each water body of ``result``, its latest archived evaluation of an earlier
        year (current revision), as one result to compare with (under today's water-body
        codes, also when a code changed), and per water body the round compared with
        (``round, evaluation_year, run_time``)."""
        chosen, rows = {}, []
        for code in result.water_bodies["water_body_id"]:
            try:
                history = self.history(code)
            except ArchiveError:
                continue
            earlier = history[history["evaluation_year"] < years.get(code, np.inf)]
            if not earlier.empty:
                rows.append({**earlier.iloc[-1].to_dict(), "water_body_id": code})
                chosen[int(rows[-1]["evaluation"])] = code
        if not rows:
            return None, {}
        frame = pd.DataFrame(rows)
        with self.engine.connect() as conn:
            times = dict(conn.execute(sa.select(m.rounds.c.id, m.rounds.c.run_time).where(
                m.rounds.c.id.in_(frame["round"].astype(int).tolist()))).all())
        rounds = {r["water_body_id"]: {"round": int(r["round"]),
                                       "evaluation_year": int(r["evaluation_year"]),
                                       "run_time": times.get(int(r["round"]))}
                  for r in rows}
        tables = {name: table.assign(water_body_id=table.pop("evaluation").map(chosen))
                  for name, table in self.evaluation_tables(chosen).items()}
        water_bodies = frame.drop(columns=["evaluation", "round", "evaluation_year", "facts"])
        provenance: dict = {"archive_rounds": rounds}
        times = {r["run_time"] for r in rounds.values()}
        if len(times) == 1:                 # one round compared with: its run time
            provenance["timestamp"] = times.pop()
        return EvaluationResult(water_bodies, tables["segments"], tables["criteria"],
                                tables["indicators"], pd.DataFrame(), provenance), rounds


def open(url: str | os.PathLike | None = None, *, create: bool = True) -> Archive:
    """Open the health archive at ``url`` (see :func:`~.connect.archive_url`).

    An empty database gets the schema when ``create``; an archive at another schema revision
    is refused (:func:`~.connect.check_revision`).

    Raises
    ------
    ArchiveError
        Unreachable, login refused, not an archive, or another schema revision.
    """
    url = archive_url(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            revision = stored_revision(conn)
    except sa.exc.OperationalError as exc:
        engine.dispose()
        raise connection_error(url, exc) from exc
    except ArchiveError:
        engine.dispose()
        raise
    if revision is None and create:
        upgrade(engine)
    else:
        try:
            check_revision(revision)
        except ArchiveError:
            engine.dispose()
            raise
    return Archive(engine, url)


__all__ = ["Archive", "Added", "ArchiveError", "open", "shown_url"]
