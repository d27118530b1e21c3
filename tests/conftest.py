"""Shared fixtures: a migrated database per back end (SQLite always; MariaDB/MySQL when
TEST_MYSQL_URL is set) and a clean Session for each test.

TEST_MYSQL_URL names a server and a database prefix, e.g.
mysql+pymysql://root@127.0.0.1:3306/aesp_test?charset=utf8mb4 ; each pytest worker makes its
own database from it and drops it at the end.
"""

from __future__ import annotations

import os
import pathlib
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

ROOT = pathlib.Path(__file__).resolve().parent.parent

os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")


def _backends() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get("TEST_MYSQL_URL"):
        params.append(pytest.param("mysql", id="mysql", marks=pytest.mark.mysql))
    return params


def migrate(url: str) -> None:
    """alembic upgrade head against URL, as an operator would run it."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")


def _create_mysql_database(base_url: str) -> str:
    url = make_url(base_url)
    name = f"{url.database or 'aesp_test'}_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(url.set(database=""))
    with server.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    server.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_mysql_database(db_url: str) -> None:
    url = make_url(db_url)
    server = sa.create_engine(url.set(database=""))
    with server.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{url.database}`"))
    server.dispose()


@pytest.fixture(scope="session", params=_backends())
def database_url(request, tmp_path_factory) -> str:
    """A freshly migrated database for the whole test session, one per back end."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        migrate(url)
        yield url
    else:
        url = _create_mysql_database(os.environ["TEST_MYSQL_URL"])
        try:
            migrate(url)
            yield url
        finally:
            from aesp_app.db import engine_for

            engine_for(url).dispose()
            _drop_mysql_database(url)


@pytest.fixture
def app_env(database_url, monkeypatch):
    """Point the application's settings at the test database (what states and commands use)."""
    from aesp_app.settings import reset_settings_cache

    monkeypatch.setenv("DATABASE_URL", database_url)
    reset_settings_cache()
    yield database_url
    reset_settings_cache()


def _clean(engine: sa.Engine) -> None:
    import aesp_app.models  # noqa: F401  (registers every table)

    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "mysql":
            conn.execute(sa.text("SET FOREIGN_KEY_CHECKS=0"))
        for table in tables:
            conn.execute(table.delete())
        if engine.dialect.name == "mysql":
            conn.execute(sa.text("SET FOREIGN_KEY_CHECKS=1"))


@pytest.fixture
def engine(app_env):
    from aesp_app.db import engine_for

    engine = engine_for(app_env)
    _clean(engine)
    yield engine
    _clean(engine)


@pytest.fixture
def session(engine) -> Session:
    with Session(engine, expire_on_commit=False) as session:
        yield session
