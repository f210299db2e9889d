"""Reading a coder's filled-in coding sheet into the project (`project.collab.apply_coding_sheet`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, and_, delete, insert, select, update

from workbench.core.errors import UserError
from workbench.core.ids import now
from workbench.core.model import Coding
from workbench.store import schema as t
from workbench.store.core import ProjectCore
from workbench.store.records import RecordStore, coding_uuid
from workbench.store.retry import retry_locked


@dataclass
class SheetResult:
    """What reading a coding sheet did, for the one-line report."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    already: int = 0
    marked: int = 0
    unmarked: int = 0

    def __str__(self) -> str:
        text = f"{self.added} added, {self.changed} changed, {self.removed} removed, {self.already} unchanged"
        if self.marked or self.unmarked:
            text += f"; 'nothing applies' {self.marked} marked, {self.unmarked} cleared"
        return text


class CodingSheet(Protocol):
    """What `formats/coding_sheet.py` reads from a sheet (the store may not import formats/)."""

    @property
    def coder(self) -> str: ...
    @property
    def codings(self) -> Sequence[tuple[int, Coding]]: ...
    @property
    def marks(self) -> Sequence[tuple[int, str]]: ...
    @property
    def prefilled(self) -> set[str]: ...
    @property
    def prefilled_marks(self) -> set[str]: ...
    @property
    def file(self) -> str: ...


def apply_coding_sheet(core: ProjectCore, records: RecordStore, sheet: CodingSheet, actor: str = "") -> SheetResult:
    """Bring one coder's filled-in coding sheet into the project, in one transaction.

    New rows are added; a prefilled row whose values changed replaces its coding; a prefilled
    coding whose row is gone (or whose subtheme was cleared) is removed — the audit log keeps
    every removed field. Codings the coder made elsewhere after the sheet was written are left
    alone: the sheet only speaks for what it was given.
    """
    def _do() -> SheetResult:
        with core.write() as conn:
            rows = [(n, Coding(**{**c.__dict__, "uuid": ""})) for n, c in sheet.codings]
            try:
                values = records.resolve_codings(conn, rows, sheet.file)
            except UserError as e:  # name the sheet as well as the row
                raise e.located(sheet.file, e.line, "sheet 'coding' row") from None
            coded_rows: dict[str, int] = {}
            for (n, c), v in zip(rows, values, strict=True):
                v["uuid"] = coding_uuid(c)
                coded_rows.setdefault(c.excerpt, n)
            for n, key in sheet.marks:
                if key in coded_rows:
                    raise UserError(f"'nothing applies' for {key}, but row {coded_rows[key]} codes it",
                                    sheet.file, n, "sheet 'coding' row")
            cid = records.coder_id(conn, sheet.coder)
            mine = conn.execute(select(t.coding).where(t.coding.c.coder_id == cid)).all()
            by_uuid = {r.uuid: r.id for r in mine}
            by_key = {_natural(r): r.uuid for r in mine}
            notes = {r.uuid: r.note for r in mine}
            result = SheetResult()
            kept: set[str] = set()
            replacing: list[str] = []  # prefilled uuid a new row stands in for ("" when none)
            for (_n, c), v, (_, given) in zip(rows, values, sheet.codings, strict=True):
                present = by_key.get(_natural_values(v))
                if present is not None:
                    kept.add(present)
                    if present in notes and c.note != notes[present]:
                        conn.execute(update(t.coding).where(t.coding.c.uuid == present).values(note=c.note))
                        core.log(conn, actor or sheet.coder, "edit coding note", "coding", present,
                                 old=notes[present], new=c.note, file=sheet.file)
                        notes[present] = c.note
                        result.changed += 1
                    else:
                        result.already += 1
                    continue
                conn.execute(insert(t.coding).values(**v))
                by_key[_natural_values(v)] = v["uuid"]
                kept.add(v["uuid"])
                core.log(conn, actor or sheet.coder, "code", "coding", v["uuid"], excerpt=c.excerpt,
                         subtheme=c.subtheme, coder=sheet.coder, valence=c.valence,
                         perspective=c.perspective, note=c.note, file=sheet.file)
                replacing.append(given.uuid if given.uuid in sheet.prefilled else "")
            gone: set[str] = set()
            for uuid in sorted(sheet.prefilled - kept):
                row_id = by_uuid.get(uuid)
                if row_id is None:
                    continue
                old = records.coding_by_id(conn, row_id)
                conn.execute(delete(t.coding).where(t.coding.c.id == row_id))
                core.log(conn, actor or sheet.coder, "uncode", "coding", uuid, excerpt=old.excerpt,
                         subtheme=old.subtheme, coder=old.coder, valence=old.valence,
                         perspective=old.perspective, start=old.start, end=old.end, note=old.note,
                         time=old.time, file=sheet.file)
                gone.add(uuid)
            changed = {u for u in replacing if u in gone}
            result.changed += len(changed)
            result.added = len(replacing) - sum(1 for u in replacing if u in changed)
            result.removed = len(gone) - len(changed)
            result.marked, result.unmarked = _sheet_marks(core, conn, sheet, cid, actor)
            return result

    return retry_locked(_do)


def _natural(r: Any) -> tuple[Any, ...]:
    return (r.excerpt_id, r.subtheme_id, r.valence_id or 0, r.perspective_id or 0,
            -1 if r.start is None else r.start, -1 if r.end is None else r.end)


def _natural_values(v: dict[str, Any]) -> tuple[Any, ...]:
    return (v["excerpt_id"], v["subtheme_id"], v["valence_id"] or 0, v["perspective_id"] or 0,
            -1 if v["start"] is None else v["start"], -1 if v["end"] is None else v["end"])


def _sheet_marks(core: ProjectCore, conn: Connection, sheet: CodingSheet, cid: int, actor: str) -> tuple[int, int]:
    from workbench.core.ids import stable_uuid

    keys = core.ids(conn, t.excerpt, "key")
    marked_now = {e for _, e in sheet.marks}
    added = removed = 0
    for n, key in sheet.marks:
        if key not in keys:
            raise UserError(f"unknown excerpt '{key}'", sheet.file, n, "sheet 'coding' row")
    have = {e for (e,) in conn.execute(select(t.nothing_applies.c.excerpt_id)
                                       .where(t.nothing_applies.c.coder_id == cid))}
    for key in sorted(marked_now):
        if keys[key] in have:
            continue
        conn.execute(insert(t.nothing_applies).values(uuid=stable_uuid("nothing_applies", key, sheet.coder),
                                                      excerpt_id=keys[key], coder_id=cid, time=now()))
        core.log(conn, actor or sheet.coder, "nothing applies", "excerpt", "", excerpt=key,
                 file=sheet.file)
        added += 1
    for key in sorted(sheet.prefilled_marks - marked_now):
        if key in keys and keys[key] in have:
            conn.execute(delete(t.nothing_applies).where(and_(t.nothing_applies.c.excerpt_id == keys[key],
                                                              t.nothing_applies.c.coder_id == cid)))
            core.log(conn, actor or sheet.coder, "unmark nothing applies", "excerpt", "",
                     excerpt=key, file=sheet.file)
            removed += 1
    return added, removed
