"""Alembic environment of the health archive: migrations run on the connection the archive
opened (``config.attributes["connection"]``), or on ``sqlalchemy.url`` for the alembic CLI."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from health_eval.archive.models import metadata

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = engine_from_config(config.get_section(config.config_ini_section, {}),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as opened:
        _run(opened)
