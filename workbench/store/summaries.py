"""Summaries per subtheme × valence × perspective cell, with a version for concurrent editors.

`version` increases with every write; a writer that read version N and finds N+1 was told nothing
silently — `set_summary(expected_version=N)` raises instead, so two people editing one cell never
overwrite each other. `references` keeps the cell's reference list at writing time; when the list
derived from the codings differs, the summary is stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from workbench.core import gate
from workbench.core.errors import UserError
from workbench.core.ids import now, stable_uuid
from workbench.core.model import Summary
from workbench.store import schema as t
from workbench.store.core import ProjectCore


class SummaryConflict(UserError):
    """Someone else saved this summary since it was read; carries both texts."""

    def __init__(self, mine: str, theirs: Summary) -> None:
        super().__init__(f"{theirs.author or 'someone'} saved this summary at {theirs.time} (version "
                         f"{theirs.version}) after you opened it; both texts are kept for you to merge")
        self.mine = mine
        self.theirs = theirs


class SummaryStore:
    """`project.summaries`: the team's writing, one text per cell."""

    def __init__(self, core: ProjectCore) -> None:
        self.core = core

    def cell_ids(self, conn: Connection, subtheme: str, valence: str | None, perspective: str,
                 file: str = "", line: int | None = None) -> tuple[int, int | None, int]:
        """The ids of a cell's subtheme, valence and perspective; an unknown name is the user's mistake."""
        s = conn.execute(select(t.subtheme.c.id).where(t.subtheme.c.name == subtheme)).scalar()
        if s is None:
            raise UserError(f"unknown subtheme '{subtheme}'", file or None, line, "row")
        v = None
        if valence:
            v = conn.execute(select(t.valence.c.id).where(t.valence.c.name == valence)).scalar()
            if v is None:
                raise UserError(f"unknown valence '{valence}'", file or None, line, "row")
        p = conn.execute(select(t.perspective.c.id).where(t.perspective.c.name == perspective)).scalar()
        if p is None:
            raise UserError(f"unknown perspective '{perspective}'", file or None, line, "row")
        return s, v, p

    def all(self, conn: Connection | None = None) -> list[Summary]:
        if conn is None:
            with self.core.read() as c:
                return self.all(c)
        q = (select(t.summary, t.subtheme.c.name.label("subtheme"), t.valence.c.name.label("valence"),
                    t.perspective.c.name.label("perspective"))
             .join(t.subtheme, t.subtheme.c.id == t.summary.c.subtheme_id)
             .outerjoin(t.valence, t.valence.c.id == t.summary.c.valence_id)
             .join(t.perspective, t.perspective.c.id == t.summary.c.perspective_id)
             .order_by(t.summary.c.id))
        return [Summary(r.subtheme, r.valence, r.perspective, r.text, r.uuid, r.time, r.author, r.version,
                        r.references) for r in conn.execute(q)]

    def get(self, subtheme: str, valence: str | None, perspective: str) -> Summary | None:
        return next((s for s in self.all() if (s.subtheme, s.valence, s.perspective)
                     == (subtheme, valence or None, perspective)), None)

    def _existing(self, conn: Connection, ids: tuple[int, int | None, int]) -> Any:
        s, v, p = ids
        return conn.execute(select(t.summary).where(and_(
            t.summary.c.subtheme_id == s, func.coalesce(t.summary.c.valence_id, 0) == (v or 0),
            t.summary.c.perspective_id == p))).first()

    def set(self, subtheme: str, valence: str | None, perspective: str, text: str, author: str,
                    references: str = "", expected_version: int | None = None,
                    conn: Connection | None = None) -> Summary:
        """Write a cell's summary; with `expected_version`, refuse if someone saved in between."""
        if conn is None:
            with self.core.write() as c:
                return self.set(subtheme, valence, perspective, text, author, references,
                                        expected_version, c)
        ids = self.cell_ids(conn, subtheme, valence, perspective)
        old = self._existing(conn, ids)
        stamp = now()
        if old is None:
            if expected_version not in (None, 0):
                raise UserError("this summary was deleted after you opened it")
            uuid = stable_uuid("summary", subtheme, valence or "", perspective)
            conn.execute(insert(t.summary).values(uuid=uuid, subtheme_id=ids[0], valence_id=ids[1],
                                                  perspective_id=ids[2], text=text, author=author, time=stamp,
                                                  version=1, references=references))
            version = 1
        else:
            if expected_version is not None and old.version != expected_version:
                raise SummaryConflict(text, Summary(subtheme, valence, perspective, old.text, old.uuid, old.time,
                                                    old.author, old.version, old.references))
            uuid, version = old.uuid, old.version + 1
            conn.execute(update(t.summary).where(t.summary.c.id == old.id).values(
                text=text, author=author, time=stamp, version=version, references=references))
        self.core.log(conn, author, "summary", "summary", uuid, subtheme=subtheme, valence=valence,
                 perspective=perspective, old=None if old is None else old.text, new=text)
        return Summary(subtheme, valence, perspective, text, uuid, stamp, author, version, references)

    def delete(self, subtheme: str, valence: str | None, perspective: str, actor: str,
                       expected_version: int | None = None, conn: Connection | None = None) -> Summary | None:
        """Remove a cell's summary (one transaction, audit-logged); returns what was removed, None if
        the cell had none. With `expected_version`, refuse if someone saved in between."""
        if conn is None:
            with self.core.write() as c:
                return self.delete(subtheme, valence, perspective, actor, expected_version, c)
        old = self._existing(conn, self.cell_ids(conn, subtheme, valence, perspective))
        if old is None:
            return None
        gone = Summary(subtheme, valence, perspective, old.text, old.uuid, old.time, old.author, old.version,
                       old.references)
        if expected_version is not None and old.version != expected_version:
            raise SummaryConflict("", gone)
        conn.execute(delete(t.summary).where(t.summary.c.id == old.id))
        self.core.log(conn, actor, "delete summary", "summary", old.uuid, subtheme=subtheme, valence=valence,
                 perspective=perspective, old=old.text)
        return gone

    def add(self, rows: Sequence[tuple[int, Summary]], actor: str = "", file: str = "") -> int:
        """Import summaries (one transaction; every row checked before the first write)."""
        with self.core.write() as conn:
            resolved = [(line, s, self.cell_ids(conn, s.subtheme, s.valence, s.perspective, file, line))
                        for line, s in rows]
            written = 0
            taken = {r[0]: tuple(r[1:]) for r in conn.execute(
                select(t.summary.c.uuid, t.summary.c.subtheme_id, t.summary.c.valence_id, t.summary.c.perspective_id))}
            for line, s, ids in resolved:
                old = self._existing(conn, ids)
                if old is not None and old.text == s.text:
                    continue
                if old is None:
                    gate.check_taken([(line, s.uuid, tuple(ids))], taken, file, "summary")
                    conn.execute(insert(t.summary).values(
                        uuid=s.uuid or stable_uuid("summary", s.subtheme, s.valence or "", s.perspective),
                        subtheme_id=ids[0], valence_id=ids[1], perspective_id=ids[2], text=s.text,
                        author=s.author or actor, time=s.time or now(), version=s.version or 1, references=s.references))
                else:
                    conn.execute(update(t.summary).where(t.summary.c.id == old.id).values(
                        text=s.text, author=s.author or actor, time=now(), version=old.version + 1,
                        references=s.references or old.references))
                written += 1
            self.core.log(conn, actor, "import summaries", "summary", "", written=written, file=file)
            return written
