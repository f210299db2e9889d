"""Where a project's database lives and how a connection to it is made.

SQLite inside the project folder by default (WAL, synchronous=FULL so an acknowledged coding
survives a power cut, foreign keys on, a busy timeout so two coders on one machine wait for each
other instead of failing); any SQLAlchemy URL (PostgreSQL) when the team runs a server.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text

from workbench.core.errors import UserError

DB_NAME = "workbench.db"
BUSY_TIMEOUT_MS = 30_000


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{(folder / DB_NAME).resolve()}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: object) -> None:
            # Let SQLAlchemy's BEGIN, not the driver, open transactions, so each unit is atomic.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # A writer takes the lock up front (IMMEDIATE): two writers that both read first would
            # otherwise deadlock; readers stay deferred so they never wait for a writer (WAL).
            immediate = conn.get_execution_options().get("sqlite_immediate", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = create_engine(url, pool_pre_ping=True)
    from workbench.store.server_writes import route_writes  # the server's own doors for some writes

    route_writes(engine)
    return engine


def database_url(folder: Path | None, url: str | None = None) -> str:
    """The URL to open: an explicit --db, then WORKBENCH_DB, else the folder's SQLite file."""
    url = url or os.environ.get("WORKBENCH_DB")
    if url:
        return url
    assert folder is not None
    return sqlite_url(folder)


def require_project_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise UserError("no such project folder", str(folder))
    if not (folder / DB_NAME).is_file():
        raise UserError(f"not a workbench project (no {DB_NAME}); create one with 'workbench new'", str(folder))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        except Exception:  # noqa: BLE001 — no table means an empty database: no revision yet
            conn.rollback()
            return None
        return row[0] if row else None
