"""Read-only queries that analyses build on; the SQL lives here, the meaning in analysis/."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Text, cast, func, select

from workbench.store import schema as t


def cell_sources(conn: Connection, coders: Sequence[str] | None) -> list[Any]:
    """One row per subtheme × valence × perspective × source with its excerpts and coders.

    Grouped in SQL over the covering index ix_coding_cell, so 500,000 codings become a few
    thousand rows before Python sees them.
    """
    q = (select(t.coding.c.subtheme_id, t.coding.c.valence_id, t.coding.c.perspective_id,
                t.excerpt.c.source_id,
                func.group_concat(t.excerpt.c.key.distinct()).label("excerpts")
                if conn.dialect.name == "sqlite" else
                func.string_agg(t.excerpt.c.key.distinct(), ",").label("excerpts"),
                func.group_concat(t.coder.c.name.distinct()).label("coders")
                if conn.dialect.name == "sqlite" else
                func.string_agg(t.coder.c.name.distinct(), ",").label("coders"),
                func.count().label("n"))
         .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
         .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
         .group_by(t.coding.c.subtheme_id, t.coding.c.valence_id, t.coding.c.perspective_id,
                   t.excerpt.c.source_id))
    if coders is not None:
        q = q.where(t.coder.c.name.in_(list(coders)))
    return conn.execute(q).all()


def _coder_ids(conn: Connection, coders: Sequence[str] | None) -> list[int] | None:
    if coders is None:
        return None
    return [i for (i,) in conn.execute(select(t.coder.c.id).where(t.coder.c.name.in_(list(coders))))]


def _agg_distinct(conn: Connection, column: Any) -> Any:
    if conn.dialect.name == "sqlite":
        return func.group_concat(column.distinct())
    return func.string_agg(cast(column, Text).distinct(), ",")


def cell_refs(conn: Connection, coders: Sequence[str] | None) -> list[Any]:
    """(subtheme_id, valence_id, perspective_id, "source_id,source_id,…", codings) per cell.

    Exactly the benchmark's baseline — one GROUP BY with group_concat(DISTINCT source) over the
    covering index ix_coding_cell — so the table costs little more than the query it needs.
    """
    ids = _coder_ids(conn, coders)
    q = (select(t.coding.c.subtheme_id, t.coding.c.valence_id, t.coding.c.perspective_id,
                _agg_distinct(conn, t.excerpt.c.source_id), func.count())
         .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
         .group_by(t.coding.c.subtheme_id, t.coding.c.valence_id, t.coding.c.perspective_id))
    if ids is not None:
        q = q.where(t.coding.c.coder_id.in_(ids))
    return conn.execute(q).all()


def excerpt_coverage(conn: Connection, coders: Sequence[str] | None) -> tuple[int, int]:
    """(excerpts the chosen coders coded, excerpts anyone coded): two scans of the coding indexes.

    The provenance note needs both; DISTINCT over ix_coding_excerpt streams in index order."""
    everyone = conn.execute(select(func.count(t.coding.c.excerpt_id.distinct()))).scalar_one()
    ids = _coder_ids(conn, coders)
    if ids is None:
        return everyone, everyone
    covered = conn.execute(select(func.count(t.coding.c.excerpt_id.distinct()))
                           .where(t.coding.c.coder_id.in_(ids))).scalar_one()
    return covered, everyone


def lookup_names(conn: Connection) -> dict[str, dict[int, Any]]:
    """id → row for the small tables the derivation labels its cells with."""
    return {
        "subtheme": {r.id: r for r in conn.execute(select(t.subtheme))},
        "valence": {r.id: r for r in conn.execute(select(t.valence))},
        "perspective": {r.id: r for r in conn.execute(select(t.perspective))},
        "source": {r.id: r for r in conn.execute(select(t.source))},
        "theme": {r.id: r for r in conn.execute(select(t.theme))},
    }


def coder_has_codings(conn: Connection, coder: str) -> bool:
    return conn.execute(select(t.coding.c.id).join(t.coder, t.coder.c.id == t.coding.c.coder_id)
                        .where(t.coder.c.name == coder).limit(1)).first() is not None


def coded_excerpt_count(conn: Connection, coders: Sequence[str] | None) -> int:
    q = select(func.count(t.coding.c.excerpt_id.distinct())).join(t.coder, t.coder.c.id == t.coding.c.coder_id)
    if coders is not None:
        q = q.where(t.coder.c.name.in_(list(coders)))
    return conn.execute(q).scalar_one()


def status_counts(conn: Connection) -> dict[str, Any]:
    """What `workbench status` prints, in a handful of aggregate queries (fast on 500,000 codings).

    Each query is shaped to walk an index without sorting: codings per coder stream off
    ix_coding_cell (coder first); "excerpts per coder" reads the (excerpt, coder) pairs of
    ix_coding_excerpt once; "subthemes without codings" seeks (coder, subtheme) in ix_coding_cell
    for each coder instead of scanning every coding.
    """
    names = dict(conn.execute(select(t.coder.c.id, t.coder.c.name)).all())
    counts = dict(conn.execute(select(t.coding.c.coder_id, func.count()).group_by(t.coding.c.coder_id)).all())
    pairs = select(t.coding.c.excerpt_id, t.coding.c.coder_id).distinct().subquery()
    excerpts = dict(conn.execute(select(pairs.c.coder_id, func.count()).group_by(pairs.c.coder_id)).all())
    per_coder = sorted((name, counts.get(i, 0), excerpts.get(i, 0)) for i, name in names.items())
    used = (select(t.coding.c.id).where(t.coding.c.coder_id.in_(select(t.coder.c.id)),
                                        t.coding.c.subtheme_id == t.subtheme.c.id).exists())
    unused = [r[0] for r in conn.execute(select(t.subtheme.c.name).where(~used)
                                         .order_by(t.subtheme.c.position, t.subtheme.c.id))]
    coded = select(t.coding.c.id).where(t.coding.c.excerpt_id == t.excerpt.c.id).exists()
    marked = select(t.nothing_applies.c.id).where(t.nothing_applies.c.excerpt_id == t.excerpt.c.id).exists()
    uncoded_q = select(t.excerpt.c.key).where(~coded, ~marked)
    uncoded_n = conn.execute(select(func.count()).select_from(uncoded_q.subquery())).scalar_one()
    uncoded = [r[0] for r in conn.execute(uncoded_q.order_by(t.excerpt.c.position, t.excerpt.c.id).limit(20))]
    return {
        "sources": conn.execute(select(func.count()).select_from(t.source)).scalar_one(),
        "excerpts": conn.execute(select(func.count()).select_from(t.excerpt)).scalar_one(),
        "codings": conn.execute(select(func.count()).select_from(t.coding)).scalar_one(),
        "themes": conn.execute(select(func.count()).select_from(t.theme)).scalar_one(),
        "subthemes": conn.execute(select(func.count()).select_from(t.subtheme)).scalar_one(),
        "summaries": conn.execute(select(func.count()).select_from(t.summary)).scalar_one(),
        "per_coder": per_coder,
        "unused_subthemes": unused,
        "uncoded_count": uncoded_n,
        "uncoded_sample": uncoded,
    }
