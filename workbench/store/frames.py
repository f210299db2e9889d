"""The rows behind the analyst's data frames (workbench/analyst.py) and the co-occurrence counts.

Each function runs one query and returns plain tuples with their column names; pandas stays out of
the store. Codings come with integer ids for theme, subtheme, valence and perspective rather than
names: the frame turns ids into ordered categoricals with one array lookup, which is cheaper than
joining four name tables and hashing 500,000 strings per column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from workbench.store import schema as t

CODING_COLUMNS = ("excerpt", "source", "theme_id", "subtheme_id", "coder", "valence_id", "perspective_id",
                  "start", "end", "note", "time", "uuid")
EXCERPT_COLUMNS = ("excerpt", "source", "text", "perspective", "location", "start", "end", "uuid")
SOURCE_COLUMNS = ("ref", "citation", "year", "design", "quality", "groups", "doi", "uuid")


def _coder_ids(conn: Connection, coders: Sequence[str] | None) -> list[int] | None:
    if coders is None:
        return None
    return [i for (i,) in conn.execute(select(t.coder.c.id).where(t.coder.c.name.in_(list(coders))))]


def coding_rows(conn: Connection, coders: Sequence[str] | None) -> list[tuple[Any, ...]]:
    """One tuple per coding of `coders` (None: everyone's) in CODING_COLUMNS order, in coding order."""
    q = (select(t.excerpt.c.key, t.source.c.ref, t.subtheme.c.theme_id, t.coding.c.subtheme_id,
                t.coder.c.name, t.coding.c.valence_id, t.coding.c.perspective_id, t.coding.c.start,
                t.coding.c.end, t.coding.c.note, t.coding.c.time, t.coding.c.uuid)
         .select_from(t.coding)
         .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
         .join(t.source, t.source.c.id == t.excerpt.c.source_id)
         .join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
         .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
         .order_by(t.coding.c.id))
    ids = _coder_ids(conn, coders)
    if ids is not None:
        q = q.where(t.coding.c.coder_id.in_(ids))
    return [tuple(r) for r in conn.execute(q)]


def excerpt_rows(conn: Connection) -> list[tuple[Any, ...]]:
    """One tuple per excerpt in EXCERPT_COLUMNS order (perspective is the excerpt's hint, '' for none)."""
    q = (select(t.excerpt.c.key, t.source.c.ref, t.excerpt.c.text, t.excerpt.c.perspective,
                t.excerpt.c.location, t.excerpt.c.start, t.excerpt.c.end, t.excerpt.c.uuid)
         .join(t.source, t.source.c.id == t.excerpt.c.source_id)
         .order_by(t.excerpt.c.position, t.excerpt.c.id))
    return [tuple(r) for r in conn.execute(q)]


def source_rows(conn: Connection) -> list[tuple[Any, ...]]:
    """One tuple per source in SOURCE_COLUMNS order, in the project's source order."""
    q = select(*(t.source.c[c] for c in SOURCE_COLUMNS)).order_by(t.source.c.position, t.source.c.id)
    return [tuple(r) for r in conn.execute(q)]


def names_by_id(conn: Connection) -> dict[str, dict[int, str]]:
    """id → name of themes, subthemes, valences and perspectives (to label the id columns)."""
    return {name: dict(conn.execute(select(table.c.id, table.c.name)).all())
            for name, table in (("theme", t.theme), ("subtheme", t.subtheme), ("valence", t.valence),
                                ("perspective", t.perspective))}


def excerpt_subthemes(conn: Connection, coders: Sequence[str] | None) -> list[tuple[int, int]]:
    """Distinct (excerpt id, subtheme id) pairs coded by `coders` (None: anyone): what co-occurrence
    counts. DISTINCT over the covering index, so 500,000 codings arrive as the pairs that count;
    per source, the caller maps excerpts to sources (`excerpt_sources`), which is cheaper than a
    DISTINCT over a join."""
    q = select(t.coding.c.excerpt_id, t.coding.c.subtheme_id).distinct()
    ids = _coder_ids(conn, coders)
    if ids is not None:
        q = q.where(t.coding.c.coder_id.in_(ids))
    return [(a, b) for a, b in conn.execute(q)]


def excerpt_sources(conn: Connection) -> list[tuple[int, int]]:
    """(excerpt id, source id) of every excerpt."""
    return [(a, b) for a, b in conn.execute(select(t.excerpt.c.id, t.excerpt.c.source_id))]
