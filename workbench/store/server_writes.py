"""On a project server, the app's removals, changes and audit entries go through the server's functions.

A coder holds no UPDATE or DELETE privilege on a project server (either would let them `LOCK
TABLE … ACCESS EXCLUSIVE` and stall everyone) and may not INSERT into `audit` (the server alone
writes it). The store's statements stay what they are on SQLite; this hook, installed on every
PostgreSQL engine, rewrites the few the server reserves before they are sent:

- `DELETE FROM t WHERE …` on a table in `THROUGH_FUNCTIONS` becomes
  `SELECT public.workbench_delete('t', (SELECT array_agg(key) FROM t WHERE …))`;
- `UPDATE t SET col = value … WHERE …` (plain values) becomes `workbench_update('t', keys, json)`;
- a single `INSERT INTO audit` becomes `workbench_log(action, entity, entity_uuid, detail)`.

The functions return one row per row they touched, so `rowcount` means what it meant. A database
without the functions (SQLite, a server before `init-server`) gets every statement unchanged.
One home for the rule, rather than a branch at every call site in the store.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Delete, Engine, Insert, Select, Update, cast, event, exists, func, literal, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql.elements import BindParameter

from workbench.store import schema as t
from workbench.store.server_connect import FACTS
from workbench.store.server_policies import THROUGH_FUNCTIONS

_FLAG = "workbench_server_functions"
AUDIT_FIELDS = ("action", "entity", "entity_uuid", "detail")


def route_writes(engine: Engine) -> None:
    event.listen(engine, "before_execute", _rewrite, retval=True)


def has_functions(conn: Any) -> bool:
    """Does this server hold the definer functions (init-server has run)? False on SQLite."""
    return conn.dialect.name == "postgresql" and _has_functions(conn)


def coding_at_once(value: dict[str, Any], action: str, entity_uuid: str, detail: str) -> Select[Any]:
    """One statement for one coding on a server: the INSERT (as the login, so row-level security
    checks it as always), the removal of the coder's "nothing applies" for that excerpt through
    `workbench_delete` (its guard trigger checks the rows) and the audit entry through
    `workbench_log` — the same three writes, the same functions, in one round trip instead of
    five (BEGIN, three statements, COMMIT). The two function calls run only when a row was added.
    Its one row: (rows added, audit entries written)."""
    ins = pg_insert(t.coding).values(**value).on_conflict_do_nothing().returning(t.coding.c.id).cte("added")
    added = exists(select(ins.c.id))
    na = t.nothing_applies
    keys = (select(func.array_agg(na.c.id))
            .where(na.c.excerpt_id == value["excerpt_id"], na.c.coder_id == value["coder_id"]).scalar_subquery())
    gone = select(func.public.workbench_delete(literal("nothing_applies"), keys).label("k")).where(added).cte("gone")
    logged = (select(func.public.workbench_log(literal(action), literal("coding"), literal(entity_uuid),
                                               literal(detail)).label("v")).where(added).cte("logged"))
    count = lambda q: select(func.count()).select_from(q).scalar_subquery()  # noqa: E731
    return select(count(ins), count(logged), count(gone))


def _has_functions(conn: Any) -> bool:
    """Known from the connection's start-up statement (store/server_connect.py), else asked once per
    pooled connection (init-server makes a fresh pool necessary anyway)."""
    info = conn.connection.info
    facts = info.get(FACTS)
    if _FLAG not in info and facts is not None:  # answered by the connection's start-up statement
        info[_FLAG] = bool(facts["functions"])
    if _FLAG not in info:
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute("SELECT to_regprocedure('public.workbench_delete(text,integer[])') IS NOT NULL")
            info[_FLAG] = bool(cursor.fetchone()[0])
        finally:
            cursor.close()
    return bool(info[_FLAG])


def _plain_values(stmt: Any) -> dict[str, Any] | None:
    """The statement's `.values(…)` as plain Python values, or None if any is an SQL expression."""
    out = {}
    for key, value in (stmt._values or {}).items():
        if not isinstance(value, BindParameter) or value.callable is not None:
            return None
        out[getattr(key, "name", key)] = value.value
    return out


def _keys(table: Any, whereclause: Any) -> Any:
    key = table.c[THROUGH_FUNCTIONS[table.name][0]]
    q = select(func.array_agg(key))
    return (q.where(whereclause) if whereclause is not None else q).scalar_subquery()


def _rewrite(conn: Any, clause: Any, multiparams: Any, params: Any, options: Any) -> tuple[Any, Any, Any]:
    same = (clause, multiparams, params)
    if not isinstance(clause, (Delete, Update, Insert)) or conn.dialect.name != "postgresql":
        return same
    table = clause.table
    name = getattr(table, "name", None)
    if clause._returning or (name not in THROUGH_FUNCTIONS and not (isinstance(clause, Insert) and name == "audit")):
        return same
    if isinstance(clause, Delete):
        if not _has_functions(conn):
            return same
        return select(func.public.workbench_delete(literal(name), _keys(table, clause.whereclause))), multiparams, params
    if isinstance(clause, Update):
        values = _plain_values(clause)
        if not values or multiparams or params or getattr(clause, "_ordered_values", None) or not _has_functions(conn):
            return same
        try:
            payload = json.dumps(values)
        except TypeError:
            return same
        rewritten = func.public.workbench_update(literal(name), _keys(table, clause.whereclause),
                                                 cast(literal(payload), JSONB))
        return select(rewritten), multiparams, params
    # INSERT INTO audit: one entry through workbench_log; many (an admin's merge) stay as they are.
    if name != "audit" or clause._multi_values or multiparams:
        return same
    values = _plain_values(clause) or (dict(params) if isinstance(params, dict) else None)
    if not values or not _has_functions(conn):
        return same
    args = [literal(str(values.get(f) or "")) for f in AUDIT_FIELDS]
    return select(func.public.workbench_log(*args)), [], {}
