"""The workbench's own records: projects, uploads, runs and sessions, in a small SQLite database.

A project is a district and an evaluation year; an upload is one file sent for a project (kept
under a generated name, never the client's); a run is one evaluation of an upload, with its
options (:class:`health_eval.service.workbench.options.RunOptions`); a session is a browser's CSRF token
and logged-in user, kept by the SHA-256 digest of its cookie (so a copy of the database opens no
session) and so surviving a restart of the server. The evaluations themselves go to the health
archive (:mod:`health_eval.archive`), like ``run --archive``. These tables live in their own
file (``workbench.db`` in the workbench folder) so that the archive's schema revision, shared
with the CLI, stays untouched.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .options import RunOptions

__all__ = ["Records", "token_digest"]

_meta = sa.MetaData()
projects = sa.Table(
    "projects", _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("district", sa.String(200), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created", sa.String(40), nullable=False))
uploads = sa.Table(
    "uploads", _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("project", sa.ForeignKey("projects.id"), nullable=False),
    sa.Column("filename", sa.String(200), nullable=False),      # as the client named it
    sa.Column("stored", sa.String(200), nullable=False),        # generated name on disk
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("rows", sa.Text, nullable=False),                 # JSON: table -> read/used/...
    sa.Column("issues", sa.Text, nullable=False))               # JSON: issue records
runs = sa.Table(
    "runs", _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("project", sa.ForeignKey("projects.id"), nullable=False),
    sa.Column("upload", sa.ForeignKey("uploads.id"), nullable=False),
    sa.Column("profile", sa.String(100), nullable=False),      # "": the default per kind
    sa.Column("reading", sa.String(100)),
    sa.Column("confidence", sa.Integer),
    sa.Column("seed", sa.Integer),
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),         # queued running done failed
    sa.Column("done", sa.Integer, nullable=False, default=0),
    sa.Column("total", sa.Integer, nullable=False, default=0),
    sa.Column("message", sa.Text, nullable=False, default=""),
    sa.Column("archive_round", sa.Integer),
    sa.Column("water_bodies", sa.Text, nullable=False, default="[]"),   # JSON: codes evaluated
    sa.Column("issues", sa.Text, nullable=False, default="[]"))
sessions = sa.Table(
    "sessions", _meta,
    sa.Column("digest", sa.String(64), primary_key=True),      # SHA-256 of the cookie's token
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("user", sa.String(100)),                          # None: not logged in
    sa.Column("started", sa.Float, nullable=False),             # Unix time [s]
    sa.Column("seen", sa.Float, nullable=False, index=True))    # Unix time [s]


def token_digest(token: str) -> str:
    """The SHA-256 hex digest of a session cookie's token (what the database keeps)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    """Local time, to the second (what a technician reads)."""
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")


class Records:
    """The workbench database (``folder/workbench.db``), created on first use.

    Parameters
    ----------
    folder : path
        The workbench folder (uploads and run outputs live beside the database).
    """

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(f"sqlite:///{folder / 'workbench.db'}",
                                       connect_args={"check_same_thread": False})
        _meta.create_all(self.engine)
        _add_missing_columns(self.engine)
        self._lock = threading.Lock()       # SQLite: one writer at a time

    def _insert(self, table: sa.Table, **values: Any) -> int:
        with self._lock, self.engine.begin() as conn:
            return conn.execute(table.insert().values(created=_now(), **values)
                                ).inserted_primary_key[0]

    def _rows(self, query) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def add_project(self, district: str, year: int, name: str) -> int:
        """A new project; its id."""
        return self._insert(projects, district=district, year=year, name=name)

    def projects(self, districts: set[str] | None = None) -> list[dict]:
        """Projects, newest first; only those of ``districts`` when given."""
        query = sa.select(projects).order_by(projects.c.id.desc())
        if districts is not None:
            query = query.where(projects.c.district.in_(sorted(districts)))
        return self._rows(query)

    def project(self, project_id: int) -> dict | None:
        found = self._rows(sa.select(projects).where(projects.c.id == project_id))
        return found[0] if found else None

    def add_upload(self, project_id: int, filename: str, stored: str, ok: bool,
                   rows: dict, issues: list[dict]) -> int:
        """Record a checked upload; its id (earlier uploads are kept: the history)."""
        return self._insert(uploads, project=project_id, filename=filename, stored=stored,
                            ok=ok, rows=json.dumps(rows), issues=json.dumps(issues,
                                                                            default=str))

    def _listing(self, table: sa.Table, project_id: int) -> list[dict]:
        """Rows of a project's ``table``, newest first, without their issues."""
        columns = [c for c in table.c if c.name != "issues"]
        return self._rows(sa.select(*columns).where(table.c.project == project_id)
                          .order_by(table.c.id.desc()))

    def _one(self, table: sa.Table, row_id: int, json_columns: tuple[str, ...]) -> dict | None:
        """One row of ``table`` by id, its JSON columns decoded; None when there is none."""
        found = self._rows(sa.select(table).where(table.c.id == row_id))
        if not found:
            return None
        return {**found[0], **{name: json.loads(found[0][name]) for name in json_columns}}

    def uploads(self, project_id: int) -> list[dict]:
        """Uploads of a project, newest first (without their issues)."""
        return self._listing(uploads, project_id)

    def upload(self, upload_id: int) -> dict | None:
        return self._one(uploads, upload_id, ("rows", "issues"))

    def add_run(self, project_id: int, upload_id: int, options: RunOptions) -> int:
        """Record a queued run of an upload with its options; its id."""
        return self._insert(runs, project=project_id, upload=upload_id,
                            profile=options.profile or "", reading=options.reading,
                            confidence=options.confidence, seed=options.seed,
                            status="queued", done=0, total=0, message="", issues="[]",
                            water_bodies="[]")

    def update_run(self, run_id: int, **values: Any) -> None:
        for name in ("issues", "water_bodies"):
            if name in values:
                values[name] = json.dumps(values[name], default=str)
        with self._lock, self.engine.begin() as conn:
            conn.execute(runs.update().where(runs.c.id == run_id).values(**values))

    def runs(self, project_id: int) -> list[dict]:
        """Runs of a project, newest first (without their issues)."""
        return self._listing(runs, project_id)

    def run(self, run_id: int) -> dict | None:
        """A run with its issues, water bodies and ``options`` (a :class:`RunOptions`)."""
        found = self._one(runs, run_id, ("issues", "water_bodies"))
        if found is not None:
            found["options"] = RunOptions(found["profile"] or None, found["reading"],
                                          found["confidence"], found["seed"])
        return found

    def interrupt_runs(self) -> None:
        """Mark the runs left queued or running by a stopped server as failed."""
        with self._lock, self.engine.begin() as conn:
            conn.execute(runs.update().where(runs.c.status.in_(("queued", "running")))
                         .values(status="failed", message="interrupted"))

    # sessions -----------------------------------------------------------------------------
    def session(self, digest: str, idle_s: float, max_age_s: float) -> dict | None:
        """The session of ``digest`` unless idle over ``idle_s`` or older than ``max_age_s``
        [s]; its ``seen`` time is renewed (at most once a minute)."""
        now = time.time()
        found = self._rows(sa.select(sessions).where(
            (sessions.c.digest == digest) & (sessions.c.seen > now - idle_s)
            & (sessions.c.started > now - max_age_s)))
        if found and now - found[0]["seen"] > 60:
            with self._lock, self.engine.begin() as conn:
                conn.execute(sessions.update().where(sessions.c.digest == digest)
                             .values(seen=now))
        return found[0] if found else None

    def add_session(self, digest: str, csrf: str, user: str | None, idle_s: float,
                    max_sessions: int) -> None:
        """Keep a new session; drop the idle ones and, beyond ``max_sessions``, the least
        recently seen."""
        now = time.time()
        with self._lock, self.engine.begin() as conn:
            conn.execute(sessions.insert().values(digest=digest, csrf=csrf, user=user,
                                                  started=now, seen=now))
            conn.execute(sessions.delete().where(sessions.c.seen <= now - idle_s))
            kept = sa.select(sessions.c.digest).order_by(sessions.c.seen.desc()).limit(
                max_sessions)
            conn.execute(sessions.delete().where(sessions.c.digest.not_in(kept)))

    def drop_session(self, digest: str) -> None:
        with self._lock, self.engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.digest == digest))

    def water_bodies(self, project_ids: list[int]) -> set[str]:
        """Codes of the water bodies evaluated by the finished runs of ``project_ids``."""
        query = sa.select(runs.c.water_bodies).where(runs.c.project.in_(project_ids)
                                                      & (runs.c.status == "done"))
        return {code for row in self._rows(query) for code in json.loads(row["water_bodies"])}


def _add_missing_columns(engine: sa.Engine) -> None:
    """Add the columns a ``workbench.db`` of an earlier version lacks (nullable ones only)."""
    inspector = sa.inspect(engine)
    with engine.begin() as conn:
        for table in _meta.sorted_tables:
            have = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.c:
                if column.name not in have:
                    conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} "
                                         f"{column.type.compile(engine.dialect)}"))
