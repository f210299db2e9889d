"""Store operations for documents, memos, source labels and whole-project imports (issue 8).

A REFI-QDA project or codebook arrives as one `ProjectBundle` and goes in as one transaction:
everything is matched first by uuid, then by its natural name (a theme's or subtheme's name, a
source's ref, an excerpt's key), so importing a file twice adds nothing the second time and a
colleague's export merges into the project it came from instead of duplicating it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from workbench.core.errors import UserError
from workbench.core.ids import new_uuid, now, stable_uuid
from workbench.core.interchange import Document, Memo, ProjectBundle
from workbench.core.model import Codebook
from workbench.store import schema as t
from workbench.store.bundle_merge import BundleMerger, _next_position
from workbench.store.codebook_ops import CodebookStore
from workbench.store.core import ProjectCore, insert_id
from workbench.store.records import RecordStore, on_conflict_ignore
from workbench.store.summaries import SummaryStore


@dataclass(frozen=True)
class DocumentImport:
    """What `add_document` did: the document's uuid, whether it was new, the excerpt keys it created."""

    uuid: str
    added: bool
    excerpts: list[str]


def _free_uuid(conn: Connection, table: Any, wanted: str, *fallback_key: object) -> str:
    """`wanted` unless another row already holds it (then a uuid5 of the key, then a random one)."""
    for candidate in (wanted, stable_uuid(table.name, *fallback_key) if fallback_key else ""):
        if candidate and conn.execute(select(table.c.id).where(table.c.uuid == candidate)).first() is None:
            return candidate
    return new_uuid()


def memo_from_row(r: Any) -> Memo:
    return Memo(r.target_kind, r.target_uuid, r.text, r.author, r.uuid, r.time)


def memo_target_names(conn: Connection, kind: str, uuid: str) -> dict[str, str]:
    """What a memo is about, by the name people use (an excerpt's key, a subtheme's name), for the
    audit log: an entry that gives only a uuid cannot be read without a second lookup."""
    tables = {"excerpt": (t.excerpt, "key"), "subtheme": (t.subtheme, "name"), "theme": (t.theme, "name"),
              "source": (t.source, "ref")}
    if kind not in tables:
        return {}
    table, column = tables[kind]
    name = conn.execute(select(table.c[column]).where(table.c.uuid == uuid)).scalar()
    return {kind: str(name)} if name is not None else {}


class InterchangeStore:
    """`project.interchange`: documents, memos, source labels, and whole projects in and out (a
    `ProjectBundle`, read by `formats/refi/`). A whole project is read through the stores that own
    each part."""

    def __init__(self, core: ProjectCore, records: RecordStore, codebook: CodebookStore,
                 summaries: SummaryStore) -> None:
        self.core = core
        self.records = records
        self.codebook = codebook
        self.summaries = summaries

    # ----- documents -----------------------------------------------------------------------
    def documents(self, source: str | None = None, conn: Connection | None = None) -> list[Document]:
        if conn is None:
            with self.core.read() as c:
                return self.documents(source, c)
        q = (select(t.document, t.source.c.ref).join(t.source, t.source.c.id == t.document.c.source_id)
             .order_by(t.document.c.id))
        if source is not None:
            q = q.where(t.source.c.ref == source)
        return [Document(r.ref, r.name, r.text, r.uuid, r.time) for r in conn.execute(q)]

    def add_document(self, source: str, name: str, text: str, actor: str = "",
                     spans: Sequence[tuple[int, int, str]] = ()) -> DocumentImport:
        """Keep a document's text with its source and cut excerpts at `spans` (start, end, location).

        The uuid is derived from the source, the name and the text, so importing the same file twice
        is a no-op instead of a second copy with duplicate excerpts.
        """
        with self.core.write() as conn:
            src = conn.execute(select(t.source).where(t.source.c.ref == source)).first()
            if src is None:
                raise UserError(f"unknown source '{source}'")
            if not text.strip():
                raise UserError("the document has no text")
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            uuid = stable_uuid("document", src.uuid, name, digest)
            if conn.execute(select(t.document.c.id).where(t.document.c.uuid == uuid)).first() is not None:
                return DocumentImport(uuid, False, [])
            doc_id = insert_id(conn, insert(t.document).values(
                uuid=uuid, source_id=src.id, name=name, text=text, time=now()))
            keys = self._free_keys(conn, source, len(spans))
            position = _next_position(conn, t.excerpt)
            values = []
            for key, (start, end, location) in zip(keys, spans, strict=True):
                if not 0 <= start < end <= len(text) or not text[start:end].strip():
                    raise UserError(f"span {start}-{end} is empty or outside the document")
                values.append(dict(uuid=_free_uuid(conn, t.excerpt, stable_uuid("excerpt", key)), key=key,
                                   source_id=src.id, text=text[start:end], perspective="", location=location,
                                   document_id=doc_id, start=start, end=end, position=position))
                position += 1
            if values:
                conn.execute(insert(t.excerpt), values)
            self.core.log(conn, actor, "import document", "document", uuid, source=source, name=name,
                     characters=len(text), excerpts=len(values))
            return DocumentImport(uuid, True, keys)

    def excerpt_from_document(self, document: str, start: int, end: int, actor: str = "", key: str | None = None,
                              perspective: str = "", location: str = "") -> str:
        """One excerpt selected in a document (the TUI's span selection); returns its key."""
        with self.core.write() as conn:
            doc = conn.execute(select(t.document, t.source.c.ref).join(t.source, t.source.c.id == t.document.c.source_id)
                               .where(t.document.c.uuid == document)).first()
            if doc is None:
                raise UserError(f"no document with uuid {document}")
            if not 0 <= start < end <= len(doc.text) or not doc.text[start:end].strip():
                raise UserError(f"span {start}-{end} is empty or outside the document")
            if perspective and conn.execute(select(t.perspective.c.id).where(
                    t.perspective.c.name == perspective)).first() is None:
                raise UserError(f"unknown perspective '{perspective}'")
            if key is None:
                key = self._free_keys(conn, doc.ref, 1)[0]
            elif conn.execute(select(t.excerpt.c.id).where(t.excerpt.c.key == key)).first() is not None:
                raise UserError(f"excerpt '{key}' already exists")
            uuid = _free_uuid(conn, t.excerpt, stable_uuid("excerpt", key))
            conn.execute(insert(t.excerpt).values(
                uuid=uuid, key=key, source_id=doc.source_id, text=doc.text[start:end], perspective=perspective,
                location=location, document_id=doc.id, start=start, end=end,
                position=_next_position(conn, t.excerpt)))
            self.core.log(conn, actor, "add excerpt", "excerpt", uuid, key=key, document=document,
                     start=start, end=end)
            return key

    def _free_keys(self, conn: Connection, prefix: str, n: int) -> list[str]:
        """`n` unused excerpt keys '<ref>.<number>', numbered on after the highest already there."""
        stem = f"{prefix}."
        used = {r[0] for r in conn.execute(select(t.excerpt.c.key).where(
            t.excerpt.c.key.startswith(stem, autoescape=True)))}
        numbers = [int(k[len(stem):]) for k in used if k[len(stem):].isdigit()]
        start = max(numbers, default=0) + 1
        return [f"{stem}{i}" for i in range(start, start + n)]

    # ----- memos ---------------------------------------------------------------------------
    def memos(self, target_uuid: str | None = None, conn: Connection | None = None) -> list[Memo]:
        if conn is None:
            with self.core.read() as c:
                return self.memos(target_uuid, c)
        q = select(t.memo).order_by(t.memo.c.id)
        if target_uuid is not None:
            q = q.where(t.memo.c.target_uuid == target_uuid)
        return [memo_from_row(r) for r in conn.execute(q)]

    def add_memo(self, target_kind: str, target_uuid: str, text: str, author: str = "", uuid: str = "") -> str:
        """A memo; given its `uuid`, sending it again adds nothing (the app resends after a dropped
        connection, not knowing whether the first attempt committed)."""
        if not text.strip():
            raise UserError("a memo cannot be empty")
        uuid = uuid or new_uuid()
        with self.core.write() as conn:
            if conn.execute(select(t.memo.c.id).where(t.memo.c.uuid == uuid)).first() is not None:
                return uuid
            conn.execute(insert(t.memo).values(uuid=uuid, target_kind=target_kind, target_uuid=target_uuid,
                                               author=author, text=text, time=now()))
            self.core.log(conn, author, "memo", target_kind, target_uuid, memo=uuid,
                          **memo_target_names(conn, target_kind, target_uuid))
        return uuid

    # ----- reference labels ----------------------------------------------------------------
    def renumber_sources(self, actor: str = "") -> dict[str, str]:
        """Relabel every source 1..N in the project's order (only when the user asks: `--renumber`).

        Summaries remember the reference list they were written against; those lists are relabelled
        too, so renumbering does not make every summary look stale.
        """
        with self.core.write() as conn:
            citation = conn.execute(select(t.setting.c.value).where(t.setting.c.key == "citation")).scalar()
            if (citation or "numeric") != "numeric":
                raise UserError("--renumber is for numeric reference labels; this project cites author-year")
            rows = conn.execute(select(t.source.c.id, t.source.c.ref)
                                .order_by(t.source.c.position, t.source.c.id)).all()
            mapping = {r.ref: str(i) for i, r in enumerate(rows, start=1)}
            if all(k == v for k, v in mapping.items()):
                return {}
            for r in rows:  # two steps, so no intermediate state breaks the unique ref
                conn.execute(update(t.source).where(t.source.c.id == r.id).values(ref=f"~renumbering~{r.id}"))
            for r in rows:
                conn.execute(update(t.source).where(t.source.c.id == r.id).values(ref=mapping[r.ref]))
            for s in conn.execute(select(t.summary.c.id, t.summary.c.references)).all():
                if s.references:
                    new = ",".join(mapping.get(x, x) for x in s.references.split(","))
                    conn.execute(update(t.summary).where(t.summary.c.id == s.id).values(references=new))
            changed = {k: v for k, v in mapping.items() if k != v}
            self.core.log(conn, actor, "renumber sources", "source", "", changed=changed)
            return changed

    # ----- whole projects ------------------------------------------------------------------
    def bundle(self) -> ProjectBundle:
        """Everything an exchange file carries, read in one transaction (a consistent picture)."""
        with self.core.read() as conn:
            b = ProjectBundle(
                codebook=self.codebook.get(conn), sources=self.records.sources(conn),
                documents=self.documents(None, conn), excerpts=self.records.excerpts(conn),
                codings=self.records.codings(None, conn), summaries=self.summaries.all(conn),
                memos=self.memos(None, conn), coders=self.records.coders(conn))
            b.excerpt_documents = {e: d for e, d in conn.execute(
                select(t.excerpt.c.uuid, t.document.c.uuid).join(t.document, t.document.c.id == t.excerpt.c.document_id))}
            b.nothing_applies = [(k, c) for k, c in conn.execute(
                select(t.excerpt.c.key, t.coder.c.name).select_from(t.nothing_applies)
                .join(t.excerpt, t.excerpt.c.id == t.nothing_applies.c.excerpt_id)
                .join(t.coder, t.coder.c.id == t.nothing_applies.c.coder_id).order_by(t.nothing_applies.c.id))]
            b.settings = dict(conn.execute(select(t.setting.c.key, t.setting.c.value)).all())
            for table, what in ((t.judgement, "CERQual judgements"), (t.decision, "screening decisions"),
                                (t.included_study, "included-study links")):
                n = conn.execute(select(func.count()).select_from(table)).scalar_one()
                if n:
                    b.losses.append(f"not carried: {what} (REFI-QDA has no place for them): {n}")
        return b

    def import_bundle(self, b: ProjectBundle, actor: str = "", file: str = "", fresh: bool = False) -> Counter[str]:
        """Bring a whole bundle in, in one transaction; counts of what was added and what was there."""
        with self.core.write() as conn:
            stats: Counter[str] = Counter()
            merger = BundleMerger(conn, self.core, self.records, self.summaries)
            if fresh:
                cb = b.codebook
                settings = {"name": cb.name, "citation": cb.citation, "consensus_coder": cb.consensus_coder,
                            "labels": json.dumps(cb.labels, ensure_ascii=False), **b.settings}
                for key, value in settings.items():
                    self.core.set_setting(key, value, actor, conn)
            maps = merger.merge_codebook(conn, b.codebook, stats)
            for name in b.coders:
                self.records.coder_id(conn, name)
            refs = merger.merge_sources(conn, b, stats, maps)
            docs = merger.merge_documents(conn, b, refs, stats)
            keys = merger.merge_excerpts(conn, b, refs, docs, stats, maps)
            merger.merge_codings(conn, b, keys, maps, stats, file)
            merger.merge_summaries(conn, b, maps, stats)
            merger.merge_memos(conn, b, maps, stats)
            for key, coder in b.nothing_applies:
                e = conn.execute(select(t.excerpt.c.id).where(t.excerpt.c.key == keys.get(key, key))).scalar()
                if e is not None:
                    cid = self.records.coder_id(conn, coder)
                    stmt = on_conflict_ignore(conn, t.nothing_applies)
                    conn.execute(stmt, [dict(uuid=stable_uuid("nothing_applies", keys.get(key, key), coder),
                                             excerpt_id=e, coder_id=cid, time=now())])
            self.core.log(conn, actor, "import project", "project", "", file=file,
                     **{k: v for k, v in sorted(stats.items())})
            return stats

    def import_codebook(self, cb: Codebook, actor: str = "", file: str = "") -> Counter[str]:
        """Add a codebook's themes, subthemes, valences and perspectives that the project lacks."""
        return self.import_bundle(ProjectBundle(codebook=cb), actor, file)
