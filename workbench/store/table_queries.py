"""Queries behind `trace` and the table's checks; each takes a Connection (the SQL stays in store/)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, func, select, true

from workbench.store import schema as t

ANY = "*"  # a filter value meaning "do not filter on this"


def cell_codings(conn: Connection, subtheme: str, valence: str | None = ANY, perspective: str | None = ANY,
                 coders: Sequence[str] | None = None) -> list[Any]:
    """Every coding behind a cell, with its excerpt and source: what `workbench trace` prints.

    `valence`/`perspective` None select the codings that left it empty; ANY selects all.
    """
    q = (select(t.source.c.ref, t.source.c.citation, t.source.c.position.label("source_position"),
                t.excerpt.c.key, t.excerpt.c.text, t.excerpt.c.location, t.excerpt.c.perspective.label("hint"),
                t.excerpt.c.position.label("excerpt_position"), t.coder.c.name.label("coder"),
                t.valence.c.name.label("valence"), t.perspective.c.name.label("perspective"),
                t.coding.c.note, t.coding.c.start, t.coding.c.end)
         .select_from(t.coding)
         .join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
         .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
         .join(t.source, t.source.c.id == t.excerpt.c.source_id)
         .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
         .outerjoin(t.valence, t.valence.c.id == t.coding.c.valence_id)
         .outerjoin(t.perspective, t.perspective.c.id == t.coding.c.perspective_id)
         .where(t.subtheme.c.name == subtheme)
         .order_by(t.source.c.position, t.excerpt.c.position, t.excerpt.c.id, t.coder.c.name))
    if valence is None:
        q = q.where(t.coding.c.valence_id.is_(None))
    elif valence != ANY:
        q = q.where(t.valence.c.name == valence)
    if perspective is None:
        q = q.where(t.coding.c.perspective_id.is_(None))
    elif perspective != ANY:
        q = q.where(t.perspective.c.name == perspective)
    if coders is not None:
        q = q.where(t.coder.c.name.in_(list(coders)))
    return list(conn.execute(q).all())


def _of_coders(coders: Sequence[str] | None) -> Any:
    """A WHERE clause limiting codings to `coders` (None: everyone's)."""
    if coders is None:
        return true()
    return t.coding.c.coder_id.in_(select(t.coder.c.id).where(t.coder.c.name.in_(list(coders))))


def codings_without_perspective(conn: Connection, limit: int = 10,
                                coders: Sequence[str] | None = None) -> tuple[int, list[Any]]:
    """(how many codings of `coders` leave the perspective empty, the first `limit` of them)."""
    where = and_(t.coding.c.perspective_id.is_(None), _of_coders(coders))
    n = conn.execute(select(func.count()).select_from(t.coding).where(where)).scalar_one()
    rows = conn.execute(
        select(t.excerpt.c.key, t.subtheme.c.name.label("subtheme"), t.coder.c.name.label("coder"))
        .select_from(t.coding)
        .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
        .join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
        .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
        .where(where).order_by(t.coding.c.id).limit(limit)).all() if n else []
    return n, list(rows)


def uncited_sources(conn: Connection, coders: Sequence[str] | None = None) -> list[str]:
    """Refs of sources that no coding of `coders` (None: anyone) cites, in source order."""
    coded = (select(t.coding.c.id).join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
             .where(t.excerpt.c.source_id == t.source.c.id, _of_coders(coders)).exists())
    return [r for (r,) in conn.execute(select(t.source.c.ref).where(~coded)
                                       .order_by(t.source.c.position, t.source.c.id))]


def mixed_codings_without_groups(conn: Connection, limit: int = 10,
                                 coders: Sequence[str] | None = None) -> tuple[int, list[Any]]:
    """Codings with a mixed perspective whose source lists no sample groups (the parentheses
    under a mixed cell would be empty): (count, the first `limit`)."""
    where = and_(t.perspective.c.mixed.is_(True), func.trim(t.source.c.groups) == "", _of_coders(coders))
    base = (select(t.excerpt.c.key, t.source.c.ref, t.subtheme.c.name.label("subtheme"),
                   t.coder.c.name.label("coder"), t.perspective.c.name.label("perspective"))
            .select_from(t.coding)
            .join(t.perspective, t.perspective.c.id == t.coding.c.perspective_id)
            .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
            .join(t.source, t.source.c.id == t.excerpt.c.source_id)
            .join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
            .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
            .where(where))
    n = conn.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    rows = conn.execute(base.order_by(t.coding.c.id).limit(limit)).all() if n else []
    return n, list(rows)
