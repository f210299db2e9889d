"""A connection to a project server in as few round trips as the protocol allows.

On a server 50 ms away every round trip is felt, and a fresh SQLAlchemy engine spends eight of
them before the first query: `select version()`, `select current_schema()`, the isolation level
and `standard_conforming_strings` each in turn, a savepoint, a type lookup for hstore (which the
project never uses) and its release, a rollback; then a pre-ping on every checkout, and the
project's own start-up reads (is the schema current? are the server's functions there? who is
logged in?) one by one. Here a new connection asks all of that in ONE statement
(`STARTUP_SQL`), keeps the answers in the pooled connection's `info`, and SQLAlchemy's
first-connect initialization reads them from there (`_answer`) instead of asking again; a
connection is pinged only when it has sat idle long enough for a server or firewall to have
dropped it (`IDLE_PING_S`), so a command or a burst of keystrokes pays no pings.

libpq: unless the URL (or PGGSSENCMODE) says otherwise, `gssencmode=disable`: with a Kerberos
ticket cached, libpq would first try a GSSAPI-encrypted session, one more round trip that a
workbench server (password logins, TLS) always refuses. TLS is never touched: whatever `sslmode`
the URL asks for is kept as it is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Engine, event, exc, make_url
from sqlalchemy.engine import URL

IDLE_PING_S = 30.0
_schema_changes = [0]  # migrations run by this process: a revision read before one is stale
FACTS = "workbench_facts"
LAST_USED = "workbench_last_used"

# One statement, no parameters: what SQLAlchemy's dialect, the server-writes hook (are the
# definer functions there?), the coder (the login) and the revision check need.
STARTUP_SQL = (
    "SELECT pg_catalog.version(), pg_catalog.current_schema(), "
    "pg_catalog.current_setting('transaction_isolation'), "
    "pg_catalog.current_setting('standard_conforming_strings'), current_user::text, "
    "pg_catalog.to_regprocedure('public.workbench_delete(text,integer[])') IS NOT NULL, "
    "pg_catalog.to_regclass('alembic_version') IS NOT NULL"
)
REVISION_SQL = "SELECT version_num FROM alembic_version"
_KEYS = ("version", "schema", "isolation", "standard_conforming_strings", "user", "functions", "has_alembic")


def libpq_url(url: str) -> URL:
    """The URL with the psycopg driver, and gssencmode=disable unless the user chose a mode."""
    u = make_url("postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgresql://") else url)
    if "gssencmode" not in u.query and not os.environ.get("PGGSSENCMODE"):
        u = u.update_query_dict({"gssencmode": "disable"})
    return u


def startup_facts(dbapi_connection: Any) -> dict[str, Any]:
    """Everything a new connection needs to know, in one round trip (two statements in one
    simple-query message when the project's revision table is there; one otherwise)."""
    import psycopg

    was = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # no BEGIN/ROLLBACK around it: that would be two more trips
    try:
        with dbapi_connection.cursor() as cur:
            try:
                # Optimistic: a project database has the revision table; its absence costs a retry.
                cur.execute(STARTUP_SQL + "; " + REVISION_SQL)
                row = cur.fetchone()
                cur.nextset()
                revision = cur.fetchone()
            except psycopg.DatabaseError:  # no revision table (an empty database), or not readable
                cur.execute(STARTUP_SQL)
                row = cur.fetchone()
                revision = False
    finally:
        dbapi_connection.autocommit = was
    facts = dict(zip(_KEYS, row, strict=True))
    if revision is not False:  # else the revision check asks (and words the error) itself
        facts["revision"] = revision[0] if revision else None
    facts["schema_changes"] = _schema_changes[0]
    return facts


def schema_changed() -> None:
    """Called before this process migrates a database (store/migrate.py)."""
    _schema_changes[0] += 1


def start_up_revision(conn: Any) -> tuple[bool, str | None]:
    """(known, revision) from the connection's start-up statement, once, and only if no migration
    ran in this process since (`push` migrates a database the login lookup connected to)."""
    facts = facts_of(conn)
    if facts is None or "revision" not in facts:
        return False, None
    revision = facts.pop("revision")
    return facts["schema_changes"] == _schema_changes[0], revision


def install(engine: Engine) -> None:
    """Start-up facts per new connection, SQLAlchemy's initialization from them, idle-only pings."""
    dialect = engine.dialect

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        record.info[FACTS] = startup_facts(dbapi_connection)
        record.info[LAST_USED] = time.monotonic()

    # insert=True: before SQLAlchemy's own first-connect initialization, which then reads the facts.
    event.listen(engine.pool, "connect", on_connect, insert=True)

    original = dialect.initialize

    def initialize(connection: Any) -> None:
        facts = connection.connection._connection_record.info.get(FACTS)  # the ad-hoc proxy has no .info
        if facts is None:
            original(connection)
            return
        original(cast(Any, _Answering(connection, facts)))
        # The isolation level was answered from the facts too (see _Answering).

    def default_isolation(dbapi_connection: Any) -> str:
        facts = getattr(dialect, "_workbench_facts", None)
        if facts is None:
            return str(type(dialect).get_default_isolation_level(dialect, dbapi_connection))
        return str(facts["isolation"]).upper()

    # On this engine's dialect only: one round trip instead of eight (see the module's docstring).
    for name, method in (("initialize", initialize), ("get_default_isolation_level", default_isolation)):
        setattr(dialect, name, method)

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if time.monotonic() - record.info.get(LAST_USED, 0.0) <= IDLE_PING_S:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception:  # noqa: BLE001 — any failure of the ping means the same: reconnect
            alive = False
        if not alive:  # the pool then discards this connection and makes a new one
            raise exc.DisconnectionError("the server closed an idle connection")

    @event.listens_for(engine.pool, "checkin")
    def _used(dbapi_connection: Any, record: Any) -> None:
        record.info[LAST_USED] = time.monotonic()


class _Answering:
    """The connection SQLAlchemy's dialect initializes from: its few questions are answered
    from the start-up facts; anything else (a newer SQLAlchemy asking more) goes to the server."""

    def __init__(self, connection: Any, facts: dict[str, Any]) -> None:
        self._connection = connection
        self._facts = facts
        connection.dialect._workbench_facts = facts
        self._answers = {
            "select pg_catalog.version()": facts["version"],
            "select current_schema()": facts["schema"],
            "show standard_conforming_strings": facts["standard_conforming_strings"],
        }

    def exec_driver_sql(self, sql: str, *args: Any, **kw: Any) -> Any:
        if sql in self._answers and not args and not kw:
            return _Scalar(self._answers[sql])
        return self._connection.exec_driver_sql(sql, *args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


class _Scalar:
    def __init__(self, value: Any) -> None:
        self.value = value

    def scalar(self) -> Any:
        return self.value


def facts_of(conn: Any) -> dict[str, Any] | None:
    """The start-up facts of the pooled connection behind a SQLAlchemy `Connection` (or None)."""
    try:
        return cast("dict[str, Any] | None", conn.connection.info.get(FACTS))
    except AttributeError:
        return None


def run_together(conn: Any, statements: Sequence[str]) -> list[list[tuple[Any, ...]]]:
    """Parameter-free statements sent in one simple-query message: one round trip for all, and
    one implicit transaction when the connection is in autocommit (`ProjectCore.read()`);
    the rows of each, in order. Only constant SQL from store/ comes here (nothing a user typed)."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute("; ".join(statements))
        out = []
        while True:
            out.append(list(cursor.fetchall()))
            if not cursor.nextset():
                break
        return out
    finally:
        cursor.close()
