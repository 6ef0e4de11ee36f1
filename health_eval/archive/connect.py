"""Where the archive is and how it is opened: URL, engine, schema revision, upgrade.

An archive is a SQLAlchemy URL (``postgresql+psycopg://user@host/db``) or a path of an SQLite
file; a folder means ``health_eval_archive.db`` inside it. Opening an empty database creates
the schema (Alembic ``upgrade head``); an archive at an older revision is refused until
``health-eval archive upgrade``; one at a revision this code does not know (made by a newer
health_eval) is refused, naming that revision.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

#: The environment variable naming the default archive.
ENV_VARIABLE = "HEALTH_EVAL_ARCHIVE"
#: The SQLite file name used when a folder is given.
DEFAULT_FILE = "health_eval_archive.db"
#: Seconds a writer waits for another one (SQLite busy timeout).
BUSY_TIMEOUT_S = 60
MIGRATIONS = Path(__file__).with_name("migrations")


class ArchiveError(Exception):
    """An archive that cannot be used: unreachable, refused login, wrong schema revision, an
    unknown round. The message is Chinese then English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.message_zh, self.message_en = zh, en


def archive_url(location: str | os.PathLike | None = None) -> str:
    """The SQLAlchemy URL of ``location``: a URL as it is, a path of an SQLite file, a folder
    (its ``health_eval_archive.db``); None: ``$HEALTH_EVAL_ARCHIVE``, else the file in the
    current folder."""
    if location is None or str(location) == "":
        location = os.environ.get(ENV_VARIABLE) or DEFAULT_FILE
    text = str(location)
    if "://" in text:
        return text
    path = Path(text).expanduser()
    if path.is_dir():
        path = path / DEFAULT_FILE
    return f"sqlite:///{path.resolve()}"


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _numpy_value(value):
    """A numpy scalar or array as its Python value (json.dumps' ``default``)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _json(value) -> str:
    """JSON of a details mapping or provenance (numpy values as plain ones; NaN as null)."""
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False,
                          default=_numpy_value)
    except ValueError:                      # a NaN somewhere: the result's own conversion
        from ..engine.result import _plain

        return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True, allow_nan=False)


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``. SQLite: a busy timeout and ``BEGIN IMMEDIATE`` transactions, so
    that two writers queue instead of failing; foreign keys enforced."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, json_serializer=_json)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S},
                              poolclass=sa.pool.NullPool, json_serializer=_json)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None     # transactions are begun below
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @sa.event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


def _alembic_config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


def head_revision() -> str:
    """The newest schema revision this code knows."""
    return _script().get_current_head()


def stored_revision(connection) -> str | None:
    """The archive's schema revision; None for an empty database.

    Raises
    ------
    ArchiveError
        When the database holds tables but no ``alembic_version``: not a health archive.
    """
    inspector = sa.inspect(connection)
    names = set(inspector.get_table_names())
    if "alembic_version" not in names:
        if names:
            raise ArchiveError("数据库中已有其他数据表，不是河湖健康档案",
                               "the database holds other tables: it is not a health archive")
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def check_revision(revision: str | None) -> None:
    """Refuse an archive whose schema is not this code's head revision, naming what to run."""
    head = head_revision()
    if revision == head:
        return
    script = _script()
    known = {r.revision for r in script.walk_revisions()}
    if revision in known:
        steps = [r.revision for r in script.iterate_revisions(head, revision)][::-1]
        raise ArchiveError(
            f"档案结构版本 {revision} 较旧，请先运行 health-eval archive upgrade（迁移 "
            f"{revision} → {head}：{'、'.join(steps)}）",
            f"the archive schema is at the older revision {revision}: run health-eval archive "
            f"upgrade first (migration {revision} → {head}: {', '.join(steps)})")
    raise ArchiveError(
        f"档案结构版本 {revision} 比本程序新（本程序最高为 {head}），请升级 health_eval 后再使用；"
        f"该版本的迁移 {revision} 不在本程序中",
        f"the archive schema is at revision {revision}, newer than this health_eval knows "
        f"(head {head}): upgrade health_eval; the migration {revision} is not in this version")


def upgrade(engine: sa.Engine, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the archive to ``revision`` (Alembic); returns (before, after).

    Raises
    ------
    ArchiveError
        When the archive is at a revision this code does not know.
    """
    from alembic import command

    with engine.begin() as connection:
        before = stored_revision(connection)
        if before is not None and before not in {r.revision for r in _script().walk_revisions()}:
            check_revision(before)
        command.upgrade(_alembic_config(connection), revision)
        return before, stored_revision(connection)


def connection_error(url: str, exc: Exception) -> ArchiveError:
    """The zh/en message of a database that cannot be reached or refuses the login."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return ArchiveError(f"无法连接或登录河湖健康档案 {shown_url(url)}：{reason}",
                        f"cannot connect or log in to the health archive {shown_url(url)}: "
                        f"{reason}")
