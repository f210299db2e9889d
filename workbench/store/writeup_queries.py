"""Queries behind the write-ups (the appendix of detailed themes); each takes a Connection.

The appendix quotes every excerpt behind every cell of the table with the coders who put it
there. One grouped query over the covering index ix_coding_cell (coder first, then subtheme,
valence, perspective, excerpt) gives cell × excerpt × coders without touching the excerpt table;
the excerpts' text is then read once, by id, for exactly the excerpts cited.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Text, cast, func, select

from workbench.store import schema as t

CHUNK = 900  # ids per IN (…): under SQLite's default variable limit on old builds


def _agg_coders(conn: Connection) -> Any:
    if conn.dialect.name == "sqlite":
        return func.group_concat(t.coding.c.coder_id.distinct())
    return func.string_agg(cast(t.coding.c.coder_id, Text).distinct(), ",")


def cell_excerpt_coders(conn: Connection, coders: Sequence[str] | None) -> list[Any]:
    """(subtheme_id, valence_id, perspective_id, excerpt_id, "coder_id,…") for the chosen coders."""
    q = (select(t.coding.c.subtheme_id, t.coding.c.valence_id, t.coding.c.perspective_id,
                t.coding.c.excerpt_id, _agg_coders(conn))
         .group_by(t.coding.c.subtheme_id, t.coding.c.valence_id, t.coding.c.perspective_id,
                   t.coding.c.excerpt_id))
    if coders is not None:
        ids = [i for (i,) in conn.execute(select(t.coder.c.id).where(t.coder.c.name.in_(list(coders))))]
        q = q.where(t.coding.c.coder_id.in_(ids))
    return list(conn.execute(q).all())


def coder_names(conn: Connection) -> dict[int, str]:
    return {i: n for i, n in conn.execute(select(t.coder.c.id, t.coder.c.name))}


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i:i + CHUNK])


def excerpts_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, Any]:
    """id → (key, source_id, text, location, position) for the given excerpts.

    Reads the whole table in one pass when most excerpts are asked for (a scan beats thousands of
    IN lists on a 50,000-excerpt project), else by chunks of ids."""
    cols = (t.excerpt.c.id, t.excerpt.c.key, t.excerpt.c.source_id, t.excerpt.c.text, t.excerpt.c.location,
            t.excerpt.c.position)
    wanted = set(ids)
    total = conn.execute(select(func.count()).select_from(t.excerpt)).scalar_one()
    if len(wanted) * 4 > total:
        return {r.id: r for r in conn.execute(select(*cols)) if r.id in wanted}
    out: dict[int, Any] = {}
    for part in _chunks(sorted(wanted)):
        out.update((r.id, r) for r in conn.execute(select(*cols).where(t.excerpt.c.id.in_(part))))
    return out


def excerpt_profile(conn: Connection) -> tuple[int, int, int]:
    """(excerpts, those with a recorded location, those with a perspective hint) for the checklist."""
    def filled(col: Any) -> Any:  # counts non-empty values; portable to PostgreSQL
        return func.count(func.nullif(func.trim(func.coalesce(col, "")), ""))

    row = conn.execute(select(func.count(), filled(t.excerpt.c.location), filled(t.excerpt.c.perspective))
                       .select_from(t.excerpt)).one()
    return int(row[0]), int(row[1]), int(row[2])
