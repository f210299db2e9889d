"""Store operations for the evidence profile: the primary studies behind each review, and the team's
GRADE-CERQual judgements per finding (subtheme × valence).

Both are user actions like any other: one transaction each, checked before the first write, and
written to the audit log, so a judgement that changed between two meetings can be traced.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from workbench.core.cerqual import COMPONENTS, Judgement, component_key, normalise_judgement
from workbench.core.errors import UserError
from workbench.core.ids import now, stable_uuid
from workbench.store import schema as t
from workbench.store.core import ProjectCore
from workbench.store.records import ImportResult


def clean_study(text: str) -> str:
    """Whitespace folded, so 'Smith  2010 ' and 'Smith 2010' are one study in the overlap count."""
    return " ".join(str(text).split())


class EvidenceStore:
    """`project.evidence`: included studies and CERQual judgements (issue 4)."""

    def __init__(self, core: ProjectCore) -> None:
        self.core = core

    # ----- included studies ----------------------------------------------------------------
    def included_studies(self, conn: Connection | None = None) -> dict[str, list[str]]:
        """ref → the primary studies that review included, in the order they were imported."""
        if conn is None:
            with self.core.read() as c:
                return self.included_studies(c)
        q = (select(t.source.c.ref, t.included_study.c.study)
             .join(t.source, t.source.c.id == t.included_study.c.source_id)
             .order_by(t.source.c.position, t.included_study.c.id))
        out: dict[str, list[str]] = {}
        for ref, study in conn.execute(q):
            out.setdefault(ref, []).append(study)
        return out

    def add_included_studies(self, rows: Sequence[tuple[int, str, str]], actor: str = "", file: str = "",
                             replace: bool = False) -> ImportResult:
        """Import (row, source ref, study) triples; with `replace`, the named sources' lists are
        replaced rather than added to, so a corrected spreadsheet can be imported again."""
        with self.core.write() as conn:
            sources = self.core.ids(conn, t.source, "ref")
            wanted: list[tuple[int, str]] = []
            for line, ref, study in rows:
                ref = ref.strip()
                if not ref:
                    raise UserError("empty source", file or None, line, "row")
                if ref not in sources:
                    raise UserError(f"unknown source '{ref}'", file or None, line, "row")
                if not clean_study(study):
                    raise UserError("empty study", file or None, line, "row")
                wanted.append((sources[ref], clean_study(study)))
            if replace:
                named = sorted({sid for sid, _ in wanted})
                conn.execute(delete(t.included_study).where(t.included_study.c.source_id.in_(named)))
            have = {(r.source_id, r.study) for r in conn.execute(select(t.included_study))}
            values = []
            for sid, study in wanted:
                if (sid, study) in have:
                    continue
                have.add((sid, study))
                values.append({"source_id": sid, "study": study})
            if values:
                conn.execute(insert(t.included_study), values)
            self.core.log(conn, actor, "import included studies", "source", "", added=len(values),
                     file=file, replace=replace)
            return ImportResult(len(values), len(rows) - len(values))

    def excerpt_index(self, conn: Connection | None = None) -> dict[str, tuple[str, str, str, str]]:
        """key → (source ref, text, perspective hint, location): what a reference expands to in the
        report, as plain tuples (four times faster than `excerpts()` on 50,000 excerpts)."""
        if conn is None:
            with self.core.read() as c:
                return self.excerpt_index(c)
        q = (select(t.excerpt.c.key, t.source.c.ref, t.excerpt.c.text, t.excerpt.c.perspective,
                    t.excerpt.c.location).join(t.source, t.source.c.id == t.excerpt.c.source_id))
        return {key: (ref, text, perspective, location) for key, ref, text, perspective, location in conn.execute(q)}

    # ----- CERQual judgements --------------------------------------------------------------
    def judgements(self, conn: Connection | None = None) -> list[Judgement]:
        if conn is None:
            with self.core.read() as c:
                return self.judgements(c)
        q = (select(t.judgement, t.subtheme.c.name.label("subtheme"), t.valence.c.name.label("valence"))
             .join(t.subtheme, t.subtheme.c.id == t.judgement.c.subtheme_id)
             .outerjoin(t.valence, t.valence.c.id == t.judgement.c.valence_id)
             .order_by(t.subtheme.c.position, t.subtheme.c.id, t.valence.c.position, t.judgement.c.id))
        order = {k: i for i, k in enumerate(COMPONENTS)}
        rows = list(conn.execute(q).all())
        finding = {(r.subtheme, r.valence): i for i, r in reversed(list(enumerate(rows)))}
        rows.sort(key=lambda r: (finding[(r.subtheme, r.valence)], order.get(r.component, len(order))))
        return [Judgement(r.subtheme, r.valence, r.component, r.judgement, r.explanation, r.author, r.time,
                          r.uuid) for r in rows]

    def _finding_ids(self, conn: Connection, subtheme: str, valence: str | None) -> tuple[int, int | None]:
        s = conn.execute(select(t.subtheme.c.id).where(t.subtheme.c.name == subtheme)).scalar()
        if s is None:
            raise UserError(f"unknown subtheme '{subtheme}'")
        v = None
        if valence:
            v = conn.execute(select(t.valence.c.id).where(t.valence.c.name == valence)).scalar()
            if v is None:
                names = [n for (n,) in conn.execute(select(t.valence.c.name).order_by(t.valence.c.position))]
                raise UserError(f"unknown valence '{valence}' (valences: {', '.join(names) or 'none'})")
        return s, v

    def _judgement_row(self, conn: Connection, ids: tuple[int, int | None], component: str) -> Any:
        return conn.execute(select(t.judgement).where(and_(
            t.judgement.c.subtheme_id == ids[0], func.coalesce(t.judgement.c.valence_id, 0) == (ids[1] or 0),
            t.judgement.c.component == component))).first()

    def set_judgement(self, subtheme: str, valence: str | None, component: str, judgement: str,
                      explanation: str, author: str) -> Judgement:
        """Record (or change) one CERQual judgement on a finding; the old one goes to the audit log."""
        key = component_key(component)
        full = normalise_judgement(key, judgement)
        explanation = explanation.strip()
        with self.core.write() as conn:
            ids = self._finding_ids(conn, subtheme, valence)
            old = self._judgement_row(conn, ids, key)
            stamp = now()
            if old is None:
                uuid = stable_uuid("judgement", subtheme, valence or "", key)
                conn.execute(insert(t.judgement).values(
                    uuid=uuid, subtheme_id=ids[0], valence_id=ids[1], component=key, judgement=full,
                    explanation=explanation, author=author, time=stamp))
            else:
                uuid = old.uuid
                conn.execute(update(t.judgement).where(t.judgement.c.id == old.id).values(
                    judgement=full, explanation=explanation, author=author, time=stamp))
            self.core.log(conn, author, "cerqual judgement", "judgement", uuid, subtheme=subtheme,
                     valence=valence, component=key, old=None if old is None else
                     {"judgement": old.judgement, "explanation": old.explanation}, new={
                         "judgement": full, "explanation": explanation})
        return Judgement(subtheme, valence or None, key, full, explanation, author, stamp, uuid)

    def clear_judgement(self, subtheme: str, valence: str | None, component: str, author: str) -> bool:
        """Remove one judgement (kept in the audit log); False when there was none."""
        key = component_key(component)
        with self.core.write() as conn:
            ids = self._finding_ids(conn, subtheme, valence)
            old = self._judgement_row(conn, ids, key)
            if old is None:
                return False
            conn.execute(delete(t.judgement).where(t.judgement.c.id == old.id))
            self.core.log(conn, author, "cerqual judgement removed", "judgement", old.uuid,
                     subtheme=subtheme, valence=valence, component=key,
                     old={"judgement": old.judgement, "explanation": old.explanation})
        return True
