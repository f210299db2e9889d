"""The grouping step's verbs: load a codebook, add, rename, merge, move, reorder, delete.

Each verb is one transaction that also carries the codings and summaries it touches (DESIGN.md:
"change together or not at all") and writes one audit entry.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from workbench.core.errors import UserError
from workbench.core.ids import stable_uuid
from workbench.core.model import Codebook, Perspective, Subtheme, Theme
from workbench.store import schema as t
from workbench.store.batch import fetch_together
from workbench.store.core import ProjectCore, insert_id


def _fields(row: Any) -> dict[str, str]:
    """A subtheme's own texts, kept in the audit log when it disappears (merge, delete)."""
    return {k: getattr(row, k) for k in ("definition", "include", "exclude", "example", "origin")}


def _sub_values(s: Subtheme) -> dict[str, Any]:
    return dict(definition=s.definition, include=s.include, exclude=s.exclude, example=s.example, origin=s.origin)


class CodebookStore:
    """`project.codebook`: the codebook as one value (`get()`) and the verbs that change it."""

    def __init__(self, core: ProjectCore) -> None:
        self.core = core

    def get(self, conn: Connection | None = None) -> Codebook:
        """The whole codebook as the core's value: themes, subthemes, valences, perspectives, settings."""
        if conn is None:
            with self.core.read() as c:
                return self.get(c)
        setting_rows, subs, theme_rows, valences, perspective_rows = fetch_together(conn, [
            select(t.setting.c.key, t.setting.c.value),
            select(t.subtheme).order_by(t.subtheme.c.position, t.subtheme.c.id),
            select(t.theme).order_by(t.theme.c.position, t.theme.c.id),
            select(t.valence).order_by(t.valence.c.position, t.valence.c.id),
            select(t.perspective).order_by(t.perspective.c.position, t.perspective.c.id)])  # one round trip
        settings = {r.key: r.value for r in setting_rows}

        def _sub(r: Any) -> Subtheme:
            return Subtheme(r.name, r.definition, r.include, r.exclude, r.example, r.origin, r.uuid)

        themes = []
        for th in theme_rows:
            themes.append(Theme(th.name, tuple(_sub(s) for s in subs if s.theme_id == th.id), th.uuid))
        perspectives = tuple(
            Perspective(p.name, bool(p.mixed), tuple(json.loads(p.synonyms or "[]")), p.uuid)
            for p in perspective_rows)
        return Codebook(
            name=settings.get("name", ""),
            themes=tuple(themes),
            ungrouped=tuple(_sub(s) for s in subs if s.theme_id is None),
            valences=tuple(v.name for v in valences),
            perspectives=perspectives,
            citation=settings.get("citation", "numeric"),
            consensus_coder=settings.get("consensus_coder", "consensus"),
            labels=json.loads(settings.get("labels", "{}")),
            valence_uuids={v.name: v.uuid for v in valences},
        )

    def load(self, cb: Codebook, actor: str = "", conn: Connection | None = None) -> None:
        """Put a whole codebook into a new project (settings, themes, subthemes, valences, perspectives)."""
        if conn is None:
            with self.core.write() as c:
                return self.load(cb, actor, c)
        for key, value in (("name", cb.name), ("citation", cb.citation), ("consensus_coder", cb.consensus_coder),
                           ("labels", json.dumps(cb.labels, ensure_ascii=False))):
            self.core.set_setting(key, value, actor, conn)
        position = 0
        for i, th in enumerate(cb.themes, start=1):
            theme_id = insert_id(conn, insert(t.theme).values(
                uuid=th.uuid or stable_uuid("theme", th.name), name=th.name, position=i))
            for s in th.subthemes:
                position += 1
                conn.execute(insert(t.subtheme).values(uuid=s.uuid or stable_uuid("subtheme", s.name), name=s.name,
                                                       theme_id=theme_id, position=position, **_sub_values(s)))
        for s in cb.ungrouped:
            position += 1
            conn.execute(insert(t.subtheme).values(uuid=s.uuid or stable_uuid("subtheme", s.name), name=s.name,
                                                   theme_id=None, position=position, **_sub_values(s)))
        for i, v in enumerate(cb.valences, start=1):
            conn.execute(insert(t.valence).values(uuid=cb.valence_uuids.get(v) or stable_uuid("valence", v),
                                                  name=v, position=i))
        for i, p in enumerate(cb.perspectives, start=1):
            conn.execute(insert(t.perspective).values(
                uuid=p.uuid or stable_uuid("perspective", p.name), name=p.name, position=i, mixed=p.mixed,
                synonyms=json.dumps(list(p.synonyms), ensure_ascii=False)))
        self.core.log(conn, actor, "load codebook", "codebook", "", themes=len(cb.themes))

    # ----- helpers -------------------------------------------------------------------------
    def _subtheme_row(self, conn: Connection, name: str) -> Any:
        row = conn.execute(select(t.subtheme).where(t.subtheme.c.name == name)).first()
        if row is None:
            raise UserError(f"unknown subtheme '{name}'")
        return row

    def _theme_row(self, conn: Connection, name: str) -> Any:
        row = conn.execute(select(t.theme).where(t.theme.c.name == name)).first()
        if row is None:
            raise UserError(f"unknown theme '{name}'")
        return row

    def _name_free(self, conn: Connection, table: Any, name: str) -> None:
        if not name.strip():
            raise UserError("a name cannot be empty")
        if conn.execute(select(table.c.id).where(table.c.name == name)).first() is not None:
            raise UserError(f"'{name}' already exists")

    # ----- subthemes -----------------------------------------------------------------------
    def add_subtheme(self, name: str, theme: str | None, actor: str, definition: str = "",
                     origin: str = "new", **more: str) -> str:
        with self.core.write() as conn:
            self._name_free(conn, t.subtheme, name)
            theme_id = self._theme_row(conn, theme).id if theme else None
            position = conn.execute(select(func.coalesce(func.max(t.subtheme.c.position), 0))).scalar_one() + 1
            uuid = stable_uuid("subtheme", name)
            if conn.execute(select(t.subtheme.c.id).where(t.subtheme.c.uuid == uuid)).first():
                from workbench.core.ids import new_uuid

                uuid = new_uuid()
            conn.execute(insert(t.subtheme).values(
                uuid=uuid, name=name, theme_id=theme_id, position=position,
                **_sub_values(Subtheme(name, definition, more.get("include", ""), more.get("exclude", ""),
                                       more.get("example", ""), origin))))
            self.core.log(conn, actor, "add subtheme", "subtheme", uuid, name=name, theme=theme)
            return uuid

    def rename_subtheme(self, old: str, new: str, actor: str) -> None:
        with self.core.write() as conn:
            row = self._subtheme_row(conn, old)
            self._name_free(conn, t.subtheme, new)
            conn.execute(update(t.subtheme).where(t.subtheme.c.id == row.id).values(name=new))
            self.core.log(conn, actor, "rename subtheme", "subtheme", row.uuid, old=old, new=new)

    def edit_subtheme(self, name: str, actor: str, **fields: str) -> None:
        allowed = {"definition", "include", "exclude", "example", "origin"}
        with self.core.write() as conn:
            row = self._subtheme_row(conn, name)
            values = {k: v for k, v in fields.items() if k in allowed and v is not None}
            if values:
                conn.execute(update(t.subtheme).where(t.subtheme.c.id == row.id).values(**values))
                self.core.log(conn, actor, "edit subtheme", "subtheme", row.uuid, name=name,
                         old={k: getattr(row, k) for k in values}, new=values)

    def move_subtheme(self, name: str, theme: str | None, actor: str) -> None:
        """Put a subtheme under another overarching theme, or back among the ungrouped (theme=None)."""
        with self.core.write() as conn:
            row = self._subtheme_row(conn, name)
            theme_id = self._theme_row(conn, theme).id if theme else None
            old = conn.execute(select(t.theme.c.name).where(t.theme.c.id == row.theme_id)).scalar()
            conn.execute(update(t.subtheme).where(t.subtheme.c.id == row.id).values(theme_id=theme_id))
            self.core.log(conn, actor, "move subtheme", "subtheme", row.uuid, name=name, old=old, new=theme)

    def reorder(self, kind: str, name: str, position: int, actor: str) -> None:
        """Move a theme or subtheme to a 1-based position among its siblings."""
        with self.core.write() as conn:
            if kind == "theme":
                row = self._theme_row(conn, name)
                table, siblings_q = t.theme, select(t.theme.c.id).order_by(t.theme.c.position, t.theme.c.id)
            else:
                row = self._subtheme_row(conn, name)
                table = t.subtheme
                siblings_q = select(t.subtheme.c.id).order_by(t.subtheme.c.position, t.subtheme.c.id)
                siblings_q = siblings_q.where(t.subtheme.c.theme_id == row.theme_id if row.theme_id is not None
                                              else t.subtheme.c.theme_id.is_(None))
            siblings = [r[0] for r in conn.execute(siblings_q)]
            if not 1 <= position <= len(siblings):
                raise UserError(f"position must be between 1 and {len(siblings)}")
            base = conn.execute(select(func.min(table.c.position)).where(table.c.id.in_(siblings))).scalar_one()
            siblings.remove(row.id)
            siblings.insert(position - 1, row.id)
            for i, sid in enumerate(siblings):
                conn.execute(update(table).where(table.c.id == sid).values(position=base + i))
            self.core.log(conn, actor, f"reorder {kind}", kind, row.uuid, name=name, position=position)

    def merge_subthemes(self, source: str, into: str, actor: str) -> dict[str, int]:
        """Fold `source` into `into`: codings move (duplicates collapse), summaries join cell by cell."""
        with self.core.write() as conn:
            src = self._subtheme_row(conn, source)
            dst = self._subtheme_row(conn, into)
            counts = self._fold(conn, src, dst)
            self.core.log(conn, actor, "merge subthemes", "subtheme", dst.uuid, source=source, into=into,
                     source_uuid=src.uuid, **counts, source_fields=_fields(src))
            return counts

    def _fold(self, conn: Connection, src: Any, dst: Any) -> dict[str, int]:
        """Move everything of subtheme `src` onto `dst` and remove `src`, inside the caller's transaction.

        Set-based: a coding that `dst` already has (same natural key) is dropped, the rest move in one
        UPDATE — a subtheme with 10,000 codings merges in one statement each, not 20,000.
        """
        if src.id == dst.id:
            raise UserError("cannot merge a subtheme into itself")
        c, d = t.coding, t.coding.alias("already")
        same = select(d.c.id).where(
            d.c.subtheme_id == dst.id, d.c.excerpt_id == c.c.excerpt_id, d.c.coder_id == c.c.coder_id,
            func.coalesce(d.c.valence_id, 0) == func.coalesce(c.c.valence_id, 0),
            func.coalesce(d.c.perspective_id, 0) == func.coalesce(c.c.perspective_id, 0),
            func.coalesce(d.c.start, -1) == func.coalesce(c.c.start, -1),
            func.coalesce(d.c.end, -1) == func.coalesce(c.c.end, -1)).exists()
        dropped = conn.execute(delete(c).where(c.c.subtheme_id == src.id, same)).rowcount
        moved = conn.execute(update(c).where(c.c.subtheme_id == src.id).values(subtheme_id=dst.id)).rowcount
        joined = 0
        for s in conn.execute(select(t.summary).where(t.summary.c.subtheme_id == src.id)).all():
            other = conn.execute(select(t.summary).where(and_(
                t.summary.c.subtheme_id == dst.id,
                func.coalesce(t.summary.c.valence_id, 0) == (s.valence_id or 0),
                t.summary.c.perspective_id == s.perspective_id))).first()
            if other is None:
                conn.execute(update(t.summary).where(t.summary.c.id == s.id).values(subtheme_id=dst.id))
            else:
                text = other.text if s.text.strip() in other.text else f"{other.text.rstrip()} {s.text.strip()}"
                conn.execute(update(t.summary).where(t.summary.c.id == other.id).values(
                    text=text, version=other.version + 1))
                conn.execute(delete(t.summary).where(t.summary.c.id == s.id))
                joined += 1
        # CERQual judgements were made about the old finding; they do not carry over to the merged one.
        conn.execute(delete(t.judgement).where(t.judgement.c.subtheme_id == src.id))
        conn.execute(update(t.decision).where(t.decision.c.subtheme_id == src.id).values(subtheme_id=dst.id))
        conn.execute(delete(t.subtheme).where(t.subtheme.c.id == src.id))
        return {"moved": max(moved, 0), "duplicates": max(dropped, 0), "summaries_joined": joined}

    def delete_subtheme(self, name: str, actor: str, move_to: str | None = None) -> None:
        """Delete a subtheme; refused while codings use it, unless they are moved to another (one
        transaction either way, logged as a delete that says where the codings went)."""
        with self.core.write() as conn:
            row = self._subtheme_row(conn, name)
            if move_to:
                counts = self._fold(conn, row, self._subtheme_row(conn, move_to))
                self.core.log(conn, actor, "delete subtheme", "subtheme", row.uuid, name=name,
                         moved_to=move_to, **counts, fields=_fields(row))
                return
            used = conn.execute(select(func.count()).select_from(t.coding)
                                .where(t.coding.c.subtheme_id == row.id)).scalar_one()
            if used:
                raise UserError(f"'{name}' is used by {used} codings; move them first (--move-to SUBTHEME)")
            for table in (t.summary, t.judgement, t.decision):
                conn.execute(delete(table).where(table.c.subtheme_id == row.id))
            conn.execute(delete(t.subtheme).where(t.subtheme.c.id == row.id))
            self.core.log(conn, actor, "delete subtheme", "subtheme", row.uuid, name=name, fields=_fields(row))

    # ----- themes --------------------------------------------------------------------------
    def add_theme(self, name: str, actor: str) -> str:
        with self.core.write() as conn:
            self._name_free(conn, t.theme, name)
            position = conn.execute(select(func.coalesce(func.max(t.theme.c.position), 0))).scalar_one() + 1
            uuid = stable_uuid("theme", name)
            if conn.execute(select(t.theme.c.id).where(t.theme.c.uuid == uuid)).first():
                from workbench.core.ids import new_uuid

                uuid = new_uuid()
            conn.execute(insert(t.theme).values(uuid=uuid, name=name, position=position))
            self.core.log(conn, actor, "add theme", "theme", uuid, name=name)
            return uuid

    def rename_theme(self, old: str, new: str, actor: str) -> None:
        with self.core.write() as conn:
            row = self._theme_row(conn, old)
            self._name_free(conn, t.theme, new)
            conn.execute(update(t.theme).where(t.theme.c.id == row.id).values(name=new))
            self.core.log(conn, actor, "rename theme", "theme", row.uuid, old=old, new=new)

    def delete_theme(self, name: str, actor: str) -> int:
        """Delete an overarching theme; its subthemes become ungrouped (nothing coded is lost)."""
        with self.core.write() as conn:
            row = self._theme_row(conn, name)
            subs = [r[0] for r in conn.execute(select(t.subtheme.c.name).where(t.subtheme.c.theme_id == row.id))]
            conn.execute(update(t.subtheme).where(t.subtheme.c.theme_id == row.id).values(theme_id=None))
            conn.execute(delete(t.theme).where(t.theme.c.id == row.id))
            self.core.log(conn, actor, "delete theme", "theme", row.uuid, name=name, subthemes=subs)
            return len(subs)
