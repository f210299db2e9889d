"""Read-only queries that analyses build on; the SQL lives here, the meaning in analysis/."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Text, cast, func, select

from workbench.store import schema as t
from workbench.store.batch import fetch_together


def cell_sources(conn: Connection, coders: Sequence[str] | None) -> Any:
    """The query of one row per subtheme × valence × perspective × source with its excerpts and coders.

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
    return q


def cell_sources_named(conn: Connection, coders: Sequence[str] | None) -> tuple[list[Any], dict[str, dict[int, Any]]]:
    """`cell_sources` and `lookup_names` in one round trip (what a cell's excerpts and coders need)."""
    rows, *names = fetch_together(conn, [cell_sources(conn, coders), *_named()])
    return rows, _by_id(_NAMED, names)


def _coder_ids(conn: Connection, coders: Sequence[str] | None) -> Any:
    """The ids of `coders` (None: everyone) for an `IN`: on SQLite a list read first (its planner
    walks the covering index best with constants), on a server a subquery (no round trip)."""
    if coders is None:
        return None
    names = select(t.coder.c.id).where(t.coder.c.name.in_(list(coders)))
    if conn.dialect.name != "sqlite":
        return names
    return [i for (i,) in conn.execute(names)]


def _agg_distinct(conn: Connection, column: Any) -> Any:
    if conn.dialect.name == "sqlite":
        return func.group_concat(column.distinct())
    return func.string_agg(cast(column, Text).distinct(), ",")


def cell_refs(conn: Connection, coders: Sequence[str] | None) -> list[Any]:
    """(subtheme_id, valence_id, perspective_id, "source_id,source_id,…", codings) per cell.

    Exactly the benchmark's baseline — one GROUP BY with group_concat(DISTINCT source) over the
    covering index ix_coding_cell — so the table costs little more than the query it needs.
    """
    return list(conn.execute(_cell_refs(conn, coders)).all())


def _cell_refs(conn: Connection, coders: Sequence[str] | None) -> Any:
    ids = _coder_ids(conn, coders)
    q = (select(t.coding.c.subtheme_id, t.coding.c.valence_id, t.coding.c.perspective_id,
                _agg_distinct(conn, t.excerpt.c.source_id), func.count())
         .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
         .group_by(t.coding.c.subtheme_id, t.coding.c.valence_id, t.coding.c.perspective_id))
    return q if ids is None else q.where(t.coding.c.coder_id.in_(ids))


def excerpt_coverage(conn: Connection, coders: Sequence[str] | None) -> tuple[int, int]:
    """(excerpts the chosen coders coded, excerpts anyone coded): two scans of the coding indexes.

    The provenance note needs both; DISTINCT over ix_coding_excerpt streams in index order."""
    count = select(func.count(t.coding.c.excerpt_id.distinct()))
    ids = _coder_ids(conn, coders)
    if ids is None:
        everyone = conn.execute(count).scalar_one()
        return everyone, everyone
    (everyone,), (covered,) = (rows[0] for rows in fetch_together(conn, [count,
                                                                         count.where(t.coding.c.coder_id.in_(ids))]))
    return covered, everyone


def cell_inputs(conn: Connection, coders: Sequence[str] | None) -> tuple[dict[str, dict[int, Any]], list[Any]]:
    """What the derivation reads, in one round trip: `cell_lookups` and `cell_refs`."""
    *lookups, refs = fetch_together(conn, [*_cell_lookups(), _cell_refs(conn, coders)])
    return _by_id(("subtheme", "valence", "perspective", "source"), lookups), refs


def cell_lookups(conn: Connection) -> dict[str, dict[int, Any]]:
    """`lookup_names` with only the columns the derivation reads (no citations or definitions)."""
    return _by_id(("subtheme", "valence", "perspective", "source"), fetch_together(conn, _cell_lookups()))


def _cell_lookups() -> list[Any]:
    return [select(t.subtheme.c.id, t.subtheme.c.name, t.subtheme.c.position),
            select(t.valence.c.id, t.valence.c.name, t.valence.c.position),
            select(t.perspective.c.id, t.perspective.c.name, t.perspective.c.position, t.perspective.c.mixed),
            select(t.source.c.id, t.source.c.ref, t.source.c.groups)]


def lookup_names(conn: Connection) -> dict[str, dict[int, Any]]:
    """id → row for the small tables the derivation labels its cells with (one round trip)."""
    return _by_id(_NAMED, fetch_together(conn, _named()))


_NAMED = ("subtheme", "valence", "perspective", "source", "theme")


def _named() -> list[Any]:
    return [select(t.subtheme), select(t.valence), select(t.perspective), select(t.source), select(t.theme)]


def _by_id(names: Sequence[str], results: Sequence[Sequence[Any]]) -> dict[str, dict[int, Any]]:
    return {name: {r.id: r for r in rows} for name, rows in zip(names, results, strict=True)}


@dataclass(frozen=True)
class ViewFacts:
    """What a view needs before it reads any coding, read in one round trip (`view_facts`)."""

    blind_setting: str | None
    consensus: str
    decided: bool  # a decision exists
    coders: list[str]  # every coder, by name
    coded: frozenset[str]  # coders with at least one coding

    @property
    def blind(self) -> bool:
        """The `blind` setting when set, else on until reconciling starts (a decision exists or
        the agreed set has codings)."""
        if self.blind_setting is not None:
            return self.blind_setting == "1"
        return not (self.decided or self.consensus in self.coded)


def view_facts(conn: Connection) -> ViewFacts:
    settings, decided, coders, coded = fetch_together(conn, [
        select(t.setting.c.key, t.setting.c.value).where(t.setting.c.key.in_(["blind", "consensus_coder"])),
        select(t.decision.c.id).limit(1),
        select(t.coder.c.name).order_by(t.coder.c.name),
        select(t.coder.c.name).where(select(t.coding.c.id).where(t.coding.c.coder_id == t.coder.c.id).exists())])
    found = {r.key: r.value for r in settings}
    return ViewFacts(found.get("blind"), found.get("consensus_coder") or "consensus", bool(decided),
                     [r.name for r in coders], frozenset(r.name for r in coded))


def coder_has_codings(conn: Connection, coder: str) -> bool:
    return conn.execute(select(t.coding.c.id).join(t.coder, t.coder.c.id == t.coding.c.coder_id)
                        .where(t.coder.c.name == coder).limit(1)).first() is not None


def coded_excerpt_count(conn: Connection, coders: Sequence[str] | None) -> int:
    q = select(func.count(t.coding.c.excerpt_id.distinct())).join(t.coder, t.coder.c.id == t.coding.c.coder_id)
    if coders is not None:
        q = q.where(t.coder.c.name.in_(list(coders)))
    return conn.execute(q).scalar_one()


def status_counts(conn: Connection, coverage: bool = False) -> dict[str, Any]:
    """What `workbench status` prints: the statements of store/status.py, through this connection."""
    from workbench.store.status import collect

    if conn.dialect.name == "postgresql":
        from workbench.store.server_connect import run_together

        return collect(lambda stmts: run_together(conn, stmts), coverage)
    return collect(lambda stmts: [conn.exec_driver_sql(sql).all() for sql in stmts], coverage)
