"""Merging another copy of a project into this one, matched by UUID (the SQL side of `workbench merge`).

Rows the other copy has and this one lacks come in, their foreign keys translated through the
UUIDs of what they point at. Where both copies hold the same entity with different values, the
audit logs decide: a value that one side's history shows it moved away from is the older one, so
the other side's newer value wins; when neither history explains the difference (both sides
changed it), the entity is left as it is here and reported as a conflict — never settled silently.
Codings the other copy removed (its audit log says 'uncode') are removed here too. The other
copy's audit entries come along, so who did what and when survives the merge. Merging the same
copy again finds nothing new and writes nothing.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Table, and_, delete, func, insert, select, update

from workbench.store import schema as t
from workbench.store.core import insert_id


class AuditLog(Protocol):
    """`ProjectCore.log`: an audit entry inside the caller's transaction."""

    def __call__(self, conn: Connection, actor: str, action: str, entity: str = "", entity_uuid: str = "",
                 **detail: Any) -> None: ...


History = dict[tuple[str, str], set[str]]


@dataclass
class MergeReport:
    added: Counter[str] = field(default_factory=Counter)
    updated: list[str] = field(default_factory=list)
    removed: Counter[str] = field(default_factory=Counter)
    already: Counter[str] = field(default_factory=Counter)
    conflicts: list[str] = field(default_factory=list)
    waiting: Counter[str] = field(default_factory=Counter)  # rows held back by a conflict

    @property
    def changed(self) -> bool:
        return bool(sum(self.added.values()) or self.updated or sum(self.removed.values()))


def _history(conn: Connection) -> tuple[History, set[str], set[str]]:
    """(uuid, field) → values the entity held before; removed coding uuids; deleted subtheme uuids."""
    hist: History = defaultdict(set)
    uncoded: set[str] = set()
    deleted: set[str] = set()
    actions = ("rename subtheme", "rename theme", "move subtheme", "edit subtheme", "summary",
               "edit coding note", "uncode", "delete subtheme")
    q = select(t.audit.c.action, t.audit.c.entity_uuid, t.audit.c.detail).where(t.audit.c.action.in_(actions))
    for action, uuid, detail in conn.execute(q):
        if action == "uncode":
            uncoded.add(uuid)
            continue
        if action == "delete subtheme":
            deleted.add(uuid)
            continue
        try:
            d = json.loads(detail or "{}")
        except ValueError:
            continue
        old = d.get("old")
        if action in ("rename subtheme", "rename theme"):
            hist[(uuid, "name")].add(str(old))
        elif action == "move subtheme":
            hist[(uuid, "theme")].add(old or "")
        elif action == "edit subtheme" and isinstance(old, dict):
            for k, v in old.items():
                hist[(uuid, k)].add(v or "")
        elif action == "summary" and old is not None:
            hist[(uuid, "text")].add(old)
        elif action == "edit coding note":
            hist[(uuid, "note")].add(old or "")
    return hist, uncoded, deleted


class _Merge:
    def __init__(self, ours: Connection, theirs: Connection, actor: str, log: AuditLog) -> None:
        self.ours, self.theirs, self.actor, self.log = ours, theirs, actor, log
        self.report = MergeReport()
        self.hist_ours, _, _ = _history(ours)
        self.hist_theirs, self.uncoded_theirs, self.deleted_theirs = _history(theirs)
        self.idmap: dict[str, dict[int, int]] = defaultdict(dict)  # table → their id → our id

    # ----- deciding a differing value ------------------------------------------------------
    def settle(self, uuid: str, name: str, what: str, ours: Any, theirs: Any) -> bool:
        """True when their value should replace ours; reports a conflict when nobody can tell."""
        a, b = "" if ours is None else str(ours), "" if theirs is None else str(theirs)
        if a == b:
            return False
        if b in self.hist_ours.get((uuid, name), ()):
            return False  # we moved on from their value
        if a in self.hist_theirs.get((uuid, name), ()) or (a == "" and name != "text"):
            return True  # they moved on from ours (or filled in what we left empty)
        self.report.conflicts.append(f"{what}: {name} differs — here {_show(a)}, there {_show(b)}")
        return False

    # ----- copying rows --------------------------------------------------------------------
    def rows(self, table: Table) -> list[Any]:
        return list(self.theirs.execute(select(table).order_by(table.c.id)).all())

    def our_uuids(self, table: Table) -> dict[str, Any]:
        return {r.uuid: r for r in self.ours.execute(select(table))}

    def position(self, table: Table) -> int:
        return self.ours.execute(select(func.coalesce(func.max(table.c.position), 0))).scalar_one()

    def translate(self, row: Any, fks: dict[str, str]) -> dict[str, Any] | None:
        values = dict(row._mapping)
        values.pop("id")
        for column, target in fks.items():
            if values[column] is None:
                continue
            mapped = self.idmap[target].get(values[column])
            if mapped is None:
                return None
            values[column] = mapped
        return values

    def copy(self, table: Table, kind: str, fks: dict[str, str], unique: str | None = None,
             label: Any = None) -> dict[str, Any]:
        """Insert their rows whose uuid is new here; map ids both ways. Returns our rows by uuid."""
        ours = self.our_uuids(table)
        taken = {getattr(r, unique): r.uuid for r in ours.values()} if unique else {}
        has_position = "position" in table.c
        position = self.position(table) if has_position else 0
        for r in self.rows(table):
            if r.uuid in ours:
                self.idmap[table.name][r.id] = ours[r.uuid].id
                continue
            what = label(r) if label else f"{kind} {getattr(r, unique) if unique else r.uuid}"
            if unique and getattr(r, unique) in taken:
                self.report.conflicts.append(f"{what}: the name is used here by a different {kind}; "
                                             "rename one of them, then merge again")
                continue
            values = self.translate(r, fks)
            if values is None:
                self.report.waiting[kind] += 1
                continue
            if has_position:
                position += 1
                values["position"] = position
            new_id = insert_id(self.ours, insert(table).values(**values))
            self.idmap[table.name][r.id] = new_id
            if unique:
                taken[getattr(r, unique)] = r.uuid
            self.report.added[kind] += 1
        return self.our_uuids(table)

    def update(self, table: Table, our_row: Any, values: dict[str, Any], what: str) -> None:
        for col in ("name", "ref", "key"):
            if col in values and col in table.c and self.ours.execute(
                    select(table.c.id).where(table.c[col] == values[col], table.c.id != our_row.id)).first():
                self.report.conflicts.append(f"{what}: the other copy calls it {_show(str(values[col]))}, a "
                                             f"name another {table.name} has here")
                return
        self.ours.execute(update(table).where(table.c.id == our_row.id).values(**values))
        self.report.updated.append(f"{what}: {', '.join(f'{k} → {_show(str(v))}' for k, v in values.items())}")
        self.log(self.ours, self.actor, "merge update", table.name, our_row.uuid,
                 **{k: {"old": getattr(our_row, k), "new": v} for k, v in values.items()})


def _show(text: str, width: int = 60) -> str:
    text = text.replace("\n", " ")
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def merge_connections(ours: Connection, theirs: Connection, actor: str, log: AuditLog) -> MergeReport:
    """Bring `theirs` into `ours` (one transaction on ours, chosen by the caller)."""
    m = _Merge(ours, theirs, actor, log)
    _codebook(m)
    sources = m.copy(t.source, "source", {}, "ref")
    for r in m.rows(t.source):
        mine = sources.get(r.uuid)
        if mine is not None:
            for col in ("ref", "citation", "year", "design", "quality", "groups", "doi"):
                if m.settle(r.uuid, col, f"source {mine.ref}", getattr(mine, col), getattr(r, col)):
                    m.update(t.source, mine, {col: getattr(r, col)}, f"source {mine.ref}")
    m.copy(t.document, "document", {"source_id": "source"})
    excerpts = m.copy(t.excerpt, "excerpt", {"source_id": "source", "document_id": "document"}, "key")
    for r in m.rows(t.excerpt):
        mine = excerpts.get(r.uuid)
        if mine is not None:
            for col in ("text", "perspective", "location"):
                if m.settle(r.uuid, col, f"excerpt {mine.key}", getattr(mine, col), getattr(r, col)):
                    m.update(t.excerpt, mine, {col: getattr(r, col)}, f"excerpt {mine.key}")
    _coders(m)
    _codings(m)
    _small_tables(m)
    _audit(m)
    return m.report


def _codebook(m: _Merge) -> None:
    themes = m.copy(t.theme, "theme", {}, "name")
    theme_names_ours = {r.id: r.name for r in themes.values()}
    theme_names_theirs = {r.id: r.name for r in m.rows(t.theme)}
    for r in m.rows(t.theme):
        mine = themes.get(r.uuid)
        if mine is not None and m.settle(r.uuid, "name", f"theme {mine.name}", mine.name, r.name):
            m.update(t.theme, mine, {"name": r.name}, f"theme {mine.name}")
    for table, kind in ((t.valence, "valence"), (t.perspective, "perspective")):
        rows = m.copy(table, kind, {}, "name")
        for r in m.rows(table):
            mine = rows.get(r.uuid)
            if mine is not None and m.settle(r.uuid, "name", f"{kind} {mine.name}", mine.name, r.name):
                m.update(table, mine, {"name": r.name}, f"{kind} {mine.name}")
    subs = m.copy(t.subtheme, "subtheme", {"theme_id": "theme"}, "name")
    for r in m.rows(t.subtheme):
        mine = subs.get(r.uuid)
        if mine is None:
            continue
        what = f"subtheme {mine.name}"
        if m.settle(r.uuid, "name", what, mine.name, r.name):
            m.update(t.subtheme, mine, {"name": r.name}, what)
        ours_theme = theme_names_ours.get(mine.theme_id, "") if mine.theme_id else ""
        their_theme = theme_names_theirs.get(r.theme_id, "") if r.theme_id else ""
        if m.settle(r.uuid, "theme", what, ours_theme, their_theme):
            m.update(t.subtheme, mine, {"theme_id": m.idmap["theme"].get(r.theme_id) if r.theme_id else None}, what)
        for col in ("definition", "include", "exclude", "example", "origin"):
            if m.settle(r.uuid, col, what, getattr(mine, col), getattr(r, col)):
                m.update(t.subtheme, mine, {col: getattr(r, col)}, what)
    for uuid, mine in subs.items():
        if uuid in m.deleted_theirs:
            m.report.conflicts.append(f"subtheme {mine.name}: deleted in the other copy but kept here; "
                                      "delete or keep it yourself")


def _coders(m: _Merge) -> None:
    """Coders match by name (their uuid is a uuid5 of the name, so the two agree anyway)."""
    ours = {r.name: r for r in m.ours.execute(select(t.coder))}
    for r in m.rows(t.coder):
        if r.name in ours:
            m.idmap["coder"][r.id] = ours[r.name].id
            continue
        new_id = insert_id(m.ours, insert(t.coder).values(uuid=r.uuid, name=r.name))
        m.idmap["coder"][r.id] = new_id
        m.report.added["coder"] += 1


def _codings(m: _Merge) -> None:
    fks = {"excerpt_id": "excerpt", "subtheme_id": "subtheme", "coder_id": "coder", "valence_id": "valence",
           "perspective_id": "perspective"}
    ours = {r.uuid: r for r in m.ours.execute(select(t.coding.c.id, t.coding.c.uuid, t.coding.c.note))}
    natural = {(r.excerpt_id, r.subtheme_id, r.coder_id, r.valence_id or 0, r.perspective_id or 0,
                -1 if r.start is None else r.start, -1 if r.end is None else r.end)
               for r in m.ours.execute(select(t.coding))}
    new = []
    for r in m.rows(t.coding):
        if r.uuid in ours:
            mine = ours[r.uuid]
            if m.settle(r.uuid, "note", f"coding {r.uuid}", mine.note, r.note):
                m.update(t.coding, m.ours.execute(select(t.coding).where(t.coding.c.id == mine.id)).one(),
                         {"note": r.note}, f"coding {r.uuid}")
            continue
        values = m.translate(r, fks)
        if values is None:
            m.report.waiting["coding"] += 1
            continue
        key = (values["excerpt_id"], values["subtheme_id"], values["coder_id"], values["valence_id"] or 0,
               values["perspective_id"] or 0, -1 if values["start"] is None else values["start"],
               -1 if values["end"] is None else values["end"])
        if key in natural:
            m.report.already["coding"] += 1
            continue
        natural.add(key)
        new.append(values)
    for i in range(0, len(new), 10_000):
        m.ours.execute(insert(t.coding), new[i:i + 10_000])
    m.report.added["coding"] += len(new)
    gone = [u for u in m.uncoded_theirs if u in ours]
    for u in gone:
        m.ours.execute(delete(t.coding).where(t.coding.c.uuid == u))
    m.report.removed["coding"] += len(gone)
    # A coder who coded an excerpt no longer says 'nothing applies' to it (as add_coding does).
    coded = select(t.coding.c.excerpt_id, t.coding.c.coder_id).distinct().subquery()
    stale = m.ours.execute(select(t.nothing_applies.c.id).join(coded, and_(
        coded.c.excerpt_id == t.nothing_applies.c.excerpt_id,
        coded.c.coder_id == t.nothing_applies.c.coder_id))).scalars().all()
    ours_marks = m.our_uuids(t.nothing_applies)
    if stale:
        m.ours.execute(delete(t.nothing_applies).where(t.nothing_applies.c.id.in_(stale)))
    pairs = {(r.excerpt_id, r.coder_id) for r in m.ours.execute(select(t.nothing_applies))}
    has_coding = {tuple(r) for r in m.ours.execute(select(coded))}
    for r in m.rows(t.nothing_applies):
        if r.uuid in ours_marks:
            continue
        values = m.translate(r, {"excerpt_id": "excerpt", "coder_id": "coder"})
        if values is None:
            m.report.waiting["nothing applies"] += 1
            continue
        pair = (values["excerpt_id"], values["coder_id"])
        if pair in pairs or pair in has_coding:
            continue
        m.ours.execute(insert(t.nothing_applies).values(**values))
        pairs.add(pair)
        m.report.added["nothing applies"] += 1


def _small_tables(m: _Merge) -> None:
    summaries = m.our_uuids(t.summary)
    cells = {(r.subtheme_id, r.valence_id or 0, r.perspective_id) for r in summaries.values()}
    for r in m.rows(t.summary):
        mine = summaries.get(r.uuid)
        if mine is None:
            values = m.translate(r, {"subtheme_id": "subtheme", "valence_id": "valence",
                                     "perspective_id": "perspective"})
            if values is None:
                m.report.waiting["summary"] += 1
                continue
            cell = (values["subtheme_id"], values["valence_id"] or 0, values["perspective_id"])
            if cell in cells:
                m.report.conflicts.append(f"summary {r.uuid}: both copies wrote a summary for the same cell "
                                          "separately; compare them and keep one")
                continue
            m.ours.execute(insert(t.summary).values(**values))
            cells.add(cell)
            m.report.added["summary"] += 1
        elif m.settle(r.uuid, "text", f"summary {r.uuid}", mine.text, r.text):
            m.update(t.summary, mine, {"text": r.text, "author": r.author, "time": r.time,
                                       "references": r.references, "version": max(mine.version, r.version) + 1},
                     "summary")
    m.copy(t.decision, "decision", {"excerpt_id": "excerpt", "subtheme_id": "subtheme"})
    m.copy(t.memo, "memo", {})
    judgements = m.our_uuids(t.judgement)
    keys = {(r.subtheme_id, r.valence_id or 0, r.component) for r in judgements.values()}
    for r in m.rows(t.judgement):
        if r.uuid in judgements:
            continue
        values = m.translate(r, {"subtheme_id": "subtheme", "valence_id": "valence"})
        if values is None or (values["subtheme_id"], values["valence_id"] or 0, values["component"]) in keys:
            continue
        m.ours.execute(insert(t.judgement).values(**values))
        m.report.added["judgement"] += 1
    have = {tuple(r) for r in m.ours.execute(select(t.included_study.c.source_id, t.included_study.c.study))}
    for r in m.rows(t.included_study):
        source = m.idmap["source"].get(r.source_id)
        if source is not None and (source, r.study) not in have:
            m.ours.execute(insert(t.included_study).values(source_id=source, study=r.study))
            have.add((source, r.study))
            m.report.added["included study"] += 1


def _audit(m: _Merge) -> None:
    cols = (t.audit.c.time, t.audit.c.actor, t.audit.c.action, t.audit.c.entity, t.audit.c.entity_uuid,
            t.audit.c.detail)
    ours = {tuple(r) for r in m.ours.execute(select(*cols))}
    new = [dict(zip(("time", "actor", "action", "entity", "entity_uuid", "detail"), r, strict=True))
           for r in m.theirs.execute(select(*cols).order_by(t.audit.c.id)) if tuple(r) not in ours]
    if new:
        m.ours.execute(insert(t.audit), new)
    m.report.added["audit entry"] += len(new)


def snapshot_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (the backup API), even while others write to it."""
    import sqlite3

    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
