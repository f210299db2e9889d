"""Store operations for language help: stored detections, coding many hits at once, its undo.

Detection results live in `excerpt_nlp`, one row per excerpt, stamped with the pipeline version,
a fingerprint of the rules (perspective synonyms, sources) and of the excerpt's text, so
`workbench detect` redoes only what changed. Coding every hit of a search (or accepting a
suggestion) is one transaction with one audit entry that lists the new codings' uuids, which is
what makes the whole step undoable in one go. Files the language help keeps (the trained
classifier, the search index) go in the project folder, never anywhere shared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update

from workbench.core.errors import UserError
from workbench.core.ids import new_uuid, now
from workbench.store import schema as t
from workbench.store.core import ProjectCore
from workbench.store.records import RecordStore

BULK_CODE = "code hits"
BULK_UNDO = "undo code hits"


@dataclass(frozen=True)
class NlpInput:
    """An excerpt as detection sees it, with the stamp of its stored result ('' if none)."""

    id: int
    key: str
    text: str
    perspective: str
    stamp: str


@dataclass(frozen=True)
class NlpResult:
    """What detection found in one excerpt."""

    key: str
    groups: list[str]
    hint: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    stamp: str = ""


@dataclass(frozen=True)
class BulkCoding:
    """One 'code hits' step from the audit log: who, what, and the uuids it created."""

    audit_id: int
    time: str
    actor: str
    detail: dict[str, Any]

    @property
    def uuids(self) -> list[str]:
        return list(self.detail.get("uuids", []))


def _chunks(items: Sequence[Any], size: int = 900) -> Iterable[Sequence[Any]]:
    """SQLite allows a limited number of bound parameters per statement."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


class NlpStore:
    """`project.nlp`: stored language-help results, bulk coding and its undo, model files."""

    def __init__(self, core: ProjectCore, records: RecordStore) -> None:
        self.core = core
        self.records = records

    # ----- files ---------------------------------------------------------------------------
    def folder(self, name: str) -> Path:
        """<project>/<name>/ (models, cache); a per-server folder in the user cache for a database URL."""
        folder = self.core.folder
        if folder is not None and (folder / "workbench.db").exists():
            path = folder / name
        else:
            from platformdirs import user_cache_dir

            url = str(self.core.engine.url)
            digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]
            path = Path(user_cache_dir("workbench")) / f"server-{digest}" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    # ----- detection results ---------------------------------------------------------------
    def inputs(self) -> list[NlpInput]:
        with self.core.read() as conn:
            rows = conn.execute(
                select(t.excerpt.c.id, t.excerpt.c.key, t.excerpt.c.text, t.excerpt.c.perspective,
                       t.excerpt_nlp.c.pipeline)
                .outerjoin(t.excerpt_nlp, t.excerpt_nlp.c.excerpt_id == t.excerpt.c.id)
                .order_by(t.excerpt.c.position, t.excerpt.c.id)).all()
        return [NlpInput(r[0], r[1], r[2], r[3], r[4] or "") for r in rows]

    def save_results(self, rows: Sequence[tuple[int, list[str], str, list[dict[str, Any]], str]],
                         actor: str = "") -> None:
        """Replace the stored results of these excerpts: (excerpt id, groups, hint, citations, stamp)."""
        values = [dict(excerpt_id=i, perspectives=json.dumps({"groups": groups, "hint": hint}, ensure_ascii=False),
                       citations=json.dumps(cites, ensure_ascii=False), pipeline=stamp)
                  for i, groups, hint, cites, stamp in rows]
        with self.core.write() as conn:
            ids = [v["excerpt_id"] for v in values]
            for part in _chunks(ids):
                conn.execute(delete(t.excerpt_nlp).where(t.excerpt_nlp.c.excerpt_id.in_(part)))
            for i in range(0, len(values), 10_000):
                conn.execute(insert(t.excerpt_nlp), values[i:i + 10_000])
            self.core.log(conn, actor, "detect", "excerpt_nlp", "", excerpts=len(values))

    def results(self, keys: Sequence[str] | None = None) -> dict[str, NlpResult]:
        """Stored detections by excerpt key (all of them, or these excerpts')."""
        q = (select(t.excerpt.c.key, t.excerpt_nlp.c.perspectives, t.excerpt_nlp.c.citations,
                    t.excerpt_nlp.c.pipeline)
             .join(t.excerpt, t.excerpt.c.id == t.excerpt_nlp.c.excerpt_id)
             .order_by(t.excerpt.c.position, t.excerpt.c.id))
        out: dict[str, NlpResult] = {}
        with self.core.read() as conn:
            parts = [q] if keys is None else [q.where(t.excerpt.c.key.in_(list(p))) for p in _chunks(keys)]
            for part in parts:
                for key, persp, cites, stamp in conn.execute(part):
                    p = json.loads(persp or "{}")
                    out[key] = NlpResult(key, list(p.get("groups", [])), p.get("hint", ""),
                                         json.loads(cites or "[]"), stamp)
        return out

    def apply_perspective_hints(self, hints: Mapping[str, str], actor: str = "") -> int:
        """Fill the empty perspective hints of these excerpts; hints already given are left alone."""
        with self.core.write() as conn:
            known = set(self.core.ids(conn, t.perspective))
            filled = []
            empty = {k for k, p in conn.execute(select(t.excerpt.c.key, t.excerpt.c.perspective)) if not p}
            for key, hint in hints.items():
                if hint and hint in known and key in empty:
                    conn.execute(update(t.excerpt).where(t.excerpt.c.key == key).values(perspective=hint))
                    filled.append(key)
            if filled:
                self.core.log(conn, actor, "apply perspective hints", "excerpt", "",
                         excerpts=filled, hints={k: hints[k] for k in filled})
            return len(filled)

    def excerpt_fingerprint(self) -> str:
        """Changes whenever excerpts are added, removed or edited (the audit log records each edit):
        the search index is rebuilt when this differs from the one it was built for."""
        with self.core.read() as conn:
            n, top, length = conn.execute(select(func.count(), func.max(t.excerpt.c.id),
                                                 func.sum(func.length(t.excerpt.c.text)))).one()
            last = conn.execute(select(func.max(t.audit.c.id)).where(t.audit.c.entity == "excerpt")).scalar()
        return f"{n}:{top}:{length}:{last}"

    def search_corpus(self) -> tuple[list[str], list[str], list[str]]:
        """Keys, source refs and texts of every excerpt in project order (what the search index holds)."""
        with self.core.read() as conn:
            rows = conn.execute(select(t.excerpt.c.key, t.source.c.ref, t.excerpt.c.text)
                                .join(t.source, t.source.c.id == t.excerpt.c.source_id)
                                .order_by(t.excerpt.c.position, t.excerpt.c.id)).all()
        if not rows:
            return [], [], []
        keys, refs, texts = (list(c) for c in zip(*rows, strict=True))
        return keys, refs, texts

    # ----- training data -------------------------------------------------------------------
    def labelled_excerpts(self, coders: Sequence[str] | None) -> list[tuple[str, str, list[str]]]:
        """(key, text, subthemes) of every excerpt these coders coded (all coders when None)."""
        q = (select(t.excerpt.c.key, t.excerpt.c.text, t.subtheme.c.name)
             .join(t.coding, t.coding.c.excerpt_id == t.excerpt.c.id)
             .join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
             .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
             .order_by(t.excerpt.c.position, t.excerpt.c.id, t.subtheme.c.position))
        if coders is not None:
            q = q.where(t.coder.c.name.in_(list(coders)))
        out: dict[str, tuple[str, list[str]]] = {}
        with self.core.read() as conn:
            for key, text, sub in conn.execute(q):
                labels = out.setdefault(key, (text, []))[1]
                if sub not in labels:
                    labels.append(sub)
        return [(k, text, labels) for k, (text, labels) in out.items()]

    def uncoded_excerpts(self, coder: str | None, limit: int | None = None) -> list[tuple[str, str]]:
        """(key, text) of excerpts without codings or "nothing applies" (by this coder, or by anyone)."""
        coded = select(t.coding.c.excerpt_id)
        marked = select(t.nothing_applies.c.excerpt_id)
        if coder is not None:
            cid = select(t.coder.c.id).where(t.coder.c.name == coder).scalar_subquery()
            coded = coded.where(t.coding.c.coder_id == cid)
            marked = marked.where(t.nothing_applies.c.coder_id == cid)
        q = (select(t.excerpt.c.key, t.excerpt.c.text)
             .where(t.excerpt.c.id.not_in(coded), t.excerpt.c.id.not_in(marked))
             .order_by(t.excerpt.c.position, t.excerpt.c.id))
        if limit:
            q = q.limit(limit)
        with self.core.read() as conn:
            return [(k, x) for k, x in conn.execute(q)]

    def excerpt_texts_by_key(self, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
        """key → (text, perspective hint); an unknown key is the user's mistake."""
        out: dict[str, tuple[str, str]] = {}
        with self.core.read() as conn:
            for part in _chunks(list(keys)):
                for k, text, p in conn.execute(select(t.excerpt.c.key, t.excerpt.c.text, t.excerpt.c.perspective)
                                               .where(t.excerpt.c.key.in_(list(part)))):
                    out[k] = (text, p)
        missing = [k for k in keys if k not in out]
        if missing:
            raise UserError(f"unknown excerpt '{missing[0]}'")
        return out

    # ----- coding many excerpts at once, and undoing it ------------------------------------
    def code_excerpts(self, keys: Sequence[str], subtheme: str, coder: str, valence: str | None,
                      perspective: str | None, origin: str, actor: str | None = None,
                      **detail: Any) -> tuple[list[str], int]:
        """Code every excerpt in `keys` with one subtheme, in one transaction; (new uuids, already there).

        `perspective=None` takes each excerpt's own perspective hint (none where it is empty).
        The audit entry lists the new uuids, so `undo_bulk_coding` can take back exactly this step.
        """
        if not keys:
            return [], 0
        with self.core.write() as conn:
            sub_id = conn.execute(select(t.subtheme.c.id).where(t.subtheme.c.name == subtheme)).scalar()
            if sub_id is None:
                raise UserError(f"unknown subtheme '{subtheme}'")
            val_id = None
            if valence:
                val_id = conn.execute(select(t.valence.c.id).where(t.valence.c.name == valence)).scalar()
                if val_id is None:
                    raise UserError(f"unknown valence '{valence}'")
            perspectives = self.core.ids(conn, t.perspective)
            if perspective and perspective not in perspectives:
                raise UserError(f"unknown perspective '{perspective}'")
            excerpts: dict[str, tuple[int, str]] = {}
            for part in _chunks(list(keys)):
                for k, i, p in conn.execute(select(t.excerpt.c.key, t.excerpt.c.id, t.excerpt.c.perspective)
                                            .where(t.excerpt.c.key.in_(list(part)))):
                    excerpts[k] = (i, p)
            missing = [k for k in keys if k not in excerpts]
            if missing:
                raise UserError(f"unknown excerpt '{missing[0]}'")
            coder_id = self.records.coder_id(conn, coder)
            existing = set(conn.execute(
                select(t.coding.c.excerpt_id, t.coding.c.perspective_id).where(and_(
                    t.coding.c.subtheme_id == sub_id, t.coding.c.coder_id == coder_id,
                    func.coalesce(t.coding.c.valence_id, 0) == (val_id or 0),
                    t.coding.c.start.is_(None), t.coding.c.end.is_(None)))).all())
            stamp = now()
            values, uuids, coded_keys = [], [], []
            for key in dict.fromkeys(keys):
                eid, hint = excerpts[key]
                pid = perspectives.get(perspective or hint) if (perspective or hint) else None
                if (eid, pid) in existing:
                    continue
                uuid = new_uuid()
                values.append(dict(uuid=uuid, excerpt_id=eid, subtheme_id=sub_id, coder_id=coder_id,
                                   valence_id=val_id, perspective_id=pid, start=None, end=None, note="",
                                   origin=origin, time=stamp))
                uuids.append(uuid)
                coded_keys.append(key)
            if not values:
                return [], len(dict.fromkeys(keys))  # nothing new: no step to log or undo
            for i in range(0, len(values), 10_000):
                conn.execute(insert(t.coding), values[i:i + 10_000])
            for part in _chunks([v["excerpt_id"] for v in values]):
                conn.execute(delete(t.nothing_applies).where(and_(
                    t.nothing_applies.c.coder_id == coder_id, t.nothing_applies.c.excerpt_id.in_(list(part)))))
            self.core.log(conn, actor or coder, BULK_CODE, "coding", "",
                     subtheme=subtheme, coder=coder, valence=valence, perspective=perspective, origin=origin,
                     excerpts=coded_keys, uuids=uuids, **detail)
            return uuids, len(dict.fromkeys(keys)) - len(uuids)

    def bulk_codings(self, actor: str | None = None, limit: int = 200) -> list[BulkCoding]:
        """Recent 'code hits' steps not yet undone, newest first (this actor's only, when given)."""
        with self.core.read() as conn:
            rows = conn.execute(select(t.audit).where(t.audit.c.action.in_([BULK_CODE, BULK_UNDO]))
                                .order_by(t.audit.c.id.desc()).limit(limit)).all()
        undone = {json.loads(r.detail or "{}").get("undoes") for r in rows if r.action == BULK_UNDO}
        out = []
        for r in rows:
            if r.action != BULK_CODE or r.id in undone or (actor is not None and r.actor != actor):
                continue
            if not json.loads(r.detail or "{}").get("uuids"):
                continue
            out.append(BulkCoding(r.id, r.time, r.actor, json.loads(r.detail or "{}")))
        return out

    def undo_bulk_coding(self, step: BulkCoding, actor: str) -> int:
        """Remove the codings one 'code hits' step made, in one transaction; how many were still there.

        The audit entry keeps every removed coding's fields, as a single removal does.
        """
        uuids = step.uuids
        with self.core.write() as conn:
            removed: list[dict[str, Any]] = []
            for part in _chunks(uuids):
                rows = conn.execute(
                    select(t.coding.c.uuid, t.coding.c.time, t.coding.c.origin, t.excerpt.c.key,
                           t.perspective.c.name)
                    .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
                    .outerjoin(t.perspective, t.perspective.c.id == t.coding.c.perspective_id)
                    .where(t.coding.c.uuid.in_(list(part)))).all()
                removed.extend(dict(uuid=u, time=tm, origin=o, excerpt=k, perspective=p) for u, tm, o, k, p in rows)
                conn.execute(delete(t.coding).where(t.coding.c.uuid.in_(list(part))))
            self.core.log(conn, actor, BULK_UNDO, "coding", "", undoes=step.audit_id,
                     subtheme=step.detail.get("subtheme"), coder=step.detail.get("coder"),
                     valence=step.detail.get("valence"), removed=removed)
            return len(removed)
