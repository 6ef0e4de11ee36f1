"""The workbench's own records: projects, uploads and runs, in a small SQLite database.

A project is a district and an evaluation year; an upload is one file sent for a project (kept
under a generated name, never the client's); a run is one evaluation of an upload. The
evaluations themselves go to the health archive (:mod:`health_eval.archive`), like
``run --archive``. These three tables live in their own file (``workbench.db`` in the workbench
folder) so that the archive's schema revision, shared with the CLI, stays untouched.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

__all__ = ["Records"]

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
    sa.Column("profile", sa.String(100), nullable=False),
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),         # queued running done failed
    sa.Column("done", sa.Integer, nullable=False, default=0),
    sa.Column("total", sa.Integer, nullable=False, default=0),
    sa.Column("message", sa.Text, nullable=False, default=""),
    sa.Column("archive_round", sa.Integer),
    sa.Column("water_bodies", sa.Text, nullable=False, default="[]"),   # JSON: codes evaluated
    sa.Column("issues", sa.Text, nullable=False, default="[]"))


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

    def add_run(self, project_id: int, upload_id: int, profile: str) -> int:
        return self._insert(runs, project=project_id, upload=upload_id, profile=profile,
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
        return self._one(runs, run_id, ("issues", "water_bodies"))

    def water_bodies(self, project_ids: list[int]) -> set[str]:
        """Codes of the water bodies evaluated by the finished runs of ``project_ids``."""
        query = sa.select(runs.c.water_bodies).where(runs.c.project.in_(project_ids)
                                                      & (runs.c.status == "done"))
        return {code for row in self._rows(query) for code in json.loads(row["water_bodies"])}
