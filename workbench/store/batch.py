"""Several reads in one round trip: what a view needs, asked at once.

A view (the codebook, a table's cells, whose codings count) reads a handful of small tables.
On SQLite each statement costs microseconds; on a server 50 ms away each costs a round trip.
`fetch_together` sends them in one psycopg pipeline (every statement queued, one Sync, all
answers read back) and returns SQLAlchemy rows, so callers read `row.name` on either database.
Statements are compiled by SQLAlchemy with bound parameters, never with values pasted in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Row, Select
from sqlalchemy.engine import IteratorResult
from sqlalchemy.engine.result import SimpleResultMetaData


def fetch_together(conn: Connection, statements: Sequence[Select[Any]]) -> list[list[Row[Any]]]:
    """The rows of each SELECT in `statements`, in order: one round trip on PostgreSQL."""
    if conn.dialect.name != "postgresql" or len(statements) < 2:
        return [list(conn.execute(s).all()) for s in statements]
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    compiled = [s.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
                for s in statements]
    cursors = []
    with cast(Any, dbapi).pipeline():  # psycopg: queued, sent with one Sync on exit
        for c in compiled:
            cursor = dbapi.cursor()
            cursor.execute(c.string, c.params)
            cursors.append(cursor)
    out: list[list[Row[Any]]] = []
    for c, cursor in zip(compiled, cursors, strict=True):
        try:
            keys = [d[0] for d in cursor.description or ()]
            rows = cursor.fetchall()
        finally:
            cursor.close()
        processors = [c._result_columns[i][3].result_processor(conn.dialect, None)  # noqa: SLF001
                      if i < len(c._result_columns) else None for i in range(len(keys))]
        if any(processors):
            rows = [tuple(p(v) if p else v for p, v in zip(processors, r, strict=True)) for r in rows]
        result: IteratorResult[Any] = IteratorResult(SimpleResultMetaData(keys), iter(rows))
        out.append(list(result.all()))
    return out
