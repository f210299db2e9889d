"""The project's core: one database, its transactions, the audit log, settings and ids.

Every store of a concern (`store/api.py` composes them into `Project`) is given this core and
nothing else of the project unless it declares it, so what a store may touch is visible in its
constructor. Every user action is one transaction (`write()`), and every change lands in the audit
log inside that transaction (`log()`). Read-only commands on the start-up path (`status`) open a
bare core: importing every store module costs a tenth of a second they do not need.
"""

from __future__ import annotations

import atexit
import json
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Engine, Insert, Table, func, insert, select
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from workbench.core.errors import UserError
from workbench.core.ids import now
from workbench.store import schema as t
from workbench.store.engine import (
    DB_NAME,
    current_revision,
    database_url,
    make_engine,
    require_project_folder,
    shared_engine,
    sqlite_url,
)
from workbench.store.migrations import HEAD

# Weak, so a closed or forgotten project's engine (and its compiled-statement cache) can go: a
# process that opens many projects — the Python API, a notebook, the test suite — must not grow.
_open_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


@atexit.register
def _dispose_all() -> None:
    """Close every pool at exit, so SQLite checkpoints and removes its -wal/-shm files: a command
    that only read leaves the project folder byte-for-byte as it was."""
    for engine in list(_open_engines):
        engine.dispose()


class ProjectCore:
    """Connection handling, transactions, settings, the audit log and name → id lookups."""

    def __init__(self, engine: Engine, folder: Path | None) -> None:
        self.engine = engine
        self.folder = folder
        self.is_sqlite = engine.dialect.name == "sqlite"
        _open_engines.add(engine)

    # ----- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, folder: Path | None, url: str | None = None) -> Self:
        if url is None and folder is not None and not url_from_env():
            require_project_folder(folder)
        try:
            engine = shared_engine(database_url(folder, url))
        except (ArgumentError, ValueError) as e:
            raise UserError(f"not a database URL ({e}); write postgresql://USER@HOST:PORT/DATABASE") from None
        try:
            revision = current_revision(engine)
        except OperationalError as e:
            # A server that is down or refuses the login: the user's to fix, one line, no traceback.
            engine.dispose()
            if engine.dialect.name == "sqlite":
                raise
            from workbench.store.server import connect_error

            raise connect_error(database_url(folder, url), e) from None
        if revision is None:
            engine.dispose()
            raise UserError("not a workbench project (empty database)", str(folder or url))
        if revision != HEAD:
            from workbench.store.migrate import script_heads

            if revision not in _known_revisions():
                engine.dispose()
                raise UserError(f"made by a newer workbench (schema {revision}); upgrade workbench to open it",
                                str(folder or url))
            project = cls(engine, folder)
            project.upgrade()
            assert script_heads()
            return project
        return cls(engine, folder)

    @classmethod
    def create(cls, folder: Path | None, url: str | None = None) -> Self:
        """A new, empty project at the newest schema (built by the migrations, never by create_all)."""
        if url is None and folder is not None:
            if (folder / DB_NAME).exists():
                raise UserError("a project already exists here", str(folder))
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "exports").mkdir(exist_ok=True)
        # A folder means a local project even when WORKBENCH_DB names a server (a coder's profile may
        # set it): `workbench new` or a pull must never build into the server's database.
        engine = make_engine(url or (sqlite_url(folder) if folder is not None else database_url(None)))
        from workbench.store.migrate import upgrade

        with engine.begin() as conn:
            upgrade(conn)
        return cls(engine, folder)

    def upgrade(self) -> None:
        from workbench.store.migrate import backup_sqlite, upgrade

        if self.is_sqlite and self.folder is not None:
            backup_sqlite(self.folder / DB_NAME, current_revision(self.engine, fresh=True) or "none")
        with self.engine.begin() as conn:
            upgrade(conn)

    def close(self) -> None:
        self.engine.dispose()
        _open_engines.discard(self.engine)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- transactions --------------------------------------------------------------------
    @contextmanager
    def write(self, at_once: bool = False) -> Iterator[Connection]:
        """One user action: everything inside commits together or not at all. `at_once`: on a
        server, each statement inside is its own transaction (no BEGIN/COMMIT round trips), for a
        caller whose change is one statement (`records.add_coding`)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_immediate=True)
            if at_once and not self.is_sqlite:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            try:
                with conn.begin():
                    yield conn
            except DBAPIError as e:
                # On a server, row-level security and grants may refuse a write: one line, not a traceback.
                if self.is_sqlite:
                    raise
                from workbench.store.server import refused

                problem = refused(e, self.engine.url.username)
                if problem is None:
                    raise
                raise problem from None

    @contextmanager
    def read(self, transaction: bool = False) -> Iterator[Connection]:
        """A read. On a server each statement runs by itself (autocommit): psycopg sends BEGIN and
        COMMIT in round trips of their own, and under READ COMMITTED — the isolation every read
        here had — each statement sees its own snapshot inside a transaction too, so for reads
        nothing changes but two round trips fewer. `transaction=True` for a reader that needs one
        (a server-side cursor: `pull` streams its rows)."""
        with self.engine.connect() as conn:
            if not transaction and not self.is_sqlite:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            with conn.begin():
                yield conn

    def log(self, conn: Connection, actor: str, action: str, entity: str = "", entity_uuid: str = "",
            **detail: Any) -> None:
        """Append to the audit log (who did what, when) inside the caller's transaction."""
        conn.execute(insert(t.audit).values(
            time=now(), actor=actor, action=action, entity=entity, entity_uuid=entity_uuid,
            detail=audit_detail(detail)))

    def audit_log(self, limit: int | None = None) -> list[dict[str, Any]]:
        with self.read() as conn:
            q = select(t.audit).order_by(t.audit.c.id.desc())
            if limit:
                q = q.limit(limit)
            return [dict(r._mapping) for r in conn.execute(q)]

    # ----- settings ------------------------------------------------------------------------
    def setting(self, key: str, default: str = "") -> str:
        with self.read() as conn:
            value = conn.execute(select(t.setting.c.value).where(t.setting.c.key == key)).scalar()
        return default if value is None else value

    def set_setting(self, key: str, value: str, actor: str = "", conn: Connection | None = None) -> None:
        def _do(c: Connection) -> None:
            old = c.execute(select(t.setting.c.value).where(t.setting.c.key == key)).scalar()
            if old is None:
                c.execute(insert(t.setting).values(key=key, value=value))
            else:
                c.execute(t.setting.update().where(t.setting.c.key == key).values(value=value))
            self.log(c, actor, "setting", "setting", "", key=key, old=old, new=value)

        if conn is not None:
            _do(conn)
        else:
            with self.write() as c:
                _do(c)

    def snapshot(self, target: Path) -> None:
        """A consistent copy of this project's SQLite database at `target` (for archives)."""
        from workbench.store.merge_store import snapshot_sqlite

        if not self.is_sqlite or self.folder is None:
            raise UserError("archives are made from a project folder; use 'workbench pull' for a server")
        snapshot_sqlite(self.folder / DB_NAME, target)

    # ----- lookups -------------------------------------------------------------------------
    def ids(self, conn: Connection, table: Table, key: str = "name") -> dict[str, int]:
        """name → id for a lookup table (subthemes, perspectives, valences, coders, sources, excerpts)."""
        return {k: i for k, i in conn.execute(select(table.c[key], table.c.id))}

    def counts(self) -> dict[str, int]:
        with self.read() as conn:
            return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                    for name, table in (("sources", t.source), ("excerpts", t.excerpt),
                                        ("codings", t.coding), ("coders", t.coder),
                                        ("subthemes", t.subtheme), ("themes", t.theme),
                                        ("summaries", t.summary))}


def audit_detail(detail: dict[str, Any]) -> str:
    """An audit entry's detail as stored: sorted JSON, or "" for none."""
    return json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else ""


def insert_id(conn: Connection, stmt: Insert) -> int:
    """Insert one row and return its new primary key (the id the next statement refers to)."""
    key = conn.execute(stmt).inserted_primary_key
    if key is None:  # only for an INSERT of several rows, which callers of this never make
        raise ValueError("insert_id takes a one-row INSERT")
    return int(key[0])


def url_from_env() -> bool:
    import os

    return bool(os.environ.get("WORKBENCH_DB"))


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from workbench.store.migrate import alembic_config

    return {s.revision for s in ScriptDirectory.from_config(alembic_config(None)).walk_revisions()}
