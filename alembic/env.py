"""Alembic environment for AESP: the schema is SQLModel.metadata (every table module in
aesp_app.models). The URL comes from config.attributes["database_url"] when a caller sets it
(tests, operator commands), otherwise from DATABASE_URL through aesp_app.settings.
"""

from __future__ import annotations

import pathlib
import sys
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aesp_app.models  # noqa: E402,F401  (registers every table)
from sqlmodel import SQLModel  # noqa: E402

config = context.config

# The CLI configures logging from alembic.ini; programmatic callers keep their own logging.
if config.config_file_name is not None and "database_url" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata

# Views made by the migrations themselves (seed 001's backward-compatible views); they are not
# tables of the metadata, so autogenerate must not try to drop them.
VIEWS = frozenset({"purchased_courses_view", "purchased_tests_view", "consultation_bookings_view"})


def database_url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return url
    from aesp_app.settings import get_settings

    return get_settings().database_url


def include_name(name, type_, parent_names) -> bool:  # noqa: ANN001
    if type_ == "table":
        return name not in VIEWS
    return True


def _configure_kwargs(dialect_name: str) -> dict:
    return {
        "target_metadata": target_metadata,
        "compare_type": True,
        # SQLite cannot ALTER most things: later migrations run as batch (copy-and-move) there.
        "render_as_batch": dialect_name == "sqlite",
        "include_name": include_name,
    }


def run_migrations_offline() -> None:
    url = database_url()
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    context.configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"}, **_configure_kwargs(dialect))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # a caller's open connection
        context.configure(connection=connection, **_configure_kwargs(connection.dialect.name))
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config({"sqlalchemy.url": database_url()}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **_configure_kwargs(connection.dialect.name))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
