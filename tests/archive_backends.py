"""Fixtures of the archive tests: a real SQLite file and a real PostgreSQL database per test.

PostgreSQL: the server named by ``HEALTH_EVAL_TEST_PG_URL`` (``.ci/run`` starts one), else a
throw-away cluster this session starts itself (``tools/pg_cluster.py``: initdb and pg_ctl, as
the postgres user when root) and stops at the end. Its tests are skipped, saying why, only when
no server can be started (PostgreSQL or psycopg not installed). Import the fixtures into a test
module with ``from archive_backends import *``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from health_eval import evaluate
from health_eval.archive import facts_from_dataset
from health_eval.cli import demo_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import pg_cluster  # noqa: E402

__all__ = ["pg_server", "archive_url", "demo_rounds", "BACKENDS"]
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server():
    """The URL of a PostgreSQL server's maintenance database (superuser)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests skipped: psycopg is not installed "
                    "(pip install 'health-eval[postgresql]')")
    url = os.environ.get("HEALTH_EVAL_TEST_PG_URL")
    if url:
        yield url
        return
    folder = Path(tempfile.mkdtemp(prefix="health_eval_pg_"))
    folder.chmod(0o711)                      # the postgres user must reach its cluster
    try:
        url = pg_cluster.start(folder / "cluster")
    except pg_cluster.ClusterError as exc:
        pg_cluster.stop(folder)
        pytest.skip(f"PostgreSQL tests skipped: no server could be started ({exc})")
    yield url
    pg_cluster.stop(folder / "cluster")
    pg_cluster.stop(folder)


def _database(server: str):
    """A fresh database on ``server``: (its URL, a function that drops it)."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"he_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    return url, drop


@pytest.fixture(params=BACKENDS)
def archive_url(request, tmp_path):
    """An empty archive location on each backend: an SQLite file, a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.db'}"
        return
    url, drop = _database(request.getfixturevalue("pg_server"))
    yield url
    drop()


@pytest.fixture(scope="session")
def demo_rounds(tmp_path_factory):
    """The demo evaluated for 2021 and 2022: {year: (output folder, facts)}."""
    rounds = {}
    for year in (2021, 2022):
        folder = tmp_path_factory.mktemp(f"demo{year}")
        evaluate(demo_path(year)).write(folder)
        rounds[year] = (folder, facts_from_dataset(demo_path(year)))
    return rounds
