"""The archive's operations: add a result, list, show and export rounds, the history of a water
body, and the previous round a new evaluation compares itself with.

Writers are serialised (SQLite ``BEGIN IMMEDIATE``; PostgreSQL a transaction-scoped advisory
lock), and each ``add`` is one transaction: a process killed in the middle leaves the archive
as it was, and two processes adding at once store each round once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..engine.result import EvaluationResult
from ..io.atomic import atomic_path
from . import adding
from . import models as m
from .blobs import stored_details, unpack
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
from .facts import result_digest
from .models import CLASS_COLUMNS, CRITERIA

#: Any key: serialises writers of one PostgreSQL database ("HEAR" for health archive).
ADVISORY_LOCK = 0x48454152


@dataclass(frozen=True)
class Added:
    """What :meth:`Archive.add` did: the round, whether it was new, and for each water body
    whether the evaluation is a revision of an earlier one of the same year."""

    round: int
    created: bool
    digest: str
    revisions: dict[str, int]


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
        result, kept, folder = adding.read_source(source, files)
        # the digest, and the files hashed and compressed, are C code that lets other threads
        # run: beside the evaluations' table and the inserts, on two cores they cost no time
        with ThreadPoolExecutor(2) as worker:
            recorded = worker.submit(adding.file_rows, kept, folder, files)
            digested = worker.submit(result_digest, kept["result.json"])
            table = adding.evaluation_frame(result, facts, years)
            digest = digested.result()
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK)))
                existing = conn.execute(sa.select(m.rounds.c.id).where(
                    m.rounds.c.digest == digest)).scalar()
                if existing is not None:
                    return Added(existing, False, digest, {})
                round_id = adding.insert_round(conn, result, digest)
                table["water_body"] = adding.water_body_keys(conn, table, round_id)
                evaluation_ids, revisions = adding.insert_evaluations(conn, table, round_id,
                                                                     result)
                adding.insert_parts(conn, result, evaluation_ids)
                issue_rows = adding.issue_rows(result, round_id)
                if issue_rows:              # an empty list would insert one blank row
                    conn.execute(m.issues.insert(), issue_rows)
                conn.execute(m.files.insert(), [{**f, "round": round_id}
                                                for f in recorded.result()])
        return Added(round_id, True, digest, revisions)

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

    def _kept(self, round_id: int, name: str | None = None) -> dict[str, bytes]:
        """The files of a round kept byte for byte (all, or the one ``name``), by name, as
        they were stored (the SHA-256 is checked).

        Raises
        ------
        ArchiveError
            When a file does not match its SHA-256 (a damaged archive).
        """
        f = m.files
        query = sa.select(f.c.name, f.c.sha256, f.c.size, f.c.content, f.c.compression).where(
            (f.c.round == round_id) & f.c.content.is_not(None)).order_by(f.c.name)
        if name is not None:
            query = query.where(f.c.name == name)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        kept = {}
        for name, sha256, size, content, compression in rows:
            if compression is not None:
                content = unpack(content, size)
            if hashlib.sha256(content).hexdigest() != sha256:
                raise ArchiveError(f"第 {round_id} 轮的 {name} 内容与其 SHA-256 不符",
                                   f"{name} of round {round_id} does not match its SHA-256")
            kept[name] = bytes(content)
        return kept

    def export(self, round_id: int, out_dir: str | os.PathLike) -> list[Path]:
        """Write the round's ``result.json``/``result.xlsx`` into ``out_dir`` as they were
        stored (atomically; the SHA-256 is checked)."""
        self.round(round_id)
        written = []
        for name, content in self._kept(round_id).items():
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

    def evaluation_tables(self, evaluations: Iterable[int], *, details: bool = True
                          ) -> dict[str, pd.DataFrame]:
        """The ``segments``, ``criteria`` and ``indicators`` rows of ``evaluations`` as
        result tables (with ``evaluation`` and ``water_body_id``; the indicators with their
        ``details`` when ``details``: read from each round's kept ``result.json``, which costs
        parsing that file — a few seconds for 10,000 segments).

        Raises
        ------
        ArchiveError
            When an indicator row has no details in its round's ``result.json`` (a damaged
            archive).
        """
        ids = list(evaluations)
        e = m.evaluations
        tables = {}
        for name, table in (("segments", m.segments), ("criteria", m.criteria),
                            ("indicators", m.indicators)):
            columns = [c for c in table.c if c.name not in ("id", "evaluation")]
            rounds = [e.c.round] if name == "indicators" else []
            tables[name] = self._frame(sa.select(e.c.id.label("evaluation"), *rounds,
                                                 e.c.code.label("water_body_id"), *columns)
                                       .join(e, e.c.id == table.c.evaluation)
                                       .where(table.c.evaluation.in_(ids))
                                       .order_by(table.c.id))
        rounds = tables["indicators"].pop("round")
        if details:
            tables["indicators"]["details"] = self._details(tables["indicators"], rounds)
        return tables

    def _details(self, indicators: pd.DataFrame, rounds: pd.Series) -> np.ndarray:
        """The ``details`` of archived indicator rows (of rounds ``rounds``, row by row)."""
        keys = ["water_body_id", "segment_id", "indicator_id"]
        found = np.full(len(indicators), None, dtype=object)
        for round_id, rows in rounds.groupby(rounds).indices.items():
            kept = self._kept(int(round_id), "result.json")
            stored = stored_details(kept["result.json"]) if kept else pd.DataFrame(
                columns=[*keys, "details"])
            at = pd.MultiIndex.from_frame(stored[keys].astype(str)).get_indexer(
                pd.MultiIndex.from_frame(indicators.iloc[rows][keys].astype(str)))
            if (at < 0).any():
                raise ArchiveError(f"档案第 {round_id} 轮的 result.json 缺少部分指标行的计算依据",
                                   f"result.json of round {round_id} in the archive lacks the "
                                   f"details of some indicator rows")
            found[rows] = stored["details"].to_numpy(dtype=object)[at]
        return found

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
                  for name, table in self.evaluation_tables(chosen, details=False).items()}
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
