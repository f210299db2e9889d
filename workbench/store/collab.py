"""Store operations for coding together: blind coding, the agreed set, decisions, change counter.

The meeting's verbs (accept a coder's coding into the agreed set, write a new one, reject, leave
open with a note) are each one transaction that writes the consensus coder's codings, a `decision`
row and an audit entry together, so the agreed set and its history never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, delete, func, insert, select

from workbench.core.errors import UserError
from workbench.core.ids import new_uuid, now
from workbench.core.model import Coding
from workbench.store import schema as t
from workbench.store.collab_sheet import CodingSheet, SheetResult, apply_coding_sheet
from workbench.store.core import ProjectCore
from workbench.store.records import RecordStore
from workbench.store.retry import retry_locked

if TYPE_CHECKING:
    from workbench.store.merge_store import MergeReport

DECISION_STATUSES = ("accepted", "written", "rejected", "open")
SETTLED = ("accepted", "written", "rejected")


@dataclass(frozen=True)
class Decision:
    """What the meeting settled for one excerpt × subtheme (subtheme None: the excerpt as a whole)."""

    excerpt: str
    subtheme: str | None
    status: str
    note: str
    actor: str
    time: str
    uuid: str


@dataclass
class AgreementRows:
    """The raw material of an agreement computation, as plain id tuples (analysis/ gives meaning)."""

    coders: list[str]
    codings: Any  # integer array (n × 5): excerpt, subtheme, coder, valence or 0, perspective or 0
    nothing_applies: list[tuple[int, int]]
    coder_ids: dict[str, int]
    subthemes: list[tuple[int, str, str | None]]  # id, name, theme (codebook order)
    themes: list[str]
    valences: dict[int, str]
    perspectives: dict[int, str]
    excerpt_lengths: dict[int, int]  # only for excerpts with span codings
    spans: list[tuple[int, int, int, int, int]] = field(default_factory=list)  # excerpt, subtheme, coder, start, end


class CollabStore:
    """`project.collab`: blind coding, the agreed set and its decisions, coding sheets, merging
    another copy, and a cheap change counter. It writes codings through `records` (the checks of
    a coding live there)."""

    def __init__(self, core: ProjectCore, records: RecordStore) -> None:
        self.core = core
        self.records = records

    # ----- blind coding --------------------------------------------------------------------
    def reconciling_started(self, conn: Connection | None = None) -> bool:
        """The team has begun settling disagreements: a decision exists or the agreed set has codings."""
        if conn is None:
            with self.core.read() as c:
                return self.reconciling_started(c)
        if conn.execute(select(t.decision.c.id).limit(1)).first() is not None:
            return True
        consensus = self._consensus(conn)
        q = (select(t.coding.c.id).join(t.coder, t.coder.c.id == t.coding.c.coder_id)
             .where(t.coder.c.name == consensus).limit(1))
        return conn.execute(q).first() is not None

    def is_blind(self) -> bool:
        """Blind coding: the `blind` setting when set, else on until reconciling starts."""
        from workbench.store.queries import view_facts

        with self.core.read() as conn:
            return view_facts(conn).blind

    def data_version(self, others_than: str | None = None) -> int:
        """A number that grows with every change anyone commits (the newest audit entry); with
        `others_than`, every change by someone else (the app's own saves then leave it alone, so
        a colleague's change made in the same moment is never taken for one of ours).

        A screen polls this (one indexed lookup, walking back from the newest entry) to notice
        other coders' work without re-reading the project.
        """
        q = select(t.audit.c.id).order_by(t.audit.c.id.desc()).limit(1)  # (max() with a WHERE scans all)
        if others_than is not None:
            q = q.where(t.audit.c.actor != others_than)
        with self.core.read() as conn:
            return conn.execute(q).scalar() or 0

    def integrity_check(self) -> str:
        """SQLite's own check of the database file ('ok' when sound); servers check themselves."""
        if not self.core.is_sqlite:
            return "ok"
        with self.core.read() as conn:
            return "; ".join(r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check"))

    def _consensus(self, conn: Connection) -> str:
        value = conn.execute(select(t.setting.c.value).where(t.setting.c.key == "consensus_coder")).scalar()
        return value or "consensus"

    # ----- agreement input -----------------------------------------------------------------
    def agreement_rows(self, coders: Sequence[str]) -> AgreementRows:
        """Every coding and 'nothing applies' mark of `coders`, as ids, in one read transaction.

        The codings come straight from the driver's cursor as an integer array: over the covering
        index ix_coding_cell that is a second for 500,000 codings, where building SQLAlchemy rows
        would take several.
        """
        import numpy as np

        with self.core.read() as conn:
            ids = {n: i for n, i in conn.execute(select(t.coder.c.name, t.coder.c.id)
                                                 .where(t.coder.c.name.in_(list(coders))))}
            chosen = list(ids.values()) or [-1]
            c = t.coding.c
            q = (select(c.excerpt_id, c.subtheme_id, c.coder_id, func.coalesce(c.valence_id, 0),
                        func.coalesce(c.perspective_id, 0)).where(c.coder_id.in_(chosen)))
            raw = conn.execute(q).cursor.fetchall()  # plain tuples, no Row objects
            codings = np.array(raw, dtype=np.int64).reshape(-1, 5)
            spans = [tuple(r) for r in conn.execute(
                select(c.excerpt_id, c.subtheme_id, c.coder_id, c.start, c.end)
                .where(c.coder_id.in_(chosen), c.start.is_not(None)))]
            marks = [tuple(r) for r in conn.execute(
                select(t.nothing_applies.c.excerpt_id, t.nothing_applies.c.coder_id)
                .where(t.nothing_applies.c.coder_id.in_(chosen)))]
            themes = conn.execute(select(t.theme.c.id, t.theme.c.name).order_by(t.theme.c.position, t.theme.c.id)).all()
            theme_name = dict(themes)
            theme_rank = {tid: i for i, (tid, _) in enumerate(themes)}
            subs = list(conn.execute(select(t.subtheme.c.id, t.subtheme.c.name, t.subtheme.c.theme_id,
                                            t.subtheme.c.position)).all())
            subs.sort(key=lambda s: (theme_rank.get(s.theme_id, len(themes)), s.position, s.id))
            lengths: dict[int, int] = {}
            if spans:
                lengths = dict(conn.execute(select(t.excerpt.c.id, func.length(t.excerpt.c.text))
                                            .where(t.excerpt.c.id.in_({s[0] for s in spans}))).all())
            return AgreementRows(
                coders=list(coders), codings=codings, nothing_applies=marks, coder_ids=ids,
                subthemes=[(s.id, s.name, theme_name.get(s.theme_id)) for s in subs],
                themes=[n for _, n in themes],
                valences=dict(conn.execute(select(t.valence.c.id, t.valence.c.name)).all()),
                perspectives=dict(conn.execute(select(t.perspective.c.id, t.perspective.c.name)).all()),
                excerpt_lengths=lengths, spans=spans)

    def coded_excerpts(self, coders: Iterable[str]) -> dict[str, set[str]]:
        """excerpt key → the coders among `coders` who coded it or marked it 'nothing applies'."""
        names = list(coders)
        out: dict[str, set[str]] = {}
        with self.core.read() as conn:
            for table in (t.coding, t.nothing_applies):
                q = (select(t.excerpt.c.key, t.coder.c.name).distinct().select_from(table)
                     .join(t.excerpt, t.excerpt.c.id == table.c.excerpt_id)
                     .join(t.coder, t.coder.c.id == table.c.coder_id)
                     .where(t.coder.c.name.in_(names)))
                for key, name in conn.execute(q):
                    out.setdefault(key, set()).add(name)
        return out

    def marks(self, coders: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """(excerpt key, coder) for every 'nothing applies' mark, optionally of some coders only."""
        with self.core.read() as conn:
            q = (select(t.excerpt.c.key, t.coder.c.name).select_from(t.nothing_applies)
                 .join(t.excerpt, t.excerpt.c.id == t.nothing_applies.c.excerpt_id)
                 .join(t.coder, t.coder.c.id == t.nothing_applies.c.coder_id)
                 .order_by(t.nothing_applies.c.id))
            if coders is not None:
                q = q.where(t.coder.c.name.in_(list(coders)))
            return [(a, b) for a, b in conn.execute(q)]

    # ----- decisions and the agreed set ----------------------------------------------------
    def decisions(self, conn: Connection | None = None) -> list[Decision]:
        """Every decision, oldest first (the newest for an item is the one that counts)."""
        if conn is None:
            with self.core.read() as c:
                return self.decisions(c)
        q = (select(t.decision, t.excerpt.c.key, t.subtheme.c.name.label("subtheme"))
             .join(t.excerpt, t.excerpt.c.id == t.decision.c.excerpt_id)
             .outerjoin(t.subtheme, t.subtheme.c.id == t.decision.c.subtheme_id)
             .order_by(t.decision.c.id))
        return [Decision(r.key, r.subtheme, r.status, r.note, r.actor, r.time, r.uuid) for r in conn.execute(q)]

    def _item_ids(self, conn: Connection, excerpt: str, subtheme: str | None) -> tuple[int, int | None]:
        e = conn.execute(select(t.excerpt.c.id).where(t.excerpt.c.key == excerpt)).scalar()
        if e is None:
            raise UserError(f"unknown excerpt '{excerpt}'")
        s = None
        if subtheme is not None:
            s = conn.execute(select(t.subtheme.c.id).where(t.subtheme.c.name == subtheme)).scalar()
            if s is None:
                raise UserError(f"unknown subtheme '{subtheme}'")
        return e, s

    def _cell_item(self, conn: Connection, excerpt: str, subtheme: str) -> tuple[int, int]:
        """The ids of one excerpt × subtheme item (both must exist)."""
        e, s = self._item_ids(conn, excerpt, subtheme)
        assert s is not None  # a subtheme was named, so _item_ids found it or raised
        return e, s

    def _decide(self, conn: Connection, excerpt: str, subtheme: str | None, status: str, note: str,
                actor: str, **detail: Any) -> str:
        e, s = self._item_ids(conn, excerpt, subtheme)
        uuid = new_uuid()
        conn.execute(insert(t.decision).values(uuid=uuid, excerpt_id=e, subtheme_id=s, status=status, note=note,
                                               actor=actor, time=now()))
        self.core.log(conn, actor, f"decision {status}", "decision", uuid, excerpt=excerpt,
                 subtheme=subtheme, note=note, **detail)
        return uuid

    def _clear_agreed(self, conn: Connection, excerpt_id: int, subtheme_id: int, consensus_id: int,
                      actor: str) -> int:
        """Remove the agreed set's codings of one item (logged field by field), before replacing them."""
        rows = conn.execute(select(t.coding.c.id, t.coding.c.uuid).where(and_(
            t.coding.c.excerpt_id == excerpt_id, t.coding.c.subtheme_id == subtheme_id,
            t.coding.c.coder_id == consensus_id))).all()
        for row_id, uuid in rows:
            old = self.records.coding_by_id(conn, row_id)
            conn.execute(delete(t.coding).where(t.coding.c.id == row_id))
            self.core.log(conn, actor, "uncode", "coding", uuid, excerpt=old.excerpt, subtheme=old.subtheme,
                     coder=old.coder, valence=old.valence, perspective=old.perspective, start=old.start,
                     end=old.end, note=old.note, time=old.time)
        return len(rows)

    def _item_codings(self, conn: Connection, excerpt_id: int, subtheme_id: int, coder: str) -> list[Coding]:
        ids = conn.execute(select(t.coding.c.id).join(t.coder, t.coder.c.id == t.coding.c.coder_id).where(and_(
            t.coding.c.excerpt_id == excerpt_id, t.coding.c.subtheme_id == subtheme_id,
            t.coder.c.name == coder)).order_by(t.coding.c.id)).scalars().all()
        return [self.records.coding_by_id(conn, i) for i in ids]

    def _insert_agreed(self, conn: Connection, c: Coding, actor: str) -> str:
        value = self.records.resolve_codings(conn, [(0, c)], "coding")[0]
        conn.execute(insert(t.coding).values(**value))
        conn.execute(delete(t.nothing_applies).where(and_(
            t.nothing_applies.c.excerpt_id == value["excerpt_id"],
            t.nothing_applies.c.coder_id == value["coder_id"])))
        self.core.log(conn, actor, "code", "coding", value["uuid"], excerpt=c.excerpt, subtheme=c.subtheme,
                 coder=c.coder, valence=c.valence, perspective=c.perspective, start=c.start, end=c.end,
                 note=c.note)
        return value["uuid"]

    def accept_coding(self, excerpt: str, subtheme: str, from_coder: str, actor: str, note: str = "") -> list[str]:
        """Copy `from_coder`'s codings of this item into the agreed set, replacing what it held."""
        def _do() -> list[str]:
            with self.core.write() as conn:
                consensus = self._consensus(conn)
                if from_coder == consensus:
                    raise UserError(f"'{from_coder}' is the agreed set itself; accept another coder's coding")
                e, s = self._cell_item(conn, excerpt, subtheme)
                mine = self._item_codings(conn, e, s, from_coder)
                if not mine:
                    raise UserError(f"{from_coder} did not code {excerpt} with '{subtheme}'")
                cid = self.records.coder_id(conn, consensus)
                self._clear_agreed(conn, e, s, cid, actor)
                uuids = [self._insert_agreed(conn, Coding(c.excerpt, c.subtheme, consensus, c.valence, c.perspective,
                                                          c.start, c.end, c.note, new_uuid(), now(),
                                                          f"accepted from {from_coder}"), actor)
                         for c in mine]
                self._decide(conn, excerpt, subtheme, "accepted", note, actor, source_coder=from_coder,
                             codings=uuids)
                return uuids

        return retry_locked(_do)

    def write_agreed(self, excerpt: str, subtheme: str, valences: Sequence[str | None],
                     perspective: str | None, actor: str, note: str = "") -> list[str]:
        """The meeting writes its own coding(s) of this item (one per valence) into the agreed set."""
        def _do() -> list[str]:
            with self.core.write() as conn:
                consensus = self._consensus(conn)
                e, s = self._cell_item(conn, excerpt, subtheme)
                cid = self.records.coder_id(conn, consensus)
                self._clear_agreed(conn, e, s, cid, actor)
                uuids = [self._insert_agreed(conn, Coding(excerpt, subtheme, consensus, v, perspective, note=note,
                                                          uuid=new_uuid(), time=now(), origin="written in meeting"),
                                             actor) for v in (valences or [None])]
                self._decide(conn, excerpt, subtheme, "written", note, actor, codings=uuids)
                return uuids

        return retry_locked(_do)

    def reject_item(self, excerpt: str, subtheme: str, actor: str, note: str = "") -> int:
        """The meeting agrees the subtheme does not apply: the agreed set holds no coding of it."""
        def _do() -> int:
            with self.core.write() as conn:
                e, s = self._cell_item(conn, excerpt, subtheme)
                cid = self.records.coder_id(conn, self._consensus(conn))
                removed = self._clear_agreed(conn, e, s, cid, actor)
                self._decide(conn, excerpt, subtheme, "rejected", note, actor, removed=removed)
                return removed

        return retry_locked(_do)

    def leave_open(self, excerpt: str, subtheme: str | None, note: str, actor: str) -> str:
        """Park an item for a later meeting, with a note saying what is unresolved."""
        def _do() -> str:
            with self.core.write() as conn:
                return self._decide(conn, excerpt, subtheme, "open", note, actor)

        return retry_locked(_do)

    def accept_agreements(self, items: Sequence[tuple[str, str, str]], actor: str) -> int:
        """Copy items all coders agreed on (excerpt, subtheme, a coder) into the agreed set at once."""
        def _do() -> int:
            with self.core.write() as conn:
                consensus = self._consensus(conn)
                wanted = {(e, s): c for e, s, c in items}
                sources = [c for c in self.records.codings(sorted({c for *_, c in items}), conn)
                           if wanted.get((c.excerpt, c.subtheme)) == c.coder]
                have = {(c.excerpt, c.subtheme) for c in self.records.codings([consensus], conn)}
                added = 0
                for c in sources:
                    if (c.excerpt, c.subtheme) in have:
                        continue
                    self._insert_agreed(conn, Coding(c.excerpt, c.subtheme, consensus, c.valence, c.perspective,
                                                     c.start, c.end, c.note, new_uuid(), now(),
                                                     "agreed by all coders"), actor)
                    added += 1
                self.core.log(conn, actor, "accept agreements", "coding", "", items=len(items), added=added)
                return added

        return retry_locked(_do)

    # ----- coding sheets -------------------------------------------------------------------
    def apply_coding_sheet(self, sheet: CodingSheet, actor: str = "") -> SheetResult:
        """Bring one coder's filled-in coding sheet into the project, in one transaction
        (`store/collab_sheet.py` says what a sheet's rows do)."""
        return apply_coding_sheet(self.core, self.records, sheet, actor)

    # ----- merging another copy ------------------------------------------------------------
    def merge_from(self, other: ProjectCore, actor: str = "") -> MergeReport:
        """Bring another copy of this project in (matched by UUID), as one transaction here."""
        from workbench.store.merge_store import merge_connections

        def _do() -> MergeReport:
            with self.core.write() as conn, other.read() as theirs:
                report = merge_connections(conn, theirs, actor, self.core.log)
                if report.changed:
                    self.core.log(conn, actor, "merge", "project", "",
                                  added={k: n for k, n in report.added.items() if n},
                                  removed={k: n for k, n in report.removed.items() if n},
                                  updated=len(report.updated), conflicts=len(report.conflicts))
                return report

        return retry_locked(_do)


__all__ = ["AgreementRows", "CollabStore", "Decision", "SheetResult", "retry_locked"]
