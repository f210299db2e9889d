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
    from workbench.store import server_connect
    from workbench.store.server_writes import route_writes  # the server's own doors for some writes

    # No pre-ping and no hstore lookup: server_connect answers the start-up questions in one trip.
    if url.startswith("postgresql"):
        engine = create_engine(server_connect.libpq_url(url), use_native_hstore=False)
        server_connect.install(engine)
    else:
        engine = create_engine(url)
    route_writes(engine)
    return engine


_shared: dict[str, Engine] = {}


def shared_engine(url: str) -> Engine:
    """One engine per server URL in a process: the command's login lookup and its project then
    share one connection (a second one costs the whole handshake again, ~5 round trips)."""
    if url.startswith("sqlite"):
        return make_engine(url)
    if url not in _shared:
        _shared[url] = make_engine(url)
    return _shared[url]


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


def current_revision(engine: Engine, fresh: bool = False) -> str | None:
    """The schema revision; on a server, read by the connection's start-up statement unless `fresh`."""
    with engine.connect() as conn:
        if not fresh and engine.dialect.name == "postgresql":
            from workbench.store.server_connect import start_up_revision

            known, revision = start_up_revision(conn)
            if known:
                return revision
        try:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        except Exception:  # noqa: BLE001 — no table means an empty database: no revision yet
            conn.rollback()
            return None
        return row[0] if row else None
