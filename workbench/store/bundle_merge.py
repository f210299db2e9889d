"""Merging a `ProjectBundle` into a project, piece by piece, inside `import_bundle`'s transaction.

Everything is matched first by uuid, then by its natural name (a theme's or subtheme's name, a
source's ref, an excerpt's key with the same text), and what is missing is added at the end of
its list; the returned maps translate the bundle's names and uuids into the project's.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from workbench.core.ids import new_uuid, now, stable_uuid
from workbench.core.interchange import ProjectBundle
from workbench.core.model import Codebook, Subtheme
from workbench.store import schema as t
from workbench.store.core import ProjectCore, insert_id
from workbench.store.records import RecordStore, on_conflict_ignore
from workbench.store.summaries import SummaryStore


def _next_position(conn: Connection, table: Any) -> int:
    return conn.execute(select(func.coalesce(func.max(table.c.position), 0))).scalar_one() + 1


class Uuids:
    """The uuids each table already holds, read once per import instead of one query per row."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.taken: dict[str, set[str]] = {}

    def free(self, table: Any, wanted: str, *fallback_key: object) -> str:
        taken = self.taken.get(table.name)
        if taken is None:
            taken = self.taken[table.name] = {u for (u,) in self.conn.execute(select(table.c.uuid))}
        for candidate in (wanted, stable_uuid(table.name, *fallback_key) if fallback_key else ""):
            if candidate and candidate not in taken:
                taken.add(candidate)
                return candidate
        fresh = new_uuid()
        taken.add(fresh)
        return fresh


class BundleMerger:
    """The steps of one bundle import (`InterchangeStore.import_bundle`), inside its transaction.

    Codings and summaries are checked by the stores that own them (`records`, `summaries`), so a
    bad row in an exchange file reads exactly like a bad row in a CSV.
    """

    def __init__(self, conn: Connection, core: ProjectCore, records: RecordStore, summaries: SummaryStore) -> None:
        self.core = core
        self.records = records
        self.summaries = summaries
        self._uuids = Uuids(conn)

    def merge_codebook(self, conn: Connection, cb: Codebook, stats: Counter[str]) -> dict[str, dict[str, str]]:
        """Match by uuid, then by name; add what is missing at the end. Returns bundle → project maps."""
        maps: dict[str, dict[str, str]] = {k: {} for k in ("theme", "subtheme", "valence", "perspective", "uuid")}

        def lookup(table: Any) -> tuple[dict[str, Any], dict[str, Any]]:
            rows = conn.execute(select(table)).all()
            return {r.uuid: r for r in rows}, {r.name: r for r in rows}

        def merge(table: Any, kind: str, name: str, uuid: str, **values: Any) -> int:
            by_uuid, by_name = lookups[kind]
            row = by_uuid.get(uuid) if uuid else None
            row = row or by_name.get(name)
            if row is not None:
                maps[kind][name] = row.name
                maps["uuid"][uuid or row.uuid] = row.uuid
                stats[f"{kind}s already present"] += 1
                return row.id
            new = self._uuids.free(table, uuid or stable_uuid(kind, name), kind + "-import", name)
            rid = insert_id(conn, insert(table).values(uuid=new, name=name, position=_next_position(conn, table),
                                                    **values))
            row = conn.execute(select(table).where(table.c.id == rid)).one()
            by_uuid[new], by_name[name] = row, row
            maps[kind][name] = name
            if uuid:
                maps["uuid"][uuid] = new
            stats[f"{kind}s added"] += 1
            return rid

        lookups = {k: lookup(tbl) for k, tbl in (("theme", t.theme), ("subtheme", t.subtheme),
                                                 ("valence", t.valence), ("perspective", t.perspective))}

        def sub_values(s: Subtheme, theme_id: int | None) -> dict[str, Any]:
            return dict(theme_id=theme_id, definition=s.definition, include=s.include, exclude=s.exclude,
                        example=s.example, origin=s.origin)

        for th in cb.themes:
            theme_id = merge(t.theme, "theme", th.name, th.uuid)
            for s in th.subthemes:
                merge(t.subtheme, "subtheme", s.name, s.uuid, **sub_values(s, theme_id))
        for s in cb.ungrouped:
            merge(t.subtheme, "subtheme", s.name, s.uuid, **sub_values(s, None))
        for v in cb.valences:
            merge(t.valence, "valence", v, cb.valence_uuids.get(v, ""))
        for p in cb.perspectives:
            merge(t.perspective, "perspective", p.name, p.uuid, mixed=p.mixed,
                  synonyms=json.dumps(list(p.synonyms), ensure_ascii=False))
        return maps

    def merge_sources(self, conn: Connection, b: ProjectBundle, stats: Counter[str],
                       maps: dict[str, dict[str, str]]) -> dict[str, str]:
        rows = conn.execute(select(t.source)).all()
        by_uuid = {r.uuid: r for r in rows}
        by_ref = {r.ref: r for r in rows}
        citation = conn.execute(select(t.setting.c.value).where(t.setting.c.key == "citation")).scalar()
        numeric = (citation or "numeric") == "numeric" and all(r.ref.isdigit() for r in rows)
        next_number = max((int(r.ref) for r in rows if r.ref.isdigit()), default=0) + 1
        refs: dict[str, str] = {}
        values = []
        position = _next_position(conn, t.source)
        for s in b.sources:
            original = s.ref
            row = by_uuid.get(s.uuid) or by_ref.get(s.ref)
            if row is not None:
                refs[original] = row.ref
                maps["uuid"][s.uuid] = row.uuid
                stats["sources already present"] += 1
                continue
            if not b.native and numeric and not s.ref.isdigit():
                # Another tool's document names become the citation; the label continues the numbering.
                s = replace(s, ref=str(next_number), citation=s.citation or s.ref)
                next_number += 1
            uuid = self._uuids.free(t.source, s.uuid or stable_uuid("source", s.ref), "source-import", s.ref)
            values.append(dict(uuid=uuid, ref=s.ref, citation=s.citation, year=s.year, design=s.design,
                               quality=s.quality, groups=s.groups, doi=s.doi, position=position))
            position += 1
            refs[original] = s.ref
            maps["uuid"][s.uuid or uuid] = uuid
        if values:
            conn.execute(insert(t.source), values)
        stats["sources added"] += len(values)
        return refs

    def merge_documents(self, conn: Connection, b: ProjectBundle, refs: dict[str, str],
                         stats: Counter[str]) -> dict[str, int]:
        known = {u: i for u, i in conn.execute(select(t.document.c.uuid, t.document.c.id))}
        sources = {r: i for r, i in conn.execute(select(t.source.c.ref, t.source.c.id))}
        out: dict[str, int] = {}
        for d in b.documents:
            if d.uuid in known:
                out[d.uuid] = known[d.uuid]
                stats["documents already present"] += 1
                continue
            out[d.uuid] = insert_id(conn, insert(t.document).values(
                uuid=d.uuid or new_uuid(), source_id=sources[refs.get(d.source, d.source)], name=d.name,
                text=d.text, time=d.time or now()))
            stats["documents added"] += 1
        return out

    def merge_excerpts(self, conn: Connection, b: ProjectBundle, refs: dict[str, str], docs: dict[str, int],
                        stats: Counter[str], maps: dict[str, dict[str, str]]) -> dict[str, str]:
        rows = conn.execute(select(t.excerpt.c.uuid, t.excerpt.c.key, t.excerpt.c.source_id, t.excerpt.c.text)).all()
        by_uuid = {r.uuid: r for r in rows}
        by_key = {r.key: r for r in rows}
        taken = set(by_key)  # keys in the project and those this import adds
        sources = {r: i for r, i in conn.execute(select(t.source.c.ref, t.source.c.id))}
        perspectives = {n for (n,) in conn.execute(select(t.perspective.c.name))}
        keys: dict[str, str] = {}
        values = []
        position = _next_position(conn, t.excerpt)
        for e in b.excerpts:
            source_id = sources[refs.get(e.source, e.source)]
            row = by_uuid.get(e.uuid)
            same = by_key.get(e.key)
            if row is None and same is not None and same.source_id == source_id and same.text == e.text:
                row = same
            if row is not None:
                keys[e.key] = row.key
                maps["uuid"][e.uuid] = row.uuid
                stats["excerpts already present"] += 1
                continue
            key, n = e.key, 1
            while key in taken:
                n += 1
                key = f"{e.key}-{n}"
            perspective = maps["perspective"].get(e.perspective, e.perspective)
            uuid = self._uuids.free(t.excerpt, e.uuid or stable_uuid("excerpt", key), "excerpt-import", key)
            values.append(dict(uuid=uuid, key=key, source_id=source_id, text=e.text,
                               perspective=perspective if perspective in perspectives else "",
                               location=e.location, document_id=docs.get(b.excerpt_documents.get(e.uuid, "")),
                               start=e.start, end=e.end, position=position))
            taken.add(key)
            position += 1
            keys[e.key] = key
            maps["uuid"][e.uuid or uuid] = uuid
        if values:
            conn.execute(insert(t.excerpt), values)
        stats["excerpts added"] += len(values)
        return keys

    def merge_codings(self, conn: Connection, b: ProjectBundle, keys: dict[str, str],
                       maps: dict[str, dict[str, str]], stats: Counter[str], file: str) -> None:
        rows = [(n, replace(c, excerpt=keys.get(c.excerpt, c.excerpt),
                            subtheme=maps["subtheme"].get(c.subtheme, c.subtheme),
                            valence=maps["valence"].get(c.valence, c.valence) if c.valence else None,
                            perspective=maps["perspective"].get(c.perspective, c.perspective)
                            if c.perspective else None))
                for n, c in enumerate(b.codings, start=1)]
        values = self.records.resolve_codings(conn, rows, file or "import")
        stmt = on_conflict_ignore(conn, t.coding)
        count = select(func.count()).select_from(t.coding)
        before = conn.execute(count).scalar_one()
        for i in range(0, len(values), 50_000):
            conn.execute(stmt, values[i:i + 50_000])
        # counted, not summed from rowcount: PostgreSQL's executemany reports -1 for ON CONFLICT inserts
        added = conn.execute(count).scalar_one() - before
        stats["codings added"] += added
        stats["codings already present"] += len(values) - added

    def merge_summaries(self, conn: Connection, b: ProjectBundle, maps: dict[str, dict[str, str]],
                         stats: Counter[str]) -> None:
        """New cells are added; a cell that differs takes the imported text only if it was written later."""
        if not b.summaries:
            return
        ids = {k: self.core.ids(conn, table) for k, table in
               (("subtheme", t.subtheme), ("valence", t.valence), ("perspective", t.perspective))}
        existing = {(r.subtheme_id, r.valence_id or 0, r.perspective_id): r for r in conn.execute(select(t.summary))}
        for n, s in enumerate(b.summaries, start=1):
            sub = maps["subtheme"].get(s.subtheme, s.subtheme)
            val = maps["valence"].get(s.valence, s.valence) if s.valence else None
            per = maps["perspective"].get(s.perspective, s.perspective)
            if sub not in ids["subtheme"] or per not in ids["perspective"] or (val and val not in ids["valence"]):
                self.summaries.cell_ids(conn, sub, val, per, "summaries", n)  # raises, naming it
            cell = (ids["subtheme"][sub], ids["valence"][val] if val else None, ids["perspective"][per])
            old = existing.get((cell[0], cell[1] or 0, cell[2]))
            if old is None:
                conn.execute(insert(t.summary).values(
                    uuid=self._uuids.free(t.summary, s.uuid or stable_uuid("summary", sub, val or "", per)),
                    subtheme_id=cell[0], valence_id=cell[1], perspective_id=cell[2], text=s.text,
                    author=s.author, time=s.time or now(), version=s.version, references=s.references))
                stats["summaries added"] += 1
            elif old.text == s.text or (s.time or "") <= old.time:
                stats["summaries already present"] += 1
            else:
                conn.execute(update(t.summary).where(t.summary.c.id == old.id).values(
                    text=s.text, author=s.author, time=s.time, version=old.version + 1,
                    references=s.references or old.references))
                stats["summaries updated"] += 1

    def merge_memos(self, conn: Connection, b: ProjectBundle, maps: dict[str, dict[str, str]],
                     stats: Counter[str]) -> None:
        known = {u for (u,) in conn.execute(select(t.memo.c.uuid))}
        for m in b.memos:
            if m.uuid and m.uuid in known:
                stats["memos already present"] += 1
                continue
            conn.execute(insert(t.memo).values(
                uuid=m.uuid or new_uuid(), target_kind=m.target_kind,
                target_uuid=maps["uuid"].get(m.target_uuid, m.target_uuid), author=m.author, text=m.text,
                time=m.time or now()))
            stats["memos added"] += 1
