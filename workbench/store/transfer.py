"""Copying a whole project between a local SQLite folder and a PostgreSQL server.

Rows are copied verbatim, table by table in foreign-key order — integer ids, UUIDs, times, the
audit log — so a project pushed and pulled back is the same project, and ids in exports made on
either side agree. Each copy is one transaction on the receiving side: a copy that fails half-way
leaves nothing behind. Only an empty database receives a push; merging two projects is `merge`'s
job, not a copy's.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from workbench.core.errors import UserError
from workbench.core.ids import now
from workbench.store import schema as t
from workbench.store.engine import DB_NAME, require_project_folder, sqlite_url

Progress = Callable[[str, int], None]
CHUNK = 20_000


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]

    def __str__(self) -> str:
        keep = (("source", "sources"), ("excerpt", "excerpts"), ("coding", "codings"), ("coder", "coders"),
                ("subtheme", "subthemes"), ("summary", "summaries"), ("audit", "audit entries"))
        return ", ".join(f"{self.rows.get(k, 0)} {label}" for k, label in keep)


def tables() -> list[Table]:
    """Every table of a project, parents before children."""
    return list(t.metadata.sorted_tables)


def _rows(conn: Connection, table: Table) -> Iterator[list[tuple[Any, ...]]]:
    key = [c for c in table.primary_key.columns]
    result = conn.execution_options(stream_results=True).execute(select(table).order_by(*key))
    while True:
        chunk = result.fetchmany(CHUNK)
        if not chunk:
            return
        yield [tuple(r) for r in chunk]


def _count_rows(conn: Connection) -> dict[str, int]:
    return {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one() for table in tables()}


def _copy_into_postgres(src: Connection, dst: Connection, progress: Progress | None) -> dict[str, int]:
    """COPY, not INSERT: half a million codings go over in seconds instead of minutes."""
    import psycopg

    raw = dst.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)  # the engine's driver for postgresql:// (store/engine.py)
    prep = dst.dialect.identifier_preparer
    copied: dict[str, int] = {}
    for table in tables():
        names = ", ".join(prep.quote(c.name) for c in table.columns)
        n = 0
        with raw.cursor() as cur:
            with cur.copy(f"COPY {prep.quote(table.name)} ({names}) FROM STDIN") as copy:
                for chunk in _rows(src, table):
                    for row in chunk:
                        copy.write_row(row)
                    n += len(chunk)
                    if progress:
                        progress(table.name, n)
        copied[table.name] = n
    for table in tables():
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{prep.quote(table.name)}', 'id'), "
                             f"coalesce((SELECT max(id) FROM {prep.quote(table.name)}), 0) + 1, false)"))
    return copied


def _copy_into_sqlite(src: Connection, dst: Connection, progress: Progress | None) -> dict[str, int]:
    """Tuples straight to the driver's executemany, with a larger page cache while the indexes
    fill (random uuids touch every page): SQLAlchemy's per-row handling would double the time."""
    prep = dst.dialect.identifier_preparer
    copied: dict[str, int] = {}
    before = dst.exec_driver_sql("PRAGMA cache_size").scalar_one()
    dst.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB, allocated only as pages are touched
    try:
        for table in tables():
            names = ", ".join(prep.quote(c.name) for c in table.columns)
            sql = f"INSERT INTO {prep.quote(table.name)} ({names}) VALUES ({', '.join('?' * len(table.columns))})"
            n = 0
            for chunk in _rows(src, table):
                dst.exec_driver_sql(sql, chunk)
                n += len(chunk)
                if progress:
                    progress(table.name, n)
            copied[table.name] = n
    finally:
        dst.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
    return copied


def push(folder: Path, url: str, actor: str = "", progress: Progress | None = None) -> CopyReport:
    """Copy the local project in `folder` into the (empty) server database at `url`."""
    from workbench.store.api import Project
    from workbench.store.engine import make_engine
    from workbench.store.migrate import upgrade
    from workbench.store.server import connect_error, create_database, plain_url, refused

    require_project_folder(folder)
    create_database(url)
    # The folder's own SQLite file, named explicitly: WORKBENCH_DB (the server) must not stand in for it.
    with Project.open(folder, sqlite_url(folder)) as source:
        engine = make_engine(url)
        try:
            with source.read(transaction=True) as src, engine.connect() as dst, dst.begin():
                revision = dst.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar_one()
                if not revision:
                    upgrade(dst)
                held = {k: v for k, v in _count_rows(dst).items() if v}
                if held:
                    raise UserError(f"the server's database already holds a project ({held.get('coding', 0)} "
                                    "codings); push only into an empty one, or pull it instead",
                                    plain_url(url))
                # Keep the actors recorded where the work was done (the audit trigger allows an admin to).
                dst.execute(text("SELECT set_config('workbench.copying', 'on', true)"))
                copied = _copy_into_postgres(src, dst, progress)
                dst.execute(text("SELECT set_config('workbench.copying', 'off', true)"))
                source.log(dst, actor, "push", "project", "", folder=str(folder))
        except OperationalError as e:
            raise connect_error(url, e) from None
        except DBAPIError as e:
            problem = refused(e)
            if problem is None:
                raise
            raise UserError(f"{problem.message} (push needs an admin of the project)", plain_url(url)) from None
        finally:
            engine.dispose()
    return CopyReport(copied)


def pull(url: str, folder: Path, actor: str = "", progress: Progress | None = None) -> CopyReport:
    """Copy the server's project into a new local folder (built in a scratch folder, then moved
    into place, so a failed pull leaves no half-made project)."""
    from workbench.store.api import Project

    if folder.exists() and (folder / DB_NAME).exists():
        raise UserError("a project already exists here", str(folder))
    if folder.exists() and any(folder.iterdir()):
        raise UserError("folder exists and is not empty", str(folder))
    scratch = folder.with_name(f".{folder.name}.pulling")
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        with Project.open(None, url) as source, Project.create(scratch) as target:
            with source.read(transaction=True) as src, target.write() as dst:
                copied = _copy_into_sqlite(src, dst, progress)
                target.log(dst, actor, "pull", "project", "", server=_plain(url), time=now())
        if folder.exists():
            folder.rmdir()
        scratch.rename(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return CopyReport(copied)


def _plain(url: str) -> str:
    from workbench.store.server import plain_url

    return plain_url(url)
