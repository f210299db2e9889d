"""What the interactive app needs from the store beyond the shared API.

A compact excerpt index (one query, no per-row objects, so 50,000 excerpts load fast), the codings
and memos of one excerpt, coding notes, per-subtheme counts for the grouping step, and the inverse
operations that make every edit undoable: un-marking "nothing applies", and restoring a subtheme
or a theme from a snapshot taken before a merge or a delete. Each write is one transaction and
lands in the audit log, like every other verb of the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update

from workbench.core.errors import UserError
from workbench.core.interchange import Memo
from workbench.core.model import Coding
from workbench.store import schema as t
from workbench.store.batch import fetch_together
from workbench.store.codebook_ops import CodebookStore
from workbench.store.core import ProjectCore, insert_id
from workbench.store.interchange import memo_from_row, memo_target_names


@dataclass(frozen=True)
class ExcerptRows:
    """Parallel lists in excerpt order: cheap to build and to filter for 50,000 rows."""

    keys: list[str]
    refs: list[str]
    perspectives: list[str]
    texts: list[str]


@dataclass
class ExcerptFacts:
    """One excerpt as the app's Code screen shows it (`WorkspaceStore.excerpt_detail`)."""

    codings: list[Coding]
    uuid: str
    location: str
    memos: list[Memo]
    nothing_applies: bool


@dataclass
class SubthemeSnapshot:
    """Everything a merge or a delete takes away from one subtheme, so it can be put back."""

    row: dict[str, Any]
    theme_uuid: str | None
    codings: list[dict[str, Any]] = field(default_factory=list)
    summaries: list[dict[str, Any]] = field(default_factory=list)
    # The target's summaries as they were, for cells a merge joined text into.
    other_summaries: list[dict[str, Any]] = field(default_factory=list)
    judgements: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)


@dataclass
class ThemeSnapshot:
    row: dict[str, Any]
    subthemes: list[str]


def _coding_query() -> Any:
    return (select(t.coding, t.excerpt.c.key, t.subtheme.c.name.label("subtheme"),
                   t.coder.c.name.label("coder"), t.valence.c.name.label("valence"),
                   t.perspective.c.name.label("perspective"))
            .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
            .join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
            .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
            .outerjoin(t.valence, t.valence.c.id == t.coding.c.valence_id)
            .outerjoin(t.perspective, t.perspective.c.id == t.coding.c.perspective_id))


def _as_coding(r: Any) -> Coding:
    return Coding(r.key, r.subtheme, r.coder, r.valence, r.perspective, r.start, r.end, r.note,
                  r.uuid, r.time, r.origin)


class WorkspaceStore:
    """`project.workspace`: the terminal app's reads, and the inverse writes and snapshots that make
    its edits undoable (a delete goes through `codebook`, which owns the verb)."""

    def __init__(self, core: ProjectCore, codebook: CodebookStore) -> None:
        self.core = core
        self.codebook = codebook

    # ----- reading -------------------------------------------------------------------------
    def excerpt_rows(self, limit: int | None = None) -> ExcerptRows:
        """Every excerpt's key, source ref, perspective hint and text, in project order (the first
        `limit` only, if given: the first page, painted while the rest loads).

        Only what the list shows and searches: each extra column costs ~15 ms at 50,000 rows on the
        way to the first screen; the rest of an excerpt comes with `excerpt_meta` when it is shown.
        """
        with self.core.read() as conn:
            refs = dict(conn.execute(select(t.source.c.id, t.source.c.ref)).all())
            query = (select(t.excerpt.c.key, t.excerpt.c.source_id, t.excerpt.c.perspective, t.excerpt.c.text)
                     .order_by(t.excerpt.c.position, t.excerpt.c.id))
            if limit is not None:
                query = query.limit(limit)
            # Plain DB-API tuples: SQLAlchemy's Row objects cost ~50 ms more for 50,000 rows.
            cursor = conn.connection.cursor()
            try:
                cursor.execute(str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})))
                rows = cursor.fetchall()
            finally:
                cursor.close()
        if not rows:
            return ExcerptRows([], [], [], [])
        keys, sources, persp, texts = (list(col) for col in zip(*rows, strict=True))
        return ExcerptRows(keys, [refs[i] for i in sources], persp, texts)

    def excerpt_meta(self, key: str) -> tuple[str, str]:
        """(uuid, location) of one excerpt."""
        with self.core.read() as conn:
            row = conn.execute(select(t.excerpt.c.uuid, t.excerpt.c.location).where(t.excerpt.c.key == key)).first()
        if row is None:
            raise UserError(f"unknown excerpt '{key}'")
        return row[0], row[1]

    def excerpt_detail(self, key: str, coders: Sequence[str] | None, me: str) -> ExcerptFacts:
        """What the app shows of one excerpt: its codings (these coders'), uuid and location, memos,
        and whether `me` marked it "nothing applies" — one round trip on a server (the app reads it
        on every move and after every save), the usual statements one by one on SQLite."""
        if self.core.is_sqlite:
            uuid, location = self.excerpt_meta(key)
            with self.core.read() as conn:
                memos = [memo_from_row(r) for r in conn.execute(
                    select(t.memo).where(t.memo.c.target_uuid == uuid).order_by(t.memo.c.id))]
            return ExcerptFacts(self.excerpt_codings(key, coders), uuid, location, memos,
                                self.has_nothing_applies(key, me))
        e = t.excerpt
        eid: Any = select(e.c.id).where(e.c.key == key).scalar_subquery()
        na = t.nothing_applies
        with self.core.read() as conn:
            meta, rows, memo_rows, nothing = fetch_together(conn, [
                select(e.c.uuid, e.c.location).where(e.c.key == key),
                self._excerpt_codings(eid, coders),
                select(t.memo).where(t.memo.c.target_uuid == select(e.c.uuid).where(e.c.key == key)
                                     .scalar_subquery()).order_by(t.memo.c.id),
                select(na.c.id).join(t.coder, t.coder.c.id == na.c.coder_id)
                .where(na.c.excerpt_id == eid, t.coder.c.name == me).limit(1)])
        if not meta:
            raise UserError(f"unknown excerpt '{key}'")
        uuid, location = meta[0].uuid, meta[0].location
        return ExcerptFacts([_as_coding(r) for r in rows], uuid, location, [memo_from_row(r) for r in memo_rows],
                            bool(nothing))

    def coded_keys(self, coder: str) -> tuple[set[str], set[str]]:
        """Excerpts this coder has coded, and those they marked "nothing applies" (one round trip)."""
        cid: Any = select(t.coder.c.id).where(t.coder.c.name == coder).scalar_subquery()
        with self.core.read() as conn:
            if conn.dialect.name == "sqlite":  # a constant walks the index best there (3× faster)
                cid = conn.execute(select(t.coder.c.id).where(t.coder.c.name == coder)).scalar()
                if cid is None:
                    return set(), set()
            coded, nothing = fetch_together(conn, [
                select(t.excerpt.c.key).where(t.excerpt.c.id.in_(
                    select(t.coding.c.excerpt_id).where(t.coding.c.coder_id == cid))),
                select(t.excerpt.c.key).join(t.nothing_applies, t.nothing_applies.c.excerpt_id == t.excerpt.c.id)
                .where(t.nothing_applies.c.coder_id == cid)])
        return {r[0] for r in coded}, {r[0] for r in nothing}

    def excerpt_codings(self, key: str, coders: Sequence[str] | None = None) -> list[Coding]:
        """The codings of one excerpt (only these coders' when given), in the order they were made."""
        eid: Any = select(t.excerpt.c.id).where(t.excerpt.c.key == key)
        with self.core.read() as conn:
            if conn.dialect.name == "sqlite":  # the id first: SQLite plans the codings by a constant best
                found = conn.execute(eid).all()
                rows = conn.execute(self._excerpt_codings(found[0][0] if found else -1, coders)).all()
            else:  # one round trip on a server
                found, rows = fetch_together(conn, [eid, self._excerpt_codings(eid.scalar_subquery(), coders)])
        if not found:
            raise UserError(f"unknown excerpt '{key}'")
        return [_as_coding(r) for r in rows]

    @staticmethod
    def _excerpt_codings(eid: Any, coders: Sequence[str] | None) -> Any:
        q = _coding_query().where(t.coding.c.excerpt_id == eid).order_by(t.coding.c.id)
        return q if coders is None else q.where(t.coder.c.name.in_(list(coders)))

    def has_nothing_applies(self, key: str, coder: str) -> bool:
        with self.core.read() as conn:
            return conn.execute(
                select(t.nothing_applies.c.id)
                .join(t.excerpt, t.excerpt.c.id == t.nothing_applies.c.excerpt_id)
                .join(t.coder, t.coder.c.id == t.nothing_applies.c.coder_id)
                .where(t.excerpt.c.key == key, t.coder.c.name == coder)).first() is not None

    def keys_with_subtheme(self, subtheme: str, coders: Sequence[str] | None = None) -> set[str]:
        """Excerpts coded with a subtheme (by these coders when given): the list's subtheme filter."""
        with self.core.read() as conn:
            q = (select(t.excerpt.c.key).where(t.excerpt.c.id.in_(
                select(t.coding.c.excerpt_id).join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
                .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
                .where(t.subtheme.c.name == subtheme,
                       *([t.coder.c.name.in_(list(coders))] if coders is not None else [])))))
            return {r[0] for r in conn.execute(q)}

    def subtheme_counts(self, coders: Sequence[str] | None = None) -> dict[str, tuple[int, int, int]]:
        """subtheme → (excerpts, sources, coders) behind it: the counts the grouping step weighs."""
        with self.core.read() as conn:
            q = (select(t.subtheme.c.name, func.count(t.coding.c.excerpt_id.distinct()),
                        func.count(t.excerpt.c.source_id.distinct()), func.count(t.coding.c.coder_id.distinct()))
                 .join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
                 .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
                 .group_by(t.subtheme.c.name))
            if coders is not None:
                q = q.join(t.coder, t.coder.c.id == t.coding.c.coder_id).where(t.coder.c.name.in_(list(coders)))
            return {name: (e, s, c) for name, e, s, c in conn.execute(q)}

    def excerpt_texts(self, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
        """key → (source ref, text) for a handful of excerpts (the evidence beside a summary)."""
        out: dict[str, tuple[str, str]] = {}
        with self.core.read() as conn:
            for i in range(0, len(keys), 500):
                chunk = list(keys[i:i + 500])
                for k, ref, text in conn.execute(
                        select(t.excerpt.c.key, t.source.c.ref, t.excerpt.c.text)
                        .join(t.source, t.source.c.id == t.excerpt.c.source_id)
                        .where(t.excerpt.c.key.in_(chunk))):
                    out[k] = (ref, text)
        return out

    # ----- small writes with their inverses ------------------------------------------------
    def unmark_nothing_applies(self, key: str, coder: str) -> None:
        """The inverse of `mark_nothing_applies` (undo)."""
        with self.core.write() as conn:
            eid = conn.execute(select(t.excerpt.c.id).where(t.excerpt.c.key == key)).scalar()
            cid = conn.execute(select(t.coder.c.id).where(t.coder.c.name == coder)).scalar()
            if eid is None or cid is None:
                return
            gone = conn.execute(delete(t.nothing_applies).where(and_(
                t.nothing_applies.c.excerpt_id == eid, t.nothing_applies.c.coder_id == cid))).rowcount
            if gone:
                self.core.log(conn, coder, "nothing applies withdrawn", "excerpt", "", excerpt=key)

    def set_coding_note(self, uuid: str, note: str, actor: str) -> str:
        """Change a coding's note; returns the old note so the change can be undone. Setting the note
        it already has changes and logs nothing, so a resend is harmless."""
        with self.core.write() as conn:
            row = conn.execute(select(t.coding.c.note, t.excerpt.c.key, t.subtheme.c.name)
                               .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
                               .join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
                               .where(t.coding.c.uuid == uuid)).first()
            if row is None:
                raise UserError("that coding no longer exists")
            old = row.note
            if old == note:  # nothing to change, nothing to log (a resent note lands here)
                return old
            conn.execute(update(t.coding).where(t.coding.c.uuid == uuid).values(note=note))
            # the excerpt and subtheme are named, so the log reads without looking the uuid up
            self.core.log(conn, actor, "note", "coding", uuid, excerpt=row.key, subtheme=row.name,
                          old=old, new=note)
            return old

    def delete_memo(self, uuid: str, actor: str) -> None:
        """The inverse of `add_memo` (undo); memos are otherwise kept for good."""
        with self.core.write() as conn:
            row = conn.execute(select(t.memo).where(t.memo.c.uuid == uuid)).first()
            if row is None:
                return
            conn.execute(delete(t.memo).where(t.memo.c.uuid == uuid))
            where = memo_target_names(conn, row.target_kind, row.target_uuid)
            self.core.log(conn, actor, "delete memo", row.target_kind, row.target_uuid, memo=uuid,
                          text=row.text, **where)

    # ----- snapshots that make merges and deletes undoable ---------------------------------
    def subtheme_snapshot(self, name: str, into: str | None = None) -> SubthemeSnapshot:
        """What merging `name` (into `into`) or deleting it would take away."""
        with self.core.read() as conn:
            row = conn.execute(select(t.subtheme).where(t.subtheme.c.name == name)).first()
            if row is None:
                raise UserError(f"unknown subtheme '{name}'")
            theme_uuid = conn.execute(select(t.theme.c.uuid).where(t.theme.c.id == row.theme_id)).scalar()
            snap = SubthemeSnapshot(dict(row._mapping), theme_uuid)
            snap.codings = [dict(r._mapping) for r in conn.execute(
                select(t.coding).where(t.coding.c.subtheme_id == row.id))]
            snap.summaries = [dict(r._mapping) for r in conn.execute(
                select(t.summary).where(t.summary.c.subtheme_id == row.id))]
            if into is not None:
                other = conn.execute(select(t.subtheme.c.id).where(t.subtheme.c.name == into)).scalar()
                snap.other_summaries = [dict(r._mapping) for r in conn.execute(
                    select(t.summary).where(t.summary.c.subtheme_id == other))]
            snap.judgements = [dict(r._mapping) for r in conn.execute(
                select(t.judgement).where(t.judgement.c.subtheme_id == row.id))]
            snap.decisions = [r[0] for r in conn.execute(
                select(t.decision.c.uuid).where(t.decision.c.subtheme_id == row.id))]
        return snap

    def restore_subtheme(self, snap: SubthemeSnapshot, actor: str) -> None:
        """Undo a merge or a delete: the subtheme comes back with its uuid, codings and summaries."""
        with self.core.write() as conn:
            row = dict(snap.row)
            if conn.execute(select(t.subtheme.c.id).where(t.subtheme.c.name == row["name"])).first():
                raise UserError(f"'{row['name']}' exists again; cannot restore it")
            theme_id = None
            if snap.theme_uuid:
                theme_id = conn.execute(select(t.theme.c.id).where(t.theme.c.uuid == snap.theme_uuid)).scalar()
            row.pop("id")
            row["theme_id"] = theme_id
            sid = insert_id(conn, insert(t.subtheme).values(**row))
            for c in snap.codings:
                if conn.execute(select(t.coding.c.id).where(t.coding.c.uuid == c["uuid"])).first():
                    conn.execute(update(t.coding).where(t.coding.c.uuid == c["uuid"]).values(subtheme_id=sid))
                else:
                    values = {k: v for k, v in c.items() if k != "id"}
                    conn.execute(insert(t.coding).values(**{**values, "subtheme_id": sid}))
            for s in snap.summaries:
                if conn.execute(select(t.summary.c.id).where(t.summary.c.uuid == s["uuid"])).first():
                    conn.execute(update(t.summary).where(t.summary.c.uuid == s["uuid"]).values(subtheme_id=sid))
                else:
                    values = {k: v for k, v in s.items() if k != "id"}
                    conn.execute(insert(t.summary).values(**{**values, "subtheme_id": sid}))
            for o in snap.other_summaries:
                now_row = conn.execute(select(t.summary).where(t.summary.c.uuid == o["uuid"])).first()
                if now_row is not None and now_row.text != o["text"]:
                    conn.execute(update(t.summary).where(t.summary.c.uuid == o["uuid"]).values(
                        text=o["text"], version=now_row.version + 1))
            for j in snap.judgements:
                if not conn.execute(select(t.judgement.c.id).where(t.judgement.c.uuid == j["uuid"])).first():
                    values = {k: v for k, v in j.items() if k != "id"}
                    conn.execute(insert(t.judgement).values(**{**values, "subtheme_id": sid}))
            if snap.decisions:
                conn.execute(update(t.decision).where(t.decision.c.uuid.in_(snap.decisions)).values(subtheme_id=sid))
            self.core.log(conn, actor, "restore subtheme", "subtheme", row["uuid"], name=row["name"],
                     codings=len(snap.codings))

    def theme_snapshot(self, name: str) -> ThemeSnapshot:
        with self.core.read() as conn:
            row = conn.execute(select(t.theme).where(t.theme.c.name == name)).first()
            if row is None:
                raise UserError(f"unknown theme '{name}'")
            subs = [r[0] for r in conn.execute(select(t.subtheme.c.name).where(t.subtheme.c.theme_id == row.id)
                                               .order_by(t.subtheme.c.position, t.subtheme.c.id))]
        return ThemeSnapshot(dict(row._mapping), subs)

    def restore_theme(self, snap: ThemeSnapshot, actor: str) -> None:
        """Undo deleting a theme: it comes back in its place with the subthemes it held."""
        with self.core.write() as conn:
            row = dict(snap.row)
            if conn.execute(select(t.theme.c.id).where(t.theme.c.name == row["name"])).first():
                raise UserError(f"'{row['name']}' exists again; cannot restore it")
            row.pop("id")
            tid = insert_id(conn, insert(t.theme).values(**row))
            if snap.subthemes:
                conn.execute(update(t.subtheme).where(and_(t.subtheme.c.name.in_(snap.subthemes),
                                                           t.subtheme.c.theme_id.is_(None))).values(theme_id=tid))
            self.core.log(conn, actor, "restore theme", "theme", row["uuid"], name=row["name"],
                     subthemes=snap.subthemes)

    def delete_empty_subtheme(self, name: str, actor: str) -> SubthemeSnapshot:
        """Delete an unused subtheme and return what undo needs to bring it back."""
        snap = self.subtheme_snapshot(name)
        self.codebook.delete_subtheme(name, actor)
        return snap

