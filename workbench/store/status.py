"""What `workbench status` counts, as plain SQL that both the stdlib driver and SQLAlchemy can run.

`status` is the command a user runs most, and its budget (0.6 s for the whole process on 500,000
codings) is smaller than SQLAlchemy's import time on a slow laptop. So for a SQLite project at the
newest schema the command opens the file with `sqlite3` alone (`sqlite_status`); a server, or a
project that needs an upgrade or is not ours, goes the usual way (`queries.status_counts`). Both
run the same statements below — one home for the SQL, no parameters, portable to PostgreSQL — so
the two paths cannot drift (tests/integration/test_store_status.py compares them too).

Each statement is shaped to walk an index without sorting: codings per coder stream off
ix_coding_cell (coder first); excerpts per coder read the (excerpt, coder) pairs of
ix_coding_excerpt once; "subthemes without codings" seeks (coder, subtheme) in ix_coding_cell for
each coder rather than scanning every coding; uncoded excerpts probe ix_coding_excerpt.
(Excerpts per coder cannot avoid a sort with the project's indexes: it is optional.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from workbench.store.migrations import HEAD

DB_NAME = "workbench.db"  # = store.engine.DB_NAME, kept here so this path never imports SQLAlchemy
UNCODED_SAMPLE = 20

SQL = {
    "counts": "SELECT (SELECT count(*) FROM source), (SELECT count(*) FROM excerpt), (SELECT count(*) FROM coding), "
              "(SELECT count(*) FROM theme), (SELECT count(*) FROM subtheme), (SELECT count(*) FROM summary)",
    "coders": "SELECT id, name FROM coder",
    "codings_per_coder": "SELECT coder_id, count(*) FROM coding GROUP BY coder_id",
    # an excerpt marked "nothing applies" has been coded too: the app counts it so ("coded by me")
    "excerpts_per_coder": "SELECT coder_id, count(*) FROM (SELECT excerpt_id, coder_id FROM coding UNION "
                          "SELECT excerpt_id, coder_id FROM nothing_applies) AS pairs GROUP BY coder_id",
    "unused_subthemes": "SELECT name FROM subtheme WHERE NOT EXISTS (SELECT 1 FROM coding WHERE coding.coder_id IN "
                        "(SELECT id FROM coder) AND coding.subtheme_id = subtheme.id) ORDER BY position, id",
    "uncoded": "SELECT excerpt.key FROM excerpt WHERE NOT EXISTS (SELECT 1 FROM coding WHERE coding.excerpt_id = "
               "excerpt.id) AND NOT EXISTS (SELECT 1 FROM nothing_applies WHERE nothing_applies.excerpt_id = "
               "excerpt.id) ORDER BY position, id",
    "name": "SELECT value FROM setting WHERE key = 'name'",
}

RunAll = Callable[[Sequence[str]], Sequence[Sequence[Sequence[Any]]]]


def _pairs(rows: Sequence[Sequence[Any]]) -> dict[Any, Any]:
    return {r[0]: r[1] for r in rows}


def collect(run_all: RunAll, coverage: bool = False) -> dict[str, Any]:
    """The status figures through `run_all(statements) -> one list of rows per statement`.

    All statements go to the driver at once, so on a server they travel in one round trip
    (`server_connect.run_together`); SQLite runs them one by one. `coverage` adds each coder's
    count of excerpts (None otherwise): counting distinct excerpts per coder sorts every (excerpt,
    coder) pair, which on 500,000 codings costs more than all the other figures together, so
    `status` asks for it only with --coverage.
    """
    names = ["counts", "coders", "codings_per_coder", "uncoded", "name", "unused_subthemes"]
    if coverage:
        names.append("excerpts_per_coder")
    got = dict(zip(names, run_all([SQL[n] for n in names]), strict=True))
    sources, excerpts, codings, themes, subthemes, summaries = got["counts"][0]
    coder_names = _pairs(got["coders"])
    per_coding = _pairs(got["codings_per_coder"])
    per_excerpt = _pairs(got["excerpts_per_coder"]) if coverage else {}
    uncoded = [r[0] for r in got["uncoded"]]
    name = got["name"]
    return {
        "name": name[0][0] if name else "",
        "sources": sources, "excerpts": excerpts, "codings": codings, "themes": themes,
        "subthemes": subthemes, "summaries": summaries,
        "per_coder": sorted((n, per_coding.get(i, 0), per_excerpt.get(i, 0) if coverage else None)
                            for i, n in coder_names.items()),
        "unused_subthemes": [r[0] for r in got["unused_subthemes"]],
        "uncoded_count": len(uncoded),
        "uncoded_sample": uncoded[:UNCODED_SAMPLE],
    }


def sqlite_status(folder: Path, coverage: bool = False) -> dict[str, Any] | None:
    """The status of the SQLite project in `folder` with the stdlib driver, or None when the full
    path must answer (no project here, another schema revision, not a workbench database)."""
    db_file = folder / DB_NAME
    if not db_file.is_file():
        return None
    try:
        con = sqlite3.connect(f"{db_file.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    except sqlite3.Error:
        return None
    try:
        con.execute("PRAGMA query_only=ON")
        if con.execute("SELECT version_num FROM alembic_version").fetchall() != [(HEAD,)]:
            return None
        return collect(lambda stmts: [con.execute(sql).fetchall() for sql in stmts], coverage)
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()
